"""TF002: a managed database that answers on a public address."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import Node, Scope, as_list
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, admitted, has_resources, is_true, is_world, literal_secret_attr, report

CHECK = Check(
    code="TF002",
    name="public-database",
    title="Database is reachable from the internet",
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "`publicly_accessible = true` gives an RDS, Aurora or Redshift instance a public IP address "
        "and DNS name; a Cloud SQL instance that authorises 0.0.0.0/0 accepts connections from "
        "every address. Only the password stands between the internet and the data, and database "
        "ports are scanned for weak and leaked credentials within minutes of going up. With a "
        "password written in the repository it is the data itself that is public. When every security "
        "group the instance attaches is defined in its module and admits only other security groups, "
        "single addresses or narrow ranges (an allowlist, no 0.0.0.0/0 and no public range wider than "
        "/24), the internet at large cannot reach the port: that is medium, a public endpoint kept as "
        "defence in depth, and the message lists what the groups admit."
    ),
    remediation=(
        "Set `publicly_accessible = false` (Cloud SQL: remove the 0.0.0.0/0 authorised network, "
        "prefer `ipv4_enabled = false` with private IP) and put the database in private subnets.",
        "Reach it from outside through a bastion, SSM port forwarding, a VPN or the Cloud SQL Auth "
        "Proxy instead of a public address.",
        "Limit its security group to the application's security group, never to CIDR ranges of the "
        "internet.",
    ),
    effort="2h",
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding",
        "https://cloud.google.com/sql/docs/postgres/configure-private-ip",
    ),
    peers=("checkov CKV_AWS_17", "checkov CKV_GCP_11", "checkov CKV_AWS_87", "tfsec aws-rds-no-public-db-access",
           "trivy AVD-AWS-0180", "trivy AVD-GCP-0017"),
)

_AWS = ("aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster", "aws_dms_replication_instance")


@CHECK.on_each(TF_FILE)
def public_database(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    yield from _aws(scope)
    yield from _gcp(scope)


def _aws(scope: Scope) -> Iterator[Finding]:
    for resource in scope.resources(*_AWS):
        hits = [Hit(node, "publicly_accessible = true", "publicly_accessible", origin=node.where("publicly_accessible"))
                for node in resource.instances if is_true(node.get("publicly_accessible"))]
        if not hits:
            continue
        severity, note = _with_password(scope, resource.type, hits[0].node)
        allowed = admitted(scope, hits[0].node)
        if allowed.allowlist and severity is CHECK.severity:
            severity = Severity.MEDIUM
            message = ("the database has a public address, but its security groups admit only "
                       f"{allowed.describe(6)}: not open to the internet at large (a public endpoint behind an allowlist)")
        else:
            message = "the database has a public address: anyone on the internet can try to log in" + note
        finding = report(CHECK, scope, resource, hits, message, severity=severity)
        if finding is not None:
            yield finding


def _with_password(scope: Scope, type_: str, node: Node) -> tuple[Severity, str]:
    """Critical when the password it opens with is written in the repository."""
    for attr in ("password", "master_password"):
        if literal_secret_attr(node, attr) is not None:
            return Severity.CRITICAL, f", and its {attr} is a literal in the repository"
    return CHECK.severity, ""


def _gcp(scope: Scope) -> Iterator[Finding]:
    for resource in scope.resources("google_sql_database_instance"):
        hits: list[Hit] = []
        for node in resource.instances:
            for settings in node.blocks("settings"):
                for ip in settings.blocks("ip_configuration"):
                    if ip.get("ipv4_enabled") is False:
                        continue
                    for network in ip.blocks("authorized_networks"):
                        value = network.get("value")
                        if any(is_world(v) for v in as_list(value) or ()):
                            hits.append(Hit(node, f'authorized_networks value = "{value}"', "value",
                                            block=network.block))
        if hits:
            finding = report(CHECK, scope, resource, hits,
                             "the instance has a public IP that accepts connections from every address")
            if finding is not None:
                yield finding

