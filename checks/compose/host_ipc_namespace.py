"""CMP005: Service shares the host's IPC namespace (ipc: host)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos, services_set_to_host

CHECK = Check(
    code="CMP005",
    name="host-ipc-namespace",
    title="Service shares the host's IPC namespace (`ipc: host`)",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "With the host's IPC namespace the container can read and write the shared memory segments, semaphores and message queues of every process on the host, including databases that keep data in shared memory."
    ),
    remediation=('Remove `ipc: host`.', 'If two services need shared memory, use `ipc: "service:<name>"` or `ipc: shareable` between them only.', 'Raise `shm_size` instead if the service only needed more /dev/shm.'),
    effort="30m",
    references=('https://docs.docker.com/reference/compose-file/services/#ipc',),
    peers=('kics Shared Host IPC Namespace', 'kics IPC Set To Host', 'kube-linter host-ipc', 'checkov CKV_K8S_18'),
)


@CHECK.on(ComposeFile)
def host_ipc_namespace(compose: ComposeFile) -> Iterator[Finding]:
    for service, raw in services_set_to_host(compose, "ipc"):
        yield CHECK.finding(
            key_pos(service.node, "ipc"),
            resource=service.resource,
            message=f"service {service.name!r} shares the host's IPC namespace",
            evidence=f"ipc: {raw}",
        )
