"""CMP004: Service shares the host's process namespace (pid: host)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos, services_set_to_host
from ..models.node_agents import HOST_PID, service_agent

CHECK = Check(
    code="CMP004",
    name="host-pid-namespace",
    title="Service shares the host's process namespace (`pid: host`)",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "With the host's PID namespace the container sees every process on the host, can read their command lines and environments (secrets passed as arguments or variables) and, as root or with SYS_PTRACE, attach to them or kill them. A node agent whose job is the host's processes (node-exporter, an eBPF profiler, a runtime security sensor) is low, saying which agent it is."
    ),
    remediation=('Remove `pid: host`.', 'If a monitoring agent needs host process data, run it with a read-only /proc mount and the narrowest capabilities its vendor documents.', 'Use `pid: "service:<name>"` to share processes with one sibling only.'),
    effort="1h",
    references=('https://docs.docker.com/reference/compose-file/services/#pid',),
    peers=('kics Host Namespace is Shared', 'kube-linter host-pid', 'checkov CKV_K8S_17'),
)


@CHECK.on(ComposeFile)
def host_pid_namespace(compose: ComposeFile) -> Iterator[Finding]:
    for service, raw in services_set_to_host(compose, "pid"):
        agent = service_agent(service)
        by_design = agent is not None and agent.needs(HOST_PID)
        yield CHECK.finding(
            key_pos(service.node, "pid"),
            resource=service.resource,
            message=f"service {service.name!r} shares the host's process namespace"
                    + (f", {agent.reason(HOST_PID)}" if by_design and agent else ""),
            evidence=f"pid: {raw}",
            severity=Severity.LOW if by_design else None,
        )
