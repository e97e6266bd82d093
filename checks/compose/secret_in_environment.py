"""CMP013: a secret is written as a literal environment value or build argument."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity, redact
from ..models.compose import ComposeFile, EnvVar, interpolate, is_variable_only, literal_default
from ..models.tokens import URL_CREDENTIALS, is_secret_name

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
        "history."
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

_FLAG_VALUES = {"true", "false", "yes", "no", "on", "off", "0", "1", "none", "null"}
_SECRET_FILE_PREFIXES = ("/run/secrets/", "/var/run/secrets/")


def literal_secret(value: str | None) -> str | None:
    """The literal a secret variable is given, or None when it is not a literal."""
    if value is None:
        return None
    text = str(value)
    if not text.strip() or is_variable_only(text):
        return None
    literal = literal_default(text)
    if literal is None or not literal.strip():
        return None  # mixes in a variable we cannot see (`Bearer ${TOKEN}`)
    if literal.strip().lower() in _FLAG_VALUES:  # MYSQL_ALLOW_EMPTY_PASSWORD=yes
        return None
    if literal.strip().startswith(_SECRET_FILE_PREFIXES):
        return None
    return literal


def url_password(value: str | None) -> str | None:
    """A literal password written in a URL's userinfo (``postgres://app:pw@db/app``)."""
    if not value:
        return None
    match = URL_CREDENTIALS.match(str(value).strip())
    if match is None:
        return None
    password = match.group("password")
    if is_variable_only(password):
        return None
    literal = interpolate(password)
    if not literal or not literal.strip():
        return None
    return literal


def _where(var: EnvVar) -> Pos:
    """The line of the value itself: for keys merged from an anchor (``<<: *env``) that is
    the anchor's line, where the literal is written, not the ``<<:`` line."""
    line, end = var.line, var.end_line
    container = var.container
    if isinstance(var.key, str) and hasattr(container, "value_span") and var.key in container.value_lines:
        line, end = container.value_span(var.key)
    return Pos(line, max(line, end), var.ypath)


def _secrets(variables: list[EnvVar]) -> Iterator[tuple[EnvVar, str, str]]:
    """(variable, kind, literal) for each literal secret; kind is ``value`` or ``url``."""
    for var in variables:
        if var.container is None or isinstance(var.raw, bool):
            continue
        if is_secret_name(var.name):
            secret = literal_secret(var.value)
            if secret is not None:
                yield var, "value", secret
                continue
        password = url_password(var.value)
        if password is not None:
            yield var, "url", password


@CHECK.on(ComposeFile)
def secret_in_environment(compose: ComposeFile) -> Iterator[Finding]:
    # one literal shared by several services (an x- anchor merged into each) is one finding
    found: dict[tuple, list] = {}
    for service in compose.services:
        for what, variables in (("environment variable", service.environment()),
                                ("build argument", service.build_args())):
            for var, kind, secret in _secrets(variables):
                pos = _where(var)
                entry = found.setdefault((pos.line, var.name, what), [var, kind, secret, pos, what, []])
                entry[5].append(service)
    for var, kind, secret, pos, what, services in found.values():
        first = services[0]
        names = ", ".join(repr(s.name) for s in services)
        who = f"service {names}" if len(services) == 1 else f"services {names}"
        default = " (as the default of a variable)" if kind == "value" and "$" in (var.value or "") else ""
        if kind == "value":
            message = f"{who} set{'s' if len(services) == 1 else ''} {what} {var.name} to a literal secret{default}"
            evidence = f"{var.name}={redact(secret)}"
        else:
            message = (f"{who} set{'s' if len(services) == 1 else ''} {what} {var.name} "
                       f"to a URL with a literal password")
            evidence = f"{var.name}: password {redact(secret)}"
        yield CHECK.finding(pos, resource=first.resource, message=message, evidence=evidence)
