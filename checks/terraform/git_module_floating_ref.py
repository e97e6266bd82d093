"""TF014: a module taken from a git branch (or the default branch) rather than a tag or commit."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.terraform import source_origin
from ..models.topics import TF_FILE

CHECK = Check(
    code="TF014",
    name="git-module-floating-ref",
    title="Module comes from a git branch, not a tag or commit",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A module source `git::https://...` with no `?ref=`, or with a branch such as `main`, runs "
        "whatever that branch holds at the next `terraform init`, with the credentials that apply "
        "this configuration. A change pushed to the other repository (or by someone who took it "
        "over) changes your infrastructure without a change here, and plans stop being reproducible."
    ),
    remediation=(
        "Pin the source to a tag or a commit: `?ref=v1.4.2` or `?ref=<40-character sha>`.",
        "Update the ref on purpose, reviewing the module's changes (Renovate updates git refs).",
    ),
    effort="15m",
    references=("https://developer.hashicorp.com/terraform/language/modules/sources#selecting-a-revision",),
    peers=("checkov CKV_TF_1", "checkov CKV_TF_2", "tflint terraform_module_pinned_source"),
)

_BRANCHES = frozenset(("main", "master", "develop", "development", "dev", "trunk", "head", "latest", "staging",
                       "release", "next", "stable"))


def _ref(source: str) -> str | None:
    query = source.split("?", 1)[1] if "?" in source else ""
    refs = parse_qs(query).get("ref")
    return refs[0] if refs else None


@CHECK.on_each(TF_FILE)
def git_module_floating_ref(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.vars:
        return
    for block in fact.data.blocks or ():
        if block.type != "module" or not block.labels:
            continue
        attr = block.attr("source")
        if attr is None or attr.expr.kind != "lit" or not isinstance(attr.expr.value, str):
            continue
        source = attr.expr.value
        if source_origin(source) != "git":
            continue
        ref = _ref(source)
        if ref is None:
            problem = "has no ?ref=: it follows the repository's default branch"
        elif ref.lower() in _BRANCHES:
            problem = f"follows the branch {ref!r}"
        else:
            continue  # a tag, a commit, or a name that is not clearly a branch
        name = block.labels[0]
        yield CHECK.finding(Pos(attr.line, attr.line, ("module", name, "source"), path=path),
                            resource=f"module.{name}", message=f"module.{name} {problem}",
                            evidence=f"source = {source[:160]}")
