"""TF011: a production database in one availability zone."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, has_resources, is_replica, is_true, report

CHECK = Check(
    code="TF011",
    name="single-az-database",
    title="Production database runs in a single availability zone",
    severity=Severity.MEDIUM,
    category=Category.DATABASE_HA,
    rationale=(
        "An RDS instance without `multi_az = true`, a Cloud SQL instance with `availability_type = "
        "\"ZONAL\"` (the default) or an Azure flexible server without `high_availability` has no "
        "standby: a zone outage, a host failure or maintenance takes the database, and the "
        "application with it, down until AWS, Google or Azure brings the instance back; a lost "
        "volume means restoring from backup."
    ),
    remediation=(
        "Set `multi_az = true` (RDS), `availability_type = \"REGIONAL\"` (Cloud SQL) or a "
        "`high_availability { mode = \"ZoneRedundant\" }` block (Azure flexible server) on production "
        "databases.",
        "Test a failover (`aws rds reboot-db-instance --force-failover`) and check the application "
        "reconnects.",
    ),
    effort="1h",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html",
        "https://cloud.google.com/sql/docs/postgres/high-availability",
    ),
    peers=("checkov CKV_AWS_157",),
)


@CHECK.on_each(TF_FILE)
def single_az_database(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    for resource in scope.resources("aws_db_instance", "google_sql_database_instance",
                                    "azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server"):
        hits: list[Hit] = []
        for node in resource.instances:
            if is_replica(node):
                continue
            if resource.type == "aws_db_instance":
                engine = node.get("engine")
                if isinstance(engine, str) and engine.lower() in ("sqlserver-ex", "sqlserver-web"):
                    continue  # editions without Multi-AZ
                value = node.get("multi_az")
                if value is None:
                    hits.append(Hit(node, "multi_az is not set (it defaults to false)", None))
                elif known(value) and not is_true(value):
                    hits.append(Hit(node, "multi_az = false", "multi_az", origin=node.where("multi_az")))
            elif resource.type == "google_sql_database_instance":
                settings = node.block_node("settings")
                if settings is None:
                    continue
                value = settings.get("availability_type", "ZONAL")
                if isinstance(value, str) and value.upper() == "ZONAL":
                    hits.append(Hit(node, f'availability_type = "{value}"' if settings.has("availability_type")
                                    else "availability_type is not set (it defaults to ZONAL)",
                                    "availability_type" if settings.has("availability_type") else None,
                                    block=settings.block))
            elif node.block_node("high_availability") is None and not any(
                    b.type == "dynamic" for b in node.block.blocks):
                hits.append(Hit(node, "no high_availability block", None))
        if hits:
            finding = report(CHECK, scope, resource, hits, f"the database has no standby in another zone: {hits[0].detail}",
                             production_only=True)
            if finding is not None:
                yield finding
