from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload

CHECK = Check(
    code="K8S007",
    name="missing-liveness-probe",
    title="Container has no liveness probe",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    rationale=(
        "A process that deadlocks or stops making progress without exiting is never restarted "
        "without a liveness probe: the pod stays Running and, if it is still Ready, keeps "
        "failing requests. A liveness probe lets the kubelet restart it."
    ),
    remediation=(
        "Add a `livenessProbe` that fails only when a restart would help (a local `/healthz`, not a dependency check).",
        "Give it a generous `failureThreshold` and a `startupProbe` so slow starts are not killed.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
    peers=("kube-linter no-liveness-probe", "checkov CKV_K8S_8"),
)


@CHECK.on(Workload)
def missing_liveness_probe(workload: Workload) -> Iterator[Finding]:
    if not workload.long_running:
        return
    for container in workload.containers():
        if isinstance(container.node.get("livenessProbe"), dict):
            continue
        yield CHECK.finding(
            container.node, "livenessProbe",
            resource=container.resource,
            message=f"container {container.name!r} of {workload.resource} has no liveness probe",
        )
