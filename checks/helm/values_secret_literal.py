"""HELM004: a password, token or key written in Helm values."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.helm import HelmValues, disabled, walk
from ..models.yamlnodes import YMap
from .shared import literal_secret

CHECK = Check(
    code="HELM004",
    name="values-secret-literal",
    title="Secret written in Helm values",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key in a values file or in a HelmRelease's / Application's inline "
        "values is in every clone and fork of the repository, and Helm stores the values of every "
        "release in the cluster (a Secret in the release namespace), where `helm get values` shows "
        "them. Rotating it means rewriting history."
    ),
    remediation=(
        "Rotate the value now: treat the committed one as leaked.",
        "Point the chart at a Secret you create outside the values (`existingSecret`, "
        "`auth.existingSecret`...), fed by External Secrets, Sealed Secrets or SOPS.",
        "With Flux, read the value from a Secret with `valuesFrom`; with Argo CD, use a secrets "
        "plugin or an existing Secret rather than inline values.",
    ),
    effort="1h",
    references=(
        "https://helm.sh/docs/chart_best_practices/values/",
        "https://fluxcd.io/flux/components/helm/helmreleases/#values-references",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
)


@CHECK.on(HelmValues)
def values_secret_literal(values: HelmValues) -> Iterator[Finding]:
    for mapping in walk(values.root):
        if "valueFrom" in mapping or "secretKeyRef" in mapping or disabled(values.root, mapping):
            continue
        # an env list item: {name: DB_PASSWORD, value: ...}
        if isinstance(mapping.get("name"), str) and "value" in mapping and len(mapping) <= 3:
            judged = literal_secret(mapping["name"], mapping.get("value"))
            if judged is not None and values.source:  # a comment beside it may disown it
                judged = literal_secret(mapping["name"], mapping.get("value"),
                                        comment=values.comment_near(mapping.key_line("value")))
            if judged is not None and not _test_credential(values, judged):
                yield _finding(values, mapping, "value", mapping["name"], judged)
            continue
        path = tuple(mapping.ypath)
        under = str(path[-1]) if path and isinstance(path[-1], str) else None  # envFromSecret: {VAR: secret/KEY}
        for key, value in mapping.items():
            if isinstance(value, YMap):
                continue
            judged = literal_secret(str(key), value, under, beside=list(mapping.keys()))
            if judged is not None and values.source:  # a comment beside it may disown it
                judged = literal_secret(str(key), value, under, beside=list(mapping.keys()),
                                        comment=values.comment_near(mapping.key_line(key)))
            if judged is not None and not _test_credential(values, judged):
                yield _finding(values, mapping, key, str(key), judged)


def _test_credential(values: HelmValues, judged: tuple) -> bool:
    """A weak password in chart-testing values (``testpassword``): the CI install's own, not a leak."""
    return values.chart_testing and judged[2].kind == "weak"


def _finding(values: HelmValues, mapping: YMap, key, name: str, judged: tuple) -> Finding:
    what, evidence, verdict = judged
    where = values.dotted(mapping, key)
    severity, note = verdict.severity(), ""
    if values.chart_testing:  # chart-testing values: a test credential unless it is a real token
        severity, note = min(severity, Severity.MEDIUM), " (chart-testing values, installed only by CI)"
    elif values.chart_defaults:  # defaults a release may override: still committed, one step lower
        severity = min(severity, Severity.HIGH)
        note = " (a chart default, still committed and used unless overridden)"
    return CHECK.finding(values.pos(mapping, key), resource=f"{values.resource}/{where}",
                         message=f"{values.origin} holds {what} in {where}{note}",
                         evidence=evidence, severity=severity)
