from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload, long_lived_containers
from .shared import resource_value

CHECK = Check(
    code="K8S009",
    name="missing-memory-limit",
    title="Container has no memory limit",
    severity=Severity.MEDIUM,
    category=Category.RESOURCES,
    rationale=(
        "A container without a memory limit can grow until the node runs out of memory; the "
        "kernel's OOM killer then picks victims among all pods on the node, not just the leaking "
        "one. A limit confines a leak to the container that has it. (CPU limits are a separate "
        "trade-off and are not required here.)"
    ),
    remediation=(
        "Set `resources.limits.memory`, usually equal to the memory request for predictable behaviour.",
        "Watch `container_memory_working_set_bytes` and OOMKilled restarts to size it.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
        "https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/",
    ),
    peers=("kube-linter unset-memory-requirements", "checkov CKV_K8S_13"),
)


@CHECK.on(Workload)
def missing_memory_limit(workload: Workload) -> Iterator[Finding]:
    for container in long_lived_containers(workload):
        if resource_value(container.node, "limits", "memory") not in (None, ""):
            continue
        yield CHECK.finding(
            container.node, "resources",
            resource=container.resource,
            message=f"container {container.name!r} of {workload.resource} has no memory limit",
        )
