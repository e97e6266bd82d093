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


def many_findings(count: int, seed: int = 7) -> dict:
    """Findings with ties everywhere: shared paths, lines, codes and resources, repository-level
    ones (path "."), and findings without a line."""
    import random

    rng = random.Random(seed)
    checks = (HIGH, MEDIUM, LOW)
    items = []
    for number in range(count):
        check = rng.choice(checks)
        path = rng.choice(("k8s/a.yaml", "k8s/b.yaml", "deploy/c.yaml", ".", "x/y/z.yaml"))
        line = rng.choice((1, 2, 3, 10, 0))
        finding = check.finding(Pos(line or None, line or None, ("n", str(number))),
                                resource=rng.choice(("Deployment/a", "Deployment/b", "")),
                                message=f"message {rng.choice(('alpha', 'beta', 'Gamma'))} {number}").seal(path)
        items.append(finding)
    return {f.fingerprint: f for f in items}


def reference_rows(model: FindingsModel) -> list[str]:
    """What the rows must be, from first principles: a sort by the full key, then headings."""
    from auditui.findings_model import group_id

    def key(fp):
        f = model.findings[fp]
        sev, path, line, code = -int(f.severity), f.path or "", f.line or 0, f.code
        fields = {"severity": (sev, path, line, code, f.resource, fp), "file": (path, line, sev, code, f.resource, fp),
                  "code": (code, sev, path, line, f.resource, fp)}[model.sort_mode]
        group = {"severity": sev, "file": path, "category": f.category.title, "none": None}[model.group_mode]
        return (group, *fields) if group is not None else fields

    status = model.status_of
    shown = sorted((fp for fp, f in model.findings.items() if model.filters.matches(f, status(f))), key=key)
    if model.group_mode == "none":
        return shown
    rows, current = [], None
    for fp in shown:
        f = model.findings[fp]
        value = {"severity": -int(f.severity), "file": f.path or "", "category": f.category.title}[model.group_mode]
        gid = group_id(model.group_mode, value)
        if gid != current:
            rows.append(gid)
            current = gid
        if gid not in model.collapsed:
            rows.append(fp)
    return rows


def test_every_order_equals_a_sort_by_its_key_through_updates():
    # orders are made from the severity order by stable sorts on one field, and kept up to
    # date by bisection (small changes) or one merge (big batches): each must equal a fresh
    # sort by the whole key, ties included
    findings = many_findings(400)
    keys = list(findings)
    engine_order = [f.fingerprint for f in sorted(findings.values(), key=lambda f: f.sort_key())]
    model = FindingsModel()
    model.set_findings(dict(findings), engine_order)  # ties in the engine's order: fixed by fingerprint
    current = dict(findings)
    modes = [(g, s) for g in ("severity", "file", "category", "none") for s in ("severity", "file", "code")]

    def check_all():
        for group, sort in modes:
            model.group_mode, model.sort_mode = group, sort
            assert model.rebuild() == reference_rows(model), (group, sort)

    check_all()
    extra = many_findings(300, seed=8)
    small = list(extra)[:5]
    for fp in small:
        current[fp] = extra[fp]
    gone = keys[:3]
    for fp in gone:
        del current[fp]
    model.update(current, small, gone)  # bisection into every order made so far
    check_all()
    big = list(extra)[5:]
    for fp in big:
        current[fp] = extra[fp]
    for fp in keys[3:120]:
        del current[fp]
    model.update(current, big, keys[3:120])  # a checkout: one merge, the rest made again
    check_all()


def test_filters_run_as_passes_agree_with_one_finding_matches():
    findings = many_findings(300)
    statuses = {fp: ("accepted", "open", "expired", "deferred", "suppressed")[i % 5] for i, fp in enumerate(findings)}
    model = FindingsModel(findings=findings, status_of=lambda f: statuses[f.fingerprint])
    some = frozenset(list(findings)[::7])
    for filters in (dict(status="open"), dict(status="all", min_severity=Severity.MEDIUM),
                    dict(status="accepted", text="ALPHA"), dict(status="all", text="gamma a.yaml"),
                    dict(status="all", path="."), dict(status="all", fingerprints=some, text="beta"),
                    dict(status="deferred", min_severity=Severity.HIGH, path="k8s/a.yaml")):
        for group in ("severity", "file", "none"):
            model.filters = type(model.filters)(**filters)
            model.group_mode = group
            assert model.rebuild() == reference_rows(model), (filters, group)
            shown = [fp for fp in model.rows if not is_heading(fp)]
            assert sum(model.counts.values()) == len(shown)
            assert model.any_expired == any(statuses[fp] == "expired" for fp in shown)


def test_the_text_index_is_read_ahead_in_steps_and_matches_one_finding_haystack():
    from auditui.findings_model import haystack, haystacks

    findings = many_findings(50)
    assert haystacks(list(findings.values())) == [haystack(f) for f in findings.values()]
    model = FindingsModel(findings=findings)
    model.rebuild()
    assert model.prepare(20) is False and model.prepare(20) is False and model.prepare(20) is True
    model.filters.text = "beta"
    model.rebuild()
    assert model.visible_fingerprints and all("beta" in findings[fp].message for fp in model.visible_fingerprints)


def test_column_needs_are_the_widest_and_the_nine_in_ten_widths_of_what_is_shown(findings):
    model = FindingsModel(findings=findings)
    model.rebuild()
    needs = model.column_needs()
    assert needs.location_all == max(len(f.location) for f in findings.values())
    assert needs.title_all == max(len(f.title) for f in findings.values())
    assert needs.resource_all == len("Deployment/cron")
    model.filters.path = "k8s/b.yaml"  # the shown findings only
    model.rebuild()
    assert model.column_needs().location_all == len("k8s/b.yaml:9")
    model.filters.path = None
    model.rebuild()
    model.toggle_collapsed("group:sev:low")  # folding does not move the columns
    model.rebuild()
    assert model.column_needs() == needs
    repo_level = make(LOW, ".", 0, "repo")
    lineless = make(LOW, "Dockerfile", 0, "docker")
    model.update({**findings, repo_level.fingerprint: repo_level, lineless.fingerprint: lineless},
                 [repo_level.fingerprint, lineless.fingerprint], [])
    model.filters.fingerprints = frozenset({repo_level.fingerprint, lineless.fingerprint})
    model.rebuild()
    assert repo_level.location == "(repository)" and lineless.location == "Dockerfile"
    assert model.column_needs().location_all == len("(repository)")


def test_groups_are_a_mapping_made_when_asked(findings):
    model = FindingsModel(findings=findings)
    model.group_mode = "file"
    model.rebuild()
    assert list(model.groups) == [key for key in model.rows if is_heading(key)]
    assert len(model.groups) == 3 and "group:file:k8s/a.yaml" in model.groups
    assert model.groups.get("group:file:nowhere") is None
    group = model.groups["group:file:k8s/a.yaml"]
    assert (group.label, group.count, group.severity) == ("k8s/a.yaml", 3, None)
    assert model.groups["group:file:k8s/a.yaml"] is group  # made once
