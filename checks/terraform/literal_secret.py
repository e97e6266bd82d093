"""TF005: a password, key or token written as a literal in Terraform code or a variable file."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.hcl import Attr, Block, Expr
from ..models.secrets import SecretVerdict, classify
from ..models.topics import TF_FILE

CHECK = Check(
    code="TF005",
    name="literal-secret",
    title="Secret written as a literal in Terraform",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A database password, provider key or token written in a `.tf` or `.tfvars` file (as an "
        "argument, a variable's default, a local or a Helm `set` value) is in every clone, fork and "
        "CI log of the repository, and stays in its history after it is removed. Terraform needs no "
        "literal: a variable set at apply time, a secrets manager data source or a generated "
        "`random_password` does the same job. The severity follows the secrets model: a provider "
        "token or a random-looking key is critical, a guessable password medium, high when the "
        "database it opens is public."
    ),
    remediation=(
        "Rotate the secret: it must be treated as leaked.",
        "Replace the literal with a variable without a default, marked `sensitive = true`, set from "
        "the CI secret store or `TF_VAR_...`; or read it from AWS Secrets Manager / SSM, GCP Secret "
        "Manager or Azure Key Vault with a data source; or generate it with `random_password` (or "
        "`manage_master_user_password = true` on RDS).",
        "Keep `.tfvars` files that hold secrets out of git (`*.auto.tfvars` in .gitignore) or encrypt "
        "them (SOPS).",
    ),
    effort="2h",
    references=(
        "https://developer.hashicorp.com/terraform/tutorials/configuration-language/sensitive-variables",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#manage_master_user_password",
    ),
    peers=("checkov CKV_AWS_41", "checkov CKV_SECRET_6", "tfsec general-secrets-no-plaintext-exposure",
           "trivy AVD-GEN-0004"),
)

#: provider arguments named like secrets that hold none (idempotency tokens)
#: and key-naming arguments (a DynamoDB table's ``hash_key = "LockID"`` names its partition key)
_NOT_SECRET_ARGUMENTS = frozenset(("creation_token", "client_token", "client_request_token", "idempotency_token",
                                   "hash_key", "range_key"))


def _identifier(owner: str, name: str) -> bool:
    """An argument that names a secret by the provider's schema (``secret`` of a Secret
    Manager version or IAM binding is the secret's id), or holds none."""
    return name in _NOT_SECRET_ARGUMENTS or (owner.startswith("google_secret_manager_") and name == "secret")

#: blocks whose attributes are arguments (``module`` arguments are a module's inputs)
_ARGUMENT_BLOCKS = ("resource", "data", "provider", "module", "locals")


@CHECK.on_each(TF_FILE)
def literal_secret(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    seen: set[int] = set()
    if data.vars:
        for attr in data.attrs or ():
            yield from _value(path, attr.name, attr.expr, attr, (attr.name,), None, seen)
        return
    for block in data.blocks or ():
        if block.type == "variable" and block.labels:
            default = block.attr("default")
            if default is not None:
                yield from _value(path, block.labels[0], default.expr, default,
                                  ("variable", block.labels[0], "default"), None, seen)
        elif block.type in _ARGUMENT_BLOCKS:
            exposed = True if _public(block) else None
            owner = block.labels[0] if block.type in ("resource", "data") and block.labels else block.type
            yield from _block(path, block, (block.type,) + block.labels, exposed, seen, owner)


def _public(block: Block) -> bool:
    attr = block.attr("publicly_accessible")
    return attr is not None and attr.expr.kind == "lit" and attr.expr.value is True


def _block(path: str, block: Block, ypath: tuple, exposed: bool | None, seen: set[int],
           owner: str) -> Iterator[Finding]:
    # a Helm release's ``set { name = "auth.password" value = "..." }``
    if block.type in ("set", "set_sensitive"):
        name, value = block.attr("name"), block.attr("value")
        if name is not None and value is not None and name.expr.kind == "lit" and isinstance(name.expr.value, str):
            yield from _value(path, name.expr.value, value.expr, value, ypath + (name.expr.value,), exposed, seen)
        return
    for attr in block.attrs:
        if not _identifier(owner, attr.name):
            yield from _value(path, attr.name, attr.expr, attr, ypath + (attr.name,), exposed, seen)
    for inner in block.blocks:
        yield from _block(path, inner, ypath + (inner.type,), exposed, seen, owner)


def _literal(expr: Expr) -> str | None:
    if expr.kind == "lit" and isinstance(expr.value, str):
        return expr.value
    if expr.kind == "tpl" and all(isinstance(p, str) for p in expr.parts):
        return "".join(expr.parts)
    return None


def _value(path: str, name: str, expr: Expr, attr: Attr, ypath: tuple, exposed: bool | None,
           seen: set[int]) -> Iterator[Finding]:
    """A literal under a secret name, or the secret-named keys of an object (``data = {...}``)."""
    if expr.kind == "object":
        for key, value in expr.parts:
            key_text = _literal(key)
            if key_text is not None:
                yield from _value(path, key_text, value, attr, ypath + (key_text,), exposed, seen)
        return
    text = _literal(expr)
    if text is None or name in _NOT_SECRET_ARGUMENTS:
        return
    verdict = classify(name, text, where="text")
    if not verdict.is_secret:
        return
    line = expr.line or attr.line
    if line in seen:
        return
    seen.add(line)
    yield CHECK.finding(Pos(line, line, ypath, path=path), resource=".".join(str(p) for p in ypath[:3]),
                        message=_message(name, verdict, exposed), evidence=verdict.evidence(name),
                        severity=verdict.severity(exposed=exposed))


def _message(name: str, verdict: SecretVerdict, exposed: bool | None) -> str:
    text = f"{name} is {verdict.describe()} written in the repository"
    if exposed:
        text += ", for a database with a public address"
    return text
