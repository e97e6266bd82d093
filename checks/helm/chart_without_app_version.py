"""HELM002: an application chart with templates and no ``appVersion``."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import HELM_CHART, HELM_TEMPLATE, HELM_VALUES

CHECK = Check(
    code="HELM002",
    name="chart-without-app-version",
    title="Chart has no appVersion, which its templates use",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "`appVersion` records which version of the application a chart release deploys; `helm "
        "list`, dashboards and the `app.kubernetes.io/version` label show it. Most charts also "
        "default their image tag to it (`{{ .Values.image.tag | default .Chart.AppVersion }}`): "
        "with an empty `tag` in the values and no `appVersion`, the image reference has no tag at "
        "all and pulls `latest`, or fails to render."
    ),
    remediation=(
        "Set `appVersion` in Chart.yaml to the application version the chart deploys, and bump "
        "it with each release (CI or Renovate can do it).",
        "Or set an explicit image `tag` in the values.",
    ),
    effort="15m",
    references=("https://helm.sh/docs/topics/charts/#the-appversion-field",),
)


def _charts_using_app_version(index: RepoIndex) -> frozenset[str]:
    """Chart folders whose templates read ``.Chart.AppVersion`` (a label, a default image tag)."""
    return frozenset(fact.key for _, fact in index.facts(HELM_TEMPLATE) if fact.data.app_version)


@CHECK.on_each(HELM_CHART)
def chart_without_app_version(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.app_version or fact.data.library:
        return
    folder = fact.key
    uses = folder in index.derived("HELM002:uses-app-version", ("helm:template",), _charts_using_app_version)
    empty_tags: list[tuple[str, int, str]] = []
    for values_path in ("values.yaml", "values.yml"):
        for values in index.facts_in(HELM_VALUES, posixpath.join(folder, values_path) if folder else values_path):
            empty_tags.extend(values.data.empty_tags or ())
    if not uses:
        return  # nothing reads it (a wrapper of dependencies, or templates that never use it)
    name = fact.data.name
    if empty_tags:
        image, _, where = empty_tags[0]
        message = (f"chart {name!r} has no appVersion, and its values leave the tag of {image!r} empty "
                   f"({where}): the usual `default .Chart.AppVersion` then yields no tag at all")
        severity = Severity.MEDIUM
    else:
        message = (f"chart {name!r} has no appVersion, which its templates read (.Chart.AppVersion): "
                   f"labels or defaults built from it come out empty")
        severity = CHECK.severity
    yield CHECK.finding(Pos(fact.line, fact.line, ("appVersion",), path=fact.data.path),
                        resource=f"chart/{name}", message=message, severity=severity)
