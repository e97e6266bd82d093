"""TF010: a production database that one `terraform destroy` can delete."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, has_resources, is_false, is_replica, is_true, report

CHECK = Check(
    code="TF010",
    name="no-deletion-protection",
    title="Production database has no deletion protection",
    severity=Severity.MEDIUM,
    category=Category.BACKUP_DR,
    rationale=(
        "RDS, Aurora, DocumentDB and Neptune databases have `deletion_protection = false` unless "
        "Terraform sets it; a Cloud SQL instance with `deletion_protection = false` loses "
        "Terraform's guard. A destroy, a renamed resource or an argument that forces replacement "
        "then deletes the production database as part of an ordinary-looking plan."
    ),
    remediation=(
        "Set `deletion_protection = true` on production databases (Cloud SQL: keep the default "
        "`deletion_protection = true` and set `settings { deletion_protection_enabled = true }`).",
        "Add `lifecycle { prevent_destroy = true }` so Terraform refuses plans that delete it.",
    ),
    effort="15m",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection",
        "https://cloud.google.com/sql/docs/postgres/deletion-protection",
    ),
    peers=("checkov CKV_AWS_293", "checkov CKV_AWS_139"),
)

_AWS = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster")


@CHECK.on_each(TF_FILE)
def no_deletion_protection(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    for resource in scope.resources(*_AWS, "google_sql_database_instance"):
        hits: list[Hit] = []
        for node in resource.instances:
            if is_replica(node) or _prevent_destroy(node):
                continue
            value = node.get("deletion_protection")
            if resource.type == "google_sql_database_instance":
                if is_false(value):  # Terraform's own guard, on by default
                    hits.append(Hit(node, "deletion_protection = false", "deletion_protection",
                                    origin=node.where("deletion_protection")))
            elif value is None:
                hits.append(Hit(node, "deletion_protection is not set (it defaults to false)", None))
            elif known(value) and not is_true(value):
                hits.append(Hit(node, "deletion_protection = false", "deletion_protection",
                                origin=node.where("deletion_protection")))
        if hits:
            finding = report(CHECK, scope, resource, hits, f"the database can be deleted by a plan: {hits[0].detail}",
                             production_only=True)
            if finding is not None:
                yield finding


def _prevent_destroy(node) -> bool:
    lifecycle = node.block_node("lifecycle")
    return lifecycle is not None and is_true(lifecycle.get("prevent_destroy"))
