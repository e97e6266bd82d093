"""K8S083: a kustomization's ``images:`` sets a moving tag, or replaces a digest pin with a tag."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..kustomize import kustomize_reach
from ..models.images import is_moving_tag, parse_image

CHECK = Check(
    code="K8S083",
    name="kustomize-image-override-floating",
    title="Kustomize `images:` override sets a moving tag or drops a digest pin",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "An overlay's `images:` entry decides what actually runs: `newTag: latest` (or `main`, "
        "`stable`) makes a pinned base float again in that environment, and a `newTag` given for "
        "an image the base pins by digest replaces the digest with a tag that can be re-pushed. "
        "The base looks safe in review while the overlay deploys a moving target."
    ),
    remediation=(
        "Set a release tag (`newTag: 1.4.2`) and, where the base pins a digest, a `digest:` too.",
        "Let CI or an image updater write the pinned tag and digest into the overlay.",
    ),
    effort="30m",
    references=("https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/",),
    peers=("kube-linter latest-tag (on built manifests)",),
)


def _digest_pinned_images(index: RepoIndex) -> dict[str, list[str]]:
    """Image name (registry/repository) -> files whose workloads pin it by digest."""
    out: dict[str, list[str]] = {}
    for path, fact in index.facts("workload:image"):
        ref = parse_image(str(fact.data.image or ""))
        if ref.digest and not ref.templated:
            name = f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository
            out.setdefault(name, []).append(path)
    return out


def _moving(fact) -> bool:
    tag = fact.data.new_tag
    return bool(tag) and not fact.data.digest and "$" not in tag and "{{" not in tag and is_moving_tag(tag)


@CHECK.on_each("kustomize:image")
def kustomize_image_override_floating(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    name, tag, digest = str(fact.data.name), fact.data.new_tag, fact.data.digest
    if digest or not tag or "$" in tag or "{{" in tag:
        return
    line = fact.data.tag_line or fact.line
    at = Pos(line, line, tuple(fact.ypath) + ("newTag",), path=path)
    shown = fact.data.new_name or name
    if is_moving_tag(tag):
        # one finding per kustomization, at its first moving entry, naming the others
        moving = [f for f in index.facts_in("kustomize:image", path) if _moving(f)]
        if moving and moving[0].key != fact.key:
            return
        others = [str(f.data.new_name or f.data.name) for f in moving[1:]]
        more = (f"; {len(others)} more entr{'y' if len(others) == 1 else 'ies'} here set moving tags too "
                f"({', '.join(others[:3])}{', ...' if len(others) > 3 else ''})") if others else ""
        yield CHECK.finding(at, resource=f"kustomization/images/{name}",
                            message=f"images: sets {shown!r} to the moving tag {tag!r}{more}", evidence=f"newTag: {tag}")
        return
    pinned = index.derived("K8S083:digests", ("workload:image",), _digest_pinned_images).get(name)
    if not pinned:
        return
    reach = index.derived("kustomize:reach", ("kustomization",), kustomize_reach).get(posixpath.dirname(path), ())
    built = [p for p in pinned if posixpath.dirname(p) in reach]
    if built:
        yield CHECK.finding(at, resource=f"kustomization/images/{name}", severity=Severity.MEDIUM,
                            message=f"images: gives {shown!r} the tag {tag!r} without a digest, replacing the digest "
                                    f"pin of its base ({built[0]})", evidence=f"newTag: {tag}")
