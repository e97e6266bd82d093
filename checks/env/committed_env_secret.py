"""ENV004: a real secret committed in an env file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.compose import Reach, combine_reach
from ..models.secrets import SecretVerdict
from ..models.topics import ENV_KEY
from .shared import compose_users

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
        "empty values, `disabled`) are not reported, except a placeholder that a service of the project "
        "checks (a runner token beside the broker URL it is presented to): left in place it is the "
        "credential every install shares, reported as 'replace before deploy' (high when the port it "
        "guards is published, low when it is not); a token or a random-looking value is "
        "critical, a weak or well-known default (`postgres`, `changeme`) used as the real value "
        "medium; in test/CI/development env files only well-known token formats are. A password "
        "follows what it opens, as in compose files: when a compose service loads the file "
        "(`env_file:`, or `.env` interpolated into its `environment:`), a random-looking password of "
        "a data store that publishes no port beyond the host is medium, one published on every "
        "interface critical; random signing and encryption keys stay critical wherever they are deployed. "
        "A credential follows the port it guards where the compose file names it (the broker URI of "
        "its component), not any port its service publishes."
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


@CHECK.on_each(ENV_KEY)
def committed_env_secret(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not fact.data.secrets:
        return  # example files keep no secrets (the secret-in-example check reads them)
    name = path.rsplit("/", 1)[-1]
    # committed on purpose for tests and local development: only well-known token shapes count there
    throwaway = bool(set(re.split(r"[._\-]+", name.lower())) & _THROWAWAY)
    users = compose_users(index, path, fact.key)
    # name a deployed compose file first, not a test or development one
    users = sorted(users, key=lambda user: (bool(set(re.split(r"[/._\-]+", user[1].split(" service ")[0].lower()))
                                                 & _THROWAWAY), user[1]))
    reach_of = combine_reach(reach for reach, _ in users) if users else Reach(None)
    exposed = reach_of.exposed
    for line, end_line, kind, purpose, phrase, evidence, *label in fact.data.secrets:
        if throwaway and kind != "token":
            continue
        if kind == "placeholder":
            # a placeholder is a working credential only where a service of the project checks it
            if not any(reach.guards for reach, _ in users):
                continue
            kind = "weak"
        verdict = SecretVerdict(kind, label[0] if label else "", purpose=purpose)
        reach = ""
        if users and (kind == "weak" or purpose == "password"):
            reach = reach_of.note
            if reach:
                more = f" and {len(users) - 1} more" if len(users) > 1 else ""
                reach += f" (loaded by {users[0][1]}{more})"
        yield CHECK.finding(
            Pos(line, end_line, ("env", fact.key), path=path), resource=f"env/{fact.key}",
            severity=verdict.severity(exposed=exposed),
            message=f"{fact.key} in {name} holds {phrase}{reach}",
            evidence=evidence,
        )
