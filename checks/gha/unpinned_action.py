"""GHA005: actions and reusable workflows referenced by a movable tag or branch."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import (
    ActionFile,
    ActionRef,
    Job,
    LocalAction,
    Step,
    Workflow,
    credential_use,
    deploy_secrets_of,
    input_names,
    is_expression,
    parse_uses,
    repository_names,
)
from ..models.yamlnodes import YMap

CHECK = Check(
    code="GHA005",
    name="unpinned-action",
    title="Action not pinned to a commit SHA",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A tag or branch (`@v4`, `@main`) is a pointer its owner (or whoever steals the "
        "owner's credentials) can move at any time; the next run then executes the new code "
        "with this workflow's token and secrets. This is how the tj-actions/changed-files "
        "compromise of March 2025 leaked secrets from thousands of repositories. Only a full "
        "40-character commit SHA is immutable. An unpinned action that is handed a deploy "
        "credential (an SSH key, a kubeconfig, a cloud key, through `with:` or `env:`) is high: "
        "whoever moves the ref gets production. Actions published by GitHub itself "
        "(`actions/*`, `github/*`) are reported at low severity: the same risk applies, but "
        "their owner is the platform you already trust. Actions the cloud or platform vendor "
        "publishes (`google-github-actions/*`, `aws-actions/*`, `azure/*`, `docker/*`, "
        "`hashicorp/*`...) stay medium even when handed a credential: moving their tag takes "
        "a compromise of the vendor the credential already trusts. This repository's own actions "
        "and reusable workflows named remotely (`owner/this-repo/...@main` in a workflow that compares "
        "`github.repository` to `owner/this-repo`) are its own code, like `./`: not reported."
    ),
    remediation=(
        "Replace each `@tag` with the full commit SHA it points at, keeping the tag as a comment: "
        "`uses: owner/action@<40-hex sha> # v4.2.1`.",
        "Let Dependabot or Renovate keep the pins current (both update SHA pins and their comments).",
        "Pin `docker://` images by digest (`docker://image@sha256:...`).",
    ),
    effort="30m",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
        "https://github.com/slsa-framework/slsa-github-generator#referencing-slsa-builders-and-generators",
        "https://docs.github.com/en/code-security/dependabot/working-with-dependabot/keeping-your-actions-up-to-date-with-dependabot",
    ),
    peers=("zizmor unpinned-uses", "checkov CKV_GHA_8", "scorecard Pinned-Dependencies"),
)


def _problem(action: ActionRef) -> str | None:
    if action.kind == "local" or action.pinned:
        return None  # a SHA or digest, or an exact tag where a SHA would break the provenance (TAG_ONLY)
    if action.kind == "docker":
        return "docker image is not pinned by digest"
    if action.kind == "invalid":
        return None  # not a valid reference at all; GitHub rejects the workflow
    if not action.ref:
        return "no `@ref` at all"
    if is_expression(action.ref):
        return None  # GitHub does not expand expressions in `uses:`; it fails loudly
    if len(action.ref) < 40 and all(c in "0123456789abcdefABCDEF" for c in action.ref) and len(action.ref) >= 7:
        return f"short SHA `@{action.ref}`; only the full 40-character SHA is immutable"
    return f"movable ref `@{action.ref}`"


def _handed(step: Step, job: Job, wf: Workflow) -> list[tuple[str, str, str]]:
    """(where, key, kind) of each deploy secret the step's action receives: its own
    ``with:`` and ``env:``, and the job's and workflow's ``env:``, which every step's
    process inherits."""
    found = []
    for where, holder in (("with", step.with_), ("env", step.env), ("job env", job.env), ("workflow env", wf.env)):
        for key, kind in deploy_secrets_of(holder, step.action if where == "with" else None):
            found.append((where, key, kind))
    return found


def _through_local(step: Step, job: Job, wf: Workflow) -> Iterator[Finding]:
    """A deploy credential a workflow step hands to a local composite action that passes it on
    to a third party's action by a movable ref: high, at the workflow step (the action file's
    own finding, at its line, cannot know what its callers pass)."""
    local = step.local_action
    handed = _handed(step, job, wf)
    if not isinstance(local, LocalAction) or not handed:
        return
    given = {key for where, key, _kind in handed if where == "with"}
    env_given = bool([h for h in handed if h[0] != "with"])
    for inner in job.all_steps():
        if inner.within is not local:
            continue
        action = inner.action
        if action is None or action.kind not in ("repo", "docker") or _problem(action) is None:
            continue
        if action.vendor is not None or action.name in set(repository_names(wf)):
            continue
        holders = [inner.with_, inner.env]
        forwarded = [name for holder in holders for value in holder.values() for name in input_names(value)]
        if not (given & set(forwarded)) and not env_given:
            continue
        where, key, kind = next(h for h in handed if h[0] != "with" or h[1] in forwarded or env_given)
        yield CHECK.finding(
            step.node, "uses", resource=step.resource, severity=Severity.HIGH,
            message=f"{step.label} of {job.label} hands a deploy credential ({kind} `{key}` via {where}) to local action "
                    f"{local.path}, whose {inner.label.split(' of local action')[0]} (line {inner.line}) runs "
                    f"{action.raw!r}: {_problem(action)}",
            evidence=f"uses: {step.uses} -> {local.path}:{inner.line} uses: {action.raw}",
        )
        return


@CHECK.on(Workflow, ActionFile)
def unpinned_action(wf: Workflow | ActionFile) -> Iterator[Finding]:
    if isinstance(wf, ActionFile):
        yield from _action_file(wf)
        return
    # this repository's own actions and reusable workflows named remotely (the workflow compares
    # github.repository to that name): its own code, like `./`, whatever the ref
    own = set(repository_names(wf))
    seen: set[int] = set()  # a step shared by several jobs through a YAML anchor is reported once
    for job in wf.jobs:
        places: list[tuple[YMap, str, ActionRef, str, list[tuple[str, str, str]], Step | None]] = []
        if job.action is not None:
            places.append((job.node, job.resource, job.action, f"{job.label} calls", [], None))
        for step in job.steps:
            if id(step.node) in seen:
                continue
            seen.add(id(step.node))
            if step.action is not None:
                places.append((step.node, step.resource, step.action, f"{step.label} of {job.label} uses",
                               _handed(step, job, wf) if step.action.kind in ("repo", "docker") else [], step))
                if step.action.kind == "local":
                    yield from _through_local(step, job, wf)
        for node, resource, action, what, handed, origin in places:
            problem = _problem(action)
            if problem is None or (action.kind == "repo" and action.name in own):
                continue
            github = action.github_owned
            vendor = action.vendor
            severity = Severity.LOW if github else Severity.MEDIUM
            note = " (GitHub-owned action: lower risk)" if github else ""
            evidence = f"uses: {action.raw}"
            if handed:
                where, key, kind = handed[0]
                use = credential_use(job, origin, kind) if origin is not None else None
                if use is not None:
                    evidence += f"; the {kind} `{key}` it receives: {use}"
                more = f" and {len(handed) - 1} more" if len(handed) > 1 else ""
                if vendor is None:
                    severity = Severity.HIGH
                elif not github:
                    note = (f" (published by {vendor} itself: moving its tag takes a compromise of the vendor "
                            "the workflow already trusts, so medium)")
                note = f"; it receives a deploy credential ({kind} `{key}` via {where}{more})" + note
            yield CHECK.finding(
                node, "uses", resource=resource, severity=severity,
                message=f"{what} {action.raw!r}: {problem}{note}",
                evidence=evidence,
            )


def _action_file(action_file: ActionFile) -> Iterator[Finding]:
    """The steps of a composite action, at their line in the action file: GitHub's own actions
    low, others medium (what a caller hands them is judged at the caller's step)."""
    for index, node in action_file.step_nodes():
        action = parse_uses(node.get("uses"))
        if action is None:
            continue
        problem = _problem(action)
        if problem is None:
            continue
        github = action.github_owned
        name = node.get("name")
        label = f"step {index + 1}" + (f" ({name!r})" if isinstance(name, str) and not is_expression(name) else "")
        yield CHECK.finding(
            node, "uses", resource=f"{action_file.resource}/step/{index + 1}",
            severity=Severity.LOW if github else Severity.MEDIUM,
            message=f"{label} of composite action {action_file.path} uses {action.raw!r}: {problem}"
                    + (" (GitHub-owned action: lower risk)" if github else "")
                    + "; it runs in every job that uses this action",
            evidence=f"uses: {action.raw}",
        )
