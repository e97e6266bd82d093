"""GHA001: a secret written into the workflow instead of read from ``secrets``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..api import Category, Check, Finding, Severity
from ..models.secrets import classify, classify_value, is_secret_name, token_kind
from ..models.workflow import Workflow
from ..models.yamlnodes import YMap

CHECK = Check(
    code="GHA001",
    name="hardcoded-secret-in-workflow",
    title="Secret hard-coded in a workflow",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written into a workflow is readable by everyone who can "
        "read the repository, stays in its git history forever, and is copied into every "
        "fork. GitHub cannot mask it in logs because it does not know it is a secret. A token or "
        "a random-looking key is critical (a password high); a weak or well-known default is "
        "medium, and is left alone in jobs that run service containers (their throw-away test "
        "databases); in a test environment (`NODE_ENV: test`) only provider tokens count."
    ),
    remediation=(
        "Revoke the credential now: treat it as leaked, whatever the repository's visibility.",
        "Store the new value as a repository, environment or organisation secret.",
        "Reference it as `${{ secrets.NAME }}` (non-secret settings as `${{ vars.NAME }}`).",
        "Purge the old value from history only after revoking it; rewriting history does not un-leak it.",
    ),
    effort="1h",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions",
        "https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns",
    ),
    peers=("zizmor hardcoded-container-credentials", "checkov CKV_SECRET_*"),
)

def _mappings(wf: Workflow) -> Iterator[tuple[YMap, str, str]]:
    """(mapping, resource, kind) for every env/with/secrets/credentials mapping.

    ``kind`` is ``service`` for the environment of a throw-away container (a test
    database), ``credentials`` for a container's registry login, ``""`` otherwise.
    """
    yield wf.env, wf.resource, ""
    for job in wf.jobs:
        yield job.env, job.resource, ""
        yield job.with_, job.resource, ""
        if isinstance(job.secrets, YMap):
            yield job.secrets, job.resource, ""
        container = job.container
        if container is not None:
            yield container.map("credentials"), job.resource, "credentials"
            yield container.map("env"), job.resource, "service"
        for name, service in job.services:
            yield service.map("credentials"), f"{job.resource}/service/{name}", "credentials"
            yield service.map("env"), f"{job.resource}/service/{name}", "service"
        for step in job.steps:
            yield step.env, step.resource, ""
            yield step.with_, step.resource, ""


def _registry_password(key: Any, value: str, kind: str) -> bool:
    """A literal registry password: whatever it looks like, it logs in to a registry."""
    if kind != "credentials" or str(key).strip().lower() != "password":
        return False
    return classify_value(value).is_secret


def _has_services(wf: Workflow, resource: str) -> bool:
    """Does the job owning this mapping start a throw-away database: a service container (or
    the job container) whose own env sets a password?"""
    for job in wf.jobs:
        if resource == job.resource or resource.startswith(job.resource + "/"):
            containers = [service for _, service in job.services]
            if job.container is not None:
                containers.append(job.container)
            return any(is_secret_name(str(key)) for c in containers for key in c.map("env"))
    return False


_ENV_NAMES = ("NODE_ENV", "RAILS_ENV", "RACK_ENV", "APP_ENV", "FLASK_ENV", "DJANGO_ENV", "MIX_ENV", "ENVIRONMENT",
              "ENV", "APP_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT", "GO_ENV")
_TEST_ENVS = ("test", "testing", "ci")


def _test_environment(wf: Workflow, mapping, resource: str) -> bool:
    """The env that applies here says the app runs its tests (NODE_ENV: test): the secrets
    it sets belong to throw-away test systems (a test database, a test signing key)."""
    envs = [wf.env]
    for job in wf.jobs:
        if resource == job.resource or resource.startswith(job.resource + "/"):
            envs.append(job.env)
    envs.append(mapping)
    return any(str(env.get(name) or "").strip().lower() in _TEST_ENVS for env in envs if env is not None
               for name in _ENV_NAMES)


@CHECK.on(Workflow)
def hardcoded_secret_in_workflow(wf: Workflow) -> Iterator[Finding]:
    seen: set[int] = set()
    for mapping, resource, kind in _mappings(wf):
        if id(mapping) in seen:
            continue  # one mapping reused through a YAML anchor is reported once
        seen.add(id(mapping))
        for key, value in mapping.items():
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                continue
            verdict = classify(str(key), value, where="workflow")
            if verdict.kind != "token" and _registry_password(key, str(value), kind):
                verdict = classify_value(str(value))
                what = "registry password"
            elif not verdict.is_secret or (kind == "service" and verdict.kind != "token"):
                # a throw-away service container (a test database) is set up with
                # literal passwords by design; only real token formats count there
                continue
            elif verdict.kind == "weak" and _has_services(wf, resource):
                continue  # the job's env configures its own throw-away service containers
            elif verdict.kind != "token" and _test_environment(wf, mapping, resource):
                continue  # NODE_ENV: test: only a real provider token is a leak there
            else:
                what = verdict.describe()
            yield CHECK.finding(
                mapping, key, resource=resource, severity=verdict.severity(),
                message=f"`{key}` holds {what if what.startswith(('a ', 'the ')) else 'a hard-coded ' + what}; "
                        f"read it from `${{{{ secrets.* }}}}` instead",
                evidence=verdict.evidence(str(key)),
            )
    for job in wf.jobs:
        for step in job.steps:
            if id(step.node) in seen:
                continue
            seen.add(id(step.node))
            token = token_kind(step.run or "", identifiers=False)
            if token is not None:
                yield CHECK.finding(
                    step.node, "run", resource=step.resource,
                    message=f"{step.label} of {job.label} has a {token} written into its script",
                    evidence=f"{token} in run script (value not shown)",
                )
