"""CMP001: a service mounts the container runtime's API socket."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service, interpolate
from ..models.host_paths import classify as host_path
from ..models.node_agents import RUNTIME_SOCKET, HostFunction, drives_runtime, host_function, service_agent
from .shared import image_tag_state, socket_mounts

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
        "stack's data), not the host. A service whose job is driving the runtime - a container manager "
        "(Portainer), a CI runner, a function executor, a game-server daemon, a container deployer, "
        "updater or scheduler - holds the socket as its product: high, saying so and how to contain it "
        "(a socket proxy allowing only the calls it uses, a rootless runtime, a host of its own); on a "
        "floating image tag it stays critical (whoever publishes the next image gets the host). A "
        "socket proxy whose allowlist keeps the write API off (POST) is medium: it is the fix, and what "
        "it lets through is what its consumers get. A service that reads the socket for a dashboard, a "
        "log view or an optional feature (Dozzle, Homepage, Glances, a log shipper) keeps the critical."
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
            function = host_function(service)
            note, severity = "", None
            if by_design and agent:
                note, severity = f", {agent.reason(RUNTIME_SOCKET)}; the socket is still root on the host", Severity.HIGH
            elif function is not None and drives_runtime(function):
                note, severity = _product(service, function)
            if reach in ("private", "loopback") and not (by_design and agent) and severity is not Severity.MEDIUM:
                where = "private addresses" if reach == "private" else "loopback"
                note += (f"; its ports are published only on {where} of the host ({', '.join(hosts[:3])}), so it is "
                         "reached from the LAN or the host, not the internet; the socket is still root on the host")
                severity = Severity.HIGH
            yield CHECK.finding(
                volume.container, volume.index,
                resource=service.resource,
                message=f"service {service.name!r} mounts the runtime socket {source}{ro}{note}",
                evidence=f"{volume.source}:{volume.target}",
                severity=severity,
            )


#: values of a socket proxy's POST switch that let the write API through
_ON = ("1", "true", "yes", "on")


def _proxy_writes(service: Service) -> str | None:
    """What lets a socket proxy's consumers write (start containers): its ``POST`` switch or an
    ``-allowPOST`` flag; None when the allowlist keeps writes off (the proxies' default)."""
    for var in service.container_env():
        if var.name.upper() != "POST":
            continue
        value = interpolate(var.raw if var.raw is not None else var.value)
        if value is None or str(value).strip().lower() in _ON:  # on, or a variable decides
            return f"POST={var.raw if var.raw is not None else var.value}"
    command = service.node.get("command")
    words = command.split() if isinstance(command, str) else [str(w) for w in command] if isinstance(command, list) else []
    for word in words:
        if word.lower().lstrip("-").startswith("allowpost"):
            return word
    return None


def _product(service: Service, function: HostFunction) -> tuple[str, Severity]:
    """The clause and severity of a socket a service's job drives (by-design-required)."""
    clause = f", {function.reason()}"
    if function.family.agent == "a socket proxy":
        writes = _proxy_writes(service)
        if writes is None:
            return (clause + "; its allowlist keeps the write API off (no POST), so its consumers can read "
                    "(container environments included) but not start containers: keep EXEC and POST off", Severity.MEDIUM)
        return (clause + f"; its allowlist lets writes through ({writes}), so whoever reaches it can start a "
                "privileged container: allow only the sections and methods its consumers use", Severity.HIGH)
    state = image_tag_state(service)
    if state is not None and state[1] == "floating":
        ref = state[0]
        return (clause + f"; but its image tag moves ({ref.tag or 'no tag'}): whoever publishes the next image "
                "gets root on the host at the next pull; pin it by version or digest", Severity.CRITICAL)
    return (clause + "; an accepted risk that is still root on the host: whoever controls it (its admins, the "
            "jobs or images it runs) controls the host; contain it with a socket proxy allowing only the calls it "
            "uses, a rootless runtime, or a host of its own", Severity.HIGH)
