"""One problem, one finding: repeated findings of a check in one file are folded (api.fold_repeats)."""

from __future__ import annotations

from auditui.checks.api import Category, Check, Pos, Severity, fold_repeats
from auditui.checks.engine import Engine

SCRIPT = "#!/bin/bash\nset -euo pipefail\n" + "".join(
    f"curl -k https://dockerapi.internal/containers/{i}/json | jq .\n" for i in range(16)
) + "".join(f"ssh -o StrictHostKeyChecking=no deploy@host{i} uptime\n" for i in range(8)) + (
    "wget --no-check-certificate https://mirror.internal/a.tgz\n"
)


def _scan(tmp_path, text):
    (tmp_path / "ops").mkdir(exist_ok=True)
    (tmp_path / "ops" / "watch.sh").write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    return {code: [f for f in engine.findings if f.code == code] for code in ("SH013", "SH015")}


def test_the_same_pattern_repeated_in_a_file_is_one_finding_listing_its_lines(tmp_path):
    found = _scan(tmp_path, SCRIPT)
    curl = [f for f in found["SH015"] if "curl" in f.message]
    assert len(curl) == 1 and len(found["SH013"]) == 1
    assert [line for line, _ in curl[0].occurrences] == list(range(3, 19))
    assert "16 times in this file: lines 3, 4, 5, 6, 7, 8, 9, 10 and 8 more" in curl[0].message
    assert curl[0].line == 3 and len(found["SH013"][0].occurrences) == 8
    # a different spelling of the problem is a different finding
    assert [f.message.split("`")[1] for f in found["SH015"]] == ["curl -k", "wget --no-check-certificate"]


def test_the_fingerprint_survives_occurrences_added_removed_and_moved(tmp_path):
    before = {f.fingerprint for fs in _scan(tmp_path, SCRIPT).values() for f in fs}
    lines = SCRIPT.splitlines(keepends=True)
    edited = lines[:2] + ["echo start\n"] + lines[3:10] + lines[2:3] + lines[10:] + [lines[5]]
    after = {f.fingerprint for fs in _scan(tmp_path, "".join(edited)).values() for f in fs}
    assert before == after


def test_findings_without_a_key_pass_through_and_a_single_occurrence_lists_none():
    check = Check(code="XXX001", name="x", title="x", severity=Severity.LOW, category=Category.AUDIT,
                  rationale="x", remediation=("x",))
    plain = check.finding(Pos(1, 1, ("a",)), message="plain")
    once = check.finding(Pos(4, 4, ("b",)), message="once", repeats=("k",))
    folded = fold_repeats([plain, once])
    # findings are values: the folded one is a new value, the plain one passes through as it is
    assert folded[0] is plain and len(folded) == 2
    once = folded[1]
    assert once.occurrences == () and once.ypath == ("repeated", "k")
    assert once.message == "once"
