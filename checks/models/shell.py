"""Shell scripts as logical command lines: the model, and how a file becomes one.

A :class:`ShellScript` is the script's shebang, the ``set`` options it turns on and its
:class:`Command` list.  A command is one *logical* line (continuations, multi-line
strings and pipelines broken after ``|``/``&&``/``||`` joined, comments left out), split
into :class:`Segment` s: the simple commands of its lists and pipelines, with the
operator before each, the conditions around it and the function it belongs to.

The layers, one module each:

* ``shell_reader.py`` - the one reader (tree-sitter-bash): text to commands and
  segments, heredocs fed to shells, command strings, substitutions, unreadable regions;
* this module - the model, the options a script sets, the variables it sets to
  literals, the passwords it passes on command lines (the secrets model judges the
  values), and the facts repository checks read (:func:`script_facts`);
* ``shell_ops.py`` - what commands do (dumps, offsite copies, retention, restarts,
  builds, cloud CLIs, remote code, script traits, production context);
* ``shell_hosts.py`` - shell embedded in Dockerfiles and workflows, at their lines.
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
from .image_uses import script_image_facts
from .secrets import PASSWORD_ENV, PASSWORD_PROGRAMS, argv_secrets, classify_value, scrub_line
from .shell_ops import (  # the semantic layer; public names are re-exported for existing imports
    _IAC_TOOLS,
    _WRAPPERS,
    REPO_BACKUP_TOOLS,
    _archived_later,
    _cloud_segment,
    _dump_segment,
    _is_removed,
    _local_repository,
    _local_targets,
    _offsite_segment,
    _removed_paths,
    _retention_segment,
    _writes_local,
    data_copy,
    program_argv,
    script_traits,
)
from .topics import (
    IAC,
    SHELL_BACKUP,
    SHELL_CLOUD,
    SHELL_DATA_COPY,
    SHELL_DEPLOY,
    SHELL_OFFSITE,
    SHELL_RETENTION,
    IacData,
    ShellBackupData,
    ShellCloudData,
    ShellDataCopyData,
    ShellDeployData,
    ShellOffsiteData,
    ShellRetentionData,
)

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
    #: the innermost ``( ... )`` subshell holding it (a number for each subshell of a text; 0 for
    #: none): what a subshell changes (``cd``, variables) ends with it
    subshell: int = 0

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
    #: a compose service's exposure (:attr:`Service.exposed`) for a shell it runs; None elsewhere
    exposed: bool | None = None

    @property
    def embedded(self) -> bool:
        """Shell inside another file (a RUN, a run: step, a container command), not a script file."""
        return bool(self.host)

    @property
    def in_container(self) -> bool:
        """Runs inside a container: a build step (``RUN``) or a container's own command or probe."""
        return self.host in ("dockerfile", "compose", "kubernetes")

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
        segments = tuple(Segment(s.words, s.op, s.guards, s.raw, s.via, s.condition, s.function, s.line, s.end_line,
                                 s.subshell)
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
    misread: list[list[int]] = []
    for first, last in sorted(reading.misread):
        if misread and first <= misread[-1][1] + 1:
            misread[-1][1] = max(misread[-1][1], last)
        else:
            misread.append([first, last])
    for first, last in misread[:5]:
        notices.append(f"lines {first}-{last}{suffix}: the shell parser ran these lines together as one command; "
                       f"auditui read them line by line, so the conditions around them are not known "
                       f"and block structure there was not audited")
    if len(misread) > 5:
        notices.append(f"{len(misread) - 5} more shell regions read line by line{suffix}")
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


_BACKUP_WORDS = ("backup", "dump", "snapshot")


def _backup_helpers(script: ShellScript) -> set[str]:
    """Functions that a function named for backups calls (``backupData`` -> ``copy_out``)."""
    return {seg.name for command in script.commands for seg in command.segments
            if seg.function and any(word in seg.function.lower() for word in _BACKUP_WORDS)}


def _backup_step(traits: dict[str, bool], seg: Segment, helpers: set[str]) -> bool:
    """A copy made to keep the data: in a backup script, in a function named for backups or
    called by one, or into a backup folder."""
    if "restore" in seg.function.lower():
        return False  # the copy goes the other way
    if traits.get("backup") or (seg.function and seg.function in helpers):
        return True
    text = f"{seg.function} {' '.join(seg.words)}".lower()
    return any(word in text for word in _BACKUP_WORDS)


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
    helpers: set[str] | None = None
    for command in script.commands:
        segments = command.segments
        for index, seg in enumerate(segments):
            tool = _dump_segment(seg)
            if tool:
                # follow the pipeline: where does the dump end up?
                chain = [seg] + [s for s in segments[index + 1:]]
                piped = [s for s in chain[1:] if s.op in ("|", "|&")]
                streamed = any(_offsite_segment(s) for s in piped) or (tool in REPO_BACKUP_TOOLS and _offsite_segment(seg))
                handed_off = False
                local = not streamed and (_writes_local(seg, tool) or any(_writes_local(s) or s.name == "tee" for s in piped))
                if tool in REPO_BACKUP_TOOLS and not _offsite_segment(seg):
                    local = _local_repository(seg, tool, script.literals)
                elif local and removed is None:
                    removed = _removed_paths(script)
                if local and tool not in REPO_BACKUP_TOOLS:
                    targets = [t for s in [seg] + piped for t in _local_targets(s, tool if s is seg else "")]
                    position = script.commands.index(command)
                    if removed and targets and all(_is_removed(t, position, removed) for t in targets):
                        local = False  # a temporary file, deleted once it was shipped or archived
                    else:  # handed to borg/restic or copied to a place the script cannot tell
                        handed_off = _archived_later(script, position, targets)
                facts.append(Fact(SHELL_BACKUP, path, command.line, command.ypath,
                                  ShellBackupData(tool=tool, local=local, streamed=streamed,
                                                  text=masked(command.text, segments)[:200],
                                                  handed_off=handed_off or None)))
            copied = data_copy(seg) if not tool else ""
            if copied and helpers is None:
                helpers = _backup_helpers(script)
            if copied and _backup_step(traits, seg, helpers if helpers is not None else set()):
                facts.append(Fact(SHELL_DATA_COPY, path, command.line, command.ypath,
                                  ShellDataCopyData(source=copied[:120], text=masked(command.text, segments)[:200])))
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
        facts.append(Fact(SHELL_OFFSITE, path, data=ShellOffsiteData()))
    elif offsite and any(("backup" in c.text.lower() or ".sql" in c.text.lower() or "dump" in c.text.lower()) and any(_offsite_segment(s) for s in c.segments) for c in script.commands):
        facts.append(Fact(SHELL_OFFSITE, path, data=ShellOffsiteData()))
    if retention:
        facts.append(Fact(SHELL_RETENTION, path, data=ShellRetentionData()))
    if traits.get("deploy"):
        facts.append(Fact(SHELL_DEPLOY, path, data=ShellDeployData()))
    if clis:
        facts.append(Fact(SHELL_CLOUD, path, first_cloud.line if first_cloud else None, (),
                          ShellCloudData(clis=tuple(sorted(clis)), mutating=tuple(sorted(mutating_cloud)))))
    if iac:
        facts.append(Fact(IAC, path, data=IacData(source="shell")))
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
        parsed.facts.extend(script_image_facts(script))  # docker build -t / docker run --rm
        parsed.facts.extend(script_installs(script))  # helm install, kubectl apply -f <url>
    except Exception as exc:  # pragma: no cover - defensive
        parsed.notices.append(f"could not derive facts from the script ({type(exc).__name__})")
    return parsed


# -- programs that run a backup tool ------------------------------------------------------------

#: source files (and their templates) that may drive a backup tool from code
_PROGRAM_SUFFIXES = (".py", ".rb", ".go", ".js", ".mjs", ".ts", ".pl", ".php", ".rs")
#: the backup tools a program runs as a command (a string naming the tool or a path to it), with
#: the subcommand that takes a backup, as a string of its own
_PROGRAM_TOOLS = (("restic", "backup"), ("borg", "create"), ("kopia", "snapshot"))
#: where a program sets the tool's repository
_PROGRAM_REPO_RE = re.compile(
    r"""(?:RESTIC_REPOSITORY|BORG_REPO|KOPIA_REPOSITORY)["']?\s*[:=,]\s*["']([^"'\n]{1,300})["']""")


def is_backup_program(rel: str) -> bool:
    """A program named for backups (``backup.py``, ``run_backups.go``; a ``.j2`` template of one)."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith((".j2", ".jinja", ".jinja2", ".tmpl", ".tpl")):
        name = name.rsplit(".", 1)[0]
    return "backup" in name and name.endswith(_PROGRAM_SUFFIXES)


def backup_program_fact(rel: str, text: str) -> Fact | None:
    """``shell:offsite`` for a program that runs a backup tool (``subprocess.run([RESTIC, "backup",
    path])``, ``exec.Command("borg", "create", ...)``) to a repository it does not set to a local path:
    the same reading as a script's ``restic backup`` (a repository from the environment or the
    operator's configuration is not known to be on this host)."""
    for tool, verb in _PROGRAM_TOOLS:
        if tool not in text:
            continue
        named = re.search(r"""["'](?:[^"'\s]{0,200}/)?""" + tool + r"""["']""", text)
        if named is None or re.search(r"""["']""" + verb + r"""["']""", text) is None:
            continue
        repos = [m.group(1).strip() for m in _PROGRAM_REPO_RE.finditer(text)]
        if repos and all(r.startswith(("/", ".", "~")) and "{" not in r for r in repos):
            continue  # a repository on this host
        return Fact(SHELL_OFFSITE, rel, data=ShellOffsiteData())
    return None

