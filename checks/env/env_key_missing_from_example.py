"""ENV001: a key set in an env file that its example file does not document."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.envfile import example_base, is_example_name

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


def env_files(index: RepoIndex) -> dict[str, dict[str, dict[str, object]]]:
    """directory -> file name -> {KEY: fact} for every env file with keys."""
    out: dict[str, dict[str, dict[str, object]]] = defaultdict(lambda: defaultdict(dict))
    for path, fact in index.facts("env:key"):
        directory, _, name = path.rpartition("/")
        out[directory][name].setdefault(fact.key, fact)
    return out


def pairs(files: dict[str, dict]) -> list[tuple[str, str]]:
    """(env file, example file) pairs of one directory.

    An example documents the file its name comes from (``.env.example`` -> ``.env``,
    ``prod.env.sample`` -> ``prod.env``); production/staging files without their own
    example are compared with the directory's ``.env`` example.
    """
    examples = {name: example_base(name) for name in files if is_example_name(name)}
    out = []
    for name in files:
        if name in examples:
            continue
        own = [ex for ex, base in examples.items() if base == name]
        if own:
            out.extend((name, ex) for ex in own[:1])
        elif name.lower() in (".env.production", ".env.prod", ".env.staging", ".env.stage", "production.env", "prod.env", "staging.env"):
            generic = [ex for ex, base in examples.items() if base == ".env"]
            out.extend((name, ex) for ex in generic[:1])
    return out


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
