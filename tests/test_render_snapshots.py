"""How findings read: the plain-text scan output and `auditui explain`, as snapshots.

Review a snapshot diff before updating it (`pytest --snapshot-update`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from auditui.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def run(capsys, *argv: str) -> str:
    main(list(argv))
    return capsys.readouterr().out


def test_scan_text_output(tmp_path, capsys, snapshot):
    for name in ("docker-socket-mount", "secret-in-environment"):
        shutil.copy(FIXTURES / "compose" / name / "bad.yaml", tmp_path / f"{name}.yaml")
    out = run(capsys, "scan", str(tmp_path), "--select", "CMP001,CMP013", "--no-progress")
    # the timing at the end varies: keep everything before it
    assert out.rsplit(",", 1)[0] == snapshot


def test_explain_output(capsys, snapshot):
    assert run(capsys, "explain", "docker-socket-mount") == snapshot
    assert run(capsys, "explain", "K8S002") == snapshot
