from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile, packages_installed

CHECK = Check(
    code="DKR011",
    name="apt-install-recommends",
    title="apt-get install pulls in recommended packages",
    severity=Severity.LOW,
    category=Category.RUNTIME_HARDENING,
    rationale=(
        "Without `--no-install-recommends`, apt installs every package the requested ones "
        "merely recommend: often tens of megabytes of extra software (and CVEs) nobody "
        "asked for. Only stages that end up in the final image are checked, and a global "
        "`APT::Install-Recommends \"false\"` setting written earlier counts."
    ),
    remediation=(
        "Add `--no-install-recommends` to every `apt-get install` in the final image.",
        "Add back explicitly any recommended package the application really needs.",
    ),
    effort="15m",
    references=("https://docs.docker.com/build/building/best-practices/#apt-get",),
    peers=("hadolint DL3015",),
)

_CONFIG_RE = re.compile(r"Install-Recommends[\s\"'=]+(?:0|false|no)\b", re.IGNORECASE)


@CHECK.on(Dockerfile)
def apt_install_recommends(dockerfile: Dockerfile) -> Iterator[Finding]:
    configured = False
    for stage in reversed(dockerfile.shipped_stages()):
        for instr in stage.all("RUN"):
            offending = []
            for install in packages_installed(instr):
                if install.manager not in ("apt-get", "apt", "aptitude") or not install.packages:
                    continue
                options = " ".join(install.options)
                if "--no-install-recommends" in install.options or _CONFIG_RE.search(options):
                    continue
                if install.manager == "aptitude" and "-R" in install.options:
                    continue
                offending.append(install)
            if offending and not configured:
                shown = ", ".join(offending[0].packages[:4])
                yield CHECK.finding(
                    instr, resource=stage.resource,
                    message=f"{offending[0].manager} install in stage {stage.label} runs without --no-install-recommends",
                    evidence=f"{offending[0].manager} install {shown}",
                )
            if _CONFIG_RE.search(instr.shell_text()):
                configured = True
