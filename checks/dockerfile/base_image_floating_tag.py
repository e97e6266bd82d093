from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile
from ..models.images import floating_image, is_database_image

CHECK = Check(
    code="DKR003",
    name="base-image-floating-tag",
    title="Base image is untagged or uses a moving tag such as latest",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`FROM python` or `FROM node:latest` builds on whatever the registry serves that day. "
        "Two builds of the same commit can differ, a new major version can break the build "
        "or the runtime without any change in the repository, and a rollback does not roll "
        "back the base. Moving tags (latest, stable, lts, or a bare variant such as `alpine`) "
        "behave the same way. Database bases are reported as high: a surprise major version can "
        "refuse to start on existing data."
    ),
    remediation=(
        "Pick the exact version the application is tested with (`python:3.12.4-slim-bookworm`).",
        "Pin it by digest as well (`python:3.12.4-slim-bookworm@sha256:...`) and let Renovate or Dependabot bump it.",
        "When the image comes from a build ARG, give the ARG a pinned default.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
        "https://docs.docker.com/reference/dockerfile/#from",
    ),
    peers=("hadolint DL3006", "hadolint DL3007", "checkov CKV_DOCKER_7"),
)


@CHECK.on(Dockerfile)
def base_image_floating_tag(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage in dockerfile.stages:
        image = stage.image  # None for scratch and references to earlier stages
        if image is None or image.templated or not image.repository:
            continue
        if not floating_image(image):
            continue
        how = ("which has no tag (Docker pulls latest)" if image.tag is None
               else f"whose tag {image.tag!r} moves with each release and names no version")
        written = stage.from_instr.args.split()[0] if stage.from_instr.args.split() else image.raw
        via = f" (from {written})" if written != image.raw else ""
        yield CHECK.finding(
            stage.from_instr, resource=stage.resource,
            message=f"stage {stage.label} builds FROM {image.raw}{via}, {how}",
            evidence=f"FROM {stage.from_instr.args.strip()}",
            severity=Severity.HIGH if is_database_image(image) else Severity.MEDIUM,
        )
