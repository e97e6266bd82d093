from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.images import DATABASE_IMAGES, is_database_image

CHECK = Check(
    code="K8S078",
    name="database-without-backup",
    title="Database runs in the cluster with no backup job anywhere",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "A database in a pod keeps its data on one volume. Replication does not protect against "
        "a bad migration, a deleted table or a lost volume; only a backup stored elsewhere does. "
        "The repository has no backup CronJob and no Velero schedule, so a restore would have "
        "nothing to start from."
    ),
    remediation=(
        "Add a CronJob that dumps the database (pg_dump, mysqldump, mongodump...) to object "
        "storage outside the cluster, or schedule volume backups with Velero.",
        "Keep several generations, encrypt them, and test a restore regularly.",
        "Or move the data to a managed database with point-in-time recovery.",
    ),
    effort="1d",
    references=(
        "https://velero.io/docs/main/backup-reference/",
        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/",
    ),
)

LONG_RUNNING = ("StatefulSet", "Deployment", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Pod")
#: stores that hold no data worth restoring (caches, brokers of transient messages)
NOT_BACKED_UP = ("memcached", "nats")
#: custom resources that schedule backups (Velero, operators, k8up, Stash)
BACKUP_KINDS = (
    "Schedule", "Backup", "ScheduledBackup", "BackupSchedule", "BackupConfiguration",
    "PerconaServerMongoDBBackup", "PerconaXtraDBClusterBackup", "MySQLBackup", "PostgresBackup",
)
_DB_NAMES = tuple(n for n in DATABASE_IMAGES if n not in NOT_BACKED_UP)


def backup_present(index: RepoIndex) -> bool:
    for kind in ("CronJob", "Job"):
        for _, fact in index.k8s(kind):
            if fact.get("backup"):
                return True
    for kind in BACKUP_KINDS:
        for _, fact in index.k8s(kind):
            api = str(fact.get("api") or "")
            if kind in ("Schedule", "Backup") and not api.startswith(("velero.io/", "k8up.io/", "backup.appuio.ch/")):
                continue
            return True
    return False


def _backup_topics() -> tuple[str, ...]:
    return ("k8s:CronJob", "k8s:Job") + tuple(f"k8s:{kind}" for kind in BACKUP_KINDS)


@CHECK.on_each(*(f"k8s:{kind}" for kind in LONG_RUNNING))
def database_without_backup(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.get("replicas") == 0:
        return
    # servers: main containers less clients, companions and sentinels (main_images for older facts)
    candidates = fact.get("servers")
    if candidates is None:
        candidates = fact.get("main_images") or ()
    images = [str(i) for i in candidates if is_database_image(str(i), _DB_NAMES)]
    if not images or index.derived("K8S078:backup-present", _backup_topics(), backup_present):
        return
    kind = fact.topic.split(":", 1)[1]
    yield CHECK.finding(
        Pos(fact.line, fact.line, fact.ypath, path=path),
        resource=f"{kind}/{fact.get('name')}",
        message=f"{kind}/{fact.get('name')} runs a database ({images[0]}) and the repository has no backup "
                f"CronJob or Velero schedule",
        evidence=f"image: {images[0]}",
    )
