from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, shell_commands

CHECK = Check(
    code="DKR014",
    name="sudo-in-run",
    title="RUN uses sudo",
    severity=Severity.MEDIUM,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "A RUN that needs sudo means the build user was given sudo rights, which usually "
        "stay in the image: whoever gets a shell in the container as that user can become "
        "root. sudo also behaves unpredictably without a TTY and keeps its own environment. "
        "Switch users with USER instead. Installing the sudo package is not flagged by itself."
    ),
    remediation=(
        "Run the privileged steps before switching away from root, then `USER app` for the rest.",
        "Remove sudo and any `NOPASSWD` sudoers entry from the image.",
        "If a step must run as another user at runtime, use `gosu`/`su-exec` in the entrypoint.",
    ),
    effort="30m",
    references=("https://docs.docker.com/build/building/best-practices/#user",),
    peers=("hadolint DL3004", "checkov CKV2_DOCKER_1"),
)


@CHECK.on(Dockerfile)
def sudo_in_run(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage, instr in dockerfile.instructions("RUN"):
        for command in shell_commands(instr):
            if "sudo" in command.wrappers:
                yield CHECK.finding(
                    instr, resource=stage.resource,
                    message=f"RUN in stage {stage.label} calls sudo ({' '.join(('sudo',) + command.argv[:3])})",
                    evidence=" ".join(("sudo",) + command.argv[:4]),
                )
                break
