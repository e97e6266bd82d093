from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.datastore import STATEFUL_IMAGES, configured_images
from ..models.k8s.objects import Workload, keeps_data_on_persistent_volume, stateful_stores

DEPLOYMENT_KINDS = ("Deployment", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout")

CHECK = Check(
    code="K8S001",
    name="database-as-deployment",
    title="Stateful store runs as a Deployment instead of a StatefulSet",
    severity=Severity.HIGH,
    category=Category.DATABASE_HA,
    rationale=(
        "A Deployment treats its pods as interchangeable: during a rollout it starts the new pod "
        "before stopping the old one, so two database processes can open the same volume, and a "
        "ReadWriteOnce claim shared by replicas pins them all to one node. Pods get new names on "
        "every restart, so replicas cannot find their peers. StatefulSets give each replica a "
        "stable identity and its own claim, and stop the old pod before starting its successor. "
        "A single replica that rolls out with `strategy: Recreate` (or `maxSurge: 0`) and keeps its "
        "data on a persistent volume avoids the overlap: that works, and is reported as medium. "
        "So is a store that mounts no data volume at all: nothing races yet, and its real problem, "
        "data on storage deleted with the pod, is reported by K8S003."
    ),
    remediation=(
        "Convert the workload to a StatefulSet with a headless Service (`serviceName`).",
        "Move the data volume into `volumeClaimTemplates` so each replica gets its own claim.",
        "Migrate the data: snapshot or dump the existing volume and restore it into the new claim.",
        "Better still, run the store through an operator (CloudNativePG, Percona, Strimzi...) or a managed service.",
    ),
    effort="4h",
    references=(
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/",
        "https://kubernetes.io/docs/tasks/run-application/run-single-instance-stateful-application/",
    ),
    options={"images": STATEFUL_IMAGES},
)


@CHECK.on(Workload)
def database_as_deployment(workload: Workload, ctx=None) -> Iterator[Finding]:
    if workload.kind not in DEPLOYMENT_KINDS:
        return
    names = configured_images(ctx.option("images") if ctx is not None else None)
    stores = [container for container, _ in stateful_stores(workload, names)]
    if not stores:
        return
    images = ", ".join(sorted({c.image for c in stores}))
    strategy = workload.spec.map("strategy")
    surge = strategy.map("rollingUpdate").get("maxSurge")
    stops_first = (str(strategy.get("type") or "RollingUpdate") == "Recreate"
                   or (surge is not None and not isinstance(surge, bool) and str(surge).strip() in ("0", "0%")))
    persistent = all(keeps_data_on_persistent_volume(c) for c in stores)
    if stops_first and persistent and workload.effective_replicas <= 1:
        # one pod at a time on a claim: no two processes on one data directory; a StatefulSet is cleaner
        how, severity = ("; it stops the old pod before starting the new one and keeps its data on a "
                         "persistent volume, so this works, but a StatefulSet is the safer shape"), Severity.MEDIUM
    elif persistent:
        how, severity = ": a rolling update starts the new pod while the old one still holds the data volume", None
    else:
        # no data volume: no rollout races for one; the problem is the storage (K8S003), and the
        # fix is one: a StatefulSet with a claim template
        how, severity = ("; it mounts no data volume, so no rollout races for one yet: when you give it a claim "
                         "(its data is on storage deleted with the pod), make it a StatefulSet's "
                         "volumeClaimTemplates"), Severity.MEDIUM
    yield CHECK.finding(
        workload.doc, "kind",
        resource=workload.resource,
        message=f"{workload.resource} runs a stateful store ({images}) as a {workload.kind}{how}",
        evidence=f"kind: {workload.kind}; image: {images}",
        severity=severity,
    )
