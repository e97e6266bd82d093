"""SH013: ssh/scp/rsync with host key verification turned off."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.workflow import Workflow

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
        "secrets pushed through it, and can feed back whatever it likes. The same goes for an "
        "ssh config written with `StrictHostKeyChecking no`, `ANSIBLE_HOST_KEY_CHECKING=False` and "
        "SSH options handed to a workflow action. Repeated in one file (or one workflow, across "
        "its jobs), it is one finding listing every place."
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

#: `StrictHostKeyChecking no|=no` and `UserKnownHostsFile /dev/null`: the separator is blanks with
#: one space or one `=` among them. The lookahead asks for that space or `=` over blanks that are
#: neither; the possessive blanks then cannot give any back, so no run of blanks is rescanned
#: (`\s*[= ]\s*` was quadratic on a long one; tests/test_linear_rewrites.py compares the two)
_DISABLED_RE = re.compile(r"StrictHostKeyChecking(?=[^\S ]*[ =])\s*+(?:=\s*+)?(no|off|false)\b"
                          r"|UserKnownHostsFile(?=[^\S ]*[ =])\s*+(?:=\s*+)?/dev/null", re.IGNORECASE)
#: Ansible's switch for the same thing (environment variable or config key)
_ANSIBLE_RE = re.compile(r"ANSIBLE_HOST_KEY_CHECKING\s*[=:]\s*[\"']?(?:false|no|0|off)\b", re.IGNORECASE)
#: files whose content configures ssh
_SSH_CONFIG_RE = re.compile(r"(?:\.ssh/config|ssh_config(?:\.d/\S*)?)\b")
_WRITERS = ("echo", "printf", "tee", "cat")
_SSH_TOOLS = ("ssh", "scp", "rsync", "sftp", "git", "ansible", "ansible-playbook", "sshpass")


def _resource(script: ShellScript) -> str:
    """One resource per file: a workflow's jobs share one (a pattern repeated across its jobs
    is one problem of the workflow), a script or a Dockerfile stage keeps its own."""
    if script.host == "workflow":
        name = script.path.rsplit("/", 1)[-1]
        return f"workflow/{name.rsplit('.', 1)[0] if '.' in name else name}"
    return script.resource


@CHECK.on(ShellScript, Workflow)
def ssh_host_key_checking_disabled(unit) -> Iterator[Finding]:
    if isinstance(unit, Workflow):
        yield from _workflow_inputs(unit)
        return
    script = unit
    resource = _resource(script)
    for command in script.commands:
        text = " ".join(seg.text for seg in command.segments)
        match = _ANSIBLE_RE.search(text)
        if match:
            yield CHECK.finding(
                command.pos, resource=resource, repeats=("ansible_host_key_checking=false",),
                message=f"`{match.group(0)}` makes Ansible trust any host that answers",
                evidence=command.evidence,
            )
            continue
        if "KnownHosts" not in text and "HostKeyChecking" not in text and "knownhosts" not in text.lower():
            if not (command.heredoc and "HostKeyChecking" in command.heredoc):
                continue
        written = _config_written(command)
        if written is not None:
            yield CHECK.finding(
                command.pos, resource=resource, repeats=(" ".join(written.split()).lower(),),
                message=f"`{written}` written into an ssh config makes every later ssh, scp, rsync and git "
                        "connection trust any host that answers",
                evidence=command.evidence,
            )
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
                command.at(seg), resource=resource, repeats=(" ".join(match.group(0).split()).lower(),),
                message=f"`{match.group(0)}` makes {tool} trust any host that answers",
                evidence=command.evidence,
            )
            break


def _config_written(command) -> str | None:
    """The disabling option when the command writes it into an ssh config file
    (``echo "StrictHostKeyChecking no" >> ~/.ssh/config``, a heredoc, ``tee``)."""
    if not _SSH_CONFIG_RE.search(command.text):
        return None
    if not any(seg.name in _WRITERS for seg in command.segments):
        return None
    for text in (command.text, command.heredoc):
        match = _DISABLED_RE.search(text.replace("\\t", " ").replace("\\n", " "))
        if match is not None:
            return match.group(0)
    return None


def _workflow_inputs(wf: Workflow) -> Iterator[Finding]:
    """SSH options and Ansible switches handed to actions through ``with:`` and ``env:``
    (``ARGS: -o StrictHostKeyChecking=no``, ``ANSIBLE_HOST_KEY_CHECKING: "False"``)."""
    holders = [(wf.env, "the workflow env")]
    for job in wf.jobs:
        holders.append((job.env, f"the env of {job.label}"))
        for step in job.steps:
            holders.append((step.env, f"the env of {step.label} of {job.label}"))
            if step.action is not None:
                holders.append((step.with_, f"an input of {step.label} of {job.label}"))
    seen: set[int] = set()
    for holder, where in holders:
        if id(holder) in seen:
            continue
        seen.add(id(holder))
        for key in holder:
            if str(key).strip().lower() == "script":
                continue  # an SSH action's remote script: read as shell, reported there
            value = holder.get(key)
            if isinstance(value, bool) or value is None:
                value = str(value).lower()
            if not isinstance(value, str):
                continue
            text = f"{key}={value}"
            match = _ANSIBLE_RE.search(text) or _DISABLED_RE.search(value)
            if match is None:
                continue
            yield CHECK.finding(
                holder, key, resource=wf.resource, repeats=(" ".join(match.group(0).split()).lower(),),
                message=f"`{match.group(0)}` ({where}) makes the connection trust any host that answers",
                evidence=f"{key}: {value}"[:160],
            )


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
