from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.node_agents import node_agent
from ..models.k8s.objects import Workload
from ..models.users import Default, image_user, uid_of
from .shared import is_windows

CHECK = Check(
    code="K8S010",
    name="runs-as-root",
    title="Container may run as root",
    severity=Severity.MEDIUM,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Unless `runAsNonRoot: true` or a non-zero `runAsUser` is in effect (on the container or "
        "inherited from the pod), the image decides, and most images run as root. A process "
        "running as UID 0 turns any container escape or writable host mount into root on the "
        "node, and can modify its own binaries. `runAsUser: 0` makes that certain. Images known to "
        "run as, or step down to, a user of their own (official postgres, redis...; Bitnami, "
        "Grafana; nginx, whose master only binds ports) are reported as low: nothing enforces it. "
        "So is root in a node agent (a CSI node plugin, a CNI plugin, a log shipper: a DaemonSet, "
        "never a Deployment), 'by design for a node agent': mounting volumes, wiring the network or "
        "reading every pod's logs is root's work."
    ),
    remediation=(
        "Set `securityContext.runAsNonRoot: true` at pod level so every container inherits it.",
        "Set a numeric non-zero `runAsUser` (and `runAsGroup`/`fsGroup`) matching a user the image owns files for.",
        "If the image insists on root, rebuild it with a `USER` or pick an unprivileged variant.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ),
    peers=("kube-linter run-as-non-root", "checkov CKV_K8S_23", "checkov CKV_K8S_40"),
)


as_uid = uid_of  # the user/root model's reading of runAsUser


@CHECK.on(Workload)
def runs_as_root(workload: Workload) -> Iterator[Finding]:
    if is_windows(workload):
        return
    agent = node_agent(workload)
    for container in workload.containers(include_init=True):
        sec = container.security()
        if "runAsUserName" in (sec.get("windowsOptions") or {}):
            continue
        uid = as_uid(sec.get("runAsUser"))
        # a privileged container holds the host whatever its user: its privileged finding (K8S012)
        # is the one to fix, and root adds nothing an expert would report separately
        privileged = sec.get("privileged") is True
        if uid == 0:
            if agent is not None:
                why = f", {agent.reason}"
            elif privileged:
                why = "; it is also privileged, which gives it the host whatever its user: fix K8S012 first"
            else:
                why = ""
            yield CHECK.finding(
                sec.source("runAsUser"), "runAsUser",
                resource=container.resource,
                severity=Severity.HIGH if agent is None and not privileged else Severity.LOW,
                message=f"container {container.name!r} of {workload.resource} runs as root (runAsUser: 0)" + why,
                evidence="runAsUser: 0",
            )
            continue
        if uid is not None or sec.get("runAsNonRoot") is True:
            continue
        symbol: tuple[str, ...]
        if sec.get("runAsNonRoot") is False:
            at, key, symbol, evidence = sec.source("runAsNonRoot"), "runAsNonRoot", (), "runAsNonRoot: false"
        else:
            at, key, symbol, evidence = container.node, "securityContext", ("runAsNonRoot",), "no runAsNonRoot or runAsUser"
        if agent is not None:
            yield CHECK.finding(
                at, key, symbol=symbol, resource=container.resource, severity=Severity.LOW, evidence=evidence,
                message=(f"container {container.name!r} of {workload.resource} may run as root, {agent.reason}"),
            )
            continue
        known = image_user(container.image_ref)
        if known is not None:  # the image runs as, or steps down to, a user of its own: hedged, low
            how = ("does not run as root" if known.default is not Default.MASTER
                   else "keeps only its master process as root")
            yield CHECK.finding(
                at, key, symbol=symbol, resource=container.resource, severity=Severity.LOW, evidence=evidence,
                message=(f"container {container.name!r} of {workload.resource} sets neither runAsNonRoot: true nor "
                         f"a non-zero runAsUser; its image {how} ({known.note}), but nothing enforces it"),
            )
            continue
        yield CHECK.finding(
            at, key, symbol=symbol,
            resource=container.resource,
            message=(f"container {container.name!r} of {workload.resource} may run as root: neither it nor "
                     f"its pod sets runAsNonRoot: true or a non-zero runAsUser"),
            evidence=evidence,
        )
