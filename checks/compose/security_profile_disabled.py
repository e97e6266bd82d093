"""CMP020: a service turns off seccomp, AppArmor or SELinux confinement."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, Service
from ..models.node_agents import BROAD_CAPABILITIES
from .shared import namespace_reach, socket_mounts

CHECK = Check(
    code="CMP020",
    name="security-profile-disabled",
    title="Service disables seccomp, AppArmor or SELinux confinement",
    severity=Severity.HIGH,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Docker's default seccomp profile blocks about 44 system calls used in kernel exploits "
        "and container escapes, and AppArmor/SELinux keep the container away from host files. "
        "`seccomp:unconfined`, `apparmor:unconfined` or `label:disable` remove that layer for "
        "the whole container, usually to silence one blocked call. On a service that already "
        "controls the host (it mounts the runtime socket, or runs privileged) the confinement it "
        "turns off protects little that the other finding does not already hand out: medium there, "
        "naming the finding that carries the severity. The profiles guard what the container's "
        "capabilities and namespaces could otherwise do: with Docker's default capabilities and none "
        "of the host's namespaces (a headless browser's sandbox, a debugger), turning one off widens "
        "the kernel's attack surface (user namespaces, keyrings) but hands out nothing of the host by "
        "itself: medium. It stays high beside an added capability close to root (SYS_ADMIN: the "
        "profiles are what block its mount-based escapes) or a host namespace."
    ),
    remediation=(
        "Remove the `unconfined`/`disable` entry from `security_opt`.",
        "If one system call is really needed, write a custom seccomp profile that allows just it "
        "(`seccomp:./seccomp.json`).",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/engine/security/seccomp/",
        "https://docs.docker.com/engine/security/apparmor/",
    ),
    peers=("kics Seccomp Profile Is Disabled", "kics Default Seccomp Profile Disabled", "checkov CKV_K8S_31"),
)

_DISABLED = {"seccomp:unconfined", "apparmor:unconfined", "label:disable", "systempaths:unconfined"}


def _already_unconfined(compose: ComposeFile, service: Service) -> str | None:
    """Why turning confinement off adds little here: the service already controls the host."""
    for _volume, source in socket_mounts(compose, service):
        return f"the runtime socket mount ({source}), which hands out the host whatever confines this container"
    privileged = service.node.get("privileged")
    if privileged is True or (isinstance(privileged, str) and privileged.strip().lower() in ("true", "yes", "on")):
        return "privileged: true, which already lifts seccomp, AppArmor and SELinux confinement"
    return None


def _profile_guards(compose: ComposeFile, service: Service) -> str | None:
    """What the disabled profile was guarding beyond the kernel's syscall surface: an added
    capability close to root, or a host namespace (None: only Docker's defaults)."""
    caps = service.node.get("cap_add")
    items = [caps] if isinstance(caps, str) else caps if isinstance(caps, list) else []
    for cap in items:
        if isinstance(cap, str) and cap.strip().upper().removeprefix("CAP_") in BROAD_CAPABILITIES:
            return f"cap_add {cap.strip()}"
    for key in ("network_mode", "pid"):
        if namespace_reach(compose, service, key) == "host":
            return f"{key}: host"
    ipc = service.node.get("ipc")
    if isinstance(ipc, str) and ipc.strip().lower() == "host":
        return "ipc: host"
    return None


@CHECK.on(ComposeFile)
def security_profile_disabled(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        already = _already_unconfined(compose, service)
        guards = None if already else _profile_guards(compose, service)
        options = service.node.get("security_opt")
        items: list[tuple[int | None, str]]
        if isinstance(options, str):
            items = [(None, options)]
        elif isinstance(options, list):
            items = list(enumerate(options))
        else:
            continue
        for index, option in items:
            if not isinstance(option, str):
                continue
            text = option.strip().lower().replace("=", ":", 1).replace(" ", "")
            if text not in _DISABLED:
                continue
            at, key = (options, index) if index is not None else (service.node, "security_opt")
            if already:
                note, severity = f"; already reported: {already}", Severity.MEDIUM
            elif guards:
                note, severity = f", beside {guards}, which the profile was confining", Severity.HIGH
            else:
                note = ("; with Docker's default capabilities and no host namespace this widens the kernel's "
                        "attack surface (user namespaces, keyrings) but hands out nothing of the host by itself")
                severity = Severity.MEDIUM
            yield CHECK.finding(at, key, resource=service.resource,
                                message=f"service {service.name!r} sets security_opt {option.strip()}{note}",
                                evidence=f"security_opt: {option}",
                                severity=severity)
