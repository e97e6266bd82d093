"""GHA017: a privileged workflow calls a reusable workflow of this repository that runs the PR's code."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import WORKFLOW_CALL
from .shared import called_reusable

CHECK = Check(
    code="GHA017",
    name="untrusted-checkout-in-called-workflow",
    title="Privileged workflow calls a reusable workflow that checks out pull request code",
    severity=Severity.CRITICAL,
    category=Category.CICD,
    rationale=(
        "A reusable workflow runs in its caller's context: `github.event` is the caller's event, the token "
        "has the caller's permissions and `secrets: inherit` hands it every secret. When a "
        "`pull_request_target`, `workflow_run` or `issue_comment` workflow calls one that checks out the "
        "pull request head (`ref: ${{ github.event.pull_request.head.sha }}`, or an input the caller fills "
        "with it), code any outsider writes runs with those privileges: the 'pwn request' GHA006 reports "
        "within one file, spread over two. Critical when the call passes secrets or write scopes, high "
        "otherwise (the default token and caches are still the base repository's); high, not critical, "
        "when only a maintainer's request starts it (the job's `if:` requires a member's comment, or a "
        "preceding job's check of the commenter's permission, `getCollaboratorPermissionLevel` admin/"
        "maintain/write, or a job it needs that must pass first: a permission check that fails the job, an "
        "environment's approval, another repository's guard workflow named for such a check, which auditui "
        "cannot read and says so): outsiders cannot start it, but the head can change after the request. Called workflows of "
        "other repositories are never fetched (a notice says so); this repository's own file called by its "
        "remote name is read like a local one (see GHA016)."
    ),
    remediation=(
        "Call the workflow from a `pull_request` workflow instead: it gets no secrets and a read-only token.",
        "If results must be posted back, upload them as an artifact and let a separate privileged workflow "
        "read the artifact as data.",
        "Do not pass `secrets: inherit` or write permissions to a workflow that runs pull request code.",
    ),
    effort="4h",
    references=(
        "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
        "https://docs.github.com/en/actions/sharing-automations/reusing-workflows#supported-keywords-for-jobs-that-call-a-reusable-workflow",
    ),
    peers=("zizmor dangerous-triggers (caller file only)", "scorecard Dangerous-Workflow"),
)


@CHECK.on_each(WORKFLOW_CALL)
def untrusted_checkout_in_called_workflow(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    call = fact.data
    privileged = list(call.privileged or ())
    if not privileged or call.trusted_only:
        return  # unprivileged, or the job only admits pull requests from this repository or its members
    found = called_reusable(index, call)  # ./x.yml, or this repository's own file called by its remote name
    if found is None:
        return  # not in the repository, or not a reusable workflow: nothing is claimed
    target, note, data = found
    events = [event for event in privileged if event in (data.head_events or ())]
    inputs = [name for name in call.head_inputs or () if name in (data.checkout_inputs or ())]
    if not events and not inputs:
        return
    writes = [scope for scope in call.writes or () if scope]
    privileges = []
    if call.passes_secrets:
        privileges.append("all of the repository's secrets (inherited)" if call.inherit_secrets
                          else "the secrets the job passes")
    if writes:
        privileges.append(f"{', '.join(w + ': write' if w != '*' else 'write-all' for w in writes[:4])}")
    severity = Severity.CRITICAL if privileges else Severity.HIGH
    gate = ""
    if call.member_gate and severity is Severity.CRITICAL:
        severity = Severity.HIGH
        gate = (f"; it runs only when a maintainer asks ({call.member_gate}), but the head it checks out is taken "
                "at run time, so the author can push after the request")
    how = (f"{data.head_step or 'a step'} checks out the pull request head" if events else
           f"it checks out its input{'s' if len(inputs) > 1 else ''} {', '.join(inputs[:3])}, which this job fills "
           "with the pull request head")
    with_ = " with " + " and ".join(privileges) if privileges else " with the base repository's token and caches"
    yield CHECK.finding(
        Pos(fact.line, fact.line, tuple(fact.ypath), path=path), resource=f"job/{call.job}", severity=severity,
        message=f"job {call.job!r} of a {' / '.join(privileged)} workflow calls {target}, where {how}: code "
                f"an outsider writes runs{with_}{gate}{note}",
        evidence=f"uses: ./{target}" + (f"; with: {', '.join(inputs[:3])}" if inputs else ""),
    )
