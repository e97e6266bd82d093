"""GHA015: a job's container or service image referenced by a tag instead of a digest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..api import Category, Check, Finding, Severity
from ..models.images import parse_image
from ..models.workflow import Workflow, deploy_secrets_of, is_expression, secret_names

CHECK = Check(
    code="GHA015",
    name="job-image-not-pinned",
    title="Job container or service image not pinned by digest",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`container:` runs every step of the job inside that image, with the job's token and "
        "secrets; `services:` run beside it. A tag (`node:20`, `postgres:16`, let alone "
        "`latest`) is a pointer whoever controls the image (or its registry account) can move, "
        "exactly like an unpinned action. The job container is medium, high when the job "
        "deploys or is handed a deploy credential; a service container is low (a test "
        "database), medium when it is given secrets. Each image is reported once per file."
    ),
    remediation=(
        "Pin the image by digest, keeping the tag for readers: `image: node:20.17@sha256:<digest>`.",
        "Let Dependabot (`package-ecosystem: docker` does not read workflows) or Renovate's "
        "`github-actions` manager keep the digests current.",
        "Prefer images you build and publish yourself for jobs that deploy.",
    ),
    effort="30m",
    references=(
        "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idcontainer",
        "https://docs.renovatebot.com/modules/manager/github-actions/",
    ),
    peers=("zizmor unpinned-images",),
)


def _secrets_given(service) -> bool:
    if not isinstance(service, dict):
        return False
    for holder in (service.get("env"), service.get("credentials")):
        if isinstance(holder, dict) and any(secret_names(v) for v in holder.values()):
            return True
    return False


@CHECK.on(Workflow)
def job_image_not_pinned(wf: Workflow) -> Iterator[Finding]:
    for job in wf.jobs:
        places: list[tuple[str, Any, str, Any, Any]] = []
        raw = job.node.get("container")
        if isinstance(raw, str):
            places.append(("container", job.node, "container", raw, None))
        elif isinstance(raw, dict) and isinstance(raw.get("image"), str):
            places.append(("container", raw, "image", raw.get("image"), raw))
        for name, service in job.services:
            if isinstance(service.get("image"), str):
                places.append((f"service {name!r}", service, "image", service.get("image"), service))
        for what, holder, key, image, spec in places:
            text = image.strip()
            if not text or is_expression(text) or text.startswith(("localhost", "127.0.0.1")):
                continue
            ref = parse_image(text)
            if ref.pinned or ref.templated:
                continue
            how = "a moving tag" if ref.floating else f"tag `{ref.tag}`"
            if what == "container":
                deploys = job.deploy_reason()
                handed = any(deploy_secrets_of(h) for h in (job.env, wf.env)) or any(
                    deploy_secrets_of(step.env) or deploy_secrets_of(step.with_, step.action) for step in job.steps)
                if deploys or handed:
                    severity, why = Severity.HIGH, f"; the job {deploys or 'is handed a deploy credential'}"
                else:
                    severity, why = Severity.MEDIUM, "; every step of the job runs inside it"
            elif _secrets_given(spec):
                severity, why = Severity.MEDIUM, "; it is given secrets"
            else:
                severity, why = Severity.LOW, ""
            yield CHECK.finding(
                holder, key, resource=wf.resource, severity=severity, repeats=(what.split()[0], text),
                message=f"{what} of {job.label} uses image `{text}` by {how}, not by digest{why}",
                evidence=f"image: {text}",
            )
