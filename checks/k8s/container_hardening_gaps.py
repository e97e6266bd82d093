"""K8S059: a workload's hardening gaps, rolled into one finding (the ``regular`` persona)."""

from __future__ import annotations

from ..api import Category, Check, Severity

# Emitted by the persona stage (checks/persona.py), not by a check function: under the
# default ``regular`` persona it stands for the open K8S005, K8S010, K8S011, K8S014,
# K8S015, K8S016 and K8S019 items of one workload (``pedantic`` shows them one by one).
CHECK = Check(
    code="K8S059",
    name="container-hardening-gaps",
    title="Workload lacks several container hardening controls",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Each control is a layer that limits what an attacker who gets code execution in the "
        "container can do: a non-root user, no privilege escalation, no Linux capabilities, a "
        "read-only root filesystem, a seccomp profile, no service-account token it does not need, "
        "and an image pinned by digest so what runs is what was reviewed. This finding lists the "
        "ones the workload lacks; `--persona pedantic` shows each with its own explanation."
    ),
    remediation=(
        "Set `securityContext` once at pod level: `runAsNonRoot: true`, a numeric `runAsUser`, "
        "`seccompProfile: {type: RuntimeDefault}`.",
        "Per container: `allowPrivilegeEscalation: false`, `capabilities: {drop: [ALL]}`, "
        "`readOnlyRootFilesystem: true` (mount an emptyDir where it must write).",
        "Set `automountServiceAccountToken: false` unless the pod calls the Kubernetes API.",
        "Pin images by digest (`image: repo:tag@sha256:...`), with Renovate or Dependabot keeping them current.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
    ),
)
