"""K8S086: a Gateway API Gateway, or an HTTPRoute, serves its hosts over plain HTTP only."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..kustomize import same_namespace
from ..models.gateway_api import ROUTE_KINDS, TLS_PROTOCOLS, internal_host

CHECK = Check(
    code="K8S086",
    name="gateway-plain-http",
    title="Gateway API listener serves plain HTTP only (no HTTPS or TLS)",
    severity=Severity.HIGH,
    category=Category.TLS,
    rationale=(
        "A Gateway whose listeners are all `protocol: HTTP` serves every host routed to it over plain HTTP, "
        "as an Ingress without a `tls` section does: sessions, tokens and form data cross the network "
        "readable and modifiable by anyone on the path. An HTTPRoute (or GRPCRoute) attached only to the HTTP listener of "
        "a Gateway that also has an HTTPS one is served without TLS all the same. A Gateway whose routes "
        "redirect to https, TLS terminated by a load balancer certificate annotation, and Gateways or "
        "routes whose parent Gateway is not in the repository are left alone. High for public host names, "
        "medium when no host name is set, low for internal names or an internal load balancer."
    ),
    remediation=(
        "Add an HTTPS listener (`protocol: HTTPS`, `tls.certificateRefs` to the certificate's Secret) for the hosts.",
        "Issue and renew that certificate automatically (cert-manager's Gateway API support).",
        "Keep the HTTP listener only for an HTTPRoute whose rules redirect to https (`RequestRedirect`, `scheme: https`).",
    ),
    effort="1h",
    references=(
        "https://gateway-api.sigs.k8s.io/guides/tls/",
        "https://gateway-api.sigs.k8s.io/guides/http-redirect-rewrite/",
        "https://cert-manager.io/docs/usage/gateway/",
    ),
    peers=("K8S062 ingress-without-tls (the same for Ingress)",),
)

_ROUTES = "K8S086:routes"
_GATEWAYS = "K8S086:gateways"


def _routes(index: RepoIndex) -> list[tuple]:
    """Every HTTPRoute and GRPCRoute: (namespace, name, parents, hostnames, redirect_https)."""
    return [(f.data.namespace, f.data.name, f.data.parents or (), f.data.hostnames or (), bool(f.data.redirect_https))
            for kind in ROUTE_KINDS for _, f in index.k8s(kind) if f.data.parents is not None]


def _gateways(index: RepoIndex) -> list[tuple]:
    """Every Gateway: (namespace, name, listeners, tls, internal_lb)."""
    return [(f.data.namespace, f.data.name, f.data.listeners, bool(f.data.tls), bool(f.data.internal_lb))
            for _, f in index.k8s("Gateway") if f.data.listeners is not None]


def _attached(listeners, section: str, port) -> list[tuple]:
    """The listeners a parentRef attaches to (by sectionName and port; all of them without either)."""
    return [row for row in listeners if (not section or row[0] == section) and (port is None or row[2] == port)]


def _severity(hosts: list[str], internal_lb: bool) -> tuple[Severity, str]:
    public = [h for h in hosts if h and not internal_host(h)]
    if internal_lb or (hosts and not public):
        return Severity.LOW, " (internal names or an internal load balancer)"
    if not public:
        return Severity.MEDIUM, " (no host name is set: whatever name reaches its address)"
    return Severity.HIGH, ""


@CHECK.on_each("k8s:Gateway", *(f"k8s:{kind}" for kind in ROUTE_KINDS))
def gateway_plain_http(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.listeners is not None:
        yield from _gateway(path, fact, index)
    elif fact.data.parents:
        yield from _route(path, fact, index)


def _gateway(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    http = [row for row in data.listeners if row[1] == "HTTP"]
    if data.tls or not http:
        return
    routes = [r for r in index.derived(_ROUTES, tuple(f"k8s:{kind}" for kind in ROUTE_KINDS), _routes)
              if any(p[1] == data.name and same_namespace(p[0] or None, data.namespace) for p in r[2])]
    if any(r[4] for r in routes):
        return  # a route redirects to https: this Gateway is the redirector in front of another
    hosts = sorted({row[3] for row in http if row[3]} | {h for r in routes for h in r[3]})
    severity, why = _severity(hosts, bool(data.internal_lb))
    first = http[0]
    shown = f" for {', '.join(hosts[:3])}" + (" ..." if len(hosts) > 3 else "") if hosts else ""
    yield CHECK.finding(
        Pos(first[4], first[4], tuple(first[5]), path=path), resource=f"Gateway/{data.name}", severity=severity,
        message=f"Gateway/{data.name} has only plain HTTP listeners ({', '.join(r[0] for r in http[:4])}) and no "
                f"HTTPS or TLS listener: traffic{shown} is served without TLS{why}",
        evidence=f"listener {first[0]}: protocol HTTP, port {first[2]}",
    )


def _route(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    kind = fact.topic.split(":", 1)[1]
    if data.redirect_https:
        return
    attached: list[tuple[str, tuple]] = []
    internal = False
    for namespace, name, section, port in data.parents:
        gateways = [g for g in index.derived(_GATEWAYS, ("k8s:Gateway",), _gateways)
                    if g[1] == name and same_namespace(g[0], namespace or None)]
        if len(gateways) != 1:
            return  # the parent is not in the repository (or is ambiguous): nothing is claimed
        _, _, listeners, tls, internal_lb = gateways[0]
        if not tls:
            return  # a Gateway without any TLS listener is reported once, at the Gateway
        rows = _attached(listeners, section, port)
        if not rows or any(row[1] in TLS_PROTOCOLS for row in rows):
            return  # served over TLS through at least one listener (or attached to nothing we can tell)
        internal = internal or internal_lb
        attached.extend((name, row) for row in rows)
    if not attached:
        return
    hosts = sorted(set(data.hostnames or ()) | {row[3] for _, row in attached if row[3]})
    severity, why = _severity(hosts, internal)
    shown = f" for {', '.join(hosts[:3])}" + (" ..." if len(hosts) > 3 else "") if hosts else ""
    names = ", ".join(f"{gw}/{row[0]}" for gw, row in attached[:3])
    yield CHECK.finding(
        Pos(fact.line, fact.line, tuple(fact.ypath), path=path), resource=f"{kind}/{data.name}",
        severity=severity,
        message=f"{kind}/{data.name} attaches only to plain HTTP listeners ({names}) of Gateways that also "
                f"have HTTPS ones, and does not redirect to https: traffic{shown} is served without TLS{why}",
        evidence=f"parentRefs: {names}",
    )
