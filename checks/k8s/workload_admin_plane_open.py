"""K8S085: an admin plane or service is left open to anyone who reaches it (containers and argocd-cm)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject, Workload
from ..models.open_planes import LOWER, open_planes
from ..models.yamlnodes import YList, YMap

CHECK = Check(
    code="K8S085",
    name="workload-admin-plane-open",
    title="Admin plane or service left open without a login",
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "The same settings that open a plane in compose open it in a cluster: Traefik's `--api.insecure`, "
        "Grafana's anonymous Editor/Admin role, Jupyter with an empty token, a Docker daemon on TCP without "
        "TLS, Elasticsearch/OpenSearch with security off, Kibana 7 or OpenSearch Dashboards with theirs off, CORS for every origin with credentials, Argo CD's "
        "`users.anonymous.enabled`. Every pod of the cluster reaches them, and any Service, Ingress or "
        "port-forward reaches them from further away. Severity follows exposure: on a hostPort or the host "
        "network it is what the product allows; reachable inside the cluster it is one step lower. Admin "
        "ports with no login (Envoy 9901, Consul 8500, Prometheus 9090, Alertmanager 9093, etcd 2379, Kibana "
        "given no Elasticsearch credentials and no envFrom) are reported only on a hostPort or the host network."
    ),
    remediation=(
        "Turn the product's login back on (remove the flag or variable, use the Viewer role, set a token).",
        "Do not bind admin ports to the node (`hostPort`, `hostNetwork`); reach them with `kubectl port-forward`.",
        "Put the UI behind the ingress's authentication (oauth2-proxy, forward auth) and a NetworkPolicy.",
    ),
    effort="30m",
    references=(
        "https://doc.traefik.io/traefik/operations/api/#insecure",
        "https://argo-cd.readthedocs.io/en/stable/operator-manual/user-management/#anonymous-access",
        "https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/grafana/#anonymous-authentication",
        "https://kubernetes.io/docs/concepts/configuration/overview/#services",
    ),
    peers=("kube-linter host-port (hostPort only)",),
)

_SEVERITY = {"critical": Severity.CRITICAL, "high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW}
_TRUE = ("true", "yes", "1", "on")


def _words(node: YMap, key: str) -> list[str]:
    value = node.get(key)
    if isinstance(value, YList):
        return [str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool)]
    return []


def _env(node: YMap) -> tuple[dict[str, str | None], dict[str, tuple[YMap, str]]]:
    values: dict[str, str | None] = {}
    where: dict[str, tuple[YMap, str]] = {}
    for _, item in node.list("env").maps():
        name = item.get("name")
        if name is None or "valueFrom" in item:
            continue
        value = item.get("value")
        values[str(name)] = None if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        where[str(name)] = (item, "value" if "value" in item else "name")
    return values, where


def _host_ports(node: YMap) -> dict[int, tuple[YMap, str]]:
    out: dict[int, tuple[YMap, str]] = {}
    for _, port in node.list("ports").maps():
        host, target = port.get("hostPort"), port.get("containerPort")
        if isinstance(host, int) and not isinstance(host, bool) and isinstance(target, int):
            out[target] = (port, "hostPort")
    return out


@CHECK.on(K8sObject, patches=True)
def workload_admin_plane_open(obj: K8sObject) -> Iterator[Finding]:
    if isinstance(obj, Workload):
        yield from _containers(obj)
    else:
        yield from _argocd_anonymous(obj)


def _containers(workload: Workload) -> Iterator[Finding]:
    host_network = workload.pod_spec.get("hostNetwork") is True
    for container in workload.containers():
        node = container.node
        env, where = _env(node)
        words = _words(node, "command") + _words(node, "args")
        host_ports = _host_ports(node)
        # absences are only read when the whole environment is known (no envFrom)
        known = "envFrom" not in node
        names = {str(item.get("name")): None for _, item in node.list("env").maps() if item.get("name") is not None}
        mounts = [str(m.get("mountPath") or "") for _, m in node.list("volumeMounts").maps()] if known else None
        for plane in open_planes(container.image_ref, {**names, **env}, words, mounts):
            bound = next((host_ports[p] for p in plane.ports if p in host_ports), None)
            on_node = host_network or bound is not None
            if not plane.by_setting and not on_node:
                continue
            severity = _SEVERITY[plane.impact if on_node else LOWER[plane.impact]]
            reach = ("on the node's network" if host_network else "bound to the node by hostPort") if on_node else \
                "reachable by every pod of the cluster, and further by any Service or Ingress in front of it"
            message = f"{container.resource}: {plane.product} is open, {plane.what}; {reach}"
            if plane.via == "env" and plane.name in where:
                at, key = where[plane.name]
            elif plane.via == "arg":
                key = "command" if plane.name in _words(node, "command") else "args"
                at = node
            elif bound is not None:
                at, key = bound
            else:
                at, key = node, "image"
            yield CHECK.finding(at, key, resource=container.resource, message=message, evidence=plane.setting,
                                severity=severity)


def _argocd_anonymous(obj: K8sObject) -> Iterator[Finding]:
    if obj.kind != "ConfigMap" or str(obj.metadata.get("name") or "") != "argocd-cm":
        return
    data = obj.doc.get("data")
    if not isinstance(data, YMap):
        return
    value = data.get("users.anonymous.enabled")
    if value is None or str(value).strip().lower() not in _TRUE:
        return
    yield CHECK.finding(
        data, "users.anonymous.enabled", resource=obj.resource, severity=Severity.MEDIUM,
        message=f"{obj.resource}: Argo CD lets anyone in without a login, with the role of "
                "argocd-rbac-cm's policy.default (often role:readonly: every application, its manifests and "
                "their history; role:admin: every cluster Argo CD deploys to)",
        evidence="users.anonymous.enabled: \"true\"",
    )
