"""What several env checks ask alike (a check never imports another check)."""

from __future__ import annotations

from collections import defaultdict

from ..facts import RepoIndex
from ..models.base import Fact
from ..models.compose import Reach
from ..models.envfile import example_base, is_example_name
from ..models.topics import COMPOSE_SERVICE, ENV_KEY, EnvKeyData


def _reach_table(index: RepoIndex) -> dict[tuple[str, str], list[tuple[Reach, str]]]:
    out: dict[tuple[str, str], list[tuple[Reach, str]]] = {}
    for path, fact in index.facts(COMPOSE_SERVICE):
        for env_path, key, exposed, *more in fact.data.env_reach or ():
            reach = Reach(exposed, *more) if more else Reach.plain(exposed)
            out.setdefault((env_path, key), []).append((reach, f"{path} service {fact.key!r}"))
    return out


def compose_users(index: RepoIndex, path: str, key: str) -> list[tuple[Reach, str]]:
    """[(reach, "compose-file service 'name'")] for each compose service that loads ``key`` from
    the env file ``path`` (``env_file:`` or ``.env`` interpolation), with what the value opens
    there (models/compose.py ``credential_reach``)."""
    return index.derived("env:compose-reach", (COMPOSE_SERVICE,), _reach_table).get((path, key), [])


def env_files(index: RepoIndex) -> dict[str, dict[str, dict[str, Fact[EnvKeyData]]]]:
    """directory -> file name -> {KEY: fact} for every env file with keys."""
    out: dict[str, dict[str, dict[str, Fact[EnvKeyData]]]] = defaultdict(lambda: defaultdict(dict))
    for path, fact in index.facts(ENV_KEY):
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
    out: list[tuple[str, str]] = []
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
