"""SH011: making files or directories writable by every user."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import runs_remotely

CHECK = Check(
    code="SH011",
    name="world-writable-chmod",
    title="Makes files world-writable (chmod 777 / a+w)",
    severity=Severity.MEDIUM,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "`chmod 777` (or `-R 777`, `a+rwx`, `o+w`) lets every local user and every process, "
        "including a compromised one, rewrite the files: scripts and binaries there can be "
        "replaced with code that the next privileged run executes, uploads can be swapped, "
        "sockets hijacked. It is almost always a shortcut around an ownership problem."
    ),
    remediation=(
        "Give the files to the user that needs them (`chown app:app`) and use 755/644 (or 775/664 for a shared group).",
        "For shared scratch directories use the sticky bit (1777), like /tmp.",
        "In containers, set ownership at build time (`COPY --chown`) instead of opening permissions.",
    ),
    effort="30m",
    references=(
        "https://www.gnu.org/software/coreutils/manual/html_node/chmod-invocation.html",
    ),
)

_OCTAL_RE = re.compile(r"^0?([0-7]?)([0-7])([0-7])([0-7])$")
_SYMBOLIC_RE = re.compile(r"^([ugoa]*)([-+=])([rwxXst]*)$")


def _world_writable(mode: str) -> bool:
    match = _OCTAL_RE.match(mode)
    if match:
        special, other = match.group(1), int(match.group(4))
        sticky = bool(special) and int(special) & 1
        return bool(other & 2) and not sticky
    for clause in mode.split(","):
        sym = _SYMBOLIC_RE.match(clause)
        if sym and sym.group(2) in "+=" and "w" in sym.group(3) and ("o" in sym.group(1) or "a" in sym.group(1)) and "t" not in sym.group(3):
            return True
    return False


def _mode_of(name: str, argv: tuple[str, ...]) -> str | None:
    if name == "chmod":
        for word in argv[1:]:
            if word.startswith("--"):
                continue
            if word.startswith("-") and not _SYMBOLIC_RE.match(word):
                continue
            return word
        return None
    if name in ("mkdir", "install"):
        for i, word in enumerate(argv):
            if word in ("-m", "--mode") and i + 1 < len(argv):
                return argv[i + 1]
            if word.startswith("--mode="):
                return word.split("=", 1)[1]
    return None


@CHECK.on(ShellScript)
def world_writable_chmod(script: ShellScript) -> Iterator[Finding]:
    for command in script.commands:
        for seg in command.segments:
            if seg.name not in ("chmod", "mkdir", "install"):
                continue
            if script.host == "workflow" and not runs_remotely(command, seg):
                continue  # a throw-away CI runner
            mode = _mode_of(seg.name, seg.argv)
            if mode and _world_writable(mode):
                targets = [w for w in seg.argv[1:] if w != mode and not w.startswith("-")]
                yield CHECK.finding(
                    command.at(seg), resource=script.resource, symbol=(mode, targets[0] if targets else "?"),
                    repeats=(f"{seg.name} {mode}",),
                    message=f"`{seg.name} {mode}` makes {', '.join(targets[:3]) or 'files'} writable by every user",
                    evidence=command.evidence,
                )
