from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..scope import absence, provided
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



def _is_controller(fact) -> bool:
    """The cert-manager controller itself (its Deployment, by name or labels)."""
    name = str(fact.data.name or "").lower()
    labels = dict(fact.data.labels or ())
    return (
        name in ("cert-manager", "cert-manager-controller")
        or labels.get("app.kubernetes.io/name") == "cert-manager"
        or labels.get("app") == "cert-manager"
        or (labels.get("app.kubernetes.io/instance") == "cert-manager"
            and labels.get("app.kubernetes.io/component") == "controller")
    )


def controller_present(index: RepoIndex) -> bool:
    """The controller, its CRDs, or an installer of it: a chart (HelmRelease, Argo CD Application,
    Chart.yaml dependency, Kustomize helmCharts, install script), a release manifest or remote
    base, an OCI/Git source of it.  A local file or folder merely *named* cert-manager is not one:
    its content is read like any other."""
    if any(_is_controller(fact) for _, fact in index.k8s("Deployment")):
        return True
    for _, fact in index.k8s("CustomResourceDefinition"):
        if str(fact.data.name or "").endswith(".cert-manager.io"):
            return True
    return provided(index, "cert-manager")


@CHECK.on_repo
def cert_manager_without_controller(index: RepoIndex) -> Iterator[Finding]:
    objects = list(cert_manager_objects(index))
    if not objects or controller_present(index):
        return
    shown = ", ".join(f"{kind}/{fact.data.name} ({path})" for kind, path, fact in objects[:3])
    more = f" and {len(objects) - 3} more" if len(objects) > 3 else ""
    qualifier, severity = absence(index, "cert-manager installer", CHECK.severity, "cert-manager")
    yield CHECK.finding(
        resource="cert-manager",
        message=f"{len(objects)} cert-manager resource(s) but no cert-manager controller, CRDs or "
                f"installer{qualifier or ' anywhere in the repository'}",
        evidence=shown + more, severity=severity,
    )
