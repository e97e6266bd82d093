from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload

CHECK = Check(
    code="K8S006",
    name="missing-readiness-probe",
    title="Container has no readiness probe",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale=(
        "Without a readiness probe a pod receives Service traffic as soon as its process starts, "
        "before it has connected to its database or warmed its caches, and keeps receiving it "
        "while it is overloaded or stuck. Rolling updates also count such pods as available "
        "at once, so a broken release replaces every healthy pod."
    ),
    remediation=(
        "Add a `readinessProbe` that checks the app can serve (an HTTP `/ready` or a TCP/gRPC check on its port).",
        "Keep it cheap and independent of downstream outages you cannot fix by restarting traffic routing.",
        "Use a `startupProbe` for slow starts rather than a long `initialDelaySeconds`.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
    peers=("kube-linter no-readiness-probe", "checkov CKV_K8S_9"),
)


@CHECK.on(Workload)
def missing_readiness_probe(workload: Workload) -> Iterator[Finding]:
    if not workload.long_running:  # Jobs, CronJobs and bare Pods are not behind rollouts
        return
    for container in workload.containers():
        if isinstance(container.node.get("readinessProbe"), dict):
            continue
        serves = bool(container.node.list("ports"))
        yield CHECK.finding(
            container.node, "readinessProbe",
            resource=container.resource,
            severity=None if serves else Severity.LOW,
            message=(f"container {container.name!r} of {workload.resource} has no readiness probe"
                     + ("" if serves else " (it declares no ports, so it may not serve traffic)")),
        )
