"""K8S082: a Kustomize remote resource or base that follows a branch instead of a tag or commit."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.components import is_remote, remote_ref_floats, short_url
from ..models.k8s.objects import Kustomization
from ..models.yamlnodes import YMap

CHECK = Check(
    code="K8S082",
    name="kustomize-remote-resource-floating",
    title="Kustomize remote resource follows a branch (no ?ref=, master, main, HEAD)",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A remote base (`github.com/org/repo//path` without `?ref=`, or `?ref=main`) or a raw URL "
        "on a branch (`raw.githubusercontent.com/org/repo/master/install.yaml`, "
        "`releases/latest/download/...`) is fetched again at every build: whatever was pushed "
        "upstream since the last build is applied to the cluster, unreviewed, and the same commit "
        "of this repository builds different manifests on different days. auditui does not read "
        "remote resources either, so their content is not audited."
    ),
    remediation=(
        "Pin the reference to a tag or a commit (`?ref=v1.15.3`, `?ref=<sha>`, a release URL "
        "with the version in its path).",
        "Or vendor the manifest into the repository and update it with a reviewed change.",
    ),
    effort="30m",
    references=(
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/",
        "https://github.com/kubernetes-sigs/kustomize/blob/master/examples/remoteBuild.md",
    ),
)


def _entries(k: Kustomization):
    """(list, index, URL, what) of every remote resource, base, component or patch file."""
    for field_name in ("resources", "bases", "components"):
        seq = k.doc.list(field_name)
        for index, entry in enumerate(seq):
            if isinstance(entry, str) and is_remote(entry):
                yield seq, index, entry, {"bases": "base", "resources": "resource", "components": "component"}[field_name]
    for field_name in ("patches", "patchesStrategicMerge"):
        seq = k.doc.list(field_name)
        for index, entry in enumerate(seq):
            url = entry.get("path") if isinstance(entry, YMap) else entry if field_name == "patchesStrategicMerge" else None
            if isinstance(url, str) and "\n" not in url and is_remote(url):
                yield seq, index, url, "patch"


@CHECK.on(Kustomization)
def kustomize_remote_resource_floating(k: Kustomization) -> Iterator[Finding]:
    floating = [(seq, index, entry, what, why) for seq, index, entry, what in _entries(k)
                if (why := remote_ref_floats(entry)) is not None]
    if not floating:
        return
    # one finding per kustomization (at its first floating entry), naming the others
    seq, index, entry, what, why = floating[0]
    others = [short_url(e, 60) for _, _, e, _, _ in floating[1:]]
    more = (f"; {len(others)} more remote entr{'y' if len(others) == 1 else 'ies'} here float too "
            f"({', '.join(others[:3])}{', ...' if len(others) > 3 else ''})") if others else ""
    yield CHECK.finding(
        seq, index, resource=f"kustomization/{what}/{short_url(entry, 60)}",
        message=f"remote {what} {short_url(entry)} is not pinned: {why}{more}",
        evidence=entry.strip(),
    )
