"""CMP020: a service turns off seccomp, AppArmor or SELinux confinement."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile

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
        "the whole container, usually to silence one blocked call."
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


@CHECK.on(ComposeFile)
def security_profile_disabled(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        options = service.node.get("security_opt")
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
            yield CHECK.finding(at, key, resource=service.resource,
                                message=f"service {service.name!r} sets security_opt {option.strip()}",
                                evidence=f"security_opt: {option}")
