"""CMP011: a service's processes may gain privileges through setuid binaries."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile

CHECK = Check(
    code="CMP011",
    name="no-new-privileges-missing",
    title="Service does not set `security_opt: no-new-privileges:true`",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Without no-new-privileges a process in the container can gain privileges by executing a "
        "setuid or setgid binary (su, sudo, ping on older images, anything an attacker drops in). "
        "The flag makes execve never grant more than the parent had, which closes a whole class of "
        "in-container escalations at no cost."
    ),
    remediation=(
        "Add `security_opt: [\"no-new-privileges:true\"]` to the service (or to a shared `x-` anchor).",
        "Run it: only images that rely on setuid helpers to switch users need adjusting; switch them to `user:`.",
    ),
    effort="15m",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#security_opt",
        "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
    ),
    peers=("kics No New Privileges Not Set (27fcc7d6)", "kube-linter privilege-escalation-container", "checkov CKV_K8S_20"),
)


def sets_no_new_privileges(options: list[str]) -> bool:
    for option in options:
        text = option.strip().lower().replace("=", ":")
        if text in ("no-new-privileges", "no-new-privileges:true"):
            return True
    return False


@CHECK.on(ComposeFile)
def no_new_privileges_missing(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if not service.complete:
            continue
        options = service.string_list("security_opt")
        if sets_no_new_privileges(options):
            continue
        _, owner = service.lookup("security_opt")
        if owner is service.node:
            yield CHECK.finding(owner, "security_opt", resource=service.resource,
                                message=f"service {service.name!r} sets security_opt without no-new-privileges:true",
                                evidence=f"security_opt: [{', '.join(options)}]")
        else:
            yield CHECK.finding(services, service.name, resource=service.resource,
                                message=f"service {service.name!r} does not set no-new-privileges:true")
