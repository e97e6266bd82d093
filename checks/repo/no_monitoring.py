"""REPO004: services run, and nothing watches them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.images import parse_image
from ..models.topics import COMPOSE_SERVICE
from ..scope import absence, provided

CHECK = Check(
    code="REPO004",
    name="no-monitoring",
    title="No monitoring or alerting anywhere",
    severity=Severity.MEDIUM,
    category=Category.MONITORING,
    rationale=(
        "The repository runs services but shows no sign of metrics, alerting or error "
        "tracking: no Prometheus, Grafana, Alertmanager, ServiceMonitor/PrometheusRule, "
        "Datadog, New Relic, OpenTelemetry collector, uptime checker or APM/error-tracking "
        "key. Outages are then reported by users, and slow failures (a full disk, a stuck "
        "queue) by nobody. Log shippers alone do not alert."
    ),
    remediation=(
        "Collect metrics (Prometheus or a hosted agent) from every service and host.",
        "Alert on symptoms users feel: availability, error rate, latency, plus disk space and backup age.",
        "Add an external uptime check, and error tracking (Sentry or similar) to the applications.",
    ),
    effort="1d",
    references=(
        "https://prometheus.io/docs/introduction/overview/",
        "https://sre.google/sre-book/monitoring-distributed-systems/",
    ),
)

_KINDS = ("ServiceMonitor", "PodMonitor", "PrometheusRule", "Prometheus", "Alertmanager", "AlertmanagerConfig",
          "Probe", "ScrapeConfig", "VMServiceScrape", "VMPodScrape", "VMRule", "VMAlert", "VMAgent", "VMSingle",
          "VMCluster", "GrafanaDashboard", "Grafana", "DatadogAgent", "DatadogMonitor", "PodLogs", "Instrumentation",
          "OpenTelemetryCollector", "PodMonitoring", "ClusterPodMonitoring", "Rules", "ClusterRules", "GlobalRules",
          "PrometheusAgent", "VMAlertmanager")
_INSTALLERS = ("HelmRelease", "Application", "HelmChart", "ApplicationSet")
_STACK_WORDS = ("prometheus", "grafana", "datadog", "newrelic", "victoria-metrics", "alertmanager", "signoz", "netdata")
_IMAGE_NAMES = ("prometheus", "alertmanager", "grafana", "grafana-agent", "agent", "alloy", "victoria-metrics",
                "victoriametrics", "vmagent", "vmalert", "vmsingle", "thanos", "mimir", "cortex", "netdata",
                "uptime-kuma", "gatus", "nagios", "icinga2", "checkmk", "signoz", "opentelemetry-collector",
                "opentelemetry-collector-contrib", "apm-server", "healthchecks", "statping", "zabbix-server-pgsql",
                "zabbix-server-mysql", "zabbix-agent", "zabbix-agent2", "telegraf", "influxdb", "chronograf",
                "kapacitor", "sensu", "oneagent", "instana-agent")
_VENDOR_RE = re.compile(r"datadog|newrelic|new-relic|dynatrace|instana|honeycomb|signalfx|splunk-otel|elastic-agent|sumologic")
_ENV_RE = re.compile(r"^(DD_API_KEY|DATADOG_API_KEY|NEW_RELIC_LICENSE_KEY|NEW_RELIC_KEY|NEWRELIC_\w+|SENTRY_DSN|"
                     r"\w*_SENTRY_DSN|OTEL_EXPORTER_OTLP_\w*ENDPOINT|HONEYCOMB_API_KEY|ELASTIC_APM_\w+|BUGSNAG_\w*KEY|"
                     r"ROLLBAR_\w*TOKEN|HONEYBADGER_API_KEY|APPSIGNAL_PUSH_API_KEY|SCOUT_KEY|DT_\w*TOKEN|AIRBRAKE_\w+)$")
_LONG_RUNNING = ("Deployment", "StatefulSet", "DaemonSet", "Rollout", "DeploymentConfig", "ReplicaSet")
_DEV_WORDS = {"dev", "development", "local", "test", "tests", "testing", "ci", "e2e", "example", "examples",
              "sample", "samples", "demo", "devcontainer", "override", "fixtures"}


def _monitoring_image(image: str) -> bool:
    ref = parse_image(image)
    name = ref.name.lower()
    repo = ref.repository.lower()
    if name == "agent":
        return "grafana" in repo or "datadog" in repo
    return name in _IMAGE_NAMES or bool(_VENDOR_RE.search(f"{ref.registry or ''}/{repo}"))


_KIND_TOPICS = frozenset(f"k8s:{kind}" for kind in _KINDS)
_INSTALLER_TOPICS = frozenset(f"k8s:{kind}" for kind in _INSTALLERS)
_LONG_RUNNING_TOPICS = frozenset(f"k8s:{kind}" for kind in _LONG_RUNNING)


def _evidence_fact(_path: str, fact) -> bool:
    """One fact that shows metrics, alerts or error tracking are collected."""
    topic = fact.topic
    if topic.startswith("k8s:"):
        if topic in _KIND_TOPICS:
            return True
        if any(_monitoring_image(str(image)) for image in fact.data.images or ()):
            return True
        if topic in _INSTALLER_TOPICS:  # a monitoring stack installed by Flux/Argo/Helm
            return any(word in str(fact.data.name or fact.key).lower() for word in _STACK_WORDS)
        return False
    if topic == "compose:service":
        if fact.data.image and _monitoring_image(str(fact.data.image)):
            return True
        return bool(_ENV_RE.match(fact.key.upper()) or any(_ENV_RE.match(str(n)) for n in fact.data.env or ()))
    if topic in ("env:key", "code:env-read"):
        return bool(_ENV_RE.match(fact.key))
    if topic == "workload:pod":  # scraped through prometheus.io/* annotations
        return bool(fact.data.scrape)
    return False


def monitoring_evidence(index: RepoIndex) -> bool:
    prefixes = ("k8s:", "compose:service", "env:key", "code:env-read", "workload:pod")
    return index.count_where("monitoring-evidence", prefixes, _evidence_fact) > 0


def _service_fact(path: str, fact) -> bool:
    if fact.topic == "compose:service":
        return not set(re.split(r"[/._\-]+", path.lower())) & _DEV_WORDS
    return fact.topic in _LONG_RUNNING_TOPICS


def _examples(index: RepoIndex, limit: int) -> list[str]:
    """A few services to name in the message, found without listing them all."""
    out = [f"service/{fact.key}" for path, fact in index.sample(COMPOSE_SERVICE, limit * 4)
           if _service_fact(path, fact)][:limit]
    for kind in _LONG_RUNNING:
        if len(out) >= limit:
            break
        out.extend(f"{kind}/{fact.data.name or fact.key}" for _, fact in index.sample(f"k8s:{kind}", limit - len(out)))
    return out


@CHECK.on_repo
def no_monitoring(index: RepoIndex) -> Iterator[Finding]:
    prefixes = ("compose:service", *sorted(_LONG_RUNNING_TOPICS))
    count = index.count_where("running-services", prefixes, _service_fact)
    if not count or monitoring_evidence(index) or provided(index, "monitoring"):
        return
    services = _examples(index, 4)
    shown = ", ".join(services) + (f" and {count - len(services)} more" if count > len(services) else "")
    qualifier, severity = absence(index, "monitoring", CHECK.severity, "monitoring")
    yield CHECK.finding(
        resource="monitoring",
        message=f"{count} service{'s' if count != 1 else ''} run{'s' if count == 1 else ''} ({shown}) but nothing "
                f"collects metrics, alerts or tracks errors{qualifier}",
        severity=severity,
    )
