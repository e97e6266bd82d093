"""GHA006: a privileged trigger (pull_request_target, workflow_run) runs the PR's code."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow, head_fetch, names_head
from ..models.workflow_expr import BOT_AUTHOR, MEMBER_AUTHOR, SAME_REPO, Guard, guard_for

CHECK = Check(
    code="GHA006",
    name="untrusted-checkout-in-privileged-workflow",
    title="Privileged workflow checks out pull request code",
    severity=Severity.CRITICAL,
    category=Category.CICD,
    rationale=(
        "`pull_request_target`, `workflow_run`, `issue_comment` and `repository_dispatch` "
        "run in the context of the base repository: with its secrets, a token that can "
        "write, and access to its caches. Checking out the pull request's head (for a "
        "comment, the pull request commented on; for a dispatch, the one its payload "
        "names) and then building, testing or even installing dependencies runs code any "
        "outsider can write (build scripts, package hooks, test files) with those "
        "privileges - the 'pwn request'. A label, an approval or an \"/ok-to-test\" "
        "comment does not help: the head can change after the gate was passed. A job whose `if:` admits only "
        "pull requests from this repository's branches (`head.repo.full_name == github.repository`) or "
        "from its members (`github.event.pull_request.author_association` in OWNER, MEMBER, COLLABORATOR) runs no "
        "outsider's code and is left alone. Other guards in the job's or the step's `if:` lower the finding and "
        "are named: a pull request opened by a bot (`github.event.pull_request.user.login == 'dependabot[bot]'`: "
        "its head is a branch of this repository; medium), a maintainer's label, a member's comment or "
        "`github.actor == '...[bot]'` (high: the head can change after the label or the comment, and an outsider "
        "can make a bot the actor of a run). A guard that is negated or OR-ed with a condition an outsider can "
        "meet does not count."
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

def _article(event: str) -> str:
    return "an" if event[:1] in "aeiou" else "a"


@CHECK.on(Workflow)
def untrusted_checkout_in_privileged_workflow(wf: Workflow) -> Iterator[Finding]:
    triggers = sorted(wf.privileged_triggers)
    if not triggers:
        return
    event = " / ".join(triggers)
    event = f"{_article(event)} {event}"
    seen: set[int] = set()  # a step shared by several jobs through a YAML anchor is reported once
    for job in wf.jobs:
        for step in job.steps:
            if id(step.node) in seen:
                continue
            seen.add(id(step.node))
            guard = guard_for(triggers, job.condition, step.node.get("if"))
            if guard is not None and guard.kind in (SAME_REPO, MEMBER_AUTHOR):
                continue  # only pull requests from this repository's branches (or its members) reach it
            severity, why = _lowered(guard)
            action = step.action
            if action is not None and action.is_action("actions/checkout"):
                w = step.with_
                for key in sorted((k for k in w if k in ("ref", "repository")), key=w.key_line):
                    if names_head(w.get(key), triggers):
                        yield CHECK.finding(
                            w, key, resource=step.resource, severity=severity,
                            message=f"{step.label} of {job.label} checks out the pull request head "
                                    f"in {event} workflow{why}",
                            evidence=f"{key}: {w.get(key)}",
                        )
                        break
                continue
            command = head_fetch(step.run, triggers)
            if command is not None:
                yield CHECK.finding(
                    step.node, "run", resource=step.resource, severity=severity,
                    message=f"{step.label} of {job.label} fetches the pull request head "
                            f"in {event} workflow{why}",
                    evidence=command.text[:120],
                )


def _lowered(guard: Guard | None) -> tuple[Severity | None, str]:
    """The severity a guard leaves (None: the check's) and the words that name it."""
    if guard is None:
        return None, ""
    if guard.kind == BOT_AUTHOR:
        return Severity.MEDIUM, (f"; lowered: it runs only if {guard.text}, so the head is a bot's branch of this "
                                 "repository (what runs is the bot's dependency update, not an outsider's code)")
    what = {"label": "a maintainer's label (the head can change after it was put on)",
            "member-commenter": "a member's comment (the head can still be an outsider's, and can change after "
                                "the comment)",
            "bot-actor": "the actor being a bot (an outsider can make a bot the actor of a run, e.g. by a re-run "
                         "or a bot's push to their fork; the pull request author's login is the stronger test)"}
    return Severity.HIGH, f"; lowered: it runs only if {guard.text}: {what.get(guard.kind, guard.kind)}"
