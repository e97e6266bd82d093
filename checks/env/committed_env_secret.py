"""ENV004: a real secret committed in an env file."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.envfile import EnvFile
from ..models.secrets import classify

CHECK = Check(
    code="ENV004",
    name="committed-env-secret",
    title="Real secret committed in an env file",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "An env file in the repository with a real password, API key or token gives it to "
        "everyone who can read the repository, every fork and CI cache, and keeps it in git "
        "history after the file is deleted. Placeholders (`<...>`, `your-key-here`, `${VAR}`, "
        "empty values, `disabled`) are not reported; a token or a random-looking value is "
        "critical, a weak or well-known default (`postgres`, `changeme`) used as the real value "
        "medium; in test/CI/development env files only well-known token formats are."
    ),
    remediation=(
        "Rotate the secret now: it must be treated as leaked.",
        "Remove the file from the repository, add it to .gitignore, and commit an example file with placeholders.",
        "Load real values from a secret manager or the deployment platform's secret store.",
        "Purge it from git history if the repository is or may become public.",
    ),
    effort="2h",
    references=(
        "https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning",
        "https://12factor.net/config",
    ),
    peers=("gitleaks generic-api-key", "detect-secrets KeywordDetector"),
)


_THROWAWAY = {"test", "testing", "ci", "dev", "development", "e2e", "fixture", "fixtures"}


@CHECK.on(EnvFile)
def committed_env_secret(env: EnvFile) -> Iterator[Finding]:
    if env.example:
        return
    # committed on purpose for tests and local development: only well-known token shapes count there
    throwaway = bool(set(re.split(r"[._\-]+", env.name.lower())) & _THROWAWAY)
    for entry in env.entries:
        # a single-quoted value is read as written: no ${VAR} or $(cmd) in it
        verdict = classify(entry.key, entry.value, where="env", interpolate=entry.quoted != "'")
        if not verdict.is_secret or (throwaway and verdict.kind != "token"):
            continue
        yield CHECK.finding(
            entry.pos, resource=f"env/{entry.key}", severity=verdict.severity(),
            message=f"{entry.key} in {env.name} holds {verdict.describe()}",
            evidence=verdict.evidence(entry.key),
        )
