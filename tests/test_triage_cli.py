"""The state file from the command line: scan/report/prune on hostile or broken state files,
and the headless ``auditui triage`` command."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from auditui.checks.triage import TriageStore
from auditui.cli import main

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: registry.example.com/app:1.0
      imagePullPolicy: Never
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "pod.yaml").write_text(POD)
    (root / "k8s" / "other.yaml").write_text(POD.replace("name: p", "name: q"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def scan_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["scan", *args, "--format", "json", "--no-progress"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


HOSTILE = {
    "notes = 5": 'version = 1\n[findings.abc]\nstatus = "accepted"\nnotes = 5\n',
    "deep array": "version = 1\nx = " + "[" * 50_000 + "]" * 50_000 + "\n",
    "findings = 5": "version = 1\nfindings = 5\n",
    "dotted key": "version = 1\n" + ".".join(f"k{i}" for i in range(100)) + " = 1\n",
    'version = "1"': 'version = "1"\n',
    "corrupt": "version = 1\n[findings.x\nstatus = ",
    "conflict": "version = 1\n<<<<<<< HEAD\n[findings.a]\nstatus = \"open\"\n=======\n[findings.b]\nstatus = \"open\"\n>>>>>>> x\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_scan_report_and_prune_read_hostile_state_files_without_writing(repo, capsys, name):
    (repo / ".auditui").mkdir()
    (repo / ".auditui" / "state.toml").write_text(HOSTILE[name])
    before = snapshot(repo)
    code, data, err = scan_json(capsys, str(repo), "--fail-on", "none")
    assert code == 0 and data["findings"] and "Traceback" not in err
    assert err.strip(), "a clear notice on stderr"
    assert main(["report", str(repo)]) == 0
    captured = capsys.readouterr()
    assert "# Infrastructure audit" in captured.out and "Traceback" not in captured.err
    assert snapshot(repo) == before  # scan and report never write, never move the file aside
    prune = main(["prune", str(repo)])
    captured = capsys.readouterr()
    if name == "conflict":
        assert prune == 0
    else:
        assert prune == 2 and "read-only" in captured.err and "Traceback" not in captured.err
        assert snapshot(repo) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_scan_does_not_hang_on_a_fifo_state_file(repo, capsys):
    (repo / ".auditui").mkdir()
    os.mkfifo(repo / ".auditui" / "state.toml")
    code, data, err = scan_json(capsys, str(repo), "--fail-on", "none")
    assert code == 0 and "not a regular file" in err


def test_prune_keeps_entries_of_a_file_that_does_not_parse(repo, capsys):
    code, data, _ = scan_json(capsys, str(repo), "--select", "K8S020", "--fail-on", "none")
    fingerprints = [f["fingerprint"] for f in data["findings"]]
    assert main(["triage", "accept", str(repo), "--code", "K8S020", "--reason", "kind only"]) == 0
    capsys.readouterr()
    (repo / "k8s" / "pod.yaml").write_text(POD.replace("kind: Pod", "kind: [Pod"))  # mid-edit
    (repo / "k8s" / "other.yaml").unlink()  # really gone
    assert main(["prune", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "removed 1 triage entry" in out and "other.yaml" in out
    left = {e.path for e in TriageStore.open(repo).entries()}
    assert left == {"k8s/pod.yaml"} and len(fingerprints) == 2


def test_triage_command_accepts_defers_notes_and_reopens(repo, capsys):
    assert main(["triage", "accept", str(repo), "--code", "K8S020", "--path", "k8s/pod*",
                 "--reason", "kind cluster only"]) == 0
    out = capsys.readouterr().out
    assert "accepted K8S020 k8s/pod.yaml:9" in out and "other.yaml" not in out
    code, data, _ = scan_json(capsys, str(repo), "--select", "K8S020", "--fail-on", "none")
    status = {f["path"]: f["status"] for f in data["findings"]}
    assert status == {"k8s/pod.yaml": "accepted", "k8s/other.yaml": "open"}
    other = next(f["fingerprint"] for f in data["findings"] if f["path"] == "k8s/other.yaml")
    assert main(["triage", "defer", str(repo), "--fingerprint", other, "--until", "+30",
                 "--reason", "after the migration"]) == 0
    assert main(["triage", "note", str(repo), "--code", "image-pull-policy-never", "--text", "see OPS-1"]) == 0
    capsys.readouterr()
    state = tomllib.loads((repo / ".auditui" / "state.toml").read_text())["findings"]
    assert state[other]["status"] == "deferred" and state[other]["reason"] == "after the migration"
    assert all(n["text"] == "see OPS-1" for e in state.values() for n in e["notes"]) and len(state) == 2
    assert main(["triage", "reopen", str(repo), "--code", "K8S020", "--dry-run"]) == 0
    assert "would reopen" in capsys.readouterr().out
    assert main(["triage", "reopen", str(repo), "--code", "K8S020"]) == 0
    capsys.readouterr()
    code, data, _ = scan_json(capsys, str(repo), "--select", "K8S020", "--fail-on", "none")
    assert {f["status"] for f in data["findings"]} == {"open"}


@pytest.mark.parametrize("args,says", [
    (["accept"], "say which findings"),
    (["accept", "--code", "K8S020"], "needs --reason"),
    (["defer", "--code", "K8S020", "--reason", "r", "--until", "+99999999999"], "at most"),
    (["note", "--code", "K8S020"], "needs --text"),
])
def test_triage_command_mistakes_are_one_line(repo, capsys, args, says):
    assert main(["triage", args[0], str(repo), *args[1:]]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
    assert not (repo / ".auditui").exists()


def test_triage_command_takes_the_path_after_its_options(repo, capsys):
    """'auditui triage accept --code X --reason R PATH', as one types it, works like PATH first."""
    assert main(["triage", "accept", "--code", "K8S020", "--path", "k8s/pod*", "--reason", "kind only",
                 str(repo)]) == 0
    assert "accepted K8S020 k8s/pod.yaml:9" in capsys.readouterr().out
    state = tomllib.loads((repo / ".auditui" / "state.toml").read_text())["findings"]
    assert [e["reason"] for e in state.values()] == ["kind only"]
    # a word too many is still a one-line mistake
    assert main(["triage", "note", "--code", "K8S020", "--text", "t", str(repo), "extra"]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: extra" in err and len(err.strip().splitlines()) == 1


def test_triage_command_with_no_match_exits_1(repo, capsys):
    assert main(["triage", "accept", str(repo), "--code", "CMP001", "--reason", "r"]) == 1
    assert "no finding matches" in capsys.readouterr().err


def test_triage_left_in_a_sample_never_reaches_the_tests(tmp_path):
    """The README invites triage in sample_repos/; the tests read a copy without .auditui/."""
    from helpers import clean_copy, sample_repos

    source = tmp_path / "samples"
    (source / "shop" / ".auditui").mkdir(parents=True)
    (source / "shop" / ".auditui" / "state.toml").write_text('version = 1\n[findings.x]\nstatus = "accepted"\n')
    (source / "shop" / "compose.yaml").write_text("services: {}\n")
    copy = clean_copy(source, tmp_path / "copy")
    assert (copy / "shop" / "compose.yaml").exists() and not (copy / "shop" / ".auditui").exists()
    assert not list(sample_repos().rglob(".auditui"))
