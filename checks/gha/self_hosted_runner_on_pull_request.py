"""GHA012: pull requests run on a self-hosted runner."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow, expressions

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
        "inside your network. GitHub's own advice is to use self-hosted runners only with "
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

#: events that run for a pull request, including one from a fork
_PR_EVENTS = ("pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment")
#: job conditions that keep forks' pull requests away
_SAME_REPO_RE = re.compile(
    r"head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name"
    r"|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork"
    r"|github\.event_name\s*(?:!=\s*'pull_request|==\s*'(?:push|schedule|workflow_dispatch|release|merge_group)')"
)


def _guarded(condition) -> bool:
    if not isinstance(condition, str):
        return False
    text = " ".join(expressions(condition)) or condition
    return bool(_SAME_REPO_RE.search(text))


@CHECK.on(Workflow)
def self_hosted_runner_on_pull_request(wf: Workflow) -> Iterator[Finding]:
    events = [e for e in _PR_EVENTS if e in wf.triggers]
    if not events:
        return
    for job in wf.jobs:
        if job.reusable or _guarded(job.condition):
            continue
        sets = job.runner_label_sets()
        if not sets:
            continue
        hosted = [labels for labels in sets if any(label.lower() == "self-hosted" for label in labels)]
        if not hosted:
            continue
        labels = ", ".join(hosted[0])
        some = "" if len(hosted) == len(sets) else f" (in {len(hosted)} of its {len(sets)} matrix runs)"
        yield CHECK.finding(
            job.node, "runs-on", resource=job.resource,
            message=f"{job.label} runs on a self-hosted runner ({labels}){some} for {', '.join(events)}: "
                    "if this repository is public, a fork's pull request runs its code on that machine "
                    "(auditui cannot see the repository's visibility or whether the runner is ephemeral)",
            evidence=f"runs-on: {job.runs_on}" if not isinstance(job.runs_on, (dict, list)) else f"runs-on: [{labels}]",
        )
