"""TF006: a secret that Terraform will print, because nothing marks it sensitive."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.hcl import Block
from ..models.secrets import secret_name_strength
from ..models.terraform import dir_of
from ..models.terraform_eval import load_module
from ..models.topics import TF_FILE

CHECK = Check(
    code="TF006",
    name="secret-not-sensitive",
    title="Secret output or variable is not marked sensitive",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    rationale=(
        "Terraform hides a value in plan and apply output only when it is marked sensitive. An "
        "output that returns a password variable without `sensitive = true` prints the password at "
        "every apply, into CI logs that many people (and every log integration) can read; a "
        "password variable without `sensitive = true` shows in every plan that uses it."
    ),
    remediation=(
        "Add `sensitive = true` to the variable and to every output that returns it.",
        "Better, do not output secrets at all: hand the consumer the ARN or name of a secrets "
        "manager entry instead.",
        "Remember the state holds the value in plain text either way: keep it in an encrypted, "
        "access-controlled backend.",
    ),
    effort="15m",
    references=(
        "https://developer.hashicorp.com/terraform/language/values/outputs#sensitive-suppressing-values-in-cli-output",
        "https://developer.hashicorp.com/terraform/tutorials/configuration-language/sensitive-variables",
    ),
    peers=("tflint terraform_sensitive_variable_no_default",),
)


def _secret(name: str) -> bool:
    """A name that holds a secret whatever its value (``db_password``, ``api_token``; not the
    weak ``key`` or ``auth``, which need a value to tell)."""
    return secret_name_strength(name) >= 2


def _sensitive(block: Block) -> bool:
    attr = block.attr("sensitive")
    return attr is not None and attr.expr.kind == "lit" and attr.expr.value is True


def _marked(attr) -> bool:
    """``sensitive(var.x)`` marks the value itself."""
    return attr.expr.kind == "call" and attr.expr.value == "sensitive"


@CHECK.on_each(TF_FILE)
def secret_not_sensitive(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.vars:
        return
    blocks = fact.data.blocks or ()
    module = None
    for block in blocks:
        if block.type == "variable" and block.labels and _secret(block.labels[0]) and not _sensitive(block):
            name = block.labels[0]
            type_attr = block.attr("type")
            if type_attr is not None and type_attr.text.strip() in ("bool", "number"):
                continue
            yield CHECK.finding(Pos(block.line, block.line, ("variable", name), path=path), resource=f"var.{name}",
                                message=f"variable {name} holds a secret and is not marked sensitive = true: "
                                        "plans that use it print it", severity=Severity.LOW,
                                evidence=f'variable "{name}"')
        elif block.type == "output" and block.labels and not _sensitive(block):
            value = block.attr("value")
            if value is None or _marked(value):
                continue
            if module is None:
                module = load_module(index, dir_of(path))
            for ref in value.expr.references():
                if len(ref) >= 2 and ref[0] == "var" and isinstance(ref[1], str) and _secret(ref[1]):
                    declared = module.variables.get(ref[1])
                    if declared is not None and _sensitive(declared[1]):
                        continue  # Terraform refuses this output: not a leak, an error
                    yield CHECK.finding(Pos(value.line, value.end_line, ("output", block.labels[0], "value"), path=path),
                                        resource=f"output.{block.labels[0]}",
                                        message=f"output {block.labels[0]} returns var.{ref[1]} without sensitive = true: "
                                                "every apply prints it", evidence=f"value = {value.text[:80]}")
                    break
