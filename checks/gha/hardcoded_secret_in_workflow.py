"""GHA001: a secret written into the workflow instead of read from ``secrets``."""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..models.tokens import KNOWN_TOKENS
from ..api import Category, Check, Finding, Severity, redact
from ..models.workflow import Workflow, is_expression
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
        "fork. GitHub cannot mask it in logs because it does not know it is a secret."
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

#: well-known token formats: a value matching one is a credential whatever its key
TOKEN_PATTERNS = KNOWN_TOKENS

#: key names that hold a secret (matched on words of the upper-cased key)
_SECRET_KEY_RE = re.compile(
    r"(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRETS|TOKEN|API_?KEY|APIKEY|ACCESS_KEY|"
    r"SECRET_ACCESS_KEY|PRIVATE_KEY|CLIENT_SECRET|AUTH_TOKEN|CREDENTIALS?|WEBHOOK_URL)(?:$|_)"
)
#: ...unless the key names something about the secret rather than the secret itself
_NOT_SECRET_SUFFIX_RE = re.compile(
    r"_(?:FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|NAME|NAMES|ARN|ID|IDS|ENV|VAR|HEADER|TYPE|LENGTH|"
    r"TTL|EXPIRY|EXPIRES|AUDIENCE|REGION|USER|USERNAME|FORMAT|KIND|FIELD|LOCATION|PREFIX|VERSION|SCOPE|SCOPES|"
    r"ENABLED|REQUIRED|PARAM|PARAMETER|KEY_ID|MOUNT|REF|SOURCE|PROVIDER)$"
)
_PLACEHOLDER_WORDS = (
    "example", "changeme", "change-me", "change_me", "replaceme", "replace-me", "placeholder", "dummy",
    "fake", "sample", "redacted", "xxxx", "****", "<", "your-", "your_", "not-a-", "notasecret", "todo",
)
#: values used for throw-away test databases and local emulators
_TRIVIAL_VALUES = {
    "", "test", "tests", "testing", "password", "passwd", "secret", "postgres", "mysql", "root",
    "admin", "guest", "user", "pass", "example", "changeme", "localstack", "minioadmin", "none",
    "null", "true", "false", "yes", "no", "default", "unset", "disabled", "dev", "development",
    "local", "ci", "github", "foo", "bar", "foobar", "secret123", "password123", "pass123",
}


def token_kind(text: str) -> str | None:
    for label, pattern in TOKEN_PATTERNS:
        for match in pattern.finditer(text):
            if "EXAMPLE" in match.group(0).upper():
                continue  # AWS's documented example key (AKIAIOSFODNN7EXAMPLE) and friends
            return label
    return None


def secret_key(key: str) -> bool:
    norm = re.sub(r"[^A-Z0-9]+", "_", key.upper()).strip("_")
    return bool(_SECRET_KEY_RE.search(norm)) and not _NOT_SECRET_SUFFIX_RE.search(norm)


def literal_secret(value: Any) -> bool:
    """A literal that could be a real credential (not an expression, a path or a placeholder)."""
    if not isinstance(value, str):
        return False  # numbers and booleans are settings, not secrets
    text = value.strip()
    if len(text) < 6 or is_expression(text) or text.startswith("$") or text.isdigit():
        return False
    lower = text.lower()
    if lower in _TRIVIAL_VALUES or any(word in lower for word in _PLACEHOLDER_WORDS):
        return False
    if any(ch.isspace() for ch in text):
        return False  # prose, a command line
    if text.startswith(("/", "./", "../", "~/")) or re.match(r"^[A-Za-z]:\\", text):
        return False  # a path to a secret file
    if re.match(r"^[a-z][a-z0-9+.-]*://", lower) and not re.match(r"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@", lower):
        return False  # a URL without credentials in it
    if re.fullmatch(r"[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+", text):
        return False  # a host or domain name (`sts.amazonaws.com`)
    if len(text) <= 12 and re.fullmatch(r"[a-z]+(?:[-_][a-z]+)*", text):
        return False  # a short plain word or name (`keychain`, `gpg-agent`, `bearer`)
    return True


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
    text = value.strip()
    lower = text.lower()
    return bool(text) and not is_expression(text) and not any(word in lower for word in _PLACEHOLDER_WORDS)


@CHECK.on(Workflow)
def hardcoded_secret_in_workflow(wf: Workflow) -> Iterator[Finding]:
    seen: set[int] = set()
    for mapping, resource, kind in _mappings(wf):
        if id(mapping) in seen:
            continue  # one mapping reused through a YAML anchor is reported once
        seen.add(id(mapping))
        for key, value in mapping.items():
            if not isinstance(value, str):
                continue
            token = token_kind(value)
            if token is not None:
                what = token
            elif _registry_password(key, value, kind):
                what = "registry password"
            elif kind == "service" or not secret_key(str(key)) or not literal_secret(value):
                # a throw-away service container (a test database) is set up with
                # literal passwords by design; only real token formats count there
                continue
            else:
                what = "literal value"
            yield CHECK.finding(
                mapping, key, resource=resource,
                message=f"`{key}` holds a hard-coded {what}; read it from `${{{{ secrets.* }}}}` instead",
                evidence=f"{key}: {redact(value.strip())}",
            )
    for job in wf.jobs:
        for step in job.steps:
            if id(step.node) in seen:
                continue
            seen.add(id(step.node))
            kind = token_kind(step.run or "")
            if kind is not None:
                yield CHECK.finding(
                    step.node, "run", resource=step.resource,
                    message=f"{step.label} of {job.label} has a {kind} written into its script",
                    evidence=f"{kind} in run script (value not shown)",
                )
