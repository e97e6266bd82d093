"""CMP021: a database container is told to accept connections without a password."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, interpolate

CHECK = Check(
    code="CMP021",
    name="database-auth-disabled",
    title="Database accepts connections without a password",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "`POSTGRES_HOST_AUTH_METHOD=trust`, `MYSQL_ALLOW_EMPTY_PASSWORD` and Bitnami's "
        "`ALLOW_EMPTY_PASSWORD` turn authentication off: any process that can reach the port, "
        "in any container on the network or through a published port, gets a superuser "
        "session. It is a convenience for throwaway local stacks that tends to ship."
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
    ),
    peers=("kics Passwords And Secrets - Generic Password",),
)

#: variable -> values that disable authentication (compared lowercased)
_DISABLING = {
    "POSTGRES_HOST_AUTH_METHOD": {"trust"},
    "MYSQL_ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": {"yes", "true", "1", "on"},
    "MARIADB_ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
}


@CHECK.on(ComposeFile)
def database_auth_disabled(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        for var in service.environment():
            accepted = _DISABLING.get(var.name.upper())
            if accepted is None or var.value is None:
                continue
            value = interpolate(var.raw if var.raw is not None else var.value)
            if value is None or str(value).strip().lower() not in accepted:
                continue
            yield CHECK.finding(
                var, resource=service.resource,
                message=f"service {service.name!r} sets {var.name}={value}: the database accepts any client without a password",
                evidence=f"{var.name}={value}",
            )
