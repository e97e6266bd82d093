"""The findings list's model, without Textual: groups, filters, sorts, folds, selection, search."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from auditui.checks.api import Pos, Severity
from auditui.checks.k8s import image_pull_policy_never, missing_readiness_probe
from auditui.checks.k8s import container_image_not_pinned
from auditui.findings_model import FindingsModel, fit_status_filter, is_heading

ROOT = Path(__file__).resolve().parent.parent
HIGH = image_pull_policy_never.CHECK  # K8S020, high
MEDIUM = missing_readiness_probe.CHECK  # K8S006, medium
LOW = container_image_not_pinned.CHECK  # K8S005, low


def make(check, path: str, line: int, name: str):
    return check.finding(Pos(line, line, ("spec", name, check.code)), resource=f"Deployment/{name}",
                         message=f"{name} message").seal(path)


@pytest.fixture
def findings():
    items = [
        make(HIGH, "k8s/b.yaml", 9, "api"),
        make(LOW, "k8s/a.yaml", 3, "web"),
        make(MEDIUM, "k8s/a.yaml", 7, "web"),
        make(HIGH, "k8s/a.yaml", 12, "web"),
        make(LOW, "deploy/c.yaml", 1, "cron"),
    ]
    return {f.fingerprint: f for f in items}


def codes(model: FindingsModel) -> list[str]:
    return [key if is_heading(key) else f"{model.findings[key].code}@{model.findings[key].location}"
            for key in model.rows]


def test_the_model_does_not_import_textual():
    source = (ROOT / "tui" / "findings_model.py").read_text()
    imported = {n.module or "" for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import) for a in n.names}
    assert not any(name.startswith(("textual", "rich")) for name in imported), imported
    probe = "import sys, auditui.findings_model; print('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip() == "False"


def test_grouped_by_severity_then_sorted_by_file_and_line(findings):
    model = FindingsModel(findings=findings)
    model.rebuild()
    assert codes(model) == [
        "group:sev:high", "K8S020@k8s/a.yaml:12", "K8S020@k8s/b.yaml:9",
        "group:sev:medium", "K8S006@k8s/a.yaml:7",
        "group:sev:low", "K8S005@deploy/c.yaml:1", "K8S005@k8s/a.yaml:3",
    ]
    assert model.groups["group:sev:high"].count == 2
    assert model.counts[Severity.LOW] == 2 and model.counts[Severity.CRITICAL] == 0


def test_every_group_and_sort_mode(findings):
    model = FindingsModel(findings=findings)
    model.group_mode = "file"
    model.rebuild()
    assert codes(model) == [
        "group:file:deploy/c.yaml", "K8S005@deploy/c.yaml:1",
        "group:file:k8s/a.yaml", "K8S020@k8s/a.yaml:12", "K8S006@k8s/a.yaml:7", "K8S005@k8s/a.yaml:3",
        "group:file:k8s/b.yaml", "K8S020@k8s/b.yaml:9",
    ]
    assert model.groups["group:file:k8s/a.yaml"].label == "k8s/a.yaml"
    model.sort_mode = "file"  # within a file: by line
    model.rebuild()
    assert codes(model)[2:6] == ["group:file:k8s/a.yaml", "K8S005@k8s/a.yaml:3", "K8S006@k8s/a.yaml:7",
                                 "K8S020@k8s/a.yaml:12"]
    model.group_mode, model.sort_mode = "none", "code"
    model.rebuild()
    assert codes(model) == ["K8S005@deploy/c.yaml:1", "K8S005@k8s/a.yaml:3", "K8S006@k8s/a.yaml:7",
                            "K8S020@k8s/a.yaml:12", "K8S020@k8s/b.yaml:9"]
    model.group_mode = "category"
    model.rebuild()
    assert all(is_heading(k) == k.startswith("group:cat:") for k in model.rows)
    model.group_mode, model.sort_mode = "severity", "severity"
    assert [model.cycle_group() for _ in range(4)] == ["file", "category", "none", "severity"]
    assert [model.cycle_sort() for _ in range(3)] == ["file", "code", "severity"]


def test_filters_status_severity_text_path_and_a_set(findings):
    statuses = {}
    model = FindingsModel(findings=findings, status_of=lambda f: statuses.get(f.fingerprint, "open"))
    api = next(fp for fp, f in findings.items() if f.resource == "Deployment/api")
    cron = next(fp for fp, f in findings.items() if f.resource == "Deployment/cron")
    statuses[api] = "accepted"
    statuses[cron] = "expired"  # a lapsed deferral: open again, and shown as such
    model.rebuild()
    assert api not in model.rows and cron in model.rows and model.any_expired
    model.filters.status = "accepted"
    model.rebuild()
    assert model.visible_fingerprints == [api] and not model.any_expired
    model.filters.status = "all"
    model.filters.min_severity = Severity.MEDIUM
    model.rebuild()
    assert {findings[fp].code for fp in model.visible_fingerprints} == {"K8S020", "K8S006"}
    model.filters.min_severity = None
    model.filters.text = "web a.yaml"
    model.rebuild()
    assert len(model.visible_fingerprints) == 3
    model.filters.text = "web a.yaml never"  # the text grew: the last result is narrowed
    model.rebuild()
    assert [findings[fp].code for fp in model.visible_fingerprints] == ["K8S020"]
    model.filters.text = ""
    model.filters.path = "deploy/c.yaml"
    model.rebuild()
    assert model.visible_fingerprints == [cron]
    model.filters.path = None
    model.filters.fingerprints = frozenset({api, cron})
    model.rebuild()
    assert set(model.visible_fingerprints) == {api, cron}
    # a status that changes is asked again only when told
    statuses[api] = "open"
    model.filters.fingerprints = None
    model.filters.status = "open"
    model.rebuild()
    assert api not in model.rows
    model.statuses_changed([api])
    model.rebuild()
    assert api in model.rows


def test_updates_keep_every_order_sorted(findings):
    model = FindingsModel(findings=dict(findings))
    model.rebuild()
    model.sort_mode = "code"
    model.rebuild()
    new = make(HIGH, "k8s/0.yaml", 2, "zero")
    gone = next(fp for fp, f in findings.items() if f.resource == "Deployment/cron")
    current = dict(findings)
    current[new.fingerprint] = new
    del current[gone]
    model.update(current, [new.fingerprint], [gone])
    for sort in ("code", "severity"):
        model.sort_mode = sort
        fresh = FindingsModel(findings=current, sort_mode=sort)
        assert model.rebuild() == fresh.rebuild()
    # a big batch (a checkout) merges too
    batch = {f.fingerprint: f for f in (make(LOW, f"k8s/many/{i}.yaml", i, f"m{i}") for i in range(200))}
    current.update(batch)
    model.update(current, list(batch), [])
    assert model.rebuild() == FindingsModel(findings=current, sort_mode=model.sort_mode).rebuild()


def test_engine_order_is_taken_without_a_sort(findings):
    ordered = sorted(findings.values(), key=lambda f: f.sort_key())
    model = FindingsModel()
    model.set_findings(findings, [f.fingerprint for f in ordered])
    model.rebuild()
    assert model.visible_fingerprints == [f.fingerprint for f in ordered]


def test_folded_groups_keep_their_count_and_the_cursor_rests_on_them(findings):
    model = FindingsModel(findings=findings)
    model.rebuild()
    assert model.toggle_collapsed("group:sev:high") is True
    model.rebuild()
    assert model.rows[:2] == ["group:sev:high", "group:sev:medium"]
    assert model.groups["group:sev:high"].count == 2 and model.counts[Severity.HIGH] == 2
    assert model.resting(0) == 0  # a folded heading is a place to rest
    assert model.resting(1) == 2  # an open heading is not
    assert model.in_group("group:sev:high") and len(model.shown()) == 5
    assert model.rows[:2] == ["group:sev:high", "group:sev:medium"]  # shown() left the fold alone


def test_bulk_helpers_and_search(findings):
    model = FindingsModel(findings=findings)
    model.rebuild()
    web_high = next(fp for fp, f in findings.items() if f.code == "K8S020" and f.path == "k8s/a.yaml")
    assert len(model.same_check(web_high)) == 2
    assert len(model.same_file(web_high)) == 3
    first = model.find("cron", 0)
    assert first is not None and findings[model.rows[first]].resource == "Deployment/cron"
    assert model.find("cron", first) == first  # wraps around to itself
    assert model.find("api", first, -1) == model.index_of(
        next(fp for fp, f in findings.items() if f.resource == "Deployment/api"))
    assert model.find("nothing-like-this", 0) is None


def test_fit_status_filter_names():
    assert fit_status_filter("expired") == "open" and fit_status_filter("accepted") == "accepted"
