"""No check may crash on odd but parseable input.

Every YAML fixture is mutated deterministically (scalars become lists, maps, nulls,
numbers or booleans; lists and maps become scalars; keys disappear) and scanned; the
engine turns a crashing check into an error notice, so any notice is a bug.  Text
fixtures (Dockerfiles, scripts, env files) get line-level mutations.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures"
WEIRD = [None, 0, -1, 65536, True, False, "", "*", "latest", [], {}, [None], {"a": None}, ["x", 1], 1.5, "${X}"]


def yaml_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def text_fixtures() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and (
        p.suffix in (".sh", ".env", ".Dockerfile", ".dockerfile") or p.name in ("Dockerfile", ".env")))


def mutate(node, rng: random.Random, depth: int = 0):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            roll = rng.random()
            if roll < 0.08:
                continue  # drop the key
            if roll < 0.25:
                out[key] = rng.choice(WEIRD)
            else:
                out[key] = mutate(value, rng, depth + 1)
        return out
    if isinstance(node, list):
        if rng.random() < 0.1:
            return rng.choice(WEIRD)
        return [mutate(item, rng, depth + 1) for item in node]
    if rng.random() < 0.2:
        return rng.choice(WEIRD)
    return node


def run(root: Path) -> list[str]:
    engine = Engine(root)
    engine.scan()
    assert len(engine.findings) > 50, "the mutated fixtures should still be audited"
    return [n.message for n in engine.check_errors]


@pytest.mark.parametrize("seed", range(4))
def test_mutated_yaml_fixtures_crash_no_check(tmp_path, seed):
    rng = random.Random(seed)
    written = 0
    for index, source in enumerate(yaml_fixtures()):
        try:
            docs = list(yaml.safe_load_all(source.read_text()))
        except yaml.YAMLError:
            continue
        mutated = [mutate(doc, rng) for doc in docs]
        rel = source.relative_to(FIXTURES)
        # keep names that decide the kind (workflows, compose, kustomization)
        target = tmp_path / f"case{index}" / (rel.name if ".github" not in rel.parts else Path(*rel.parts[rel.parts.index(".github"):]))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump_all(mutated, sort_keys=False))
        written += 1
    assert written > 100
    assert run(tmp_path) == []


@pytest.mark.parametrize("seed", range(2))
def test_mutated_text_fixtures_crash_no_check(tmp_path, seed):
    rng = random.Random(seed)
    junk = ["\\", "'", '"', "$(", "${", "<<EOF", "#", "&&", "|", "=", "FROM", "USER", "RUN \\", "\t", "\x00"[:0] + "é", ""]
    for index, source in enumerate(text_fixtures()):
        lines = source.read_text(errors="replace").splitlines()
        for _ in range(3):
            if lines:
                at = rng.randrange(len(lines))
                lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)] + rng.choice(junk)
        target = tmp_path / f"case{index}" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n")
    assert run(tmp_path) == []
