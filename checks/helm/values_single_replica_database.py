"""HELM007: Helm values that run a database chart as one instance."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..availability import availability_only
from ..backups import cluster_wide_cover
from ..facts import RepoIndex
from ..models.topics import HELM_SINGLE_INSTANCE
from ..replicas import autoscaled_by_name

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
        "(`architecture: replication`, a replica set, Galera) with automatic failover. A "
        "HorizontalPodAutoscaler or KEDA ScaledObject that targets the chart's database workload "
        "(by Helm's naming: `fullnameOverride`, the release, `-<subchart>`) owns the count: with a "
        "minimum of 2 or more nothing is reported, with a minimum of 1 it is medium (one instance when idle). "
        "It is medium when a Velero backup of every namespace takes the data, or where the repository's "
        "README declares a home lab: an availability risk only."
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


@CHECK.on_each(HELM_SINGLE_INSTANCE)
def values_single_replica_database(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    what = f"{data.origin} runs {data.chart} as a single instance ({data.setting}: {data.value})"
    pos = Pos(fact.line, data.end_line or fact.line, tuple(fact.ypath), path=path)
    # an autoscaler that targets the chart's database workload owns its replica count
    scalers = autoscaled_by_name(index, tuple(data.names or ()))
    if scalers:
        low = min(scaler.low for _, scaler in scalers)
        if low >= 2:
            return  # never fewer than two: not a single instance
        workload, scaler = min(scalers, key=lambda item: item[1].low)
        if scaler.high is None or scaler.high >= 2:
            yield CHECK.finding(
                pos, resource=str(data.resource),
                message=f"{what}, but {scaler.describe(workload)}: more instances "
                        f"under load, one when idle (minReplicas {scaler.low}); a minimum of 2 keeps a standby",
                severity=Severity.MEDIUM,
            )
            return
    # the one rule of single instances (checks/availability.py): a chart's objects are not seen, so
    # only a backup of the whole cluster is a verified cover; a declared home lab rates it medium
    reason = availability_only(index, cluster_wide_cover(index))
    if reason is not None:
        yield CHECK.finding(pos, resource=str(data.resource), message=f"{what}; {reason}", severity=Severity.MEDIUM)
        return
    yield CHECK.finding(pos, resource=str(data.resource), message=what)
