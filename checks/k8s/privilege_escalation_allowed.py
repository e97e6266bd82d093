from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload
from .shared import is_windows

CHECK = Check(
    code="K8S011",
    name="privilege-escalation-allowed",
    title="Container allows privilege escalation",
    severity=Severity.MEDIUM,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Unless `allowPrivilegeEscalation: false` is set, a process in the container can gain "
        "more privileges than its parent through setuid binaries or file capabilities (the "
        "kernel's no_new_privs flag stays off). It is the step that turns a foothold as an "
        "unprivileged user into root inside the container. The default is to allow it."
    ),
    remediation=(
        "Set `securityContext.allowPrivilegeEscalation: false` on every container (it has no pod-level form).",
        "If something breaks, find the setuid binary it relied on and remove that dependency.",
    ),
    effort="15m",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ),
    peers=("kube-linter privilege-escalation-container", "checkov CKV_K8S_20"),
)


@CHECK.on(Workload)
def privilege_escalation_allowed(workload: Workload) -> Iterator[Finding]:
    if is_windows(workload):
        return
    for container in workload.containers(include_init=True):
        sec = container.security()
        value = sec.get("allowPrivilegeEscalation")
        if value is False or sec.get("privileged") is True:  # privileged is K8S012's finding
            continue
        symbol: tuple[str, ...]
        if value is None:
            at, key, symbol, evidence = container.node, "securityContext", ("allowPrivilegeEscalation",), \
                "allowPrivilegeEscalation: (unset, defaults to true)"
        else:
            at, key, symbol, evidence = sec.source("allowPrivilegeEscalation") or container.node, "allowPrivilegeEscalation", (), \
                f"allowPrivilegeEscalation: {value}"
        yield CHECK.finding(
            at, key, symbol=symbol,
            resource=container.resource,
            message=f"container {container.name!r} of {workload.resource} does not set allowPrivilegeEscalation: false",
            evidence=evidence,
        )
