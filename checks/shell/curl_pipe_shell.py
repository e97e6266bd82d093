"""SH010: running a script straight from the network."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import downloaded_then_run, remote_code

CHECK = Check(
    code="SH010",
    name="curl-pipe-shell",
    title="Downloads a script and runs it unverified",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`curl ... | sh` runs whatever the server returns at that moment, with the script's "
        "privileges (often root), and nothing checks what it was: a compromised host, a "
        "hijacked domain or a truncated download (which sh happily runs half of) becomes code "
        "execution on your servers, and the next run may install something else. Saving the "
        "script to a file first changes nothing unless a pinned checksum or signature is "
        "verified before it runs."
    ),
    remediation=(
        "Install from the distribution's package manager or a pinned release artifact instead.",
        "If a script is needed, download it to a file, verify a pinned checksum or signature, then run it.",
        "Vendor the script into the repository at a reviewed version.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/engine/install/ubuntu/#install-using-the-convenience-script",
    ),
)

@CHECK.on(ShellScript)
def curl_pipe_shell(script: ShellScript) -> Iterator[Finding]:
    if script.host == "dockerfile":
        return  # DKR010 reports it there, with the Dockerfile's remedies (one problem, one finding)
    for command, target, tool, line in downloaded_then_run(script):
        yield CHECK.finding(
            command.pos, resource=script.resource,
            message=f"runs {target}, downloaded by {tool} at line {line}, without verifying a checksum or signature",
            evidence=command.evidence,
        )
    for command in script.commands:
        hit = remote_code(command)
        if hit:
            yield CHECK.finding(
                command.pos, resource=script.resource,
                message=f"downloads code and runs it unverified: `{hit}`",
                evidence=command.evidence,
            )
