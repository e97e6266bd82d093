"""SH010: running a script straight from the network."""

from __future__ import annotations

import posixpath
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import SHELLS, ShellScript

CHECK = Check(
    code="SH010",
    name="curl-pipe-shell",
    title="Downloads a script and runs it unverified",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`curl ... | sh` runs whatever the server returns at that moment, with the script's "
        "privileges (often root), and nothing checks what it was: a compromised host, a "
        "hijacked domain or a truncated download (which sh happily runs half of) becomes code "
        "execution on your servers, and the next run may install something else. Saving the "
        "script to a file first changes nothing unless a pinned checksum or signature is "
        "verified before it runs."
    ),
    remediation=(
        "Install from the distribution's package manager or a pinned release artifact instead.",
        "If a script is needed, download it to a file, verify a pinned checksum or signature, then run it.",
        "Vendor the script into the repository at a reviewed version.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/engine/install/ubuntu/#install-using-the-convenience-script",
    ),
)

_FETCHERS = ("curl", "wget", "fetch", "http", "https")
_RUNNERS = set(SHELLS) | {"source", ".", "eval"}


def _fetches(word: str) -> bool:
    return any(f"{p}{tool} " in word or f"{p}{tool}\t" in word for p in ("$(", "<(", "`") for tool in ("curl", "wget"))


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
    if seg.name in _RUNNERS - {"eval"}:
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


@CHECK.on(ShellScript)
def curl_pipe_shell(script: ShellScript) -> Iterator[Finding]:
    for command, target, tool, line in downloaded_then_run(script):
        yield CHECK.finding(
            command.pos, resource=f"script/{script.name}",
            message=f"runs {target}, downloaded by {tool} at line {line}, without verifying a checksum or signature",
            evidence=command.evidence,
        )
    for command in script.commands:
        segments = command.segments
        hit = None
        for index, seg in enumerate(segments):
            if seg.name in _FETCHERS:
                for later in segments[index + 1:]:
                    if later.op not in ("|", "|&"):
                        break
                    if later.name in SHELLS and "-c" not in later.argv:
                        hit = f"{seg.name} ... | {' '.join(later.argv[:3])}"
                        break
            elif seg.name in _RUNNERS and any(_fetches(word) for word in seg.argv[1:]):
                fetched = next(word for word in seg.argv[1:] if _fetches(word))
                hit = f"{' '.join(seg.argv[:seg.argv.index(fetched)])} \"{fetched[:70]}\""  # sh -c "$(curl ...)"
            if hit:
                break
        if hit:
            yield CHECK.finding(
                command.pos, resource=f"script/{script.name}",
                message=f"downloads code and runs it unverified: `{hit}`",
                evidence=command.evidence,
            )
