"""TF012: Terraform state kept locally, or in S3 without locking or encryption."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.hcl import Block
from ..models.terraform_eval import environment_of
from ..models.topics import TF_FILE

CHECK = Check(
    code="TF012",
    name="state-without-locking",
    title="Terraform state is local or not locked",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale=(
        "Terraform state is the map of what exists; it holds every attribute in plain text, "
        "passwords included. With the `local` backend it lives on the disk of whoever ran apply; "
        "an `s3` backend without `dynamodb_table` or `use_lockfile = true` lets two applies (two "
        "people, a person and CI) write it at once and corrupt it; without `encrypt = true` the "
        "state object is not encrypted by Terraform."
    ),
    remediation=(
        "Keep state in a remote backend with locking: S3 with `use_lockfile = true` (Terraform 1.10+) "
        "or a DynamoDB lock table, GCS, azurerm or HCP Terraform (which lock by themselves).",
        "Set `encrypt = true` (and a `kms_key_id`) on the S3 backend, and block public access and turn "
        "on versioning on the state bucket.",
        "Move existing state with `terraform init -migrate-state`.",
    ),
    effort="1h",
    references=(
        "https://developer.hashicorp.com/terraform/language/backend/s3",
        "https://developer.hashicorp.com/terraform/language/state/locking",
    ),
    peers=(),
)


@CHECK.on_each(TF_FILE)
def state_without_locking(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.vars:
        return
    for block in fact.data.blocks or ():
        if block.type != "terraform":
            continue
        for backend in block.blocks_of("backend"):
            found = _judge(backend)
            if found is None:
                continue
            severity, message = found
            if not environment_of(path).production:
                severity = min(severity, Severity.LOW)
            yield CHECK.finding(Pos(backend.line, backend.line, ("terraform", "backend", backend.label), path=path),
                                resource=f"backend.{backend.label}", message=message, severity=severity,
                                evidence=f'backend "{backend.label}"')


def _literal(block: Block, name: str):
    attr = block.attr(name)
    if attr is None:
        return None
    return attr.expr.value if attr.expr.kind == "lit" else ...


def _judge(backend: Block) -> tuple[Severity, str] | None:
    kind = backend.label
    if kind == "local":
        return Severity.MEDIUM, ("state is kept in a local file: it is on the disk of whoever runs apply, "
                                 "with its secrets, and nothing stops two applies at once")
    if kind != "s3" or not backend.attrs:
        return None  # other remote backends lock; an empty block is configured at init (-backend-config)
    lock_table = _literal(backend, "dynamodb_table")
    lockfile = _literal(backend, "use_lockfile")
    encrypt = _literal(backend, "encrypt")
    unlocked = lock_table is None and lockfile in (None, False)
    unencrypted = encrypt in (None, False)
    if unlocked:
        message = "the S3 backend has no state locking (no dynamodb_table or use_lockfile): two applies at once can corrupt the state"
        if unencrypted:
            message += ", and encrypt is not set"
        return Severity.MEDIUM, message
    if unencrypted:
        return Severity.LOW, "the S3 backend does not set encrypt = true: Terraform does not encrypt the state object"
    return None
