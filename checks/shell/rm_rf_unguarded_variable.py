"""SH012: `rm -rf "$DIR"/...` where an empty variable turns the path into `/...`."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import runs_remotely

CHECK = Check(
    code="SH012",
    name="rm-rf-unguarded-variable",
    title="Recursive delete of a path built from a variable that may be empty",
    severity=Severity.HIGH,
    category=Category.RELIABILITY,
    rationale=(
        "`rm -rf \"$BUILD_DIR\"/*` deletes `/*` when the variable is empty or unset: a typo "
        "in its name, a missing argument, a failed `cd` or command substitution. `set -u` "
        "does not help for empty values. On a server this erases the host; in CI, the "
        "runner's workspace or home."
    ),
    remediation=(
        "Expand the variable with `${VAR:?}` so the shell stops when it is empty: `rm -rf \"${BUILD_DIR:?}\"/*`.",
        "Or test it first: `[ -n \"$BUILD_DIR\" ] && rm -rf \"$BUILD_DIR\"/*`.",
        "Prefer deleting a directory you created in the script (`tmp=$(mktemp -d)`) over a path from outside.",
    ),
    effort="15m",
    references=(
        "https://www.shellcheck.net/wiki/SC2115",
        "https://www.gnu.org/software/bash/manual/html_node/Shell-Parameter-Expansion.html",
    ),
    peers=("shellcheck SC2115",),
)

#: "$VAR/..." or "${VAR}/..." at the start of an argument (quotes already removed)
_LEADING_VAR_RE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/")
_LITERAL_ASSIGN_RE = re.compile(r"^(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)=(.+)$")


def _recursive(argv: tuple[str, ...]) -> bool:
    for word in argv[1:]:
        if word == "--":
            break
        if word in ("--recursive",) or (word.startswith("-") and not word.startswith("--") and ("r" in word or "R" in word)):
            return True
    return False


#: command substitutions whose output is never empty: `mktemp`, `pwd`, `$(cd "$(dirname "$0")" && pwd)`,
#: `dirname` (prints `.` at least)
_NEVER_EMPTY = ("$(mktemp", "$(pwd", "$PWD", "${PWD", "$(dirname", "`mktemp", "`pwd", "`dirname")


def _never_empty(value: str) -> bool:
    if value.startswith(_NEVER_EMPTY):
        return True
    return value.startswith(("$(cd ", "`cd ")) and value.rstrip(")`").endswith("pwd")


def _fixed_suffix(rest: str) -> bool:
    """Is the part after `$VAR/` a fixed path (`data/x`) that cannot name `/` itself: no glob,
    no other expansion, not `.`/`..` only?"""
    if not rest or any(ch in rest for ch in "*?[$`{"):
        return False
    return any(part not in ("", ".", "..") for part in rest.split("/"))


def _safe_names(script: ShellScript) -> set[str]:
    """Variables the script itself sets to a non-empty literal or a value that is never empty
    (`mktemp`, `pwd`, `$(cd ... && pwd)`, `$(dirname ...)`)."""
    names: set[str] = set()
    for command in script.commands:
        for seg in command.segments:
            for word in seg.words:
                match = _LITERAL_ASSIGN_RE.match(word)
                if not match:
                    continue
                value = match.group(2)
                if value and ("$" not in value and "`" not in value or _never_empty(value)):
                    names.add(match.group(1))
    return names


@CHECK.on(ShellScript)
def rm_rf_unguarded_variable(script: ShellScript) -> Iterator[Finding]:
    if script.host == "dockerfile":
        return  # an image build is not a server
    safe = None
    for command in script.commands:
        for index, seg in enumerate(command.segments):
            if seg.name != "rm" or not _recursive(seg.argv):
                continue
            if script.embedded and not runs_remotely(command, seg):
                continue  # a throw-away CI runner
            if seg.guards or seg.op == "||" or (index and seg.op == "&&" and command.segments[index - 1].name in ("[", "[[", "test")):
                continue
            for word in seg.argv[1:]:
                match = _LEADING_VAR_RE.match(word)
                if not match:
                    continue
                name = match.group(1) or match.group(2)
                if safe is None:
                    safe = _safe_names(script)
                if name in safe:
                    continue
                rest = word[match.end():]
                severity, when = None, f"deletes from / when ${name} is empty"
                if _fixed_suffix(rest):
                    # `"$DIR/data/x"` at worst removes /data/x: a mistake, not an erased host
                    severity, when = Severity.LOW, f"deletes the fixed path /{rest} (not the whole disk) when ${name} is empty"
                elif "nounset" in script.options:
                    severity, when = Severity.LOW, (f"deletes from / when ${name} is set but empty "
                                                    f"(set -u stops the script on an unset one)")
                yield CHECK.finding(
                    command.pos, resource=f"path/{word}", symbol=(word,), severity=severity,
                    message=f"`rm -r {word}` {when}; use ${{{name}:?}}",
                    evidence=command.evidence,
                )
