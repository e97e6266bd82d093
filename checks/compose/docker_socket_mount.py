"""CMP001: a service mounts the container runtime's API socket."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile
from ..models.host_paths import classify as host_path
from ..models.node_agents import RUNTIME_SOCKET, service_agent
from .shared import socket_mounts

CHECK = Check(
    code="CMP001",
    name="docker-socket-mount",
    title="Container mounts the Docker (or another runtime's) socket",
    severity=Severity.CRITICAL,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Whoever can talk to /var/run/docker.sock (or the podman/containerd socket) controls the "
        "host: they can list every container, read their environment (often secrets) and start a "
        "privileged container that mounts the host's root filesystem. Mounting the socket "
        "read-only does not help: `:ro` only stops the file being replaced, API calls still go through. A node agent whose documented function needs the API (cAdvisor "
        "or an eBPF profiler naming the containers it measures) is high, saying so: never lower, "
        "the socket is root on the host. So is a service whose ports are all published on private "
        "or loopback addresses of the host (`10.1.6.21:443:443`, `127.0.0.1:8080:8080`): reachable "
        "from the LAN or the host, not from the internet. A service that publishes nothing keeps the "
        "critical: what fronts it (a proxy routing to it, its image's supply chain) is not its ports. A rootless runtime's socket in the user's runtime directory "
        "(`$XDG_RUNTIME_DIR/podman/podman.sock`, `/run/user/<uid>/docker.sock`) is high: its API acts "
        "with that user's rights, so it controls the user's containers and files (usually all of the "
        "stack's data), not the host."
    ),
    remediation=(
        "Remove the socket volume from the service.",
        "If the service only ships logs or metrics, use the logging driver or a read-only exporter instead.",
        "If it really needs the API (reverse proxy discovery, CI runner), put a filtering socket proxy in "
        "front of it and allow only the calls it uses.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
        "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
    ),
    peers=("kics Docker Socket Mounted In Container (d6355c88)", "kube-linter docker-sock", "CIS Docker 5.31"),
)


@CHECK.on(ComposeFile)
def docker_socket_mount(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        agent = service_agent(service)
        by_design = agent is not None and agent.needs(RUNTIME_SOCKET)
        mounts = list(socket_mounts(compose, service))
        if not mounts:
            continue
        reach, hosts = service.published_reach()
        for volume, source in mounts:
            ro = " (read-only does not limit the API)" if volume.read_only else ""
            what = host_path(source)
            if what is not None and what.rootless:
                yield CHECK.finding(
                    volume.container, volume.index,
                    resource=service.resource,
                    message=f"service {service.name!r} mounts {what.what} {volume.source}{ro}: control of every "
                            "container and file of the user that runs the stack, not root on the host",
                    evidence=f"{volume.source}:{volume.target}",
                    severity=Severity.HIGH,
                )
                continue
            if by_design and agent:
                note, severity = f", {agent.reason(RUNTIME_SOCKET)}; the socket is still root on the host", Severity.HIGH
            elif reach in ("private", "loopback"):
                where = "private addresses" if reach == "private" else "loopback"
                note = (f"; its ports are published only on {where} of the host ({', '.join(hosts[:3])}), so it is "
                        "reached from the LAN or the host, not the internet; the socket is still root on the host")
                severity = Severity.HIGH
            else:
                note, severity = "", None
            yield CHECK.finding(
                volume.container, volume.index,
                resource=service.resource,
                message=f"service {service.name!r} mounts the runtime socket {source}{ro}{note}",
                evidence=f"{volume.source}:{volume.target}",
                severity=severity,
            )
