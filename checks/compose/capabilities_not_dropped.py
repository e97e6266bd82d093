"""CMP008: a service keeps Docker's default capability set."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile

CHECK = Check(
    code="CMP008",
    name="capabilities-not-dropped",
    title="Service does not drop all capabilities (`cap_drop: [ALL]`)",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Docker gives every container a default set of capabilities (CHOWN, DAC_OVERRIDE, "
        "SETUID, SETGID, NET_RAW, ...) that most services never use and that an attacker who "
        "gets code execution in the container can use to escalate. Dropping all of them and "
        "adding back the few a service needs is cheap defence in depth."
    ),
    remediation=(
        "Add `cap_drop: [ALL]` to the service.",
        "Run it; if it fails, add back only the capability it needs with `cap_add` "
        "(e.g. NET_BIND_SERVICE for a port below 1024, CHOWN/SETUID/SETGID for images that drop root at start).",
        "Keep the list of added capabilities short and commented.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/reference/compose-file/services/#cap_drop",
        "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
    ),
    peers=("kics Container Capabilities Unrestricted", "kube-linter drop-net-raw-capability", "checkov CKV_K8S_37"),
)


@CHECK.on(ComposeFile)
def capabilities_not_dropped(compose: ComposeFile) -> Iterator[Finding]:
    services = compose.services_map
    for service in compose.services:
        if not service.complete:  # an override's partial service: the base file decides
            continue
        dropped = {c.strip().upper().removeprefix("CAP_") for c in service.string_list("cap_drop")}
        if "ALL" in dropped:
            continue
        _, owner = service.lookup("cap_drop")
        if owner is service.node:
            yield CHECK.finding(
                owner, "cap_drop", resource=service.resource,
                message=f"service {service.name!r} drops some capabilities but not ALL",
                evidence=f"cap_drop: [{', '.join(sorted(dropped))}]",
            )
        else:
            yield CHECK.finding(
                services, service.name, resource=service.resource,
                message=f"service {service.name!r} keeps Docker's default capabilities (no cap_drop: [ALL])",
            )
