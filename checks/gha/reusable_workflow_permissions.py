"""GHA016: write scopes passed to a reusable workflow of this repository that never uses them."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import WORKFLOW_CALL, WORKFLOW_REUSABLE
from ..models.workflow import QUIET_TRIGGERS, SCOPE_SEVERITY
from .shared import called_reusable

CHECK = Check(
    code="GHA016",
    name="reusable-workflow-permissions",
    title="Write permissions passed to a reusable workflow that does not use them",
    severity=Severity.MEDIUM,
    category=Category.CICD,
    rationale=(
        "A job that calls a reusable workflow (`uses: ./.github/workflows/build.yml`) hands it its "
        "GITHUB_TOKEN: every job of the called workflow that sets no permissions of its own runs with the "
        "caller's scopes, and every third-party action in it can use them. GHA003 judges a workflow file "
        "alone and cannot tell what such a call needs; this check reads the called workflow of the same "
        "repository (and the ones it calls in turn) and reports the write scopes none of its inheriting jobs "
        "shows a use of; a scope another called job declares is needed, and the message says so. Called "
        "workflows of other repositories are never fetched (a notice says so), and a called workflow that "
        "may use any scope (an API script, a further call) is not judged; a call of this repository's own "
        "file by its remote name (`uses: owner/this-repo/.github/workflows/x.yml@main`, when a workflow "
        "guards on `github.repository == 'owner/this-repo'` or names several of its files that way) is "
        "read like a local one, and the message says so. Severity follows who can start "
        "the caller, as for GHA003: high for what outsiders trigger, medium otherwise, low for a schedule or "
        "a maintainer."
    ),
    remediation=(
        "Grant the calling job only the scopes the called workflow uses (`jobs.<id>.permissions`).",
        "Or set `permissions:` in the called workflow's jobs, which narrows whatever a caller passes.",
        "Start from `permissions: contents: read` at the top of both workflows.",
    ),
    effort="30m",
    references=(
        "https://docs.github.com/en/actions/sharing-automations/reusing-workflows#access-and-permissions",
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
    ),
    peers=("zizmor excessive-permissions (caller side only)",),
)


def _used(index: RepoIndex, target: str, seen: set[str]) -> set[str] | None:
    """The write scopes the inheriting jobs of ``target`` use, following its own local calls; None: any."""
    found = index.facts_in(WORKFLOW_REUSABLE, target)
    if not found:
        return None  # a called file that is not here (or not reusable): it may use anything
    data = found[0].data
    if data.used is None:
        return None
    used = set(data.used)
    for nested in data.calls or ():
        if nested in seen:
            continue
        seen.add(nested)
        more = _used(index, nested, seen)
        if more is None:
            return None
        used |= more | set(_declared(index, nested))
    return used


def _declared(index: RepoIndex, target: str) -> tuple[str, ...]:
    found = index.facts_in(WORKFLOW_REUSABLE, target)
    return tuple(found[0].data.declared or ()) if found else ()


@CHECK.on_each(WORKFLOW_CALL)
def reusable_workflow_permissions(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    call = fact.data
    writes = [scope for scope in call.writes or () if scope != "*"]  # write-all is GHA003's
    if not writes:
        return
    found = called_reusable(index, call)  # ./x.yml, or this repository's own file called by its remote name
    if found is None:
        return  # not in the repository, or not a reusable workflow: nothing is claimed
    target, how, data = found
    if not data.inheriting:
        return  # the called jobs set their own permissions: what the caller passes is narrowed there
    used = _used(index, target, {target})
    if used is None:
        return  # a called job may use any scope (an API script, a workflow of another repository)
    if "*" in used:
        return  # a workflow it calls in turn declares write-all: every scope is needed downstream
    idle = [scope for scope in writes if scope not in used and scope not in (call.reported or ())]
    if not idle:
        return
    triggers = set(call.triggers or ())
    outsider = sorted(call.outsider or ())
    at = Pos(call.grant_line or fact.line, call.grant_line or fact.line, tuple(call.grant_ypath or fact.ypath),
             path=path)
    jobs = ", ".join(repr(j) for j in data.inheriting[:4]) + (" ..." if len(data.inheriting) > 4 else "")
    for scope in idle:
        severity = SCOPE_SEVERITY.get(scope, Severity.MEDIUM)
        if outsider:
            why = f"; the caller runs on {', '.join(outsider)}, which outsiders can trigger"
        elif triggers and triggers <= QUIET_TRIGGERS:
            severity, why = min(severity, Severity.LOW), "; only a schedule or a maintainer starts the caller"
        else:
            severity, why = min(severity, Severity.MEDIUM), ""
        where = "job" if call.grant == "job" else "workflow-level"
        needed = scope in (data.declared or ()) or "*" in (data.declared or ())
        why += ("; jobs of the called workflow that declare it need it: set `permissions:` on the others"
                if needed else "")
        yield CHECK.finding(
            at, resource=f"job/{call.job}", severity=severity, symbol=(scope,),
            message=f"job {call.job!r} passes `{scope}: write` ({where} permissions) to {target}, whose "
                    f"job{'s' if len(data.inheriting) > 1 else ''} {jobs} set no permissions and show no use "
                    f"of it{why}" + ("; it also inherits every secret" if call.inherit_secrets else "") + how,
            evidence=f"{scope}: write -> uses: ./{target}",
        )
