"""What shell commands do: the semantic layer over the reader's commands and segments.

Questions several checks and the facts ask, answered once for scripts, Dockerfile ``RUN``
and workflow steps: which program a wrapper runs (``docker compose exec db psql``), what
dumps a database, copies data off the host, rotates backups, restarts or builds a service,
calls a cloud CLI (and whether it changes infrastructure), deploys (:func:`deploys`, not a
:func:`dry_run`), publishes a package (:func:`publishes`) or starts a throw-away cluster
(:func:`starts_cluster`), what kind of script a file is (deploy, backup, restore,
migrate, setup) and whether it runs against production.

Running code fetched from the network (SH010 and DKR010 ask the same questions here, with
one list of downloaders and one list of interpreters):

* :func:`piped_download` - ``curl ... | sh`` (any stage between: ``| tee log | bash``),
  ``wget -O- ... | python3 -``: an interpreter that reads the download on stdin;
* :func:`substituted_download` - ``sh -c "$(curl ...)"``, ``bash <(curl ...)``,
  ``eval "$(wget -qO- ...)"``, ``source <(curl ...)``;
* :func:`downloaded_then_run` - a script saved by ``curl -o``/``wget`` and run later
  with no checksum or signature checked in between (a helper function that verifies
  counts);
* :func:`fetch_transport` - how a download travels: ``insecure`` (``curl -k``, ``wget
  --no-check-certificate``), ``http`` (plain http:// or ftp://: anyone on the path can answer),
  ``https`` (the server is authenticated, but nothing pins what it serves) or ``unknown``
  (the URL is in a variable); :func:`remote_fetch` finds the download a piped or substituted
  command runs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from . import shell_reader as reader
from .shell_reader import SHELLS

if TYPE_CHECKING:  # the model imports this module; types only
    from .shell import Command, Segment, ShellScript

__all__ = ["DOWNLOADERS", "INTERPRETERS", "reads_script_from_stdin", "piped_download", "substituted_download", "is_probe",
           "remote_code", "downloaded_then_run", "downloaded_file", "fetch_transport", "remote_fetch", "redirections",
           "files_written", "DEPLOY_COMMANDS", "deploys", "dry_run", "publishes", "publishes_package", "starts_cluster",
           "starts_ephemeral_cluster"]

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


#: where a probe sends the body it does not want
_DISCARD = frozenset(("/dev/null", "nul", "NUL"))


def is_probe(argv: Sequence[str]) -> bool:
    """A request that throws the body away and reads only the status or the headers: ``curl -s -o
    /dev/null -w '%{http_code}' url`` (a readiness loop), ``curl -I``/``--head``, ``wget --spider``,
    ``wget -O /dev/null``. Nothing it fetches can be run, whatever reads its output."""
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    if tool not in ("curl", "wget"):
        return False
    args = tuple(argv[1:64])
    if tool == "curl" and any(a in ("-I", "--head") for a in args):
        return True
    if tool == "wget" and "--spider" in args:
        return True
    if tool == "curl" and any(a.startswith("-") and not a.startswith("--") and "I" in a[1:]
                              and all(c not in _VALUE_SHORT["curl"] for c in a[1:a.index("I")]) for a in args):
        return True  # -sI, -fsIL
    saved = downloaded_file(tuple(argv), tuple(argv))
    return saved.strip("'\"") in _DISCARD


def _piped_pair(command: Command):
    """``curl ... | sh``: the downloader's segment and the interpreter reading it, or None."""
    segments = command.segments
    for index, seg in enumerate(segments):
        if seg.name not in DOWNLOADERS or is_probe(seg.argv):
            continue
        for later in segments[index + 1:]:
            if later.op not in ("|", "|&"):
                break
            if reads_script_from_stdin(later):
                return seg, later
    return None


def piped_download(command: Command) -> str | None:
    """``curl ... | sh``: how the command pipes a download into an interpreter, or None."""
    pair = _piped_pair(command)
    return None if pair is None else f"{pair[0].name} ... | {' '.join(pair[1].argv[:3])}"


def _fetched_words(word: str) -> Iterator[tuple[str, ...]]:
    """The words of each ``$(curl ...)``, ``<(wget ...)`` or `` `curl ...` `` inside ``word``
    (up to the first closing bracket or backtick; bounded)."""
    for opener in ("$(", "<(", "`"):
        start = 0
        for _ in range(20):
            at = word.find(opener, start)
            if at < 0:
                break
            start = at + len(opener)
            rest = word[start:start + 2000]
            if not rest.startswith(("curl ", "curl\t", "wget ", "wget\t")):
                continue
            end = min((i for i in (rest.find(")"), rest.find("`")) if i >= 0), default=len(rest))
            yield tuple(rest[:end].split())


def _fetches(word: str) -> bool:
    """``word`` holds a download whose body reaches the command (not a probe that discards it)."""
    return any(inner and not is_probe(inner) for inner in _fetched_words(word))


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


def remote_fetch(command: Command) -> tuple[str, ...] | None:
    """The words of the download that :func:`remote_code` finds in this command: the downloader's
    argv of ``curl ... | sh``, or the words inside ``$(curl ...)`` / ``<(wget ...)``; None if none."""
    pair = _piped_pair(command)
    if pair is not None:
        return pair[0].argv
    for seg in command.segments:
        if seg.name in INTERPRETERS or seg.name in _SOURCING:
            for word in seg.argv[1:]:
                for inner in _fetched_words(word):
                    if inner and not is_probe(inner):
                        return inner
    return None


#: how a download travels, worst first
TRANSPORTS = ("insecure", "http", "unknown", "https")
#: per downloader: the short option letter and long options that switch certificate checks off
_INSECURE = {"curl": ("k", ("--insecure",)), "wget": ("", ("--no-check-certificate",)),
             "aria2c": ("", ("--check-certificate=false",)), "http": ("", ("--verify=no", "--verify=false")),
             "https": ("", ("--verify=no", "--verify=false")), "fetch": ("", ("--no-verify-peer",))}


def fetch_transport(argv: tuple[str, ...]) -> tuple[str, str]:
    """(transport, the word that shows it) for a download's argv (``curl -fsSL https://...``).

    ``insecure``: certificate checks are off (``curl -k``/``--insecure``, ``wget
    --no-check-certificate``), so any server on the path is accepted; ``http``: a plain
    ``http://`` or ``ftp://`` URL; ``https``: an ``https://`` URL, the server authenticated;
    ``unknown``: no literal URL (``curl "$URL"``). ``curl -k`` is read in clustered short
    options (``-fsSLk``) up to the first option that takes a value; wget's ``-k`` converts links.
    """
    tool = argv[0].rsplit("/", 1)[-1] if argv else ""
    letter, longs = _INSECURE.get(tool, ("", ()))
    for word in argv[1:]:
        if word in longs:
            return "insecure", f"{tool} {word}"
        if letter and word.startswith("-") and not word.startswith("--"):
            for char in word[1:]:
                if char == letter:
                    return "insecure", f"{tool} {word}"
                if not char.isalpha() or char in _VALUE_SHORT.get(tool, ()):
                    break
    url = _url(argv)
    if url.startswith(("http://", "ftp://")):
        return "http", url
    if url.startswith("https://"):
        return "https", url
    return "unknown", ""


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


def _verifies(seg, helpers: frozenset[str] | set[str] = frozenset()) -> bool:
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


#: a redirection as the reader keeps it, one word (``>out``, ``2>>err``, ``&>all``, ``<in``) or
#: an operator word followed by its target (``>`` ``out``)
_REDIRECT_WORD_RE = re.compile(r"^([0-9]*|&)(>>|>\||>&|>|<<<|<<-|<<|<&|<>|<)(.*)$", re.DOTALL)


def redirections(words: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """(the words without redirections, (operator, target) of each redirection) of a segment's
    words.  The operator keeps its file descriptor (``2>``, ``&>``, ``>>``, ``<``); a heredoc's
    target is its delimiter, a duplication's (``2>&1``) the descriptor."""
    rest: list[str] = []
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        match = _REDIRECT_WORD_RE.match(word)
        if match is None:
            rest.append(word)
            index += 1
            continue
        operator = match.group(1) + match.group(2)
        target = match.group(3)
        if not target and index + 1 < len(words):
            index += 1
            target = words[index]
        found.append((operator, target))
        index += 1
    return rest, found


#: options of any program that name the file it writes (``curl -o``, ``sort -o``, ``--output``)
_OUTPUT_OPTIONS = ("-o", "--output")


def files_written(seg: Segment) -> list[str]:
    """The files a segment writes as written: redirection targets (any descriptor, ``>``,
    ``>>``, ``&>``), ``tee`` arguments, ``-o FILE``, ``--output FILE``/``--output=FILE``;
    duplicated descriptors (``2>&1``) left out."""
    argv, redirects = redirections(seg.argv)
    out = [target for operator, target in redirects if ">" in operator and not operator.endswith(">&")]
    if argv and argv[0].rsplit("/", 1)[-1] == "tee":
        out.extend(word for word in argv[1:] if not word.startswith("-"))
    for index, word in enumerate(argv[1:], 1):
        if word in _OUTPUT_OPTIONS and index + 1 < len(argv):
            out.append(argv[index + 1])
        elif word.startswith("--output="):
            out.append(word.split("=", 1)[1])
    return out


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


def downloaded_then_run(script: ShellScript) -> Iterator[tuple[Command, str, str, int]]:
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


# ----------------------------------------------------------------------------- programs behind wrappers

#: programs a wrapper runs (``docker exec db mysql ...``, ``docker compose exec -T db dropdb ...``,
#: ``kubectl exec pod -- psql ...``, ``$DC exec db ...``) that checks look for inside the wrapper
_WRAPPERS = frozenset(("docker", "podman", "docker-compose", "podman-compose", "kubectl", "oc", "nerdctl"))


def program_argv(seg: Segment, *programs: str) -> tuple[str, ...] | None:
    """The argv of the first of ``programs`` this segment runs, directly or through a wrapper.

    ``docker compose exec -T db dropdb --force shop`` runs ``dropdb``; so does
    ``${DC} exec db dropdb shop`` (a compose command kept in a variable).
    """
    if seg.name in programs:
        return seg.argv
    argv = seg.argv
    if not argv or not (seg.name in _WRAPPERS or argv[0].startswith("$")) or not any(a in ("exec", "run") for a in argv[1:4]):
        return None
    for i, word in enumerate(argv[1:], 1):
        if word.rsplit("/", 1)[-1] in programs:
            return (word.rsplit("/", 1)[-1],) + argv[i + 1:]
    return None



# ----------------------------------------------------------------------------- traits

#: programs that dump a database or take a backup (any word of a segment)
DUMP_TOOLS = frozenset((
    "pg_dump", "pg_dumpall", "pg_basebackup", "mysqldump", "mariadb-dump", "mysqlpump", "mydumper",
    "mongodump", "xtrabackup", "mariabackup", "innobackupex", "clickhouse-backup", "influxd-backup",
))
#: applications' own backup or export commands: (program, words that must all follow it)
APP_BACKUP_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gitea", ("dump",)), ("forgejo", ("dump",)), ("gitlab-backup", ("create",)),
    ("gitlab-rake", ("gitlab:backup:create",)), ("gitlab-ctl", ("backup-etc",)), ("discourse", ("backup",)),
    ("mmctl", ("export", "create")), ("mattermost", ("export",)), ("wp", ("db", "export")),
    ("bench", ("backup",)), ("vault", ("operator", "raft", "snapshot", "save")), ("consul", ("snapshot", "save")),
    ("nomad", ("operator", "snapshot", "save")), ("influx", ("backup",)), ("litestream", ("replicate",)),
    ("pg_probackup", ("backup",)), ("kc.sh", ("export",)), ("document_exporter", ()),
    ("rabbitmqctl", ("export_definitions",)), ("arangodump", ()), ("nodetool", ("snapshot",)),
)


_APP_BACKUP_PROGRAMS = tuple(sorted({program for program, _ in APP_BACKUP_COMMANDS}))


def app_backup_command(argv: tuple[str, ...]) -> str:
    """The application backup command ``argv`` runs (``gitea dump``, ``gitlab-backup create``), or ''."""
    if not argv:
        return ""
    name = argv[0].rsplit("/", 1)[-1]
    rest = argv[1:]
    for program, words in APP_BACKUP_COMMANDS:
        if name == program and all(w in rest for w in words):
            return " ".join((program,) + words)
    if name in ("php", "sudo") and "occ" in " ".join(rest) and "maintenance:mode" not in rest and any(
            w.startswith(("db:", "backup")) for w in rest):
        return "occ backup"
    return ""


#: backup programs that keep their own repository (offsite decided by the repository)
REPO_BACKUP_TOOLS = frozenset(("restic", "borg", "kopia", "duplicity", "pgbackrest", "wal-g", "barman", "velero", "duplicati-cli"))
CLOUD_CLIS = ("aws", "gcloud", "gsutil", "az", "doctl", "hcloud", "linode-cli", "vultr-cli", "scw", "oci", "ibmcloud", "flyctl", "fly", "heroku", "exo", "upcloud")
_CLOUD_READ_VERBS = ("describe", "list", "get", "show", "ls", "wait", "logs", "whoami", "version", "help", "configure", "auth", "login", "get-login-password", "sts", "account", "config", "cp", "sync", "mv", "rsync", "tail")
_OFFSITE_PREFIXES = ("s3://", "gs://", "az://", "https://", "sftp://", "ssh://", "rsync://", "b2://", "swift://", "r2://")
_IAC_TOOLS = ("terraform", "tofu", "terragrunt", "pulumi", "cdk", "cdktf", "sam", "serverless", "sls", "ansible-playbook", "bicep")
_RESTART_WORDS = ("restart", "reload", "up", "start", "force-new-deployment")


def _is_remote(target: str) -> bool:
    """``host:path`` / ``user@host:path`` / ``host::module`` (scp, rsync), not a local path."""
    if not target or target.startswith(("/", ".", "~", "$", "-")):
        return False
    head = target.split("/", 1)[0]
    return ":" in head and not head.startswith("[")


def _writes_local(seg: Segment, tool: str = "") -> bool:
    words = seg.words
    first = 0
    if tool:  # options before the dump tool belong to a wrapper (docker compose -f ...)
        first = next((i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] == tool), 0)
    for i, word in enumerate(words):
        if i < first and not word.startswith((">", "1>")):
            continue
        if word in (">", ">>", "1>") and i + 1 < len(words) and words[i + 1] != "/dev/null":
            return True
        if word.startswith((">", "1>")) and word.lstrip("1>") and "/dev/null" not in word and not word.startswith(">&"):
            return True
        if word in ("-f", "--file", "-o", "--out", "--output", "-r", "--result-file", "--target-dir", "-D", "--pgdata", "--backup-dir") and i + 1 < len(words):
            if not words[i + 1].startswith("-"):
                return True
        if word.startswith(("--file=", "--out=", "--output=", "--result-file=", "--archive=", "--target-dir=", "--outputdir=")):
            return True
    return False


_TARGET_OPTIONS = ("-f", "--file", "-o", "--out", "--output", "-r", "--result-file")


def _local_targets(seg: Segment, tool: str = "") -> list[str]:
    """The files a dump segment writes (redirection target, ``-f FILE``, ``--file=FILE``)."""
    words = seg.words
    first = next((i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] == tool), 0) if tool else 0
    out = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in (">", ">>", "1>") and nxt:
            out.append(nxt)
        elif word.startswith((">", "1>")) and not word.startswith((">&", ">>&")) and word.lstrip("1>"):
            out.append(word.lstrip("1>"))
        elif i > first and word in _TARGET_OPTIONS and nxt and not nxt.startswith("-"):
            out.append(nxt)
        elif i > first and word.startswith(tuple(f"{o}=" for o in _TARGET_OPTIONS if o.startswith("--"))):
            out.append(word.split("=", 1)[1])
    return [t for t in out if t != "/dev/null"]


def _removed_paths(script: ShellScript) -> list[tuple[int, str]]:
    """(command index, path) for each path an ``rm`` deletes; an exit trap's ``rm`` counts as last."""
    out: list[tuple[int, str]] = []
    last = len(script.commands)
    for position, command in enumerate(script.commands):
        for seg in command.segments:
            if seg.name == "rm":
                out.extend((position, w) for w in seg.argv[1:] if not w.startswith("-"))
            elif seg.name == "trap" and len(seg.argv) > 1 and "rm " in seg.argv[1]:
                for inner in reader.segments_of(seg.argv[1]):
                    words = inner.words
                    if words[:1] == ("rm",):
                        out.extend((last, w) for w in words[1:] if not w.startswith("-"))
    return out


def _is_removed(target: str, position: int, removed: list[tuple[int, str]]) -> bool:
    """Is ``target`` (or a folder holding it) deleted by an ``rm`` after command ``position``?"""
    return any(at > position and (path == target or target.startswith(path.rstrip("/") + "/")) for at, path in removed)


def _offsite_segment(seg: Segment) -> bool:
    """Does this segment copy data off the host?"""
    name = seg.name
    argv = seg.argv
    if name == "aws" and len(argv) > 2 and argv[1] in ("s3", "s3api") :
        return any(a.startswith("s3://") for a in argv) or argv[2] in ("put-object", "upload-part")
    if name in ("gsutil", "s3cmd", "azcopy", "b2", "swift", "rclone", "mc", "s5cmd"):
        return any(a in argv for a in ("cp", "copy", "sync", "rsync", "move", "mv", "put", "upload", "upload-file", "upload_file", "rcat", "mirror", "copyto"))
    if name == "gcloud" and "storage" in argv:
        return "cp" in argv or "rsync" in argv
    if name == "az" and "storage" in argv:
        return any(a.startswith("upload") for a in argv)
    if name in ("scp", "rsync", "sftp"):
        return any(_is_remote(a) for a in argv[1:])
    if name in ("restic", "kopia"):
        for i, a in enumerate(argv):
            if a in ("-r", "--repo", "--repository") and i + 1 < len(argv):
                return not argv[i + 1].startswith(("/", ".", "~"))
            if a.startswith(("--repo=", "--repository=")):
                return not a.split("=", 1)[1].startswith(("/", ".", "~"))
        return "backup" in argv or "snapshot" in argv  # repository from the environment: cannot tell, assume configured
    if name == "borg":
        for a in argv[1:]:
            if "::" in a or a.startswith("ssh://"):
                return a.startswith("ssh://") or _is_remote(a.split("::", 1)[0] + ":")
        return False
    if name in ("pgbackrest", "wal-g", "barman", "velero", "duplicity", "duplicati-cli"):
        return True
    if name == "curl":
        return any(a in ("-T", "--upload-file") or a.startswith("--upload-file=") for a in argv)
    if name == "ssh":
        return seg.op in ("|", "|&")  # something piped into ssh goes to the remote host
    return False


#: copy tools and their verbs that copy (the destination is their last operand)
_COPY_VERBS = {"rsync": (), "scp": (), "rclone": ("copy", "sync", "move", "copyto"),
               "aws": ("cp", "sync", "mv"), "gsutil": ("cp", "rsync", "mv"), "s3cmd": ("put", "sync"),
               "azcopy": ("copy", "sync")}


def _operands(argv: tuple[str, ...]) -> list[str]:
    return [a for a in argv[1:] if not a.startswith("-") and "=" not in a.split("/", 1)[0]]


def _unknown_place(word: str, literals: dict[str, tuple[str, int]]) -> str | None:
    """``word`` with the variables the script sets to literals put in; None if some other
    variable is left (a place the script cannot tell)."""
    for name, (value, _) in literals.items():
        word = word.replace("${" + name + "}", value).replace("$" + name, value)
    return None if "$" in word or "`" in word else word


def _local_repository(seg: Segment, tool: str, literals: dict[str, tuple[str, int]]) -> bool:
    """Does a backup tool's run write to a repository known to be on this host?

    ``borg create /srv/borg::x`` or ``restic -r /srv/restic backup`` is; a repository named
    by a variable the script does not set (a mounted backup drive, a remote from the
    operator's configuration) or taken from the environment is not known to be."""
    argv = seg.argv
    repo: str | None = None
    if tool == "borg":
        repo = next((a.split("::", 1)[0] for a in argv[1:] if "::" in a), None)
    elif tool in ("restic", "kopia"):
        for i, a in enumerate(argv):
            if a in ("-r", "--repo", "--repository") and i + 1 < len(argv):
                repo = argv[i + 1]
            elif a.startswith(("--repo=", "--repository=")):
                repo = a.split("=", 1)[1]
    else:
        return True  # pgbackrest, wal-g, barman...: their own configuration; kept as before
    if repo is None:
        return False  # from the environment (BORG_REPO, RESTIC_REPOSITORY): not known
    place = _unknown_place(repo, literals)
    return place is not None and place.startswith(("/", ".", "~")) and not _is_remote(place)


def _archived_later(script: ShellScript, position: int, targets: list[str]) -> bool:
    """Is a dump written to ``targets`` handed, later in the same script, to a backup tool
    (``borg create``, ``restic backup``...) or copied somewhere the script cannot tell is
    this host (``rsync "$DUMP" "$BACKUP_DEST"``)?  A literal path of another tree that
    holds none of the targets does not count."""
    literals = script.literals
    for command in script.commands[position + 1:]:
        for seg in command.segments:
            name = seg.name
            argv = seg.argv
            operands = _operands(argv)
            if name == "borg" and "create" in argv:
                sources = [a for a in operands if a != "create" and "::" not in a]
            elif name in ("restic", "kopia") and ("backup" in argv or "snapshot" in argv):
                sources = [a for a in operands if a not in ("backup", "snapshot", "create")
                           and a != next((argv[i + 1] for i, x in enumerate(argv[:-1]) if x in ("-r", "--repo", "--repository")), None)]
            elif name in _COPY_VERBS and (not _COPY_VERBS[name] or any(v in argv for v in _COPY_VERBS[name])):
                rest = [a for a in operands if a not in _COPY_VERBS[name] and a not in ("s3",)]
                if len(rest) < 2:
                    continue
                dest = _unknown_place(rest[-1], literals)
                if dest is not None and dest.startswith(("/", ".", "~")) and not _is_remote(dest):
                    continue  # a copy to another folder of this host
                sources = rest[:-1]
            else:
                continue
            if _covers(sources, targets, literals):
                return True
    return False


def _covers(sources: list[str], targets: list[str], literals: dict[str, tuple[str, int]]) -> bool:
    """May one of ``sources`` (files or trees) hold one of ``targets``?  Unknown places may."""
    if not sources or not targets:
        return True
    for source in sources:
        place = _unknown_place(source, literals)
        if place is None:
            return True
        root = place.rstrip("/")
        for target in targets:
            where = _unknown_place(target, literals)
            if where is None or not root or where == place or where.startswith(root + "/"):
                return True
    return False


def _retention_segment(seg: Segment, command: Command) -> bool:
    name = seg.name
    argv = seg.argv
    if name == "find":
        timed = any(a in ("-mtime", "-mmin", "-ctime", "-atime", "-newermt", "-newer") for a in argv)
        deletes = "-delete" in argv or ("-exec" in argv and any(a in ("rm", "/bin/rm") for a in argv)) or any(s.name == "xargs" and "rm" in s.argv for s in command.segments)
        return timed and deletes
    if name == "xargs" and "rm" in seg.argv and any(s.name == "ls" for s in command.segments) and any(s.name in ("tail", "head") for s in command.segments):
        return True
    if name in ("restic", "kopia") and ("forget" in argv or "prune" in argv or ("policy" in argv and "set" in argv)):
        return True
    if name == "borg" and "prune" in argv:
        return True
    if name in ("logrotate", "tmpreaper", "tmpwatch", "savelog"):
        return True
    if name in ("pgbackrest", "wal-g", "barman", "velero"):
        return True  # these expire backups by their own retention settings
    if name == "aws" and ("put-bucket-lifecycle-configuration" in argv or "put-bucket-lifecycle" in argv):
        return True
    if name == "gsutil" and "lifecycle" in argv:
        return True
    if name == "rclone" and ("delete" in argv or "purge" in argv) and any(a.startswith("--min-age") for a in argv):
        return True
    if name == "duplicity" and any(a.startswith("remove-") for a in argv):
        return True
    return False


def _dump_segment(seg: Segment) -> str:
    """The backup tool this segment runs ('' if none)."""
    for word in seg.words:
        base = word.rsplit("/", 1)[-1]
        if base in DUMP_TOOLS:
            return base
    name = seg.name
    argv = seg.argv
    if name in ("restic", "kopia") and ("backup" in argv or "snapshot" in argv):
        return name
    if name == "borg" and "create" in argv:
        return name
    if name == "pgbackrest" and "backup" in argv:
        return name
    if name == "wal-g" and "backup-push" in argv:
        return name
    if name == "barman" and "backup" in argv:
        return name
    if name == "velero" and "backup" in argv and "create" in argv:
        return name
    if name == "etcdctl" and "snapshot" in argv and "save" in argv:
        return name
    if "redis-cli" in seg.words and ("--rdb" in seg.words or "bgsave" in (w.lower() for w in seg.words)):
        return "redis-cli"
    if name == "sqlite3" and any(w.startswith(".backup") or w.startswith(".dump") for w in argv):
        return name
    # directly, or through `docker exec` / `kubectl exec` / `docker compose exec`
    inner = program_argv(seg, *_APP_BACKUP_PROGRAMS)
    return app_backup_command(inner) if inner else ""


def _restart_segment(seg: Segment) -> bool:
    name = seg.name
    argv = seg.argv
    if name in ("systemctl", "service", "supervisorctl", "pm2", "rc-service", "initctl"):
        return any(a in ("restart", "reload", "start", "try-restart", "reload-or-restart", "startOrRestart", "startOrReload", "update") for a in argv)
    if name == "docker" and "compose" in argv or name in ("docker-compose", "podman-compose"):
        return any(a in ("up", "restart", "start") for a in argv)
    if name in ("docker", "podman"):
        return len(argv) > 1 and argv[1] in ("restart", "run", "start")
    if name == "kill" and any(a in ("-HUP", "-USR2", "-SIGHUP", "-s") for a in argv):
        return True
    if name == "touch" and any(a.endswith("restart.txt") for a in argv):
        return True
    if name in ("passenger-config", "puma", "pumactl", "unicorn") and any(a in ("restart", "restart-app", "phased-restart") for a in argv):
        return True
    if name in ("nginx", "apachectl", "apache2ctl") and any(a in ("reload", "restart", "graceful") or a == "-s" for a in argv):
        return True
    return False


_BUILD_NAMES = frozenset(("make", "go", "cargo", "mvn", "gradle", "gradlew", "composer", "bundle", "pip", "pip3", "poetry", "yarn", "npm", "pnpm", "bun", "mix", "dotnet", "rake", "rails", "artisan", "php", "uv", "webpack", "vite"))


def _build_segment(seg: Segment) -> bool:
    name = seg.name
    argv = seg.argv
    if name in ("docker", "podman") and len(argv) > 1 and argv[1] == "build":
        return True
    if (name == "docker" and "compose" in argv) or name == "docker-compose":
        return "build" in argv or "--build" in argv
    if name in ("npm", "yarn", "pnpm", "bun"):
        return any(a in ("install", "ci", "build", "i") or a.startswith("build") for a in argv[1:3]) or ("run" in argv and any("build" in a for a in argv))
    if name in ("pip", "pip3", "poetry", "uv", "bundle", "composer"):
        return "install" in argv or "sync" in argv
    if name in ("go", "cargo", "dotnet"):
        return "build" in argv or "install" in argv or "publish" in argv
    if name in ("mvn", "gradle", "gradlew", "./gradlew", "./mvnw", "mvnw"):
        return True
    if name == "make":
        return True
    if name in ("php", "artisan", "rails", "rake") and any(a in ("migrate", "assets:precompile", "db:migrate", "optimize") for a in argv):
        return True
    if name in ("python", "python3") and "manage.py" in " ".join(argv) and any(a in ("migrate", "collectstatic") for a in argv):
        return True
    return False


def cloud_segment(seg: Segment) -> tuple[str, bool] | None:
    """(cli, mutating) for a cloud CLI call (scripts and workflow steps alike)."""
    return _cloud_segment(seg)


def _cloud_segment(seg: Segment) -> tuple[str, bool] | None:
    """(cli, mutating) for a cloud CLI call."""
    name = seg.name
    if name not in CLOUD_CLIS:
        return None
    argv = [a for a in seg.argv[1:] if not a.startswith("-")]
    verbs = [a.lower() for a in argv[:4]]
    mutating = bool(verbs) and not any(v in _CLOUD_READ_VERBS or v.startswith(("describe", "list", "get-", "show")) for v in verbs)
    if name in ("gsutil",) or _app_release(name, verbs, seg.argv) or _object_data(name, verbs):
        mutating = False
    return name, mutating


#: (cli, first verbs) that read or write objects in existing storage (a backup upload, a
#: prune of old dumps): data, not infrastructure; creating or deleting buckets is not here
_OBJECT_DATA = {
    "aws": (("s3", "cp"), ("s3", "mv"), ("s3", "rm"), ("s3", "sync"), ("s3", "ls"), ("s3", "presign"),
            ("s3api", "put-object"), ("s3api", "get-object"), ("s3api", "delete-object"),
            ("s3api", "delete-objects"), ("s3api", "head-object"), ("s3api", "copy-object")),
    "gcloud": (("storage", "cp"), ("storage", "mv"), ("storage", "rm"), ("storage", "rsync"),
               ("storage", "ls"), ("storage", "cat")),
    "az": (("storage", "blob", "upload"), ("storage", "blob", "upload-batch"), ("storage", "blob", "download"),
           ("storage", "blob", "download-batch"), ("storage", "blob", "delete"), ("storage", "blob", "delete-batch"),
           ("storage", "blob", "sync"), ("storage", "blob", "copy"), ("storage", "copy"), ("storage", "remove")),
}


def _object_data(name: str, verbs: list[str]) -> bool:
    """``aws s3 cp dump s3://...``, ``gcloud storage rm``, ``az storage blob upload``..."""
    return any(tuple(verbs[:len(prefix)]) == prefix for prefix in _OBJECT_DATA.get(name, ()))


#: (cli, first verbs) that change the local tool or ship an application version, not infrastructure
_APP_RELEASE = {
    "gcloud": (("components",), ("init",), ("info",), ("run", "deploy"), ("app", "deploy"), ("functions", "deploy"),
               ("builds", "submit"), ("container", "images")),
    "aws": (("ecs", "update-service"), ("ecs", "register-task-definition"), ("lambda", "update-function-code"),
            ("lambda", "publish-version"), ("cloudfront", "create-invalidation"), ("deploy", "create-deployment"),
            ("ecr", "batch-delete-image")),
    "az": (("extension",), ("acr", "login"), ("acr", "build"), ("webapp", "deploy"), ("functionapp", "deployment")),
    "doctl": (("registry", "login"), ("auth",), ("apps", "create-deployment")),
    "flyctl": (("deploy",), ("releases",)), "fly": (("deploy",), ("releases",)),
    "heroku": (("container:push",), ("container:release",), ("container:login",), ("releases:rollback",)),
}


def _app_release(name: str, verbs: list[str], argv: tuple[str, ...]) -> bool:
    """``gcloud components update``, ``aws ecs update-service --force-new-deployment``, ``fly deploy``..."""
    for prefix in _APP_RELEASE.get(name, ()):
        if tuple(verbs[:len(prefix)]) == prefix:
            if prefix == ("ecs", "update-service"):  # a redeploy, unless it resizes or rewires the service
                return not any(a.startswith(("--network-configuration", "--capacity-provider", "--load-balancers",
                                              "--service-registries", "--desired-count")) for a in argv)
            return True
    return False


def script_traits(script: ShellScript) -> dict[str, bool]:
    words = path_words(script.path)
    traits = {
        "deploy": any(w.startswith(("deploy", "release", "rollout", "rollback", "promote", "redeploy")) for w in words),
        "backup": any(w.startswith("backup") for w in words),
        "restore": any(w.startswith("restore") for w in words),
        "migrate": any(w.startswith("migrat") for w in words),
        "setup": any(w.startswith(("setup", "bootstrap", "install", "init", "generate", "keygen", "provision")) for w in words),
    }
    for command in script.commands:
        if command.via == "ssh":
            traits["remote"] = True
        for seg in command.segments:
            name = seg.name
            argv = seg.argv
            if _dump_segment(seg):
                traits["backup"] = True
            if name in ("pg_restore", "mongorestore") or (name in ("restic", "borg", "velero") and "restore" in argv):
                traits["restore"] = True
            if name in ("kubectl", "oc") and any(a in ("apply", "rollout", "set", "replace", "scale") for a in argv):
                traits["deploy"] = True
            elif name == "helm" and any(a in ("upgrade", "install", "rollback") for a in argv):
                traits["deploy"] = True
            elif name == "docker" and "stack" in argv and "deploy" in argv:
                traits["deploy"] = True
            elif name in ("kamal", "cap", "capistrano", "eb", "flyctl", "fly", "vercel", "netlify") and "deploy" in argv:
                traits["deploy"] = True
            elif name in ("aws", "gcloud", "az") and any(a in ("deploy", "update-service", "update-function-code", "create-deployment") for a in argv):
                traits["deploy"] = True
            if name in ("alembic", "flyway", "liquibase", "migrate", "goose", "dbmate", "sqitch") or "migrate" in argv or "db:migrate" in argv:
                traits["migrate"] = True
    return traits


# ----------------------------------------------------------------------------- what a command ships
# The one answer to "does this command deploy / publish a release / start a throw-away cluster?",
# asked of run: steps (models/workflow.py: is this job a deployment?).  A script's ``deploy`` trait
# (:func:`script_traits`) answers another question, what the script is for, to decide whether its
# findings are production's: its file name's words, and the verbs of an operation on a live system
# (``kubectl scale``, ``helm rollback``, ``kamal deploy``); ``terraform apply`` there is read as
# infrastructure (the ``iac`` fact), not as the script's purpose.

#: commands that deploy (each matched on one simple command's own words)
DEPLOY_COMMANDS = [
    r"\bkubectl\s+(?:[^\n;&|]*\s)?(?:apply|create|replace|set\s+image|rollout\s+(?:restart|undo))\b",
    r"\bhelm(?:file)?\s+(?:[^\n;&|]*\s)?(?:upgrade|install|apply|sync)\b",
    r"\bterraform\s+(?:-chdir=\S+\s+)?apply\b",
    r"\bterragrunt\s+(?:run-all\s+)?apply\b",
    r"\bpulumi\s+up\b",
    r"\b(?:cdk|sls|serverless)\s+deploy\b",
    r"\baws\s+ecs\s+(?:update-service|deploy)\b",
    r"\baws\s+lambda\s+update-function-code\b",
    r"\bgcloud\s+(?:run|app|functions)\s+deploy\b",
    r"\baz\s+(?:webapp|functionapp|containerapp)\s+(?:[^\n;&|]*\s)?(?:deploy|update)\b",
    r"\b(?:flyctl|fly)\s+deploy\b",
    r"\bargocd\s+app\s+sync\b",
    r"\bkustomize\s+build\b[^\n]*\|\s*kubectl\s+apply\b",
    r"\bssh\b[^\n]*\bdeploy",
    r"\bdocker\s+(?:image\s+)?push\b[^\n]*\b(?:prod|production)\b",
    r"\bdocker\s+stack\s+deploy\b",
    r"\bansible-playbook\b[^\n]*\b(?:deploy|prod|production)",
    r"\b(?:vercel|netlify)\b[^\n]*--prod\b",
]
_DEPLOY_CMD_RE = re.compile("|".join(f"(?:{p})" for p in DEPLOY_COMMANDS))
_DRY_RUN_RE = re.compile(r"--dry-run|--server-dry-run|\bkubectl\s+diff\b")
#: ephemeral clusters: `kubectl apply` there is a test, not a deploy
_EPHEMERAL_CLUSTER_RE = re.compile(r"\bkind\s+create\s+cluster\b|\bminikube\s+start\b|\bk3d\s+cluster\s+create\b|\bmicrok8s\b")
_PUBLISH_CMD_RE = re.compile(
    r"\b(?:twine\s+upload|(?:npm|yarn|pnpm)\s+publish|cargo\s+publish|gem\s+push|poetry\s+publish|"
    r"uv\s+publish|hatch\s+publish|flit\s+publish|dotnet\s+nuget\s+push|"
    r"gradle\w*\s+publish|gh\s+release\s+(?:create|upload))\b"
)
#: ``mvn [options and goals] deploy``: a ``mvn`` word, then a later word ``deploy`` (two linear
#: searches; one pattern ``mvn\s+(?:\S+\s+)*deploy`` rescans the rest of the text at every ``mvn``)
_MVN_RE = re.compile(r"\bmvn\s")
_DEPLOY_WORD_RE = re.compile(r"\sdeploy\b")


def publishes_package(run: str) -> bool:
    """A ``run:`` script that publishes a package or a release (twine upload, npm publish,
    mvn ... deploy, gh release create...)."""
    if _PUBLISH_CMD_RE.search(run):
        return True
    mvn = _MVN_RE.search(run)
    return mvn is not None and _DEPLOY_WORD_RE.search(run, mvn.end() - 1) is not None


#: helm subcommands that change nothing in a cluster: ``helm plugin install`` installs a plugin
#: on the runner, ``helm repo add``, ``helm dependency update`` and ``helm template`` work on files
_HELM_LOCAL = frozenset((
    "plugin", "plugins", "repo", "dependency", "dependencies", "dep", "template", "lint", "show", "inspect",
    "pull", "fetch", "search", "package", "registry", "env", "version", "completion", "create", "verify",
    "get", "history", "list", "ls", "status", "test", "diff", "push", "help",
))
#: helm global flags that take a separate value (``helm -n prod upgrade``)
_HELM_VALUE_FLAGS = frozenset((
    "-n", "--namespace", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-token", "--kube-as-user",
    "--kube-as-group", "--kube-ca-file", "--kube-tls-server-name", "--registry-config", "--repository-config",
    "--repository-cache", "--burst-limit", "--qps", "--content-cache",
))


def _helm_subcommand(text: str) -> str | None:
    """The subcommand of the ``helm`` command ``text`` starts with (global flags skipped)."""
    words = text.split()[1:]
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = "=" not in word and word in _HELM_VALUE_FLAGS
            continue
        return word.lower()
    return None


#: programs whose words are a message or nothing at all, never a command (``echo "kubectl apply done"``)
_MESSAGE_PROGRAMS = frozenset(("echo", "printf", ":", "true", "false"))


def publishes(seg: Segment) -> bool:
    """One simple command that publishes a package or a release, on its own words (a message
    naming ``npm publish`` does not)."""
    return bool(seg.argv) and seg.name not in _MESSAGE_PROGRAMS and publishes_package(" ".join(seg.argv))


def starts_cluster(seg: Segment) -> bool:
    """One simple command that starts a throw-away cluster (kind, minikube, k3d, microk8s), on its own words."""
    return bool(seg.argv) and seg.name not in _MESSAGE_PROGRAMS and starts_ephemeral_cluster(" ".join(seg.argv))


def dry_run(text: str) -> bool:
    """A command that only previews (``--dry-run``, ``kubectl diff``)."""
    return _DRY_RUN_RE.search(text) is not None


def starts_ephemeral_cluster(text: str) -> bool:
    """A script that starts a throw-away cluster (kind, minikube, k3d, microk8s)."""
    return _EPHEMERAL_CLUSTER_RE.search(text) is not None


def deploys(seg: Segment) -> bool:
    """One simple command that deploys (:data:`DEPLOY_COMMANDS`) on its own words; a message
    (``echo "kubectl apply done"``) never does, nor ``helm`` with a subcommand that changes no
    cluster (``helm plugin install``, ``helm repo add`` on a runner)."""
    if not seg.argv or seg.name in _MESSAGE_PROGRAMS:
        return False
    for match in _DEPLOY_CMD_RE.finditer(" ".join(seg.argv)):
        text = match.group(0)
        if text.startswith("helm") and not text.startswith("helmfile") and _helm_subcommand(text) in _HELM_LOCAL:
            continue
        return True
    return False


# ----------------------------------------------------------------------------- questions checks ask

is_restart = _restart_segment
is_build = _build_segment
is_offsite = _offsite_segment
dump_tool = _dump_segment


def runs_remotely(command: Command, seg: Segment) -> bool:
    """Does this segment run on another host (``ssh host '...'``, a heredoc fed to ssh, an SSH action)?"""
    return "ssh" in (command.via, seg.via)


def ordered_segments(script: ShellScript):
    """(command, segment) in execution order, heredoc'd remote commands included."""
    return script.segments()


_NON_PROD_WORDS = frozenset(("dev", "develop", "development", "local", "test", "tests", "testing", "example", "examples",
                             "sample", "samples", "demo", "ci", "e2e", "fixture", "fixtures", "spec", "sandbox", "devcontainer"))


def path_words(path: str) -> set[str]:
    """Lower-case words of a path (split on / . _ - and spaces)."""
    return set(re.split(r"[/._\- ]+", path.lower()))


def production_context(script: ShellScript) -> bool:
    """Is this a script that runs against production (deploys, rolls back, runs on the server)?"""
    words = path_words(script.path)
    if words & _NON_PROD_WORDS:
        return False
    if script.traits.get("deploy") or script.traits.get("remote"):
        return True
    return bool(words & {"prod", "production", "server", "live", "prd"})


# ----------------------------------------------------------------------------- copies of data directories

_CP_OPTIONS_WITH_VALUE = frozenset(("--index", "-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile"))
_ARCHIVERS = frozenset(("tar", "cp", "rsync", "zip", "7z", "cpio"))


def _positionals(words: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in _CP_OPTIONS_WITH_VALUE:
            skip = True
            continue
        if not word.startswith("-"):
            out.append(word)
    return out


def data_copy(seg: Segment) -> str:
    """What a segment copies out of a container or a volume as files ('' if nothing):

    * ``docker cp CONTAINER:/var/lib/postgresql/data/. ./backup/`` (also ``podman cp``,
      ``docker container cp``, ``docker compose cp SERVICE:/path``);
    * ``docker run --rm -v VOLUME:/v ... tar czf /out/v.tgz /v`` (a named volume archived by a
      throwaway container);
    * ``tar``/``cp``/``rsync`` of ``/var/lib/docker/volumes/...`` on the host.

    A copy of a live data directory, not a dump: the caller decides whether it is a backup.
    """
    name = seg.name
    argv = seg.argv
    if name in ("docker", "podman", "docker-compose", "podman-compose") or (argv and argv[0].startswith("$")):
        words = argv[1:]
        if "cp" in words[:3]:
            rest = _positionals(words[words.index("cp") + 1:])
            if len(rest) >= 2 and ":" in rest[0] and not re.match(r"^[A-Za-z]:[\\/]", rest[0]):
                container, _, path = rest[0].partition(":")
                if container and (path.startswith(("/", "$", "~")) or container.startswith("$")):
                    return rest[0]
            return ""
        if "run" in words[:3] and any(w.rsplit("/", 1)[-1] in _ARCHIVERS for w in words):
            for i, word in enumerate(words):
                spec = ""
                if word in ("-v", "--volume") and i + 1 < len(words):
                    spec = words[i + 1]
                elif word.startswith("--volume="):
                    spec = word.split("=", 1)[1]
                source = spec.split(":", 1)[0] if ":" in spec else ""
                # a named volume (no path), or one a variable names
                if source and "/" not in source and not source.startswith((".", "~")):
                    return f"volume {source}"
        return ""
    if name in ("tar", "cp", "rsync"):
        for word in argv[1:]:
            if word.startswith("/var/lib/docker/volumes/"):
                return word
    return ""
