"""Shell embedded in other files, read by the one shell reader at the host file's lines.

Each host gives the reader *pieces*: a shell text, the host line its first line is on,
the symbolic place it sits (a RUN's or a step's ypath, so fingerprints survive edits
above) and, for workflows, the text with ``${{ }}`` masked.  The result is a
:class:`~.shell.ShellScript` with ``host`` and ``owner`` set, which the shell checks
read like any script (they decide per host what applies):

* Dockerfile: one script per stage, from its ``RUN`` instructions (shell form with
  continuations and the comment lines Docker drops, exec form ``["sh", "-c", ...]``,
  heredocs fed to a shell at their own lines); nothing after a non-POSIX ``SHELL`` and
  nothing in a Dockerfile whose escape character is a backtick (Windows);
* GitHub Actions: one script per job, from its ``run:`` steps (bash or sh; not pwsh,
  python, cmd or a Windows runner's default) and the ``script`` of SSH actions, which
  runs on the remote host (``via="ssh"``);
* compose: one script per service, from a shell-form ``command``/``entrypoint`` and a
  ``CMD-SHELL`` healthcheck (``$$`` unescaped), with the service's exposure;
* Kubernetes: one script per container, from a shell-form ``command``/``args`` and probes
  or lifecycle hooks that ``exec`` a shell (CronJobs and Jobs included).
"""

from __future__ import annotations

import functools
import re
import shlex
from collections import Counter
from collections.abc import Iterable
from typing import Any

from . import shell_reader as reader
from .base import FileKind
from .shell import Command, ShellScript, _script, commands_of, unreadable_notices
from .yamlnodes import YList

__all__ = ["Piece", "embedded_script", "dockerfile_shells", "workflow_shells", "compose_shells", "kubernetes_shells",
           "run_pieces", "block_first_line", "shell_form", "run_commands", "CRONTAB", "is_crontab_name", "crontab_script"]

#: (text, first host line, scope, masked text or None, via)
Piece = tuple[str, int, tuple, "str | None", str]

_KEYWORD_RE = re.compile(r"[A-Za-z]+")
#: a ``RUN`` flag (``--mount=type=cache,target=/x``); blanks before it are skipped by code, so
#: the pattern starts with a literal and stays linear however it is searched
_FLAG_RE = re.compile(r"--[A-Za-z][\w-]*(?:=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\\])*)?")


def read_pieces(pieces: Iterable[Piece], seen: Counter, notices: list[str] | None, owner: str,
                folded: frozenset[int] = frozenset()) -> list[Command]:
    """The commands of each piece, at their host lines.  Pieces whose index is in ``folded``
    came from a folded YAML scalar (``>``), whose line breaks are gone: their commands are
    all placed on the scalar's first line rather than on lines the text no longer has."""
    commands: list[Command] = []
    for index, (text, first_line, scope, masked, via) in enumerate(pieces):
        if not text or not text.strip():
            continue
        reading = reader.read(text, first_line=first_line, masked=masked)
        if index in folded:
            for raw in reading.commands:
                raw.line = raw.end_line = first_line
                for seg in raw.segments:
                    seg.line = seg.end_line = first_line
                if raw.heredoc_line is not None:
                    raw.heredoc_line = first_line
        if notices is not None:
            notices.extend(unreadable_notices(reading, owner))
        commands.extend(commands_of(reading, scope, seen, via))
    return commands


def script_of(path: str, host: str, owner: str, commands: list[Command], interpreter: str = "sh") -> ShellScript | None:
    """The :class:`ShellScript` unit the shell checks read; None when there is no command."""
    if not commands:
        return None
    script = _script(path, "", interpreter, set(), commands, max(c.end_line for c in commands))
    script.host = host
    script.owner = owner
    return script


def embedded_script(path: str, host: str, owner: str, pieces: Iterable[Piece], interpreter: str = "sh",
                    notices: list[str] | None = None, folded: frozenset[int] = frozenset()) -> ShellScript | None:
    """One :class:`ShellScript` made of the pieces, in order; None when none holds a command."""
    return script_of(path, host, owner, read_pieces(pieces, Counter(), notices, owner, folded), interpreter)


# -- Dockerfile ------------------------------------------------------------------------


def run_pieces(instr: Any, source: list[str]) -> list[tuple[str, int]]:
    """(shell text, first line) of what a ``RUN`` instruction runs, lines as in the file."""
    if instr.exec_form is not None:
        argv = [str(a) for a in instr.exec_form]
        if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in reader.SHELLS and argv[1].startswith("-") and "c" in argv[1]:
            return [(argv[2], instr.line)]
        return [(" ".join(shlex.quote(a) for a in argv), instr.line)] if argv else []
    if instr.heredocs:
        command = instr.shell_command_without_heredocs()
        pieces = [(command, instr.line)] if command else []
        words = reader.split_words(command) if command else ()
        fed = reader._argv(words)
        program = fed[0].rsplit("/", 1)[-1] if fed else ""
        if not fed or program in reader.SHELLS or program == "set":
            pieces.extend((doc.body, doc.line) for doc in instr.heredocs)
        return pieces
    lines = source[instr.line - 1:instr.end_line]
    if not lines:
        return []
    text = "\n".join(_dropped_as_continuation(line) if index else line for index, line in enumerate(lines))
    head = _KEYWORD_RE.match(text, _skip_blanks(text, 0, continuations=False))
    pos = head.end() if head else 0
    while True:  # leading --mount=... --network=... flags, possibly on continuation lines
        flag = _FLAG_RE.match(text, _skip_blanks(text, pos))
        if not flag:
            break
        pos = flag.end()
    blank = "".join(c if c == "\n" else " " for c in text[:pos])
    return [(blank + text[pos:], instr.line)]


def _skip_blanks(text: str, pos: int, continuations: bool = True) -> int:
    """The position after the spaces, tabs (and, with ``continuations``, backslash-newlines) at ``pos``."""
    while pos < len(text):
        if text[pos] in " \t":
            pos += 1
        elif continuations and text.startswith("\\\n", pos):
            pos += 2
        else:
            break
    return pos


def _dropped_as_continuation(line: str) -> str:
    """Docker drops comment and empty lines inside a continuation: keep the join, lose the text."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return "\\"
    return line


def dockerfile_shells(dockerfile: Any, text: str, notices: list[str]) -> list[ShellScript]:
    """One script per stage from its RUNs; each RUN keeps its own reading (``instr.commands``)."""
    if dockerfile.escape != "\\":
        return []  # a Windows Dockerfile: RUN runs cmd or PowerShell
    source = text.replace("\r\n", "\n").split("\n")
    out: list[ShellScript] = []
    for stage in dockerfile.stages:
        commands: list[Command] = []
        seen: Counter[str] = Counter()
        interpreter = "sh"
        for instr in stage.instructions:
            if instr.instruction == "SHELL":
                argv = instr.exec_form or []
                interpreter = str(argv[0]).rsplit("/", 1)[-1].lower() if argv else "sh"
                continue
            if instr.instruction != "RUN" or interpreter not in reader.SHELLS:
                continue
            pieces = [(piece, line, instr.ypath, None, "") for piece, line in run_pieces(instr, source)]
            instr.commands = read_pieces(pieces, seen, notices, f"{stage.resource} RUN")
            commands.extend(instr.commands)
        script = script_of(dockerfile.path, "dockerfile", stage.resource, commands, interpreter)
        if script is not None:
            out.append(script)
    return out


# -- GitHub Actions ------------------------------------------------------------------------


def block_first_line(holder: Any, key: str, value: str) -> int:
    """The file line of the first line of a YAML string value (a ``|``/``>`` block starts below its key)."""
    first, last = holder.value_span(key)
    lines = value.count("\n") + (0 if value.endswith("\n") else 1)
    if last > first and (value.endswith("\n") or last - first >= lines):
        return first + 1
    return first


_SSH_ACTIONS = ("appleboy/ssh-action", "garygrossgarten/github-action-ssh", "cross-the-world/ssh-pipeline")


def _shell_of(step: Any, job: Any, workflow: Any) -> str:
    for holder in (step.node, job.node.map("defaults").map("run"), workflow.doc.map("defaults").map("run")):
        value = holder.get("shell")
        if isinstance(value, str) and value.strip():
            return value.strip().split()[0].rsplit("/", 1)[-1].lower()
    runs_on = job.runs_on
    labels = runs_on if isinstance(runs_on, list) else [runs_on]
    if any(isinstance(label, str) and "windows" in label.lower() for label in labels):
        return "pwsh"
    return "bash"


@functools.lru_cache(maxsize=512)
def run_commands(text: str) -> tuple[Command, ...]:
    """The commands of a workflow ``run:`` script, or of a piece of one (an assignment's value,
    an ``env:`` value, an action's command input), as the one reader reads them with ``${{ }}``
    masked: what the workflow model asks about a step (the images it builds, the folders it
    changes to, the files it writes or reads).  Lines count from the text's first line.
    Cached by text: a script is read once however many questions are asked of it."""
    if not text or not text.strip():
        return ()
    return tuple(commands_of(reader.read(text, masked=reader.mask_expressions(text))))


def workflow_shells(workflow: Any, notices: list[str]) -> list[ShellScript]:
    out: list[ShellScript] = []
    for job in workflow.jobs:
        pieces: list[Piece] = []
        for step in job.steps:
            script = step.run
            if script is not None:
                if _shell_of(step, job, workflow) not in ("bash", "sh"):
                    continue
                first = block_first_line(step.node, "run", script)
                pieces.append((script, first, step.ypath + ("run",), reader.mask_expressions(script), ""))
                continue
            action = step.action
            remote = step.with_.get("script") if action is not None and action.is_action(*_SSH_ACTIONS) else None
            if isinstance(remote, str):
                first = block_first_line(step.with_, "script", remote)
                pieces.append((remote, first, step.ypath + ("with", "script"), reader.mask_expressions(remote), "ssh"))
        script = embedded_script(workflow.path, "workflow", job.resource, pieces, "bash", notices)
        if script is not None:
            out.append(script)
    return out


# -- container commands (compose services, Kubernetes containers) --------------------------


def shell_form(argv: list[Any]) -> tuple[str, int] | None:
    """(interpreter, index of the script) when ``argv`` runs a shell on a command string:
    ``sh -c SCRIPT``, ``/bin/bash -ec SCRIPT``, ``bash -o pipefail -c SCRIPT``.  None for an
    exec form that runs a program directly (no shell reads it)."""
    if not argv or not isinstance(argv[0], str):
        return None
    program = argv[0].rsplit("/", 1)[-1].lower()
    if program == "env" and len(argv) > 1:  # /usr/bin/env bash -c ...
        found = shell_form(argv[1:])
        return (found[0], found[1] + 1) if found else None
    if program not in reader.SHELLS:
        return None
    index = 1
    while index < len(argv):
        word = argv[index]
        if not isinstance(word, str) or not word.startswith("-") or word == "-":
            return None
        if word in ("-o", "+o"):  # -o pipefail
            index += 2
            continue
        if "c" in word[1:] and not word.startswith("--"):
            return (program, index + 1) if index + 1 < len(argv) else None
        index += 1
    return None


def _item_first_line(items: Any, index: int, value: str) -> int:
    """The file line where a list item's text starts (a ``|`` block starts below its indicator)."""
    line = items.item_line(index)
    return line + 1 if "\n" in value.rstrip("\n") or value.endswith("\n") else line


def _text_lines(value: str) -> int:
    return value.count("\n") + (0 if value.endswith("\n") else 1)


def _item_folded(items: Any, index: int, value: str) -> bool:
    """The item spans more lines of the file than its text has: a folded (``>``) or plain
    multi-line scalar, whose line breaks YAML turned into spaces."""
    start = items.item_line(index)
    end = items.item_line(index + 1) if index + 1 < len(items.item_lines) else items.end_line
    return _spans_more(start, end, value)


def _value_folded(holder: Any, key: str, value: str) -> bool:
    first, last = holder.value_span(key)
    return _spans_more(first, last, value)


def _spans_more(start: int, end: int, value: str) -> bool:
    """Lines ``start`` (the indicator or first text line) to ``end`` (the last text line or the
    next token's line: YAML positions do not say which) hold more lines than the text: by at
    least two, so a block's indicator line and the following token's line are not counted."""
    return end - start + 1 > _text_lines(value) + 2


#: (word, first line, ypath, folded)
_Word = tuple[str, int, tuple, bool]


def _argv_with_lines(holder: Any, key: str, split_string: bool) -> list[_Word]:
    """(word, first line, ypath, folded) of each word of a command/args value: a list, or
    (compose) a string compose splits like a shell would (``command: sh -c "..."``)."""
    value = holder.get(key) if holder is not None else None
    if isinstance(value, YList):
        return [(str(v), _item_first_line(value, i, str(v)), value.ypath + (i,), _item_folded(value, i, str(v)))
                for i, v in enumerate(value) if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    if isinstance(value, str) and split_string:
        try:
            words = shlex.split(value)
        except ValueError:
            return []
        line = block_first_line(holder, key, value)
        # compose splits the string into words itself: the script word's own line breaks are lost
        return [(w, line, holder.ypath + (key,), True) for w in words]
    return []


def _container_pieces(argv: list[_Word], unescape: bool) -> tuple[str, list[Piece], bool]:
    """(interpreter, the script as a piece, whether its lines are folded) of a shell-form argv."""
    found = shell_form([w for w, _, _, _ in argv])
    if found is None:
        return "", [], False
    interpreter, index = found
    text, line, ypath, folded = argv[index]
    if unescape:
        text = text.replace("$$", "$")  # compose's escape for a literal $
    return interpreter, [(text, line, ypath, None, "")], folded


def compose_shells(compose: Any, notices: list[str] | None = None) -> list[ShellScript]:
    """One script per service from the shell it runs: ``command``/``entrypoint`` in shell form
    (``sh -c '...'``, with ``entrypoint: [sh, -c]`` and the script in ``command``) and a
    ``CMD-SHELL`` (or string) ``healthcheck.test``.  Exec forms run no shell and are not read."""
    out: list[ShellScript] = []
    for service in compose.services:
        pieces: list[Piece] = []
        folded: set[int] = set()
        interpreter = "sh"
        entry = _argv_with_lines(service.node, "entrypoint", True)
        command = _argv_with_lines(service.node, "command", True)
        for words in ((entry + command) if entry else command, entry):
            found_interp, found, flat = _container_pieces(words, unescape=True)
            if found:
                interpreter = found_interp
                folded |= {len(pieces)} if flat else set()
                pieces.extend(found)
                break
        health = service.node.get("healthcheck")
        test = health.get("test") if hasattr(health, "get") else None
        if isinstance(test, str) and test.strip():
            folded |= {len(pieces)} if _value_folded(health, "test", test) else set()
            pieces.append((test.replace("$$", "$"), block_first_line(health, "test", test),
                           health.ypath + ("test",), None, ""))
        elif isinstance(test, YList) and len(test) >= 2 and test[0] == "CMD-SHELL" and isinstance(test[1], str):
            folded |= {len(pieces)} if _item_folded(test, 1, test[1]) else set()
            pieces.append((test[1].replace("$$", "$"), _item_first_line(test, 1, test[1]),
                           test.ypath + (1,), None, ""))
        script = embedded_script(compose.path, "compose", f"service/{service.name}", pieces, interpreter, notices,
                                 frozenset(folded))
        if script is not None:
            script.exposed = service.exposed
            out.append(script)
    return out


_EXEC_HOOKS = (("livenessProbe",), ("readinessProbe",), ("startupProbe",),
               ("lifecycle", "postStart"), ("lifecycle", "preStop"))


def kubernetes_shells(workload: Any, notices: list[str] | None = None) -> list[ShellScript]:
    """One script per container (init containers too) from the shell it runs: ``command`` +
    ``args`` in shell form (``command: [sh, -c]``, ``args: ['...']``) and probes or lifecycle
    hooks whose ``exec.command`` runs a shell.  A container that only sets ``args`` runs the
    image's entrypoint, which these files cannot see: not read."""
    out: list[ShellScript] = []
    for container in workload.containers(include_init=True):
        node = container.node
        pieces: list[Piece] = []
        folded: set[int] = set()
        interpreter = "sh"
        command = _argv_with_lines(node, "command", False)
        if command:
            found_interp, found, flat = _container_pieces(command + _argv_with_lines(node, "args", False),
                                                          unescape=False)
            if found:
                interpreter = found_interp
                folded |= {len(pieces)} if flat else set()
                pieces.extend(found)
        for keys in _EXEC_HOOKS:
            holder = node
            for key in keys:
                holder = holder.get(key) if hasattr(holder, "get") else None
            exec_ = holder.get("exec") if hasattr(holder, "get") else None
            if hasattr(exec_, "get"):
                _, found, flat = _container_pieces(_argv_with_lines(exec_, "command", False), unescape=False)
                folded |= {len(pieces)} if flat and found else set()
                pieces.extend(found)
        script = embedded_script(workload.path, "kubernetes", container.resource, pieces, interpreter, notices,
                                 frozenset(folded))
        if script is not None:
            out.append(script)
    return out


# -- crontabs ------------------------------------------------------------------------------

CRONTAB = FileKind.define("crontab")

_CRON_FIELD_RE = re.compile(r"[0-9*/,\-A-Za-z?LW#]+")
_WORD_RE = re.compile(r"\S+")
#: files kept in a cron.d/ folder that cron does not read as tables
_NOT_CRONTABS = (".md", ".txt", ".rst", ".bak", ".orig", ".dpkg-dist", ".dpkg-old", ".sh", ".py")
_CRON_MACROS = ("@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


def _is_assignment(line: str) -> bool:
    """``NAME=value`` (or ``NAME = value``): a crontab variable, not an entry (no regex: linear)."""
    name = line.split("=", 1)[0].rstrip() if "=" in line else ""
    return bool(name) and (name[0].isalpha() or name[0] == "_") and name.replace("_", "a").isalnum() and name.isascii()


def is_crontab_name(rel: str) -> bool:
    """A crontab by its name: ``crontab``, ``*.crontab``, ``*.cron``, or a file in a ``cron.d/`` folder."""
    lowered = rel.lower()
    name = lowered.rsplit("/", 1)[-1]
    if name in ("crontab", "root.crontab") or name.endswith((".crontab", ".cron")):
        return True
    parent = lowered.rsplit("/", 2)[-2] if lowered.count("/") >= 1 else ""
    return parent == "cron.d" and not name.startswith(".") and not name.endswith(_NOT_CRONTABS)


def _cron_command(line: str, system: bool) -> tuple[str, int] | None:
    """(command, column where it starts) of one crontab entry; None for a comment, a blank
    line, a variable or a line that is not an entry.  A system crontab (``/etc/crontab``,
    ``cron.d/``) has a user field after the schedule.  An unescaped ``%`` ends the command
    (cron feeds what follows to its standard input)."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#") or _is_assignment(stripped):
        return None
    pos = len(line) - len(line.lstrip())
    fields = 1 if stripped.startswith(_CRON_MACROS) else 5
    for index in range(fields + (1 if system else 0)):
        match = _WORD_RE.match(line, pos)
        if match is None:
            return None
        word = match.group(0)
        if fields == 5 and index < 5 and not _CRON_FIELD_RE.fullmatch(word):
            return None  # not a schedule: not an entry
        pos = match.end()
        while pos < len(line) and line[pos] in " \t":
            pos += 1
    command = line[pos:]
    out: list[str] = []
    escaped = False
    for char in command:
        if char == "%" and not escaped:
            break
        escaped = char == "\\" and not escaped
        out.append(char)
    text = "".join(out).replace("\\%", "%").rstrip()
    return (text, pos) if text else None


def crontab_script(path: str, text: str, notices: list[str] | None = None) -> ShellScript | None:
    """The commands of a crontab's entries, each read by the shell reader at its own line.
    Cron runs them on the host with ``/bin/sh`` (or the ``SHELL=`` the file sets): scripts on a
    server, audited as such (``host="cron"``)."""
    lowered = path.lower()
    system = "cron.d/" in lowered or lowered.rsplit("/", 1)[-1] == "crontab" and "/etc/" in f"/{lowered}"
    interpreter = "sh"
    pieces: list[Piece] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("SHELL="):
            interpreter = stripped.split("=", 1)[1].strip().strip("\"'").rsplit("/", 1)[-1] or "sh"
            continue
        entry = _cron_command(line, system)
        if entry is not None:
            pieces.append((entry[0], number, ("entry", number), None, ""))
    if interpreter not in reader.SHELLS:
        return None
    return embedded_script(path, "cron", "", pieces, interpreter, notices)
