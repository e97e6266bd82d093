"""Dockerfiles as build stages of instructions, with positions.

A :class:`Dockerfile` holds its :class:`Stage` list; each stage holds its
:class:`Instruction` list (the ``FROM`` first).  Instructions carry their first and
last line and a symbolic ``ypath`` such as ``("stage", "runtime", "RUN", 2)`` (the
third ``RUN`` of stage ``runtime``), so findings keep their fingerprint when lines
are added above them.

The text is split into instructions by a small hand parser rather than
``dockerfile-parse``: that library (2.0.1) reads BuildKit heredoc bodies as
instructions, drops an instruction whose last line ends in a continuation, and
only reads from a file object.  The parser here follows the Dockerfile reference:
parser directives (``# escape=``) only at the very top, comment and empty lines
skipped inside continuations, ``<<EOF`` heredocs in RUN/COPY/ADD consumed until
their terminator, JSON exec form recognised.  It never raises: odd input becomes a
:class:`~.base.Problem` or no stage at all.

What a ``RUN`` runs is read once, by the shared shell reader (``shell_reader.py``), at
the file's own lines (``Instruction.commands``; the stage's RUNs also become a
:class:`~.shell.ShellScript` unit for the shell checks, see ``shell_hosts.py``).
:func:`shell_commands` and :func:`packages_installed` answer "which programs, which
packages?" from that reading.  Nothing here executes anything.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import globs
from .base import Fact, FileKind, ParsedFile, Problem, list_folder
from .images import ImageRef, parse_image
from .shell import Segment, commands_of
from .shell_hosts import dockerfile_shells
from .shell_ops import redirections
from .shell_reader import read as read_shell
from .topics import DOCKER_BASE, DOCKER_FILE, DockerBaseData, DockerFileData, freeze

# the user/root model is shared by every domain (Dockerfile, compose, Kubernetes)
from .users import is_root_user, privilege_drop  # noqa: F401

#: every instruction the Dockerfile reference knows (plus the deprecated MAINTAINER)
KNOWN_INSTRUCTIONS = frozenset(
    ["FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"]
)
_HEREDOC_INSTRUCTIONS = ("RUN", "COPY", "ADD")
_DIRECTIVE_RE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_INSTR_RE = re.compile(r"^\s*(\S+)(?:\s+(.*))?$", re.DOTALL)
_HEREDOC_RE = re.compile(r"(?<!<)<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_VAR_REF_RE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


# -- the model -----------------------------------------------------------------


@dataclass(frozen=True)
class Heredoc:
    name: str
    body: str
    line: int  # first line of the body
    end_line: int  # the terminator's line


@dataclass(eq=False)
class Instruction:
    instruction: str  # upper case (``RUN``)
    value: str  # everything after the keyword, continuations joined
    line: int
    end_line: int
    ypath: tuple = ()
    #: leading ``--name=value`` options (``--platform``, ``--mount``, ``--from``...)
    flags: tuple[tuple[str, str | None], ...] = ()
    #: the value without its leading flags
    args: str = ""
    #: the parsed JSON array of the exec form (``CMD ["app"]``), else None
    exec_form: list[str] | None = None
    heredocs: tuple[Heredoc, ...] = ()
    #: the n-th instruction of this keyword within its stage (0-based)
    index: int = 0
    #: what a RUN runs, read once by the shell reader at the file's lines (set by the parser)
    commands: list = field(default_factory=list)

    def flag(self, name: str) -> str | None:
        """The value of the last ``--name`` flag ("" when given without value), or None."""
        found = None
        for key, value in self.flags:
            if key == name:
                found = "" if value is None else value
        return found

    def flag_values(self, name: str) -> list[str]:
        return [value or "" for key, value in self.flags if key == name]

    @property
    def words(self) -> list[str]:
        """The arguments as words (the exec form's items, or a shell-like split)."""
        if self.exec_form is not None:
            return list(self.exec_form)
        return split_words(self.args)

    def shell_command_without_heredocs(self) -> str:
        """The command line of a heredoc RUN with its ``<<EOF`` markers taken out."""
        return _HEREDOC_RE.sub(" ", self.args).strip()

    def shell_text(self) -> str:
        """What a ``RUN`` runs and writes: each command's text as the one shell reader read it (no
        comments), and the bodies of its heredocs, run or written (``RUN cat <<EOF >
        /etc/apt/apt.conf.d/x``): for questions about what the instruction says rather than which
        programs it runs."""
        parts = [part for command in self.commands for part in (command.text, command.heredoc) if part]
        return "\n".join(parts + [doc.body for doc in self.heredocs])


@dataclass(eq=False)
class Stage:
    index: int
    name: str | None  # the ``AS`` alias, as written
    base: str  # the FROM image text, with ARG defaults resolved where possible
    from_instr: Instruction
    instructions: list[Instruction] = field(default_factory=list)
    #: the earlier stage this one builds FROM, if any
    parent: Stage | None = None
    platform: str | None = None

    @property
    def key(self) -> str:
        return self.name or str(self.index)

    @property
    def label(self) -> str:
        """How messages name the stage: its alias quoted (``'builder'``), or ``#2`` for an
        unnamed one (the index ``COPY --from=2`` uses), so an index never reads like a name."""
        return repr(self.name) if self.name else f"#{self.index}"

    @property
    def resource(self) -> str:
        return f"stage/{self.key}"

    @property
    def scratch(self) -> bool:
        return self.parent is None and self.base.strip().lower() == "scratch"

    @property
    def image(self) -> ImageRef | None:
        """The external base image; None for ``scratch`` and earlier-stage references."""
        if self.parent is not None or self.scratch:
            return None
        return parse_image(self.base)

    @property
    def line(self) -> int:
        return self.from_instr.line

    @property
    def end_line(self) -> int:
        return self.from_instr.end_line

    @property
    def ypath(self) -> tuple:
        return ("stage", self.key)

    def all(self, *names: str) -> list[Instruction]:
        wanted = {n.upper() for n in names}
        return [i for i in self.instructions if i.instruction in wanted]

    def last(self, name: str) -> Instruction | None:
        found = self.all(name)
        return found[-1] if found else None

    def chain(self) -> list[Stage]:
        """This stage and the earlier stages it builds FROM, nearest first."""
        out: list[Stage] = []
        stage: Stage | None = self
        while stage is not None and stage not in out:
            out.append(stage)
            stage = stage.parent
        return out

    def root_image(self) -> ImageRef | None:
        """The external image at the bottom of the FROM chain (None for scratch)."""
        return self.chain()[-1].image

    def variables(self, upto: Instruction | None = None) -> dict[str, str]:
        """ENV (inherited through the FROM chain) and ARG defaults known before ``upto``."""
        values: dict[str, str] = {}
        for stage in reversed(self.chain()):
            for instr in stage.instructions:
                if upto is not None and instr is upto:
                    return values
                if instr.instruction == "ENV" or (instr.instruction == "ARG" and stage is self):
                    for name, value, _ in assignments(instr):
                        if value is not None:
                            values[name] = value
                        elif instr.instruction == "ARG":
                            default = stage.global_args.get(name)
                            if default is not None:
                                values[name] = default
        return values

    #: global ARG defaults (declared before the first FROM); set by the parser
    global_args: dict[str, str | None] = field(default_factory=dict)


_DEV_STAGE_RE = re.compile(
    r"^(?:dev|devel|develop|development|debug|test|tests|testing|local|ci|lint|e2e|devcontainer|"
    r"dev[-_.].*|.*[-_.](?:dev|development|debug|test|tests|testing|local|ci|lint))$",
    re.IGNORECASE,
)


def is_dev_stage(name: str | None) -> bool:
    """A stage named for development or testing (``dev``, ``test``, ``app-debug``)."""
    if not name:
        return False
    return bool(_DEV_STAGE_RE.match(name))


@dataclass(eq=False)
class Dockerfile:
    path: str
    stages: list[Stage]
    global_args: list[Instruction] = field(default_factory=list)
    directives: dict[str, str] = field(default_factory=dict)
    escape: str = "\\"

    @property
    def final(self) -> Stage:
        """The stage that ships: the last one, unless it is a development target.

        Multi-target Dockerfiles often end with a ``dev``/``test`` stage (built with
        ``--target``) after the production one; judging the last stage would audit the
        developer image and miss the one that ships.  The production stage is then the last
        stage that is neither dev-like, nor a builder whose files other stages copy, nor
        the base of a later production-like stage.
        """
        cached = self.__dict__.get("_final")
        if cached is None:
            cached = self.__dict__["_final"] = self._pick_final()
        return cached

    def _pick_final(self) -> Stage:
        last = self.stages[-1]
        if not is_dev_stage(last.name):
            return last
        copied = set()
        for stage in self.stages:
            for instr in stage.instructions:
                ref = instr.flag("from") if instr.instruction in ("COPY", "ADD") else None
                source = self.stage(ref) if ref else None
                if source is not None:
                    copied.add(id(source))
        bases = {id(stage.parent) for stage in self.stages if stage.parent is not None and not is_dev_stage(stage.name)}
        candidates = [stage for stage in self.stages
                      if not is_dev_stage(stage.name) and id(stage) not in copied and id(stage) not in bases]
        return candidates[-1] if candidates else last

    @property
    def multistage(self) -> bool:
        return len(self.stages) > 1

    def shipped_stages(self) -> list[Stage]:
        """The stages whose layers end up in the final image (final stage and its FROM chain)."""
        return self.final.chain()

    def stage(self, ref: str) -> Stage | None:
        """A stage by alias (case-insensitive) or index, as ``COPY --from`` names it."""
        lowered = ref.strip().lower()
        for stage in self.stages:
            if stage.name and stage.name.lower() == lowered:
                return stage
        if lowered.isdigit() and int(lowered) < len(self.stages):
            return self.stages[int(lowered)]
        return None

    @property
    def line(self) -> int:
        return self.stages[0].line if self.stages else 1

    @property
    def end_line(self) -> int:
        return self.line

    @property
    def ypath(self) -> tuple:
        return ("file",)

    def instructions(self, *names: str) -> Iterator[tuple[Stage, Instruction]]:
        for stage in self.stages:
            for instr in stage.all(*names) if names else stage.instructions:
                yield stage, instr


# -- parsing ---------------------------------------------------------------------


@dataclass
class _Raw:
    keyword: str
    value: str
    line: int
    end_line: int
    heredocs: tuple[Heredoc, ...] = ()


def _directives(lines: list[str]) -> tuple[dict[str, str], int]:
    """Parser directives at the top of the file and the index of the first other line."""
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        text = line.strip()
        if number == 0:
            text = text.lstrip("\ufeff")
        match = _DIRECTIVE_RE.match(text)
        if not match:
            return found, number
        name = match.group(1).lower()
        if name in found:  # a repeated directive ends the directives (and is invalid)
            return found, number
        found[name] = match.group(2)
    return found, len(lines)


def _split_raw(text: str, escape: str, problems: list[Problem]) -> list[_Raw]:
    lines = text.splitlines()
    raws: list[_Raw] = []
    number = 0
    total = len(lines)
    while number < total:
        line = lines[number]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            number += 1
            continue
        start = number
        parts: list[str] = []
        current = line
        while True:
            body = current.rstrip()
            if body.endswith(escape):
                parts.append(body[: -len(escape)])
                number += 1
                # comment and empty lines inside a continuation are skipped
                while number < total and (not lines[number].strip() or lines[number].lstrip().startswith("#")):
                    number += 1
                if number >= total:  # a continuation at the end of the file ends the instruction
                    end = max(start, number - 1)
                    break
                current = lines[number]
                continue
            parts.append(current)
            end = number
            number += 1
            break
        logical = "".join(parts).strip()
        match = _INSTR_RE.match(logical)
        if not match:
            continue
        keyword, value = match.group(1), (match.group(2) or "").strip()
        heredocs: list[Heredoc] = []
        if keyword.upper() in _HEREDOC_INSTRUCTIONS:
            for doc in _HEREDOC_RE.finditer(value):
                strip_tabs, name = doc.group(1) == "-", doc.group(3)
                body_start = number
                body_lines: list[str] = []
                while number < total:
                    candidate = lines[number].lstrip("\t") if strip_tabs else lines[number]
                    if candidate.rstrip("\r") == name:
                        break
                    body_lines.append(candidate)
                    number += 1
                if number >= total:
                    problems.append(Problem(f"heredoc <<{name} is never terminated", start + 1))
                    heredocs.append(Heredoc(name, "\n".join(body_lines), body_start + 1, total))
                else:
                    heredocs.append(Heredoc(name, "\n".join(body_lines), body_start + 1, number + 1))
                    number += 1
                end = number - 1 if number <= total else total - 1
        raws.append(_Raw(keyword, value, start + 1, end + 1, tuple(heredocs)))
    return raws


def _flags(value: str) -> tuple[tuple[tuple[str, str | None], ...], str]:
    flags: list[tuple[str, str | None]] = []
    rest = value
    while True:
        match = re.match(r"--([A-Za-z][A-Za-z0-9-]*)(?:=((?:\"[^\"]*\"|'[^']*'|\S)*))?(?:\s+|$)", rest)
        if not match:
            break
        raw = match.group(2)
        if raw is not None and len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
            raw = raw[1:-1]
        flags.append((match.group(1).lower(), raw))
        rest = rest[match.end():]
    return tuple(flags), rest.strip()


#: instructions whose value is not shell text: a trailing ``# ...`` there is a mistake
#: (Docker would read it as arguments and fail); we read it as the comment it was meant as
_NO_TRAILING_COMMENT = frozenset(["FROM", "USER", "ARG", "ENV", "EXPOSE", "ADD", "COPY", "WORKDIR", "LABEL", "STOPSIGNAL", "VOLUME", "MAINTAINER"])


def _strip_trailing_comment(value: str) -> str:
    quote = None
    previous = " "
    for position, char in enumerate(value):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and previous in " \t":
            return value[:position].rstrip()
        previous = char
    return value


def _exec_form(args: str) -> list[str] | None:
    text = args.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, list) and all(isinstance(item, str) for item in data):
        return data
    return None


def substitute(text: str, values: Mapping[str, str | None]) -> str:
    """Replace ``$NAME``, ``${NAME}``, ``${NAME:-default}`` and ``${NAME:+alt}`` where known.

    Unknown variables are left as written (so the result still looks templated).
    """

    def repl(match: re.Match) -> str:
        name = match.group(1) or match.group(4)
        op, word = match.group(2), match.group(3)
        value = values.get(name)
        if op in ("-", ":-"):
            return value if value else word
        if op in ("+", ":+"):
            return word if value else ("" if name in values else match.group(0))
        return value if value is not None else match.group(0)

    try:
        return _VAR_REF_RE.sub(repl, text)
    except (re.error, TypeError):
        return text


def parse(path: str, text: str, build_args: dict[str, str] | None = None) -> ParsedFile:
    """One Dockerfile; ``build_args`` are values a build passes (``--build-arg``, compose
    ``build.args``) for the global ``ARG``s it declares, over their defaults."""
    parsed = ParsedFile(path, FileKind.DOCKERFILE)
    try:
        _parse_into(parsed, path, text, build_args or {})
    except Exception as exc:  # never let odd input take the audit down
        parsed.units.clear()
        parsed.facts.clear()
        parsed.problems.append(Problem(f"could not read the Dockerfile: {type(exc).__name__}", None))
    return parsed


def parse_dockerfile(path: str, text: str) -> Dockerfile | None:
    """The :class:`Dockerfile` of ``text``, or None when it has no stage (for tests and tools)."""
    parsed = parse(path, text)
    return next((u for u in parsed.units if isinstance(u, Dockerfile)), None)


def _parse_into(parsed: ParsedFile, path: str, text: str, build_args: dict[str, str] | None = None) -> None:
    text = text.replace("\r\n", "\n").replace("\x00", "")
    lines = text.split("\n")
    directives, first = _directives(lines)
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        parsed.problems.append(Problem(f"invalid escape directive {escape!r} (must be \\ or `)", 1))
        escape = "\\"
    body = "\n".join([""] * first + lines[first:])  # keep line numbers; directives are comments
    raws = _split_raw(body, escape, parsed.problems)

    unknown = [raw for raw in raws if raw.keyword.upper() not in KNOWN_INSTRUCTIONS]
    if unknown:
        more = f" (and {len(unknown) - 1} more unknown lines)" if len(unknown) > 1 else ""
        shown = ascii(unknown[0].keyword[:40])[1:-1]
        parsed.problems.append(Problem(f"unknown instruction '{shown}'{more}", unknown[0].line))

    global_args: list[Instruction] = []
    global_values: dict[str, str | None] = {}
    stages: list[Stage] = []
    aliases: dict[str, Stage] = {}
    counters: dict[str, int] = {}
    misplaced: _Raw | None = None
    for raw in raws:
        keyword = raw.keyword.upper()
        if keyword not in KNOWN_INSTRUCTIONS:
            continue
        value = raw.value if keyword not in _NO_TRAILING_COMMENT else _strip_trailing_comment(raw.value)
        flags, args = _flags(value) if keyword in ("FROM", "RUN", "COPY", "ADD", "HEALTHCHECK") else ((), value)
        if keyword == "FROM":
            instr = Instruction(keyword, raw.value, raw.line, raw.end_line, (), flags, args, None, raw.heredocs, 0)
            stage = _new_stage(instr, len(stages), aliases, global_values)
            instr.ypath = ("stage", stage.key, "FROM")
            stages.append(stage)
            counters = {"FROM": 1}
            continue
        instr = Instruction(keyword, raw.value, raw.line, raw.end_line, (), flags, args,
                            _exec_form(args), raw.heredocs, 0)
        if not stages:
            if keyword == "ARG":
                instr.ypath = ("global", "ARG", len(global_args))
                instr.index = len(global_args)
                global_args.append(instr)
                for name, default, _ in assignments(instr):
                    if build_args and name in build_args:
                        global_values[name] = build_args[name]  # the build passes it
                    else:
                        global_values[name] = None if default is None else substitute(default, global_values)
            elif misplaced is None:
                misplaced = raw
            continue
        stage = stages[-1]
        instr.index = counters.get(keyword, 0)
        counters[keyword] = instr.index + 1
        instr.ypath = ("stage", stage.key, keyword, instr.index)
        stage.instructions.append(instr)

    if misplaced is not None and stages:
        parsed.problems.append(Problem(
            f"{misplaced.keyword.upper()} before the first FROM (only ARG may come first)", misplaced.line))
    if not stages:
        if any(raw.keyword.upper() in KNOWN_INSTRUCTIONS for raw in raws) and not unknown:
            parsed.problems.append(Problem("no FROM instruction: not a buildable Dockerfile", raws[0].line))
        return

    for stage in stages:
        stage.global_args = dict(global_values)
    dockerfile = Dockerfile(path, stages, global_args, directives, escape)
    parsed.units.append(dockerfile)
    _facts(parsed, dockerfile)
    _unresolved_bases(parsed, stages)
    parsed.units.extend(dockerfile_shells(dockerfile, text, parsed.notices))


# -- the second step: build arguments the repository's builds pass --------------------------


def resolve(parsed: ParsedFile, read) -> None:
    """Resolve ``FROM ${BASE}`` with the build arguments a compose file that builds this
    Dockerfile passes (``build.args``, interpolated from its ``.env``), so the base-image checks
    judge the image the build uses.  Only a value every such build agrees on is used; when
    builds disagree or pass nothing, the notice about the unresolved base stays."""
    dockerfile = next((u for u in parsed.units if isinstance(u, Dockerfile)), None)
    if dockerfile is None:
        return
    # a FROM that reads a global ARG (with a default or without): what the build passes wins
    declared = {name for instr in dockerfile.global_args for name, _value, _ in assignments(instr)}
    if not declared or not any(s.parent is None and "$" in s.from_instr.args for s in dockerfile.stages):
        return
    passed = _compose_build_args(parsed.path, read, parsed.reads, declared)
    unknown: dict[str, list[tuple[str, str]]] = {}  # name -> [(as written, where)]
    for name, values in list(passed.items()):  # a compose variable nothing sets: not known
        for value, where in values:
            if "$" in value:
                unknown.setdefault(name, []).append((value, where))
        passed[name] = [(v, w) for v, w in values if "$" not in v]
    for name, values in _workflow_build_args(parsed, read, declared, unknown).items():
        passed.setdefault(name, []).extend(values)
    decided = {name: values[0][0] for name, values in passed.items()
               if len({v for v, _ in values}) == 1 and "$" not in values[0][0] and values[0][0].strip()
               and name not in unknown}
    split = sorted(name for name, values in passed.items() if len({v for v, _ in values}) > 1)
    if split:
        parsed.notices.append("builds of this Dockerfile pass different values for " + ", ".join(
            f"{name} ({', '.join(sorted({v for v, _ in passed[name]})[:4])})" for name in split[:4])
            + ": the Dockerfile was judged with its own defaults for them")
    if unknown:
        parsed.notices.append(_UNKNOWN_NOTICE + ", ".join(
            f"{name} ({written[:80]}, {where})" for name, [(written, where), *_] in sorted(unknown.items())[:4])
            + f": the Dockerfile was judged with its own default{'s' if len(unknown) > 1 else ''} for "
            + ("them" if len(unknown) > 1 else "it"))
    if not decided:
        return
    text = read(parsed.path)
    if text is None:
        return
    fresh = parse(parsed.path, text, decided)
    if not any(isinstance(u, Dockerfile) for u in fresh.units):
        return
    parsed.units[:] = fresh.units
    parsed.facts[:] = fresh.facts
    parsed.notices[:] = fresh.notices + [n for n in parsed.notices
                                         if n.startswith(("builds of this Dockerfile", _UNKNOWN_NOTICE))]
    shown = ", ".join(f"{name}={value} ({passed[name][0][1]})" for name, value in sorted(decided.items()))
    parsed.notices.append(f"base image build arguments taken from the build that uses this Dockerfile: {shown}")


#: how a notice about build arguments auditui cannot read starts
_UNKNOWN_NOTICE = "a build of this Dockerfile passes a value auditui cannot resolve for "


def _workflow_build_args(parsed: ParsedFile, read, declared: set[str],
                         unknown: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    """name -> [(value, where)] of the build arguments the repository's workflows pass to builds
    of this Dockerfile (``build-args:``, ``docker build --build-arg``; declared ``ARG``s only).
    A value a workflow cannot tell (an expression, a shell variable) goes to ``unknown``. The
    workflow folders' listings and every workflow in them are recorded as read."""
    from .workflow import WORKFLOW_FOLDERS, passed_build_args  # workflow imports this module's neighbours

    out: dict[str, list[tuple[str, str]]] = {}
    target = posixpath.normpath(parsed.path)
    for folder in WORKFLOW_FOLDERS:
        names = list_folder(read, folder, parsed)
        for name in names or ():
            if not name.lower().endswith((".yml", ".yaml")):
                continue
            path = f"{folder}/{name}"
            parsed.reads.add(path)
            text = read(path)
            if not text or "build-arg" not in text:
                continue
            for build in passed_build_args(path, text):
                if build.dockerfile != target:
                    continue
                for arg in build.args:
                    if arg.name not in declared:
                        continue
                    if arg.value is None:
                        unknown.setdefault(arg.name, []).append((arg.written, build.where))
                    else:
                        out.setdefault(arg.name, []).append((arg.value, build.where))
    return out


def _compose_build_args(path: str, read, reads: set[str], declared: set[str]) -> dict[str, list[tuple[str, str]]]:
    """name -> [(value, where)] of the ``build.args`` compose files in the Dockerfile's folder or
    above pass to builds of this Dockerfile (declared ``ARG``s only)."""
    from . import compose as compose_model  # compose imports this module's neighbours: late
    from .compose_project import project_files_above

    out: dict[str, list[tuple[str, str]]] = {}
    for _, candidate, docs in project_files_above(posixpath.dirname(path), read, reads, "build"):
        compose = compose_model.parse(candidate, docs)
        compose_model.resolve(compose, read)
        reads.update(compose.reads)
        for unit in compose.units:
            for service in getattr(unit, "services", ()):
                files = service.build_files()
                if files is None or files[1] != path:
                    continue
                for var in service.build_args():
                    if var.name in declared and var.value is not None:
                        out.setdefault(var.name, []).append(
                            (str(var.value), f"{candidate}:{var.line} service {service.name}"))
    return out


#: how many stages a notice about unresolved bases names before "and N more"
_NOTICE_STAGES = 4


def _unresolved_bases(parsed: ParsedFile, stages: list[Stage]) -> None:
    """Say so when a stage's base is a build argument no ``ARG`` default decides (``FROM ${BASE}``):
    the checks of its base image (tag, digest, the image's user) cannot judge it, and skipping them
    silently would read as a clean base."""
    unresolved = [s for s in stages if s.parent is None and not s.scratch and parse_image(s.base).templated]
    if not unresolved:
        return
    shown = ", ".join(f"{s.label} FROM {s.base[:80]}" for s in unresolved[:_NOTICE_STAGES])
    if len(unresolved) > _NOTICE_STAGES:
        shown += f" and {len(unresolved) - _NOTICE_STAGES} more"
    parsed.notices.append(
        f"base image set by a build argument with no default ({shown}): its tag, digest and user were not "
        f"judged (build arguments are read from the compose files and workflows that build it)")


def _new_stage(instr: Instruction, index: int, aliases: dict[str, Stage], global_values: dict[str, str | None]) -> Stage:
    """A stage from its FROM; ``aliases`` maps the lower-cased names of earlier stages to them
    (updated here), so a Dockerfile of thousands of stages is read in linear time."""
    words = instr.args.split()
    image_text = words[0] if words else ""
    name = None
    if len(words) >= 3 and words[1].lower() == "as":
        name = words[2]
    base = substitute(image_text, global_values) if image_text else ""
    parent = aliases.get(base.lower())
    platform = instr.flag("platform")
    if name is not None and name.lower() in aliases:
        name = f"{name}#{index}"  # duplicate alias: keep symbolic paths distinct
    stage = Stage(index, name, base, instr, [instr], parent, platform)
    if name is not None:
        aliases[name.lower()] = stage
    return stage


def _facts(parsed: ParsedFile, dockerfile: Dockerfile) -> None:
    final = dockerfile.final
    for stage in dockerfile.stages:
        if stage.parent is not None:
            continue  # a reference to an earlier stage is not an image
        image = stage.image
        parsed.facts.append(Fact(
            DOCKER_BASE, stage.base, stage.line, stage.from_instr.ypath,
            data=DockerBaseData(
                stage=stage.key,
                final=stage is final,
                scratch=stage.scratch or None,
                tag=image.tag if image else None,
                digest=image.digest if image else None,
            ),
        ))
    user = effective_user(final)
    healthcheck = next((i for s in final.chain() for i in reversed(s.all("HEALTHCHECK"))), None)
    ports = [w for s in final.chain() for i in s.all("EXPOSE") for w in i.words]
    copies = context_copies(dockerfile)
    root = final.root_image()
    parsed.facts.append(Fact(
        DOCKER_FILE, dockerfile.path, final.line, ("file",),
        data=DockerFileData(
            final_user=user[0] if user else None,
            healthcheck=bool(healthcheck is not None and not healthcheck.args.strip().upper().startswith("NONE")),
            stages=len(dockerfile.stages),
            base=root.raw if root else None,
            exposes=tuple(ports) or None,
            # additive (DKR016): the first instruction that copies the whole build context
            context_copy=(copies[0][1].line, copies[0][1].ypath, f"{copies[0][1].instruction} {copies[0][1].value[:110]}",
                          copies[0][0].resource) if copies else None,
            # additive (user/root model: DKR001, CMP010): what decides the user it runs as
            run_as=freeze(run_as_facts(final)),
        ),
    ))


# -- the build context ------------------------------------------------------------------

_IGNORE_LIMIT = 500


def ignore_patterns(text: str) -> tuple[tuple[bool, str], ...]:
    """(negated, pattern) for each rule of a ``.dockerignore``, in order (at most 500).

    Each pattern is cleaned as Docker cleans it (Go's ``filepath.Clean``, then a leading
    ``/`` dropped), so ``/foo``, ``./foo`` and ``foo/`` all mean ``foo``.
    """
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:].strip() if negated else line
        if not pattern:
            continue
        pattern = posixpath.normpath(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern.lstrip("/")
        if pattern and pattern != ".":
            out.append((negated, pattern))
        if len(out) >= _IGNORE_LIMIT:
            break
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _ignore_regex(pattern: str):
    """The regular expression Docker (moby's patternmatcher) builds from one pattern,
    compiled by RE2 (:func:`globs.linear_regex`): ``**/`` twelve times then ``x`` took 22 s
    with Python's backtracking ``re``.

    ``*`` and ``?`` stop at ``/``; ``**/`` matches any number of directories, none
    included; a trailing ``**`` matches anything; ``\\`` escapes the next character;
    ``[...]`` is a character class.
    """
    out = ["^"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(re.escape(pattern[i]))
            else:
                out.append("\\\\")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                return globs.NEVER  # Docker refuses the pattern: it matches nothing
            out.append(pattern[i:end + 1])
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    out.append("(?:/.*)?$")  # the path itself or anything below a directory it matches
    return globs.linear_regex("".join(out))


def _suffix_matches(path: str, rest: str) -> bool:
    """Does ``path`` or one of its parent directories end in ``rest``?

    moby matches a leading ``**`` followed by plain text as a suffix (``**.env`` ends in
    .env); ``**/x`` also matches ``x`` at the top.
    """
    def boundary(end: int) -> bool:
        return end == len(path) or path[end] == "/"

    if rest.startswith("/") and path.startswith(rest[1:]) and boundary(len(rest) - 1):
        return True
    at = path.find(rest)
    while at != -1:
        if boundary(at + len(rest)):
            return True
        at = path.find(rest, at + 1)
    return False


def _ignore_match(path: str, pattern: str) -> bool:
    """Does ``pattern`` match ``path`` itself or one of its parent directories?

    One pass of a linear-time expression that also accepts ``/anything`` after a match,
    so a path nested 2,000 folders deep costs one match, not one per parent.
    """
    rest = pattern[2:]
    if pattern.startswith("**") and rest and not any(c in rest for c in "*?[\\"):
        return _suffix_matches(path, rest)
    return _ignore_regex(pattern).match(path) is not None


def is_ignored(path: str, patterns) -> bool:
    """Is ``path`` (relative to the build context) left out by these ``.dockerignore`` rules?

    As Docker decides it: each rule matches the path or a parent directory of it, and the
    last rule that matches decides (an ``!`` rule re-includes).  ``*`` does not cross
    ``/``, so ``*.env`` leaves out ``prod.env`` at the root but not ``config/prod.env``.
    """
    ignored = False
    for negated, pattern in patterns:
        if ignored == negated and _ignore_match(path, pattern):  # only a rule that would flip the answer
            ignored = not negated
    return ignored


_WHOLE_CONTEXT = {".", "./", "*", "./*", "./."}


def context_copies(dockerfile: Dockerfile) -> list[tuple[Stage, Instruction]]:
    """(stage, COPY/ADD) of shipped stages that copy the whole build context."""
    out = []
    for stage in dockerfile.shipped_stages():
        for instr in stage.instructions:
            if instr.instruction not in ("COPY", "ADD") or instr.flag("from") is not None or instr.heredocs:
                continue
            words = [w for w in instr.words if not w.startswith("--")]
            if len(words) >= 2 and any(source in _WHOLE_CONTEXT for source in words[:-1]):
                out.append((stage, instr))
    return out


# -- questions checks ask ------------------------------------------------------------


def assignments(instr: Instruction) -> list[tuple[str, str | None, bool]]:
    """``(name, value, legacy)`` pairs of an ENV/ARG/LABEL: ``A=1 B="x y"`` or ``ENV A x y``.

    ``value`` is None for ``ARG NAME`` without default; ``legacy`` marks the
    space-separated ``ENV NAME value`` form.
    """
    text = instr.args.strip()
    if not text:
        return []
    first = re.match(r"([^\s=]+)(=?)", text)
    if first and not first.group(2) and instr.instruction in ("ENV", "LABEL"):
        rest = text[first.end():].strip()
        if rest:
            return [(first.group(1), _unquote(rest), True)]
    out: list[tuple[str, str | None, bool]] = []
    for word in split_words(text, keep_quotes=True):
        name, eq, value = word.partition("=")
        if not name:
            continue
        out.append((name, _unquote(value) if eq else None, False))
    return out


def _unquote(value: str) -> str:
    try:
        words = shlex.split(value, posix=True)
    except ValueError:
        return value.strip("\"'")
    return " ".join(words) if len(words) != 1 else words[0]


_WORD_RE = re.compile(r"""(?:"(?:[^"\\]|\\.)*"?|'[^']*'?|\\.|[^\s"'\\])+""", re.DOTALL)


def split_words(text: str, keep_quotes: bool = False) -> list[str]:
    """Whitespace-separated words, quotes respected (never raises).

    With ``keep_quotes`` the words keep their quotes (``B="x y"``), as ENV needs.
    """
    words = _WORD_RE.findall(text)
    if keep_quotes:
        return words
    out = []
    for word in words:
        try:
            out.append("".join(shlex.split(word, posix=True)) if any(c in word for c in "\"'\\") else word)
        except ValueError:
            out.append(word.replace('"', "").replace("'", ""))
    return out


def effective_user(stage: Stage) -> tuple[str, Instruction] | None:
    """The last ``USER`` that applies to ``stage`` (its own, else inherited), resolved."""
    for owner in stage.chain():
        instr = owner.last("USER")
        if instr is not None:
            raw = instr.args.strip()
            return substitute(raw, owner.variables(upto=instr)), instr
    return None


_DROP_TOOL_RE = re.compile(r"(?<![\w-])(gosu|su-exec|s6-setuidgid|setpriv|chpst)(?![\w-])")


def run_as_facts(final: Stage) -> dict[str, Any] | None:
    """What decides the user the final stage runs as, as plain data for the repository checks
    (DKR001, CMP010) that judge it with the scripts and compose files it meets.

    ``user``: the last USER (resolved), with where it is and whether it is inherited;
    ``base``: the external image at the bottom of the FROM chain (None for scratch);
    ``runs``: False for a scratch stage with nothing to run (an export); ``entry_set``:
    the chain sets its own ENTRYPOINT; ``entry_words``: the words of its ENTRYPOINT and CMD
    (a script they start); ``entry_drop``: the tool ENTRYPOINT/CMD
    themselves step down with; ``installs_drop``: a privilege-dropping tool the stage
    installs or copies in; ``copies``: COPY/ADD sources taken from the build context.
    """
    chain = final.chain()
    found = effective_user(final)
    entry = next((i for s in chain for i in reversed(s.all("ENTRYPOINT"))), None)
    cmd = next((i for s in chain for i in reversed(s.all("CMD"))), None)
    launch = [i for i in (entry, cmd) if i is not None]
    words = [w for i in launch for w in i.words]
    # ENTRYPOINT/CMD is the container's program: a tool at its head replaces it, as exec does
    drop = privilege_drop("exec " + " ".join(words)) if words else None
    if drop is None and entry is not None and cmd is not None and cmd.words:
        # CMD is what an entrypoint script runs last (exec "$@"): a program that steps down there
        drop = privilege_drop("exec " + " ".join(cmd.words))
    installs = None
    for stage in chain:
        for instr in stage.instructions:
            if instr.instruction in ("RUN", "COPY", "ADD"):
                match = _DROP_TOOL_RE.search(instr.value)
                if match and installs is None:
                    installs = match.group(1)
    copies: list[str] = []
    for stage in chain:
        for instr in stage.all("COPY", "ADD"):
            if instr.flag("from") is not None or instr.heredocs:
                continue
            sources = [w for w in instr.words if not w.startswith("--")][:-1]
            copies.extend(w for w in sources if "://" not in w and not w.startswith("$"))
    image = final.root_image()
    return dict(
        user=found[0] if found else None,
        user_line=found[1].line if found else None,
        user_ypath=tuple(found[1].ypath) if found else None,
        inherited=bool(found and found[1] not in final.instructions),
        user_args=found[1].args.strip() if found else None,
        base=image.raw if image else None,
        runs=image is not None or bool(launch),
        entry_set=entry is not None,
        entry_words=tuple(w for w in words if w and not w.startswith("-"))[:20],
        entry_drop=drop[0] if drop else None,
        installs_drop=installs,
        copies=tuple(copies[:200]),
        label=final.label,
        resource=final.resource,
        from_line=final.from_instr.line,
        from_ypath=tuple(final.from_instr.ypath),
        from_args=final.from_instr.args.strip(),
    )


# -- shell ------------------------------------------------------------------------

_WRAPPERS = {"sudo", "doas", "env", "exec", "time", "nice", "nohup", "command", "builtin", "eatmydata", "xargs",
             "ionice", "stdbuf", "chronic", "timeout"}


@dataclass(frozen=True)
class Command:
    """One simple command: its words, with leading ``VAR=value``, ``sudo`` and the like noted."""

    argv: tuple[str, ...]
    wrappers: tuple[str, ...] = ()  # sudo/env/exec... that preceded the program

    @property
    def program(self) -> str:
        return _program(self.argv[0]) if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]


def _program(word: str) -> str:
    return word.rsplit("/", 1)[-1].lower()


def _as_command(seg: Segment) -> Command:
    argv = seg.argv
    lead = seg.words[:len(seg.words) - len(argv)]
    wrappers = tuple(_program(w) for w in lead if _program(w) in _WRAPPERS)
    if argv and _program(argv[0]) == "xargs":  # `xargs apt-get install`: xargs wraps the real program
        wrappers += ("xargs",)
        argv = argv[1:]
        while argv and argv[0].startswith("-"):
            argv = argv[1:]
    return Command(tuple(redirections(argv)[0]), wrappers)


def shell_commands(source: Instruction | str) -> list[Command]:
    """The simple commands a RUN runs (read once, by the shared shell reader) or a shell text holds."""
    if isinstance(source, Instruction):
        commands = source.commands
    else:
        commands = commands_of(read_shell(source)) if source and source.strip() else []
    out = [_as_command(seg) for command in commands for seg in command.segments]
    return [command for command in out if command.argv]


_PKG_MANAGERS = {
    # program: (install subcommands, options that take a value)
    "apt-get": ({"install"}, {"-o", "-t", "--target-release", "-c", "--config-file"}),
    "apt": ({"install"}, {"-o", "-t", "--target-release", "-c", "--config-file"}),
    "aptitude": ({"install"}, {"-o", "-t"}),
    "apk": ({"add"}, {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir"}),
    "yum": ({"install"}, {"--setopt", "--enablerepo", "--disablerepo", "--releasever", "-c", "--installroot"}),
    "dnf": ({"install"}, {"--setopt", "--enablerepo", "--disablerepo", "--releasever", "-c", "--installroot"}),
    "microdnf": ({"install"}, {"--setopt", "--enablerepo", "--disablerepo", "--releasever"}),
    "tdnf": ({"install"}, {"--setopt", "--enablerepo", "--disablerepo", "--releasever"}),
    "zypper": ({"install", "in"}, {"-r", "--repo", "--from"}),
}


@dataclass(frozen=True)
class Install:
    """One package-manager install command."""

    manager: str  # apt-get, apk, dnf...
    command: Command
    packages: tuple[str, ...]  # names without version pins
    options: tuple[str, ...]  # every option word, before and after the subcommand
    virtual: str | None = None  # apk --virtual NAME


def installs(command: Command) -> Install | None:
    manager = command.program
    spec = _PKG_MANAGERS.get(manager)
    if spec is None or not command.argv:
        return None
    subcommands, valued = spec
    options: list[str] = []
    packages: list[str] = []
    virtual = None
    sub_seen = False
    args = list(command.args)
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("-"):
            options.append(word)
            if word in valued and i + 1 < len(args):
                if word in ("-t", "--virtual") and manager == "apk":
                    virtual = args[i + 1]
                options.append(args[i + 1])
                i += 1
            elif word.startswith("--virtual=") and manager == "apk":
                virtual = word.split("=", 1)[1]
        elif not sub_seen:
            if word not in subcommands:
                return None
            sub_seen = True
        else:
            name = re.split(r"[=<>~]", word, maxsplit=1)[0]
            if manager == "apk":
                name = name.split("@", 1)[0]
            if name:
                packages.append(name)
        i += 1
    if not sub_seen:
        return None
    return Install(manager, command, tuple(packages), tuple(options), virtual)


def packages_installed(source: Instruction | str) -> list[Install]:
    return [found for found in (installs(c) for c in shell_commands(source)) if found is not None]


def run_mounts(instr: Instruction) -> list[dict[str, str]]:
    """The ``--mount=type=cache,target=...`` options of a RUN, as dicts."""
    out = []
    for raw in instr.flag_values("mount"):
        entry: dict[str, str] = {}
        for part in raw.split(","):
            key, _, value = part.partition("=")
            entry[key.strip().lower()] = value.strip()
        entry.setdefault("type", "bind")
        if "dst" in entry and "target" not in entry:
            entry["target"] = entry["dst"]
        if "destination" in entry and "target" not in entry:
            entry["target"] = entry["destination"]
        out.append(entry)
    return out


_BUILD_PURPOSE_WORDS = {"dev", "devel", "development", "ci", "test", "tests", "testing", "build", "builder",
                        "devcontainer"}


def built_for_development(path: str) -> bool:
    """True for Dockerfiles whose name says they build a dev/CI/build image (``Dockerfile.dev``,
    ``ci.Dockerfile``, ``.devcontainer/Dockerfile``): there a toolchain is the point."""
    parts = path.replace("\\", "/").lower().split("/")
    if any(part in (".devcontainer", "devcontainer") for part in parts[:-1]):
        return True
    words = set(re.split(r"[._-]+", parts[-1])) - {"dockerfile", "containerfile"}
    return bool(words & _BUILD_PURPOSE_WORDS)


_BUILD_SCRIPT_RE = re.compile(r"(?:^|[-_])(?:build|compile|package|cross|make)(?:[-_.]|$)")
_BUILD_PROGRAMS = {"make", "cmake", "ninja", "meson", "mvn", "gradle", "bazel", "scons", "rpmbuild",
                   "dpkg-buildpackage", "debuild", "abuild", "makepkg"}
_BUILD_SUBCOMMANDS = {"cargo": "build", "go": "build", "dotnet": "build", "npm": "run", "yarn": "build"}


def runs_a_build(dockerfile: Dockerfile) -> bool:
    """True when the image's own command is a build (``ENTRYPOINT ["/data/build.sh"]``,
    ``CMD make``) and it serves nothing (no EXPOSE): a build-environment image, whose
    toolchain is the point rather than a leftover."""
    chain = dockerfile.final.chain()
    if any(stage.all("EXPOSE") for stage in chain):
        return False
    command = next((i for s in chain for i in reversed(s.all("ENTRYPOINT", "CMD"))), None)
    if command is None:
        return False
    words = command.words
    if command.exec_form is None:
        words = [w for c in shell_commands(command.args) for w in c.argv]
    for position, word in enumerate(words):
        base = word.rsplit("/", 1)[-1].lower()
        if base in _BUILD_PROGRAMS:
            return True
        if base in _BUILD_SUBCOMMANDS and position + 1 < len(words) and words[position + 1] == _BUILD_SUBCOMMANDS[base]:
            return True
        stem = base.rsplit(".", 1)[0] if base.endswith((".sh", ".bash", ".py")) else ""
        if stem and _BUILD_SCRIPT_RE.search(stem):
            return True
    return False
