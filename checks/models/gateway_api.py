"""Gateway API (``gateway.networking.k8s.io``): which listeners serve plain HTTP, and what routes attach to.

One answer for "does this Gateway or HTTPRoute serve a host over plain HTTP only?", read by
K8S086.  :func:`gateway_facts` adds to an object's ``k8s:<Kind>`` fact:

* a Gateway's ``listeners``: ``(name, protocol, port, hostname, line, ypath)`` per listener,
  ``tls`` (some listener terminates or passes TLS: HTTPS or TLS), ``annotations`` (the keys of
  its own and its ``spec.infrastructure`` annotations) and ``internal_lb`` (an internal load
  balancer annotation, a ClusterIP service type, an internal Gateway class, private addresses);
* an HTTPRoute's or GRPCRoute's ``parents`` (``(namespace, name, sectionName, port)`` of each Gateway parent),
  ``hostnames`` and ``redirect_https`` (every rule redirects to https).

TLS that a cloud load balancer terminates in front of the Gateway (a certificate annotation)
counts as TLS, as it does for an Ingress.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .k8s.ingress import tls_elsewhere
from .k8s.objects import K8sObject
from .yamlnodes import YMap

GROUP = "gateway.networking.k8s.io"
#: routes a Gateway's HTTP listeners serve (a GRPCRoute on an HTTP listener is cleartext HTTP/2)
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute")
#: listener protocols that carry TLS from the client
TLS_PROTOCOLS = frozenset(("HTTPS", "TLS"))
#: host name endings that only a private network resolves
_INTERNAL_SUFFIXES = (".local", ".internal", ".svc", ".cluster.local", ".lan", ".home.arpa", ".localhost",
                      ".intranet", ".corp", ".private", ".test", ".example", ".invalid")


def is_gateway_api(obj: K8sObject) -> bool:
    return str(obj.api_version or "").split("/", 1)[0] == GROUP


def _annotations(obj: K8sObject) -> dict[str, str]:
    out = {str(k).lower(): str(v).lower() for k, v in obj.annotations.items()}
    infra = obj.spec.map("infrastructure").get("annotations")
    if isinstance(infra, YMap):
        out.update({str(k).lower(): str(v).lower() for k, v in infra.items()})
    return out


def internal_host(host: str) -> bool:
    """A host name or address that only a private network reaches."""
    name = host.strip().lower().rstrip(".")
    if name.startswith("*."):
        name = name[2:]
    if not name:
        return False
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        # a single-label name (``intranet``) resolves only inside a network
        return "." not in name or ("." + name).endswith(_INTERNAL_SUFFIXES) or name == "localhost"
    return address.is_private or address.is_loopback or address.is_link_local


def _internal_lb(annotations: dict[str, str]) -> bool:
    return any(
        (key.endswith("load-balancer-internal") and value in ("true", "0.0.0.0/0"))
        or (key.endswith("load-balancer-type") and value == "internal")
        or (key.endswith("load-balancer-scheme") and value == "internal")
        or (key.endswith("aws-load-balancer-internal") and value == "true")
        or (key == "networking.istio.io/service-type" and value == "clusterip")
        for key, value in annotations.items())


def _internal_class(name: str) -> bool:
    """Gateway classes that provision an internal load balancer (GKE's ``gke-l7-rilb``, ``...-internal-...``)."""
    lowered = name.lower()
    return any(word in lowered for word in ("internal", "rilb", "private"))


def _redirects_to_https(rule: YMap) -> bool:
    for _, flt in rule.list("filters").maps():
        if str(flt.get("type") or "") == "RequestRedirect" \
                and str(flt.map("requestRedirect").get("scheme") or "").lower() == "https":
            return True
    return False


def gateway_facts(obj: K8sObject) -> dict[str, Any]:
    """Fact fields of a Gateway or HTTPRoute (nothing for other objects)."""
    if not is_gateway_api(obj):
        return {}
    spec = obj.spec
    if obj.kind == "Gateway":
        listeners = spec.list("listeners")
        rows = []
        for index, listener in listeners.maps():
            port = listener.get("port")
            rows.append((str(listener.get("name") or f"#{index}"), str(listener.get("protocol") or "").upper(),
                         port if isinstance(port, int) and not isinstance(port, bool) else None,
                         str(listener.get("hostname") or ""), listeners.item_line(index),
                         tuple(listeners.ypath) + (index,)))
        annotations = _annotations(obj)
        addresses = [str(a.get("value") or "") for _, a in spec.list("addresses").maps()]
        return {
            "listeners": tuple(rows),
            "tls": any(row[1] in TLS_PROTOCOLS for row in rows)
            or tls_elsewhere(annotations) is not None,  # a load balancer certificate (one list, k8s/ingress.py)
            "annotations": tuple(sorted(annotations)),
            "internal_lb": _internal_lb(annotations) or _internal_class(str(spec.get("gatewayClassName") or ""))
            or (bool(addresses) and all(internal_host(a) for a in addresses)),
        }
    if obj.kind in ROUTE_KINDS:
        parents = []
        for _, ref in spec.list("parentRefs").maps():
            kind = str(ref.get("kind") or "Gateway")
            group = str(ref.get("group") or GROUP)
            if kind != "Gateway" or group != GROUP:
                continue  # a mesh Service parent or another kind: not a listener
            port = ref.get("port")
            parents.append((str(ref.get("namespace") or obj.namespace or ""), str(ref.get("name") or ""),
                            str(ref.get("sectionName") or ""),
                            port if isinstance(port, int) and not isinstance(port, bool) else None))
        rules = [rule for _, rule in spec.list("rules").maps()]
        return {
            "parents": tuple(parents),
            "hostnames": tuple(str(h) for h in spec.list("hostnames") if isinstance(h, (str, int))),
            "redirect_https": bool(rules) and all(_redirects_to_https(rule) for rule in rules),
        }
    return {}
