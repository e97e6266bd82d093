"""CMP012: a database shares compose's default network with every other service."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service, interpolate
from ..models.images import DATABASE_IMAGES
from ..models.yamlnodes import YList, YMap

CHECK = Check(
    code="CMP012",
    name="database-on-default-network",
    title="Database is on the default network, reachable from every service",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_POLICY,
    rationale=(
        "Compose puts every service that declares no `networks:` on one shared default network, "
        "so the database accepts connections from the reverse proxy, the admin UI and any "
        "third-party container in the file. One compromised edge service is then one hop from "
        "the data. Separate networks give the database only the clients that need it. When every "
        "neighbour is a client of the database (it depends on, links to or names it as a host), "
        "splitting networks would change nothing and the check stays quiet."
    ),
    remediation=(
        "Declare a `backend` network (with `internal: true` if the database needs no egress) and put the "
        "database and the services that query it on it.",
        "Put edge services (proxy, web) on a `frontend` network, plus `backend` only if they query the database.",
        "Run `docker compose config` and check each service lists only the networks it needs.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/compose/how-tos/networking/#specify-custom-networks",
        "https://docs.docker.com/reference/compose-file/networks/",
    ),
    peers=("kics Networks Not Set",),
    options={"database_images": DATABASE_IMAGES},
)


#: images whose whole job is to connect to a database (web admin consoles): they are its
#: clients even when they name no host, since the operator picks the server in the UI
_DB_CONSOLE_IMAGES = (
    "pgadmin", "pgadmin4", "adminer", "phpmyadmin", "mongo-express", "redis-commander",
    "redisinsight", "cloudbeaver", "dbgate", "pgweb", "sqlpad",
)


def _is_db_console(peer: Service) -> bool:
    ref = peer.resolved_image_ref
    if ref is None:
        return False
    name = ref.name.lower()
    return any(name == console or name.startswith(console + "-") for console in _DB_CONSOLE_IMAGES)


def _is_client_of(peer: Service, db: Service) -> bool:
    """The peer uses the database: it depends on or links to it, names it as a host in
    its environment (``DB_HOST=db:5432``, ``postgres://app@db/app``), or is a database
    admin console (pgAdmin, Adminer, phpMyAdmin...)."""
    if _is_db_console(peer):
        return True
    depends, _ = peer.lookup("depends_on")
    if isinstance(depends, (YMap, YList)) and db.name in [str(d) for d in depends]:
        return True
    if isinstance(depends, str) and depends == db.name:
        return True
    links, _ = peer.lookup("links")
    if isinstance(links, YList) and any(str(link).split(":", 1)[0] == db.name for link in links):
        return True
    host = re.compile(r"(?:^|[/@=\s,])" + re.escape(db.name) + r"(?:$|[:/\s,])")
    for var in peer.environment():
        if var.value and host.search(var.value):
            return True
        # ``POSTGRES_HOST: ${POSTGRES_HOST}``: the connection is configured, its host decided at
        # deploy time; give it the benefit of the doubt
        if _CONNECTION_VAR.search(var.name) and var.value and interpolate(var.value) is None:
            return True
    return False


#: variables that hold where a database is: ``DB_HOST``, ``DATABASE_URL``, ``PGHOST``, ``REDIS_URI``...
_CONNECTION_VAR = re.compile(
    r"(?:^|_)(?:DB|DATABASE|POSTGRES(?:QL)?|PG|MYSQL|MARIADB|MONGO(?:DB)?|REDIS|VALKEY|"
    r"ELASTIC(?:SEARCH)?|OPENSEARCH|CLICKHOUSE|RABBITMQ|AMQP|KAFKA|CACHE|BROKER)_?(?:HOST|HOSTNAME|URL|URI|DSN|ADDR|ADDRESS|SERVERS?)$",
    re.IGNORECASE,
)


def _clients(peers: list[Service], db: Service) -> set[str]:
    """Names of the peers that use the database; a worker that runs the same image (or
    build) as a client is one too, even when its own settings come from an env_file."""
    clients = {peer.name for peer in peers if _is_client_of(peer, db)}
    shared = {_runs(peer) for peer in peers if peer.name in clients} - {None}
    return clients | {peer.name for peer in peers if _runs(peer) in shared}


def _runs(service: Service) -> str | None:
    """What the container runs: its image name (also the name a build is tagged with),
    else its build context."""
    if service.image:
        return f"image:{service.image.strip()}"
    build, _ = service.lookup("build")
    if build is not None:
        return f"build:{build.get('context') if isinstance(build, YMap) else build}"
    return None


def on_default_network(service: Service) -> bool:
    """True when the service joins the file's default network."""
    if service.lookup("network_mode")[1] is not None:  # host, none, service:x, container:x
        return False
    names = service.network_names()
    return names is None or "default" in names


@CHECK.on(ComposeFile)
def database_on_default_network(compose: ComposeFile, ctx=None) -> Iterator[Finding]:
    names = tuple(ctx.option("database_images") or DATABASE_IMAGES) if ctx else DATABASE_IMAGES
    services = [s for s in compose.services if s.complete]
    for db in services:
        if not db.is_database(names) or not on_default_network(db):
            continue
        peers = [s for s in services if s is not db and on_default_network(s) and not s.is_database(names)]
        # separate networks only help against neighbours that have no business with the database
        clients = _clients(peers, db)
        strangers = [peer.name for peer in peers if peer.name not in clients]
        if not strangers:
            continue
        shown = ", ".join(repr(p) for p in strangers[:3]) + (f" and {len(strangers) - 3} more" if len(strangers) > 3 else "")
        verb = "does" if len(strangers) == 1 else "do"
        message = (f"database service {db.name!r} is on the default network, reachable from {shown}, "
                   f"which {verb} not reference it (no depends_on, link or host setting)")
        if "networks" in db.node:
            yield CHECK.finding(db.node, "networks", resource=db.resource, message=message)
        else:
            yield CHECK.finding(compose.services_map, db.name, resource=db.resource, message=message)
