"""How an Ingress gets TLS when its ``tls`` section does not say so.

One place for the question "is this Ingress served over HTTPS some other way?", asked by the
Ingress checks: a cloud load balancer that terminates TLS with its own certificate (named by an
annotation, or found by host by a controller the repository deploys), or a controller setting
that makes the router HTTPS-only.  The Gateway API model (``models/gateway_api.py``) asks the
same question of a Gateway's annotations.
"""

from __future__ import annotations

from collections.abc import Mapping

#: annotations whose presence means a load balancer terminates TLS with a certificate it holds
LB_CERTIFICATE_ANNOTATIONS = (
    "alb.ingress.kubernetes.io/certificate-arn",           # AWS Load Balancer Controller (ACM)
    "zalando.org/aws-load-balancer-ssl-cert",              # kube-ingress-aws-controller (ACM/IAM)
    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
    "networking.gke.io/managed-certificates",              # GKE managed certificates
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "networking.gke.io/pre-shared-cert",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",   # Azure Application Gateway
    "networking.gke.io/pre-shared-certs",
    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports",
    "service.beta.kubernetes.io/oci-load-balancer-ssl-ports",
    "service.beta.kubernetes.io/do-loadbalancer-certificate-id",
    "service.beta.kubernetes.io/azure-load-balancer-tls",
)

#: annotation -> words of its value that mean the router listens on HTTPS
HTTPS_VALUE_ANNOTATIONS = {
    "alb.ingress.kubernetes.io/listen-ports": ("https",),
    "traefik.ingress.kubernetes.io/router.tls": ("true",),
    "traefik.ingress.kubernetes.io/router.entrypoints": ("websecure", "https"),
    "kubernetes.io/ingress.allow-http": ("false",),       # GCE: HTTPS only
    "service.beta.kubernetes.io/linode-loadbalancer-default-protocol": ("https",),
}

#: controller images that terminate TLS at a cloud load balancer for every Ingress, with a
#: certificate they find by the Ingress's hosts (no annotation, no ``tls`` section needed)
TLS_TERMINATING_CONTROLLERS = {
    "kube-ingress-aws-controller": "kube-ingress-aws-controller terminates TLS at the AWS load balancer "
                                   "with ACM/IAM certificates it finds by host",
}


def tls_elsewhere(annotations: Mapping[str, object]) -> str | None:
    """Why the Ingress is served over HTTPS without a ``tls`` section (None when nothing says so)."""
    keys = {str(k).strip().lower(): v for k, v in annotations.items()}
    for key in LB_CERTIFICATE_ANNOTATIONS:
        if key in keys and str(keys[key] or "").strip():
            return f"{key} terminates TLS at the load balancer"
    for key, words in HTTPS_VALUE_ANNOTATIONS.items():
        value = str(keys.get(key) or "").lower()
        if value and any(word in value for word in words):
            return f"{key}: {value[:60]} serves it over HTTPS"
    return None


def terminating_controller(image_name: str) -> str | None:
    """What a controller image (its repository's last part) does for TLS, if it terminates it."""
    return TLS_TERMINATING_CONTROLLERS.get(image_name.lower())
