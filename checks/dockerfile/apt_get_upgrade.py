from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, shell_commands

CHECK = Check(
    code="DKR015",
    name="apt-get-upgrade",
    title="RUN upgrades all distribution packages (apt-get upgrade)",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "`apt-get upgrade`/`dist-upgrade` in a Dockerfile makes the image depend on the "
        "day it was built: the same commit yields different packages, and a broken upstream "
        "update lands in production without a change in the repository. Security fixes are "
        "better taken by moving to a newer, pinned base image. Only stages that end up in "
        "the final image are checked."
    ),
    remediation=(
        "Remove the upgrade step.",
        "Bump the base image tag and digest when the distribution publishes fixes (Renovate or Dependabot do this).",
        "If one package must be newer, install that package at a pinned version.",
        "If the team upgrades on purpose to pick up fixes between base-image releases (a valid "
        "policy: hadolint retired its rule for this reason), rebuild on a schedule and suppress "
        "this finding with that reason.",
    ),
    effort="15m",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
    peers=("hadolint DL3005",),
)

_UPGRADES = {"upgrade", "dist-upgrade", "full-upgrade"}


@CHECK.on(Dockerfile)
def apt_get_upgrade(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage in dockerfile.shipped_stages():
        for instr in stage.all("RUN"):
            for command in shell_commands(instr):
                args = [a for a in command.args if not a.startswith("-")]
                if command.program in ("apt-get", "apt", "aptitude") and args[:1] and args[0] in _UPGRADES:
                    yield CHECK.finding(
                        instr, resource=stage.resource,
                        message=f"RUN in stage {stage.label} runs {command.program} {args[0]}",
                        evidence=f"{command.program} {args[0]}",
                    )
                    break
