"""GHA011: the deprecated set-env/add-path workflow commands are switched back on."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow

CHECK = Check(
    code="GHA011",
    name="insecure-commands-enabled",
    title="Deprecated set-env/add-path commands re-enabled",
    severity=Severity.HIGH,
    category=Category.CICD,
    rationale=(
        "`ACTIONS_ALLOW_UNSECURE_COMMANDS: true` turns the `::set-env::` and `::add-path::` "
        "log commands back on. GitHub disabled them in 2020 because any text a step prints "
        "- a test name, a file from a pull request, an API response - can then set "
        "environment variables such as `LD_PRELOAD` or `NODE_OPTIONS`, or prepend a "
        "directory to PATH, and so run code in every later step of the job."
    ),
    remediation=(
        "Remove `ACTIONS_ALLOW_UNSECURE_COMMANDS` from the workflow.",
        "Write variables with `echo \"NAME=value\" >> \"$GITHUB_ENV\"` and paths with `>> \"$GITHUB_PATH\"`.",
        "Update actions that still need the old commands (they are unmaintained if they do).",
    ),
    effort="30m",
    references=(
        "https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/",
        "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#environment-files",
    ),
    peers=("zizmor insecure-commands", "checkov CKV_GHA_1"),
)


def _enabled(value) -> bool:
    if value is True:
        return True
    return isinstance(value, str) and value.strip().strip("'\"").lower() in ("true", "1", "yes")


@CHECK.on(Workflow)
def insecure_commands_enabled(wf: Workflow) -> Iterator[Finding]:
    scopes = [(wf.env, wf.resource)]
    for job in wf.jobs:
        scopes.append((job.env, job.resource))
        if job.container is not None:
            scopes.append((job.container.map("env"), job.resource))
        scopes.extend((step.env, step.resource) for step in job.steps)
    seen: set[int] = set()
    for env, resource in scopes:
        if id(env) in seen:
            continue
        seen.add(id(env))
        for key, value in env.items():
            if str(key).strip().upper() == "ACTIONS_ALLOW_UNSECURE_COMMANDS" and _enabled(value):
                yield CHECK.finding(
                    env, key, resource=resource,
                    message="`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables the set-env and add-path commands",
                    evidence=f"{key}: {str(value).lower() if isinstance(value, bool) else value}",
                )
