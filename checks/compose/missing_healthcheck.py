"""CMP014: a long-running service has no healthcheck (or disables it)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos
from ..models.yamlnodes import YList, YMap

CHECK = Check(
    code="CMP014",
    name="missing-healthcheck",
    title="Service has no healthcheck",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale=(
        "Without a healthcheck Docker only knows whether the process exists: a deadlocked server or "
        "a database still replaying its log counts as up, `depends_on: condition: service_healthy` "
        "cannot wait for it, and restarts and rolling updates route traffic to a container that "
        "cannot answer. Services that build their own image are reported as low: the Dockerfile "
        "may declare a HEALTHCHECK this file cannot see."
    ),
    remediation=(
        "Add a `healthcheck:` that exercises the service (`pg_isready`, `redis-cli ping`, an HTTP /healthz), "
        "with `interval`, `timeout`, `retries` and a `start_period` for slow starters.",
        "Make dependants wait for it with `depends_on: {service: {condition: service_healthy}}`.",
        "Remove `healthcheck: {disable: true}` unless the image's own check is known to be wrong.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#healthcheck",
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
    ),
    peers=("kics Healthcheck Not Set (698ed579)", "checkov CKV_DOCKER_2", "kube-linter no-liveness-probe"),
)


def healthcheck_disabled(value: object) -> bool:
    if not isinstance(value, YMap):
        return False
    disable = value.get("disable")
    if disable is True or (isinstance(disable, str) and disable.strip().lower() == "true"):
        return True
    test = value.get("test")
    if isinstance(test, YList):
        return bool(test) and str(test[0]).strip().upper() == "NONE"
    return isinstance(test, str) and test.strip().upper() == "NONE"


@CHECK.on(ComposeFile)
def missing_healthcheck(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if "healthcheck" in service.node and healthcheck_disabled(service.node.get("healthcheck")):
            yield CHECK.finding(key_pos(service.node, "healthcheck"), resource=service.resource,
                                message=f"service {service.name!r} disables its healthcheck",
                                evidence="healthcheck: disable")
            continue
        if not service.complete or service.one_shot:
            continue
        value, owner = service.lookup("healthcheck")
        if owner is not None:
            if healthcheck_disabled(value) and owner is not service.node:
                yield CHECK.finding(services, service.name, resource=service.resource,
                                    message=f"service {service.name!r} inherits a disabled healthcheck")
            continue
        note = " (unless its Dockerfile declares HEALTHCHECK)" if service.builds else ""
        yield CHECK.finding(services, service.name, resource=service.resource,
                            message=f"service {service.name!r} has no healthcheck{note}",
                            severity=Severity.LOW if service.builds else Severity.MEDIUM)
