"""CMP021: a database container is told to accept connections without a password."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service, interpolate
from ..models.yamlnodes import YList

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

#: variable -> values that disable authentication (compared lowercased)
_DISABLING = {
    "POSTGRES_HOST_AUTH_METHOD": {"trust"},
    "MYSQL_ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": {"yes", "true", "1", "on"},
    "MARIADB_ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "NEO4J_AUTH": {"none"},
}
#: the same for variables only a search engine reads (``kibana`` also knows
#: ``xpack.security.enabled``, where it only hides the login page): judged on search images
_SEARCH_DISABLING = {
    "XPACK.SECURITY.ENABLED": {"false", "no", "0", "off"},
    "XPACK_SECURITY_ENABLED": {"false", "no", "0", "off"},
    "PLUGINS.SECURITY.DISABLED": {"true", "yes", "1", "on"},
    "DISABLE_SECURITY_PLUGIN": {"true", "yes", "1", "on"},
}
_SEARCH_IMAGES = ("elasticsearch", "opensearch")
#: server flags that switch authentication off, whatever the image is called
_DISABLING_FLAGS = {
    "--noauth": "MongoDB runs without access control and accepts any client",
    "--skip-grant-tables": "MySQL/MariaDB ignores every account and privilege, so any client is a superuser",
}


def _is_search_engine(service: Service) -> bool:
    ref = service.resolved_image_ref
    return ref is not None and any(ref.name.lower().startswith(name) for name in _SEARCH_IMAGES)


def _command_words(service: Service) -> list[str]:
    value, _ = service.lookup("command")
    if isinstance(value, YList):
        words: list[str] = []
        for item in value:
            if isinstance(item, str):
                words.extend(item.split())
        return words
    return value.split() if isinstance(value, str) else []


def _exposure(service: Service) -> tuple[Severity, str]:
    """Severity by who reaches the store: critical when a port is published on every interface (or
    the host network), medium when only the compose network or the host does; high when the file
    cannot tell (a partial service of an override file: its ports are in the base file)."""
    exposed = service.exposed
    if exposed:
        return Severity.CRITICAL, "; it is published on every host interface"
    if exposed is None:
        return Severity.HIGH, ""
    return Severity.MEDIUM, "; it publishes no port beyond this host, so only containers of its networks and the host reach it"


@CHECK.on(ComposeFile)
def database_auth_disabled(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        search = _is_search_engine(service)
        severity, reach = _exposure(service)
        for var in service.container_env():
            accepted = _DISABLING.get(var.name.upper())
            if accepted is None and search:
                accepted = _SEARCH_DISABLING.get(var.name.upper())
            if accepted is None or var.value is None:
                continue
            value = interpolate(var.raw if var.raw is not None else var.value)
            if value is None or str(value).strip().lower() not in accepted:
                continue
            source = f" in {var.where}" if var.env_file else ""
            yield CHECK.finding(
                var, resource=service.resource,
                message=f"service {service.name!r} sets {var.name}={value}{source}: the database accepts any client "
                        f"without a password{reach}", severity=severity,
                evidence=f"{var.name}={compose.shown(var.container, var.key, value) if not var.env_file else value}",
            )
        words = _command_words(service)
        for flag, why in _DISABLING_FLAGS.items():
            if not any(word == flag or word.startswith(flag + "=") for word in words):
                continue
            _, owner = service.lookup("command")
            yield CHECK.finding(
                owner, "command", resource=service.resource,
                message=f"service {service.name!r} starts the server with {flag}: {why}{reach}", severity=severity,
                evidence=f"command: ... {flag}",
            )
