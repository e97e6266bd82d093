"""HELM008: a chart's values leave ``resources`` empty and no values file beside sets them."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import HELM_VALUES
from .shared import unset_in_chart_values

CHECK = Check(
    code="HELM008",
    name="values-resources-unset",
    title="Helm values leave container resources empty",
    severity=Severity.LOW,
    category=Category.RESOURCES,
    rationale=(
        "`resources: {}` in a chart's values renders containers with no CPU or memory request "
        "or limit. The scheduler then places pods blind, they are the first evicted under "
        "pressure, and one leaking pod can starve its node. Helm's scaffold leaves it empty on "
        "purpose; the values you deploy with should fill it."
    ),
    remediation=(
        "Set requests (and a memory limit) for each component in the values you deploy with "
        "(`values-prod.yaml`, the HelmRelease or Application values).",
        "Size them from observed usage (kubectl top, VPA recommendations).",
    ),
    effort="1h",
    references=("https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",),
)

@CHECK.on_each(HELM_VALUES)
def values_resources_unset(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    found = unset_in_chart_values(path, fact, index, "empty_resources", "set_resources")
    if found is None:
        return
    first, shown = found
    yield CHECK.finding(
        Pos(first, first, ("resources",), path=path), resource=f"values/{path}",
        message=f"{path} leaves resources empty ({shown}) and no values file beside it sets them",
    )
