"""The audit report: sections, counts, triage, git header, redaction, HTML in a real browser."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.readiness import AREAS
from auditui.checks.report import AuditResult
from auditui.checks.report import html as html_report
from auditui.checks.report import markdown
from auditui.checks.report.document import effort_minutes, format_minutes, git_info
from auditui.checks.triage import TriageStore
from auditui.cli import main
from helpers import sample_repos

SAMPLES = sample_repos()  # a clean copy: triage left in the samples never sways a test
SHA = "0123456789abcdef0123456789abcdef01234567"
SECRETS = ("sk_live_51HxQd2LkP9v8ZrT4mW7nB3cY6", "xoxb-2048-1234567890-AbCdEfGhIjKlMnOpQrStUvWx")
NOW = dt.datetime(2030, 5, 6, 7, 8, tzinfo=dt.timezone.utc)


@pytest.fixture
def shop(tmp_path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(SAMPLES / "shop-compose", root)
    git = root / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text(SHA + "\n")
    return root


def build(root: Path, triage=None):
    engine = Engine(root)
    engine.scan()
    store = triage or TriageStore.open(root)
    result = AuditResult(str(root), engine.findings, engine.all_notices(), engine.summary(), store.status_of)
    return engine, result, {"root": root, "index": engine.index, "triage": store, "now": NOW}


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_sections_and_counts_match_the_scan(shop):
    engine, result, context = build(shop)
    text = markdown.render(result, **context)
    findings = engine.findings
    # header
    assert text.startswith("# Infrastructure audit: shop\n")
    assert f"| Commit | `{SHA[:12]}` on `main` |" in text
    assert "| Date | 2030-05-06 07:08 UTC |" in text
    assert f"| Files reviewed | {engine.summary()['files']} |" in text
    assert f"| Lines reviewed | {engine.summary()['lines']} |" in text
    # executive summary: score, formula, counts
    summary = section(text, "Executive summary")
    assert re.search(r"\*\*Readiness score: \d+\.\d / 10\.\*\* Each applicable area", summary)
    counts = Counter(f.severity for f in findings)
    for severity in Severity:
        n = counts.get(severity, 0)
        assert f"| {severity.label} | {n} | 0 | 0 | {n} |" in summary
    assert f"| **total** | **{len(findings)}** | **0** | **0** | **{len(findings)}** |" in summary
    risks = re.findall(r"^\d\. \*\*(critical|high|medium|low)\*\* ", summary, re.M)
    assert 1 <= len(risks) <= 5 and risks[0] == "critical"
    # critical blockers: one subsection per check with open critical findings, listing
    # every place, with steps and effort
    blockers = section(text, "Critical blockers")
    critical = [f for f in findings if f.severity == Severity.CRITICAL]
    assert len(critical) >= 1
    assert len(re.findall(r"^### \d+\. ", blockers, re.M)) == len({f.code for f in critical})
    for f in critical:
        assert f"`{f.location}`" in blockers or f"at {f.location}" in blockers
        assert f.check.remediation[0] in blockers
    assert blockers.count("**Effort:**") == len({f.code for f in critical}) and blockers.count("**Impact:**") == len({f.code for f in critical})
    # checklist: one row per area
    checklist = section(text, "Production-readiness checklist")
    rows = [line for line in checklist.splitlines() if line.startswith("| ") and not line.startswith("| Area")]
    assert len(rows) == len(AREAS)
    assert all(re.search(r"\| \*\*(PASS|PARTIAL|FAIL|N/A)\*\* \|", row) for row in rows)
    # remediation plan: summed effort per group
    plan = section(text, "Remediation plan")
    for title, severities in (("Immediate", {Severity.CRITICAL}), ("This sprint", {Severity.HIGH}),
                              ("This quarter", {Severity.MEDIUM, Severity.LOW})):
        group = [f for f in findings if f.severity in severities]
        minutes = sum(effort_minutes(f.check.effort) for f in group)
        assert f"### {title}: {len(group)} finding{'s' if len(group) != 1 else ''}, about {format_minutes(minutes)}" in plan
    # findings by file: every finding listed once under its file
    by_file = section(text, "Findings by file")
    assert len(re.findall(r"^\| \d* \| (critical|high|medium|low|info) \|", by_file, re.M)) == len(findings)
    for path in {f.path for f in findings if f.path != "."}:
        assert f"### `{path}`" in by_file
    assert "No accepted or deferred findings." in section(text, "Triage")


def test_triage_section_and_counts_follow_the_state_file(shop):
    engine = Engine(shop)
    engine.scan()
    critical = [f for f in engine.findings if f.severity == Severity.CRITICAL]
    store = TriageStore.open(shop)
    store.accept(critical[0], "compensating control: network isolated")
    store.defer(critical[1], dt.date(2999, 1, 31), "rotating in the next sprint")
    _, result, context = build(shop, store)
    text = markdown.render(result, **context)
    n = sum(1 for f in engine.findings if f.severity == Severity.CRITICAL)
    assert f"| critical | {n - 2} | 2 | 0 | {n} |" in text
    blockers = section(text, "Critical blockers")
    still_open = {f.code for f in engine.findings if f.severity == Severity.CRITICAL
                  and f.fingerprint not in {critical[0].fingerprint, critical[1].fingerprint}}
    assert len(re.findall(r"^### \d+\. ", blockers, re.M)) == len(still_open)
    assert f"`{critical[0].location}`" not in blockers and f"at {critical[0].location}" not in blockers
    triage = section(text, "Triage")
    assert "compensating control: network isolated" in triage and "accepted" in triage
    assert "rotating in the next sprint" in triage and "| 2999-01-31 |" in triage
    assert f"| {store.user} |" in triage


def test_inline_suppressions_listed_in_triage(shop):
    compose = shop / "docker-compose.yml"
    text = compose.read_text().replace("/var/run/docker.sock:/var/run/docker.sock:ro",
                                       "/var/run/docker.sock:/var/run/docker.sock:ro  # auditui: ignore[CMP001] log shipping, proxied in prod")
    assert text != compose.read_text(), "the sample changed: update this test"
    compose.write_text(text)
    _, result, context = build(shop)
    triage = section(markdown.render(result, **context), "Triage")
    assert "**Suppressed in the repository** (1)" in triage
    # brackets escaped: a repository string never becomes a Markdown link
    assert "auditui: ignore\\[CMP001\\] log shipping, proxied in prod" in triage


def test_secrets_stay_redacted(shop):
    _, result, context = build(shop)
    for text in (markdown.render(result, **context), html_report.render(result, **context)):
        for secret in SECRETS:
            assert secret not in text
            assert secret[:10] not in text


def test_html_is_self_contained_and_escaped(shop):
    _, result, context = build(shop)
    page = html_report.render(result, **context)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<h2 id=\"summary\">Executive summary</h2>" in page
    assert "&lt;" in page or "<" not in re.sub(r"<[^>]+>", "", page)  # no stray markup from content


def test_git_info_variants(tmp_path):
    assert git_info(tmp_path) == (None, None)
    git = tmp_path / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/feature/x\n")
    assert git_info(tmp_path) == ("feature/x", None)  # no commit yet
    (git / "packed-refs").write_text(f"# pack-refs with: peeled\n{SHA} refs/heads/feature/x\n")
    assert git_info(tmp_path) == ("feature/x", SHA)
    (git / "HEAD").write_text(SHA + "\n")
    assert git_info(tmp_path) == (None, SHA)  # detached
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {git}\n")
    assert git_info(worktree) == (None, SHA)


def test_effort_arithmetic():
    assert [effort_minutes(e) for e in ("15m", "2h", "1d", "bogus")] == [15, 120, 480, 0]
    assert format_minutes(0) == "0m"
    assert format_minutes(45) == "45m"
    assert format_minutes(135) == "2h 15m"
    assert format_minutes(480 + 60) == "1d 1h"


def test_report_command_writes_files(shop, tmp_path, capsys):
    out = tmp_path / "audit.html"
    assert main(["report", str(shop), "--format", "html", "--output", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(["report", str(shop)]) == 0  # report never fails on findings
    assert "## Remediation plan" in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing")]) == 2


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_html_renders_in_headless_chromium(shop, tmp_path):
    _, result, context = build(shop)
    page = tmp_path / "report.html"
    page.write_text(html_report.render(result, **context), encoding="utf-8")
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    dom = proc.stdout
    assert proc.returncode == 0 and dom, proc.stderr[-2000:]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", dom, flags=re.S)))
    for heading in ("Infrastructure audit: shop", "Executive summary", "Readiness score:", "Critical blockers",
                    "Production-readiness checklist", "Remediation plan", "Immediate:", "This sprint:",
                    "This quarter:", "Findings by file", "Triage"):
        assert heading in text, heading
    assert SHA[:12] in text
    assert "Container mounts the Docker" in text
    assert len(re.findall(r"<tr>", dom)) > 20  # tables survived parsing
    for secret in SECRETS:
        assert secret not in dom


def test_indented_json_is_the_standard_librarys_text():
    """report.dumps writes indented JSON itself (the standard library's indented encoder is
    pure Python): the text must be exactly ``json.dumps(indent=2, ensure_ascii=False)``."""
    import enum
    import json

    from auditui.checks.models.yamlnodes import TaggedStr
    from auditui.checks.report import _indented

    class Level(enum.IntEnum):
        HIGH = 3

    values = [
        {}, [], (), "top", 0, -1.5, None, True,
        {"a": {}, "b": [], "c": [[], {}], "d": [{"e": [1, [2, [3]]]}]},
        {"floats": [0.0, -0.0, 1e300, 1e-7, 3.14, float("nan"), float("inf"), -float("inf")]},
        {"ints": [0, -7, 10**30, Level.HIGH, True, False], 1.5: "float key", True: "bool key", None: "none key", 7: 1},
        {"text": ["é ü \u2028 \t \x00 \x1b \" \\ / \n", TaggedStr("s3cr3t", "!vault"), ""]},
        [{"nested": ({"tuple": ("x", None)},)}],
    ]
    for value in values:
        assert _indented(value) == json.dumps(value, indent=2, ensure_ascii=False), value
    for bad in ({"set": {1}}, [object()], {("tuple", "key"): 1}):
        with pytest.raises(TypeError):
            _indented(bad)


@pytest.mark.parametrize("value", [
    {"path": "k8s/a.yaml", "n": 1, "t": ("x", None), "nested": [{"é": "ü\t\x1b"}], 3: "int key"},
    {"path": "k8s/\udcff.yaml", "keys": {"a\udc80": ["b\udcfe", ("c",)]}},
    {"mixed": "é\u2028\ud800"},
])
def test_dumps_equals_encoding_the_unicode_safe_copy(value):
    """``dumps`` encodes first and falls back to ``unicode_safe`` only for lone surrogates:
    the text must be exactly what encoding the cleaned copy gives, and valid UTF-8."""
    import json

    from auditui.checks.report import dumps, unicode_safe

    expected = json.dumps(unicode_safe(value), indent=2, ensure_ascii=False) + "\n"
    assert dumps(value) == expected
    dumps(value).encode("utf-8")  # no lone surrogate survives
