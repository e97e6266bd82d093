from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.datastore import STATEFUL_IMAGES, configured_images, data_homes, overlaps
from ..models.k8s.objects import (
    PERSISTENT_VOLUME_SOURCES,
    Workload,
    claim_template_names,
    pod_volumes,
    stateful_stores,
    volume_mounts,
)

CHECK = Check(
    code="K8S003",
    name="database-without-persistent-storage",
    title="Database keeps its data on ephemeral storage",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "A database whose data directory is an emptyDir, or not a volume at all, loses every "
        "write when its pod is rescheduled: a node drain, an eviction or a rollout is enough. "
        "Only a PersistentVolumeClaim (or another persistent volume source) survives the pod."
    ),
    remediation=(
        "Mount the data directory from a PersistentVolumeClaim; in a StatefulSet, declare it in "
        "`volumeClaimTemplates` so each replica gets its own.",
        "Pick a StorageClass with the durability you need (replicated, snapshot-capable) and set "
        "`reclaimPolicy: Retain` for production data.",
        "Schedule backups of the volume or of logical dumps, and test a restore.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/",
        "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates",
    ),
    options={"images": STATEFUL_IMAGES},
)

SERVER_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
                "DeploymentConfig", "Rollout")


@CHECK.on(Workload)
def database_without_persistent_storage(workload: Workload, ctx=None) -> Iterator[Finding]:
    if workload.kind not in SERVER_KINDS:
        return
    volumes = pod_volumes(workload)
    claims = claim_template_names(workload)
    names = configured_images(ctx.option("images") if ctx is not None else None)
    for container, store in stateful_stores(workload, names):
        mounts = volume_mounts(container)
        ephemeral = []
        persistent = False
        for mount in mounts:
            name = str(mount.get("name"))
            if name in claims:
                persistent = True
                break
            entry = volumes.get(name)
            if entry is None:
                continue
            index, volume = entry
            if any(source in volume for source in PERSISTENT_VOLUME_SOURCES):
                persistent = True
                break
            if "emptyDir" in volume or "ephemeral" in volume:
                ephemeral.append((index, volume, mount))
        if persistent:
            continue
        homes = data_homes(store.engine)
        # an emptyDir at /tmp or a socket folder is scratch: name the one that holds the data
        # directory, or say the data directory is no volume at all
        at_home = [item for item in ephemeral
                   if any(overlaps(str(item[2].get("mountPath") or ""), home) for home in homes)]
        if ephemeral and (at_home or not homes):
            index, volume, mount = (at_home or ephemeral)[0]
            source = "emptyDir" if "emptyDir" in volume else "ephemeral"
            yield CHECK.finding(
                workload.pod_spec.list("volumes"), index,
                resource=container.resource,
                message=(f"database container {container.name!r} of {workload.resource} keeps its data in "
                         f"{source} volume {volume.get('name')!r}, which is deleted with the pod"),
                evidence=f"{mount.get('mountPath')} <- {source} {volume.get('name')}",
            )
        elif ephemeral:
            scratch = ", ".join(f"{'emptyDir' if 'emptyDir' in volume else 'ephemeral'} {volume.get('name')!r} "
                                f"at {mount.get('mountPath')}" for _, volume, mount in ephemeral)
            yield CHECK.finding(
                container.node, "volumeMounts",
                resource=container.resource,
                message=(f"database container {container.name!r} of {workload.resource} ({container.image}) "
                         f"keeps its data directory ({homes[0]}) on storage deleted with the pod: no volume is "
                         f"mounted there (its {scratch} is scratch space)"),
                evidence=f"image: {container.image}; {homes[0]} not mounted",
            )
        else:
            yield CHECK.finding(
                container.node, "volumeMounts",
                resource=container.resource,
                message=(f"database container {container.name!r} of {workload.resource} ({container.image}) "
                         f"mounts no persistent volume: its data lives in the container's writable layer"),
                evidence=f"image: {container.image}",
            )
