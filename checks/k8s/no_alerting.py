from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.images import parse_image
from ..scope import absence, provided
from .shared import MONITOR_KINDS, prometheus_present

CHECK = Check(
    code="K8S076",
    name="no-alerting",
    title="Monitoring without alerting: no alert rules and no Alertmanager",
    severity=Severity.MEDIUM,
    category=Category.ALERTING,
    rationale=(
        "The repository collects metrics but defines no alert rule and no Alertmanager to "
        "route alerts. Nobody is woken up when the service is down: incidents are found by "
        "users, and dashboards are only looked at afterwards."
    ),
    remediation=(
        "Add PrometheusRule resources for the symptoms users feel (error rate, latency, "
        "saturation, targets down).",
        "Deploy an Alertmanager (or point Prometheus at a shared one) and route alerts to an "
        "on-call channel.",
    ),
    effort="4h",
    references=(
        "https://prometheus-operator.dev/docs/developer/alerting/",
        "https://prometheus.io/docs/alerting/latest/overview/",
    ),
)

ALERT_KINDS = (
    "PrometheusRule", "Alertmanager", "AlertmanagerConfig", "VMRule", "VMAlertmanager", "VMAlert",
    # Google Cloud Managed Service for Prometheus evaluates these and alerts through Cloud Monitoring
    "Rules", "ClusterRules", "GlobalRules",
)


def _alertmanager_fact(_path: str, fact) -> bool:
    if fact.topic not in ("k8s:Deployment", "k8s:StatefulSet"):
        return False
    return any("alertmanager" in parse_image(str(i)).name.lower() for i in fact.data.main_images or ())


def _alertmanager_workload(index: RepoIndex) -> bool:
    return index.count_where("alertmanager-workload", ("k8s:Deployment", "k8s:StatefulSet"), _alertmanager_fact) > 0


@CHECK.on_repo
def no_alerting(index: RepoIndex) -> Iterator[Finding]:
    monitoring = prometheus_present(index) or any(index.has(f"k8s:{k}") for k in MONITOR_KINDS)
    if not monitoring:
        return
    if any(index.has(f"k8s:{kind}") for kind in ALERT_KINDS) or _alertmanager_workload(index):
        return
    if provided(index, "alerting"):  # kube-prometheus-stack and the like ship Alertmanager and rules
        return
    qualifier, severity = absence(index, "alert rule or Alertmanager", CHECK.severity, "alerting")
    yield CHECK.finding(
        resource="alerting",
        message="metrics are collected (Prometheus or monitors present) but there is no PrometheusRule "
                f"and no Alertmanager{qualifier or ' anywhere in the repository'}",
        severity=severity,
    )
