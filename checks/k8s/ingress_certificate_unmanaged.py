from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from .shared import cert_manager_objects

CHECK = Check(
    code="K8S064",
    name="ingress-certificate-unmanaged",
    title="Ingress TLS certificate is not managed by cert-manager",
    severity=Severity.MEDIUM,
    category=Category.TLS,
    rationale=(
        "The repository runs cert-manager issuers, yet this Ingress names a TLS Secret that no "
        "Certificate produces and carries no issuer annotation. That Secret is created by hand, "
        "so nothing renews it: the site breaks the day the certificate expires."
    ),
    remediation=(
        "Annotate the Ingress with `cert-manager.io/cluster-issuer` (or `cert-manager.io/issuer`) "
        "so cert-manager issues and renews its secret.",
        "Or declare a Certificate whose `secretName` is the Ingress's TLS secret.",
    ),
    effort="30m",
    references=(
        "https://cert-manager.io/docs/usage/ingress/",
        "https://cert-manager.io/docs/usage/certificate/",
    ),
)

ISSUER_ANNOTATIONS = (
    "cert-manager.io/cluster-issuer", "cert-manager.io/issuer",
    "certmanager.k8s.io/cluster-issuer", "certmanager.k8s.io/issuer", "kubernetes.io/tls-acme",
)


def _same_ns(a, b) -> bool:
    return a is None or b is None or a == b


@CHECK.on_repo
def ingress_certificate_unmanaged(index: RepoIndex) -> Iterator[Finding]:
    objects = list(cert_manager_objects(index))
    if not any(kind in ("Issuer", "ClusterIssuer") for kind, _, _ in objects):
        return
    certificates = [
        (fact.data.namespace, fact.data.secret_name) for kind, _, fact in objects if kind == "Certificate"
    ]
    for path, fact in index.k8s("Ingress"):
        if not fact.data.tls:
            continue
        if set(fact.data.annotations or ()) & set(ISSUER_ANNOTATIONS):
            continue
        ns = fact.data.namespace
        for secret in fact.data.tls_secrets or ():
            if any(name == secret and _same_ns(cns, ns) for cns, name in certificates):
                continue
            yield CHECK.finding(
                Pos(fact.line, fact.line, fact.ypath, path=path),
                resource=f"Ingress/{fact.data.name}", symbol=("tls", secret),
                message=f"Ingress/{fact.data.name} uses TLS secret {secret!r}, which no Certificate "
                        f"issues and no cert-manager annotation requests",
            )
