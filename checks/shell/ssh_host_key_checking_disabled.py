"""SH013: ssh/scp/rsync with host key verification turned off."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript

CHECK = Check(
    code="SH013",
    name="ssh-host-key-checking-disabled",
    title="SSH host key verification disabled",
    severity=Severity.MEDIUM,
    category=Category.CICD,
    rationale=(
        "`StrictHostKeyChecking=no` (or a `/dev/null` known-hosts file) makes ssh accept any "
        "server that answers: whoever can intercept or spoof the connection (DNS, a hijacked "
        "IP, a compromised network) receives the deploy key's session and the code or "
        "secrets pushed through it, and can feed back whatever it likes."
    ),
    remediation=(
        "Commit the server's host key (from `ssh-keyscan`, checked out-of-band) to a known_hosts file or CI secret.",
        "Point ssh at it: `-o UserKnownHostsFile=deploy/known_hosts -o StrictHostKeyChecking=yes`.",
        "If hosts are created dynamically, use SSH certificates signed by your CA (`@cert-authority`).",
    ),
    effort="30m",
    references=(
        "https://man.openbsd.org/ssh_config#StrictHostKeyChecking",
    ),
)

_DISABLED_RE = re.compile(r"StrictHostKeyChecking\s*[= ]\s*(no|off|false)\b|UserKnownHostsFile\s*[= ]\s*/dev/null", re.IGNORECASE)
_SSH_TOOLS = ("ssh", "scp", "rsync", "sftp", "git", "ansible", "ansible-playbook", "sshpass")


@CHECK.on(ShellScript)
def ssh_host_key_checking_disabled(script: ShellScript) -> Iterator[Finding]:
    for command in script.commands:
        text = " ".join(seg.text for seg in command.segments)
        if "KnownHosts" not in text and "HostKeyChecking" not in text and "knownhosts" not in text.lower():
            continue
        for seg in command.segments:
            joined = seg.text
            match = _DISABLED_RE.search(joined)
            if match is None:
                continue
            held = _held_ssh_command(seg)
            uses_ssh = (seg.name in _SSH_TOOLS or held or "GIT_SSH_COMMAND" in joined or "RSYNC_RSH" in joined
                        or "ANSIBLE_SSH_ARGS" in joined)
            if not uses_ssh and not joined.lstrip().startswith(("export", "GIT_SSH", "RSYNC")):
                continue
            tool = _ssh_program(seg.argv) if seg.name in _SSH_TOOLS else held or "ssh"
            yield CHECK.finding(
                command.at(seg), resource=script.resource, repeats=(" ".join(match.group(0).split()).lower(),),
                message=f"`{match.group(0)}` makes {tool} trust any host that answers",
                evidence=command.evidence,
            )
            break


def _ssh_program(argv: tuple[str, ...]) -> str:
    """The program that connects: `sshpass -p x scp ...` connects with scp."""
    names = [word.rsplit("/", 1)[-1] for word in argv]
    if names and names[0] == "sshpass":
        return next((name for name in names[1:] if name in ("ssh", "scp", "rsync", "sftp")), "ssh")
    return names[0] if names else "ssh"


def _held_ssh_command(seg) -> str:
    """The ssh program of a command kept in a variable (`SSH="ssh -o StrictHostKeyChecking=no"`), or ''."""
    for word in seg.words:
        name, eq, value = word.partition("=")
        if eq and name.isidentifier():
            first = value.split(None, 1)[:1]
            if first and first[0].rsplit("/", 1)[-1] in _SSH_TOOLS:
                return _ssh_program(tuple(value.split()))
    return ""
