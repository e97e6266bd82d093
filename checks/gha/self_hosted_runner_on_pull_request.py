"""GHA012: pull requests run on a self-hosted runner."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import RUNNER_SCALE_SET, WORKFLOW_PR_JOB

CHECK = Check(
    code="GHA012",
    name="self-hosted-runner-on-pull-request",
    title="Pull requests run on a self-hosted runner",
    severity=Severity.HIGH,
    category=Category.CICD,
    rationale=(
        "A job with the `self-hosted` label in a workflow that pull requests trigger runs the "
        "pull request's code on your machine. In a public repository anyone can open one: "
        "once a contributor's first pull request is approved, later ones run without review, "
        "and a persistent runner keeps whatever they leave behind (a backdoored toolchain, a "
        "poisoned cache, a process that waits for the next deploy job's secrets) and sits "
        "inside your network. Runners are recognised by the `self-hosted` label, and by name when "
        "the repository defines them: an Actions Runner Controller scale set (a release of the "
        "`gha-runner-scale-set` chart, an `AutoscalingRunnerSet`) is addressed by its name alone, a "
        "legacy ARC `RunnerDeployment`/`RunnerSet` by its labels. GitHub's own advice is to use self-hosted runners only with "
        "private repositories. auditui cannot see whether this repository is public or whether "
        "the runner is ephemeral and isolated, so the finding says so; jobs limited to "
        "same-repository pull requests (`head.repo.full_name == github.repository`) are not "
        "reported."
    ),
    remediation=(
        "Run pull-request jobs on GitHub-hosted runners; keep self-hosted runners for jobs on protected branches.",
        "If a pull request job needs the self-hosted hardware, guard it: "
        "`if: github.event.pull_request.head.repo.full_name == github.repository`, or require a maintainer "
        "to apply a label in a separate, reviewed workflow.",
        "Make the runners ephemeral (`--ephemeral`, Actions Runner Controller) in an isolated network, "
        "and require approval for all outside contributors in the repository's Actions settings.",
    ),
    effort="2h",
    references=(
        "https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security",
        "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#controlling-changes-from-forks-to-workflows-in-public-repositories",
    ),
    peers=("zizmor self-hosted-runner",),
)

def _overlap(a: str, b: str) -> bool:
    """Some runner name matches both patterns (``*`` matches anything, case aside)."""
    a, b = a.lower(), b.lower()
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            todo += [(i + 1, j)] + ([(i, j + 1)] if j < len(b) else [])
        elif j < len(b) and b[j] == "*":
            todo += [(i, j + 1)] + ([(i + 1, j)] if i < len(a) else [])
        elif i < len(a) and j < len(b) and a[i] == b[j]:
            todo.append((i + 1, j + 1))
    return False


#: GitHub-hosted runner labels: a scale set matches one only by its exact name
_GITHUB_HOSTED_RE = re.compile(r"^(ubuntu|windows|macos)-", re.IGNORECASE)


def _literal(label: str) -> bool:
    """Enough of the label is written to name one runner (not a bare ``*``)."""
    return len(label.replace("*", "").strip("-_. ")) >= 3


def _scale_sets(index: RepoIndex) -> tuple[tuple[str, str, int | None, tuple[str, ...]], ...]:
    """(resource, path, line, names) of every runner the repository defines (models/gitops.py)."""
    return tuple(sorted((fact.data.resource or "", path, fact.line, tuple(fact.data.names or ()))
                        for path, fact in index.facts(RUNNER_SCALE_SET)))


def _defined(labels: tuple[str, ...], sets) -> tuple[str, str, int | None] | None:
    """The runner of this repository one of the job's labels names: (resource, path, line)."""
    for label in labels:
        if not _literal(label):
            continue
        for resource, path, line, names in sets:
            if any(label.lower() == name.lower() if "*" not in name + label or _GITHUB_HOSTED_RE.match(label)
                   else _overlap(label, name) for name in names):
                return resource, path, line
    return None


@CHECK.on_each(WORKFLOW_PR_JOB)
def self_hosted_runner_on_pull_request(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    job = fact.data
    sets = [tuple(labels) for labels in job.label_sets or ()]
    hosted = [labels for labels in sets if any(label.lower() == "self-hosted" for label in labels)]
    where = ""
    if not hosted:
        runners = index.derived("gha:runner-sets", (RUNNER_SCALE_SET,), _scale_sets)
        if not runners:
            return
        named = [(labels, found) for labels in sets if (found := _defined(labels, runners)) is not None]
        if not named:
            return
        hosted = [labels for labels, _ in named]
        resource, defined_in, line = named[0][1]
        unread = ", where * is what an expression fills in" if any("*" in label for label in hosted[0]) else ""
        where = (f"{unread}; {resource} ({defined_in}{':' + str(line) if line else ''}) is a self-hosted runner "
                 "this repository defines")
    labels = ", ".join(hosted[0])
    some = "" if len(hosted) == len(sets) else f" (in {len(hosted)} of its {len(sets)} matrix runs)"
    yield CHECK.finding(
        Pos(fact.line, job.end_line, tuple(fact.ypath), path=path), resource=job.resource or "",
        message=f"{job.label} runs on a self-hosted runner ({labels}){some} for {', '.join(job.events or ())}"
                f"{where}: if this repository is public, a fork's pull request runs its code on that machine "
                "(auditui cannot see the repository's visibility or whether the runner is ephemeral)",
        evidence=job.evidence or f"runs-on: [{labels}]",
    )
