"""GHA006: a privileged trigger (pull_request_target, workflow_run) runs the PR's code."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow, expressions

CHECK = Check(
    code="GHA006",
    name="untrusted-checkout-in-privileged-workflow",
    title="Privileged workflow checks out pull request code",
    severity=Severity.CRITICAL,
    category=Category.CICD,
    rationale=(
        "`pull_request_target` and `workflow_run` run in the context of the base repository: "
        "with its secrets, a token that can write, and access to its caches. Checking out "
        "the pull request's head and then building, testing or even installing dependencies "
        "runs code any outsider can write (build scripts, package hooks, test files) with "
        "those privileges - the 'pwn request'. A label or approval gate does not help: the "
        "head can change after the gate was passed."
    ),
    remediation=(
        "Run untrusted code in a `pull_request` workflow instead: it gets no secrets and a read-only token.",
        "If results must be posted back, upload them as an artifact and let a separate "
        "`workflow_run` workflow read the artifact as data, never check out or execute it.",
        "If the privileged workflow only needs metadata (labels, the diff), use the API and do not check out the head.",
    ),
    effort="4h",
    references=(
        "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
        "https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request_target",
    ),
    peers=("zizmor dangerous-triggers", "scorecard Dangerous-Workflow"),
)

#: expressions naming the head of a pull request (or of the run that triggered workflow_run)
_HEAD_RE = re.compile(
    r"github\.event\.pull_request\.head\.(?:sha|ref|repo\.full_name|repo\.clone_url|label)"
    r"|github\.head_ref"
    r"|github\.event\.workflow_run\.head_(?:sha|branch|repository\.full_name)"
    r"|github\.event\.workflow_run\.head_commit\.id"
    r"|github\.event\.workflow_run\.pull_requests"
    r"|github\.event\.(?:pull_request\.)?number"
    r""
)
_REFS_PULL_RE = re.compile(r"refs/pull/|pull/\$\{\{")
_GIT_FETCH_RE = re.compile(r"\b(?:git\s+(?:fetch|checkout|switch|pull|clone)|gh\s+pr\s+checkout)\b")
_PR_CHECKOUT_RE = re.compile(r"\bgh\s+pr\s+checkout\b")


def _names_head(value) -> bool:
    if not isinstance(value, str):
        return False
    if any(_HEAD_RE.search(expr) for expr in expressions(value)):
        return True
    return bool(_REFS_PULL_RE.search(value)) and "${{" in value


@CHECK.on(Workflow)
def untrusted_checkout_in_privileged_workflow(wf: Workflow) -> Iterator[Finding]:
    triggers = sorted(wf.privileged_triggers)
    if not triggers:
        return
    event = " / ".join(triggers)
    for job in wf.jobs:
        for step in job.steps:
            action = step.action
            if action is not None and action.is_action("actions/checkout"):
                w = step.with_
                for key in sorted((k for k in w if k in ("ref", "repository")), key=w.key_line):
                    if _names_head(w.get(key)):
                        yield CHECK.finding(
                            w, key, resource=step.resource,
                            message=f"{step.label} of {job.label} checks out the pull request head "
                                    f"in a {event} workflow",
                            evidence=f"{key}: {w.get(key)}",
                        )
                        break
                continue
            script = step.run
            if not script:
                continue
            for line in script.splitlines():
                if _PR_CHECKOUT_RE.search(line) or (_GIT_FETCH_RE.search(line) and _names_head(line)):
                    yield CHECK.finding(
                        step.node, "run", resource=step.resource,
                        message=f"{step.label} of {job.label} fetches the pull request head "
                                f"in a {event} workflow",
                        evidence=line.strip()[:120],
                    )
                    break
