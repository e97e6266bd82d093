from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Command, Dockerfile, shell_pipelines, shell_tokens

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

_FETCHERS = {"curl", "wget", "fetch", "http", "https", "aria2c"}
_RUNNERS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox", "python", "python2", "python3", "perl",
            "ruby", "node", "php", "pwsh", "powershell", "iex"}
_SUBST_RE = re.compile(r"(?:\$\(|`|<\()\s*(?:\S*/)?(?:curl|wget)\b")


def _is_runner(command: Command) -> bool:
    """True when the command runs a script it reads from stdin (`sh`, `bash -s --`, `python3 -`)."""
    program = command.program
    base = re.sub(r"[\d.]+$", "", program) if program.startswith("python") else program
    if base not in _RUNNERS:
        return False
    args = list(command.args)
    if "-c" in args or any(a.startswith("-m") for a in args if base.startswith("python")):
        return False  # runs its own argument (`python3 -m json.tool`), stdin is data
    for arg in args:
        if arg in ("-", "-s", "--"):
            return True
        if not arg.startswith("-"):
            return False  # runs a script file, not stdin
    return True


_INNER_SUBST_RE = re.compile(r"\$\([^()]*\)")


def _finds(script: str) -> list[str]:
    found: list[str] = []
    # a command substitution inside a word (`curl https://x/$(curl -s api | jq -r .tag)/install.sh | bash`)
    # would otherwise split the outer pipeline: read it once with substitutions as plain words
    flattened = _INNER_SUBST_RE.sub("SUBST", script)
    for text in (script, flattened) if flattened != script else (script,):
        for pipeline in shell_pipelines(text):
            for left, right in zip(pipeline, pipeline[1:]):
                if left.program in _FETCHERS and _is_runner(right):
                    what = f"{left.program} ... | {right.program}"
                    if what not in found:
                        found.append(what)
    tokens = shell_tokens(script)
    for i, token in enumerate(tokens):
        # bash <(curl ...), sh -c "$(curl ...)"
        if token in ("<(",) and i + 1 < len(tokens) and tokens[i + 1].rsplit("/", 1)[-1] in ("curl", "wget"):
            if i > 0 and tokens[i - 1].rsplit("/", 1)[-1] in _RUNNERS:
                found.append(f"{tokens[i - 1]} <({tokens[i + 1]} ...)")
        elif token.rsplit("/", 1)[-1] in ("sh", "bash", "zsh", "dash", "ash") and i + 2 < len(tokens) \
                and tokens[i + 1] == "-c" and _SUBST_RE.search(tokens[i + 2]):
            found.append(f"{token} -c \"$(...)\"")
    return found


@CHECK.on(Dockerfile)
def remote_script_piped_to_shell(dockerfile: Dockerfile) -> Iterator[Finding]:
    for stage, instr in dockerfile.instructions("RUN"):
        found = _finds(instr.shell_script())
        if found:
            yield CHECK.finding(
                instr, resource=stage.resource,
                message=f"RUN in stage {stage.label} executes a downloaded script unverified ({found[0]})",
                evidence=found[0],
            )
