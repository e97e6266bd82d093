"""ENV006: the same key assigned twice in one env file."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.envfile import EnvFile

CHECK = Check(
    code="ENV006",
    name="duplicate-env-key",
    title="Key assigned twice in one env file",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "When a key appears twice, loaders silently keep one of the values (the last for "
        "docker compose and dotenv, the first for some shells' `set -a` sourcing): someone "
        "editing the first line changes nothing, and different tools may read different values."
    ),
    remediation=(
        "Keep one assignment per key and delete the others.",
    ),
    effort="5m",
    references=("https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax",),
    peers=("dotenv-linter DuplicatedKey",),
)


@CHECK.on(EnvFile)
def duplicate_env_key(env: EnvFile) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for entry in env.entries:
        if entry.key in first:
            yield CHECK.finding(
                entry.pos, resource=f"env/{entry.key}",
                message=f"{entry.key} is assigned again (first at line {first[entry.key]}); only one value is used",
            )
        else:
            first[entry.key] = entry.line
