from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from .shared import cert_manager_objects

CHECK = Check(
    code="K8S063",
    name="cert-manager-without-controller",
    title="cert-manager resources but no cert-manager in the repository",
    severity=Severity.MEDIUM,
    category=Category.TLS,
    rationale=(
        "Issuers and Certificates are only data: without the cert-manager controller and its "
        "CRDs the API server rejects them, or they sit unreconciled and no certificate is ever "
        "issued or renewed. When the controller is installed elsewhere (by a platform team), "
        "nothing in this repository says which version or that it is there at all."
    ),
    remediation=(
        "Install cert-manager from this repository (its release manifest, Helm chart or a "
        "HelmRelease/Argo CD Application), pinned to a version.",
        "If a platform team installs it, document the dependency and suppress this finding "
        "with the reason.",
    ),
    effort="2h",
    references=("https://cert-manager.io/docs/installation/",),
)

#: kinds that may install cert-manager: the controller itself or a GitOps/Helm wrapper
INSTALLER_KINDS = ("Deployment", "HelmRelease", "Application", "HelmChart", "ApplicationSet", "Kustomization")


def _is_cert_manager(fact) -> bool:
    name = str(fact.get("name") or "").lower()
    labels = dict(fact.get("labels") or ())
    return (
        name.startswith("cert-manager")
        or labels.get("app.kubernetes.io/name") == "cert-manager"
        or labels.get("app") == "cert-manager"
        or labels.get("app.kubernetes.io/instance") == "cert-manager"
    )


def controller_present(index: RepoIndex) -> bool:
    for kind in INSTALLER_KINDS:
        for _, fact in index.k8s(kind):
            if _is_cert_manager(fact):
                return True
    for _, fact in index.k8s("CustomResourceDefinition"):
        if str(fact.get("name") or "").endswith(".cert-manager.io"):
            return True
    for _, fact in index.facts("kustomization"):
        if any("cert-manager" in str(r) for r in fact.get("resources") or ()):
            return True
    return False


@CHECK.on_repo
def cert_manager_without_controller(index: RepoIndex) -> Iterator[Finding]:
    objects = list(cert_manager_objects(index))
    if not objects or controller_present(index):
        return
    shown = ", ".join(f"{kind}/{fact.get('name')} ({path})" for kind, path, fact in objects[:3])
    more = f" and {len(objects) - 3} more" if len(objects) > 3 else ""
    yield CHECK.finding(
        resource="cert-manager",
        message=f"{len(objects)} cert-manager resource(s) but no cert-manager controller, CRDs or "
                f"installer anywhere in the repository",
        evidence=shown + more,
    )
