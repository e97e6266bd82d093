from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.images import parse_image

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

MONITOR_KINDS = ("ServiceMonitor", "PodMonitor")
SERVER_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
INSTALLER_KINDS = ("HelmRelease", "Application", "HelmChart")


def _prometheus_workload(fact) -> bool:
    for image in fact.get("main_images") or fact.get("images") or ():
        name = parse_image(str(image)).name.lower()
        if name == "prometheus" or name.startswith("prometheus-operator"):
            return True
    return False


_SERVER_TOPICS = frozenset(f"k8s:{kind}" for kind in SERVER_KINDS)
_INSTALLER_TOPICS = frozenset(f"k8s:{kind}" for kind in INSTALLER_KINDS)


def _prometheus_fact(_path: str, fact) -> bool:
    """One object that is (or installs) a Prometheus server."""
    if fact.topic in _SERVER_TOPICS:
        return _prometheus_workload(fact)
    if fact.topic in _INSTALLER_TOPICS:
        return "prometheus" in str(fact.get("name") or "").lower()
    if fact.topic == "k8s:CustomResourceDefinition":
        return str(fact.get("name") or "") == "prometheuses.monitoring.coreos.com"
    return False


def prometheus_present(index: RepoIndex) -> bool:
    """A Prometheus custom resource, a Prometheus server or operator, or an installer for one."""
    if index.has("k8s:Prometheus") or index.has("k8s:PrometheusAgent"):
        return True
    topics = tuple(sorted(_SERVER_TOPICS | _INSTALLER_TOPICS | {"k8s:CustomResourceDefinition"}))
    return index.count_where("prometheus-server", topics, _prometheus_fact) > 0


@CHECK.on_repo
def monitor_without_prometheus(index: RepoIndex) -> Iterator[Finding]:
    if not any(index.has(f"k8s:{kind}") for kind in MONITOR_KINDS) or prometheus_present(index):
        return
    for kind in MONITOR_KINDS:
        for path, fact in index.k8s(kind):
            yield CHECK.finding(
                Pos(fact.line, fact.line, fact.ypath, path=path),
                resource=f"{kind}/{fact.get('name')}",
                message=f"{kind}/{fact.get('name')} has no Prometheus in the repository to scrape it",
            )
