from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..scope import absence
from .shared import MONITOR_KINDS, prometheus_present

CHECK = Check(
    code="K8S074",
    name="monitor-without-prometheus",
    title="ServiceMonitor/PodMonitor but no Prometheus in the repository",
    severity=Severity.LOW,
    category=Category.MONITORING,
    rationale=(
        "ServiceMonitors and PodMonitors are instructions for the Prometheus Operator. With no "
        "Prometheus (operator, custom resource or server) in the repository, nothing is "
        "known to scrape them: the metrics the team relies on may not be collected at all."
    ),
    remediation=(
        "Deploy the Prometheus Operator and a Prometheus resource from this repository (e.g. "
        "kube-prometheus or the kube-prometheus-stack chart), or",
        "if a shared Prometheus scrapes this cluster, record that dependency and check that its "
        "`serviceMonitorSelector` matches these monitors' labels.",
    ),
    effort="1h",
    references=(
        "https://prometheus-operator.dev/docs/developer/getting-started/",
        "https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor",
    ),
)


@CHECK.on_repo
def monitor_without_prometheus(index: RepoIndex) -> Iterator[Finding]:
    if not any(index.has(f"k8s:{kind}") for kind in MONITOR_KINDS) or prometheus_present(index):
        return
    qualifier, severity = absence(index, "Prometheus", CHECK.severity, "monitoring")
    for kind in MONITOR_KINDS:
        for path, fact in index.k8s(kind):
            yield CHECK.finding(
                Pos(fact.line, fact.line, fact.ypath, path=path),
                resource=f"{kind}/{fact.data.name}",
                message=f"{kind}/{fact.data.name} has no Prometheus in the repository to scrape it{qualifier}",
                severity=severity,
            )
