"""GHA003: write-all, or writes granted at the top to every job of the workflow."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import (
    QUIET_TRIGGERS,
    SCOPE_SEVERITY,
    Job,
    Permissions,
    Workflow,
    inert_workflow_run,
    outsider_guard,
    outsider_reason,
    outsiders_only_trigger,
    token_exposure,
    token_scopes_used,
)

CHECK = Check(
    code="GHA003",
    name="excessive-workflow-permissions",
    title="GITHUB_TOKEN granted broad write permissions",
    severity=Severity.HIGH,
    category=Category.CICD,
    rationale=(
        "`permissions: write-all` gives every step a token that can push to any branch, "
        "rewrite releases, publish packages and change workflows. Write scopes set at the "
        "top of a workflow reach every job in it, including ones that only build or test "
        "and run third-party code that never needed them. A scope every job uses (they all "
        "push to ghcr.io) is not reported. Severity follows who can reach the token: high "
        "when outsiders can trigger the workflow (pull_request_target, issue_comment, and "
        "workflow_run when it takes something from the triggering run: its head checked out, "
        "its branch name or title expanded into a script, its artifacts next to a script), or "
        "when write-all or several scopes reach a job that runs a third-party action by a "
        "movable tag; medium for write-all or several scopes on trusted triggers (push, a "
        "schedule, a maintainer, a workflow_run that only hands the run's files to published "
        "actions) with pinned or vendor-published actions; medium for one scope, low when only "
        "a schedule, a maintainer or such a workflow_run starts the workflow. An outsider trigger "
        "whose jobs each run only at a maintainer's request (a member's comment, a preceding "
        "permission check) or only fixed code (pinned actions, no pull request code, no outsider "
        "text expanded into a script) is medium at most: outsiders start it but write nothing that "
        "runs with the token."
    ),
    remediation=(
        "Set `permissions: contents: read` at the top of the workflow.",
        "Move each write scope into the job that needs it (`jobs.<id>.permissions`).",
        "Replace `write-all` with the few scopes the job actually uses.",
    ),
    effort="30m",
    references=(
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
        "https://docs.github.com/en/rest/overview/permissions-required-for-github-apps",
    ),
    peers=("zizmor excessive-permissions", "checkov CKV2_GHA_1"),
)


#: from this many write scopes, a workflow-wide grant is broad whatever the jobs do
_MANY = 3


def _lower(severity: Severity, cap: Severity) -> Severity:
    return severity if severity <= cap else cap


def _write_all(jobs: list[Job], wf: Workflow) -> tuple[Severity, str]:
    """High when the blanket token reaches code nobody here controls, medium otherwise."""
    exposed = token_exposure(wf, jobs)
    if exposed is not None:
        return Severity.HIGH, f"; {exposed}"
    inert = inert_workflow_run(wf)
    guard = outsider_guard(wf, jobs)
    if guard is not None:
        return Severity.MEDIUM, (f"; it runs on {', '.join(sorted(wf.outsider_reach))} but only if {guard.text}, "
                                 "which keeps outsiders' pull requests out, and every action it names is pinned, "
                                 "vendor-published, local or the organisation's own (over-broad, not exposed)")
    return Severity.MEDIUM, ("; only trusted triggers start it" + (f" ({inert})" if inert else "")
                             + " and every action it names is pinned, vendor-published, local or the organisation's own "
                             "(over-broad, not exposed)")


@CHECK.on(Workflow)
def excessive_workflow_permissions(wf: Workflow) -> Iterator[Finding]:
    top = wf.permissions
    jobs = wf.jobs
    if top.kind == "write-all":
        severity, why = _write_all([job for job in jobs if not job.permissions.present] or jobs, wf)
        yield CHECK.finding(
            wf.doc, "permissions", resource=wf.resource, severity=severity,
            message=f"workflow grants `permissions: write-all` to every job{why}",
            evidence=f"permissions: {top.value}",
        )
    elif top.kind == "map" and len(jobs) > 1 and not wf.reusable_only:
        inheriting = [job for job in jobs if not job.permissions.present]
        # with a single job, or when every job sets its own block, the top-level
        # scopes are just that job's scopes (or unused)
        if inheriting:
            yield from _workflow_writes(wf, top, inheriting)
    for job in jobs:
        perms = job.permissions
        if perms.kind == "write-all":
            severity, why = _write_all([job], wf)
            yield CHECK.finding(
                job.node, "permissions", resource=job.resource, severity=severity,
                message=f"{job.label} grants `permissions: write-all`{why}",
                evidence=f"permissions: {perms.value}",
            )


def _workflow_writes(wf: Workflow, top: Permissions, inheriting: list[Job]) -> Iterator[Finding]:
    """Write scopes at the top that reach jobs which do not use them.

    A scope every inheriting job uses (they all log in to ghcr.io and push) is what the
    workflow needs, not excessive.  The severity follows who can reach the token: the scope's
    own for workflows outsiders trigger (pull_request_target, workflow_run, issue_comment) and
    for many scopes reaching a job that runs a third-party action by a movable ref; medium
    otherwise; low for workflows only the clock or a maintainer starts (schedule,
    workflow_dispatch).
    """
    writes = top.writes
    untrusted = sorted(wf.outsider_reach)
    exposed = token_exposure(wf, inheriting) if len(writes) >= _MANY else None
    many = exposed is not None
    inert = inert_workflow_run(wf)
    # a workflow_run that takes nothing from the triggering run runs the default branch's code,
    # as a schedule does
    starters = wf.triggers - {"workflow_run"} if inert else wf.triggers
    quiet = bool(wf.triggers) and starters <= QUIET_TRIGGERS
    used = {job.id: token_scopes_used(job) for job in inheriting}
    fixed = outsiders_only_trigger(wf, inheriting) if untrusted else None
    for scope in writes:
        idle = [job for job in inheriting if (scopes := used[job.id]) is not None and scope not in scopes]
        if not idle and not untrusted:
            continue  # every job that gets it uses it (or may: a reusable workflow, an API script)
        names = ", ".join(repr(job.id) for job in inheriting[:4]) + (" ..." if len(inheriting) > 4 else "")
        severity = SCOPE_SEVERITY.get(scope, Severity.MEDIUM)
        if untrusted and fixed:
            severity = _lower(severity, Severity.MEDIUM)
            why = f"; {outsider_reason(wf)}, but {fixed} (over-broad, not exposed: scope it to the job that needs it)"
        elif untrusted:
            why = f"; {outsider_reason(wf)}"
        elif many:
            why = f"; {len(writes)} write scopes are granted to the whole workflow and {exposed}"
        elif quiet:
            severity = _lower(severity, Severity.LOW)
            why = (f"; {inert}: lower risk" if inert and starters == set() else
                   "; only a schedule or a maintainer starts this workflow" + (f" and {inert}" if inert else "")
                   + " (lower risk)")
        else:
            severity = _lower(severity, Severity.MEDIUM)
            why = f"; {inert}" if inert else ""
        if idle:
            idle_names = ", ".join(repr(job.id) for job in idle[:4]) + (" ..." if len(idle) > 4 else "")
            unused = f"; {idle_names} show{'s' if len(idle) == 1 else ''} no use of it"
        else:
            unused = ""
        yield CHECK.finding(
            top.value, _original_key(top.value, scope), resource=wf.resource,
            severity=severity,
            message=f"`{scope}: write` at the workflow level reaches {len(inheriting)} "
                    f"job(s) that set no permissions of their own ({names}){unused}{why}",
            evidence=f"{scope}: write",
        )


def _original_key(mapping, scope: str) -> str:
    for key in mapping:
        if str(key).strip().lower() == scope:
            return key
    return scope
