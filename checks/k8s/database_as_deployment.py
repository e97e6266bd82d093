from __future__ import annotations

from typing import Any, Iterator

from ..api import Category, Check, Finding, Severity
from ..models.images import DATABASE_IMAGES, is_database_image
from ..models.k8s import CLIENT_COMMANDS, COMPANION_SUFFIXES, Container, Workload, server_containers  # noqa: F401

#: stateful stores by image name; memcached and NATS core keep nothing worth persisting
STATEFUL_IMAGES = tuple(name for name in DATABASE_IMAGES if name not in ("memcached", "nats"))

#: kinds that declare a replica count (DaemonSets, Jobs and bare Pods do not)
REPLICATED_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout")
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


def stateful_names(ctx: Any, check: Check) -> tuple[str, ...]:
    """The configured list of stateful image names, lower-cased."""
    value = ctx.option("images") if ctx is not None else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        value = check.options.get("images", STATEFUL_IMAGES)
    return tuple(str(v).strip().lower() for v in value if str(v).strip())


def stateful_containers(workload: Workload, names: tuple[str, ...]) -> Iterator[Container]:
    """Main containers that run a stateful store's server (not a client or a wait loop)."""
    for container in server_containers(workload):
        if is_database_image(container.image_ref, names):
            yield container


@CHECK.on(Workload)
def database_as_deployment(workload: Workload, ctx=None) -> Iterator[Finding]:
    if workload.kind not in DEPLOYMENT_KINDS:
        return
    stores = list(stateful_containers(workload, stateful_names(ctx, CHECK)))
    if not stores:
        return
    images = ", ".join(sorted({c.image for c in stores}))
    yield CHECK.finding(
        workload.doc, "kind",
        resource=workload.resource,
        message=f"{workload.resource} runs a stateful store ({images}) as a {workload.kind}",
        evidence=f"kind: {workload.kind}; image: {images}",
    )
