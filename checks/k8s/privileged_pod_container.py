from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.node_agents import node_agent
from ..models.k8s.objects import Workload

CHECK = Check(
    code="K8S012",
    name="privileged-pod-container",
    title="Container runs privileged",
    severity=Severity.CRITICAL,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A privileged container has every capability, sees every host device and runs without "
        "seccomp or AppArmor confinement: it is root on the node in all but name. Anyone who can "
        "run code in it can mount the host filesystem, load kernel modules and read other pods' "
        "secrets. A node agent whose upstream manifests run it privileged (a CSI node plugin, a CNI "
        "plugin or kube-proxy, cAdvisor, a runtime security sensor, a device plugin) is reported as "
        "medium, 'by design for a node agent': still root on every node, so isolate it. So is node "
        "maintenance: a DaemonSet placed as a system component (kube-system, a node-critical priority or "
        "tolerating every taint) whose command acts on the node (modprobe, sysctl -w, nsenter into PID 1, "
        "chroot into a hostPath of /, writes to the node's /etc), and a node installer in any namespace whose "
        "command enters PID 1's namespaces to install packages or load modules. A Deployment is "
        "never a node agent, and a DaemonSet of unknown family keeps the critical. A container that runs "
        "as a non-root user (a non-zero runAsUser, or runAsNonRoot) holds none of those capabilities in "
        "its process: it gets them only through a set-user-ID binary or file capabilities of its image "
        "(allowPrivilegeEscalation cannot be false on a privileged container) or a kernel bug, as an "
        "added ALL or SYS_ADMIN would (K8S013): high, not critical; medium beside a container of the same "
        "pod that runs privileged as root, which is the pod's way to the node and is reported itself."
    ),
    remediation=(
        "Remove `privileged: true`.",
        "Grant only the specific capabilities the workload needs (`capabilities.add`) after dropping ALL.",
        "If it must stay (CNI, storage drivers), isolate it: its own namespace, node pool and a Pod Security admission exception.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ),
    peers=("kube-linter privileged-container", "checkov CKV_K8S_16"),
)


@CHECK.on(Workload, patches=True)
def privileged_pod_container(workload: Workload) -> Iterator[Finding]:
    agent = node_agent(workload)
    if agent is not None and not agent.privileged_by_design:
        agent = None  # its family does not need privileged: judged as any workload
    containers = list(workload.containers(include_init=True))
    # containers of the pod that are privileged as root (or as the image's user): the pod's way to the
    # node, reported on them; a non-root privileged sibling adds an unneeded flag, not another way
    root_privileged = [c.name for c in containers
                       if c.security().get("privileged") is True and c.security().runs_as_root is not False]
    for container in containers:
        sec = container.security()
        if sec.get("privileged") is True:
            message = f"container {container.name!r} of {workload.resource} runs privileged"
            severity = None
            if agent is not None:
                severity = Severity.MEDIUM
                message += (f" ({agent.reason}; {agent.privileged_because}): make sure its image comes from a "
                            "source you trust and is pinned, and that it is the only workload with this privilege")
            elif sec.runs_as_root is False and any(name != container.name for name in root_privileged):
                severity = Severity.MEDIUM
                sibling = next(name for name in root_privileged if name != container.name)
                message += (f", as a non-root user, beside container {sibling!r} that runs privileged as root: the "
                            f"pod's way to the node is {sibling!r}'s (reported there); this flag adds nothing the "
                            "process can use without a set-user-ID binary, so remove it")
            elif sec.runs_as_root is False:
                # the same reach as an added ALL in a non-root container (K8S013): the process holds no
                # capability until a set-user-ID binary, file capabilities or a kernel bug gives it root
                severity = Severity.HIGH
                user = sec.get("runAsUser")
                who = f"user {user}" if user is not None else "a non-root user (runAsNonRoot)"
                message += (f", as {who}: the process holds none of its capabilities until a set-user-ID binary, "
                            "file capabilities of the image or a kernel bug makes it root, and then it is root on "
                            "the node (every device, no seccomp or AppArmor); remove the flag")
            yield CHECK.finding(
                sec.source("privileged"), "privileged",
                resource=container.resource,
                severity=severity,
                message=message,
                evidence="privileged: true",
            )
