"""SH002: deploy by `git pull` on the server, then build/restart in place."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import is_build, is_restart, path_words, production_context, runs_remotely

CHECK = Check(
    code="SH002",
    name="git-pull-deploy",
    title="Deploys by pulling and rebuilding on the server",
    severity=Severity.HIGH,
    category=Category.DEPLOYMENT,
    rationale=(
        "`git pull` followed by a build and a restart on the production host makes the server "
        "the build machine: what runs is whatever the working tree and the host's toolchain "
        "produced at that moment, the app is down or half-updated while it builds, a failed "
        "build leaves a broken checkout behind, and there is no artifact to roll back to."
    ),
    remediation=(
        "Build an immutable artifact (container image, package) in CI, tagged with the commit.",
        "Deploy by switching the running version to that artifact (pull the image, restart) with a health check.",
        "Keep the previous artifact so a rollback is a version switch, not a rebuild.",
    ),
    effort="1d",
    references=(
        "https://12factor.net/build-release-run",
        "https://docs.docker.com/compose/how-tos/production/",
    ),
)

_UPSTREAM_RE = re.compile(r"^(origin|upstream)/|^FETCH_HEAD$|@\{u(pstream)?\}$")


def _updates_checkout(seg) -> bool:
    argv = seg.argv
    if seg.name != "git" or len(argv) < 2:
        return False
    rest = [a for a in argv[1:] if not a.startswith("-")]
    if not rest:
        return False
    verb = rest[0]
    if verb == "pull":
        return True
    if verb in ("reset", "merge", "checkout") and len(rest) > 1 and _UPSTREAM_RE.search(rest[1]):
        return verb != "reset" or "--hard" in argv
    return False


def _same_block(pull, later) -> bool:
    """``later`` runs in the function of ``pull`` and under every condition ``pull`` runs under."""
    return later.function == pull.function and later.guards[:len(pull.guards)] == pull.guards


@CHECK.on(ShellScript)
def git_pull_deploy(script: ShellScript) -> Iterator[Finding]:
    if script.in_container:
        return  # an image build is not a server
    # a build after the pull only says "the server builds" when it runs on a server:
    # remotely (ssh) or from a deploy/production script; a restart always does
    deployish = production_context(script) and not path_words(script.path) & {"release", "publish"}
    flat = list(script.segments())
    reported: set[int] = set()
    for index, (command, seg) in enumerate(flat):
        if id(command) in reported or not _updates_checkout(seg):
            continue
        if script.host == "workflow" and not runs_remotely(command, seg):
            continue  # a CI runner's checkout is not the server's  # one finding per command (`git fetch && git reset --hard origin/main && git pull`)
        # what follows in the same function and the same block (or one nested in it): a restart
        # in another `if` or another function is not the deploy of this checkout
        after = [s for _, s in flat[index + 1:] if _same_block(seg, s)]
        restart = next((s for s in after if is_restart(s)), None)
        remote = "ssh" in (command.via, seg.via)
        build = next((s for s in after if is_build(s)), None) if (deployish or remote) else None
        then = restart or build
        if then is None:
            continue
        reported.add(id(command))
        where = " on the remote host" if remote else ""
        yield CHECK.finding(
            command.pos,
            resource=script.resource,
            message=f"`{' '.join(seg.argv[:4])}`{where} is followed by `{' '.join(then.argv[:5])}`: "
                    "the server builds and restarts from a mutable checkout",
            evidence=command.evidence,
        )
