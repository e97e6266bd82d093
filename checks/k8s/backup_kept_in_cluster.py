"""K8S084: a backup job that writes only to a volume of the cluster it backs up."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.images import parse_image
from ..models.k8s.objects import Workload, pod_volumes, volume_mounts
from ..models.shell import parse_script
from ..models.shell_hosts import shell_form
from ..models.shell_ops import dump_tool, is_offsite
from ..models.yamlnodes import YList, YMap

CHECK = Check(
    code="K8S084",
    name="backup-kept-in-cluster",
    title="Backup job keeps its backups on a volume of the same cluster",
    severity=Severity.MEDIUM,
    category=Category.BACKUP_DR,
    rationale=(
        "The job dumps the data to a PersistentVolumeClaim or a host path of the cluster that "
        "runs the database, and nothing copies the dumps anywhere else. Losing the cluster, its "
        "storage backend or the namespace (a bad `kubectl delete`, ransomware, a region outage) "
        "takes the data and every backup of it together."
    ),
    remediation=(
        "Copy each dump off the cluster: upload it to object storage in another account or region "
        "(`aws s3 cp`, `rclone copy`, `mc cp`), or use a tool that writes to a remote repository "
        "(restic, kopia, pgBackRest, WAL-G, Velero with an object-store location).",
        "Keep several generations there, with a retention policy, and test a restore.",
    ),
    effort="2h",
    references=(
        "https://www.postgresql.org/docs/current/backup-dump.html",
        "https://velero.io/docs/main/locations/",
    ),
)

#: images made to ship data off the cluster (an upload sidecar or step counts as a copy elsewhere)
_UPLOAD_IMAGES = ("rclone", "aws-cli", "awscli", "mc", "cloud-sdk", "google-cloud-cli", "azure-cli", "s3cmd",
                  "gsutil", "s5cmd", "azcopy", "restic", "kopia", "wal-g", "pgbackrest", "velero", "k8up")
#: environment variables that point a backup tool at remote storage
_REMOTE_ENV_WORDS = ("S3", "BUCKET", "GCS", "AZURE_STORAGE", "B2_", "RESTIC_REPOSITORY", "KOPIA", "BORG_REPO",
                     "WALG_", "WALE_", "PGBACKREST_REPO", "RCLONE_", "SWIFT_", "MINIO", "SFTP", "REMOTE")
_LOCAL_SOURCES = ("persistentVolumeClaim", "hostPath")


def _words(node: YMap) -> list[str]:
    out: list[str] = []
    for key in ("command", "args"):
        value = node.get(key)
        if isinstance(value, YList):
            out.extend(str(v) for v in value if v is not None)
        elif isinstance(value, str):
            out.append(value)
    return out


def _script(words: list[str]) -> str:
    """The shell text a container runs: the script of a shell form (``sh -c``, ``bash -euc``,
    ``bash -o pipefail -c``), or its argv as one command."""
    found = shell_form(words)
    if found is not None:
        return words[found[1]]
    return shlex.join(words) if words else ""


def _remote_env(node: YMap) -> bool:
    for _, item in node.list("env").maps():
        name = str(item.get("name") or "").upper()
        value = str(item.get("value") or "")
        if any(word in name for word in _REMOTE_ENV_WORDS) and (value or "valueFrom" in item):
            return True
        if value.startswith(("s3:", "s3://", "gs:", "gs://", "azure:", "b2:", "rest:", "sftp:", "swift:")):
            return True
    return bool(node.list("envFrom"))  # settings from a Secret/ConfigMap we cannot see: may name a remote


@CHECK.on(Workload)
def backup_kept_in_cluster(obj: Workload) -> Iterator[Finding]:
    if obj.kind not in ("CronJob", "Job"):
        return
    volumes = pod_volumes(obj)
    dumper = None
    offsite = False
    local_mounts: list[str] = []
    for container in obj.containers(include_init=True):
        node = container.node
        name = parse_image(container.image).name.lower()
        if name in _UPLOAD_IMAGES or "s3" in name.split("-") or _remote_env(node):
            offsite = True
        script = parse_script(f"{obj.path}#{container.name}", _script(_words(node)))
        tools = [tool for _, seg in script.segments() if (tool := dump_tool(seg))]
        if any(is_offsite(seg) for _, seg in script.segments()):
            offsite = True
        if not tools and "backup" not in name and "dump" not in name:
            continue
        for mount in volume_mounts(container):
            volume = volumes.get(str(mount.get("name")))
            if volume is not None and any(source in volume[1] for source in _LOCAL_SOURCES):
                local_mounts.append(f"{mount.get('name')} at {mount.get('mountPath')}")
        if dumper is None and (tools or local_mounts):
            dumper = (container, tools[0] if tools else name)
    if dumper is None or offsite or not local_mounts:
        return
    container, tool = dumper
    yield CHECK.finding(
        obj.doc, "spec", resource=obj.resource,
        message=f"{obj.resource} backs up with {tool} to {local_mounts[0]} (a volume of this cluster) and "
                f"nothing copies the backups elsewhere",
        evidence=f"container {container.name!r}: {container.image}",
    )
