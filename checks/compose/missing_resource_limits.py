"""CMP016: a service has no memory or CPU limit."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service
from ..models.yamlnodes import YMap

CHECK = Check(
    code="CMP016",
    name="missing-resource-limits",
    title="Service has no resource limits",
    severity=Severity.MEDIUM,
    category=Category.RESOURCES,
    rationale=(
        "Without a memory or CPU limit one service with a leak, a runaway query or a traffic spike "
        "takes the whole host: the kernel's OOM killer then picks a victim, often the database, "
        "and every other service on the host slows or dies with it."
    ),
    remediation=(
        "Set `deploy.resources.limits` (`memory: 512M`, `cpus: \"1.0\"`) on the service; "
        "`docker compose` applies them outside swarm too.",
        "Size the limits from observed usage (`docker stats`) plus headroom, and set "
        "`deploy.resources.reservations` for services that must always get their share.",
        "For databases, also tell the engine its budget (e.g. shared_buffers, maxmemory) so it stays inside the limit.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/compose-file/deploy/#resources",
        "https://docs.docker.com/engine/containers/resource_constraints/",
    ),
    peers=("kics Memory Not Limited", "kics Cpus Not Limited", "kube-linter unset-memory-requirements", "checkov CKV_K8S_13"),
)

_LEGACY_LIMITS = ("mem_limit", "memswap_limit", "cpus", "cpu_quota", "cpu_count", "cpu_percent")


def _set(value: object) -> bool:
    return value is not None and value != "" and value is not False


def has_limits(service: Service) -> bool:
    for key in _LEGACY_LIMITS:
        if _set(service.lookup(key)[0]):
            return True
    deploy = service.lookup("deploy")[0]
    if isinstance(deploy, YMap):
        limits = deploy.map("resources").map("limits")
        return any(_set(limits.get(key)) for key in ("memory", "cpus"))
    return False


@CHECK.on(ComposeFile)
def missing_resource_limits(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if not service.complete or has_limits(service):
            continue
        yield CHECK.finding(services, service.name, resource=service.resource,
                            message=f"service {service.name!r} has no memory or CPU limit")
