"""SH004: `docker compose up --build` in a production/deploy script."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import path_words, production_context, runs_remotely

CHECK = Check(
    code="SH004",
    name="compose-build-on-deploy",
    title="Production deploy builds images on the server (compose up --build)",
    severity=Severity.MEDIUM,
    category=Category.DEPLOYMENT,
    rationale=(
        "`docker compose up --build` in a deploy script builds images on the production host "
        "at deploy time: the running image was never tested as such, builds compete with the "
        "live app for CPU and memory, a registry or package-index outage blocks the deploy, "
        "and there is no tagged image to roll back to."
    ),
    remediation=(
        "Build and push images in CI, tagged with the commit (and scan them there).",
        "On the server, reference those tags in the compose file and run `docker compose pull && docker compose up -d`.",
        "Keep `--build` for local development (a dev script or a compose override file).",
    ),
    effort="4h",
    references=(
        "https://docs.docker.com/reference/cli/docker/compose/up/",
        "https://docs.docker.com/compose/how-tos/production/",
    ),
)


def _compose_files(argv: tuple[str, ...]) -> list[str]:
    files = []
    for i, word in enumerate(argv):
        if word in ("-f", "--file") and i + 1 < len(argv):
            files.append(argv[i + 1])
        elif word.startswith("--file="):
            files.append(word.split("=", 1)[1])
    return files


@CHECK.on(ShellScript)
def compose_build_on_deploy(script: ShellScript) -> Iterator[Finding]:
    if script.in_container:
        return  # an image build is not a server
    context = production_context(script)
    for command, seg in script.segments():
        argv = seg.argv
        compose = (seg.name == "docker" and "compose" in argv) or seg.name in ("docker-compose", "podman-compose")
        if not compose or "up" not in argv or "--build" not in argv:
            continue
        if script.host == "workflow" and not runs_remotely(command, seg):
            continue  # a CI job building its own stack is a test, not a production host
        files = _compose_files(argv)
        file_words = set().union(*(path_words(f) for f in files)) if files else set()
        if file_words & {"dev", "local", "test", "ci", "e2e", "override"}:
            continue  # a development stack, whatever the script is called
        if not (context or command.via or file_words & {"prod", "production", "prd", "live"}):
            continue
        yield CHECK.finding(
            command.pos,
            resource=script.resource,
            message="`compose up --build` builds images on the production host at deploy time",
            evidence=command.evidence,
        )
