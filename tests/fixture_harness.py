"""Fixture markers: ``# expect: CODE[, CODE]`` on the line a finding must point at.

Forms understood in any file we read (all allow ``#`` comments):

* ``# expect: K8S020`` - a finding of K8S020 at this line of this file;
* ``# expect-file: ENV001`` - a finding of ENV001 in this file with no line;
* ``# expect-repo: REPO001`` - a repository-level finding (path ``.``).

A fixture is a single file (copied into an empty repository under its own name)
or a directory (scanned as a repository).  Markers are compared exactly with the
findings of every code they mention plus the check under test.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

from auditui.checks.config import Config
from auditui.checks.engine import Engine

MARKER_RE = re.compile(r"#\s*expect(-file|-repo)?:\s*([A-Z][A-Z0-9]*[0-9]{3}(?:\s*,\s*[A-Z][A-Z0-9]*[0-9]{3})*)")


def expected_markers(root: Path) -> Counter:
    expected: Counter = Counter()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            for match in MARKER_RE.finditer(line):
                form = match.group(1)
                for code in re.split(r"\s*,\s*", match.group(2)):
                    if form == "-repo":
                        expected[(code, ".", None)] += 1
                    elif form == "-file":
                        expected[(code, rel, None)] += 1
                    else:
                        expected[(code, rel, number)] += 1
    return expected


def scan_fixture(fixture: Path, tmp_path: Path) -> tuple[Path, Engine]:
    if fixture.is_dir():
        root = fixture
    else:
        root = tmp_path / "repo"
        root.mkdir()
        shutil.copy2(fixture, root / fixture.name)
    # every item on its own, as the markers list them (the default `regular` persona rolls
    # hardening items up and hides information-only findings; see tests/test_persona.py)
    engine = Engine(root, Config(persona="pedantic"))
    engine.scan()
    return root, engine


def actual_markers(engine: Engine, codes: set[str]) -> Counter:
    actual: Counter = Counter()
    for finding in engine.findings:
        if finding.code in codes:
            # a repeated problem is one finding; its markers sit on each line it occurs
            for line in [line for line, _ in finding.occurrences] or [finding.line]:
                actual[(finding.code, finding.path, line)] += 1
    return actual
