from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.images import parse_image
from ..models.topics import WORKLOAD_IMAGE
from .shared import effective, overrides_of

CHECK = Check(
    code="K8S005",
    name="container-image-not-pinned",
    title="Container image is not pinned by digest",
    severity=Severity.LOW,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A version tag can be re-pushed: the registry, a compromised CI token or an upstream "
        "maintainer can point `1.4.2` at different bytes, and nodes that pull later run them. "
        "A digest (`@sha256:...`) names exactly one image, so what was reviewed is what runs."
    ),
    remediation=(
        "Append the digest to the reference (`nginx:1.27.1@sha256:...`), keeping the tag for readers.",
        "Or set `digest:` in the kustomization's `images:` entry.",
        "Let Renovate or Dependabot update tag and digest together.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier",
    ),
    peers=("checkov CKV_K8S_43",),
)


@CHECK.on_each(WORKLOAD_IMAGE)
def container_image_not_pinned(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    image = str(fact.data.image or "")
    ref = parse_image(image)
    if not image or ref.templated:
        return
    floating, pinned = effective(ref, overrides_of(index))
    if pinned or floating:  # a floating tag is K8S004's finding, not this one's
        return
    resource = str(fact.data.resource or "")
    yield CHECK.finding(
        Pos(fact.line, fact.line, fact.ypath, path=path),
        resource=resource,
        message=(f"image {image!r} of {resource} is pinned by tag but not by digest" if not ref.floating
                 else f"image {image!r} of {resource} gets its tag from a Kustomize override but no digest"),
        evidence=f"image: {image}",
    )
