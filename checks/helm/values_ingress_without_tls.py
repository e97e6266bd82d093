"""HELM005: Helm values that turn an ingress on without TLS."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.helm import HelmValues, walk
from ..models.yamlnodes import YList, YMap
from .shared import tls_configured

CHECK = Check(
    code="HELM005",
    name="values-ingress-without-tls",
    title="Helm values enable an ingress without TLS",
    severity=Severity.HIGH,
    category=Category.TLS,
    rationale=(
        "The values turn the chart's ingress on (`enabled: true`) for named hosts but give it no "
        "`tls` section and no annotation that terminates TLS elsewhere: the chart renders an "
        "Ingress that serves those hosts over plain HTTP, so logins, cookies and API tokens cross "
        "the network in clear text."
    ),
    remediation=(
        "Add `tls:` with the hosts and a `secretName`, and let cert-manager issue the certificate "
        "(`cert-manager.io/cluster-issuer` annotation, which needs the `tls` section to act).",
        "If a load balancer terminates TLS, say so with its annotation (certificate ARN, managed "
        "certificate) so the setup is visible.",
    ),
    effort="30m",
    references=("https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",),
)

_LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa", ".test", ".example")


def _hosts(ingress: YMap) -> list[str]:
    out = []
    for key in ("hosts", "host", "hostname", "hostName"):
        value = ingress.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, YList):
            for item in value:
                if isinstance(item, str):
                    out.append(item)
                elif isinstance(item, YMap) and isinstance(item.get("host"), str):
                    out.append(item["host"])
    return [h for h in out if h.strip() and "{{" not in h]


@CHECK.on(HelmValues)
def values_ingress_without_tls(values: HelmValues) -> Iterator[Finding]:
    if values.chart_testing:
        return  # chart-testing values (<chart>/ci/): installed by CI to test the chart, never deployed
    for mapping in walk(values.root):
        for key, ingress in mapping.items():
            if not isinstance(ingress, YMap) or not str(key).lower().endswith("ingress"):
                continue
            sections = [ingress] if "enabled" in ingress else [v for v in ingress.values() if isinstance(v, YMap)]
            for section in sections:  # app-template style: ingress: {main: {enabled, hosts, tls}}
                if section.get("enabled") is not True or tls_configured(section):
                    continue
                hosts = _hosts(section)
                public = [h for h in hosts if not h.lower().rstrip(".").endswith(_LOCAL_SUFFIXES) and h != "localhost"]
                if not public:
                    continue  # no host, or only local ones: not judged
                yield CHECK.finding(
                    values.pos(section, "enabled"), resource=f"{values.resource}/{values.dotted(section)}",
                    message=f"{values.origin} enables an ingress ({values.dotted(section)}) for "
                            f"{', '.join(public[:3])} without TLS: it is served over plain HTTP",
                )
