from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..backups import is_backup_present
from ..facts import RepoIndex
from ..models.datastore import classify
from ..models.k8s.layout import in_patch_location
from ..models.k8s.operators import OPERATOR_BACKUP_FIELDS, OPERATOR_STORE_KINDS, OPERATOR_STORES
from ..scope import absence, provided

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
        "For a database run by an operator, turn on its backups: CloudNativePG `spec.backup` "
        "with a ScheduledBackup, Crunchy PGO `spec.backups.pgbackrest`, Percona "
        "`spec.backup.schedule`/`tasks`, MySQL Operator `spec.backupSchedules`, a mariadb-operator `Backup`.",
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


@CHECK.on_each(*(f"k8s:{kind}" for kind in LONG_RUNNING + OPERATOR_STORE_KINDS))
def database_without_backup(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.replicas == 0:
        return
    if fact.data.members_line is not None:  # a database run by an operator
        yield from _operator_store_without_backup(path, fact, index)
        return
    # servers: main containers less clients, companions and sentinels (main_images for older facts)
    candidates = fact.data.servers
    if candidates is None:
        candidates = fact.data.main_images or ()
    # systems of record only (data-store model): caches, brokers, search indexes and
    # coordination services are rebuilt or replicated, not restored
    images = [str(i) for i in candidates if (store := classify(str(i))) is not None and store.system_of_record]
    if not images or is_backup_present(index):
        return
    if provided(index, "backup"):  # Velero, k8up, a backup chart... installed from outside
        return
    kind = fact.topic.split(":", 1)[1]
    yield _finding(index, path, fact, f"{kind}/{fact.data.name} runs a database ({images[0]}) and the repository "
                                      f"has no backup CronJob or Velero schedule", f"image: {images[0]}")


def _finding(index: RepoIndex, path: str, fact, message: str, evidence: str) -> Finding:
    qualifier, severity = absence(index, "backup", CHECK.severity, "backup")
    return CHECK.finding(Pos(fact.line, fact.line, fact.ypath, path=path),
                         resource=f"{fact.topic.split(':', 1)[1]}/{fact.data.name}",
                         message=message + qualifier, evidence=evidence, severity=severity)


def _operator_store_without_backup(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    backup = fact.data.store_backup
    if backup is not False or fact.data.members == 0 or in_patch_location(path):
        return  # backed up by its own resource, configured outside the repository, or a patch
    if is_backup_present(index) or provided(index, "backup"):
        return
    kind, name, api = fact.topic.split(":", 1)[1], fact.data.name, str(fact.data.api or "")
    group = api.split("/", 1)[0] if "/" in api else ""
    where = OPERATOR_BACKUP_FIELDS.get((group, kind))
    own = f"no `{'.'.join(where)}` in the resource, " if where else ""
    yield _finding(index, path, fact, f"{kind}/{name} runs {OPERATOR_STORES[(group, kind)][3]} with no backups: {own}and "
                               f"no backup schedule, CronJob or Velero schedule in the repository",
                   f"kind: {kind} ({api})")
