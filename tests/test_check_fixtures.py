"""Every check flags exactly what its bad fixtures mark and nothing in its good ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks import registry
from fixture_harness import actual_markers, expected_markers, scan_fixture

FIXTURES = Path(__file__).parent / "fixtures"


def _cases(prefix: str):
    for check in registry.ALL_CHECKS:
        folder = FIXTURES / registry.domain_of(check) / check.name
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(prefix):
                yield pytest.param(check, entry, id=f"{check.code}-{check.name}/{entry.name}")


@pytest.mark.parametrize(("check", "fixture"), list(_cases("bad")))
def test_bad_fixture_flags_exactly_the_marked_lines(check, fixture, tmp_path):
    root, engine = scan_fixture(fixture, tmp_path)
    assert engine.check_errors == [], "a check raised on this fixture"
    expected = expected_markers(root)
    assert any(code == check.code for code, _, _ in expected), f"{fixture} marks no {check.code} finding"
    codes = {code for code, _, _ in expected} | {check.code}
    actual = actual_markers(engine, codes)
    assert actual == expected, (
        f"missing: {sorted((expected - actual).elements(), key=str)}\n"
        f"unexpected: {sorted((actual - expected).elements(), key=str)}"
    )


@pytest.mark.parametrize(("check", "fixture"), list(_cases("good")))
def test_good_fixture_is_left_alone(check, fixture, tmp_path):
    _, engine = scan_fixture(fixture, tmp_path)
    # a check that raised would also "find nothing": quiet must mean judged and passed
    assert engine.check_errors == [], "a check raised on this fixture"
    hits = [f"{f.location}: {f.message}" for f in engine.findings if f.code == check.code]
    assert hits == []


@pytest.mark.parametrize("check", [c for c in registry.ALL_CHECKS if c.func is not None], ids=lambda c: c.code)
def test_every_check_has_a_bad_and_a_good_fixture(check):
    folder = FIXTURES / registry.domain_of(check) / check.name
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    assert any(n.startswith("bad") for n in names), f"no bad fixture in {folder}"
    assert any(n.startswith("good") for n in names), f"no good fixture in {folder}"
