"""CMP021: a database container is told to accept connections without a password."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service
from .shared import auth_switches

CHECK = Check(
    code="CMP021",
    name="database-auth-disabled",
    title="Database accepts connections without a password",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "`POSTGRES_HOST_AUTH_METHOD=trust`, `MYSQL_ALLOW_EMPTY_PASSWORD`, Bitnami's "
        "`ALLOW_EMPTY_PASSWORD`, `xpack.security.enabled=false` on Elasticsearch, "
        "`NEO4J_AUTH=none` and server flags such as `mongod --noauth` or `mysqld --skip-grant-tables` "
        "turn authentication off: any process that can reach the port, "
        "in any container on the network or through a published port, gets a superuser "
        "session. It is a convenience for throwaway local stacks that tends to ship. Severity follows "
        "exposure: critical when the store publishes a port on every host interface (or uses the host "
        "network), medium when only the compose network and the host reach it, high when the file "
        "cannot tell (an override file's partial service)."
    ),
    remediation=(
        "Remove the variable and set a password from a secret (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`).",
        "Give the application its own least-privileged database user instead of the superuser.",
        "If a local development stack really needs it, keep it in a `docker-compose.override.yml` that never reaches a server.",
    ),
    effort="30m",
    references=(
        "https://hub.docker.com/_/postgres#postgres_host_auth_method",
        "https://hub.docker.com/_/mysql#mysql_allow_empty_password",
        "https://www.elastic.co/guide/en/elasticsearch/reference/current/security-settings.html",
    ),
    peers=("kics Passwords And Secrets - Generic Password",),
)

def _exposure(service: Service) -> tuple[Severity, str]:
    """Severity by who reaches the store: critical when a port is published on every interface (or
    the host network), medium when only the compose network or the host does; high when the file
    cannot tell (a partial service of an override file: its ports are in the base file)."""
    exposed = service.exposed
    if exposed:
        port = next((p for p in service.ports() if p.bound_to_all_interfaces), None)
        where = f" (host port {port.published} to {port.target})" if port is not None and port.published else ""
        return Severity.CRITICAL, f"; it is published on every host interface{where}"
    if exposed is None:
        return Severity.HIGH, ""
    return Severity.MEDIUM, "; it publishes no port beyond this host, so only containers of its networks and the host reach it"


@CHECK.on(ComposeFile)
def database_auth_disabled(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        severity, reach = _exposure(service)
        for switch in auth_switches(service):
            if switch.var is not None:
                var = switch.var
                source = f" in {var.where}" if var.env_file else ""
                yield CHECK.finding(
                    var, resource=service.resource,
                    message=f"service {service.name!r} sets {var.name}={switch.value}{source}: the database accepts any "
                            f"client without a password{reach}", severity=severity,
                    evidence=f"{var.name}={compose.shown(var.container, var.key, switch.value) if not var.env_file else switch.value}",
                )
            else:
                _, owner = service.lookup("command")
                yield CHECK.finding(
                    owner, "command", resource=service.resource,
                    message=f"service {service.name!r} starts the server with {switch.flag}: {switch.why}{reach}",
                    severity=severity, evidence=f"command: ... {switch.flag}",
                )
