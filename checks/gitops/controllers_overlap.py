"""GITOPS003: Flux and Argo CD both reconcile the same path, or the same release in one namespace."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.base import Fact
from ..models.topics import GitopsSyncData
from ..scope import is_own_sync

CHECK = Check(
    code="GITOPS003",
    name="gitops-controllers-overlap",
    title="Flux and Argo CD both reconcile the same path or release",
    severity=Severity.MEDIUM,
    category=Category.DEPLOYMENT,
    rationale=(
        "When a Flux Kustomization and an Argo CD Application apply the same folder, or install "
        "the same release into the same namespace, the two controllers overwrite each other's "
        "changes: each one's drift correction undoes the other's, resources flap, pruning by one "
        "deletes what the other just created, and a rollback in one is silently reverted."
    ),
    remediation=(
        "Give each path and namespace one owner: keep either the Flux Kustomization/HelmRelease "
        "or the Argo CD Application.",
        "While migrating between them, suspend one (`spec.suspend: true`, or turn off Argo CD "
        "auto-sync) until the other has taken over.",
    ),
    effort="2h",
    references=(
        "https://fluxcd.io/flux/components/kustomize/kustomizations/",
        "https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/",
    ),
)


def _norm(path) -> str:
    text = posixpath.normpath(str(path or ".").strip().lstrip("/"))
    return "" if text == "." else text


def _nested(a: str, b: str) -> bool:
    return a == b or (bool(a) and b.startswith(a + "/")) or (bool(b) and a.startswith(b + "/"))


@CHECK.on_repo
def gitops_controllers_overlap(index: RepoIndex) -> Iterator[Finding]:
    if not index.has("gitops:sync"):
        return
    flux: list[tuple[str, Fact[GitopsSyncData]]] = []
    argo: list[tuple[str, Fact[GitopsSyncData]]] = []
    for path, fact in index.facts("gitops:sync"):
        if not is_own_sync(index, fact):
            continue  # another repository's folders are not these
        (flux if fact.data.controller == "flux" else argo).append((path, fact))
    reported = set()
    for fpath, ffact in flux:
        for apath, afact in argo:
            a, b = _norm(ffact.data.path), _norm(afact.data.path)
            if not a and not b:
                continue  # both at the root: too coarse to call an overlap
            if not _nested(a, b) or (apath, afact.key) in reported:
                continue
            reported.add((apath, afact.key))
            line = afact.line
            yield CHECK.finding(
                Pos(line, line, tuple(afact.ypath), path=apath), resource=f"{afact.data.kind}/{afact.data.name}",
                message=f"{afact.data.kind} {afact.data.name!r} applies {b or '(repository root)'}, which Flux "
                        f"Kustomization {ffact.data.name!r} ({fpath}) also applies ({a or 'repository root'})",
            )
    releases = {}
    for path, fact in index.facts("install"):
        if fact.data.via == "HelmRelease" and fact.data.namespace:
            releases[(str(fact.data.release), str(fact.data.namespace))] = path
    for path, fact in index.facts("install"):
        if fact.data.via != "Application":
            continue
        key = (str(fact.data.release), str(fact.data.namespace))
        if key in releases:
            yield CHECK.finding(
                Pos(fact.line, fact.line, tuple(fact.ypath), path=path), resource=f"Application/{key[0]}",
                message=f"Application {key[0]!r} installs into namespace {key[1]!r}, where Flux HelmRelease "
                        f"{key[0]!r} ({releases[key]}) installs a release of the same name",
            )
