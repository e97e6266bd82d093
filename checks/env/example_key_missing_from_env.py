"""ENV002: a key the example documents that the env file does not set."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.envfile import example_base
from .shared import env_files, pairs

CHECK = Check(
    code="ENV002",
    name="example-key-missing-from-env",
    title="Env file lacks a key its example file documents",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "The example says the application reads this variable, but the env file next to it "
        "does not set it: either the environment is running on a default nobody chose (an "
        "empty SMTP host, debug settings), or the example lists a variable the app no longer "
        "uses and misleads whoever sets up the next environment."
    ),
    remediation=(
        "Set the key in the env file (or in the environment that loads it).",
        "If the application no longer reads it, remove it from the example.",
    ),
    effort="15m",
    references=("https://12factor.net/config",),
    peers=("dotenv-linter compare",),
)


@CHECK.on_repo
def example_key_missing_from_env(index: RepoIndex) -> Iterator[Finding]:
    for directory, files in env_files(index).items():
        for env_name, example_name in pairs(files):
            if example_base(example_name) != env_name:
                continue  # a shared example only documents its own file, not every stage's
            present = files[env_name]
            path = f"{directory}/{example_name}" if directory else example_name
            for key, fact in files[example_name].items():
                if key in present or fact.data.commented:
                    continue  # set, or documented as optional (`# KEY=` in the example)
                yield CHECK.finding(
                    Pos(fact.line, fact.line, fact.ypath, path=path),
                    resource=f"env/{key}",
                    symbol=(env_name,),
                    message=f"{key} is documented in {example_name} but not set in {env_name}",
                )
