"""CMP002: a service runs privileged."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service, key_pos
from ..models.host_paths import classify as host_path
from ..models.node_agents import PRIVILEGED, host_function, service_agent
from .shared import is_privileged, pinned_image, socket_mounts

CHECK = Check(
    code="CMP002",
    name="privileged-container",
    title="Service runs with `privileged: true`",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A privileged container gets every Linux capability, every host device and no seccomp or "
        "AppArmor confinement. Anything that compromises the process can mount the host's disks, "
        "load kernel modules and leave the container: it is root on the host in all but name. "
        "A node agent whose upstream runs it privileged (cAdvisor, smartctl-exporter for SMART "
        "ioctls, an eBPF profiler, a runtime security sensor) is medium, saying which agent it is "
        "and why: still root on the host, so pin its image and keep it the only privileged service. "
        "A pinned node agent whose upstream runs it unprivileged (node-exporter: host PID and network "
        "and read-only /proc and /sys are all it uses) is medium too, saying privileged is an "
        "over-grant to remove: its job exposes little (a read-only metrics endpoint); a floating "
        "image keeps high. Beside a mount of the root runtime socket (CMP001, critical: the socket is "
        "already root on the host) it is medium, naming that finding: one way to the host, one severity. "
        "A Docker-in-Docker daemon must run privileged: high, saying so and how to contain it."
    ),
    remediation=(
        "Remove `privileged: true`.",
        "Grant only the capability the service needs with `cap_add` (after `cap_drop: [ALL]`) "
        "or the single device with `devices:`.",
        "Run the service, verify it still works, and document why each remaining capability is needed.",
    ),
    effort="2h",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#privileged",
        "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
    ),
    peers=("kics Privileged Containers Enabled (ae5b6871)", "kube-linter privileged-container", "checkov CKV_K8S_16"),
)


def _root_socket(compose: ComposeFile, service: Service) -> str | None:
    """The root runtime socket the service also mounts (a rootless one is that user's, not root)."""
    for _volume, source in socket_mounts(compose, service):
        what = host_path(source)
        if what is None or not what.rootless:
            return source
    return None


@CHECK.on(ComposeFile)
def privileged_container(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        if is_privileged(service):
            agent = service_agent(service)
            by_design = agent is not None and agent.needs(PRIVILEGED)
            # a pinned agent of a family whose upstream runs unprivileged: an excess to remove, not its job
            over_grant = agent is not None and not by_design and agent.over_grant_on(pinned_image(service))
            clause = (f", {agent.reason(PRIVILEGED)}" if by_design and agent
                      else f", {agent.over_grant(PRIVILEGED)}" if over_grant and agent else "")
            function = None if by_design or over_grant else host_function(service)
            if function is not None and function.needs(PRIVILEGED):
                # by-design-required: its job (a Docker-in-Docker daemon) takes privileged; still the host
                clause += (f", {function.reason()}: every job or build it runs can take the host; run it on a "
                           "host or VM of its own, or use a rootless or VM-isolated runtime (sysbox, Kata)")
            socket = None if by_design or over_grant else _root_socket(compose, service)
            if socket is not None:
                clause += (f"; already reported: the runtime socket mount ({socket}), which hands out the "
                           "host whatever this adds")
            yield CHECK.finding(
                key_pos(service.node, "privileged"),
                resource=service.resource,
                message=f"service {service.name!r} runs privileged (all capabilities, all devices){clause}",
                evidence="privileged: true",
                severity=Severity.MEDIUM if by_design or over_grant or socket is not None else None,
            )
