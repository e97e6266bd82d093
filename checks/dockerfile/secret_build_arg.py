from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, assignments
from ..models.secrets import secret_name_strength

def secret_like_name(name: str) -> bool:
    """A name that holds a secret (the secrets model's strong names: NPM_TOKEN, DB_PASSWORD)."""
    return secret_name_strength(name) == 2


_REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)")

CHECK = Check(
    code="DKR009",
    name="secret-build-arg",
    title="Secret passed as a build ARG",
    severity=Severity.LOW,
    category=Category.SECRETS,
    rationale=(
        "A build argument named like a secret (`ARG NPM_TOKEN`) is meant to receive one with "
        "`--build-arg`. Build arguments are not secret: their values appear in `docker history` "
        "of any layer whose RUN uses them, in build logs and in provenance attestations. "
        "Nothing is leaked by the Dockerfile itself, hence the low severity; copying such an "
        "argument into ENV stores it in the image config, which is reported as high."
    ),
    remediation=(
        "Replace the ARG with a secret mount: `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci`.",
        "Pass it at build time with `docker build --secret id=npm_token,env=NPM_TOKEN` (or the CI's secret input).",
        "Never copy it into ENV; runtime secrets come from the orchestrator, not the image.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
    ),
    peers=("docker build check SecretsUsedInArgOrEnv",),
)


def _references_build_arg(value: str, stage, instr) -> bool:
    """True when ``value`` uses an ARG declared in the stage before ``instr``."""
    declared = set()
    for earlier in stage.instructions:
        if earlier is instr:
            break
        if earlier.instruction == "ARG":
            declared.update(name for name, _, _ in assignments(earlier))
    used = {m.group(1) or m.group(2) for m in _REF_RE.finditer(value)}
    return bool(used & declared)


@CHECK.on(Dockerfile)
def secret_build_arg(dockerfile: Dockerfile) -> Iterator[Finding]:
    located = [(None, instr) for instr in dockerfile.global_args]
    located += list(dockerfile.instructions("ARG", "ENV"))
    for stage, instr in located:
        resource = stage.resource if stage is not None else "global"
        for name, value, _ in assignments(instr):
            if instr.instruction == "ENV":
                if value and "$" in value and secret_like_name(name) and stage is not None \
                        and _references_build_arg(value, stage, instr):
                    # ENV TOKEN=$TOKEN keeps the build argument in the image config for good
                    yield CHECK.finding(
                        instr, resource=resource, symbol=(name,), severity=Severity.HIGH,
                        message=f"ENV {name} copies a build argument into the image config, "
                                "where `docker inspect` shows it",
                        evidence=f"ENV {name}={value[:40]}",
                    )
                continue
            if value is None and secret_like_name(name):
                if stage is not None and name in stage.global_args:
                    continue  # re-declaring a global ARG: reported where it is declared
                yield CHECK.finding(
                    instr, resource=resource, symbol=(name,),
                    message=f"build argument {name} looks like a secret; use a secret mount instead",
                    evidence=f"ARG {name}",
                )
