from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.datastore import STATEFUL_IMAGES, configured_images
from ..models.k8s.objects import Workload, stateful_stores

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
        "stable identity and its own claim, and stop the old pod before starting its successor."
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
    yield CHECK.finding(
        workload.doc, "kind",
        resource=workload.resource,
        message=f"{workload.resource} runs a stateful store ({images}) as a {workload.kind}",
        evidence=f"kind: {workload.kind}; image: {images}",
    )
