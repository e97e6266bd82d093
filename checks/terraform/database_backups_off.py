"""TF008: a production database with automated backups turned off."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import Node, Scope, known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, has_resources, is_replica, is_true, number, report

CHECK = Check(
    code="TF008",
    name="database-backups-off",
    title="Production database has automated backups turned off",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "`backup_retention_period = 0` turns off RDS automated backups and point-in-time recovery; a "
        "Cloud SQL instance has no backups unless `backup_configuration { enabled = true }`. A "
        "dropped table, a bad migration or a deleted instance then has no way back. Read replicas "
        "(which take no backups) are not reported, nor are databases AWS Backup covers in the same "
        "module."
    ),
    remediation=(
        "Set `backup_retention_period` to at least 7 days (RDS) or add `backup_configuration { enabled "
        "= true, point_in_time_recovery_enabled = true }` (Cloud SQL).",
        "Copy backups to another region or account for disaster recovery (AWS Backup copy rules, "
        "cross-region automated backups).",
        "Restore a backup into a scratch instance regularly to prove it works.",
    ),
    effort="1h",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
        "https://cloud.google.com/sql/docs/postgres/backup-recovery/backups",
    ),
    peers=("checkov CKV_AWS_133", "checkov CKV_GCP_14", "tfsec aws-rds-specify-backup-retention",
           "trivy AVD-AWS-0077", "trivy AVD-GCP-0024"),
)


@CHECK.on_each(TF_FILE)
def database_backups_off(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    for resource in scope.resources("aws_db_instance", "google_sql_database_instance"):
        hits: list[Hit] = []
        for node in resource.instances:
            hit = _aws(scope, resource, node) if resource.type == "aws_db_instance" else _gcp(node)
            if hit is not None:
                hits.append(hit)
        if hits:
            finding = report(CHECK, scope, resource, hits,
                             f"automated backups are off ({hits[0].detail}): no point-in-time recovery",
                             production_only=True)
            if finding is not None:
                yield finding


def _aws(scope: Scope, resource, node: Node) -> Hit | None:
    if is_replica(node):
        return None
    retention = number(node.get("backup_retention_period"))
    if retention is None or retention > 0:
        return None
    if scope.linked(node, "aws_backup_selection", "resources", (resource.type, resource.name)):
        return None
    return Hit(node, "backup_retention_period = 0", "backup_retention_period",
               origin=node.where("backup_retention_period"))


def _gcp(node: Node) -> Hit | None:
    if is_replica(node):
        return None
    settings = node.block_node("settings")
    if settings is None:
        return None
    backup = settings.block_node("backup_configuration")
    if backup is None:
        return Hit(node, "no backup_configuration", None, block=settings.block)
    enabled = backup.get("enabled")
    if enabled is None or (known(enabled) and not is_true(enabled)):
        return Hit(node, "backup_configuration enabled is not true", "enabled" if backup.has("enabled") else None,
                   block=backup.block)
    return None
