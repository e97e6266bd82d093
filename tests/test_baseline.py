"""Baselines: only new findings are reported, fixed ones are counted, by fingerprint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditui.checks import baseline
from auditui.checks.engine import Engine
from auditui.cli import main

POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: prod}}
spec:
  containers:
    - name: c
      image: registry.example.com/app:1.0.0
      imagePullPolicy: Never
"""


from helpers import write  # noqa: E402


def scan_json(capsys, root: Path, *extra: str) -> tuple[int, dict, str]:
    code = main(["scan", str(root), "--format", "json", "--select", "K8S020", *extra])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_new_known_and_fixed(tmp_path, capsys):
    root = tmp_path / "repo"
    write(root, "a.yaml", POD.format(name="a"))
    write(root, "b.yaml", POD.format(name="b"))
    base = tmp_path / "baseline.json"
    code, _, err = scan_json(capsys, root, "--baseline", str(base), "--update-baseline")
    assert code == 0  # everything is in the freshly written baseline
    assert "2 known, 0 fixed (baseline updated)" in err
    stored = json.loads(base.read_text())
    assert stored["version"] == 1 and len(stored["findings"]) == 2

    # edit above the finding (fingerprints do not use line numbers), fix b, add c
    write(root, "a.yaml", "# a comment that moves every line down\n" + POD.format(name="a"))
    (root / "b.yaml").unlink()
    write(root, "c.yaml", POD.format(name="c"))
    code, data, err = scan_json(capsys, root, "--baseline", str(base))
    assert code == 1
    assert [(r["path"], r["line"]) for r in data["findings"]] == [("c.yaml", 8)]
    assert data["summary"]["baseline"] == {"path": str(base), "new": 1, "known": 1, "fixed": 1}
    assert data["summary"]["findings"] == 1
    assert "1 new, 1 known, 1 fixed" in err


def test_text_output_mentions_the_baseline(tmp_path, capsys):
    root = tmp_path / "repo"
    write(root, "a.yaml", POD.format(name="a"))
    base = tmp_path / "b.json"
    main(["scan", str(root), "--select", "K8S020", "--baseline", str(base), "--update-baseline"])
    out = capsys.readouterr().out
    assert "0 findings" in out and f"baseline {base}: 0 new, 1 known, 0 fixed (baseline updated)" in out


def test_compare_is_by_fingerprint(tmp_path):
    root = tmp_path / "repo"
    write(root, "a.yaml", POD.format(name="a"))
    engine = Engine(root)
    findings = engine.scan()
    entries = {findings[0].fingerprint: {"fingerprint": findings[0].fingerprint}, "gone": {"fingerprint": "gone"}}
    result = baseline.compare(findings, baseline.Baseline("b.json", entries))
    assert result.known == [findings[0]]
    assert result.new == findings[1:]
    assert result.fixed == [{"fingerprint": "gone"}]


@pytest.mark.parametrize(("content", "message"), [
    (None, "does not exist (create it with --update-baseline)"),
    ("{not json", "is not JSON"),
    ('{"version": 1}', "is not an auditui JSON result (no 'findings' list)"),
    ('{"version": 7, "findings": []}', "has unsupported version 7 (expected 1)"),
    ('{"version": 1, "findings": [{"path": "x"}]}', "finding #1 has no fingerprint"),
])
def test_bad_baselines_are_one_line_errors(tmp_path, capsys, content, message):
    root = tmp_path / "repo"
    write(root, "a.yaml", POD.format(name="a"))
    base = tmp_path / "baseline.json"
    if content is not None:
        base.write_text(content)
    with pytest.raises(baseline.BaselineError, match=re.escape(message)):
        baseline.load(base)
    assert main(["scan", str(root), "--baseline", str(base)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
