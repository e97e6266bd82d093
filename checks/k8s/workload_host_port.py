"""K8S026: a pod binds a web or admin port on its node (hostPort)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.addresses import is_loopback
from ..models.k8s.objects import Workload
from ..models.open_planes import HOST_PORTS, is_edge_proxy, open_planes
from ..models.yamlnodes import YList, YMap

CHECK = Check(
    code="K8S026",
    name="workload-host-port",
    title="Pod binds a web or admin port on its node (hostPort)",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_POLICY,
    rationale=(
        "A `hostPort` opens the port on the node's own address: whoever reaches the node reaches the "
        "container, around the Service, the ingress (its TLS, authentication and rate limits) and most "
        "NetworkPolicy implementations. On 80/443 the application answers the internet directly where "
        "the nodes are public; on an admin port (SSH, the Docker or Kubernetes APIs, etcd, the kubelet, "
        "Consul, Envoy's admin, Prometheus, Alertmanager, Kibana) it opens a control plane on every node "
        "the pod lands on, and pins the pod to nodes where the port is free. Ingress controllers and edge "
        "proxies that bind 80/443 on purpose are left alone; a DaemonSet auditui does not recognise on "
        "80/443 is low (it is usually one). An admin plane K8S085 already reports is not reported twice."
    ),
    remediation=(
        "Remove `hostPort` and put a Service (ClusterIP, or LoadBalancer/NodePort when it must be public) in front.",
        "Serve 80/443 through the ingress controller or Gateway, which terminates TLS.",
        "Reach admin ports with `kubectl port-forward`, or bind them to `hostIP: 127.0.0.1` for a node-local agent.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/overview/#services",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    peers=("checkov CKV_K8S_26", "trivy KSV024"),
)



def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _plane_ports(node: YMap, container) -> set[int]:
    """Container ports K8S085 already reports as an open admin plane."""
    env = {str(i.get("name")): (None if i.get("value") is None or "valueFrom" in i else str(i.get("value")))
           for _, i in node.list("env").maps() if i.get("name") is not None}
    lists = [value for key in ("command", "args") if isinstance(value := node.get(key), YList)]
    words = [str(w) for value in lists for w in value if isinstance(w, (str, int)) and not isinstance(w, bool)]
    mounts = [str(m.get("mountPath") or "") for _, m in node.list("volumeMounts").maps()] \
        if "envFrom" not in node else None
    return {port for plane in open_planes(container.image_ref, env, words, mounts) for port in plane.ports}


@CHECK.on(Workload)
def workload_host_port(workload: Workload) -> Iterator[Finding]:
    for container in workload.containers():
        node = container.node
        covered: set[int] | None = None
        for _index, port in node.list("ports").maps():
            host = _int(port.get("hostPort"))
            if host is None or host not in HOST_PORTS:
                continue
            if is_loopback(str(port.get("hostIP") or "")):
                continue
            web = host in (80, 443)
            if web and is_edge_proxy(container.image_ref):
                continue  # an ingress controller or edge proxy: binding the node's 80/443 is its job
            if covered is None:
                covered = _plane_ports(node, container)
            target = _int(port.get("containerPort"))
            if target in covered or host in covered:
                continue  # K8S085 reports the open plane on this port
            severity = CHECK.severity
            why = HOST_PORTS[host]
            if web and workload.kind == "DaemonSet":
                severity = Severity.LOW
                why += "; a DaemonSet on 80/443 is usually an ingress controller auditui did not recognise"
            yield CHECK.finding(
                port, "hostPort", resource=container.resource, severity=severity,
                message=f"{container.resource} binds hostPort {host} on every node it runs on: {why}",
                evidence=f"hostPort: {host} (containerPort: {port.get('containerPort')})",
            )
