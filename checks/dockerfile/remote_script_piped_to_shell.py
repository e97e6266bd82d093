from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.dockerfile import Dockerfile
from ..models.shell import ShellScript
from ..models.shell_ops import downloaded_file, downloaded_then_run, fetch_transport, remote_code, remote_fetch

CHECK = Check(
    code="DKR010",
    name="remote-script-piped-to-shell",
    title="RUN pipes a downloaded script straight into a shell",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "`curl https://... | sh` runs whatever the server returns, with the build's privileges, "
        "and nothing records what ran. A changed or truncated script compromises the image - and, "
        "in a build stage, every artefact copied out of it. Severity follows who can change what "
        "runs. Over plain http://, or with certificate checks off (`curl -k`, `wget "
        "--no-check-certificate`), anyone on the network path between the builder and the server "
        "can answer instead of it: high. Over HTTPS the server is authenticated and only it (or "
        "whoever controls it) can change the script: vendor installers fetched this way (rustup and nvm document it; "
        "the Composer installer, whose page also gives the SHA-384 to check) are a pinning gap: medium. A "
        "URL held in a variable is medium too: this file does not show its scheme. Downloading "
        "to a file and verifying a checksum or signature (`sha256sum -c`, `gpg --verify`, "
        "`cosign verify-blob`) before running it is not reported."
    ),
    remediation=(
        "Download to a file: `curl -fsSLo /tmp/install.sh https://...` (never http:// or `-k`).",
        "Verify it: `echo \"<sha256>  /tmp/install.sh\" | sha256sum -c -` (or the vendor's signature, "
        "or the hash the Composer installer documents).",
        "Then run it, or better install the tool from a package repository or a pinned release artefact.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/build/building/best-practices/#using-pipes",
        "https://getcomposer.org/download/",
    ),
    peers=(),
)

#: transport of the download -> severity and how the message says it
_BY_TRANSPORT = {
    "insecure": (Severity.HIGH, "with TLS certificate checks off ({word}), so anyone on the network path can "
                                "replace it"),
    "http": (Severity.HIGH, "over plain http ({word}), so anyone on the network path can replace it"),
    "https": (Severity.MEDIUM, "over HTTPS but unpinned: no checksum or signature fixes what runs"),
    "unknown": (Severity.MEDIUM, "from a URL this file does not show, with no checksum or signature"),
}


def _judged(argv: tuple[str, ...] | None) -> tuple[Severity, str]:
    transport, word = fetch_transport(argv) if argv else ("unknown", "")
    severity, text = _BY_TRANSPORT[transport]
    return severity, text.format(word=word[:80])


@CHECK.on(Dockerfile)
def remote_script_piped_to_shell(dockerfile: Dockerfile) -> Iterator[Finding]:
    # one question, asked of the shell model for scripts and workflow steps too (SH010):
    # the same downloaders and interpreters, read once by the shared reader
    for stage in dockerfile.stages:
        reported: set[int] = set()
        for instr in stage.all("RUN"):
            found = [(what, command) for command in instr.commands if (what := remote_code(command))]
            if found:
                reported.add(id(instr))
                what, command = found[0]
                severity, how = _judged(remote_fetch(command))
                yield CHECK.finding(
                    instr, resource=stage.resource, severity=severity,
                    message=f"RUN in stage {stage.label} executes a downloaded script ({what}) {how}",
                    evidence=what,
                )
        commands = [c for i in stage.all("RUN") for c in i.commands]
        script = ShellScript(dockerfile.path, "", "sh", commands, frozenset())
        for command, target, tool, line in downloaded_then_run(script):
            runner = next((i for i in stage.all("RUN") if command in i.commands), None)
            if runner is None or id(runner) in reported:
                continue
            reported.add(id(runner))
            fetch = next((seg.argv for c in commands if c.line == line for seg in c.segments
                          if seg.name == tool and downloaded_file(seg.argv, seg.words)), None)
            severity, how = _judged(fetch)
            yield CHECK.finding(
                runner, resource=stage.resource, severity=severity,
                message=f"RUN in stage {stage.label} runs {target}, downloaded by {tool} at line {line} {how}",
                evidence=command.evidence,
            )
