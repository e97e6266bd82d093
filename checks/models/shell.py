"""Shell scripts as logical command lines.

A :class:`ShellScript` is the script's shebang, the ``set`` options it turns on and its
:class:`Command` list.  A command is one *logical* line: backslash continuations,
multi-line quoted strings and pipelines broken after ``|``/``&&``/``||`` are joined;
comments are stripped (a ``#`` that starts a word outside quotes, so ``$#`` and
``${#x}`` stay); each command is split into pipeline/list :class:`Segment` s of words.

Heredoc bodies are data, not commands, with two exceptions that follow what the
shell really does: a body fed to a shell (``ssh host <<EOF``, ``bash <<EOF``) is
parsed as commands (with their real line numbers, ``via`` set), and every body is
kept on its command (``heredoc``) so checks can read SQL fed to ``psql``.  Command
strings given to ``ssh host '...'``, ``bash -c '...'`` and ``su -c '...'`` are split
into segments as well.

The parser is a small hand-written scanner: it never raises and costs one pass over
lines without quotes, comments or heredocs.  It also derives the facts repository
checks reason with (see :func:`script_facts`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from ..api import Pos
from . import shell_reader as reader
from .base import Fact, FileKind, ParsedFile
from .gitops import script_installs
from .secrets import PASSWORD_ENV, PASSWORD_PROGRAMS, argv_secrets, classify_value, scrub_line

__all__ = ["Segment", "Command", "ShellScript", "parse", "parse_script"]

_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_KEYWORDS = frozenset(("if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "(", ")", "time", "fi", "done"))
_PREFIXES = frozenset(("exec", "nohup", "command", "builtin", "nice", "ionice", "stdbuf", "chronic", "eatmydata"))
_SUDO_ARG_OPTS = frozenset(("-u", "-g", "-C", "-D", "-p", "-r", "-t", "-U", "-h", "-T", "--user", "--group"))
SHELLS = reader.SHELLS


@dataclass(frozen=True)
class Segment:
    """One simple command of a list or pipeline: its words (quotes removed)."""

    words: tuple[str, ...]
    #: the operator before it: "" (first), "|", "|&", "&&", "||", ";", "&"
    op: str = ""
    #: conditions of the ``if``/``while`` blocks around it (their text)
    guards: tuple[str, ...] = ()
    #: raw text of the segment (quotes kept)
    raw: str = ""
    #: "ssh"/"bash"/... when the segment comes from a command string (``ssh host 'cmd'``, ``bash -c 'cmd'``),
    #: "$(" / "<(" when a substitution runs it
    via: str = ""
    #: part of an ``if``/``elif``/``while``/``until`` condition
    condition: bool = False
    #: the function whose body holds it ("" at the top level)
    function: str = ""
    #: its own first and last line in the file (a long logical line spans several)
    line: int = 0
    end_line: int = 0

    @cached_property
    def argv(self) -> tuple[str, ...]:
        """Words without keywords, variable assignments and wrappers (sudo, env, exec...)."""
        words = self.words
        i = 0
        n = len(words)
        while i < n:
            word = words[i]
            if word in _KEYWORDS or _ASSIGN_RE.match(word) or word in _PREFIXES:
                i += 1
            elif word == "function" and i + 1 < n:
                # `function name { body; }` / `function name() {`: the body's command is what runs
                i += 2
                while i < n and words[i] in ("()", "{", "("):
                    i += 1
            elif word == "sudo" or word == "doas":
                i += 1
                while i < n and words[i].startswith("-"):
                    i += 2 if words[i] in _SUDO_ARG_OPTS else 1
            elif word == "env":
                i += 1
                while i < n and (words[i].startswith("-") or _ASSIGN_RE.match(words[i])):
                    i += 1
            elif word == "timeout":
                i += 1
                while i < n and words[i].startswith("-"):
                    i += 1
                i += 1  # the duration
            else:
                break
        return words[i:]

    @cached_property
    def name(self) -> str:
        """The program run (basename of the first argv word), or ''."""
        argv = self.argv
        return argv[0].rsplit("/", 1)[-1] if argv else ""

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Command:
    """One logical command line (several segments joined by ``|``, ``&&``, ``;``...)."""

    text: str
    line: int
    end_line: int
    segments: tuple[Segment, ...]
    occurrence: int = 1
    #: bodies of heredocs this command reads, and the line of the first body line
    heredoc: str = ""
    heredoc_line: int | None = None
    #: "ssh"/"bash"/... when the command runs inside a heredoc fed to that program
    via: str = ""
    #: where the shell sits in its host file (``("stage", "app", "RUN", 2)``, a step's ypath); () in a script
    scope: tuple = ()

    @property
    def pos(self) -> Pos:
        return Pos(self.line, self.end_line, self.ypath)

    @property
    def ypath(self) -> tuple:
        return self.scope + ("cmd", self.text, self.occurrence)

    def at(self, seg: Segment) -> Pos:
        """Where a finding about one segment points: its own lines, the command's symbolic place."""
        if seg.line and self.line <= seg.line <= self.end_line:
            return Pos(seg.line, max(seg.line, min(seg.end_line, self.end_line)), self.ypath)
        return self.pos

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.segments]

    @cached_property
    def evidence(self) -> str:
        """The command's text for a finding: literal passwords redacted, at most 160 characters."""
        return masked(self.text, self.segments)[:160]

    def runs(self, program: str, *args: str) -> Segment | None:
        """The first segment running ``program`` with all ``args`` among its words."""
        for seg in self.segments:
            if seg.name == program and all(a in seg.argv for a in args):
                return seg
        return None


@dataclass(eq=False)
class ShellScript:
    path: str
    shebang: str
    #: interpreter named by the shebang ("bash", "sh", ...), or "" when there is none
    interpreter: str
    commands: list[Command]
    #: shell options turned on anywhere: errexit, nounset, pipefail, xtrace...
    options: frozenset[str]
    #: the script sources other files (``source x``/``. x``), whose options we cannot see
    sources_files: bool = False
    line_count: int = 0
    traits: dict[str, bool] = field(default_factory=dict)
    #: variables the script sets to one literal everywhere (``PASSWORD="s3cret"``): name -> (value, line)
    literals: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: notices for regions the reader could not parse
    unreadable: list[str] = field(default_factory=list)
    #: the file kind the shell is embedded in ("dockerfile", "workflow", "compose", "kubernetes"),
    #: "" for a script file
    host: str = ""
    #: how findings name what holds the shell (``stage/app``, ``job/deploy``); "" for ``script/<name>``
    owner: str = ""

    @property
    def embedded(self) -> bool:
        """Shell inside another file (a RUN, a run: step, a container command), not a script file."""
        return bool(self.host)

    @property
    def resource(self) -> str:
        return self.owner or f"script/{self.name}"

    @property
    def line(self) -> int | None:
        return None

    @property
    def end_line(self) -> int | None:
        return None

    @property
    def ypath(self) -> tuple:
        return ("script",)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1].lower()

    def segments(self):
        """(command, segment) for every segment of every command, in order."""
        for command in self.commands:
            for seg in command.segments:
                yield command, seg

    def name_has(self, *words: str) -> bool:
        """Does the file name (or its folder) contain one of these words?"""
        lower = self.path.lower()
        return any(word in lower for word in words)


# ----------------------------------------------------------------------------- programs and passwords

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


def _literal_password(value: str) -> bool:
    """A value written out in the script (not a variable, not a placeholder): the secrets model decides."""
    return classify_value(value).is_secret


#: ``$NAME`` or ``${NAME}``, the whole word or after an option letter (``-p"$PASS"``)
_VAR_REF_RE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")


def literal_passwords(seg: Segment, known: dict[str, tuple[str, int]] | None = None,
                      _depth: int = 0) -> list[tuple[str, str, str]]:
    """(how, value, variable) for each literal password one segment passes on its command line.

    Which words carry a password (``sshpass -p``, ``mysql -pX``, ``--password``...) and
    whether a value is a literal are the secrets model's answers (:func:`argv_secrets`,
    :func:`classify_value`); this walks the shell: wrappers (``docker exec db mysql``),
    prefix assignments (``PGPASSWORD=... psql``) and commands kept in a variable
    (``SSH="sshpass -p s3cret ssh host"``).  ``known`` maps the variables the script sets
    to one literal (``PASSWORD="s3cret"``) to (value, line): ``sshpass -p "$PASSWORD"``
    passes that literal too, and ``variable`` names it ('' when the literal is on the
    command line itself).
    """
    known = known or {}
    out: list[tuple[str, str, str]] = []

    def literal(value: str) -> tuple[str, str] | None:
        """(value, variable) when ``value`` is a literal password or names a known literal."""
        ref = _VAR_REF_RE.match(value)
        if ref:
            var = ref.group(1) or ref.group(2)
            hit = known.get(var)
            return (hit[0], var) if hit and _literal_password(hit[0]) else None
        return (value, "") if _literal_password(value) else None

    def add(how: str, value: str) -> None:
        hit = literal(value)
        if hit:
            out.append((how, hit[0], hit[1]))

    for word in seg.words:  # prefix assignments: PGPASSWORD=... psql, or a command kept in a variable
        name, eq, value = word.partition("=")
        if not eq or not _ASSIGN_RE.match(word):
            continue
        if name in PASSWORD_ENV:
            add(name, value)
        elif _depth == 0 and value.split(None, 1)[:1] and value.split(None, 1)[0].rsplit("/", 1)[-1] in PASSWORD_PROGRAMS:
            held = Segment(_words(value), raw=value)
            out.extend(literal_passwords(held, known, _depth + 1))
    name, argv = seg.name, seg.argv
    inner = program_argv(seg, *(PASSWORD_PROGRAMS - _WRAPPERS)) if name in _WRAPPERS or name.startswith("$") else None
    if inner:
        name, argv = inner[0], inner
    for how, _, value in argv_secrets(name, argv):
        add(how, value)
    return out


def masked(text: str, segments: tuple[Segment, ...] = ()) -> str:
    """``text`` made safe to show: the secrets model's scrubber (password options, secret-named
    assignments, URL passwords, tokens)."""
    return scrub_line(text)


# ----------------------------------------------------------------------------- reading


def _words(text: str) -> tuple[str, ...]:
    """Shell words of a short text with quotes removed (no expansion), by the one reader."""
    return reader.split_words(text)


def commands_of(reading: reader.Reading, scope: tuple = (), seen: Counter | None = None,
                via: str = "") -> list[Command]:
    """The reader's logical lines as :class:`Command` values, in line order, repeats numbered."""
    seen = Counter() if seen is None else seen
    out: list[Command] = []
    for raw in sorted(reading.commands, key=lambda c: c.line):
        segments = tuple(Segment(s.words, s.op, s.guards, s.raw, s.via, s.condition, s.function, s.line, s.end_line)
                         for s in raw.segments)
        if not segments or not raw.text:
            continue
        seen[raw.text] += 1
        out.append(Command(raw.text, raw.line, raw.end_line, segments, seen[raw.text], raw.heredoc,
                           raw.heredoc_line, raw.via or via, scope))
    return out


def unreadable_notices(reading: reader.Reading, where: str = "") -> list[str]:
    """Notices for the regions the reader could not parse or follow (never silence)."""
    notices: list[str] = []
    spans: list[list[int]] = []
    for first, last in sorted(reading.unreadable):
        if spans and first <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], last)
        else:
            spans.append([first, last])
    suffix = f" ({where})" if where else ""
    for first, last in spans[:5]:
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        notices.append(f"{lines}{suffix}: the shell reader could not parse this part; the commands it "
                       f"recognised there were audited, others may be missed")
    if len(spans) > 5:
        notices.append(f"{len(spans) - 5} more unparsable shell regions{suffix}")
    if reading.too_deep:
        notices.append(f"line {reading.too_deep[0]}{suffix}: shell nested too deeply to follow; the inner part "
                       f"was not audited")
    return notices


# ----------------------------------------------------------------------------- options

_OPTION_LETTERS = {"e": "errexit", "u": "nounset", "x": "xtrace", "E": "errtrace", "f": "noglob", "C": "noclobber"}


def _set_options(words: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("-") and not word.startswith("--") and len(word) > 1:
            letters = word[1:]
            for letter in letters:
                if letter in _OPTION_LETTERS:
                    found.add(_OPTION_LETTERS[letter])
            if "o" in letters and i + 1 < len(words):
                found.add(words[i + 1].lower())
                i += 1
        i += 1
    return found


def _shebang(first: str) -> tuple[str, str, set[str]]:
    if not first.startswith("#!"):
        return "", "", set()
    words = first[2:].split()
    if not words:
        return first, "", set()
    interp = words[0].rsplit("/", 1)[-1]
    rest = words[1:]
    if interp == "env":
        rest = [w for w in rest if w not in ("-S",) and not w.startswith("-S")] if rest else []
        while rest and _ASSIGN_RE.match(rest[0]):
            rest = rest[1:]
        interp = rest[0].rsplit("/", 1)[-1] if rest else ""
        rest = rest[1:]
    return first, interp, _set_options(tuple(rest))


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


def script_facts(script: ShellScript) -> list[Fact]:
    """Facts the repository checks read (backups, offsite copies, retention, deploys, clouds)."""
    path = script.path
    facts: list[Fact] = []
    traits = script.traits
    clis: set[str] = set()
    mutating_cloud: set[str] = set()
    offsite = retention = iac = False
    first_cloud: Command | None = None
    removed: list[tuple[int, str]] | None = None
    for command in script.commands:
        segments = command.segments
        for index, seg in enumerate(segments):
            tool = _dump_segment(seg)
            if tool:
                # follow the pipeline: where does the dump end up?
                chain = [seg] + [s for s in segments[index + 1:]]
                piped = [s for s in chain[1:] if s.op in ("|", "|&")]
                streamed = any(_offsite_segment(s) for s in piped) or (tool in REPO_BACKUP_TOOLS and _offsite_segment(seg))
                local = not streamed and (_writes_local(seg, tool) or any(_writes_local(s) or s.name == "tee" for s in piped))
                if tool in REPO_BACKUP_TOOLS and not _offsite_segment(seg):
                    local = True
                elif local and removed is None:
                    removed = _removed_paths(script)
                if local and tool not in REPO_BACKUP_TOOLS and removed:
                    targets = [t for s in [seg] + piped for t in _local_targets(s, tool if s is seg else "")]
                    position = script.commands.index(command)
                    if targets and all(_is_removed(t, position, removed) for t in targets):
                        local = False  # a temporary file, deleted once it was shipped or archived
                facts.append(Fact("shell:backup", path, command.line, command.ypath,
                                  Fact.pack(tool=tool, local=local, streamed=streamed, text=masked(command.text, segments)[:200])))
            if _offsite_segment(seg):
                offsite = True
            if _retention_segment(seg, command):
                retention = True
            cloud = _cloud_segment(seg)
            if cloud is not None:
                clis.add(cloud[0])
                if cloud[1]:
                    mutating_cloud.add(cloud[0])
                    first_cloud = first_cloud or command
            name = seg.name
            if name in _IAC_TOOLS and any(a in ("apply", "up", "deploy", "plan", "init") for a in seg.argv):
                iac = True
            if name == "aws" and "cloudformation" in seg.argv:
                iac = True
            if name == "az" and "deployment" in seg.argv:
                iac = True
            if name == "gcloud" and "deployment-manager" in seg.argv:
                iac = True
    backups = [f for f in facts if f.topic == "shell:backup"]
    if offsite and (backups or traits.get("backup") or "backup" in path.lower() or "dump" in path.lower()):
        facts.append(Fact("shell:offsite", path))
    elif offsite and any(("backup" in c.text.lower() or ".sql" in c.text.lower() or "dump" in c.text.lower()) and any(_offsite_segment(s) for s in c.segments) for c in script.commands):
        facts.append(Fact("shell:offsite", path))
    if retention:
        facts.append(Fact("shell:retention", path))
    if traits.get("deploy"):
        facts.append(Fact("shell:deploy", path))
    if clis:
        facts.append(Fact("shell:cloud", path, first_cloud.line if first_cloud else None, (),
                          Fact.pack(clis=sorted(clis), mutating=sorted(mutating_cloud))))
    if iac:
        facts.append(Fact("iac", path, data=Fact.pack(source="shell")))
    return facts


#: files a script sources for their variables, never for shell options
_SETTINGS_NAMES = frozenset(("activate", ".bashrc", ".profile", ".bash_profile", "profile", "os-release", "environment"))
_SETTINGS_SUFFIXES = (".env", ".conf", ".cfg", ".properties", ".ini", ".vars", ".inc")


def _sources_settings(target: str) -> bool:
    """Does ``source target`` read settings (an env file, a virtualenv) rather than a shell library?"""
    name = target.rsplit("/", 1)[-1].lower()
    if not name or "$" in name:
        return False  # a computed path: it may be a library
    return (name in _SETTINGS_NAMES or name.startswith(".env") or name.endswith(_SETTINGS_SUFFIXES)
            or "/etc/default/" in target or "/etc/sysconfig/" in target)


_DECLARERS = frozenset(("export", "readonly", "local", "declare", "typeset"))


def _literal_variables(commands: list[Command]) -> dict[str, tuple[str, int]]:
    """Variables the script only ever sets to literals (the first one is kept).

    A variable also set from an expansion, a ``read`` or a ``for`` loop is not one: its
    value at a given command cannot be told without running it.
    """
    values: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    dynamic: set[str] = set()
    for command in commands:
        if command.via:
            continue  # set on another host
        for seg in command.segments:
            if seg.via:
                continue
            argv = seg.argv
            assigned = [w for w in seg.words[:len(seg.words) - len(argv)] if _ASSIGN_RE.match(w)] if not argv else []
            if seg.name in _DECLARERS:
                assigned = [w for w in argv[1:] if _ASSIGN_RE.match(w)]
            elif seg.name == "read":
                dynamic.update(w for w in argv[1:] if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", w))
            elif seg.words[:1] == ("for",) and len(seg.words) > 1:
                dynamic.add(seg.words[1])
            for word in assigned:
                name, _, value = word.partition("=")
                name = name.rstrip("+")
                if "[" in name or word[len(name):].startswith("+=") or "$" in value or "`" in value:
                    dynamic.add(name.split("[", 1)[0])
                    continue
                values.setdefault(name, []).append(value)
                first.setdefault(name, command.line)
    return {name: (seen[0], first[name]) for name, seen in values.items() if name not in dynamic}


# ----------------------------------------------------------------------------- entry points

def parse_script(path: str, text: str) -> ShellScript:
    """The script's model; never raises on odd input."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    shebang, interp, options = _shebang(first)
    reading = reader.read(text)
    script = _script(path, shebang, interp, options, commands_of(reading), text.count("\n") + 1)
    script.unreadable = unreadable_notices(reading)
    return script


def _script(path: str, shebang: str, interp: str, options: set[str], commands: list[Command],
            line_count: int) -> ShellScript:
    sources = False
    for command in commands:
        if command.via:
            continue
        for seg in command.segments:
            name = seg.name
            if name == "set":
                options |= _set_options(seg.argv[1:])
            elif name == "setopt":
                options |= {a.lower().replace("_", "") .replace("errexit", "errexit") for a in seg.argv[1:]}
            elif name in ("source", ".") and len(seg.argv) > 1 and not _sources_settings(seg.argv[1]):
                sources = True
            elif name == "shopt" and "-o" in seg.argv:
                options |= {a for a in seg.argv[1:] if not a.startswith("-")} if "-s" in seg.argv or "-so" in seg.argv else set()
    if "errexit" not in options and any(o in options for o in ("err_exit",)):
        options.add("errexit")
    script = ShellScript(path, shebang, interp, commands, frozenset(options), sources, line_count)
    script.literals = _literal_variables(commands)
    script.traits = script_traits(script)
    return script


def parse(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.SHELL)
    try:
        script = parse_script(path, text)
    except Exception as exc:  # never take the audit down on odd input
        parsed.notices.append(f"could not read as a shell script ({type(exc).__name__}); not audited")
        return parsed
    parsed.units.append(script)
    parsed.notices.extend(script.unreadable)
    try:
        parsed.facts.extend(script_facts(script))
        parsed.facts.extend(script_installs(script))  # helm install, kubectl apply -f <url>
    except Exception as exc:  # pragma: no cover - defensive
        parsed.notices.append(f"could not derive facts from the script ({type(exc).__name__})")
    return parsed


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
