"""GHA009: a deploy job that no GitHub environment guards."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow

CHECK = Check(
    code="GHA009",
    name="deploy-job-without-environment",
    title="Deploy job runs without a GitHub environment",
    severity=Severity.MEDIUM,
    category=Category.DEPLOYMENT,
    rationale=(
        "An environment is where GitHub enforces who may deploy: required reviewers, wait "
        "timers, the branches allowed to deploy, and secrets only that environment can read. "
        "A deploy job without one can be run from any branch by anyone who can push or "
        "dispatch the workflow, with the deployment credentials available to every job, "
        "and leaves no deployment history."
    ),
    remediation=(
        "Create the environment (Settings > Environments) with required reviewers and a deployment-branch rule.",
        "Move the deployment secrets (or the OIDC trust condition) to that environment.",
        "Add `environment: <name>` (optionally with `url:`) to the deploy job.",
    ),
    effort="1h",
    references=(
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment",
    ),
    peers=("zizmor secrets-outside-env",),
)


@CHECK.on(Workflow)
def deploy_job_without_environment(wf: Workflow) -> Iterator[Finding]:
    for job, reason in wf.deploy_jobs():
        if job.environment is not None:
            continue
        yield CHECK.finding(
            wf.jobs_node, job.id, resource=job.resource,
            message=f"{job.label} {reason} but sets no `environment:`",
        )
