"""Odd text in a repository: line breaks readers disagree on, UTF-16 manifests, non-UTF-8 names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditui.checks.discovery import decode
from auditui.cli import main

from helpers import POD

#: characters some readers count as a line break (PyYAML: NEL, LS, PS; str.splitlines: also
#: VT, FF, FS, GS, RS and a lone CR) while git, editors and code scanning count only LF
ODD_BREAKS = {"cr": "\r", "vt": "\x0b", "ff": "\x0c", "fs": "\x1c", "gs": "\x1d", "rs": "\x1e",
              "nel": "\x85", "ls": "\u2028", "ps": "\u2029"}


def _lines(path: Path) -> int:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _scan(capsys, root: Path) -> dict:
    main(["scan", str(root), "--format", "json", "--fail-on", "none"])
    return json.loads(capsys.readouterr().out)


def test_no_reader_numbers_a_line_past_the_end_of_the_file(tmp_path, capsys):
    for name, sep in ODD_BREAKS.items():
        pad = ("# pad" + sep) * 20 + "\n"
        (tmp_path / f"{name}.yaml").write_text(pad + POD.replace("imagePullPolicy: Never", "securityContext: {privileged: true}"))
        (tmp_path / f"{name}.Dockerfile").write_text(pad + "FROM ubuntu:latest\nRUN curl http://x | sh\n")
        (tmp_path / f"{name}.sh").write_text("#!/bin/bash\n" + pad + "curl http://example.com/i.sh | bash\n")
        (tmp_path / f"{name}.env").write_text(pad + "DB_PASSWORD=hunter2-but-longer-9f8e7d\n")
    data = _scan(capsys, tmp_path)
    located = [f for f in data["findings"] if f["path"] != "." and f["line"]]
    assert {f["path"].rsplit(".", 1)[1] for f in located} >= {"yaml", "Dockerfile", "sh", "env"}
    past = [(f["path"], f["check_id"], f["line"], f["end_line"]) for f in located
            if max(f["line"], f["end_line"] or 0) > _lines(tmp_path / f["path"])]
    assert past == []


def test_a_finding_points_at_its_own_line_whatever_the_breaks_above(tmp_path, capsys):
    for name, sep in ODD_BREAKS.items():
        (tmp_path / f"{name}.Dockerfile").write_text(f"# a{sep}b{sep}c\nFROM ubuntu:latest\n")
    data = _scan(capsys, tmp_path)
    lines = {f["path"]: f["line"] for f in data["findings"] if f["check_id"] == "DKR003"}
    assert lines == {f"{name}.Dockerfile": 2 for name in ODD_BREAKS}


def test_crlf_is_one_line_break():
    assert decode(b"a: 1\r\nb: 2\r\n") == ("a: 1\nb: 2\n", False)
    assert decode(b"a\rb\x1cc\xe2\x80\xa8d") == ("a b c d", False)


@pytest.mark.parametrize("name", ODD_BREAKS)
def test_each_odd_break_is_a_space_in_ascii_and_other_text(name):
    sep = ODD_BREAKS[name]
    assert decode(f"a: 1{sep}b: 2\n".encode()) == ("a: 1 b: 2\n", False)
    assert decode(f"a: \u00e9{sep}b\n".encode()) == ("a: \u00e9 b\n", False)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_manifests_with_a_bom_are_audited(tmp_path, capsys, encoding):
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    (tmp_path / "utf8" / "pod.yaml").parent.mkdir()
    (tmp_path / "utf8" / "pod.yaml").write_text(POD)
    (tmp_path / "wide" / "pod.yaml").parent.mkdir()
    (tmp_path / "wide" / "pod.yaml").write_bytes(bom + POD.encode(encoding))
    expected = {(f["check_id"], f["line"]) for f in _scan(capsys, tmp_path / "utf8")["findings"] if f["path"] != "."}
    data = _scan(capsys, tmp_path / "wide")
    assert ("K8S020", 8) in expected
    assert {(f["check_id"], f["line"]) for f in data["findings"] if f["path"] != "."} == expected
    assert not data["notices"]


def test_utf16_without_a_bom_is_still_binary(tmp_path, capsys):
    (tmp_path / "pod.yaml").write_bytes(POD.encode("utf-16-le"))
    data = _scan(capsys, tmp_path)
    assert [n["message"] for n in data["notices"] if n["path"] == "pod.yaml"] == ["binary file; not audited"]


@pytest.mark.parametrize("text", ["a: [1, 2\n", "a: [1, 2", "a: 'open\n", "- x\n  - y: [\n"])
def test_a_yaml_error_at_the_end_of_the_stream_is_on_the_last_line(tmp_path, capsys, text):
    (tmp_path / "broken.yaml").write_text(text)
    data = _scan(capsys, tmp_path)
    errors = [f for f in data["findings"] if f["check_id"] == "AUD001"]
    assert errors and all(1 <= f["line"] <= _lines(tmp_path / "broken.yaml") for f in errors)
