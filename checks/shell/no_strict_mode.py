"""SH001: a script that keeps going after a command fails."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript

CHECK = Check(
    code="SH001",
    name="no-strict-mode",
    title="Script keeps running after a failed command (no set -e / pipefail)",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    rationale=(
        "Without `set -e` a failed step (a dump that could not connect, a build that broke) "
        "is ignored and the script carries on: a deploy restarts half-updated code, a backup "
        "reports success after writing an empty file. Without `pipefail` the status of "
        "`pg_dump | gzip > file` is gzip's, so a failed dump still looks fine. Medium for "
        "scripts that deploy, back up, restore or migrate; low otherwise."
    ),
    remediation=(
        "Start the script with `set -euo pipefail` (bash/zsh/ksh) or `set -eu` (POSIX sh).",
        "Where a command may fail on purpose, say so explicitly: `cmd || true`, or test it in an `if`.",
        "Run the script once with a failing step (wrong password, full disk) and check it stops.",
    ),
    effort="15m",
    references=(
        "https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html",
        "https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set",
    ),
)

#: scripts run by a POSIX sh: pipefail may be missing, so only -e is asked for
_POSIX = ("sh", "dash", "ash", "busybox")


#: commands that only print or set a status: they cannot fail in a way that matters
_MESSAGES = frozenset(("echo", "printf", ":", "true", "exit"))


def _pipefail_matters(command) -> bool:
    """Does a pipeline of this command hide a failure that pipefail would report?

    Not one whose only earlier stages print (`echo "$msg" | tee -a log`), one tested as a
    condition (`if docker ps | grep -q web`) or one followed by `||` (its failure is handled
    either way); pipelines inside `$( ... )` are the substitution's business.
    """
    segments = [seg for seg in command.segments if not seg.via]
    for index, seg in enumerate(segments):
        if seg.op not in ("|", "|&"):
            continue
        start = index
        while start > 0 and segments[start].op in ("|", "|&"):
            start -= 1
        end = index
        while end + 1 < len(segments) and segments[end + 1].op in ("|", "|&"):
            end += 1
        stages = segments[start:end + 1]
        if stages[0].condition or stages[0].words[:1] == ("!",):
            continue
        if end + 1 < len(segments) and segments[end + 1].op == "||":
            continue
        if all(stage.name in _MESSAGES for stage in stages[:-1]):
            continue
        return True
    return False


#: conditions of loops meant never to end: a watchdog, a supervisor, a polling worker
_FOREVER_RE = re.compile(
    r"^(?:while\s+(?:true|:|/bin/true|\[\s*1\s*\]|\[\[\s*1\s*\]\]|\(\(\s*1\s*\)\)|sleep\b[^;|&]*)|until\s+(?:false|/bin/false))\s*;?$"
)


def _runs_forever(script: ShellScript) -> bool:
    """Does the script run a service loop (``while true; do ...; done`` that never leaves)? There
    `set -e` would stop the service at the first failed check or request, so it is not asked for."""
    inside = [seg for _, seg in script.segments() if any(_FOREVER_RE.match(guard) for guard in seg.guards)]
    # a loop left with break/exit/return is a wait or a retry (`while true; do curl && break; done`)
    return bool(inside) and not any(seg.name in ("break", "exit", "return") for seg in inside)


@CHECK.on(ShellScript)
def no_strict_mode(script: ShellScript) -> Iterator[Finding]:
    if script.embedded:
        return  # a RUN or a run: step is not a script file: its host decides how failures stop it
    # No shebang: a library sourced by other scripts (its caller decides the options).
    # A script that sources another file may get its options from there: we cannot see them.
    if not script.interpreter or script.interpreter == "fish" or script.sources_files:
        return
    own = [c for c in script.commands if not c.via]
    work = [c for c in own if c.segments[0].name not in ("set", "shopt", "setopt", "")]
    if len(work) < 2:
        return  # a one-line wrapper has nothing to stop
    # `echo Deploying...; aws cloudformation deploy ...`: the one real command runs last, so the
    # script's status is already its status and -e changes nothing
    real = [c for c in work if c.segments[0].name not in _MESSAGES]
    last_only = len(real) <= 1 and (not real or real[-1] is work[-1])
    missing = []
    if "errexit" not in script.options and not last_only and not _runs_forever(script):
        missing.append("-e")
    pipes = any(_pipefail_matters(c) for c in own)
    if pipes and script.interpreter not in _POSIX and "pipefail" not in script.options:
        missing.append("-o pipefail")
    if not missing:
        return
    important = [t for t in ("deploy", "backup", "restore", "migrate") if script.traits.get(t)]
    severity = Severity.MEDIUM if important else Severity.LOW
    what = f" ({', '.join(important)} script)" if important else ""
    wanted = "set -eu" if script.interpreter in _POSIX else "set -euo pipefail"
    yield CHECK.finding(
        script,
        resource=script.resource,
        message=f"{script.interpreter} script{what} does not set {' '.join(missing)}; add `{wanted}` at the top",
        evidence=script.shebang or None,
        severity=severity,
    )
