"""SH003: roll back by resetting the server's checkout to an older commit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import is_build, is_restart, path_words, runs_remotely

CHECK = Check(
    code="SH003",
    name="git-reset-rollback",
    title="Rolls back by resetting the server's git checkout",
    severity=Severity.HIGH,
    category=Category.DEPLOYMENT,
    rationale=(
        "`git reset --hard HEAD~1` (or checking out an older commit) and rebuilding is a "
        "rollback that depends on the broken release: it rebuilds old code with today's "
        "dependencies and toolchain, discards anything changed on the host, guesses which "
        "commit was live (HEAD~1 is not the previous *release*), and cannot undo migrations. "
        "It usually runs under pressure, when it is least likely to work."
    ),
    remediation=(
        "Deploy versioned artifacts (image tags, packages) and record which one is live.",
        "Roll back by redeploying the previous artifact, not by rebuilding from git.",
        "Make migrations backward compatible (expand/contract) so the previous version can run.",
        "Rehearse the rollback in staging.",
    ),
    effort="1d",
    references=(
        "https://git-scm.com/docs/git-reset",
        "https://12factor.net/build-release-run",
    ),
)

_UPSTREAM_RE = re.compile(r"^(origin|upstream)/|^FETCH_HEAD$|@\{u(pstream)?\}$|^HEAD$")
_COMMIT_RE = re.compile(r"[0-9a-f]{7,40}", re.IGNORECASE)
#: words in a ref or variable name that say "the previous release" (`$PREV_SHA`, `last-good`)
_ROLLBACK_MARKS = ("PREV", "OLD", "LAST", "ROLLBACK", "BACK", "GOOD")
_ROLLBACK_WORDS = {"rollback", "revert", "undo", "restore", "previous"}


def _rollback_ref(ref: str) -> bool:
    """Does the ref name an older commit: `HEAD~1`, `ORIG_HEAD`, `main@{2}`, a commit hash,
    or a name that says so (`$PREVIOUS_SHA`, `last-good`)?  Plain string tests: linear."""
    upper = ref.upper()
    if upper[:5] in ("HEAD~", "HEAD^", "HEAD@") or upper == "ORIG_HEAD":
        return True
    at = ref.rfind("@{")
    if at >= 0 and ref.endswith("}") and ref[at + 2:-1].isdecimal():
        return True
    return bool(_COMMIT_RE.fullmatch(ref)) or any(mark in upper for mark in _ROLLBACK_MARKS)


def _ref(argv: tuple[str, ...], verb: str) -> str | None:
    rest = [a for a in argv[argv.index(verb) + 1:] if not a.startswith("-")]
    return rest[0] if rest else None


@CHECK.on(ShellScript)
def git_reset_rollback(script: ShellScript) -> Iterator[Finding]:
    if script.in_container:
        return  # an image build is not a server
    named_rollback = bool(path_words(script.path) & _ROLLBACK_WORDS)
    flat = list(script.segments())
    for index, (command, seg) in enumerate(flat):
        if seg.name != "git" or (script.host == "workflow" and not runs_remotely(command, seg)):
            continue
        argv = seg.argv
        verbs = [a for a in argv[1:] if not a.startswith("-")]
        if not verbs or verbs[0] not in ("reset", "checkout", "switch"):
            continue
        verb = verbs[0]
        ref = _ref(argv, verb)
        if ref is None or _UPSTREAM_RE.search(ref):
            continue  # `git reset --hard` alone or onto the upstream branch is an update, not a rollback
        if verb == "reset":
            if "--hard" not in argv:
                continue
            rollback = named_rollback or _rollback_ref(ref)
        else:
            if verb == "switch" and "--detach" not in argv:
                continue
            rollback = _rollback_ref(ref) or (named_rollback and ref.startswith("$"))
        if not rollback:
            continue
        after = [s for _, s in flat[index + 1:]]
        then = next((s for s in after if is_restart(s) or is_build(s)), None)
        if then is None and not (verb == "reset" and named_rollback):
            continue
        yield CHECK.finding(
            command.pos,
            resource=script.resource,
            message=f"`git {verb} {'--hard ' if verb == 'reset' else ''}{ref}` rolls back the server's checkout"
                    + (f" and then runs `{' '.join(then.argv[:5])}`" if then is not None else ""),
            evidence=command.evidence,
        )
