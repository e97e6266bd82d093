"""GITOPS001: a chart installed without a fixed version (HelmRelease, Argo CD, helmCharts, scripts)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.components import version_floats

CHECK = Check(
    code="GITOPS001",
    name="chart-version-floating",
    title="Chart installed without a fixed version (missing, `*`, a range or HEAD)",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A HelmRelease, an Argo CD Application, a Kustomize `helmCharts` entry or a `helm upgrade "
        "--install` without a version (or with `*`, `>=4.0.0`, `^1.2`) installs whatever the chart "
        "repository publishes next: a new major version with breaking values or CRD changes rolls "
        "out at the next reconcile, unreviewed, and clusters built from the same commit differ."
    ),
    remediation=(
        "Pin the chart version (`spec.chart.spec.version: 1.15.3`, `targetRevision: 1.15.3`, "
        "`version:`, `--version 1.15.3`).",
        "Let Renovate or Dependabot propose upgrades as reviewed pull requests.",
    ),
    effort="30m",
    references=(
        "https://fluxcd.io/flux/components/helm/helmreleases/#chart-template",
        "https://argo-cd.readthedocs.io/en/stable/user-guide/helm/",
    ),
)

_VIA = ("HelmRelease", "HelmChart", "Application", "ApplicationSet", "kustomize helmCharts", "script")
_WHAT = {"HelmRelease": "spec.chart.spec.version", "HelmChart": "spec.version", "Application": "targetRevision",
         "ApplicationSet": "targetRevision", "kustomize helmCharts": "version", "script": "--version"}


@CHECK.on_each("install")
def chart_version_floating(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    via = fact.data.via
    if via not in _VIA or fact.data.chart_ref or fact.data.local or not fact.data.chart:
        return  # chartRef: the source pins it (GITOPS002); a chart from Git: its revision does
    version = fact.data.version
    why = version_floats(version)
    if via in ("Application", "ApplicationSet") and version and version.strip().upper() == "HEAD":
        why = "targetRevision HEAD takes whatever is newest"
    if why is None:
        return
    chart, release = fact.data.chart, fact.data.release or fact.data.chart
    line = fact.data.version_line or fact.line
    who = "an install script" if via == "script" else f"{via} {release!r}"
    yield CHECK.finding(
        Pos(line, line, tuple(fact.ypath) + ("version",), path=path), resource=f"{via}/{release}/chart/{chart}",
        message=f"{who} installs chart {chart!r} without a fixed version: {why}",
        evidence=f"{_WHAT[via]}: {version}" if version else f"{_WHAT[via]}: (none)",
    )
