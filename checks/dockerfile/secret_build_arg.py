from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, Instruction, Stage, assignments
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
        "`--build-arg`. Build arguments are not secret: Docker writes the values of the arguments "
        "in scope into the history entry of every `RUN` after them, so in the stage that ships "
        "(the final stage and the stages it is built `FROM`) `docker history` shows the token to "
        "anyone who can pull the image (medium). In a builder stage whose files are only copied "
        "out, it stays in the build cache, build logs and provenance attestations, not in the "
        "image (low). Copying it into ENV stores it in the image config: high in the stage that "
        "ships, low in a builder stage."
    ),
    remediation=(
        "Replace the ARG with a secret mount: `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci`.",
        "Pass it at build time with `docker build --secret id=npm_token,env=NPM_TOKEN` (or the CI's secret input).",
        "Never copy it into ENV; runtime secrets come from the orchestrator, not the image.",
        "If a builder stage needs it, keep it there: only the files you `COPY --from` reach the image.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        "https://docs.docker.com/reference/dockerfile/#arg",
    ),
    peers=("docker build check SecretsUsedInArgOrEnv",),
)


def _declared(stage, upto=None) -> set[str]:
    """ARG names declared in ``stage`` before ``upto`` (all of them without ``upto``)."""
    names: set[str] = set()
    for instr in stage.instructions:
        if instr is upto:
            break
        if instr.instruction == "ARG":
            names.update(name for name, _, _ in assignments(instr))
    return names


def _references_build_arg(value: str, stage, instr) -> bool:
    """True when ``value`` uses an ARG declared in the stage before ``instr``."""
    used = {m.group(1) or m.group(2) for m in _REF_RE.finditer(value)}
    return bool(used & _declared(stage, instr))


def _arg(stage, name: str):
    """The stage's ARG instruction that declares ``name`` (None when it does not)."""
    for instr in stage.instructions:
        if instr.instruction == "ARG" and any(declared == name for declared, _, _ in assignments(instr)):
            return instr
    return None


def _run_after(stage, instr) -> bool:
    """A RUN after ``instr`` in ``stage``: its history entry records the argument's value."""
    seen = False
    for later in stage.instructions:
        if later is instr:
            seen = True
        elif seen and later.instruction == "RUN":
            return True
    return False


def _where(stage, shipped: set[int]) -> str:
    return "the stage that ships" if id(stage) in shipped else f"builder stage {stage.label}, which does not ship"


@CHECK.on(Dockerfile)
def secret_build_arg(dockerfile: Dockerfile) -> Iterator[Finding]:
    shipped = {id(stage) for stage in dockerfile.shipped_stages()} if dockerfile.stages else set()
    located: list[tuple[Stage | None, Instruction]] = [(None, instr) for instr in dockerfile.global_args]
    located += list(dockerfile.instructions("ARG", "ENV"))
    for stage, instr in located:
        resource = stage.resource if stage is not None else "global"
        for name, value, _ in assignments(instr):
            if instr.instruction == "ENV":
                if value and "$" in value and secret_like_name(name) and stage is not None \
                        and _references_build_arg(value, stage, instr):
                    # ENV TOKEN=$TOKEN keeps the build argument in the image config for good
                    ships = id(stage) in shipped
                    yield CHECK.finding(
                        instr, resource=resource, symbol=(name,), severity=Severity.HIGH if ships else Severity.LOW,
                        message=f"ENV {name} copies a build argument into the image config"
                                + (", where `docker inspect` shows it" if ships else
                                   f" of {_where(stage, shipped)} (kept in the build cache)"),
                        evidence=f"ENV {name}={value[:40]}",
                    )
                continue
            if value is not None or not secret_like_name(name):
                continue  # a default is DKR008's (the secrets model judges the value)
            if stage is not None and name in stage.global_args:
                continue  # re-declaring a global ARG: reported where it is declared
            if stage is None:  # a global ARG reaches the stages that declare it again
                users = [(s, arg) for s in dockerfile.stages if (arg := _arg(s, name)) is not None]
            else:
                users = [(stage, instr)]
            recorded = [s for s, declared in users if _run_after(s, declared)]
            shipping = [s for s in recorded if id(s) in shipped]
            if shipping:
                severity, how = Severity.MEDIUM, (
                    "is declared in the stage that ships: `docker history` of the image shows its value "
                    "in every RUN after it")
            elif recorded:
                severity, how = Severity.LOW, (
                    f"is declared only in {_where(recorded[0], shipped)}; its value stays in the build cache and logs")
            else:
                severity, how = Severity.LOW, "looks like a secret (no RUN after it records its value)"
            yield CHECK.finding(
                instr, resource=resource, symbol=(name,), severity=severity,
                message=f"build argument {name} {how}; use a secret mount instead",
                evidence=f"ARG {name}",
            )

