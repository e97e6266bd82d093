"""CMP007: a tagged image is not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos
from .shared import image_name, image_tag_state

CHECK = Check(
    code="CMP007",
    name="image-not-pinned-by-digest",
    title="Image is tagged but not pinned by digest",
    severity=Severity.LOW,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A version tag is a label the publisher (or anyone who compromises the registry account) "
        "can move: `redis:7.2` today and next week are different images. Only a digest "
        "(`@sha256:...`) names exactly the bytes that were reviewed and tested, and makes a "
        "redeploy reproducible."
    ),
    remediation=(
        "Resolve the digest of the tag you run (`docker buildx imagetools inspect redis:7.2.5`).",
        "Write it after the tag: `image: redis:7.2.5@sha256:<digest>` (the tag stays for humans).",
        "Let Renovate or Dependabot update tag and digest together.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#image",
        "https://docs.docker.com/dhi/core-concepts/digests/",
    ),
    peers=("checkov CKV_K8S_43", "kics Image Without Digest"),
)


@CHECK.on(ComposeFile)
def image_not_pinned_by_digest(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        if "image" not in service.node:
            continue
        state = image_tag_state(service)
        if state is None or state[1] != "tagged":  # floating ones are CMP006's
            continue
        yield CHECK.finding(
            key_pos(service.node, "image"),
            resource=service.resource,
            message=f"service {service.name!r} pulls {image_name(service, state[0])}:{state[0].tag} by tag only",
            evidence=f"image: {compose.shown(service.node, 'image')}",
        )
