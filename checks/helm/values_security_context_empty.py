"""HELM009: a chart's values leave ``securityContext`` empty and no values file beside sets it."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import HELM_VALUES
from .shared import unset_in_chart_values

CHECK = Check(
    code="HELM009",
    name="values-security-context-empty",
    title="Helm values leave the security context empty",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "`securityContext: {}` / `podSecurityContext: {}` in a chart's values render pods that run "
        "as whatever user the image picks (often root), may escalate privileges and keep every "
        "default capability. Helm's scaffold leaves them empty; the values you deploy with should "
        "set them."
    ),
    remediation=(
        "Set `runAsNonRoot: true`, `allowPrivilegeEscalation: false`, `capabilities: {drop: [ALL]}`, "
        "`readOnlyRootFilesystem: true` and `seccompProfile: {type: RuntimeDefault}` in the values.",
    ),
    effort="1h",
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",),
)


@CHECK.on_each(HELM_VALUES)
def values_security_context_empty(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    found = unset_in_chart_values(path, fact, index, "empty_security", "set_security")
    if found is None:
        return
    first, shown = found
    yield CHECK.finding(
        Pos(first, first, ("securityContext",), path=path), resource=f"values/{path}",
        message=f"{path} leaves the security context empty ({shown}) and no values file beside it sets it",
    )
