from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..availability import single_instance_severity
from ..backups import backup_cover
from ..facts import RepoIndex
from ..kustomize import overlay_replicas
from ..models.datastore import STATEFUL_IMAGES, configured_images
from ..models.images import is_database_image, parse_image
from ..replicas import autoscalers
from .shared import REPLICATED_KINDS

CHECK = Check(
    code="K8S002",
    name="single-replica-database",
    title="Database runs as a single replica",
    severity=Severity.CRITICAL,  # the worst case: one replica whose data dies with its pod
    category=Category.DATABASE_HA,
    rationale=(
        "With one replica the database is a single point of failure: a node drain, an eviction, "
        "an OOM kill or a routine upgrade takes every dependent service down until the pod is "
        "rescheduled and its volume re-attached, which can take minutes. A replica count left "
        "unset means one. Severity follows what a lost pod costs: high when the data is on a "
        "persistent volume (an outage, the data is kept), critical when the single copy of the "
        "data lives on ephemeral storage and the next reschedule deletes it; medium when a backup in the "
        "repository demonstrably takes the data (the database's own backup settings, a Velero schedule "
        "whose namespaces and labels select its pods, a k8up backup in its namespace, a backup CronJob "
        "that dumps its host) or when the repository's README declares a home lab: an availability "
        "risk only. A HorizontalPodAutoscaler "
        "or KEDA ScaledObject that targets the workload owns the count: a minimum of 2 or more is not "
        "a single instance, a minimum of 1 is medium (one instance when idle)."
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


@CHECK.on_each(*(f"k8s:{kind}" for kind in REPLICATED_KINDS))
def single_replica_database(path: str, fact, index: RepoIndex, ctx=None) -> Iterator[Finding]:
    replicas = fact.data.replicas
    if replicas is not None and replicas != 1:  # 0 is scaled down on purpose; 2+ is replicated
        return
    names = configured_images(ctx.option("images") if ctx is not None else None)
    caches = set(fact.data.caches or ())  # Redis-family caches (data-store model): nothing to fail over
    stores = sorted({image for image in fact.data.servers or ()
                     if image not in caches and is_database_image(parse_image(image), names)})
    if not stores:
        return
    kind, name = fact.topic.split(":", 1)[1], str(fact.data.name)
    # a Kustomize overlay (patch file, inline patch or `replicas:` field) that builds this
    # workload with more replicas replicates it where it is deployed
    counts = overlay_replicas(index, path, kind, name, fact.data.namespace)
    if counts and max(count for count, _ in counts) >= 2:
        return
    # an autoscaler that targets the workload owns its count from then on (checks/replicas.py)
    scalers = autoscalers(index, kind, name, fact.data.namespace)
    if scalers and min(scaler.low for scaler in scalers) >= 2:
        return
    scaler = min(scalers, key=lambda item: item.low) if scalers else None
    line = fact.data.replicas_line or fact.line
    if scaler is not None and (scaler.high is None or scaler.high >= 2):
        yield CHECK.finding(
            Pos(line, line, tuple(fact.ypath) + ("spec", "replicas"), path=path),
            resource=f"{kind}/{name}",
            message=f"{kind}/{name} runs its database ({', '.join(stores)}) as one instance when idle: "
                    f"{scaler.describe()} (minReplicas {scaler.low}); a minimum of 2 keeps a standby",
            evidence=f"minReplicas: {scaler.low}",
            severity=Severity.MEDIUM,
        )
        return
    kept = set(fact.data.persistent_servers or ())
    lost = [image for image in stores if image not in kept]
    # the only copy of the data is deleted with the pod (K8S003 names the volume): critical; else high
    severity, why = single_instance_severity(index, persistent=not lost,
                                             cover=None if lost else backup_cover(index, path, fact))
    impact = f": {why}" + (f" ({', '.join(lost)})" if lost else "")
    yield CHECK.finding(
        Pos(line, line, tuple(fact.ypath) + ("spec", "replicas"), path=path),
        resource=f"{kind}/{name}",
        message=f"{kind}/{name} runs its database ({', '.join(stores)}) as a single replica"
                + (" in every overlay that sets its replicas" if counts else "") + impact,
        evidence="replicas: (unset, defaults to 1)" if replicas is None else f"replicas: {replicas}",
        severity=severity,
    )
