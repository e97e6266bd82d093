"""TF009: a production database deleted without a final snapshot."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, has_resources, is_replica, is_true, report

CHECK = Check(
    code="TF009",
    name="skip-final-snapshot",
    title="Production database is deleted without a final snapshot",
    severity=Severity.MEDIUM,
    category=Category.BACKUP_DR,
    rationale=(
        "`skip_final_snapshot = true` lets `terraform destroy`, a renamed resource or a replacement "
        "forced by a changed argument delete the database without a last snapshot; its automated "
        "backups go with it (unless retained). One wrong plan applied and the data is gone."
    ),
    remediation=(
        "Set `skip_final_snapshot = false` with a `final_snapshot_identifier` on production databases.",
        "Turn on `deletion_protection` as well, and keep automated backups after deletion "
        "(`delete_automated_backups = false`).",
    ),
    effort="30m",
    references=("https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#skip_final_snapshot",),
    peers=(),
)

_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster")


@CHECK.on_each(TF_FILE)
def skip_final_snapshot(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    for resource in scope.resources(*_TYPES):
        attr = "skip_final_cluster_snapshot" if resource.type == "aws_redshift_cluster" else "skip_final_snapshot"
        hits = [Hit(node, f"{attr} = true", attr, origin=node.where(attr)) for node in resource.instances
                if not is_replica(node) and is_true(node.get(attr))]
        if not hits:
            continue
        protected = all(is_true(h.node.get("deletion_protection")) for h in hits)
        message = "the database is deleted without a final snapshot"
        if protected:
            message += " (deletion protection stops a destroy until it is turned off)"
        finding = report(CHECK, scope, resource, hits, message, production_only=True,
                         severity=Severity.LOW if protected else None)
        if finding is not None:
            yield finding
