from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..scope import absence

CHECK = Check(
    code="K8S072",
    name="no-network-policy",
    title="Workloads run with no NetworkPolicy at all",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_POLICY,
    rationale=(
        "Kubernetes lets every pod reach every other pod in every namespace by default. With no "
        "NetworkPolicy in the repository, one compromised pod can talk to the databases, the "
        "internal admin APIs and the cloud metadata endpoint of the whole cluster."
    ),
    remediation=(
        "Add a default-deny NetworkPolicy (`podSelector: {}` with both policy types) per namespace.",
        "Then allow the flows each workload needs: ingress from its callers, egress to its "
        "dependencies and DNS.",
        "Check that the cluster's CNI enforces NetworkPolicy (Calico, Cilium, ...).",
    ),
    effort="4h",
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies",
    ),
    peers=("kube-linter non-isolated-pod",),
)

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "DeploymentConfig", "Rollout")
POLICY_KINDS = (
    "NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy",
    "AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
)


@CHECK.on_repo
def no_network_policy(index: RepoIndex) -> Iterator[Finding]:
    if any(index.has(f"k8s:{kind}") for kind in POLICY_KINDS):
        return
    count = sum(index.count(f"k8s:{kind}") for kind in WORKLOAD_KINDS)
    if not count:
        return
    examples: list[str] = []
    for kind in WORKLOAD_KINDS:
        for path, fact in index.sample(f"k8s:{kind}", 3 - len(examples)):
            examples.append(f"{kind}/{fact.data.name} ({path})")
        if len(examples) >= 3:
            break
    qualifier, severity = absence(index, "NetworkPolicy", CHECK.severity, "network-policy")
    yield CHECK.finding(
        resource="NetworkPolicy",
        message=f"{count} workload(s) but no NetworkPolicy{qualifier or ' anywhere'}: every pod may accept traffic "
                f"from every other pod" if qualifier else f"{count} workload(s) but no NetworkPolicy anywhere: every pod "
                f"accepts traffic from every other pod",
        evidence=", ".join(examples), severity=severity,
    )
