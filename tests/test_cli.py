"""`auditui scan` as CI sees it: the JSON contract, SARIF, exit codes, triage, prune, errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditui import cli
from auditui.checks.engine import Engine
from auditui.checks.triage import TriageStore
from auditui.cli import main

from helpers import POD, sample_repos, write

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sample_repos()  # a clean copy: triage left in the samples never sways a test


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    write(root, "k8s/pod.yaml", POD)
    return root


def run_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = main(["scan", *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


FINDING_FIELDS = {
    "check_id": str, "check_name": str, "severity": str, "title": str, "message": str, "path": str,
    "line": (int, type(None)), "end_line": (int, type(None)), "resource": str, "evidence": (str, type(None)),
    "fingerprint": str, "category": str, "status": str, "suppressed_by": (str, type(None)),
    "context": str, "context_reason": (str, type(None)),
    "remediation": list, "effort": str, "references": list, "occurrences": list,
}


def test_json_contract_every_field_and_type(capsys):
    code, data, _ = run_json(capsys, str(SAMPLES / "platform-k8s"), "--fail-on", "none")
    assert code == 0
    assert set(data) == {"version", "root", "findings", "notices", "summary"}
    assert data["version"] == 1 and isinstance(data["root"], str)
    assert data["findings"], "the sample repository has findings"
    from auditui.checks import registry
    from auditui.checks.api import Category

    for row in data["findings"]:
        assert set(row) == set(FINDING_FIELDS), set(row) ^ set(FINDING_FIELDS)
        for name, kind in FINDING_FIELDS.items():
            assert isinstance(row[name], kind), (name, row[name])
        check = registry.lookup(row["check_id"])
        assert check is not None and check.name == row["check_name"]
        assert row["severity"] in ("critical", "high", "medium", "low", "info")
        assert row["status"] in ("open", "accepted", "deferred", "suppressed")
        assert row["context"] in ("production", "development", "test", "tooling", "example")
        assert row["category"] in {c.value for c in Category}
        assert not row["path"].startswith("/") and "\\" not in row["path"]
        assert row["line"] is None or row["line"] >= 1
        assert all(isinstance(step, str) and step for step in row["remediation"])
        assert all(isinstance(ref, str) for ref in row["references"])
        assert len(row["fingerprint"]) >= 16
        if row["path"] == ".":
            assert row["line"] is None
    assert len({r["fingerprint"] for r in data["findings"]}) == len(data["findings"])
    summary = data["summary"]
    assert summary["findings"] == len(data["findings"])
    assert list(summary["by_severity"]) == ["critical", "high", "medium", "low", "info"]
    assert sum(summary["by_severity"].values()) == len(data["findings"])
    assert isinstance(summary["files"], int) and isinstance(summary["lines"], int)
    for notice in data["notices"]:
        assert set(notice) == {"path", "message", "kind"}


def test_json_is_the_only_thing_on_stdout_even_with_notices(tmp_path, repo):
    state = write(repo, ".auditui/state.toml", "this is [not toml\n")  # triage notice on stderr
    proc = subprocess.run([sys.executable, "-m", "auditui", "scan", str(repo), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)  # exactly one JSON document
    assert data["version"] == 1
    assert "cannot be read" in proc.stderr and "read-only" in proc.stderr
    assert state.read_text() == "this is [not toml\n"  # scan never writes: nothing moved aside


def test_sarif_required_fields(capsys):
    code = main(["scan", str(SAMPLES / "shop-compose"), "--format", "sarif", "--fail-on", "none"])
    sarif = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    [run] = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "auditui"
    rule_ids = set()
    for rule in driver["rules"]:
        rule_ids.add(rule["id"])
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert 0 < float(rule["properties"]["security-severity"]) <= 10
        assert isinstance(rule["properties"]["tags"], list)
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert result["level"] in ("error", "warning", "note", "none")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/")
        if "region" in location:
            assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["auditui/v1"]
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_exit_codes(repo, tmp_path, capsys):
    assert main(["scan", str(repo), "--select", "K8S020"]) == 1  # high >= default high
    assert main(["scan", str(repo), "--select", "K8S020", "--fail-on", "critical"]) == 0
    assert main(["scan", str(repo), "--select", "K8S020", "--fail-on", "none"]) == 0
    assert main(["scan", str(tmp_path / "missing")]) == 2
    assert main(["scan", str(repo), "--format", "xml"]) == 2
    assert main(["scan", str(repo), "--fail-on", "urgent"]) == 2
    assert main(["scan", str(repo), "--select", "K8S9999"]) == 2
    assert main(["scan", str(repo / "k8s" / "pod.yaml")]) == 2
    assert main(["scan", str(repo), "--jobs", "0"]) == 2
    assert main(["scan", str(repo), "--jobs", "two"]) == 2
    capsys.readouterr()


def test_jobs_default_follows_free_processors(monkeypatch):
    """One process per processor the load average leaves free, at most MAX_AUTO_JOBS, at least one."""
    from auditui.checks import workers

    monkeypatch.setattr(workers, "cpu_count", lambda: 8)
    for load, jobs in ((0.1, cli.MAX_AUTO_JOBS), (5.2, 3), (7.6, 1), (30.0, 1)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert cli.auto_jobs() == jobs


def test_jobs_reach_the_scan(repo, monkeypatch, capsys):
    seen = []
    real = Engine.scan
    monkeypatch.setattr(Engine, "scan", lambda self, *a, **k: seen.append(k.get("jobs")) or real(self, *a, **k))
    assert main(["scan", str(repo), "--fail-on", "none", "--jobs", "3"]) == 0
    assert seen == [3]
    capsys.readouterr()


@pytest.mark.parametrize("args, message", [
    (["scan", "/nonexistent/auditui-repo"], "auditui: error: no such directory: /nonexistent/auditui-repo"),
    (["scan", ".", "--format", "xml"], "auditui scan: error: argument --format/-f: invalid choice: 'xml'"),
    (["scan", ".", "--fail-on", "urgent"], "auditui scan: error: argument --fail-on: unknown severity 'urgent'"),
    (["scan", ".", "--update-baseline"], "auditui: error: --update-baseline needs --baseline FILE"),
    (["report", ".", "--format", "pdf"], "auditui report: error: argument --format/-f: invalid choice: 'pdf'"),
])
def test_usage_errors_are_one_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert err.count("\n") == 1


def test_unexpected_error_is_one_line_not_a_traceback(repo, monkeypatch, capsys):
    def boom(self, *a, **k):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(Engine, "scan", boom)
    assert main(["scan", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err == "auditui: internal error: RuntimeError: disk on fire second line\n"


def test_triage_statuses_in_json_sarif_and_exit_code(repo, capsys):
    engine = Engine(repo)
    engine.scan()
    [finding] = [f for f in engine.findings if f.code == "K8S020"]
    store = TriageStore.open(repo)
    store.accept(finding, "kind cluster only")
    code, data, _ = run_json(capsys, str(repo), "--select", "K8S020")
    assert code == 0  # accepted findings do not fail --fail-on
    assert [r["status"] for r in data["findings"]] == ["accepted"]
    assert data["summary"]["by_status"] == {"accepted": 1}
    main(["scan", str(repo), "--select", "K8S020", "--format", "sarif"])
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "external"

    store.defer(finding, dt.date.today() + dt.timedelta(days=30), "next sprint")
    code, data, _ = run_json(capsys, str(repo), "--select", "K8S020")
    assert (code, data["findings"][0]["status"]) == (0, "deferred")
    store.defer(finding, dt.date.today() - dt.timedelta(days=1), "expired")
    code, data, _ = run_json(capsys, str(repo), "--select", "K8S020")
    assert (code, data["findings"][0]["status"]) == (1, "open")


def test_explicit_state_file(repo, tmp_path, capsys):
    engine = Engine(repo)
    engine.scan()
    [finding] = [f for f in engine.findings if f.code == "K8S020"]
    elsewhere = tmp_path / "team-state.toml"
    TriageStore.open(repo, elsewhere).accept(finding, "accepted in the risk review")
    assert main(["scan", str(repo), "--select", "K8S020"]) == 1
    assert main(["scan", str(repo), "--select", "K8S020", "--state", str(elsewhere)]) == 0
    assert main(["scan", str(repo), "--state", str(tmp_path / "typo.toml")]) == 2
    assert "no such triage state file" in capsys.readouterr().err


def test_inline_suppression_is_reported_and_does_not_fail(repo, capsys):
    write(repo, "k8s/pod.yaml", POD.replace("Never", "Never  # auditui: ignore[K8S020] kind only"))
    code, data, _ = run_json(capsys, str(repo), "--select", "K8S020")
    assert code == 0
    [row] = data["findings"]
    assert row["status"] == "suppressed"
    assert row["suppressed_by"] == "k8s/pod.yaml:8 auditui: ignore[K8S020] kind only"
    main(["scan", str(repo), "--select", "K8S020", "--format", "sarif"])
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                       "justification": "k8s/pod.yaml:8 auditui: ignore[K8S020] kind only"}]


def test_text_output_shows_status_and_where_suppressed(repo, capsys):
    write(repo, "k8s/pod.yaml", POD.replace("Never", "Never  # auditui: ignore[K8S020] kind only"))
    assert main(["scan", str(repo), "--select", "K8S020"]) == 0
    out = capsys.readouterr().out
    assert "[suppressed]" in out and "suppressed by k8s/pod.yaml:8 auditui: ignore[K8S020] kind only" in out
    assert "not open: 1 suppressed" in out


def test_prune_removes_only_entries_whose_finding_is_gone(repo, capsys):
    write(repo, "k8s/other.yaml", POD.replace("name: p", "name: q"))
    engine = Engine(repo)
    engine.scan()
    never = sorted((f for f in engine.findings if f.code == "K8S020"), key=lambda f: f.path)
    other_check = next(f for f in engine.findings if f.code != "K8S020" and f.path == "k8s/other.yaml")
    store = TriageStore.open(repo)
    for f in never:
        store.accept(f, "ok")
    store.accept(other_check, "kept because its check is disabled below")
    (repo / "k8s" / "other.yaml").unlink()
    write(repo, ".auditui/config.toml", f"ignore = ['{other_check.code}']\n")
    assert main(["prune", str(repo), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would remove K8S020 k8s/other.yaml" in out and "1 triage entry would be removed" in out
    assert len(TriageStore.open(repo).entries()) == 3
    assert main(["prune", str(repo)]) == 0
    assert "removed 1 triage entry" in capsys.readouterr().out
    left = {(e.code, e.path) for e in TriageStore.open(repo).entries()}
    assert left == {("K8S020", "k8s/pod.yaml"), (other_check.code, "k8s/other.yaml")}


def test_markdown_format_of_scan_is_the_full_report(repo, capsys):
    assert main(["scan", str(repo), "--format", "markdown", "--fail-on", "none"]) == 0
    out = capsys.readouterr().out
    for heading in ("## Executive summary", "## Critical blockers", "## Production-readiness checklist",
                    "## Remediation plan", "## Findings by file", "## Triage"):
        assert heading in out


def test_output_file_and_unwritable_output(repo, tmp_path, capsys):
    target = tmp_path / "out.json"
    assert main(["scan", str(repo), "--format", "json", "--output", str(target), "--fail-on", "none"]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["version"] == 1
    assert main(["scan", str(repo), "--output", str(tmp_path / "no" / "dir" / "x.txt")]) == 2
    assert capsys.readouterr().err.startswith("auditui: error: cannot write")


def test_pre_commit_hook_definition_runs_scan():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(hooks, list) and hooks
    ids = {hook["id"] for hook in hooks}
    assert "auditui" in ids
    for hook in hooks:
        assert hook["entry"].split()[0] == "auditui" and "scan" in hook["entry"].split()
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert set(hook) >= {"id", "name", "entry", "language"}


def test_sarif_repository_level_findings_point_at_a_file(tmp_path, capsys):
    """Code scanning rejects results without a file: repository-level findings use the README."""
    import json as _json

    write(tmp_path, "README.md", "# app\n")
    write(tmp_path, "k8s/pod.yaml", POD)
    main(["scan", str(tmp_path), "--format", "sarif", "--select", "REPO001,K8S020"])
    run = _json.loads(capsys.readouterr().out)["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"REPO001", "K8S020"}
    repo_uri = by_rule["REPO001"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert repo_uri == "README.md" and by_rule["REPO001"]["properties"]["scope"] == "repository"
    assert by_rule["K8S020"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k8s/pod.yaml"
    for result in run["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
