"""ENV001: a key set in an env file that its example file does not document."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from .shared import env_files, pairs

CHECK = Check(
    code="ENV001",
    name="env-key-missing-from-example",
    title="Env file sets a key its example file does not document",
    severity=Severity.MEDIUM,
    category=Category.CONFIGURATION,
    rationale=(
        "The example file (`.env.example`) is how a new environment learns which variables "
        "to set. A key that exists in the real `.env` but not in the example is tribal "
        "knowledge: the next server, teammate or disaster-recovery rebuild starts without it, "
        "and the app fails at start-up or, worse, runs with a silent default."
    ),
    remediation=(
        "Add the key to the example file with a placeholder value and a one-line comment.",
        "If the key is obsolete, remove it from the env file and from the code that reads it.",
    ),
    effort="15m",
    references=("https://12factor.net/config",),
    peers=("dotenv-linter compare",),
)


@CHECK.on_repo
def env_key_missing_from_example(index: RepoIndex) -> Iterator[Finding]:
    for directory, files in env_files(index).items():
        for env_name, example_name in pairs(files):
            documented = files[example_name]
            path = f"{directory}/{env_name}" if directory else env_name
            for key, fact in files[env_name].items():
                if key in documented:
                    continue
                yield CHECK.finding(
                    Pos(fact.line, fact.line, fact.ypath, path=path),
                    resource=f"env/{key}",
                    message=f"{key} is set in {env_name} but not documented in {example_name}",
                )
