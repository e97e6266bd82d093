from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s import Workload
from .database_as_deployment import REPLICATED_KINDS, STATEFUL_IMAGES, stateful_containers, stateful_names

CHECK = Check(
    code="K8S002",
    name="single-replica-database",
    title="Database runs as a single replica",
    severity=Severity.CRITICAL,
    category=Category.DATABASE_HA,
    rationale=(
        "With one replica the database is a single point of failure: a node drain, an eviction, "
        "an OOM kill or a routine upgrade takes every dependent service down until the pod is "
        "rescheduled and its volume re-attached, which can take minutes. A replica count left "
        "unset means one."
    ),
    remediation=(
        "Run the store with replication: an operator (CloudNativePG, Percona, Redis Sentinel/Cluster, Strimzi) "
        "or the chart's replication mode, with at least 3 members or a primary and a standby.",
        "Spread the replicas across nodes/zones (pod anti-affinity or topologySpreadConstraints) "
        "and add a PodDisruptionBudget.",
        "Or move the data to a managed database service with automatic failover.",
    ),
    effort="1d",
    references=(
        "https://kubernetes.io/docs/tasks/run-application/run-replicated-stateful-application/",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
    ),
    options={"images": STATEFUL_IMAGES},
)


@CHECK.on(Workload)
def single_replica_database(workload: Workload, ctx=None) -> Iterator[Finding]:
    if workload.kind not in REPLICATED_KINDS:
        return
    replicas = workload.replicas
    if replicas is not None and replicas != 1:  # 0 is scaled down on purpose; 2+ is replicated
        return
    stores = list(stateful_containers(workload, stateful_names(ctx, CHECK)))
    if not stores:
        return
    images = ", ".join(sorted({c.image for c in stores}))
    if replicas is None:
        at, key, symbol, evidence = workload.doc, "spec", ("replicas",), "replicas: (unset, defaults to 1)"
    else:
        at, key, symbol, evidence = workload.spec, "replicas", (), f"replicas: {replicas}"
    yield CHECK.finding(
        at, key, symbol=symbol,
        resource=workload.resource,
        message=f"{workload.resource} runs its database ({images}) as a single replica",
        evidence=evidence,
    )
