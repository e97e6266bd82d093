"""GHA014: a GitHub App installation token minted with every permission the App has."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow, outsider_guard, outsider_reason, outsiders_only_trigger, token_exposure

CHECK = Check(
    code="GHA014",
    name="app-token-blanket-permissions",
    title="GitHub App token minted with all of the App's permissions",
    severity=Severity.MEDIUM,
    category=Category.CICD,
    rationale=(
        "`actions/create-github-app-token` without `permission-*` inputs (or "
        "`tibdex/github-app-token` without `permissions`) asks GitHub for an installation token "
        "with every permission the App was granted - often administration, workflows or "
        "secrets, far more than the one push or pull request the job makes. Every later step "
        "of the job can read that token. With `owner:` and no `repositories:` (tibdex: no "
        "`repositories`) it also reaches every repository the App is installed on; the message "
        "says so. Severity follows who can reach the token, as for the GITHUB_TOKEN (GHA003): "
        "high when outsiders can trigger the workflow with something of theirs reaching the job "
        "(pull_request_target, issue_comment, a workflow_run that takes the triggering run's "
        "head, text or artifacts into a script) or when the job runs a third-party action by a "
        "movable tag; medium otherwise (trusted triggers, pinned or vendor-published actions: "
        "over-broad, not exposed). A job whose `if:` admits only this repository's branches, its members' or a "
        "bot's pull requests (or a member's comment) counts as trusted, and the message names the guard; so does "
        "a job that outsiders start but that runs only fixed code with the token (pinned or vendor-published "
        "actions, no pull request code, no outsider text: the token passed from its minting step is no such text)."
    ),
    remediation=(
        "Name the permissions the job needs: `permission-contents: write`, `permission-pull-requests: write`.",
        "Limit the repositories: leave `owner` out (current repository only) or list `repositories:`.",
        "Mint the token in the step right before it is used, in a job with no third-party actions after it.",
    ),
    effort="30m",
    references=(
        "https://github.com/actions/create-github-app-token#permission-permission-name",
        "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app",
    ),
    peers=(),
)

#: action -> (prefix or name of the inputs that scope permissions, input that names the owner
#: or organisation, input that lists repositories, True when the default is every repository)
_ACTIONS = {
    "actions/create-github-app-token": ("permission-", "owner", "repositories", False),
    "tibdex/github-app-token": ("permissions", None, "repositories", True),
    "peter-murray/workflow-application-token-action": ("permissions", "organization", None, False),
    "getsentry/action-github-app-token": (None, "scope", None, False),
    "navikt/github-app-token-generator": (None, None, None, False),
    "idealo/github-app-token-generator": (None, None, None, False),
}


@CHECK.on(Workflow)
def app_token_blanket_permissions(wf: Workflow) -> Iterator[Finding]:
    seen: set[int] = set()
    for job in wf.jobs:
        exposed: str | None = None
        fixed: str | None = None
        trusted_why = ""
        judged = False
        for step in job.steps:
            action = step.action
            if action is None or id(step.node) in seen:
                continue
            seen.add(id(step.node))
            spec = next((v for k, v in _ACTIONS.items() if action.is_action(k)), None)
            if spec is None:
                continue
            perms, owner_key, repos_key, all_by_default = spec
            given = {str(k).strip().lower(): step.with_.get(k) for k in step.with_}
            if perms is not None and any(k == perms or (perms.endswith("-") and k.startswith(perms)) for k in given):
                continue
            if repos_key is not None and given.get(repos_key) not in (None, ""):
                every_repo = False
            elif all_by_default:
                every_repo = True
            else:
                every_repo = owner_key is not None and given.get(owner_key) not in (None, "")
            if not judged:
                exposed, judged = token_exposure(wf, [job]), True
                # outsiders start it, but the job runs only fixed code with the token: over-broad, not exposed
                fixed = outsiders_only_trigger(wf, [job]) if exposed is not None and wf.outsider_reach else None
                if fixed is not None:
                    exposed = None
                    trusted_why = f"{outsider_reason(wf)}, but {fixed}"
            how = "no permission inputs" if perms is not None else "an action that cannot narrow them"
            reach = ", for every repository the App is installed on" if every_repo else ""
            guard = outsider_guard(wf, [job]) if exposed is None and fixed is None else None
            trusted = (f"it runs on {', '.join(sorted(wf.outsider_reach))} but only if {guard.text}, which keeps "
                       "outsiders' pull requests out," if guard is not None else "only trusted triggers start it")
            why = (f"; {exposed}" if exposed is not None else
                   f"; {trusted_why} (over-broad, not exposed)" if fixed is not None else
                   f"; {trusted} and every action of the job is pinned, vendor-published, "
                   "local or the organisation's own (over-broad, not exposed)")
            yield CHECK.finding(
                step.node, "uses", resource=step.resource,
                severity=Severity.HIGH if exposed is not None else Severity.MEDIUM,
                message=f"{step.label} of {job.label} mints a GitHub App token with all of the App's permissions "
                        f"({how}){reach}{why}",
                evidence=f"uses: {action.raw}",
            )
