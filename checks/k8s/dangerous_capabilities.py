from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.node_agents import node_agent
from ..models.k8s.objects import Security, Workload
from ..models.node_agents import BROAD_CAPABILITIES
from ..models.yamlnodes import YMap
from .shared import normalise_capability

#: capabilities that give a container power over the node or other pods
DANGEROUS_CAPABILITIES = (
    "ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME",
    "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG", "NET_RAW",
    "LINUX_IMMUTABLE", "SYS_RESOURCE",
)

CHECK = Check(
    code="K8S013",
    name="dangerous-capabilities",
    title="Container adds a dangerous Linux capability",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Capabilities split root's powers; some of them are most of root. SYS_ADMIN allows "
        "mounts and many container escapes, NET_ADMIN rewrites the pod's (or with hostNetwork "
        "the node's) networking, SYS_PTRACE reads other processes' memory, NET_RAW enables "
        "spoofing, and ALL is everything. Each one added widens what an attacker inside the "
        "container can do. NET_ADMIN reaches the node's network only with hostNetwork: in the pod's "
        "own network namespace (a VPN client's tunnel, a sidecar's traffic redirection) it is medium "
        "(the kernel's netfilter interfaces stay open to it); SYS_PTRACE reaches the node's processes "
        "only with hostPID: without it, low (medium with shareProcessNamespace, the pod's other "
        "containers). A node agent's capability its family's documented deployment adds (Istio "
        "ambient's ztunnel: SYS_ADMIN to enter the pods' network namespaces, NET_ADMIN and NET_RAW to "
        "redirect their traffic) is low, or medium for one close to root, saying which agent it is."
    ),
    remediation=(
        "Remove the capability from `securityContext.capabilities.add`.",
        "If the workload truly needs it, keep `drop: [ALL]` and add only that one, and document why.",
        "Prefer narrower alternatives (NET_BIND_SERVICE instead of root for low ports, an init container or a node-level agent).",
    ),
    effort="1h",
    references=(
        "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ),
    peers=("checkov CKV_K8S_25", "checkov CKV_K8S_39", "checkov CKV_K8S_28", "kube-linter drop-net-raw-capability"),
    options={"capabilities": DANGEROUS_CAPABILITIES},
)


@CHECK.on(Workload, patches=True)
def dangerous_capabilities(workload: Workload, ctx=None) -> Iterator[Finding]:
    configured = ctx.option("capabilities") if ctx is not None else None
    if not isinstance(configured, (list, tuple)):
        configured = DANGEROUS_CAPABILITIES
    dangerous = {normalise_capability(c) for c in configured}
    agent = node_agent(workload)
    for container in workload.containers(include_init=True):
        security = container.security()
        caps = security.get("capabilities")
        if not isinstance(caps, YMap):
            continue
        reach = _reach(security)
        spec = workload.pod_spec
        added = caps.list("add")
        for index, value in enumerate(added):
            cap = normalise_capability(value)
            if cap not in dangerous:
                continue
            severity, note = _severity(cap, reach)
            if not workload.is_patch and (severity is None or severity in (Severity.HIGH, Severity.MEDIUM)):
                severity, note = _namespaced(cap, spec, severity, note)
            why = agent.needs(cap) if agent is not None else None
            if agent is not None and why is not None and severity is not Severity.LOW:
                # node-agent-host-access: what its family's documented deployment adds
                severity = Severity.MEDIUM if cap in BROAD_CAPABILITIES else Severity.LOW
                note += f", {agent.reason} (it adds {cap} {why})"
            yield CHECK.finding(
                added, index,
                resource=container.resource,
                severity=severity,
                message=f"container {container.name!r} of {workload.resource} adds capability {cap}{note}",
                evidence=f"capabilities.add: {value}",
            )


def _namespaced(cap: str, spec: YMap, severity: Severity | None, note: str) -> tuple[Severity | None, str]:
    """capability-impact: NET_ADMIN and SYS_PTRACE act on the namespace the pod runs in."""
    if cap == "NET_ADMIN" and spec.get("hostNetwork") is not True:
        return Severity.MEDIUM, note + (
            "; without hostNetwork it acts on the pod's own network namespace (its interfaces, routes and "
            "packet filter), not the node's; it still opens the kernel's netfilter and netlink interfaces to it")
    if cap == "SYS_PTRACE" and spec.get("hostPID") is not True:
        if spec.get("shareProcessNamespace") is True:
            return Severity.MEDIUM, note + "; without hostPID it traces only the processes of its pod (shareProcessNamespace)"
        return Severity.LOW, note + "; without hostPID it traces only the processes of its own container"
    return severity, note


def _reach(security: Security) -> str:
    """Whether an added capability can reach the process's effective set.

    The runtimes Kubernetes uses set no ambient capabilities, so a process that runs as a
    user other than root gets an added capability only through file capabilities or a
    set-user-ID binary of the image; ``allowPrivilegeEscalation: false`` (no_new_privs)
    makes both non-functional.  "root": root or unknown (the image decides); "file-caps":
    non-root, reachable only through the image's files; "never": non-root with no_new_privs.
    """
    if security.runs_as_root is not False:
        return "root"
    if security.get("allowPrivilegeEscalation") is False:
        return "never"
    return "file-caps"


def _severity(cap: str, reach: str) -> tuple[Severity | None, str]:
    if reach == "never":
        return Severity.LOW, (
            "; it runs as a non-root user with allowPrivilegeEscalation: false, so the capability "
            "never enters its effective set (no ambient capabilities; file capabilities and "
            "set-user-ID bits are ignored under no_new_privs): it grants nothing, remove it"
        )
    if reach == "file-caps":
        return (Severity.HIGH if cap in ("ALL", "SYS_ADMIN") else Severity.MEDIUM), (
            "; it runs as a non-root user, so the capability is effective only through file "
            "capabilities or a set-user-ID binary in the image (set allowPrivilegeEscalation: "
            "false to rule that out)"
        )
    return (Severity.CRITICAL if cap in ("ALL", "SYS_ADMIN") else None), ""
