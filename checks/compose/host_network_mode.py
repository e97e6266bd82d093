"""CMP003: Service shares the host's network stack (network_mode: host)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos, services_set_to_host
from ..models.node_agents import HOST_NETWORK, host_function, service_agent

CHECK = Check(
    code="CMP003",
    name="host-network-mode",
    title="Service shares the host's network stack (`network_mode: host`)",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "With the host's network namespace the container binds directly on every host interface (firewall rules for published ports no longer apply), can reach services listening on the host's loopback and can sniff or spoof traffic when it holds NET_RAW/NET_ADMIN. A database started this way listens on the public interface. A service whose job is the host's network (a DHCP or PXE server, a host firewall manager, keepalived, a VPN endpoint) needs it by design: medium, saying so. A node agent whose documented deployment is on the host network (node-exporter reporting the host's interfaces, a BGP routing daemon installing routes) is low, saying which agent it is."
    ),
    remediation=('Remove `network_mode: host`.', 'Publish only the ports the service serves with `ports:`, bound to 127.0.0.1 or a private address where possible.', 'Put services that talk to each other on a user-defined network.'),
    effort="1h",
    references=('https://docs.docker.com/reference/compose-file/services/#network_mode', 'https://docs.docker.com/engine/network/drivers/host/'),
    peers=('kics Network Mode Host Exists', 'kics Shared Host Network Namespace', 'kube-linter host-network', 'checkov CKV_K8S_19'),
)


@CHECK.on(ComposeFile)
def host_network_mode(compose: ComposeFile) -> Iterator[Finding]:
    for service, raw in services_set_to_host(compose, "network_mode"):
        message = f"service {service.name!r} shares the host's network namespace"
        severity = Severity.HIGH
        agent = service_agent(service)
        function = host_function(service)
        if agent is not None and agent.needs(HOST_NETWORK):
            message += f", {agent.reason(HOST_NETWORK)}"
            severity = Severity.LOW
        elif function is not None and function.needs(HOST_NETWORK):
            message += f", {function.reason()}"
            severity = Severity.MEDIUM
        yield CHECK.finding(
            key_pos(service.node, "network_mode"),
            resource=service.resource,
            message=message,
            evidence=f"network_mode: {raw}",
            severity=severity,
        )
