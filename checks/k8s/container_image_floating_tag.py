from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.image_provenance import built_images, own_image, repo_identity
from ..models.images import parse_image
from ..models.k8s.patchrefs import replaced_by
from ..models.moving_tags import ContainerUse, moving_tag
from ..models.topics import (
    BUILD_ARTIFACTS,
    COMPOSE_SERVICE,
    IMAGE_USE,
    KUSTOMIZE_REPLACEMENT,
    WORKFLOW_IMAGE_BUILD,
    WORKLOAD_IMAGE,
)
from .shared import effective, overrides_of

CHECK = Check(
    code="K8S004",
    name="container-image-floating-tag",
    title="Container image uses :latest or no tag",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "An untagged image means `:latest`, and `latest` (like `stable` or `main`) moves: two "
        "nodes can run different code under the same manifest, a rollback redeploys whatever "
        "the tag points to today, and a compromised or broken push reaches production at the "
        "next pod restart. Kubernetes also defaults `imagePullPolicy` to Always for it. "
        "Severity comes from one model shared with HELM003 and CMP006 (checks/models/moving_tags.py): "
        "no tag, `latest` or a bare variant (`alpine`) on an application image is high, since Kubernetes "
        "pulls it again at every reschedule; a branch (`main`, `master`) or release channel (`stable`, "
        "`lts`, `prod`) the team chose to follow is medium; a database or core-infrastructure image is "
        "high whatever the tag. The repository's own image (a name it builds in a workflow, script, "
        "compose file, Skaffold or Cloud Build config, or whose registry namespace is the owner named by "
        "the clone's `.git/config` remote) is medium: continuous deployment of your own build, which a "
        "rollback cannot name; low in a hardened container (non-root, read-only root, all capabilities "
        "dropped) that reads no Secret. A general-purpose utility image (`busybox`, `alpine`, "
        "`curlimages/curl`) in an init or helper container (not the pod's first or default container), or "
        "as the main container of a one-shot Job, is low, medium when it can read a Secret or mounts "
        "persistent data."
    ),
    remediation=(
        "Reference a specific version tag (`postgres:16.4`), ideally with its digest (`@sha256:...`).",
        "If Kustomize or CI sets the tag, declare it in the kustomization's `images:` (`newTag`/`digest`); "
        "an image a `replacements:` entry writes is judged at its source, and an image name a "
        "`skaffold.yaml` in the repository builds (`build.artifacts[].image`) is Skaffold's placeholder, not judged.",
        "Have CI bump the tag (Renovate, Dependabot, an image updater) so pinning does not mean going stale.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/",
    ),
    peers=("kube-linter latest-tag", "checkov CKV_K8S_14"),
)


def _patched_images(index: RepoIndex) -> frozenset[str]:
    """Containers (``Kind/name/container/c``) an overlay patch gives a fixed image."""
    fixed = set()
    for _, fact in index.facts(WORKLOAD_IMAGE):
        if fact.data.patch and not parse_image(str(fact.data.image or "")).floating:
            fixed.add(str(fact.data.resource or ""))
    return frozenset(fixed)


def _replacements(index: RepoIndex) -> tuple:
    return tuple(fact.data for _, fact in index.facts(KUSTOMIZE_REPLACEMENT))


def _replaced(fact, index: RepoIndex) -> bool:
    """A Kustomize ``replacements`` entry writes this image: the value here is a placeholder, and
    the one copied in is judged where its source object sets it."""
    parts = str(fact.data.resource or "").split("/")
    if len(parts) < 4:
        return False
    table = index.derived("K8S004:replacements", (KUSTOMIZE_REPLACEMENT,), _replacements)
    return bool(table) and replaced_by(table, parts[0], parts[1], tuple(fact.ypath), "/".join(parts[3:])) is not None


def _built_images(index: RepoIndex) -> frozenset[str]:
    return frozenset(image for _, fact in index.facts(BUILD_ARTIFACTS) if fact.data.tool in (None, "skaffold")
                     for image in fact.data.images or ())


def _own(ref, index: RepoIndex) -> str:
    """How the image was recognised as the repository's own build ("" when it was not)."""
    built = index.derived("K8S004:own-builds", (WORKFLOW_IMAGE_BUILD, IMAGE_USE, COMPOSE_SERVICE, BUILD_ARTIFACTS),
                          built_images)
    return own_image(ref, repo_identity(index.root), built)


def _built_here(ref, index: RepoIndex) -> bool:
    """A build tool of this repository (Skaffold) builds this image name and writes the image it
    built into the manifest at deploy: ``image: frontend`` is its placeholder."""
    if ref.digest is not None or (ref.tag is not None and ref.tag.lower() != "latest"):
        return False
    name = ref.raw.strip().rsplit("@", 1)[0]
    name = name[: -len(":" + ref.tag)] if ref.tag is not None and name.endswith(":" + ref.tag) else name
    return name in index.derived("K8S004:built-images", (BUILD_ARTIFACTS,), _built_images)


@CHECK.on_each(WORKLOAD_IMAGE)
def container_image_floating_tag(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    image = str(fact.data.image or "")
    ref = parse_image(image)
    if not image or ref.templated or _replaced(fact, index) or _built_here(ref, index):
        return
    floating, _ = effective(ref, overrides_of(index))
    if floating and not fact.data.patch:
        # a strategic-merge patch that sets a fixed image for the container fixes it where it
        # deploys, as `images:` does (lenient in the same way: any overlay will do)
        floating = str(fact.data.resource or "") not in index.derived(
            "K8S004:patched-images", ("workload:image",), _patched_images)
    if floating:
        resource = str(fact.data.resource or "")
        use = ContainerUse(str(fact.data.role or ("init" if fact.data.init else "main")),
                           bool(fact.data.secrets), bool(fact.data.data), once=bool(fact.data.once),
                           hardened=bool(fact.data.hardened), own=_own(ref, index))
        # Kubernetes pulls a moving tag again at every reschedule and on every new node
        verdict = moving_tag(ref, use, pulls_itself=True)
        if verdict is None:
            return
        yield CHECK.finding(
            Pos(fact.line, fact.line, fact.ypath, path=path),
            resource=resource,
            message=f"image {image!r} of {resource} {verdict.describe()}",
            evidence=f"image: {image}",
            severity=verdict.severity,
        )
