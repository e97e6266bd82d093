from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex

CHECK = Check(
    code="K8S075",
    name="prometheus-without-monitors",
    title="Prometheus resource has nothing to scrape",
    severity=Severity.MEDIUM,
    category=Category.MONITORING,
    rationale=(
        "The Prometheus Operator builds the scrape configuration from ServiceMonitors, "
        "PodMonitors, Probes and ScrapeConfigs. With none of them in the repository and no "
        "additional scrape configuration, this Prometheus runs, uses resources and collects "
        "nothing: dashboards and alerts built on it stay empty."
    ),
    remediation=(
        "Add ServiceMonitors (or PodMonitors) for the services to watch, with labels its "
        "`serviceMonitorSelector` matches.",
        "Or point `additionalScrapeConfigs` at a Secret with plain scrape jobs.",
    ),
    effort="1h",
    references=("https://prometheus-operator.dev/docs/developer/getting-started/#using-servicemonitors",),
)

TARGET_KINDS = ("ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig")


@CHECK.on_repo
def prometheus_without_monitors(index: RepoIndex) -> Iterator[Finding]:
    if not index.has("k8s:Prometheus") or any(index.has(f"k8s:{kind}") for kind in TARGET_KINDS):
        return
    for path, fact in index.k8s("Prometheus"):
        if not str(fact.data.api or "").startswith("monitoring.coreos.com/") or fact.data.scrape_configs:
            continue
        yield CHECK.finding(
            Pos(fact.line, fact.line, fact.ypath, path=path),
            resource=f"Prometheus/{fact.data.name}",
            message=f"Prometheus/{fact.data.name} has no ServiceMonitor, PodMonitor, Probe or scrape "
                    f"config anywhere in the repository",
        )
