"""TF015: an IAM policy that allows every action on every resource."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, admin_statement, document_statements, has_resources, policy_document_statements, report

CHECK = Check(
    code="TF015",
    name="iam-admin-policy",
    title="IAM policy allows every action on every resource",
    severity=Severity.MEDIUM,
    category=Category.RBAC,
    rationale=(
        "A policy statement with `Action: \"*\"` and `Resource: \"*\"` is full administrator access: "
        "whoever holds it (a CI role, an application, a user's access key) can read every secret, "
        "delete every database and create new users. Most such policies were written to make "
        "something work and never narrowed. Attached to an IAM user, the power sits in a "
        "long-lived access key."
    ),
    remediation=(
        "List the actions and resources the principal needs (IAM Access Analyzer can generate a "
        "policy from CloudTrail activity).",
        "Keep administrator access for break-glass roles assumed through SSO with MFA, never for "
        "users with access keys or workloads.",
    ),
    effort="4h",
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html",
    ),
    peers=("checkov CKV_AWS_1", "checkov CKV_AWS_62", "checkov CKV_AWS_355", "tfsec aws-iam-no-policy-wildcards",
           "trivy AVD-AWS-0057"),
)

_POLICIES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")


@CHECK.on_each(TF_FILE)
def iam_admin_policy(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.vars:
        return
    scope = None
    if has_resources(fact):
        scope = scope_of(index, path)
        for resource in scope.resources(*_POLICIES):
            hits = []
            for node in resource.instances:
                found = document_statements(scope, node, "policy")
                if found and any(admin_statement(s) for s in found):
                    hits.append(Hit(node, 'a statement allows Action "*" on Resource "*"', "policy"))
            if hits:
                severity = Severity.HIGH if resource.type == "aws_iam_user_policy" else None
                note = " for an IAM user (a long-lived access key)" if severity else ""
                finding = report(CHECK, scope, resource, hits, f"full administrator access{note}: {hits[0].detail}",
                                 severity=severity)
                if finding is not None:
                    yield finding
    for block in fact.data.blocks or ():
        if block.type != "data" or block.labels[:1] != ("aws_iam_policy_document",) or len(block.labels) < 2:
            continue
        scope = scope or scope_of(index, path)
        for evaluator in scope.evaluators[:1]:
            data = scope.data_source(evaluator, "aws_iam_policy_document", block.labels[1])
            found = policy_document_statements(scope, data) if data is not None else None
            admin = [s for s in found or () if admin_statement(s)]
            if admin:
                line = admin[0].line or block.line
                yield CHECK.finding(Pos(line, line, ("data", "aws_iam_policy_document", block.labels[1], "statement"),
                                        path=path),
                                    resource=f"data.aws_iam_policy_document.{block.labels[1]}",
                                    message=f"data.aws_iam_policy_document.{block.labels[1]}: a statement allows "
                                            "every action on every resource (full administrator access)",
                                    evidence='actions = ["*"], resources = ["*"]')
