from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.host_paths import RUNTIME_SOCKETS, classify
from ..models.k8s.node_agents import MountAccess, holds_runtime_sockets, mount_access, node_agent
from ..models.k8s.objects import Workload
from ..models.yamlnodes import YMap

CHECK = Check(
    code="K8S017",
    name="host-path-volume",
    title="Pod mounts a hostPath volume",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A hostPath volume exposes part of the node's filesystem to the pod. The container "
        "runtime's socket or the host root is full control of the node; /etc, /proc, /sys or "
        "the kubelet's directory leak credentials and kernel interfaces; even a plain data "
        "directory ties the pod to one node and lets it read what other pods left there. "
        "A node agent (node-exporter, cAdvisor, a CSI node plugin, a CNI plugin, a log shipper; a "
        "DaemonSet, never a Deployment) needs host access for its job: its read-only mounts are low, "
        "'by design for a node agent' (medium for a directory holding runtime sockets, which stay "
        "usable read-only); its writable mounts of system directories are medium when its family "
        "needs them; a runtime socket or a writable host root stays high, and critical when a "
        "privileged container writes the host root. Node maintenance (a DaemonSet placed as a "
        "system component whose command chroots into the mount or writes the node's /etc through it) "
        "is medium for the mount its command works through: that is its function."
    ),
    remediation=(
        "Replace the hostPath with a PersistentVolumeClaim, an emptyDir or a projected volume.",
        "If a node agent really needs it, mount the narrowest path, `readOnly: true`, and isolate the workload.",
        "Never mount a container runtime socket: use the Kubernetes API or a filtering proxy.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    peers=("kube-linter sensitive-host-mounts", "kube-linter writable-host-mount", "kube-linter docker-sock",
           "checkov CKV_K8S_27"),
)


def _severity(path: str) -> Severity:
    """The host root or a runtime socket is owning the node (critical); credentials, kernel
    interfaces, runtime state, home directories and system directories, or anything inside one,
    are high (see :mod:`..models.host_paths`); a data directory is medium."""
    what = classify(path or "/")
    if what is not None and what.rootless:
        return Severity.HIGH  # a rootless runtime's per-user socket: that user's rights, not the node's
    if what is None or what.kind in ("root", "runtime-socket"):
        return Severity.CRITICAL
    if what.kind != "data":
        return Severity.HIGH
    return Severity.MEDIUM


def _agent_severity(path: str, base: Severity, access: MountAccess, known: bool,
                    works_through: bool = False) -> tuple[Severity, str, bool]:
    """A node agent's host mount: its severity, the words that say why, and whether it is by design."""
    norm = posixpath.normpath(path) if path else "/"
    if posixpath.basename(norm) in RUNTIME_SOCKETS:
        return Severity.HIGH, "a runtime socket, control of the node even read-only", False
    if works_through and access.writable:
        return Severity.MEDIUM, "writable: its command changes the node through it", True
    if not access.mounted:
        return Severity.LOW, "mounted by none of its containers", True
    if not access.writable:
        if holds_runtime_sockets(norm):
            return Severity.MEDIUM, "read-only, though runtime sockets under it stay usable", True
        return Severity.LOW, "read-only", True
    if norm == "/":
        if access.privileged_writer:
            return Severity.CRITICAL, "writable by a privileged container: root on every node", False
        return Severity.HIGH, "writable", False
    if base is Severity.HIGH:
        return (Severity.MEDIUM, "writable, as its family needs", True) if known else (Severity.HIGH, "writable", False)
    return Severity.LOW, "writable, a plain directory", True


@CHECK.on(Workload, patches=True)
def host_path_volume(workload: Workload) -> Iterator[Finding]:
    agent = node_agent(workload)
    volumes = workload.pod_spec.list("volumes")
    for index, volume in volumes.maps():
        host = volume.get("hostPath")
        if not isinstance(host, YMap):
            continue
        path = str(host.get("path") or "")
        severity = _severity(path)
        message = f"{workload.resource} mounts host path {path or '(unset)'!r} as volume {volume.get('name')!r}"
        if agent is not None:
            access = mount_access(workload, str(volume.get("name")))
            severity, how, by_design = _agent_severity(path, severity, access, agent.known,
                                                       str(volume.get("name")) in agent.works_through)
            message += f", {how} ({agent.reason if by_design else 'in ' + agent.described})"
        yield CHECK.finding(
            volumes, index,
            resource=workload.resource,
            severity=severity,
            message=message,
            evidence=f"hostPath: {path}",
        )
