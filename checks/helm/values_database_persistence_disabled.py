"""HELM006: Helm values that turn persistence off for a database chart."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.helm import HelmValues, database_sections, walk
from ..models.yamlnodes import YMap

CHECK = Check(
    code="HELM006",
    name="values-database-persistence-disabled",
    title="Helm values turn persistence off for a database",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "With `persistence.enabled: false` a database chart keeps its data in an `emptyDir`: "
        "every pod restart, node drain, eviction or upgrade starts the database empty. That is "
        "fine for a throw-away test instance and data loss for anything else."
    ),
    remediation=(
        "Turn persistence on (`persistence.enabled: true`, `primary.persistence.enabled: true` in "
        "Bitnami charts) with a StorageClass that survives node loss, and size it.",
        "Or use a managed database and turn the subchart off (`postgresql.enabled: false` with "
        "the external connection settings).",
    ),
    effort="1h",
    references=("https://kubernetes.io/docs/concepts/storage/persistent-volumes/",),
)


@CHECK.on(HelmValues)
def values_database_persistence_disabled(values: HelmValues) -> Iterator[Finding]:
    if values.chart_testing:
        return  # chart-testing values (<chart>/ci/): installed by CI to test the chart, never deployed
    for chart, section in database_sections(values):
        for mapping in walk(section):
            if len(mapping.ypath) - len(section.ypath) > 3:
                continue  # persistence settings sit at most a few levels down (primary.persistence)
            persistence = mapping.get("persistence")
            if not isinstance(persistence, YMap) or persistence.get("enabled") is not False:
                continue
            where = values.dotted(persistence, "enabled")
            yield CHECK.finding(
                values.pos(persistence, "enabled"), resource=f"{values.resource}/{values.dotted(persistence)}",
                message=f"{values.origin} turns persistence off for {chart} ({where}: false): the database "
                        f"starts empty after every pod restart",
            )
