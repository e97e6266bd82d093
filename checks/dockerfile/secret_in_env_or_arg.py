from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, Instruction, Stage, assignments
from ..models.secrets import classify

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
        "cache it reaches. Rotating it means rebuilding and re-pushing every tag. A token or a "
        "random-looking value is critical; a weak or well-known default (`postgres`, `changeme`) "
        "is medium: a guessable password, not a leaked one."
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

@CHECK.on(Dockerfile)
def secret_in_env_or_arg(dockerfile: Dockerfile) -> Iterator[Finding]:
    located: list[tuple[Stage | None, Instruction]] = [(None, instr) for instr in dockerfile.global_args]
    located += list(dockerfile.instructions("ENV", "ARG"))
    for stage, instr in located:
        resource = stage.resource if stage is not None else "global"
        where = f"stage {stage.label}" if stage is not None else "the global ARGs"
        for name, value, _ in assignments(instr):
            if value is None:
                continue  # ARG NAME without a default: DKR009's business
            verdict = classify(name, value, where="dockerfile")
            if not verdict.is_secret:
                continue
            kind = "ENV value" if instr.instruction == "ENV" else "ARG default"
            default = " (as the default of a variable)" if verdict.default else ""
            yield CHECK.finding(
                instr, resource=resource, symbol=(name,), severity=verdict.severity(),
                message=f"{instr.instruction} {name} holds {verdict.describe()}{default} ({kind}) in {where}",
                evidence=verdict.evidence(name),
            )
