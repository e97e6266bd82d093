"""GHA010: the same container image is built again in several jobs of one workflow."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import ImageBuild, Job, Workflow

CHECK = Check(
    code="GHA010",
    name="image-built-in-several-jobs",
    title="Container image rebuilt in several jobs",
    severity=Severity.LOW,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "Building the same image in the test job and again in the publish job means the "
        "image that ships is not the one that was tested: base images, package mirrors and "
        "unpinned dependencies can change between the two builds. It also doubles the "
        "build time."
    ),
    remediation=(
        "Build the image once, in one job, and tag it with the commit SHA.",
        "Hand it to later jobs by pushing it to the registry (or `docker save` + upload-artifact) and pulling that digest.",
        "Promote the tested digest by re-tagging it (`docker buildx imagetools create`, `crane tag`) instead of rebuilding.",
    ),
    effort="2h",
    references=(
        "https://docs.docker.com/build/ci/github-actions/share-image-jobs/",
        "https://docs.docker.com/build/ci/github-actions/",
    ),
)


def _exclusive(a: Job, b: Job) -> bool:
    """Both jobs have different conditions that name the event or ref: they may never run together."""
    ca, cb = a.condition, b.condition
    if not isinstance(ca, str) or not isinstance(cb, str) or ca.strip() == cb.strip():
        return False
    markers = ("github.event_name", "github.ref", "github.event.action", "startsWith(github.ref")
    return any(m in ca for m in markers) and any(m in cb for m in markers)


@CHECK.on(Workflow)
def image_built_in_several_jobs(wf: Workflow) -> Iterator[Finding]:
    first: dict[tuple, tuple[Job, ImageBuild]] = {}
    for job in wf.jobs:
        if job.reusable:
            continue
        seen_here: set[tuple] = set()
        for build in job.image_builds():
            if not build.concrete or build.key in seen_here:
                continue
            seen_here.add(build.key)
            earlier = first.get(build.key)
            if earlier is None:
                first[build.key] = (job, build)
                continue
            other_job, _ = earlier
            if _exclusive(job, other_job):
                continue
            step = build.step
            where = "repository root" if build.context == "." else f"`{build.context}`"
            yield CHECK.finding(
                step.node, "uses" if step.uses else "run", resource=step.resource,
                message=f"{job.label} builds the image from {where} ({build.dockerfile}) again; "
                        f"{other_job.label} already builds it",
                evidence=f"context {build.context}, file {build.dockerfile}"
                         + (f", platforms {build.platforms}" if build.platforms else ""),
            )
