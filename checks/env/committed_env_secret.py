"""ENV004: a real secret committed in an env file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.secrets import SecretVerdict
from ..models.topics import COMPOSE_SERVICE, ENV_KEY

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
        "medium; in test/CI/development env files only well-known token formats are. A password "
        "follows what it opens, as in compose files: when a compose service loads the file "
        "(`env_file:`, or `.env` interpolated into its `environment:`), a random-looking password of "
        "a data store that publishes no port beyond the host is medium, one published on every "
        "interface critical; signing and encryption keys stay critical wherever they are deployed."
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


def _reach_table(index: RepoIndex) -> dict[tuple[str, str], list[tuple[bool | None, str]]]:
    """(env file, KEY) -> [(exposed, "compose-file service 'name'")] for each compose service
    that loads the key from that file (``env_file:`` or ``.env`` interpolation)."""
    out: dict[tuple[str, str], list[tuple[bool | None, str]]] = {}
    for path, fact in index.facts(COMPOSE_SERVICE):
        for env_path, key, exposed in fact.data.env_reach or ():
            out.setdefault((env_path, key), []).append((exposed, f"{path} service {fact.key!r}"))
    return out


_REACH = {
    True: "; what it opens is published beyond this host",
    False: "; what it opens publishes no port beyond this host",
}


@CHECK.on_each(ENV_KEY)
def committed_env_secret(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not fact.data.secrets:
        return  # example files keep no secrets (the secret-in-example check reads them)
    name = path.rsplit("/", 1)[-1]
    # committed on purpose for tests and local development: only well-known token shapes count there
    throwaway = bool(set(re.split(r"[._\-]+", name.lower())) & _THROWAWAY)
    users = index.derived("env:compose-reach", (COMPOSE_SERVICE,), _reach_table).get((path, fact.key), [])
    # name a deployed compose file first, not a test or development one
    users = sorted(users, key=lambda user: (bool(set(re.split(r"[/._\-]+", user[1].split(" service ")[0].lower()))
                                                 & _THROWAWAY), user[1]))
    reaches = [exposed for exposed, _ in users]
    exposed = (True if True in reaches else (None if None in reaches else False)) if users else None
    for line, end_line, kind, purpose, phrase, evidence in fact.data.secrets:
        if throwaway and kind != "token":
            continue
        verdict = SecretVerdict(kind, purpose=purpose)
        reach = ""
        if users and (kind == "weak" or purpose == "password"):
            reach = _REACH.get(exposed, "")  # type: ignore[arg-type]
            if reach:
                more = f" and {len(users) - 1} more" if len(users) > 1 else ""
                reach += f" (loaded by {users[0][1]}{more})"
        yield CHECK.finding(
            Pos(line, end_line, ("env", fact.key), path=path), resource=f"env/{fact.key}",
            severity=verdict.severity(exposed=exposed),
            message=f"{fact.key} in {name} holds {phrase}{reach}",
            evidence=evidence,
        )
