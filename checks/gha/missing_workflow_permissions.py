"""GHA002: the workflow leaves the GITHUB_TOKEN at the repository's default permissions."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow

CHECK = Check(
    code="GHA002",
    name="missing-workflow-permissions",
    title="Workflow does not restrict GITHUB_TOKEN permissions",
    severity=Severity.MEDIUM,
    category=Category.CICD,
    rationale=(
        "Without a `permissions:` block the GITHUB_TOKEN gets the repository's default, "
        "which is read-write on contents, packages, pull requests and more in every "
        "repository created before 2023 and in many organisations since. Any compromised "
        "step (a hijacked action, an injected script) can then push code, publish packages "
        "or approve pull requests."
    ),
    remediation=(
        "Add `permissions: contents: read` (or `permissions: {}`) at the top of the workflow.",
        "Grant writes only in the jobs that need them, with a job-level `permissions:` block.",
        "Set the repository/organisation default to read-only under Settings > Actions > General.",
    ),
    effort="30m",
    references=(
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions",
    ),
    peers=("zizmor excessive-permissions", "scorecard Token-Permissions"),
)


@CHECK.on(Workflow)
def missing_workflow_permissions(wf: Workflow) -> Iterator[Finding]:
    if wf.permissions.present:
        return
    jobs = wf.jobs
    if not jobs:
        return
    if wf.reusable_only:
        # a workflow only ever called by others runs with the caller's token: the
        # caller's permissions block is what counts
        return
    bare = [job for job in jobs if not job.permissions.present]
    if not bare:
        return  # every job sets its own permissions
    names = ", ".join(repr(job.id) for job in bare[:5]) + (" ..." if len(bare) > 5 else "")
    if len(bare) == len(jobs):
        which = "the job runs" if len(jobs) == 1 else "every job runs"
    else:
        which = f"{len(bare)} of {len(jobs)} jobs ({names}) run"
    yield CHECK.finding(
        wf.doc, "permissions", resource=wf.resource,
        message=f"no top-level `permissions:`; {which} with the default GITHUB_TOKEN permissions",
    )
