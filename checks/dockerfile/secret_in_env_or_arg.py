from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity, redact
from ..models.dockerfile import Dockerfile, assignments
from .shared import secret_like_name

CHECK = Check(
    code="DKR008",
    name="secret-in-env-or-arg",
    title="Secret written into the Dockerfile (ENV or ARG default)",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written as an ENV value or an ARG default is committed to "
        "the repository, and an ENV value is also stored in the image config, where "
        "`docker inspect` shows it to anyone who can pull the image, in every registry and "
        "cache it reaches. Rotating it means rebuilding and re-pushing every tag."
    ),
    remediation=(
        "Rotate the exposed secret now: treat it as leaked.",
        "Remove it from the Dockerfile and the git history.",
        "Pass build-time secrets with `RUN --mount=type=secret,id=...` and runtime secrets "
        "through the orchestrator (Kubernetes Secret, Compose secrets, a secret manager).",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
    ),
    peers=("docker build check SecretsUsedInArgOrEnv",),
)

_PLACEHOLDER_RE = re.compile(
    r"^(?:|true|false|yes|no|on|off|none|null|nil|undefined|empty|changeme|change[-_ ]?me|replace[-_ ]?me|"
    r"placeholder|example|dummy|todo|tbd|secret|password|token|x+|\*+|\.+|-+|<[^>]*>|\{\{.*\}\}|"
    r"your[-_ ].*|\[.*\]|%.*%)$",
    re.IGNORECASE,
)
_URL_CREDENTIALS_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s@/]+)@", re.IGNORECASE)


def literal_secret(value: str | None) -> bool:
    """A value that is written out, not a reference, a path or a placeholder."""
    if value is None:
        return False
    text = value.strip()
    if len(text) < 3 or "$" in text or _PLACEHOLDER_RE.match(text):
        return False
    if text.startswith(("/", "./", "../", "~/")) or re.match(r"^[A-Za-z]:\\", text):
        return False
    return True


def url_password(value: str | None) -> str | None:
    """The password of a ``scheme://user:password@host`` value, when written out."""
    if not value:
        return None
    match = _URL_CREDENTIALS_RE.match(value.strip())
    if not match:
        return None
    password = match.group(1)
    return password if literal_secret(password) else None


@CHECK.on(Dockerfile)
def secret_in_env_or_arg(dockerfile: Dockerfile) -> Iterator[Finding]:
    located = [(None, instr) for instr in dockerfile.global_args]
    located += list(dockerfile.instructions("ENV", "ARG"))
    for stage, instr in located:
        resource = stage.resource if stage is not None else "global"
        where = f"stage {stage.label}" if stage is not None else "the global ARGs"
        for name, value, _ in assignments(instr):
            kind = "ENV value" if instr.instruction == "ENV" else "ARG default"
            if secret_like_name(name) and literal_secret(value):
                yield CHECK.finding(
                    instr, resource=resource, symbol=(name,),
                    message=f"{instr.instruction} {name} holds a literal secret ({kind}) in {where}",
                    evidence=f"{name}={redact(value)}",
                )
                continue
            password = url_password(value)
            if password is not None:
                yield CHECK.finding(
                    instr, resource=resource, symbol=(name,),
                    message=f"{instr.instruction} {name} is a URL with a password written into it ({kind})",
                    evidence=f"{name}=...:{redact(password)}@...",
                )
