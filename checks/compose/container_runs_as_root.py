"""CMP010: a service runs as root, or leaves the user to the image."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, key_pos, interpolate

CHECK = Check(
    code="CMP010",
    name="container-runs-as-root",
    title="Service runs as root or does not set `user:`",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A process running as root in the container is root on the host's kernel: any container "
        "escape, writable host mount or added capability becomes full host access. Without "
        "`user:` the image decides, and many images still default to root; `user: root` or "
        "`user: \"0\"` (reported as medium) makes it certain."
    ),
    remediation=(
        "Set `user:` to a non-root UID:GID the image supports (`user: \"10001:10001\"`).",
        "Make the volumes the service writes owned by that UID (or use the image's documented non-root user).",
        "For images that need root only to start (official postgres, nginx), prefer their rootless or "
        "`-unprivileged` variants.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#user",
        "https://docs.docker.com/engine/security/userns-remap/",
    ),
    peers=("checkov CKV_DOCKER_3", "hadolint DL3002", "kube-linter run-as-non-root", "checkov CKV_K8S_23"),
)


def is_root_user(value: object) -> bool | None:
    """True for root/0 (with any group), False for another user, None when a variable decides."""
    text = interpolate(value)
    if text is None:
        return None
    user = text.strip().split(":", 1)[0].strip()
    return user in ("root", "0")


@CHECK.on(ComposeFile)
def container_runs_as_root(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if "user" in service.node:
            raw = service.node.get("user")
            if raw is not None and is_root_user(raw):
                yield CHECK.finding(key_pos(service.node, "user"), resource=service.resource,
                                    message=f"service {service.name!r} runs as root explicitly",
                                    evidence=f"user: {raw}", severity=Severity.MEDIUM)
            continue
        if not service.complete or service.lookup("user")[1] is not None:
            continue
        yield CHECK.finding(services, service.name, resource=service.resource,
                            message=f"service {service.name!r} sets no user: the image decides, often root")
