from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.node_agents import bootstrap_installer, node_agent
from ..models.k8s.objects import Workload

CHECK = Check(
    code="K8S018",
    name="host-namespaces",
    title="Pod shares the node's network, PID or IPC namespace",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "`hostNetwork` puts the pod on the node's network stack: it can bind node ports, reach "
        "services listening on localhost (the kubelet, cloud metadata proxies) and bypass "
        "NetworkPolicies. `hostPID` lets it see and signal every process on the node, and read "
        "their environment; `hostIPC` lets it read other processes' shared memory. A node agent "
        "(a CNI plugin, node-exporter, a log shipper, a CSI node plugin: a DaemonSet, never a "
        "Deployment) shares the host network or PID namespace for its job: low, 'by design for a "
        "node agent'; its hostIPC is medium. A one-shot Job placed as a system component that "
        "installs the pod network (`cilium install`, `helm install` of a CNI) has no other network to "
        "use: its hostNetwork is medium, 'by design for cluster bootstrap'."
    ),
    remediation=(
        "Remove `hostNetwork`, `hostPID` and `hostIPC` (they default to false).",
        "Expose ports through a Service (or `hostPort` for a node agent) instead of the host network.",
        "Where a node agent needs them (CNI, monitoring), run it in a dedicated namespace with a Pod Security exception.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    peers=("kube-linter host-network", "kube-linter host-pid", "kube-linter host-ipc",
           "checkov CKV_K8S_17", "checkov CKV_K8S_18", "checkov CKV_K8S_19"),
)

WHAT = {
    "hostNetwork": "the node's network namespace",
    "hostPID": "the node's process namespace",
    "hostIPC": "the node's IPC namespace",
}


#: what a node agent shares by design (hostIPC is rarely needed, even by one)
AGENT_SEVERITY = {"hostNetwork": Severity.LOW, "hostPID": Severity.LOW, "hostIPC": Severity.MEDIUM}


@CHECK.on(Workload, patches=True)
def host_namespaces(workload: Workload) -> Iterator[Finding]:
    agent = node_agent(workload)
    bootstrap = bootstrap_installer(workload)
    for key, what in WHAT.items():
        if workload.pod_spec.get(key) is True:
            message = f"{workload.resource} shares {what} ({key}: true)"
            severity = None
            if agent is not None:
                message += f", {agent.reason}"
                severity = AGENT_SEVERITY[key]
            elif bootstrap is not None and bootstrap.installs_network and key == "hostNetwork":
                message += (f", {bootstrap.reason}: make sure what it installs is pinned and comes from a source you "
                            "trust")
                severity = Severity.MEDIUM
            yield CHECK.finding(
                workload.pod_spec, key,
                resource=workload.resource,
                severity=severity,
                message=message,
                evidence=f"{key}: true",
            )
