"""TF007: a database, volume or file system that stores its data unencrypted."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import Node, Scope, known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, has_resources, is_true, report

CHECK = Check(
    code="TF007",
    name="unencrypted-storage",
    title="Database or volume stores data unencrypted",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    rationale=(
        "RDS, Aurora, DocumentDB and Neptune storage, EBS volumes, EFS file systems and ElastiCache "
        "replication groups are unencrypted unless Terraform asks (`storage_encrypted`, `encrypted`, "
        "`at_rest_encryption_enabled` default to false). The data, its snapshots, backups and read "
        "replicas are then readable by anyone who gets a copy of the disk or a shared snapshot, and "
        "the setting cannot be turned on in place later: the database has to be copied to an "
        "encrypted snapshot and restored, with downtime. It is medium for databases as for volumes: "
        "encryption at rest guards copies of the disk and shared snapshots, which take a failure at "
        "the provider or access to the account, not the network path to the data (AWS Security Hub "
        "rates RDS.3 and EC2.3 medium); what the data is worth decides how soon to fix it."
    ),
    remediation=(
        "Set `storage_encrypted = true` (databases), `encrypted = true` (EBS, EFS) or "
        "`at_rest_encryption_enabled = true` (ElastiCache), with `kms_key_id` for a customer-managed key.",
        "For an existing database: snapshot it, copy the snapshot with encryption, restore from the copy, "
        "switch the application over.",
        "Turn on EBS encryption by default for the account (`aws_ebs_encryption_by_default`).",
    ),
    effort="4h",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
        "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
    ),
    peers=("checkov CKV_AWS_16", "checkov CKV_AWS_96", "checkov CKV_AWS_3", "checkov CKV_AWS_42",
           "checkov CKV_AWS_29", "checkov CKV_AWS_74", "tfsec aws-rds-encrypt-instance-storage-data",
           "trivy AVD-AWS-0080", "trivy AVD-AWS-0026", "trivy AVD-AWS-0037"),
)

#: type -> (attribute, severity, what it is, attributes that make the setting inherited or implied)
_RULES: dict[str, tuple[str, Severity, str, tuple[str, ...]]] = {
    "aws_db_instance": ("storage_encrypted", Severity.MEDIUM, "database storage",
                        ("replicate_source_db", "snapshot_identifier", "kms_key_id", "restore_to_point_in_time")),
    "aws_rds_cluster": ("storage_encrypted", Severity.MEDIUM, "database storage",
                        ("snapshot_identifier", "replication_source_identifier", "global_cluster_identifier",
                         "kms_key_id", "restore_to_point_in_time", "source_region")),
    "aws_docdb_cluster": ("storage_encrypted", Severity.MEDIUM, "database storage",
                          ("snapshot_identifier", "kms_key_id", "global_cluster_identifier")),
    "aws_neptune_cluster": ("storage_encrypted", Severity.MEDIUM, "database storage",
                            ("snapshot_identifier", "kms_key_arn", "replication_source_identifier")),
    "aws_ebs_volume": ("encrypted", Severity.MEDIUM, "volume", ("snapshot_id", "kms_key_id")),
    "aws_efs_file_system": ("encrypted", Severity.MEDIUM, "file system", ("kms_key_id",)),
    "aws_elasticache_replication_group": ("at_rest_encryption_enabled", Severity.MEDIUM, "cache data", ("kms_key_id",)),
}


@CHECK.on_each(TF_FILE)
def unencrypted_storage(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    ebs_default = _ebs_by_default(scope)
    for resource in scope.resources(*_RULES):
        attr, severity, what, inherited = _RULES[resource.type]
        if resource.type == "aws_ebs_volume" and ebs_default:
            continue
        hits: list[Hit] = []
        for node in resource.instances:
            if any(node.has(name) for name in inherited) or _serverless_v1(resource.type, node):
                continue
            value = node.get(attr)
            if value is None:
                hits.append(Hit(node, f"{attr} is not set (it defaults to false)", None))
            elif known(value) and not is_true(value):
                hits.append(Hit(node, f"{attr} = {str(value).lower()}", attr, origin=node.where(attr)))
        if hits:
            finding = report(CHECK, scope, resource, hits, f"the {what} is not encrypted at rest: {hits[0].detail}",
                             severity=severity)
            if finding is not None:
                yield finding


def _serverless_v1(type_: str, node: Node) -> bool:
    return type_ == "aws_rds_cluster" and node.get("engine_mode") == "serverless"  # always encrypted


def _ebs_by_default(scope: Scope) -> bool:
    return bool(scope.module.resources_of("aws_ebs_encryption_by_default"))
