"""TF013: a provider or registry module used without a version constraint."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.hcl import Block
from ..models.terraform import source_origin
from ..models.terraform_eval import has_lock_file
from ..models.topics import TF_FILE

CHECK = Check(
    code="TF013",
    name="unpinned-version",
    title="Provider or module has no version constraint",
    severity=Severity.LOW,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A `required_providers` entry without `version`, or a registry module without `version`, "
        "takes the newest release at every `terraform init` on a machine without a lock file (a "
        "new CI runner, a colleague's laptop). A major release with breaking changes, or a "
        "compromised module, then lands in a plan nobody changed. Providers are pinned by a "
        "committed `.terraform.lock.hcl`; modules are not."
    ),
    remediation=(
        "Add a version constraint to each provider (`version = \"~> 5.40\"`) and commit "
        "`.terraform.lock.hcl` in root modules.",
        "Pin registry modules to an exact version (`version = \"5.8.1\"`) and update them on purpose "
        "(Renovate and Dependabot understand both).",
    ),
    effort="30m",
    references=(
        "https://developer.hashicorp.com/terraform/language/providers/requirements#version-constraints",
        "https://developer.hashicorp.com/terraform/language/files/dependency-lock",
    ),
    peers=("checkov CKV_TF_3", "tflint terraform_required_providers", "tflint terraform_module_version"),
)


@CHECK.on_each(TF_FILE)
def unpinned_version(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.vars:
        return
    locked: bool | None = None
    for block in fact.data.blocks or ():
        if block.type == "terraform":
            for required in block.blocks_of("required_providers"):
                for attr in required.attrs:
                    if attr.expr.kind != "object":
                        continue  # aws = "~> 5.0" (a version) or not literal
                    keys = {k.value for k, _ in attr.expr.parts if k.kind == "lit"}
                    if "version" in keys:
                        continue
                    if locked is None:
                        locked = has_lock_file(index, path)
                    if locked:
                        continue
                    yield CHECK.finding(Pos(attr.line, attr.end_line, ("terraform", "required_providers", attr.name),
                                            path=path), resource=f"provider.{attr.name}",
                                        message=f"provider {attr.name} has no version constraint and the module "
                                                "commits no .terraform.lock.hcl: each init takes the newest release",
                                        evidence=f"{attr.name} = {attr.text[:80]}")
        elif block.type == "module" and block.labels:
            yield from _module(path, block)


def _module(path: str, block: Block) -> Iterator[Finding]:
    source = block.attr("source")
    if source is None or source.expr.kind != "lit" or not isinstance(source.expr.value, str):
        return
    if source_origin(source.expr.value) != "registry" or block.has("version"):
        return
    yield CHECK.finding(Pos(source.line, source.line, ("module", block.labels[0], "source"), path=path),
                        resource=f"module.{block.labels[0]}",
                        message=f"module.{block.labels[0]} comes from the registry with no version: each init "
                                "takes its newest release", evidence=f'source = "{source.expr.value}"')
