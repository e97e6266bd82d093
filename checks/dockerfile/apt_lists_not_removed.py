from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, run_mounts, shell_commands

CHECK = Check(
    code="DKR012",
    name="apt-lists-not-removed",
    title="apt package lists left in the image",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "`apt-get update` downloads the package index into /var/lib/apt/lists (tens of "
        "megabytes). Unless the same RUN deletes it, it is frozen into that layer, where a "
        "later RUN cannot shrink it, and stale lists make later installs in derived images "
        "fetch outdated versions. Build stages that are not shipped, and RUNs that keep "
        "the lists in a BuildKit cache mount, are not flagged."
    ),
    remediation=(
        "End the RUN that runs `apt-get update` with `&& rm -rf /var/lib/apt/lists/*`.",
        "Or keep apt's lists and cache in cache mounts: "
        "`RUN --mount=type=cache,target=/var/lib/apt,sharing=locked --mount=type=cache,target=/var/cache/apt ...`.",
    ),
    effort="15m",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
    peers=("hadolint DL3009",),
)


def _updates(commands) -> bool:
    for command in commands:
        args = [a for a in command.args if not a.startswith("-")]
        if command.program in ("apt-get", "apt", "aptitude") and args[:1] == ["update"]:
            return True
    return False


def _cleans(commands) -> bool:
    for command in commands:
        if command.program == "rm" and any(a.startswith("/var/lib/apt") for a in command.args):
            return True
        if command.program == "find" and any(a.startswith("/var/lib/apt") for a in command.args) \
                and ("-delete" in command.args or "rm" in command.args):
            return True
    return False


@CHECK.on(Dockerfile)
def apt_lists_not_removed(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage in dockerfile.shipped_stages():
        for instr in stage.all("RUN"):
            commands = shell_commands(instr)
            if not _updates(commands) or _cleans(commands):
                continue
            if any(m.get("type") in ("cache", "tmpfs") and m.get("target", "").rstrip("/") in ("/var/lib/apt", "/var/lib/apt/lists")
                   for m in run_mounts(instr)):
                continue
            yield CHECK.finding(
                instr, resource=stage.resource,
                message=f"RUN in stage {stage.label} runs apt-get update but leaves /var/lib/apt/lists in the layer",
                evidence="apt-get update without rm -rf /var/lib/apt/lists/*",
            )
