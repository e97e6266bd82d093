from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile

CHECK = Check(
    code="DKR004",
    name="base-image-not-pinned-by-digest",
    title="Base image is pinned by tag but not by digest",
    severity=Severity.LOW,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "Tags are mutable: the publisher (or anyone who takes over the repository) can "
        "point `node:20.11-alpine` at new content, and the next build silently picks it up. "
        "A digest names exactly one image, so builds are reproducible and a swapped base is "
        "noticed. Untagged and `latest` bases are reported by DKR003 instead."
    ),
    remediation=(
        "Look up the digest (`docker buildx imagetools inspect node:20.11-alpine`).",
        "Write it after the tag: `FROM node:20.11-alpine@sha256:...` (the tag stays for humans).",
        "Let Renovate or Dependabot update tag and digest together.",
    ),
    effort="15m",
    references=(
        "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
    ),
    peers=(),
)


@CHECK.on(Dockerfile)
def base_image_not_pinned_by_digest(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        image = stage.image
        if image is None or image.templated or not image.repository:
            continue
        if image.pinned or image.floating:  # floating tags are DKR003's
            continue
        yield CHECK.finding(
            stage.from_instr, resource=stage.resource,
            message=f"stage {stage.label} builds FROM {image.raw} without a digest",
            evidence=f"FROM {stage.from_instr.args.strip()}",
        )
