"""GHA008: a deploying workflow lets two runs deploy at the same time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow

CHECK = Check(
    code="GHA008",
    name="deploy-without-concurrency",
    title="Deployment can run twice at once (no concurrency group)",
    severity=Severity.MEDIUM,
    category=Category.DEPLOYMENT,
    rationale=(
        "Two pushes in quick succession start two runs that deploy in parallel. Whichever "
        "finishes last wins, which may be the older commit; `terraform apply` and `helm "
        "upgrade` runs can also collide on their state lock or leave a half-applied "
        "release. A concurrency group queues (or cancels) overlapping deployments."
    ),
    remediation=(
        "Add a concurrency group to the workflow or to the deploy job, e.g. "
        "`concurrency: { group: deploy-${{ github.ref }}, cancel-in-progress: false }`.",
        "Keep `cancel-in-progress: false` for deployments, so a deploy that started is never killed half-way.",
        "For several environments, include the environment in the group name.",
    ),
    effort="15m",
    references=(
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs",
    ),
    peers=("zizmor concurrency-limits",),
)


def _set(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        group = value.get("group")
        return group is not None and str(group).strip() != ""
    return False


@CHECK.on(Workflow)
def deploy_without_concurrency(wf: Workflow) -> Iterator[Finding]:
    if _set(wf.concurrency):
        return
    if wf.reusable_only:
        return  # the calling workflow (or job) owns the concurrency group
    for job, reason in wf.deploy_jobs():
        if _set(job.concurrency):
            continue
        yield CHECK.finding(
            wf.jobs_node, job.id, resource=job.resource,
            message=f"{job.label} {reason} but neither it nor the workflow sets `concurrency:`",
        )
