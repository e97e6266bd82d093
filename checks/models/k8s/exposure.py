"""Who can reach what a committed Kubernetes credential opens (issue 12, secret-severity-exposure).

A credential's severity follows what it opens and who can reach that (``models/exposure.py``,
README "Secrets"). In a cluster the path is a chain of objects:

    Secret or env value -> the workload that holds it (env ``valueFrom.secretKeyRef``,
    ``envFrom.secretRef``, a secret volume) -> what the credential opens (the workload itself, a
    data store it names, its peers) -> the Services selecting that workload -> an Ingress,
    OpenShift Route, Gateway API route, Traefik IngressRoute or Istio VirtualService routing to
    the Service, a LoadBalancer/NodePort/externalIPs Service, or the node's network
    (``hostNetwork``, ``hostPort``).

What a credential opens, from its name and the settings beside it:

* a setting of the same component names where it is presented (SONARQUBE_JDBC_PASSWORD beside
  ``SONARQUBE_JDBC_URL=jdbc:postgresql://postgresql-sonarqube/sonar``), or a URL holds it: the
  Service of that host;
* a peer credential of a clustered program (MQ_CLUSTER_PASSWORD, JGROUPS_CLUSTER_PASSWORD): the
  members' peer port, which an HTTP route does not reach; only the node's network or a
  LoadBalancer/NodePort Service exposes it;
* a data store's own credential (POSTGRESQL_PASSWORD in the postgresql container): that store;
* a store credential in a client (DB_PASSWORD in the app): the store a setting beside it names;
* an admin or console login (SSO_ADMIN_PASSWORD): the workload that holds it;
* anything else (a signing key, a third-party API key, a key that encrypts data at rest): not
  known; its severity is the model's without exposure.

Reachable from outside (``exposed=True``): a path above exists in the repository. Not reachable
(``False``): a Service of the repository selects the workload (or is the named host) and nothing
routes to it or exposes it. Unknown (``None``), and severities stay as the secrets model gives
them: no Service of the repository selects the workload (it may be reached through objects
auditui does not see), a route or Service name is templated (``{{ }}``, ``${}``), or the host a
setting names is not a Service of the repository. Namespaces match when both are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..exposure import (
    AT_REST_WORDS,
    ENDPOINT_WORDS,
    HASHING_WORDS,
    LOGIN_WORDS,
    PEER_WORDS,
    SESSION_WORDS,
    STORE_WORDS,
    Reach,
    family,
    name_set,
)
from ..yamlnodes import YMap

if TYPE_CHECKING:  # pragma: no cover
    from ...facts import RepoIndex

#: kinds whose objects route traffic from outside the cluster to Services
ROUTE_KINDS = ("Ingress", "Route", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "IngressRoute",
               "IngressRouteTCP", "IngressRouteUDP", "VirtualService")
_TEMPLATED = re.compile(r"\{\{|\$\{|\$\(")
#: scheme://[user[:password]@]host[:port] (also jdbc:postgresql://host), or host:port
_HOST_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]{0,30}:)?(?:[A-Za-z][A-Za-z0-9+.\-]{0,30}://)"
                      r"(?:[^@/\s]{0,500}@)?([A-Za-z0-9_][A-Za-z0-9_.\-]{0,252})")
_HOST_PORT_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]{0,252}):\d{1,5}$")
_BARE_HOST_RE = re.compile(r"^[a-z][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63}){0,6}$")
_MAX_ENDPOINTS = 40


# -- what files tell (facts) ------------------------------------------------------------------


def _name_of(node: Any) -> str | None:
    return None if node is None else str(node)


def routed_services(obj: Any) -> tuple[tuple[str, str], ...]:
    """(namespace or "", Service name) of every Service an Ingress, Route, Gateway API route,
    Traefik IngressRoute or Istio VirtualService sends traffic to."""
    kind, spec = obj.kind, obj.spec
    out: list[tuple[str, str | None]] = []
    own = obj.namespace or ""
    if kind == "Ingress":
        default = spec.map("defaultBackend") if "defaultBackend" in spec else spec.map("backend")
        out.append((own, _name_of(default.map("service").get("name") or default.get("serviceName"))))
        for _, rule in spec.list("rules").maps():
            for _, path in rule.map("http").list("paths").maps():
                backend = path.map("backend")
                out.append((own, _name_of(backend.map("service").get("name") or backend.get("serviceName"))))
    elif kind == "Route" and "openshift" in str(obj.api_version):
        for target in [spec.map("to")] + [m for _, m in spec.list("alternateBackends").maps()]:
            if str(target.get("kind") or "Service") == "Service":
                out.append((own, _name_of(target.get("name"))))
    elif kind in ROUTE_KINDS and "gateway.networking.k8s.io" in str(obj.api_version):
        for _, rule in spec.list("rules").maps():
            for _, ref in rule.list("backendRefs").maps():
                if str(ref.get("kind") or "Service") == "Service":
                    out.append((str(ref.get("namespace") or own), _name_of(ref.get("name"))))
    elif kind.startswith("IngressRoute"):
        for _, route in spec.list("routes").maps():
            for _, service in route.list("services").maps():
                if str(service.get("kind") or "Service") == "Service":
                    out.append((str(service.get("namespace") or own), _name_of(service.get("name"))))
    elif kind == "VirtualService":
        for section in ("http", "tcp", "tls"):
            for _, route in spec.list(section).maps():
                for _, dest in route.list("route").maps():
                    host = dest.map("destination").get("host")
                    if host is not None:
                        name, _, rest = str(host).partition(".")
                        namespace = rest.split(".", 1)[0] if rest.endswith(("svc", "svc.cluster.local")) or \
                            rest.count(".") == 0 and rest else own
                        out.append((namespace, name))
    return tuple(sorted({(ns, name) for ns, name in out if name}))


def secret_refs(workload: Any) -> tuple[tuple[str, str, str, str], ...]:
    """(Secret, key or "", variable or "", container or "") of every way a workload's pods read a
    Secret: an env ``valueFrom.secretKeyRef`` (key and variable), ``envFrom.secretRef`` (every
    key, under its own name), a ``secret`` or ``projected`` volume (files)."""
    out: list[tuple[str, str, str, str]] = []
    for container in workload.containers(include_init=True):
        cname = str(container.node.get("name") or "")
        for _, item in container.node.list("env").maps():
            ref = item.map("valueFrom").map("secretKeyRef")
            if ref.get("name") is not None:
                out.append((str(ref.get("name")), str(ref.get("key") or ""), str(item.get("name") or ""), cname))
        for _, source in container.node.list("envFrom").maps():
            ref = source.map("secretRef")
            if ref.get("name") is not None:
                out.append((str(ref.get("name")), "", "", cname))
    for _, volume in workload.pod_spec.list("volumes").maps():
        secret = volume.map("secret").get("secretName")
        if secret is not None:
            out.append((str(secret), "", "", ""))
        for _, source in volume.map("projected").list("sources").maps():
            name = source.map("secret").get("name")
            if name is not None:
                out.append((str(name), "", "", ""))
    return tuple(dict.fromkeys(out))


def endpoint_host(name: str, value: Any) -> str | None:
    """The host a setting names: a URL's (``jdbc:postgresql://db/app``, ``redis://:pw@cache``), a
    ``host:port``, or a bare host name in a setting named for one (``DB_HOST=postgres``)."""
    if value is None or isinstance(value, (bool, YMap, list)):
        return None
    text = str(value).strip()[:600]
    match = _HOST_RE.match(text) or _HOST_PORT_RE.match(text)
    if match:
        return match.group(1).lower()
    words = name_set(name)
    if words & {"HOST", "HOSTNAME", "SERVER", "SERVICE", "ADDR", "ADDRESS", "ENDPOINT"} and _BARE_HOST_RE.match(text):
        return text
    return None


def _pod_containers(pod_spec: YMap, init: bool = True) -> Iterator[YMap]:
    for field_name in (("initContainers", "containers") if init else ("containers",)):
        for _, container in pod_spec.list(field_name).maps():
            yield container


def container_endpoints(pod_spec: YMap) -> tuple[tuple[str, str, str], ...]:
    """(container, variable, host) of the literal settings of a pod that name where something is reached."""
    out: list[tuple[str, str, str]] = []
    for container in _pod_containers(pod_spec):
        cname = str(container.get("name") or "")
        for _, item in container.list("env").maps():
            name = item.get("name")
            if name is None or "value" not in item:
                continue
            host = endpoint_host(str(name), item.get("value"))
            if host is not None and len(out) < _MAX_ENDPOINTS:
                out.append((cname, str(name), host))
    return tuple(out)


def on_node_network(pod_spec: YMap) -> bool:
    """The pods listen on the node's own addresses (``hostNetwork``, a container ``hostPort``)."""
    if pod_spec.get("hostNetwork") is True:
        return True
    return any(port.get("hostPort") is not None for container in _pod_containers(pod_spec, init=False)
               for _, port in container.list("ports").maps())


# -- the repository's answer -------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    """A workload that holds a credential, as its facts describe it."""

    resource: str  #: Kind/name
    namespace: str | None
    pod_labels: dict
    node_network: bool = False
    #: words of the workload's name, its containers' names and images (what program it is)
    words: frozenset = frozenset()
    #: (variable, host) of the settings beside the credential that name where something is reached
    endpoints: tuple = ()
    #: a container runs a database image
    store: bool = False


_SERVICE_TOPICS = ("k8s:Service",)
TOPICS = _SERVICE_TOPICS + tuple(f"k8s:{kind}" for kind in ROUTE_KINDS)


@dataclass(frozen=True)
class _Table:
    #: (namespace, name, selector, exposure, internal) of each Service
    services: tuple
    #: (namespace, name) -> [(kind/name of the route, its hosts)]
    routes: dict
    #: a route names its Service with a template: what it sends where is not known
    templated: str | None


def _build(index: RepoIndex) -> _Table:
    services = []
    for _, fact in index.facts("k8s:Service"):
        data = fact.data
        services.append((data.namespace, str(data.name), dict(data.selector or ()), data.exposure,
                         bool(data.internal_lb or data.lb_private_ip)))
    routes: dict[tuple[str, str], list[tuple[str, tuple]]] = {}
    templated = None
    for kind in ROUTE_KINDS:
        for path, fact in index.facts(f"k8s:{kind}"):
            data = fact.data
            for namespace, name in data.backends or ():
                if _TEMPLATED.search(name):
                    templated = templated or f"{kind}/{data.name} in {path}"
                    continue
                hosts = tuple(data.hosts or data.hostnames or ())
                routes.setdefault((namespace, name), []).append((f"{kind}/{data.name}", hosts))
    return _Table(tuple(services), routes, templated)


def _table(index: RepoIndex) -> _Table:
    return index.derived("k8s-exposure:routes", TOPICS, _build)


def _same_ns(a: str | None, b: str | None) -> bool:
    return not a or not b or a == b


def _service_reach(table: _Table, service: tuple, peer: bool) -> tuple[bool, str]:
    namespace, name, _, exposure, internal = service
    if exposure:
        scope = "an internal " if internal else "a "
        return True, f"Service/{name} is {scope}{exposure}"
    if peer:
        return False, ""
    for (rns, rname), found in table.routes.items():
        if rname == name and _same_ns(rns, namespace):
            route, hosts = found[0]
            shown = f" for {hosts[0]}" if hosts else ""
            return True, f"{route}{shown} via Service/{name}"
    return False, ""


def _workload_reach(table: _Table, holder: Holder, peer: bool) -> Reach:
    what = "the peer port " if peer else ""
    if holder.node_network:
        return Reach(True, f"; used by {holder.resource}, whose pods listen on the node's network "
                           f"(hostNetwork or hostPort)")
    selecting = [s for s in table.services
                 if s[2] and _same_ns(s[0], holder.namespace)
                 and all(holder.pod_labels.get(k) == v for k, v in s[2].items())]
    if not selecting:
        return Reach(None, f"; used by {holder.resource}; no Service of the repository selects it, so auditui "
                           f"cannot tell who reaches it")
    for service in selecting:
        exposed, how = _service_reach(table, service, peer)
        if exposed:
            return Reach(True, f"; used by {holder.resource} ({how})")
    if table.templated and not peer:
        return Reach(None, f"; used by {holder.resource}; {table.templated} names its Service with a template, "
                           f"so auditui cannot tell whether it routes here")
    names = ", ".join(f"Service/{s[1]}" for s in selecting[:3])
    if peer:
        verb = "exposes" if len(selecting) == 1 else "expose"
        return Reach(False, f"; it opens {what}of {holder.resource} (a credential its members present to each "
                            f"other); {names} {verb} no node or load-balancer port, and routes carry only HTTP "
                            f"to the routed port; still shared by everyone who applies the manifest")
    return Reach(False, f"; used by {holder.resource}, reached only inside the cluster ({names}: no Ingress, Route "
                        f"or load balancer in the repository); still shared by everyone who applies the manifest")


def _host_reach(table: _Table, host: str, namespace: str | None, how: str) -> Reach:
    name, _, rest = host.partition(".")
    ns = rest.split(".", 1)[0] if rest else None
    if rest and not rest.startswith(("svc", "cluster")) and ".svc" not in "." + rest and rest.count(".") > 0:
        return Reach(None)  # a domain name outside the cluster
    found = [s for s in table.services if s[1] == name and _same_ns(s[0], ns or namespace)]
    if not found:
        return Reach(None)
    for service in found:
        exposed, where = _service_reach(table, service, False)
        if exposed:
            return Reach(True, f"; it opens Service/{name} ({how}), reachable from outside the cluster ({where})")
    if table.templated:
        return Reach(None, f"; it opens Service/{name} ({how}); {table.templated} names its Service with a template")
    return Reach(False, f"; it opens Service/{name} ({how}), reached only inside the cluster (no Ingress, Route or "
                        f"load balancer in the repository); still shared by everyone who applies the manifest")


def opens(name: str, holder: Holder) -> tuple[str, str]:
    """What a credential named ``name`` held by ``holder`` opens: ("host", "host|how"),
    ("peer", ""), ("self", "") or ("unknown", "")."""
    words = name_set(name)
    fam = family(name)
    endpoints = list(holder.endpoints)
    if fam:
        for variable, host in endpoints:
            vwords = tuple(w for w in _words(variable))
            if vwords[:len(fam)] == fam and len(vwords) > len(fam) and vwords[-1] in ENDPOINT_WORDS | {"DSN"}:
                return "host", f"{host}|{variable} beside it"
    if words & PEER_WORDS:
        return "peer", ""
    if words & STORE_WORDS:
        if holder.store or words & STORE_WORDS & holder.words:
            return "self", ""
        for variable, host in endpoints:
            if name_set(variable) & STORE_WORDS and _words(variable)[-1:] and \
                    _words(variable)[-1] in ENDPOINT_WORDS | {"DSN"}:
                return "host", f"{host}|{variable} beside it"
        return "unknown", ""
    if (words & AT_REST_WORDS or words & HASHING_WORDS) and not words & SESSION_WORDS:
        return "unknown", ""
    if words & LOGIN_WORDS:
        return "self", ""
    return "unknown", ""


def _words(name: str) -> list[str]:
    from ..secrets import name_words

    return name_words(name)


def credential_reach(index: RepoIndex, holder: Holder, name: str, host: str | None = None) -> Reach:
    """Is what the credential ``name`` held by ``holder`` opens (``host``: the host of the URL that
    holds it) reachable from outside the cluster? See the module docstring."""
    table = _table(index)
    if host is not None:
        return _host_reach(table, host, holder.namespace, "the URL's host")
    what, detail = opens(name, holder)
    if what == "host":
        target, _, how = detail.partition("|")
        return _host_reach(table, target, holder.namespace, how)
    if what in ("self", "peer"):
        return _workload_reach(table, holder, peer=what == "peer")
    return Reach(None)


def holder_words(kind_name: str, containers: Iterator[str] | tuple, images: tuple) -> frozenset:
    """The words that say what program a workload runs (its name, container names, image names)."""
    out: set[str] = set()
    for text in (kind_name.split("/", 1)[-1], *containers, *(str(i).rsplit("/", 1)[-1].split(":")[0] for i in images)):
        out |= name_set(str(text))
    return frozenset(out)


# -- a Secret's consumers ----------------------------------------------------------------------


def _build_consumers(index: RepoIndex) -> dict:
    """(namespace or "", Secret) -> [(Holder, key or "", variable or "")] of every workload reading it."""
    from ..images import is_database_image
    from .objects import WORKLOAD_KINDS

    out: dict[tuple[str, str], list[tuple[Holder, str, str]]] = {}
    for kind in WORKLOAD_KINDS:
        for _, fact in index.facts(f"k8s:{kind}"):
            data = fact.data
            if not data.secret_refs:
                continue
            images = tuple(data.images or ())
            containers = tuple({ref[3] for ref in data.secret_refs if ref[3]})
            resource = f"{kind}/{data.name}"
            for secret, key, variable, container in data.secret_refs:
                endpoints = tuple((var, host) for c, var, host in data.endpoints or () if c == container)
                holder = Holder(resource, data.namespace, dict(data.pod_labels or ()), bool(data.node_network),
                                holder_words(resource, containers, images), endpoints,
                                any(image and is_database_image(image) for image in images))
                out.setdefault((data.namespace or "", secret), []).append((holder, key, variable))
    return out


def secret_consumers(index: RepoIndex, namespace: str | None, secret: str) -> list[tuple[Holder, str, str]]:
    """(holder, key or "" for every key, variable or "") of each workload of the repository reading
    the Secret ``secret`` (a namespace left out matches any)."""
    from .objects import WORKLOAD_KINDS

    table = index.derived("k8s-exposure:consumers", tuple(f"k8s:{kind}" for kind in WORKLOAD_KINDS),
                          _build_consumers)
    if namespace:
        return table.get((namespace, secret), []) + table.get(("", secret), [])
    return [found for (_, name), entries in table.items() if name == secret for found in entries]


def secret_key_reach(index: RepoIndex, namespace: str | None, secret: str, key: str) -> Reach:
    """Is what the Secret's ``key`` opens reachable from outside the cluster, judged where the
    workloads that read it use it (under the variable name they give it)? Unknown when no
    workload of the repository reads it."""
    from ..exposure import combine_reach

    reaches = []
    for holder, ref_key, variable in secret_consumers(index, namespace, secret):
        if ref_key and ref_key != key:
            continue
        reach = credential_reach(index, holder, variable or key)
        if reach.exposed is None and variable and variable != key:
            reach = credential_reach(index, holder, key)
        reaches.append(reach)
    return combine_reach(reaches) if reaches else Reach(None)
