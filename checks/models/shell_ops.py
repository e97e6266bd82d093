"""What shell commands do, asked by several checks: running code fetched from the network.

One answer for scripts, Dockerfile ``RUN`` and workflow steps (SH010 and DKR010 ask the
same questions here, with one list of downloaders and one list of interpreters):

* :func:`piped_download` - ``curl ... | sh`` (any stage between: ``| tee log | bash``),
  ``wget -O- ... | python3 -``: an interpreter that reads the download on stdin;
* :func:`substituted_download` - ``sh -c "$(curl ...)"``, ``bash <(curl ...)``,
  ``eval "$(wget -qO- ...)"``, ``source <(curl ...)``;
* :func:`downloaded_then_run` - a script saved by ``curl -o``/``wget`` and run later
  with no checksum or signature checked in between (a helper function that verifies
  counts).
"""

from __future__ import annotations

import posixpath
from typing import Iterator

from .shell import SHELLS, Command, Segment, ShellScript

__all__ = ["DOWNLOADERS", "INTERPRETERS", "reads_script_from_stdin", "piped_download", "substituted_download",
           "remote_code", "downloaded_then_run", "downloaded_file"]

#: programs that fetch a URL (httpie's ``http``/``https``, BSD ``fetch``)
DOWNLOADERS = frozenset(("curl", "wget", "fetch", "http", "https", "aria2c"))
#: programs that run a script they are given (on stdin, with ``-c``, or as a file)
INTERPRETERS = frozenset(SHELLS | {"python", "python2", "python3", "perl", "ruby", "node", "php", "pwsh",
                                   "powershell"})
_SOURCING = frozenset(("source", ".", "eval", "iex"))


def reads_script_from_stdin(seg: Segment) -> bool:
    """Does this command run, as code, what it reads on stdin (``sh``, ``bash -s --``, ``python3 -``)?"""
    name = seg.name
    base = "python" if name.startswith("python") else name
    if base not in INTERPRETERS and name not in INTERPRETERS:
        return False
    args = seg.argv[1:]
    if "-c" in args or (base == "python" and any(a.startswith("-m") for a in args)):
        return False  # runs its own argument; stdin is data
    for arg in args:
        if arg in ("-", "-s", "--"):
            return True
        if not arg.startswith("-") and not arg.startswith((">", "<", "2>", "1>", "&>")):
            return False  # runs a script file
    return True


def piped_download(command: Command) -> str | None:
    """``curl ... | sh``: how the command pipes a download into an interpreter, or None."""
    segments = command.segments
    for index, seg in enumerate(segments):
        if seg.name not in DOWNLOADERS:
            continue
        for later in segments[index + 1:]:
            if later.op not in ("|", "|&"):
                break
            if reads_script_from_stdin(later):
                return f"{seg.name} ... | {' '.join(later.argv[:3])}"
    return None


def _fetches(word: str) -> bool:
    return any(f"{p}{tool} " in word or f"{p}{tool}\t" in word
               for p in ("$(", "<(", "`") for tool in ("curl", "wget"))


def substituted_download(command: Command) -> str | None:
    """``sh -c "$(curl ...)"``, ``bash <(curl ...)``, ``eval "$(wget -qO- ...)"``, or None."""
    for seg in command.segments:
        if seg.name in INTERPRETERS or seg.name in _SOURCING:
            fetched = next((word for word in seg.argv[1:] if _fetches(word)), None)
            if fetched is not None:
                return f"{' '.join(seg.argv[:seg.argv.index(fetched)])} \"{fetched[:70]}\""
    return None


def remote_code(command: Command) -> str | None:
    """How this command runs code straight from the network (piped or substituted), or None."""
    return piped_download(command) or substituted_download(command)


_VERIFIERS = frozenset((
    "sha256sum", "sha512sum", "sha384sum", "sha224sum", "sha1sum", "shasum", "b2sum", "md5sum",
    "gpg", "gpg2", "gpgv", "cosign", "minisign", "signify", "slsa-verifier", "gh",
))
_URL_PREFIXES = ("https://", "http://", "ftp://")
#: short options that take a value, which may be glued to them (``-XPOST``, ``-ofile``)
_VALUE_SHORT = {
    "curl": frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz"),
    "wget": frozenset("aABDeiIlOoPQRtTUwX"),
}


def _verifies(seg, helpers: set[str] = frozenset()) -> bool:
    """Does this simple command check a checksum or signature (or call a helper that does)?"""
    name = seg.name
    if name in helpers:
        return True
    if name == "gh":
        return "attestation" in seg.argv
    if name == "openssl":
        return "dgst" in seg.argv and any(w in ("-verify", "-prverify") for w in seg.argv)
    return name in _VERIFIERS


def _verifying_functions(script: ShellScript) -> set[str]:
    """Names of the script's functions whose body checks a checksum or signature
    (directly or by calling another such function)."""
    found: set[str] = set()
    bodies = [seg for _, seg in script.segments() if seg.function]
    while True:
        more = {seg.function for seg in bodies if seg.function not in found and _verifies(seg, found)}
        if not more:
            return found
        found |= more


def _url(argv: tuple[str, ...]) -> str:
    return next((word for word in argv[1:] if word.startswith(_URL_PREFIXES)), "")


def _remote_name(url: str) -> str:
    path = url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    return path.rsplit("/", 1)[-1] if "/" in path else ""


def _redirect_target(words: tuple[str, ...]) -> str:
    for index, word in enumerate(words):
        if word in (">", ">>") and index + 1 < len(words):
            return words[index + 1]
        if word.startswith(">") and len(word) > 1 and word[1] not in ">&":
            return word[1:]
    return ""


def downloaded_file(argv: tuple[str, ...], words: tuple[str, ...]) -> str:
    """The file a ``curl``/``wget`` command saves its download to, or ''."""
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    if tool not in ("curl", "wget"):
        return ""
    url = _url(argv)
    out, remote = "", False
    long_out = ("--output",) if tool == "curl" else ("--output-document",)
    flag = "o" if tool == "curl" else "O"
    for index, word in enumerate(argv[1:], 1):
        following = argv[index + 1] if index + 1 < len(argv) else ""
        if word in long_out:
            out = following
        elif word.startswith(tuple(f"{opt}=" for opt in long_out)):
            out = word.split("=", 1)[1]
        elif word in ("--remote-name", "--remote-name-all"):
            remote = True
        elif word.startswith("-") and not word.startswith("--") and len(word) > 1:
            for at, letter in enumerate(word[1:], 1):
                if letter == flag:
                    out = word[at + 1:] or following
                    break
                if letter in _VALUE_SHORT[tool]:
                    break  # the rest of the word is this option's value (-XPOST)
                if tool == "curl" and letter == "O":
                    remote = True
    if out == "-":
        return ""  # to stdout: a pipe, judged above
    if out:
        return out
    if remote or tool == "wget":
        return _redirect_target(words) or _remote_name(url)
    return _redirect_target(words)


def _same_file(target: str, saved: str) -> bool:
    target, saved = target.removeprefix("./"), saved.removeprefix("./")
    if target == saved:
        return True
    # a bare name on either side: the download was saved to, or run from, the working directory
    return posixpath.basename(target) == posixpath.basename(saved) and ("/" not in target or "/" not in saved)


def _run_target(seg) -> str:
    """The file a segment runs as a script: ``sh FILE``, ``. FILE``, or ``./FILE.sh``."""
    argv = seg.argv
    if not argv:
        return ""
    if seg.name in SHELLS or seg.name in ("source", "."):
        rest = [word for word in argv[1:] if not word.startswith("-")]
        if "-c" in argv[1:]:
            return ""
        return rest[0] if rest else ""
    if "/" in argv[0] and argv[0].endswith((".sh", ".bash")):
        return argv[0]
    return ""


def downloaded_then_run(script: ShellScript) -> Iterator[tuple[object, str, str, int]]:
    """(command, file, tool, line of the download) for each downloaded script run before any verification."""
    pending: dict[str, tuple[str, int]] = {}
    helpers = _verifying_functions(script)
    for command in script.commands:
        for seg in command.segments:
            if _verifies(seg, helpers):
                pending.clear()  # a checksum or signature is checked: trust what was fetched so far
                continue
            target = _run_target(seg)
            if target:
                match = next((saved for saved in pending if _same_file(target, saved)), None)
                if match is not None:
                    tool, line = pending.pop(match)
                    yield command, target, tool, line
                    continue
            saved = downloaded_file(seg.argv, seg.words)
            if saved:
                pending[saved] = (seg.name, command.line)
