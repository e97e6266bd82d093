from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Container, Workload
from ..models.yamlnodes import YMap
from .shared import is_windows

CHECK = Check(
    code="K8S016",
    name="missing-seccomp-profile",
    title="Container runs without a seccomp profile",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Unless a profile is set, Kubernetes runs containers Unconfined: every system call, "
        "including the rarely used ones most kernel exploits go through, is available. The "
        "runtime's default profile blocks those at no cost to ordinary applications."
    ),
    remediation=(
        "Set `securityContext.seccompProfile.type: RuntimeDefault` at pod level.",
        "Use `Localhost` with a tailored profile only where the default is too strict.",
    ),
    effort="15m",
    references=(
        "https://kubernetes.io/docs/tutorials/security/seccomp/",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ),
    peers=("checkov CKV_K8S_31",),
)

GOOD_TYPES = ("runtimedefault", "localhost")
POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _legacy_ok(value: object) -> bool:
    text = str(value).strip().lower()
    return text in ("runtime/default", "docker/default") or text.startswith("localhost/")


def _profile_type(container: Container) -> str | None:
    """'good', 'unconfined' or None (not set) for a container's effective profile."""
    profile = container.security().get("seccompProfile")
    if isinstance(profile, YMap) and profile.get("type") is not None:
        return "good" if str(profile.get("type")).lower() in GOOD_TYPES else "unconfined"
    annotations = container.workload.pod_meta.map("annotations")
    own = annotations.get(CONTAINER_ANNOTATION + container.name)
    if own is not None:
        return "good" if _legacy_ok(own) else "unconfined"
    pod = annotations.get(POD_ANNOTATION)
    if pod is not None:
        return "good" if _legacy_ok(pod) else "unconfined"
    return None


def _template_parent(workload: Workload) -> YMap:
    """The mapping whose ``spec`` key is the pod spec."""
    if workload.kind == "Pod":
        return workload.doc
    if workload.kind == "CronJob":
        return workload.spec.map("jobTemplate").map("spec").map("template")
    return workload.spec.map("template")


@CHECK.on(Workload)
def missing_seccomp_profile(workload: Workload) -> Iterator[Finding]:
    if is_windows(workload):
        return
    containers = list(workload.containers(include_init=True))
    if not containers:
        return
    states = [(c, _profile_type(c)) for c in containers]
    symbol: tuple[str, ...]
    if all(state is None for _, state in states):
        if "securityContext" in workload.pod_spec:
            at, key, symbol = workload.pod_spec, "securityContext", ("seccompProfile",)
        else:  # the template's `spec:` key; the symbol stays the same once securityContext appears
            at, key, symbol = _template_parent(workload), "spec", ("securityContext", "seccompProfile")
        yield CHECK.finding(
            at, key, symbol=symbol,
            resource=workload.resource,
            message=f"{workload.resource} sets no seccomp profile for its pod or any container",
            evidence="seccompProfile: (unset, Unconfined)",
        )
        return
    for container, state in states:
        if state == "good":
            continue
        if state == "unconfined":
            profile = container.security().get("seccompProfile")
            if isinstance(profile, YMap):
                at, key, symbol = profile, "type", ()
            else:
                at, key, symbol = container.node, "securityContext", ("seccompProfile",)
            yield CHECK.finding(
                at, key, symbol=symbol,
                resource=container.resource,
                severity=Severity.MEDIUM,
                message=f"container {container.name!r} of {workload.resource} runs with seccomp Unconfined",
                evidence="seccompProfile: Unconfined",
            )
        else:
            yield CHECK.finding(
                container.node, "securityContext", symbol=("seccompProfile",),
                resource=container.resource,
                message=f"container {container.name!r} of {workload.resource} sets no seccomp profile",
                evidence="seccompProfile: (unset, Unconfined)",
            )
