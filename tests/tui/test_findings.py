"""The findings screen: scan, list, detail, filters, grouping, editor, export."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from auditui.app import AuditApp, editor_command
from rich.console import Console
from auditui.widgets.detail import FindingDetail
from auditui.widgets.findings_list import FindingsList
from textual.widgets import Static
from tui_helpers import SECRET, scanned, wait_for


def visible_codes(app: AuditApp) -> list[str]:
    table = app.findings_screen.table
    return [app.findings[fp].code for fp in table.visible_fingerprints]


def plain(renderable) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


def detail_text(app: AuditApp) -> str:
    body = app.findings_screen.query_one(FindingDetail).query_one("#detail-body", Static)
    return plain(getattr(body, "content", None) or body.renderable)


def select(app: AuditApp, code: str, path: str | None = None) -> None:
    for finding in app.findings.values():
        if finding.code == code and (path is None or finding.path == path):
            assert app.findings_screen.table.select_fingerprint(finding.fingerprint)
            return
    raise AssertionError(f"no finding {code}")


async def test_scan_fills_table_grouped_by_severity(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert visible_codes(app) == ["TUI001", "K8S020", "TUI002", "TUI002", "TUI003"]
        rows = app.findings_screen.table.row_keys
        assert rows[0] == "group:sev:critical"
        assert "readiness" in app.sub_title
        # the cursor lands on the first finding, and the detail shows what to do about it
        assert app.findings_screen.selected.code == "TUI001"
        text = detail_text(app)
        assert "How to fix it (effort: 1h)" in text and "1. Move the password" in text
        # moving down skips the HIGH heading
        await pilot.press("down")
        assert app.findings_screen.selected.code == "K8S020"
        await pilot.press("up")
        assert app.findings_screen.selected.code == "TUI001"


async def test_secret_never_shown_raw(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "TUI001")
        await pilot.pause()
        text = detail_text(app)
        assert SECRET not in text
        assert "su******" in text
        # the db image finding's context window covers the password line: it is masked
        for finding in app.findings.values():
            if finding.code == "TUI002" and finding.resource == "service/db":
                app.findings_screen.table.select_fingerprint(finding.fingerprint)
        await pilot.pause()
        text = detail_text(app)
        assert "image: postgres:latest" in text
        assert SECRET not in text
        assert "line hidden" in text


async def test_text_filter_and_escape(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("slash")
        await pilot.press(*"latest")
        await pilot.pause()
        assert visible_codes(app) == ["TUI002", "TUI002"]
        await pilot.press("enter")
        assert isinstance(app.focused, FindingsList)
        await pilot.press("escape")
        await pilot.pause()
        assert len(visible_codes(app)) == 5


async def test_severity_status_and_grouping(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("s", "s", "s")  # >= high
        assert visible_codes(app) == ["TUI001", "K8S020"]
        await pilot.press("s", "s")  # critical, then back to all
        assert len(visible_codes(app)) == 5
        await pilot.press("t")  # accepted: none yet
        assert visible_codes(app) == []
        await pilot.press("t", "t", "t")  # deferred, suppressed, all
        assert len(visible_codes(app)) == 5
        await pilot.press("v")  # by file
        rows = app.findings_screen.table.row_keys
        assert rows[0] == "group:file:docker-compose.yml"
        assert "group:file:k8s/api.yaml" in rows
        await pilot.press("v")  # by category
        rows = app.findings_screen.table.row_keys
        assert rows[0].startswith("group:cat:")


def fake_editor(tmp_path: Path, name: str) -> tuple[Path, Path]:
    log = tmp_path / f"{name}.args"
    script = tmp_path / "bin" / name
    script.parent.mkdir(exist_ok=True)
    script.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done > {log}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


async def test_open_in_editor_passes_the_line(make_app, repo, tmp_path, monkeypatch):
    script, log = fake_editor(tmp_path, "vim")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "K8S020")
        await pilot.press("o")
        await wait_for(pilot, log.exists, what="the editor to run")
        finding = app.findings_screen.selected
        assert log.read_text().split("\n")[:2] == [f"+{finding.line}", str(repo / "k8s/api.yaml")]


def test_editor_command_forms():
    assert editor_command("nvim", "a.yaml", 7) == ["nvim", "+7", "a.yaml"]
    assert editor_command("code --wait", "a.yaml", 7) == ["code", "--wait", "-g", "a.yaml:7"]
    assert editor_command("/usr/bin/emacs -nw", "a.yaml", 3) == ["/usr/bin/emacs", "-nw", "+3", "a.yaml"]
    assert editor_command("unknown-editor", "a.yaml", 3) == ["unknown-editor", "a.yaml"]
    assert editor_command("vim", "a.yaml", None) == ["vim", "a.yaml"]


async def test_export_is_the_report_command_document_under_auditui(make_app, repo, capsys):
    from auditui.checks.triage import TriageStore
    from auditui.cli import main

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "K8S020")
        assert app.triage("accept", app.findings_screen.selected, reason="kind cluster only")
        await pilot.press("e")
        report = repo / ".auditui" / "report.md"
        await wait_for(pilot, report.exists, what="the report")
        assert any(".auditui/report.md" in str(n.message) for n in app._notifications)
        text = report.read_text()
        assert "TUI001" in text and SECRET not in text
        assert not (repo / "auditui-report.md").exists()
    # the same document as `auditui report` (same checks, same triage), but for the date line
    import auditui.checks.engine as engine_module

    real = engine_module.Engine.__init__

    def pinned(self, root, config=None, **kwargs):
        kwargs.setdefault("checks", app._checks)
        real(self, root, config, **kwargs)

    engine_module.Engine.__init__ = pinned
    try:
        assert main(["report", str(repo)]) == 0
    finally:
        engine_module.Engine.__init__ = real
    printed = capsys.readouterr().out

    def undated(doc: str) -> list[str]:
        return [line for line in doc.splitlines() if not line.startswith("| Date")]

    assert undated(printed) == undated(text)
    assert "kind cluster only" in text and "not a git repository" in text
    assert TriageStore.open(repo).entries()  # the accept is in the state file too


async def test_rescan_keeps_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "K8S020")
        before = app.findings_screen.selected.fingerprint
        first = app.timings["scan_done"]
        await pilot.press("r")
        await wait_for(pilot, lambda: app.timings["scan_done"] != first and not app._busy, what="the rescan")
        assert app.findings_screen.selected.fingerprint == before


async def test_files_screen_filters_by_file(make_app):
    from auditui.screens.files import FilesScreen
    from textual.widgets import Tree

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FilesScreen)
        tree = app.screen.query_one(Tree)
        leaves = {}

        def walk(node):
            for child in node.children:
                if child.allow_expand:
                    walk(child)
                else:
                    leaves[child.data] = child

        walk(tree.root)
        assert set(leaves) == {"docker-compose.yml", "k8s/api.yaml"}
        assert "3" in str(leaves["docker-compose.yml"].label)
        tree.move_cursor(leaves["k8s/api.yaml"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="back to findings")
        assert visible_codes(app) == ["K8S020", "TUI003"]
        assert "file: k8s/api.yaml" in app.findings_screen.table.filters.describe()


async def test_help_lists_every_binding(make_app):
    from auditui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(plain(getattr(s, "content", None) or s.renderable) for s in app.screen.query(Static))
        for key in ("Accept the risk", "Defer this finding", "Reopen", "Add a note", "$VISUAL", "audit report",
                    "Re-read every file", "Quit", "Group by severity", "Command palette"):
            assert key in text, key
        await pilot.press("escape")
        assert app.screen is app.findings_screen


async def test_new_user_sees_no_findings_message(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("nothing to audit\n")
    app = AuditApp(empty, watch=False, checks=())
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(pilot)
        assert "No infrastructure files found" in detail_text(app)
        assert "n/a" in app.sub_title


async def test_clean_hardened_repository_says_it_passes(tmp_path):
    import shutil
    from pathlib import Path

    hardened = tmp_path / "hardened"
    shutil.copytree(Path(__file__).resolve().parents[2] / "sample_repos" / "hardened-api", hardened,
                    ignore=shutil.ignore_patterns(".auditui"))  # triage a user left there must not count
    app = AuditApp(hardened, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(pilot)
        assert "No findings. This repository passes every check" in detail_text(app)
        assert "10.0/10" in app.sub_title


assert os  # used by monkeypatch-based tests


async def test_a_suppressed_finding_says_where_and_why_beside_its_status(make_app, repo):
    compose = repo / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(
        "    image: nginx:latest\n",
        "    # auditui: ignore[TUI002] the edge proxy follows upstream on purpose\n    image: nginx:latest\n"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("t", "t", "t")  # accepted, deferred, suppressed
        assert visible_codes(app) == ["TUI002"]
        select(app, "TUI002", "docker-compose.yml")
        await pilot.pause()
        text = detail_text(app)
        status_line = next(line for line in text.splitlines() if line.strip().startswith("status"))
        assert "suppressed" in status_line
        by_line = text.splitlines()[text.splitlines().index(status_line) + 1]
        assert by_line.strip().startswith("by") and "edge proxy follows upstream" in text


async def test_status_line_names_the_persona(make_app):
    from auditui.checks.config import Config

    app = make_app(config=Config(persona="pedantic"))
    async with app.run_test(size=(160, 36)) as pilot:
        await scanned(pilot)
        label = app.findings_screen.query_one("#status-state")
        assert "persona pedantic" in plain(getattr(label, "content", None) or label.renderable)
