"""CMP009: a service's root filesystem is writable."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos

CHECK = Check(
    code="CMP009",
    name="writable-root-filesystem",
    title="Service root filesystem is writable (no `read_only: true`)",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A writable root filesystem lets an attacker who gets code execution drop tools, modify "
        "the application's code or configuration and persist until the container is recreated. "
        "A read-only root with explicit writable mounts also documents exactly where the service "
        "writes."
    ),
    remediation=(
        "Add `read_only: true` to the service.",
        "Give the paths it must write a `tmpfs:` entry (/tmp, /run) or a named volume (its data directory).",
        "Run it and watch for EROFS errors to find any path you missed.",
    ),
    effort="1h",
    references=("https://docs.docker.com/reference/compose-file/services/#read_only",),
    peers=("kube-linter no-read-only-root-fs", "checkov CKV_K8S_22", "CIS Docker 5.12"),
)


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


@CHECK.on(ComposeFile)
def writable_root_filesystem(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if not service.complete:
            continue
        value, owner = service.lookup("read_only")
        if _true(value):
            continue
        if owner is service.node:
            yield CHECK.finding(key_pos(owner, "read_only"), resource=service.resource,
                                message=f"service {service.name!r} sets read_only: {value}",
                                evidence=f"read_only: {value}")
        else:
            yield CHECK.finding(services, service.name, resource=service.resource,
                                message=f"service {service.name!r} has a writable root filesystem (no read_only: true)")
