"""The detail pane's source snippet: lines as the engine numbers them, read safely."""

from __future__ import annotations

import os
from pathlib import Path

from auditui.checks.api import Pos
from auditui.checks.compose.docker_socket_mount import CHECK
from auditui.widgets.detail import read_context


def finding_at(path: str, line: int):
    return CHECK.finding(Pos(line, line, ("services", "x")), resource="service/x", message="m").seal(path)


def test_odd_line_breaks_do_not_shift_the_snippet(tmp_path: Path):
    # a form feed, U+2028, a lone CR and FS are one line to git, the engine and a reviewer;
    # str.splitlines() breaks at each and would show the wrong lines beside the finding
    lines = ["a: 1\x0c", "b: 2 \u2028 still b", "c: 3\r still c", "d: 4\x1c", "target: 5", "f: 6", "g: 7"]
    (tmp_path / "x.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    snippet, first = read_context(tmp_path, finding_at("x.yaml", 5))
    shown = snippet.split("\n")
    assert first == 2
    assert shown[5 - first].startswith("target: 5")
    assert len(shown) == 6  # lines 2-7: the file's last line, and no empty line after it
    assert shown[-1] == "g: 7"


def test_files_that_are_not_regular_or_lead_out_give_no_snippet(tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n" * 10)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.yaml").symlink_to(outside)
    os.mkfifo(root / "pipe.yaml")
    assert read_context(root, finding_at("link.yaml", 2)) is None
    assert read_context(root, finding_at("pipe.yaml", 2)) is None  # never blocks on a FIFO
    assert read_context(root, finding_at("gone.yaml", 2)) is None
