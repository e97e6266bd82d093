"""HELM001: a chart dependency whose version is a range, ``*`` or missing, with no lock file."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.components import version_floats
from ..models.topics import HELM_LOCK, INSTALL

CHECK = Check(
    code="HELM001",
    name="chart-dependency-floating",
    title="Chart dependency version is a range, `*` or missing, and no Chart.lock pins it",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`helm dependency update` (and Argo CD, Flux or CI building the chart without a lock file) "
        "resolves a range such as `^1.2.0`, `>=4`, `1.x` or `*` to the newest matching release at "
        "build time. Two builds of the same commit can then ship different subcharts, a new major "
        "or minor version arrives unreviewed, and a rollback does not bring the old one back."
    ),
    remediation=(
        "Pin each dependency to one version (`version: 12.5.6`).",
        "Or keep the range and commit the `Chart.lock` that `helm dependency update` writes, so "
        "builds use the locked versions (`helm dependency build`).",
        "Let Renovate or Dependabot propose version bumps as reviewed pull requests.",
    ),
    effort="30m",
    references=(
        "https://helm.sh/docs/helm/helm_dependency/",
        "https://helm.sh/docs/topics/charts/#chart-dependencies",
    ),
)

_LOCKS = ("Chart.lock", "requirements.lock")


@CHECK.on_each(INSTALL)
def chart_dependency_floating(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.via not in ("Chart.yaml", "requirements.yaml"):
        return
    why = version_floats(fact.data.version)
    if why is None:
        return
    folder = posixpath.dirname(path)
    if any(index.facts_in(HELM_LOCK, posixpath.join(folder, lock) if folder else lock) for lock in _LOCKS):
        return  # the lock file pins what the range resolved to
    chart, release = fact.data.chart, fact.data.release
    line = fact.line
    yield CHECK.finding(
        Pos(line, line, tuple(fact.ypath) + ("version",), path=path),
        resource=f"chart/{release}/dependency/{chart}",
        message=f"dependency {chart!r} of chart {release!r}: {why}, and no Chart.lock pins it",
        evidence=f"version: {fact.data.version}" if fact.data.version else "version: (none)",
    )
