"""TF017: a production VPC with no flow log anywhere the repository could give it one."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform import source_origin
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE, TF_RESOURCE
from .shared import Hit, defines_account, has_resources, report

CHECK = Check(
    code="TF017",
    name="vpc-flow-logs-off",
    title="Production VPC has no flow logs",
    severity=Severity.MEDIUM,
    category=Category.AUDIT,
    rationale=(
        "VPC flow logs are the record of which addresses talked to which, on which port, and how "
        "much: what an incident responder asks first (did the compromised host reach the database? "
        "where did the data go?). They cannot be turned on after the fact, and a VPC the repository "
        "creates for production without an `aws_flow_log` has none unless something outside the "
        "repository adds them."
    ),
    remediation=(
        "Add an `aws_flow_log` with `vpc_id = aws_vpc.<name>.id`, `traffic_type = \"ALL\"` (or "
        "`\"REJECT\"` to start cheaply) and a CloudWatch log group or S3 bucket as destination.",
        "Keep them as long as the incident-response policy asks.",
    ),
    effort="1h",
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",),
    peers=("checkov CKV2_AWS_11", "tfsec aws-ec2-require-vpc-flow-logs-for-all-vpcs", "trivy AVD-AWS-0178"),
)


def _flow_logs(index) -> dict[str, set[str]]:
    """Directory -> the flow logs' targets there (``aws_vpc.<name>``, or "?" when not named)."""
    table: dict[str, set[str]] = {}
    for _path, fact in index.facts(TF_RESOURCE):
        if fact.data.type == "aws_flow_log":
            table.setdefault(fact.data.dir or ".", set()).add(fact.data.target or "?")
    return table


@CHECK.on_each(TF_FILE)
def vpc_flow_logs_off(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact) or not any(b.type == "resource" and b.labels[:1] == ("aws_vpc",)
                                          for b in fact.data.blocks or ()):
        return
    scope = scope_of(index, path)
    if not defines_account(index, scope):
        return
    flow_logs = index.derived("tf:flow-logs", (str(TF_RESOURCE),), _flow_logs)
    if any("?" in targets for targets in flow_logs.values()):
        # a flow log whose VPC comes from a data source, a module output or remote state (often
        # a separate logging configuration): it may be this VPC's, and auditui cannot tell
        return
    here = flow_logs.get(scope.module.dir, set())
    for resource in scope.resources("aws_vpc"):
        if f"aws_vpc.{resource.name}" in here:
            continue
        severity = None
        remote = _remote_receiver(scope, resource.name)
        detail = "no aws_flow_log in the repository logs it"
        if remote:
            severity = Severity.LOW
            detail += (f"; module.{remote} (from outside the repository, not read) receives the VPC and "
                       "may create them")
        hits = [Hit(node, detail, None) for node in resource.instances]
        finding = report(CHECK, scope, resource, hits, f"the VPC's traffic is not recorded: {detail}",
                         severity=severity, production_only=True)
        if finding is not None:
            yield finding


def _remote_receiver(scope, vpc: str) -> str | None:
    """The first module call from outside the repository that is handed this VPC."""
    for name, (_path, call) in sorted(scope.module.calls.items()):
        source = call.attr("source")
        text = source.expr.value if source is not None and source.expr.kind == "lit" else None
        if isinstance(text, str) and source_origin(text) == "local":
            continue
        for attr in call.attrs:
            if any(len(ref) >= 2 and ref[0] == "aws_vpc" and ref[1] == vpc for ref in attr.expr.references()):
                return name
    return None
