"""CMP017: a database port is published on every host interface."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile
from ..models.images import DATABASE_IMAGES
from .shared import auth_switches

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
        "unpatched servers are scanned for continuously. Binding to 127.0.0.1 keeps local access."
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
            yield CHECK.finding(
                port.container, port.index, resource=service.resource,
                message=f"service {service.name!r} publishes database port {port.target} on {where} "
                        f"of every interface",
                evidence=f"ports: {compose.shown(port.container, port.index, port.raw)}",
            )
