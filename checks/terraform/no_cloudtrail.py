"""TF018: an AWS account root configuration that defines the edge, with no CloudTrail in the repository."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.terraform import dir_of, local_target, source_origin
from ..models.terraform_eval import callers_of, layout, load_module
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE, TF_RESOURCE

CHECK = Check(
    code="TF018",
    name="no-cloudtrail",
    title="AWS account configuration has no CloudTrail in the repository",
    severity=Severity.LOW,
    category=Category.AUDIT,
    rationale=(
        "CloudTrail records every API call made in an AWS account: who created the access key, "
        "opened the security group or read the secret. A root configuration that creates an "
        "account's load balancers, distributions, APIs or networks and has no `aws_cloudtrail` "
        "relies on a trail defined somewhere else (an AWS Organizations trail, another repository) "
        "or on the 90-day event history alone, which cannot be queried across accounts or kept. "
        "auditui sees only this repository: check that such a trail exists before acting."
    ),
    remediation=(
        "Confirm the account is covered by an organization trail (`aws cloudtrail describe-trails "
        "--include-shadow-trails`); if so, suppress this finding with that reason.",
        "Otherwise add an `aws_cloudtrail` with `is_multi_region_trail = true`, "
        "`enable_log_file_validation = true` and a dedicated, versioned bucket.",
    ),
    effort="2h",
    references=("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html",),
    peers=("checkov CKV2_AWS_10", "trivy AVD-AWS-0014"),
)

#: what makes a configuration the account's edge (categories of models/terraform.py:INVENTORY)
_EDGE = frozenset({"edge", "network"})


def _has_trail(path: str, fact) -> bool:
    return fact.data.type in ("aws_cloudtrail", "aws_cloudtrail_organization_delegated_admin_account")


@CHECK.on_each(TF_FILE)
def no_cloudtrail(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    if data.vars or data.lock or not data.root:
        return
    backend = next((inner for block in data.blocks or () if block.type == "terraform"
                    for inner in block.blocks if inner.type in ("backend", "cloud")), None)
    if backend is None:
        return
    if index.count_where("tf:cloudtrail", (str(TF_RESOURCE),), _has_trail):
        return
    scope = scope_of(index, path)
    module = scope.module
    if callers_of(index, module.dir) or not any(b.labels[:1] == ("aws",) for _, b in module.providers):
        return  # a module another configuration calls is not an account root; no AWS provider here
    dirs, remote = _tree(index, module.dir)
    if remote:
        return  # a module from outside the repository may create the trail: auditui cannot see inside
    edge = sorted({f"{f.data.type}.{f.data.name}" for d in dirs for f in _resources(index, d)
                   if f.data.category in _EDGE})
    if not edge:
        return
    if not any(c.production for c in scope.configs):
        return
    shown = ", ".join(edge[:3]) + (f" and {len(edge) - 3} more" if len(edge) > 3 else "")
    yield CHECK.finding(
        Pos(backend.line, backend.line, ("terraform", backend.type), path=path), resource=f"module {module.dir}",
        message=(f"this root configuration creates {shown} and no Terraform file in the repository defines an "
                 "aws_cloudtrail (looked for: aws_cloudtrail resources in every .tf file, and modules from "
                 "outside the repository that could hold one: none are called); an organization trail "
                 "managed elsewhere would cover the account"),
        evidence=shown)


def _resources(index, directory: str):
    for path in layout(index).tf_by_dir.get(directory, ()):
        yield from index.facts_in(TF_RESOURCE, path)


def _tree(index, root: str) -> tuple[list[str], bool]:
    """The directories of a root configuration (itself and the local modules it calls, followed
    down), and whether any call leaves the repository."""
    seen: list[str] = []
    remote = False
    todo = [root]
    while todo and len(seen) < 50:
        directory = todo.pop()
        if directory in seen:
            continue
        seen.append(directory)
        for _name, (path, call) in load_module(index, directory).calls.items():
            source = call.attr("source")
            text = source.expr.value if source is not None and source.expr.kind == "lit" else None
            if not isinstance(text, str) or source_origin(text) != "local":
                remote = True
                continue
            target = local_target(dir_of(path), text)
            if target is not None:
                todo.append(target)
    return seen, remote
