"""GHA003: write-all, or writes granted at the top to every job of the workflow."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow

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
        "and run third-party code that never needed them."
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

#: how much a write scope lets a compromised step do
_SCOPE_SEVERITY = {
    "actions": Severity.HIGH,
    "attestations": Severity.HIGH,
    "contents": Severity.HIGH,
    "deployments": Severity.HIGH,
    "id-token": Severity.HIGH,
    "issues": Severity.MEDIUM,
    "packages": Severity.HIGH,
    "pages": Severity.HIGH,
    "pull-requests": Severity.HIGH,
    "checks": Severity.MEDIUM,
    "discussions": Severity.MEDIUM,
    "repository-projects": Severity.MEDIUM,
    "security-events": Severity.MEDIUM,
    "statuses": Severity.LOW,
}


@CHECK.on(Workflow)
def excessive_workflow_permissions(wf: Workflow) -> Iterator[Finding]:
    top = wf.permissions
    jobs = wf.jobs
    if top.kind == "write-all":
        yield CHECK.finding(
            wf.doc, "permissions", resource=wf.resource,
            message="workflow grants `permissions: write-all` to every job",
            evidence=f"permissions: {top.value}",
        )
    elif top.kind == "map" and len(jobs) > 1 and not wf.reusable_only:
        inheriting = [job for job in jobs if not job.permissions.present]
        # with a single job, or when every job sets its own block, the top-level
        # scopes are just that job's scopes (or unused)
        if inheriting:
            names = ", ".join(repr(job.id) for job in inheriting[:4]) + (" ..." if len(inheriting) > 4 else "")
            for scope in top.writes:
                yield CHECK.finding(
                    top.value, _original_key(top.value, scope), resource=wf.resource,
                    severity=_SCOPE_SEVERITY.get(scope, Severity.MEDIUM),
                    message=f"`{scope}: write` at the workflow level reaches {len(inheriting)} "
                            f"job(s) that set no permissions of their own ({names})",
                    evidence=f"{scope}: write",
                )
    for job in jobs:
        perms = job.permissions
        if perms.kind == "write-all":
            yield CHECK.finding(
                job.node, "permissions", resource=job.resource,
                message=f"{job.label} grants `permissions: write-all`",
                evidence=f"permissions: {perms.value}",
            )


def _original_key(mapping, scope: str) -> str:
    for key in mapping:
        if str(key).strip().lower() == scope:
            return key
    return scope
