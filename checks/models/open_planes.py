"""Admin planes and services left open: one answer for compose services and Kubernetes containers.

A well-known set of products whose settings switch their own authentication off, or whose
admin port answers anyone by design.  :func:`open_planes` reads a container's image, its
environment and its command line (entrypoint + command / args) and says which planes are
open, on which container ports, and how bad that is *when reachable from outside*.  Whether
it is reachable is the domain's question (a compose port published on every interface, a
Kubernetes hostPort or host network); the domains turn :attr:`OpenPlane.impact` into a
severity by that exposure, so the same container reads alike in both.

Two families:

* **Settings that open a plane** (any image: the flag or variable only means one thing):
  Traefik ``--api.insecure``, Grafana anonymous access with the Editor or Admin role, Jupyter
  with an empty token and no password, a Docker daemon listening on TCP without TLS
  (``-H tcp://0.0.0.0:2375``, ``docker:dind`` with ``DOCKER_TLS_CERTDIR`` empty),
  Elasticsearch/OpenSearch with their security turned off (search images only), Kibana with
  ``XPACK_SECURITY_ENABLED=false`` and OpenSearch Dashboards with its security plugin disabled
  (their images only), CORS that allows every origin with credentials (django-cors-headers).
* **Admin ports that have no login by default** (by image): Envoy's admin (9901), Consul's
  HTTP API (8500), Prometheus (9090), Alertmanager (9093), etcd's client port (2379), and
  Kibana given no Elasticsearch credentials at all (no username, password or service token in
  its environment or arguments, no configuration file mounted, an environment the domain read
  in full): it only works against an Elasticsearch whose security is off, and then it has no
  login either.  These are only findings when the domain sees the port reachable from outside.

``kind`` separates data-store authentication (``store``: compose's CMP021 owns that concept)
from admin planes (``plane``) and browser policy (``cors``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .addresses import is_loopback
from .images import ImageRef

_TRUE = ("true", "yes", "1", "on")
_FALSE = ("false", "no", "0", "off")


@dataclass(frozen=True)
class OpenPlane:
    """One plane a container leaves open."""

    product: str
    #: how the setting is written, for evidence (never a secret: these are switches)
    setting: str
    #: what anyone who reaches it can do
    what: str
    #: container ports that serve it (empty: whatever the container publishes)
    ports: tuple[int, ...]
    #: ``env`` (``name`` is the variable) or ``arg`` (``name`` is the word) or ``image``
    via: str
    name: str
    #: severity name when reachable from outside the host/cluster: critical, high or medium
    impact: str
    #: ``plane`` (admin API/UI), ``store`` (a data store's own auth), ``cors`` (browser policy)
    kind: str = "plane"
    #: True when the plane is open whatever else is configured (a setting turned it off);
    #: False for admin ports that are only a problem when reachable (by image)
    by_setting: bool = True


#: admin ports with no login by default, by image: (repository endings, product, port, impact, what)
_ADMIN_IMAGES: tuple[tuple[tuple[str, ...], str, int, str, str], ...] = (
    (("envoyproxy/envoy", "envoy"), "Envoy", 9901, "high",
     "the admin interface changes log levels, drains listeners and stops the proxy (/quitquitquit) for anyone"),
    (("hashicorp/consul", "consul", "bitnami/consul"), "Consul", 8500, "high",
     "the HTTP API reads the key-value store and registers services for anyone unless ACLs are enabled"),
    (("prom/prometheus", "prometheus/prometheus", "bitnami/prometheus"), "Prometheus", 9090, "medium",
     "every metric and target, with their internal addresses and labels, is readable by anyone; Prometheus has no login"),
    (("prom/alertmanager", "prometheus/alertmanager", "bitnami/alertmanager"), "Alertmanager", 9093, "medium",
     "anyone can silence every alert; Alertmanager has no login"),
    (("coreos/etcd", "etcd", "bitnami/etcd", "etcd-development/etcd"), "etcd", 2379, "high",
     "the client API reads and writes every key without a client certificate"),
)
_SEARCH_IMAGES = ("elasticsearch", "opensearch")
_SEARCH_OFF = {
    "xpack.security.enabled": _FALSE, "xpack_security_enabled": _FALSE,
    "plugins.security.disabled": _TRUE, "disable_security_plugin": _TRUE,
}
_TOKEN_FLAGS = ("--notebookapp.token", "--serverapp.token", "--identityprovider.token", "--labapp.token")
_PASSWORD_FLAGS = ("--notebookapp.password", "--serverapp.password", "--passwordidentityprovider.hashed_password")
_TCP_HOST_RE = re.compile(r"^tcp://(\[[^\]]*\]|[^:/]*)(?::(\d+))?", re.IGNORECASE)


def _ends(ref: ImageRef | None, names: Sequence[str]) -> bool:
    if ref is None:
        return False
    repository = ref.repository.lower()
    return any(repository == n or repository.endswith("/" + n) for n in names)


def _is(value: object, accepted: Sequence[str]) -> bool:
    return value is not None and str(value).strip().strip("'\"").lower() in accepted


def _flags(args: Sequence[str]) -> list[tuple[str, str | None, str]]:
    """(flag lowercased, value or None, the word as written) of ``--a=b``, ``--a b`` and ``-H x``."""
    out: list[tuple[str, str | None, str]] = []
    words = [str(w) for w in args]
    for i, word in enumerate(words):
        if not word.startswith("-"):
            continue
        flag, eq, value = word.partition("=")
        if eq:
            out.append((flag.lower(), value, word))
        else:
            following = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("-") else None
            out.append((flag.lower(), following, word))
    return out


def _empty(value: str | None) -> bool:
    return value is not None and value.strip() in ("", "''", '""')


#: where Kibana images read their configuration file (a mount there may hold the credentials)
_KIBANA_CONFIG_DIRS = ("/usr/share/kibana/config", "/opt/bitnami/kibana/conf", "/opt/bitnami/kibana/config",
                       "/bitnami/kibana")
#: words in a variable or flag name that give Kibana credentials for Elasticsearch
_CREDENTIAL_WORDS = ("password", "username", "token", "serviceaccount", "api_key", "apikey")


def _kibana(image: ImageRef | None, env: Mapping[str, str | None], flags: list[tuple[str, str | None, str]],
            mounts: Sequence[str] | None, upper: Mapping[str, str | None]) -> OpenPlane | None:
    """Kibana with its security switched off, or given no Elasticsearch credentials at all."""
    if not _ends(image, ("kibana",)):
        return None
    # Kibana 8 dropped the setting (Elasticsearch decides); 5-7 read it and then log nobody in
    major = str(image.tag or "").lstrip("v").split(".", 1)[0] if image is not None else ""
    for key in ("XPACK_SECURITY_ENABLED", "XPACK.SECURITY.ENABLED"):
        if major in ("5", "6", "7") and _is(upper.get(key), _FALSE):
            return OpenPlane("Kibana", f"{_name(env, key)}={upper.get(key)}",
                             "anyone reads and changes every index it reaches (Discover, Dev Tools) without a login",
                             (5601,), "env", _name(env, key), "high")
    if mounts is None:
        return None  # the domain could not read the whole environment or the mounts: nothing is claimed
    if any(str(m).rstrip("/").startswith(_KIBANA_CONFIG_DIRS) or str(m).rstrip("/").endswith("kibana.yml")
           for m in mounts):
        return None
    names = [str(k).lower() for k in env] + [f for f, _, _ in flags]
    if any(word in name for name in names for word in _CREDENTIAL_WORDS):
        return None
    return OpenPlane("Kibana", "no Elasticsearch credentials in its environment, arguments or a mounted kibana.yml",
                     "it only works against an Elasticsearch whose security is off, and then anyone reads and "
                     "changes every index through it without a login", (5601,), "image", "image", "high",
                     by_setting=False)


def open_planes(image: ImageRef | None, env: Mapping[str, str | None], args: Sequence[str],
                mounts: Sequence[str] | None = None) -> list[OpenPlane]:
    """The planes a container with this image, environment and command line leaves open.

    ``mounts`` are the container paths of its volumes when the domain read the container's
    whole environment (no ``envFrom``, no unread ``env_file``) and every mount; None when it
    cannot tell, and then no plane is inferred from an absence (Kibana without credentials).
    """
    upper = {str(k).upper(): v for k, v in env.items()}
    lower = {str(k).lower(): v for k, v in env.items()}
    flags = _flags(args)
    out: list[OpenPlane] = []

    # Traefik's API and dashboard on the "traefik" entry point (8080), no login
    for flag, value, word in flags:
        if flag == "--api.insecure" and ("=" not in word or _is(value, _TRUE)):
            out.append(OpenPlane("Traefik", word, "the dashboard and API show every router, service and "
                                 "middleware to anyone, without a login", (8080,), "arg", word, "high"))
            break
    else:
        if _is(upper.get("TRAEFIK_API_INSECURE"), _TRUE):
            out.append(OpenPlane("Traefik", "TRAEFIK_API_INSECURE=true", "the dashboard and API show every "
                                 "router, service and middleware to anyone, without a login", (8080,), "env",
                                 _name(env, "TRAEFIK_API_INSECURE"), "high"))

    # Grafana anonymous access with a role that edits or administers
    if _is(upper.get("GF_AUTH_ANONYMOUS_ENABLED"), _TRUE):
        role = str(upper.get("GF_AUTH_ANONYMOUS_ORG_ROLE") or "Viewer").strip().strip("'\"")
        if role.lower() in ("editor", "admin"):
            out.append(OpenPlane(
                "Grafana", f"GF_AUTH_ANONYMOUS_ENABLED=true with GF_AUTH_ANONYMOUS_ORG_ROLE={role}",
                f"anyone is {role} of the organisation: they query every data source and change dashboards"
                + (", users and data sources" if role.lower() == "admin" else ""),
                (3000,), "env", _name(env, "GF_AUTH_ANONYMOUS_ENABLED"), "high"))

    # Jupyter with an empty token and no password: a shell for anyone
    token = next(((f, v, w) for f, v, w in flags if f in _TOKEN_FLAGS), None)
    if token is not None and _empty(token[1]):
        password = any(f in _PASSWORD_FLAGS and not _empty(v) and v is not None for f, v, _ in flags)
        if not password:
            out.append(OpenPlane("Jupyter", token[2], "anyone runs code in the container from the browser: "
                                 "the token is empty and no password is set", (8888,), "arg", token[2], "critical"))

    # a Docker daemon on TCP without TLS: root on the daemon's host for anyone who connects
    tls = any(f in ("--tlsverify", "--tls") and not _is(v, _FALSE) for f, v, _ in flags)
    for flag, value, word in flags:
        if flag not in ("-h", "--host") or not value:
            continue
        match = _TCP_HOST_RE.match(value.strip())
        if match is None or tls:
            continue
        host = match.group(1).strip("[]")
        if is_loopback(host):
            continue
        port = int(match.group(2)) if match.group(2) else 2375
        out.append(OpenPlane("Docker API", word if "=" in word else f"{word} {value}",
                             "anyone who connects controls the Docker daemon (starts privileged containers, "
                             "reads every container's environment): TCP without TLS", (port,), "arg", word, "critical"))
        break
    else:
        if image is not None and image.repository.lower() in ("docker", "library/docker") and "dind" in (image.tag or "") \
                and "DOCKER_TLS_CERTDIR" in upper and _empty(upper.get("DOCKER_TLS_CERTDIR") or ""):
            out.append(OpenPlane("Docker API", "DOCKER_TLS_CERTDIR= (empty)",
                                 "the docker:dind daemon listens on tcp 2375 without TLS: anyone who connects "
                                 "controls it", (2375,), "env", _name(env, "DOCKER_TLS_CERTDIR"), "critical"))

    # Kibana with its security off or without credentials; OpenSearch Dashboards without its security plugin
    kibana = _kibana(image, env, flags, mounts, upper)
    if kibana is not None:
        out.append(kibana)
    if _ends(image, ("opensearch-dashboards",)) and _is(upper.get("DISABLE_SECURITY_DASHBOARDS_PLUGIN"), _TRUE):
        out.append(OpenPlane("OpenSearch Dashboards", "DISABLE_SECURITY_DASHBOARDS_PLUGIN=true",
                             "anyone reads and changes every index it reaches without a login", (5601,), "env",
                             _name(env, "DISABLE_SECURITY_DASHBOARDS_PLUGIN"), "high"))

    # Elasticsearch/OpenSearch with their security off (only search images read these; not their dashboards)
    if image is not None and any(image.name.lower().startswith(n) for n in _SEARCH_IMAGES) \
            and "dashboards" not in image.name.lower():
        for key, accepted in _SEARCH_OFF.items():
            if _is(lower.get(key), accepted):
                out.append(OpenPlane(image.name.split("-")[0].capitalize(), f"{_name(env, key)}={lower.get(key)}",
                                     "every index is readable and writable by anyone, without a login",
                                     (9200,), "env", _name(env, key), "critical", kind="store"))
                break

    # CORS: every origin, with credentials (django-cors-headers reflects the origin)
    allow_all = next((k for k in ("CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS") if _is(upper.get(k), _TRUE)), None)
    if allow_all is not None and _is(upper.get("CORS_ALLOW_CREDENTIALS"), _TRUE):
        out.append(OpenPlane("CORS", f"{allow_all}=true with CORS_ALLOW_CREDENTIALS=true",
                             "any web site a logged-in user visits can call the API with their session",
                             (), "env", _name(env, allow_all), "medium", kind="cors"))

    # admin ports with no login by default
    for names, product, port, impact, what in _ADMIN_IMAGES:
        if _ends(image, names):
            out.append(OpenPlane(product, f"{product} port {port}", what, (port,), "image", "image", impact,
                                 by_setting=False))
            break
    return out


def _name(env: Mapping[str, str | None], wanted: str) -> str:
    """The variable as the file spells it (``xpack.security.enabled`` or ``GF_...``)."""
    return next((str(k) for k in env if str(k).lower() == wanted.lower()), wanted)


#: node ports that serve the web or a control plane, and what binding them on a node opens (hostPort)
HOST_PORTS: dict[int, str] = {
    80: "plain HTTP on the node's address, beside (or instead of) the ingress",
    443: "HTTPS on the node's address, beside (or instead of) the ingress",
    22: "an SSH server on the node's address",
    2375: "the Docker API port (root on the daemon's host when it answers without TLS)",
    2376: "the Docker API port",
    2379: "etcd's client API",
    2380: "etcd's peer API",
    6443: "a Kubernetes API server port",
    10250: "the kubelet's API port",
    8500: "Consul's HTTP API",
    9901: "Envoy's admin interface",
    9090: "Prometheus (no login)",
    9093: "Alertmanager (no login)",
    5601: "Kibana",
}

#: images (repository endings) of ingress controllers and edge proxies that bind 80/443 on nodes by design
_EDGE_IMAGES = (
    "ingress-nginx/controller", "ingress-nginx/controller-chroot", "nginx-ingress-controller", "nginx/nginx-ingress",
    "nginx-ingress", "traefik", "haproxy-ingress", "haproxytech/kubernetes-ingress", "kubernetes-ingress",
    "contour", "projectcontour/contour", "envoyproxy/envoy", "envoy", "envoy-distroless", "envoyproxy/gateway",
    "kong", "kong/kong-gateway", "kong/kubernetes-ingress-controller", "caddy", "caddy/ingress", "skipper",
    "emissary", "datawire/emissary", "istio/proxyv2", "proxyv2", "pomerium/ingress-controller",
    "cloudflare/cloudflared", "nginx", "nginxinc/nginx-unprivileged", "haproxy", "haproxytech/haproxy-alpine",
    "haproxytech/haproxy-debian",
)


def is_edge_proxy(image: ImageRef | None) -> bool:
    """An ingress controller or edge proxy image: binding 80/443 on a node is its job."""
    return _ends(image, _EDGE_IMAGES) or (image is not None and "ingress" in image.name.lower()
                                          and "controller" in image.repository.lower())


#: severity names one step lower, for a plane reachable only from a private network
LOWER = {"critical": "high", "high": "medium", "medium": "low", "low": "low"}
