from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..kustomize import same_namespace
from ..models.images import parse_image
from ..models.k8s.ingress import terminating_controller
from ..models.topics import K8S, K8S_PATCH, WORKLOAD_IMAGE

CHECK = Check(
    code="K8S062",
    name="ingress-without-tls",
    title="Ingress serves plain HTTP (no tls section)",
    severity=Severity.HIGH,
    category=Category.TLS,
    rationale=(
        "Without a `tls` section the ingress controller serves the hosts over plain HTTP: "
        "sessions, tokens and form data cross the network readable and modifiable by anyone "
        "on the path, and browsers mark the site as not secure. TLS given another way counts: "
        "a load balancer certificate or HTTPS-only listener named by an annotation, or a controller "
        "the repository deploys that terminates TLS for every Ingress (models/k8s/ingress.py). A "
        "base Ingress that a Kustomize patch (an opt-in component or an overlay) gives TLS is medium; one "
        "whose rules route only health endpoints (`/ping`, `/healthz`, `/readyz`) carries no data: low."
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

#: annotations that say the ingress deliberately has no HTTP-facing host (acme solvers)
SOLVER_LABELS = ("acme.cert-manager.io/http01-solver",)


def _controllers(index: RepoIndex) -> dict[str, str]:
    """TLS-terminating ingress controllers the repository deploys: image name -> what it does."""
    out: dict[str, str] = {}
    for _, fact in index.facts(WORKLOAD_IMAGE):
        # the image's name, or the workload's when the image is templated ("{{ $image }}")
        workload = str(fact.data.resource or "").split("/")
        for name in (parse_image(str(fact.data.image or "")).name, workload[1] if len(workload) > 1 else ""):
            what = terminating_controller(name)
            if what is not None:
                out[name] = what
    return out


def _patches_adding_tls(index: RepoIndex, name: str, namespace) -> list[str]:
    """Kustomize patches of this Ingress (by name) that give it TLS: an opt-in component or an overlay."""
    return sorted({ppath for ppath, patch in index.facts(K8S_PATCH.of("Ingress"))
                   if str(patch.data.name) == name and same_namespace(namespace, patch.data.namespace)
                   and (patch.data.tls or patch.data.tls_elsewhere)})


#: paths that only say whether a service is up (liveness, readiness, ping)
_HEALTH_PATHS = frozenset(("ping", "health", "healthz", "healthcheck", "health-check", "livez", "readyz",
                           "ready", "alive", "liveness", "readiness", "status/health"))


def _health_path(path: str) -> bool:
    """``/ping``, ``/healthz``, ``/-/ready``: an endpoint that tells only whether the service is up."""
    bare = path.strip().strip("/").lower()
    for prefix in ("-/", "api/", "_/"):
        bare = bare.removeprefix(prefix)
    return bare in _HEALTH_PATHS


@CHECK.on_each(K8S.of("Ingress"))
def ingress_without_tls(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    if data.tls or data.tls_elsewhere:
        return
    if any(key in dict(data.labels or ()) for key in SOLVER_LABELS):
        return
    if index.derived("K8S062:controllers", (WORKLOAD_IMAGE,), _controllers):
        return  # the repository's controller serves every Ingress over HTTPS at the load balancer
    name = str(data.name)
    resource = f"Ingress/{name}"
    hosts = list(data.hosts or ())
    where = f" for {', '.join(hosts[:3])}" if hosts else ""
    line = data.rules_line or fact.line
    at = Pos(line, line, tuple(data.rules_ypath or fact.ypath), path=path)
    if data.paths and all(_health_path(path) for path in data.paths):
        yield CHECK.finding(
            at, resource=resource, severity=Severity.LOW,
            message=(f"{resource} has no tls section, but it routes only health endpoints "
                     f"({', '.join(list(data.paths)[:3])}){where}: no data, sessions or logins cross it; "
                     "serve it over HTTPS anyway if it shares a host name with anything else"),
        )
        return
    added = _patches_adding_tls(index, name, data.namespace)
    if added:
        yield CHECK.finding(
            at, resource=resource, severity=Severity.MEDIUM,
            message=(f"{resource} has no tls section: traffic{where} is plain HTTP unless the Kustomize "
                     f"patch that adds TLS ({', '.join(added[:2])}) is applied where it deploys"),
        )
        return
    yield CHECK.finding(
        at, resource=resource,
        message=f"{resource} has no tls section: traffic{where} is served over plain HTTP",
    )
