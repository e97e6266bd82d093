"""CMP017: a database port is published on every host interface."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service
from ..models.datastore import engine_of
from ..models.exposure import engine_family
from ..models.images import DATABASE_IMAGES
from ..models.secrets import classify, name_words
from .shared import auth_switches

#: store families whose clients are often remote by design (message brokers)
BROKERS = ("rabbitmq", "kafka", "nats")

#: container ports of common stateful stores, used only when the file does not name the
#: image (override files, built images); ports shared with common apps are left out
DATABASE_PORTS = (
    5432, 3306, 33060, 1433, 1521, 27017, 27018, 6379, 6380, 11211, 9042, 9200, 9300,
    5672, 15672, 9092, 2181, 2379, 8086, 26257, 5984, 7687, 7474, 4222, 8529,
)

CHECK = Check(
    code="CMP017",
    name="database-port-published",
    title="Database port published on all host interfaces",
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "`ports: [\"5432:5432\"]` (or `\"5432\"` alone, which picks a random host port) binds the "
        "database on every interface of the host, and Docker's iptables rules bypass host "
        "firewalls such as ufw: the database is on the internet, where default credentials and "
        "unpatched servers are scanned for continuously. Binding to 127.0.0.1 keeps local access. A "
        "message broker (RabbitMQ, Kafka, NATS) whose clients are remote by design and whose login "
        "the file takes from the deployer's variables (no default written in it) is medium, saying so: "
        "plaintext protocol and an internet-facing server, but no credential anyone can read here."
    ),
    remediation=(
        "Remove the `ports:` entry if only other services need the database: they reach it over the compose network.",
        "If the host needs access (backups, a local client), bind to loopback: `\"127.0.0.1:5432:5432\"`.",
        "For remote administration use an SSH tunnel or a VPN rather than a public port.",
    ),
    effort="15m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#ports",
        "https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw",
    ),
    peers=("kics Container Traffic Not Bound To Host Interface",),
    options={"database_images": DATABASE_IMAGES, "database_ports": DATABASE_PORTS},
)


def _port_number(text: str | None) -> int | None:
    if not text:
        return None
    head = str(text).strip().split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _target_in(target: str, ports: tuple[int, ...]) -> bool:
    text = str(target).strip()
    if "-" in text:
        low, _, high = text.partition("-")
        if low.isdigit() and high.isdigit():
            return any(int(low) <= p <= int(high) for p in ports)
    number = _port_number(text)
    return number is not None and number in ports


def _deployer_login(service: Service) -> str | None:
    """The broker's login variable the file leaves to the deployer (a reference with no default,
    ``RABBITMQ_DEFAULT_PASS=$SERVICE_PASSWORD``), when no password of the service is written in the
    file; None otherwise (not a broker, no login set, or a default/literal beside it)."""
    family = engine_family(engine_of(service.resolved_image_ref) or "")
    if family not in BROKERS:
        return None
    found = None
    for var in service.container_env():
        if var.value is None or not {"PASS", "PASSWORD", "PASSWD", "PWD"} & set(name_words(var.name)):
            continue
        written = var.written if var.written is not None else var.value  # as CMP013 reads it
        verdict = classify(var.name, written, where="compose")
        if verdict.is_secret or verdict.kind != "reference":
            return None
        found = var.name
    return found


@CHECK.on(ComposeFile)
def database_port_published(compose: ComposeFile, ctx=None) -> Iterator[Finding]:
    names = tuple(ctx.option("database_images") or DATABASE_IMAGES) if ctx else DATABASE_IMAGES
    known_ports = tuple(int(p) for p in (ctx.option("database_ports") if ctx else DATABASE_PORTS) or ())
    for service in compose.services:
        ports = service.ports()
        if not ports:
            continue
        ref = service.resolved_image_ref
        by_image = service.is_database(names)
        # the image decides when we can read it; otherwise (override files, builds) the port does
        judge_by_port = not by_image and (ref is None or service.builds)
        if next(auth_switches(service), None) is not None:
            continue  # a store that accepts any client: CMP021 reports it, critical, with this port
        for port in ports:
            if not port.bound_to_all_interfaces:
                continue
            if not by_image and not (judge_by_port and _target_in(port.target, known_ports)):
                continue
            where = f"host port {port.published}" if port.published else "a random host port"
            login = _deployer_login(service)
            note = (f"; a message broker whose login comes from the deployer's variables ({login}, no default in "
                    "this file): still a plaintext protocol on an internet-facing server, bind it to a private "
                    "address or put TLS in front unless remote clients need it") if login else ""
            yield CHECK.finding(
                port.container, port.index, resource=service.resource,
                message=f"service {service.name!r} publishes database port {port.target} on {where} "
                        f"of every interface{note}",
                evidence=f"ports: {compose.shown(port.container, port.index, port.raw)}",
                severity=Severity.MEDIUM if login else None,
            )
