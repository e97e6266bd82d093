from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..kustomize import overlay_replicas, same_namespace

CHECK = Check(
    code="K8S025",
    name="rwo-volume-shared-by-pods",
    title="Deployment shares a ReadWriteOnce volume between pods (replicas or rolling updates)",
    severity=Severity.MEDIUM,
    category=Category.DEPLOYMENT,
    rationale=(
        "A ReadWriteOnce volume attaches to one node at a time. A Deployment with several "
        "replicas, or one that rolls out by starting the new pod before stopping the old one "
        "(the default RollingUpdate), needs a second pod to mount the volume while the first "
        "still holds it: when the scheduler puts that pod on another node it hangs in "
        "ContainerCreating with a Multi-Attach error, and the rollout or scale-up never "
        "finishes. It works in a one-node test cluster and fails in production."
    ),
    remediation=(
        "For one pod that owns its data, set `strategy: {type: Recreate}` (or a RollingUpdate "
        "with `maxSurge: 0`) so the old pod releases the volume before the new one starts (a "
        "short downtime per rollout).",
        "For data that belongs to each replica, use a StatefulSet with `volumeClaimTemplates`.",
        "For data every replica shares, use a ReadWriteMany volume (NFS, CephFS, EFS, Filestore) "
        "or move it to object storage or a database.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes",
        "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#recreate-deployment",
    ),
)

_SHARED_MODES = {"ReadWriteMany", "ReadOnlyMany"}


def _claims(index: RepoIndex) -> dict[str, list[tuple]]:
    """PVC name -> [(namespace, access modes)]."""
    out: dict[str, list[tuple]] = {}
    for _, fact in index.k8s("PersistentVolumeClaim"):
        modes = tuple(fact.data.access_modes or ())
        if modes:
            out.setdefault(str(fact.data.name), []).append((fact.data.namespace, modes))
    return out


@CHECK.on_each("k8s:Deployment")
def rwo_volume_shared_by_pods(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    claims = fact.data.claims
    if not claims or fact.data.replicas == 0:
        return
    ns, name = fact.data.namespace, str(fact.data.name)
    table = index.derived("K8S025:claims", ("k8s:PersistentVolumeClaim",), _claims)
    replicas = fact.data.replicas
    replicas = replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else 1
    raised = overlay_replicas(index, path, "Deployment", name, ns)
    most, where = max([(replicas, "")] + [(count, f" (set in {src})") for count, src in raised])
    strategy = str(fact.data.strategy or "RollingUpdate")
    for claim, line, ypath, read_only in claims:
        if read_only:
            continue
        modes = next((m for cns, m in table.get(claim, ()) if same_namespace(ns, cns)), None)
        if modes is None or _SHARED_MODES & set(modes):
            continue  # a claim defined elsewhere (access mode unknown), or one pods may share
        shown = "/".join(modes)
        if most >= 2:
            yield CHECK.finding(
                Pos(line, line, tuple(ypath), path=path), resource=f"Deployment/{name}", severity=Severity.HIGH,
                message=f"Deployment/{name} runs {most} replicas{where} that all mount the {shown} claim "
                        f"{claim!r}: replicas scheduled on another node cannot attach it",
                evidence=f"claimName: {claim} ({shown})",
            )
        elif strategy == "RollingUpdate" and not fact.data.no_surge:
            yield CHECK.finding(
                Pos(line, line, tuple(ypath), path=path), resource=f"Deployment/{name}",
                message=f"Deployment/{name} mounts the {shown} claim {claim!r} and rolls out with RollingUpdate: "
                        f"the new pod waits for the volume the old one holds (Multi-Attach) unless both land on "
                        f"one node; use strategy Recreate (or maxSurge: 0)",
                evidence=f"claimName: {claim} ({shown}); strategy: {strategy}",
            )
