from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload
from .shared import is_windows

CHECK = Check(
    code="K8S015",
    name="container-root-fs-writable",
    title="Container root filesystem is writable",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A writable root filesystem lets an intruder drop tools, replace binaries or plant "
        "persistence inside the running container, and lets the app scatter state that is lost "
        "on restart. A read-only root makes every write path explicit (a volume)."
    ),
    remediation=(
        "Set `securityContext.readOnlyRootFilesystem: true`.",
        "Mount an `emptyDir` at each path the app writes to (`/tmp`, caches, pid files).",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ),
    peers=("kube-linter no-read-only-root-fs", "checkov CKV_K8S_22"),
)


@CHECK.on(Workload)
def container_root_fs_writable(workload: Workload) -> Iterator[Finding]:
    if is_windows(workload):
        return
    for container in workload.containers(include_init=True):
        sec = container.security()
        value = sec.get("readOnlyRootFilesystem")
        if value is True:
            continue
        symbol: tuple[str, ...]
        if value is None:
            at, key, symbol = container.node, "securityContext", ("readOnlyRootFilesystem",)
        else:
            at, key, symbol = sec.source("readOnlyRootFilesystem") or container.node, "readOnlyRootFilesystem", ()
        yield CHECK.finding(
            at, key, symbol=symbol,
            resource=container.resource,
            message=f"container {container.name!r} of {workload.resource} has a writable root filesystem",
            evidence=f"readOnlyRootFilesystem: {'(unset)' if value is None else value}",
        )
