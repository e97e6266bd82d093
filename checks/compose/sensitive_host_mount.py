"""CMP019: a service bind-mounts a sensitive host directory."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile
from ..models.host_paths import classify
from ..models.node_agents import KERNEL_TRACING, RUNTIME_STATE, host_function, kernel_tracing_path, service_agent
from .shared import is_privileged

CHECK = Check(
    code="CMP019",
    name="sensitive-host-mount",
    title="Service mounts a sensitive host directory",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A bind mount of /, /etc, /proc, /sys, /root or the runtime's state directory gives the "
        "container the host's credentials, its processes' memory or its other containers' data; "
        "writable, it is a direct path to host compromise (a cron entry, an SSH key, a kernel "
        "parameter). Read-only mounts of these paths (monitoring agents) are reported as low. A home "
        "directory and the dotfiles directly in it (~/.ssh, /root/.aws, /home/<user>/.kube) are "
        "credentials; a folder in a home directory whose first part is not a dotfile (/root/n8n, "
        "/home/ops/stacks/app) is a service's own data folder and is not reported. A node "
        "agent that attaches probes (an eBPF profiler, a runtime security sensor) mounts debugfs and "
        "tracefs writable by design: low when it is privileged (which reaches them anyway), else medium. "
        "A game-server daemon (Pterodactyl Wings) mounts the runtime's container directory to read its "
        "servers' logs beside the socket it drives: medium."
    ),
    remediation=(
        "Mount only the file or directory the service needs (`/etc/localtime:/etc/localtime:ro`, not `/etc`).",
        "Add `:ro` to host mounts the service only reads.",
        "For host metrics, use the agent's documented minimal mounts, read-only, and nothing else.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#volumes",
        "https://docs.docker.com/engine/storage/bind-mounts/",
    ),
    peers=("kics Volume Has Sensitive Host Directory", "kube-linter sensitive-host-mounts", "checkov CKV_K8S_27"),
)


@CHECK.on(ComposeFile)
def sensitive_host_mount(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        agent = service_agent(service)
        function = host_function(service)
        for volume in service.volumes():
            host = volume.host_path
            what = classify(host) if host else None
            if what is None or not what.sensitive or what.kind == "runtime-socket":
                continue
            mode = "read-only" if volume.read_only else "writable"
            message = f"service {service.name!r} mounts host path {host} ({mode}): {what.what}"
            severity = Severity.LOW if volume.read_only else Severity.HIGH
            if (not volume.read_only and agent is not None and agent.needs(KERNEL_TRACING)
                    and kernel_tracing_path(what.path)):
                privileged = is_privileged(service)
                severity = Severity.LOW if privileged else Severity.MEDIUM
                message += (f", {agent.reason(KERNEL_TRACING)}"
                            + ("; privileged: true already reaches them" if privileged else ""))
            elif (severity is Severity.HIGH and what.kind == "runtime-state" and function is not None
                  and function.needs(RUNTIME_STATE)):
                severity = Severity.MEDIUM
                message += f", {function.reason()}: it reads its containers' logs there beside the runtime socket it drives"
            yield CHECK.finding(
                volume.container, volume.index, resource=service.resource,
                message=message,
                evidence=f"{volume.source}:{volume.target}",
                severity=severity,
            )
