from __future__ import annotations

import posixpath
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload
from ..models.yamlnodes import YMap

#: container runtime sockets and the host root: mounting them is owning the node
RUNTIME_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock")
#: host directories whose contents are credentials, kernel interfaces or the node's own config
SENSITIVE_DIRS = (
    "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/lib", "/usr", "/bin", "/sbin",
    "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/run", "/run", "/etc/kubernetes",
)

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
        "directory ties the pod to one node and lets it read what other pods left there."
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
    norm = posixpath.normpath(path) if path else "/"
    if norm == "/" or posixpath.basename(norm) in RUNTIME_SOCKETS:
        return Severity.CRITICAL
    if any(norm == d or norm.startswith(d + "/") for d in SENSITIVE_DIRS):
        return Severity.HIGH
    return Severity.MEDIUM


@CHECK.on(Workload)
def host_path_volume(workload: Workload) -> Iterator[Finding]:
    volumes = workload.pod_spec.list("volumes")
    for index, volume in volumes.maps():
        host = volume.get("hostPath")
        if not isinstance(host, YMap):
            continue
        path = str(host.get("path") or "")
        yield CHECK.finding(
            volumes, index,
            resource=workload.resource,
            severity=_severity(path),
            message=f"{workload.resource} mounts host path {path or '(unset)'!r} as volume {volume.get('name')!r}",
            evidence=f"hostPath: {path}",
        )
