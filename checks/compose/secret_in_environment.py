"""CMP013: a secret is written as a literal environment value or build argument."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..models.compose import ComposeFile, EnvVar
from ..models.secrets import classify

CHECK = Check(
    code="CMP013",
    name="secret-in-environment",
    title="Secret written as a literal environment value",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written in the compose file is in every clone, fork, CI log and "
        "backup of the repository, and in `docker inspect` on every host that runs it; rotating it "
        "means rewriting history. A `${VAR:-default}` with a real default, or a URL with the "
        "password inline, is the same literal. Build arguments are worse: they stay in the image "
        "history. Severity follows the secrets model: a token or a random-looking value is "
        "critical; a weak or well-known default (`postgres`, `changeme`) is high when the service "
        "publishes a port beyond the host and medium when it does not."
    ),
    remediation=(
        "Rotate the secret now: treat the committed value as leaked.",
        "Reference it from the environment instead (`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}`), "
        "set in an untracked `.env` or by the deploy system.",
        "Better, use compose `secrets:` and the image's `*_FILE` variable (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`).",
        "For build-time credentials use `docker build --secret`, never `build.args`.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/compose/how-tos/use-secrets/",
        "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/",
        "https://docs.docker.com/build/building/secrets/",
    ),
    peers=("checkov CKV_SECRET_6", "kics Passwords And Secrets - Generic Password", "gitleaks generic-api-key"),
)

def _where(var: EnvVar) -> Pos:
    """The line of the value itself: for keys merged from an anchor (``<<: *env``) that is
    the anchor's line, where the literal is written, not the ``<<:`` line."""
    line, end = var.line, var.end_line
    container = var.container
    if isinstance(var.key, str) and hasattr(container, "value_span") and var.key in container.value_lines:
        line, end = container.value_span(var.key)
    return Pos(line, max(line, end), var.ypath)


def _exposed(service) -> bool:
    """Reachable from outside the host: a port published on every interface, or host networking."""
    mode = service.node.get("network_mode")
    return any(port.bound_to_all_interfaces for port in service.ports()) or str(mode or "").strip() == "host"


@CHECK.on(ComposeFile)
def secret_in_environment(compose: ComposeFile) -> Iterator[Finding]:
    # one literal shared by several services (an x- anchor merged into each) is one finding
    found: dict[tuple, list] = {}
    for service in compose.services:
        for what, variables in (("environment variable", service.environment()),
                                ("build argument", service.build_args())):
            for var in variables:
                if var.container is None or var.value is None:
                    continue
                verdict = classify(var.name, var.raw if isinstance(var.raw, (int, float)) else var.value,
                                   where="compose")
                if not verdict.is_secret:
                    continue
                pos = _where(var)
                entry = found.setdefault((pos.line, var.name, what), [var, verdict, pos, what, []])
                entry[4].append(service)
    for var, verdict, pos, what, services in found.values():
        names = ", ".join(repr(s.name) for s in services)
        who = f"service {names}" if len(services) == 1 else f"services {names}"
        exposed = any(_exposed(s) for s in services)
        default = " (as the default of a variable)" if verdict.default else ""
        reach = ""
        if verdict.kind == "weak":
            reach = (" and the service publishes a port beyond this host" if exposed else
                     "; the service publishes no port beyond this host")
        message = (f"{who} set{'s' if len(services) == 1 else ''} {what} {var.name} to "
                   f"{verdict.describe()}{default}{reach}")
        yield CHECK.finding(pos, resource=services[0].resource, message=message,
                            evidence=verdict.evidence(var.name), severity=verdict.severity(exposed=exposed))
