"""CMP015: a long-running service has no restart policy."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile
from ..models.yamlnodes import YMap

CHECK = Check(
    code="CMP015",
    name="missing-restart-policy",
    title="Service has no restart policy",
    severity=Severity.LOW,
    category=Category.RELIABILITY,
    rationale=(
        "Compose's default restart policy is `no`: a service that crashes, or every service after "
        "the host reboots, stays down until someone runs `docker compose up` again. One-shot tasks "
        "(migrations, seeders) are left alone: `restart: \"no\"` is right for them."
    ),
    remediation=(
        "Add `restart: unless-stopped` (or `always`) to long-running services.",
        "Under swarm (`docker stack deploy`), set `deploy.restart_policy` instead.",
        "Pair it with a healthcheck so a hung process is seen as unhealthy, not just a dead one.",
    ),
    effort="15m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#restart",
        "https://docs.docker.com/reference/compose-file/deploy/#restart_policy",
    ),
    peers=("kics Restart Policy On Failure Not Set To 5",),
)


@CHECK.on(ComposeFile)
def missing_restart_policy(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if not service.complete or service.one_shot:
            continue
        if service.lookup("restart")[1] is not None:
            continue
        deploy = service.lookup("deploy")[0]
        if isinstance(deploy, YMap) and "restart_policy" in deploy:
            continue
        yield CHECK.finding(services, service.name, resource=service.resource,
                            message=f"service {service.name!r} has no restart policy (compose defaults to \"no\")")
