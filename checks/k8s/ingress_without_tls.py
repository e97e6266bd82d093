from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject

CHECK = Check(
    code="K8S062",
    name="ingress-without-tls",
    title="Ingress serves plain HTTP (no tls section)",
    severity=Severity.HIGH,
    category=Category.TLS,
    rationale=(
        "Without a `tls` section the ingress controller serves the hosts over plain HTTP: "
        "sessions, tokens and form data cross the network readable and modifiable by anyone "
        "on the path, and browsers mark the site as not secure."
    ),
    remediation=(
        "Add a `tls` entry listing the hosts and the Secret that holds their certificate.",
        "Issue and renew that certificate automatically (cert-manager `cert-manager.io/cluster-issuer` annotation).",
        "Redirect HTTP to HTTPS at the controller (most do once `tls` is set) and enable HSTS.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
        "https://cert-manager.io/docs/usage/ingress/",
    ),
)

#: annotations that terminate TLS at a cloud load balancer instead of the `tls` section
LB_TLS_ANNOTATIONS = (
    "alb.ingress.kubernetes.io/certificate-arn",
    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "networking.gke.io/pre-shared-cert",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
    "appgw.ingress.kubernetes.io/appgw-trusted-root-certificate",
)
#: annotations that say the ingress deliberately has no HTTP-facing host (acme solvers)
SOLVER_LABELS = ("acme.cert-manager.io/http01-solver",)


@CHECK.on(K8sObject)
def ingress_without_tls(obj: K8sObject) -> Iterator[Finding]:
    if obj.kind != "Ingress":
        return
    spec = obj.spec
    if spec.list("tls"):
        return
    annotations = {str(k) for k in obj.annotations}
    if annotations & set(LB_TLS_ANNOTATIONS) or any(k in obj.labels for k in SOLVER_LABELS):
        return
    if str(obj.annotations.get("alb.ingress.kubernetes.io/listen-ports", "")).find("HTTPS") >= 0:
        return
    hosts = sorted({str(r.get("host")) for _, r in spec.list("rules").maps() if r.get("host")})
    where = f" for {', '.join(hosts[:3])}" if hosts else ""
    yield CHECK.finding(
        obj.spec if "spec" in obj.doc else obj.doc, "rules" if "rules" in spec else None,
        resource=obj.resource,
        message=f"{obj.resource} has no tls section: traffic{where} is served over plain HTTP",
    )
