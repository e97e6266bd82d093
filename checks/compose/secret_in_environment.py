"""CMP013: a secret is written as a literal environment value or build argument."""

from __future__ import annotations

from typing import Iterator

import re

from ..api import Category, Check, Finding, Pos, Severity
from ..context import Context, by_convention
from ..models.compose import ComposeFile, EnvVar
from ..models.images import is_database_image
from ..models.secrets import SecretVerdict, classify, name_words

CHECK = Check(
    code="CMP013",
    name="secret-in-environment",
    title="Secret written as a literal environment value",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written in the compose file is in every clone, fork, CI log and "
        "backup of the repository, and in `docker inspect` on every host that runs it; rotating it "
        "means rewriting history. A `${VAR:-default}` with a real default, or a URL with the "
        "password inline, is the same literal. Build arguments are worse: they stay in the image "
        "history. Severity follows the secrets model: a token or a random-looking key is critical; "
        "a password is critical when what it opens (the database, the service) publishes a port "
        "beyond the host and medium when it does not; a weak or well-known default (`postgres`, "
        "`changeme`) is high when published and medium when not."
    ),
    remediation=(
        "Rotate the secret now: treat the committed value as leaked.",
        "Reference it from the environment instead (`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}`), "
        "set in an untracked `.env` or by the deploy system.",
        "Better, use compose `secrets:` and the image's `*_FILE` variable (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`).",
        "For build-time credentials use `docker build --secret`, never `build.args`.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/compose/how-tos/use-secrets/",
        "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/",
        "https://docs.docker.com/build/building/secrets/",
    ),
    peers=("checkov CKV_SECRET_6", "kics Passwords And Secrets - Generic Password", "gitleaks generic-api-key"),
)

def _where(var: EnvVar) -> Pos:
    """The line of the value itself: for keys merged from an anchor (``<<: *env``) that is
    the anchor's line, where the literal is written, not the ``<<:`` line."""
    line, end = var.line, var.end_line
    container = var.container
    if isinstance(var.key, str) and hasattr(container, "value_span") and var.key in container.value_lines:
        line, end = container.value_span(var.key)
    return Pos(line, max(line, end), var.ypath)


def _exposed(service) -> bool:
    """Reachable from outside the host: a port published on every interface, or host networking."""
    mode = service.node.get("network_mode")
    return any(port.bound_to_all_interfaces for port in service.ports()) or str(mode or "").strip() == "host"


#: words of a variable name that say it logs in to a data store (DB_PASSWORD in the app service)
_STORE_WORDS = frozenset((
    "DB", "DATABASE", "POSTGRES", "POSTGRESQL", "PG", "MYSQL", "MARIADB", "SQL", "MSSQL", "REDIS", "VALKEY",
    "KEYDB", "MONGO", "MONGODB", "RABBITMQ", "RABBIT", "AMQP", "MQ", "MINIO", "S3", "ELASTIC", "ELASTICSEARCH",
    "OPENSEARCH", "CLICKHOUSE", "CASSANDRA", "NEO4J", "INFLUX", "INFLUXDB", "COUCHDB", "KAFKA", "NATS", "SEAWEEDFS",
))
_GLUED = ("PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "USER")
_URL_HOST_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^@/\s]{0,500}@\[?([A-Za-z0-9_.\-]{1,253})")


def _reach(compose: ComposeFile, service, var: EnvVar, verdict: SecretVerdict) -> bool | None:
    """Is what the credential opens reachable from outside the host? None when the file cannot tell.

    A URL opens its host (a service of this file, or something elsewhere); a data store's own
    variables (POSTGRES_PASSWORD in the postgres service) open that store; a variable named
    for a store in another service (DB_PASSWORD in the app) opens the file's stores; anything
    else (ADMIN_PASSWORD, APP_SECRET) opens the service that holds it.
    """
    if verdict.in_url:
        match = _URL_HOST_RE.match(str(var.value or "").strip())
        host = match.group(1) if match else ""
        target = next((s for s in compose.services if host in (s.name, str(s.node.get("container_name") or ""),
                                                                str(s.node.get("hostname") or ""))), None)
        return _exposed(target) if target is not None else None
    if service.image and is_database_image(service.image):
        return _exposed(service)
    words = set(name_words(var.name))
    words |= {w[:-len(end)] for w in words for end in _GLUED if w.endswith(end) and len(w) > len(end)}
    if words & _STORE_WORDS:  # DB_PASSWORD, REDIS_URL, PGPASSWORD
        stores = [s for s in compose.services if s.image and is_database_image(s.image)]
        return any(_exposed(s) for s in stores) if stores else None
    return _exposed(service)


@CHECK.on(ComposeFile)
def secret_in_environment(compose: ComposeFile) -> Iterator[Finding]:
    # one literal shared by several services (an x- anchor merged into each) is one finding
    found: dict[tuple, list] = {}
    # a sample (examples/, docker-compose.example.yml) shows how to deploy: its placeholders ask
    # to be replaced; in a compose file that runs they are the value every install shares
    where = "sample" if by_convention(compose.path).context is Context.EXAMPLE else "compose"
    for service in compose.services:
        for what, variables in (("environment variable", service.environment()),
                                ("build argument", service.build_args())):
            for var in variables:
                if var.container is None or var.value is None:
                    continue
                # a value ``.env`` interpolated in is that file's secret (the env checks report it
                # there): judge what this file writes
                written = var.written if var.written is not None else (
                    var.raw if isinstance(var.raw, (int, float)) else var.value)
                verdict = classify(var.name, written, where=where)
                if not verdict.is_secret:
                    continue
                pos = _where(var)
                entry = found.setdefault((pos.line, var.name, what), [var, verdict, pos, what, []])
                entry[4].append(service)
    for var, verdict, pos, what, services in found.values():
        names = ", ".join(repr(s.name) for s in services)
        who = f"service {names}" if len(services) == 1 else f"services {names}"
        reaches = [_reach(compose, s, var, verdict) for s in services]
        exposed = True if any(r is True for r in reaches) else (None if None in reaches else False)
        default = " (as the default of a variable)" if verdict.default else ""
        reach = ""
        if verdict.kind == "weak" or verdict.purpose == "password":
            reach = {True: "; what it opens is published beyond this host",
                     False: "; what it opens publishes no port beyond this host",
                     None: ""}[exposed]
        message = (f"{who} set{'s' if len(services) == 1 else ''} {what} {var.name} to "
                   f"{verdict.describe()}{default}{reach}")
        yield CHECK.finding(pos, resource=services[0].resource, message=message,
                            evidence=verdict.evidence(var.name), severity=verdict.severity(exposed=exposed))
