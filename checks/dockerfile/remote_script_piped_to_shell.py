from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile
from ..models.shell import ShellScript
from ..models.shell_ops import downloaded_then_run, remote_code

CHECK = Check(
    code="DKR010",
    name="remote-script-piped-to-shell",
    title="RUN pipes a downloaded script straight into a shell",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`curl https://... | sh` runs whatever the server (or anyone between it and the "
        "builder) returns, with the build's privileges, and nothing records what ran. A "
        "changed or truncated script compromises the image - and, in a build stage, every "
        "artefact copied out of it. Downloading to a file and verifying a checksum before "
        "running it is not flagged."
    ),
    remediation=(
        "Download to a file: `curl -fsSLo /tmp/install.sh https://...`.",
        "Verify it: `echo \"<sha256>  /tmp/install.sh\" | sha256sum -c -` (or a signature).",
        "Then run it, or better install the tool from a package repository or a pinned release artefact.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/build/building/best-practices/#using-pipes",
    ),
    peers=(),
)

@CHECK.on(Dockerfile)
def remote_script_piped_to_shell(dockerfile: Dockerfile) -> Iterator[Finding]:
    # one question, asked of the shell model for scripts and workflow steps too (SH010):
    # the same downloaders and interpreters, read once by the shared reader
    for stage in dockerfile.stages:
        reported: set[int] = set()
        for stage_, instr in ((stage, i) for i in stage.all("RUN")):
            found = [what for what in (remote_code(command) for command in instr.commands) if what]
            if found:
                reported.add(id(instr))
                yield CHECK.finding(
                    instr, resource=stage_.resource,
                    message=f"RUN in stage {stage_.label} executes a downloaded script unverified ({found[0]})",
                    evidence=found[0],
                )
        script = ShellScript(dockerfile.path, "", "sh", [c for i in stage.all("RUN") for c in i.commands], frozenset())
        for command, target, tool, line in downloaded_then_run(script):
            instr = next((i for i in stage.all("RUN") if command in i.commands), None)
            if instr is None or id(instr) in reported:
                continue
            reported.add(id(instr))
            yield CHECK.finding(
                instr, resource=stage.resource,
                message=f"RUN in stage {stage.label} runs {target}, downloaded by {tool} at line {line}, "
                        "without verifying a checksum or signature",
                evidence=command.evidence,
            )
