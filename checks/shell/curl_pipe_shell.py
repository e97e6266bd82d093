"""SH010: running a script straight from the network."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import DOWNLOADERS, downloaded_then_run, remote_code

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
        "verified before it runs. Over HTTPS (certificates checked) only the publisher's server "
        "is trusted as it is at each run, the documented way of many vendors (get.docker.com, "
        "get-helm-3): a pinning gap, medium. Over plain HTTP, with certificate checks off, or "
        "from an address the script computes, anyone on the path may answer: high."
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

_INSECURE = frozenset(("-k", "--insecure", "--no-check-certificate", "--no-check-certificates"))


def _transport(commands) -> tuple[Severity, str]:
    """(severity, why) from how the downloads in ``commands`` fetch: every URL a literal
    ``https://`` with certificates checked is medium; ``http://``, ``-k`` or an address in
    a variable (nothing to tell) stays high."""
    urls: list[str] = []
    for command in commands:
        for seg in command.segments:
            words = seg.argv
            if seg.name not in DOWNLOADERS:
                # a download inside a substitution: ``bash -c "$(curl -fsSL https://...)"``
                words = tuple(w for word in seg.argv for w in word.replace('"', " ").split())
                if not any(w in DOWNLOADERS or w.endswith(("(curl", "(wget", "`curl", "`wget")) for w in words):
                    continue
            if any(w in _INSECURE or (w.startswith("-") and not w.startswith("--") and "k" in w[1:]
                                      and seg.name == "curl" and w[1:].isalpha()) for w in words):
                return Severity.HIGH, "with certificate checks off"
            urls += [w for w in words if "://" in w and w.split("://", 1)[0].isalpha()]
    if not urls:
        return Severity.HIGH, "from an address the script computes"
    if any(not url.startswith("https://") for url in urls):
        return Severity.HIGH, "over plain HTTP"
    return Severity.MEDIUM, "over HTTPS"


@CHECK.on(ShellScript)
def curl_pipe_shell(script: ShellScript) -> Iterator[Finding]:
    if script.host == "dockerfile":
        return  # DKR010 reports it there, with the Dockerfile's remedies (one problem, one finding)
    for command, target, tool, line in downloaded_then_run(script):
        download = [c for c in script.commands if c.line == line]
        severity, how = _transport(download)
        yield CHECK.finding(
            command.pos, resource=script.resource, severity=severity,
            message=f"runs {target}, downloaded by {tool} at line {line} {how}, without verifying a checksum or signature",
            evidence=command.evidence,
        )
    for command in script.commands:
        hit = remote_code(command)
        if hit:
            severity, how = _transport([command])
            yield CHECK.finding(
                command.pos, resource=script.resource, severity=severity,
                message=f"downloads code {how} and runs it unverified: `{hit}`",
                evidence=command.evidence,
            )
