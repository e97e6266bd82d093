from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import KUSTOMIZATION, WORKLOAD_DEVHOST

CHECK = Check(
    code="K8S022",
    name="dev-hostname-in-base",
    title="Development hostname hardcoded in a Kustomize base",
    severity=Severity.MEDIUM,
    category=Category.CONFIGURATION,
    rationale=(
        "A base is what every overlay, production included, inherits. `*.local` (mDNS), "
        "`host.docker.internal` and `localhost` only resolve on a developer's machine or inside "
        "the pod itself, so an overlay that forgets to patch the value ships a service that "
        "connects nowhere, or to whatever happens to listen on the pod's loopback."
    ),
    remediation=(
        "Replace the value in the base with the in-cluster Service name (`postgres.db.svc.cluster.local`) "
        "or leave it to a ConfigMap generated per overlay.",
        "Put development hosts in a `dev`/`local` overlay patch.",
        "If the value is a sidecar on the pod's loopback, keep it and add the sidecar to the same base.",
    ),
    effort="30m",
    references=(
        "https://kubectl.docs.kubernetes.io/references/kustomize/glossary/#base",
        "https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/",
    ),
)

BASE_SEGMENTS = ("base", "bases")


def _dir(path: str) -> str:
    return posixpath.dirname(path) or "."


def _base_dirs(index: RepoIndex) -> tuple[set[str], set[str]]:
    """(directories holding a kustomization, those an overlay references as a resource)."""
    kustomized = {_dir(path) for path, _ in index.facts(KUSTOMIZATION)}
    referenced = set()
    for path, fact in index.facts(KUSTOMIZATION):
        here = _dir(path)
        for resource in fact.data.resources or ():
            text = str(resource).strip()
            if not text or "://" in text or text.startswith(("git@", "github.com/")):
                continue
            target = posixpath.normpath(posixpath.join(here, text))
            if target in kustomized and target != here:
                referenced.add(target)
    return kustomized, referenced


def in_base(path: str, kustomized: set[str], referenced: set[str]) -> bool:
    parts = path.split("/")[:-1]
    if any(part in BASE_SEGMENTS for part in parts):
        return True
    # the nearest enclosing kustomization decides: a manifest beside an overlay's kustomization is not base
    here = _dir(path)
    while True:
        if here in kustomized:
            return here in referenced
        if here == ".":
            return False
        here = _dir(here)


def _reportable(fact) -> bool:
    category = fact.data.category
    if category != "loopback":
        return True  # *.local, *.localhost, *.docker.internal never resolve in a cluster
    # localhost is right for a sidecar or on the host network, and for addresses to bind to
    if fact.data.multiline or fact.data.bind or not fact.data.connection:
        return False
    return not fact.data.shared_loopback and fact.data.where != "args"


@CHECK.on_repo
def dev_hostname_in_base(index: RepoIndex) -> Iterator[Finding]:
    kustomized, referenced = _base_dirs(index)
    for path, fact in index.facts(WORKLOAD_DEVHOST):
        if not _reportable(fact) or not in_base(path, kustomized, referenced):
            continue
        host = str(fact.data.host)
        resource = str(fact.data.resource or "")
        yield CHECK.finding(
            Pos(fact.line, fact.line, tuple(fact.ypath) + (host,), path=path),
            resource=resource,
            message=f"{resource} ({fact.data.where}) points at development host {host!r} in a Kustomize base",
            evidence=str(fact.data.snippet or host),
        )
