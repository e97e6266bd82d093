"""HELM007: Helm values that run a database chart as one instance."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.helm import HelmValues, database_sections

CHECK = Check(
    code="HELM007",
    name="values-single-replica-database",
    title="Helm values run a database as a single instance",
    severity=Severity.HIGH,
    category=Category.DATABASE_HA,
    rationale=(
        "The values choose one database instance (`architecture: standalone`, `replicaCount: 1`): "
        "a node drain, an upgrade or a crash stops every write until the pod is back, and a lost "
        "volume leaves only the last backup. Database charts offer a replicated setup "
        "(`architecture: replication`, a replica set, Galera) with automatic failover."
    ),
    remediation=(
        "Run the replicated architecture the chart offers (`architecture: replication`, "
        "`replicaCount: 3`), spread over nodes and zones, with a PodDisruptionBudget.",
        "Or use a database operator (CloudNativePG, Percona) or a managed database with failover.",
        "If one instance is an accepted risk, suppress this finding with the reason and make sure "
        "backups are tested.",
    ),
    effort="1d",
    references=("https://kubernetes.io/docs/tasks/run-application/run-replicated-stateful-application/",),
)


@CHECK.on(HelmValues)
def values_single_replica_database(values: HelmValues) -> Iterator[Finding]:
    if values.chart_testing:
        return  # chart-testing values (<chart>/ci/): installed by CI to test the chart, never deployed
    for chart, section in database_sections(values):
        architecture = section.get("architecture")
        if isinstance(architecture, str) and architecture.strip().lower() == "standalone":
            yield CHECK.finding(
                values.pos(section, "architecture"), resource=f"{values.resource}/{values.dotted(section)}",
                message=f"{values.origin} runs {chart} as a single instance "
                        f"({values.dotted(section, 'architecture')}: standalone)",
            )
            continue
        for key in ("replicaCount", "replicas"):
            count = section.get(key)
            if count == 1 and not isinstance(count, bool):
                yield CHECK.finding(
                    values.pos(section, key), resource=f"{values.resource}/{values.dotted(section)}",
                    message=f"{values.origin} runs {chart} as a single instance ({values.dotted(section, key)}: 1)",
                )
                break
