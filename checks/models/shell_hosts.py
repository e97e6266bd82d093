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
  runs on the remote host (``via="ssh"``).
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Iterable
from typing import Any

from . import shell_reader as reader
from .shell import Command, ShellScript, _script, commands_of, unreadable_notices

__all__ = ["Piece", "embedded_script", "dockerfile_shells", "workflow_shells", "run_pieces", "block_first_line"]

#: (text, first host line, scope, masked text or None, via)
Piece = tuple[str, int, tuple, "str | None", str]

_KEYWORD_RE = re.compile(r"[A-Za-z]+")
#: a ``RUN`` flag (``--mount=type=cache,target=/x``); blanks before it are skipped by code, so
#: the pattern starts with a literal and stays linear however it is searched
_FLAG_RE = re.compile(r"--[A-Za-z][\w-]*(?:=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\\])*)?")


def read_pieces(pieces: Iterable[Piece], seen: Counter, notices: list[str] | None, owner: str) -> list[Command]:
    commands: list[Command] = []
    for text, first_line, scope, masked, via in pieces:
        if not text or not text.strip():
            continue
        reading = reader.read(text, first_line=first_line, masked=masked)
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
                    notices: list[str] | None = None) -> ShellScript | None:
    """One :class:`ShellScript` made of the pieces, in order; None when none holds a command."""
    return script_of(path, host, owner, read_pieces(pieces, Counter(), notices, owner), interpreter)


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
        argv = reader._argv(words)
        program = argv[0].rsplit("/", 1)[-1] if argv else ""
        if not argv or program in reader.SHELLS or program == "set":
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
