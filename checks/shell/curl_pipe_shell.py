"""SH010: running a script straight from the network."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import SHELLS, ShellScript

CHECK = Check(
    code="SH010",
    name="curl-pipe-shell",
    title="Downloads a script and pipes it into a shell",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`curl ... | sh` runs whatever the server returns at that moment, with the script's "
        "privileges (often root), and nothing checks what it was: a compromised host, a "
        "hijacked domain or a truncated download (which sh happily runs half of) becomes code "
        "execution on your servers, and the next run may install something else."
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

_FETCHERS = ("curl", "wget", "fetch", "http", "https")
_RUNNERS = set(SHELLS) | {"source", ".", "eval"}


def _fetches(word: str) -> bool:
    return any(f"{p}{tool} " in word or f"{p}{tool}\t" in word for p in ("$(", "<(", "`") for tool in ("curl", "wget"))


@CHECK.on(ShellScript)
def curl_pipe_shell(script: ShellScript) -> Iterator[Finding]:
    for command in script.commands:
        segments = command.segments
        hit = None
        for index, seg in enumerate(segments):
            if seg.name in _FETCHERS:
                for later in segments[index + 1:]:
                    if later.op not in ("|", "|&"):
                        break
                    if later.name in SHELLS and "-c" not in later.argv:
                        hit = f"{seg.name} ... | {' '.join(later.argv[:3])}"
                        break
            elif seg.name in _RUNNERS and any(_fetches(word) for word in seg.argv[1:]):
                fetched = next(word for word in seg.argv[1:] if _fetches(word))
                hit = f"{' '.join(seg.argv[:seg.argv.index(fetched)])} \"{fetched[:70]}\""  # sh -c "$(curl ...)"
            if hit:
                break
        if hit:
            yield CHECK.finding(
                command.pos, resource=f"script/{script.name}",
                message=f"downloads code and runs it unverified: `{hit}`",
                evidence=command.evidence,
            )
