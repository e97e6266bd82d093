from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload
from ..models.yamlnodes import YMap
from .shared import is_windows, normalise_capability

CHECK = Check(
    code="K8S014",
    name="container-capabilities-not-dropped",
    title="Container does not drop all Linux capabilities",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Container runtimes grant a default set of capabilities (CHOWN, DAC_OVERRIDE, FOWNER, "
        "SETUID, SETGID, NET_RAW, ...) that almost no application needs. Dropping ALL and adding "
        "back only what is required removes them from an attacker's toolkit, and is what the "
        "restricted Pod Security Standard asks for."
    ),
    remediation=(
        "Set `securityContext.capabilities.drop: [ALL]` on every container.",
        "Add back only what the process needs, typically nothing, or NET_BIND_SERVICE to bind ports below 1024.",
    ),
    effort="15m",
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
    ),
    peers=("checkov CKV_K8S_37", "kube-linter drop-net-raw-capability"),
)


@CHECK.on(Workload)
def container_capabilities_not_dropped(workload: Workload) -> Iterator[Finding]:
    if is_windows(workload):
        return
    for container in workload.containers(include_init=True):
        sec = container.security()
        if sec.get("privileged") is True:  # K8S012 already says more
            continue
        if "ALL" in {normalise_capability(c) for c in sec.caps_drop}:
            continue
        caps = sec.get("capabilities")
        symbol: tuple[str, ...]
        if isinstance(caps, YMap) and sec.source("capabilities") is not None:
            at, key, symbol = caps, "drop", ()
        else:
            at, key, symbol = container.node, "securityContext", ("capabilities", "drop")
        dropped = ", ".join(sec.caps_drop) or "nothing"
        yield CHECK.finding(
            at, key, symbol=symbol,
            resource=container.resource,
            message=f"container {container.name!r} of {workload.resource} does not drop ALL capabilities",
            evidence=f"capabilities.drop: {dropped}",
        )
