"""CMP018: a service adds a capability that amounts to host access."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile
from ..models.node_agents import BROAD_CAPABILITIES, host_function, service_agent
from .shared import namespace_reach, pinned_image

#: capabilities whose reach is a namespace the container may keep its own (capability-impact):
#: the compose key that hands it the host's, and what the capability does in its own
NAMESPACED = {
    "NET_ADMIN": ("network_mode", "network namespace (its interfaces, routes and packet filter, such as a VM's "
                                  "tap device or a VPN client's tunnel), not the host's; it still opens the kernel's "
                                  "netfilter and netlink interfaces to the container"),
    "SYS_PTRACE": ("pid", "PID namespace: it traces only the processes of its own container"),
}

#: capabilities that let a process escape, or see and change the host, on their own
DANGEROUS_CAPABILITIES = (
    "ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "SYS_BOOT", "DAC_READ_SEARCH",
    "NET_ADMIN", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG",
)

CHECK = Check(
    code="CMP018",
    name="dangerous-capability-added",
    title="Service adds a dangerous capability (`cap_add: SYS_ADMIN`, `ALL`, ...)",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Some capabilities are each close to full root on the host: SYS_ADMIN mounts filesystems "
        "and is the usual container-escape primitive, SYS_MODULE loads kernel code, SYS_PTRACE "
        "reads other processes' memory, DAC_READ_SEARCH opens any host file by handle, NET_ADMIN "
        "reconfigures the network and ALL is `privileged` without the devices. A capability a "
        "service's job needs by design (NET_ADMIN for a DHCP server, a firewall manager or a VPN "
        "endpoint; SYS_ADMIN for Collabora Online's document jails) is medium, saying so. A node agent's "
        "capability its documented deployment takes (NET_ADMIN for a BGP routing daemon, SYS_RAWIO "
        "for smartctl-exporter) is low, or medium for one close to root (SYS_ADMIN, SYS_PTRACE...). "
        "A capability a pinned node agent whose upstream runs unprivileged does not need (SYS_ADMIN "
        "on node-exporter) is medium, saying it is an over-grant to remove, as CMP002 rates privileged. "
        "NET_ADMIN acts on the host's network only with `network_mode: host`: in the container's own "
        "network namespace (a VM's tap interface, a VPN client's tunnel) it is medium (the kernel's "
        "netfilter interfaces stay open to it); SYS_PTRACE reaches the host's processes only with "
        "`pid: host`: without it, low (medium when it shares another container's PID namespace)."
    ),
    remediation=(
        "Remove the capability and check what breaks: it is often a leftover from debugging.",
        "If it is truly needed (a VPN needs NET_ADMIN), isolate that service: `cap_drop: [ALL]` first, "
        "no other capabilities, no host namespaces, and a comment saying why.",
        "Prefer a narrower mechanism (a device with `devices:`, a sysctl with `sysctls:`) where one exists.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#cap_add",
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
    ),
    peers=("kics Container Capabilities Unrestricted", "kube-linter privilege-escalation-container", "checkov CKV_K8S_39"),
    options={"capabilities": DANGEROUS_CAPABILITIES},
)


@CHECK.on(ComposeFile)
def dangerous_capability_added(compose: ComposeFile, ctx=None) -> Iterator[Finding]:
    dangerous = {str(c).upper().removeprefix("CAP_") for c in
                 ((ctx.option("capabilities") if ctx else None) or DANGEROUS_CAPABILITIES)}
    for service in compose.services:
        function = host_function(service)
        agent = service_agent(service)
        caps = service.node.get("cap_add")
        items: list[tuple[int | None, str]]
        if isinstance(caps, str):
            items = [(None, caps)]
        elif isinstance(caps, list):
            items = list(enumerate(caps))
        else:
            continue
        for index, cap in items:
            if not isinstance(cap, str):
                continue
            name = cap.strip().upper().removeprefix("CAP_")
            if name not in dangerous:
                continue
            at, key = (caps, index) if index is not None else (service.node, "cap_add")
            message = f"service {service.name!r} adds capability {name}"
            severity = Severity.HIGH
            if agent is not None and agent.needs(name):
                message += f", {agent.reason(name)}"
                severity = Severity.MEDIUM if name in BROAD_CAPABILITIES else Severity.LOW
            elif function is not None and function.needs(name):
                message += f", {function.reason()}"
                severity = Severity.MEDIUM
            elif name in NAMESPACED and (reach := namespace_reach(compose, service, NAMESPACED[name][0])) != "host":
                key_name, what = NAMESPACED[name]
                if reach == "own":
                    message += f", without `{key_name}: host`: it acts on the container's own {what}"
                    severity = Severity.LOW if name == "SYS_PTRACE" else Severity.MEDIUM
                else:
                    message += (f", in the {key_name} namespace of another container (`{key_name}: "
                                f"{service.node.get(key_name)}`), not the host's")
                    severity = Severity.MEDIUM
            elif agent is not None and agent.over_grant_on(pinned_image(service)):
                message += f", {agent.over_grant(name)}"  # as CMP002: an excess on a pinned agent
                severity = Severity.MEDIUM
            yield CHECK.finding(at, key, resource=service.resource, message=message,
                                evidence=f"cap_add: {cap}", severity=severity)
