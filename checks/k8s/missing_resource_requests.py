from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload, long_lived_containers
from .shared import resource_value

CHECK = Check(
    code="K8S008",
    name="missing-resource-requests",
    title="Container has no CPU or memory request",
    severity=Severity.MEDIUM,
    category=Category.RESOURCES,
    rationale=(
        "The scheduler places pods by their requests. A container without them is scheduled as "
        "if it needed nothing, so nodes get overcommitted, and it lands in the BestEffort QoS "
        "class: the first pod evicted under memory pressure. Autoscalers that work on "
        "utilisation cannot compute it without a request."
    ),
    remediation=(
        "Set `resources.requests.cpu` and `resources.requests.memory` from observed usage (p95 plus headroom).",
        "A LimitRange can supply defaults per namespace, but explicit requests document the intent.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/",
    ),
    peers=("kube-linter unset-cpu-requirements", "kube-linter unset-memory-requirements",
           "checkov CKV_K8S_10", "checkov CKV_K8S_12"),
)


@CHECK.on(Workload)
def missing_resource_requests(workload: Workload) -> Iterator[Finding]:
    for container in long_lived_containers(workload):
        # a limit without a request makes the request equal to the limit
        missing = [name for name in ("cpu", "memory")
                   if resource_value(container.node, "requests", name) in (None, "")
                   and resource_value(container.node, "limits", name) in (None, "")]
        if not missing:
            continue
        yield CHECK.finding(
            container.node, "resources",
            resource=container.resource,
            message=(f"container {container.name!r} of {workload.resource} requests no "
                     f"{' and no '.join(missing)}"),
            evidence="resources: " + ("(none)" if "resources" not in container.node else "no " + ", ".join(
                f"requests.{m}" for m in missing)),
        )
