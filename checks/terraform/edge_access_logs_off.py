"""TF016: an internet-facing load balancer, CDN distribution or API stage that keeps no access logs."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import Node, Scope, known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, defines_account, has_resources, is_false, is_true, report

CHECK = Check(
    code="TF016",
    name="edge-access-logs-off",
    title="Internet-facing load balancer, CDN or API keeps no access logs",
    severity=Severity.MEDIUM,
    category=Category.AUDIT,
    rationale=(
        "The load balancers, CloudFront distributions and API Gateway stages a production "
        "configuration creates are where every request from the internet arrives. Without access "
        "logs there is no record of who called what: an incident (a credential-stuffing run, a data "
        "scrape, an exploited endpoint) cannot be scoped or its start dated, and the logs cannot be "
        "turned on after the fact. An `aws_lb` keeps none unless `access_logs { enabled = true }` "
        "(the attribute defaults to false even with a bucket)."
    ),
    remediation=(
        "Give each internet-facing `aws_lb` an `access_logs { bucket = ..., enabled = true }` block "
        "(the bucket policy must let the region's ELB account write to it).",
        "Give each `aws_cloudfront_distribution` a `logging_config` block (or standard logging v2 "
        "through `aws_cloudwatch_log_delivery_source`).",
        "Give each API Gateway stage an `access_log_settings` block with a log group.",
        "Keep the logs as long as the incident-response policy asks (90 days is common).",
    ),
    effort="1h",
    references=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
    ),
    peers=("checkov CKV_AWS_91", "checkov CKV_AWS_92", "checkov CKV_AWS_86", "checkov CKV_AWS_76",
           "checkov CKV2_AWS_4", "tfsec aws-elb-alb-not-public", "trivy AVD-AWS-0010"),
)

_TYPES = ("aws_lb", "aws_alb", "aws_elb", "aws_cloudfront_distribution", "aws_api_gateway_stage",
          "aws_apigatewayv2_stage")


@CHECK.on_each(TF_FILE)
def edge_access_logs_off(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact) or not any(b.type == "resource" and b.labels and b.labels[0] in _TYPES
                                          for b in fact.data.blocks or ()):
        return
    scope = scope_of(index, path)
    if not defines_account(index, scope):
        return
    v2_logging = bool(scope.module.resources_of("aws_cloudwatch_log_delivery_source"))
    for resource in scope.resources(*_TYPES):
        if resource.type == "aws_cloudfront_distribution" and v2_logging:
            continue
        hits = [hit for node in resource.instances for hit in [_judge(resource.type, node, scope)] if hit is not None]
        if hits:
            finding = report(CHECK, scope, resource, hits, f"requests from the internet leave no access log: "
                             f"{hits[0].detail}", production_only=True)
            if finding is not None:
                yield finding


def _judge(type_: str, node: Node, scope: Scope) -> Hit | None:
    if type_ in ("aws_lb", "aws_alb", "aws_elb"):
        internal = node.get("internal", False)
        if not known(internal) or is_true(internal):
            return None  # internal, or not known to face the internet
        kind = node.get("load_balancer_type", "application")
        if not isinstance(kind, str) or kind != "application":
            if type_ != "aws_elb":
                return None  # network load balancers log TLS listeners only; gateways log nothing
        return _block(node, "access_logs", default_on=type_ == "aws_elb")
    if type_ == "aws_cloudfront_distribution":
        return _block(node, "logging_config", default_on=True)
    return _block(node, "access_log_settings", default_on=True)


def _block(node: Node, name: str, default_on: bool) -> Hit | None:
    for dynamic in node.block.blocks:
        if dynamic.type == "dynamic" and dynamic.label == name:
            for_each = dynamic.attr("for_each")
            if for_each is None or not known(node.evaluator.eval(for_each.expr, node.bindings)):
                return None  # a dynamic block whose collection is not known: it may be there
    blocks = node.blocks(name)
    if not blocks:
        return Hit(node, f"no {name} block", None)
    logs = blocks[0]
    enabled = logs.get("enabled")
    if enabled is None:
        if default_on:
            return None
        return Hit(node, f"{name}.enabled is not set (it defaults to false)", "enabled", block=logs.block)
    if known(enabled) and is_false(enabled):
        return Hit(node, f"{name}.enabled = false", "enabled", block=logs.block, origin=logs.where("enabled"))
    return None
