"""Keyboard triage: accept, defer, reopen, note, read-only state, checklists."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

from auditui.screens.modals import AcceptModal, DeferModal, NoteModal
from textual.widgets import Input, Label
from tui_helpers import scanned, wait_for

TODAY = date(2030, 1, 10)


def select(app, code: str) -> None:
    for finding in app.findings.values():
        if finding.code == code:
            assert app.findings_screen.table.select_fingerprint(finding.fingerprint)
            return
    raise AssertionError(code)


def state(repo) -> dict:
    return tomllib.loads((repo / ".auditui" / "state.toml").read_text())


def entry_for(repo, code: str) -> dict:
    findings = state(repo).get("findings", {})
    matches = [v for v in findings.values() if v.get("code") == code]
    assert len(matches) == 1, findings
    return matches[0]


async def submit(pilot, modal) -> None:
    """Enter in the reason field, as a user would."""
    modal.query_one("#reason", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def error_text(app) -> str:
    return str(app.screen.query_one("#error", Label).render())


async def test_accept_with_reason_survives_restart(make_app, repo):
    app = make_app(today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "K8S020")
        fingerprint = app.findings_screen.selected.fingerprint
        await pilot.press("a")
        assert isinstance(app.screen, AcceptModal)
        await pilot.press(*"dev cluster only", "enter")
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="the modal to close")
        assert entry_for(repo, "K8S020")["status"] == "accepted"
        assert entry_for(repo, "K8S020")["reason"] == "dev cluster only"
        # the open-only list no longer shows it; the cursor moved to a neighbour
        assert fingerprint not in app.findings_screen.table.visible_fingerprints
    again = make_app(today=TODAY)
    async with again.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        finding = again.findings[fingerprint]
        assert again.status_of(finding) == "accepted"
        await pilot.press("t")  # status: accepted
        assert again.findings_screen.table.visible_fingerprints == [fingerprint]
        assert again.findings_screen.selected.fingerprint == fingerprint
        # accepting again is greyed out; reopen is offered
        assert again.findings_screen.check_action("accept", ()) is False
        assert again.findings_screen.check_action("reopen", ()) is True


async def test_accept_needs_a_reason_and_escape_cancels(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("a", "enter")
        assert isinstance(app.screen, AcceptModal)
        assert "reason is required" in error_text(app)
        await pilot.press("escape")
        assert app.screen is app.findings_screen
        assert not (repo / ".auditui" / "state.toml").exists()


async def test_defer_validates_the_date_then_expires(make_app, repo):
    app = make_app(today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "TUI002")
        fingerprint = app.findings_screen.selected.fingerprint
        await pilot.press("d")
        modal = app.screen
        assert isinstance(modal, DeferModal)
        until = modal.query_one("#until", Input)
        assert until.value == (TODAY + timedelta(days=14)).isoformat()
        until.value = "2030-13-45"
        modal.query_one("#reason", Input).value = "after the migration"
        await submit(pilot, modal)
        assert isinstance(app.screen, DeferModal)
        assert "not a date" in error_text(app)
        until.value = "2030-01-01"  # in the past
        await submit(pilot, modal)
        assert "future" in error_text(app)
        until.value = "+30"
        await submit(pilot, modal)
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="the modal to close")
        saved = [v for k, v in state(repo)["findings"].items() if k == fingerprint][0]
        assert saved["status"] == "deferred"
        assert str(saved["until"]) == "2030-02-09"
        assert app.status_of(app.findings[fingerprint]) == "deferred"
    # the day after the deferral ends, the finding is open again
    later = make_app(today=date(2030, 2, 10))
    async with later.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert later.status_of(later.findings[fingerprint]) == "open"
        assert fingerprint in later.findings_screen.table.visible_fingerprints


async def test_reopen_and_note(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        select(app, "TUI003")
        fingerprint = app.findings_screen.selected.fingerprint
        await pilot.press("t", "t", "t", "t")  # status: all, so the row stays after accepting
        app.findings_screen.table.select_fingerprint(fingerprint)
        await pilot.press("a", *"known", "enter")
        await wait_for(pilot, lambda: app.status_of(app.findings[fingerprint]) == "accepted", what="accept")
        assert app.findings_screen.selected.fingerprint == fingerprint
        await pilot.press("O")  # reopen
        await pilot.pause()
        assert app.status_of(app.findings[fingerprint]) == "open"
        assert state(repo)["findings"][fingerprint]["status"] == "open"
        await pilot.press("n")
        assert isinstance(app.screen, NoteModal)
        await pilot.press(*"ask the platform team", "enter")
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="the note modal to close")
        notes = state(repo)["findings"][fingerprint]["notes"]
        assert [n["text"] for n in notes] == ["ask the platform team"]


async def test_read_only_state_disables_triage(make_app, repo):
    (repo / ".auditui").mkdir()
    newer = '# written by a newer auditui\nversion = 99\n\n[findings]\n'
    (repo / ".auditui" / "state.toml").write_text(newer)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "read-only" in messages.lower()
        assert app.findings_screen.check_action("accept", ()) is False
        assert app.findings_screen.check_action("defer", ()) is False
        await pilot.press("a")
        assert app.screen is app.findings_screen
    assert (repo / ".auditui" / "state.toml").read_text() == newer


async def test_checklists_show_findings_and_save_ticks(make_app, repo):
    from auditui.screens.checklists import ChecklistsScreen
    from textual.widgets import DataTable, SelectionList

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, ChecklistsScreen)
        table = screen.query_one("#readiness", DataTable)
        marks = {row.key.value: str(table.get_row(row.key)[1]).strip() for row in table.ordered_rows}
        assert marks["secrets"] == "FAIL" if "secrets" in marks else any(m == "FAIL" for m in marks.values())
        # the findings behind the first failing area, one key away
        failing = next(i for i, row in enumerate(table.ordered_rows) if str(table.get_row(row.key)[1]).strip() == "FAIL")
        table.move_cursor(row=failing)
        item = app.readiness[failing]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="the findings screen")
        assert set(app.findings_screen.table.visible_fingerprints) == {f.fingerprint for f in item.findings}
        # tick a PR item: saved in the state file
        await pilot.press("c")
        pr = app.screen.query_one("#pr", SelectionList)
        await pilot.press("tab")
        assert app.focused is pr
        await pilot.press("space")
        await wait_for(pilot, lambda: (repo / ".auditui" / "state.toml").exists(), what="the tick to be saved")
        ticks = state(repo)["checklist"]["pr"]
        assert ticks == {pr.get_option_at_index(0).value: True}
