"""Triage that survives teams, git and mistakes: in the app.

Read-only state files and folders, a state folder that is a link, git conflict markers,
renamed files, pruning while a file is mid-edit (syntax error), the confirmation of ``P``,
undo, and absurd deferral dates.
"""

from __future__ import annotations

import tomllib
from datetime import date

from auditui.screens.modals import ConfirmModal, DeferModal
from textual.widgets import Input, Label
from tui_helpers import scanned, wait_for

TODAY = date(2030, 1, 10)


def fingerprint_of(app, code: str) -> str:
    return next(fp for fp, f in app.findings.items() if f.code == code)


def state_path(repo):
    return repo / ".auditui" / "state.toml"


def status_line(app) -> str:
    return str(app.findings_screen.query_one("#status-state").render())


async def rescan(pilot) -> None:
    app = pilot.app
    first = app.timings["scan_done"]
    await pilot.press("r")
    await wait_for(pilot, lambda: app.timings["scan_done"] != first and not app._busy, what="the rescan")
    await pilot.pause()


async def test_a_read_only_state_file_is_honoured(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert app.triage("accept", app.findings[fingerprint_of(app, "K8S020")], reason="dev only")
    state_path(repo).chmod(0o444)
    before = state_path(repo).read_bytes()
    again = make_app()
    async with again.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert "READ-ONLY" in status_line(again) and "file permissions" in status_line(again)
        again.findings_screen.table.select_fingerprint(fingerprint_of(again, "TUI003"))
        await pilot.pause()
        for action in ("accept", "defer", "note"):
            assert again.findings_screen.check_action(action, ()) is False
        await pilot.press("a")
        assert again.screen is again.findings_screen  # no form that would take a reason and lose it
    assert state_path(repo).read_bytes() == before


async def test_a_state_folder_that_turns_read_only_keeps_the_typed_reason(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert app.triage("note", app.findings[fingerprint_of(app, "TUI001")], text="first")
        state_path(repo).parent.chmod(0o555)
        try:
            app.findings_screen.table.select_fingerprint(fingerprint_of(app, "K8S020"))
            await pilot.press("a", *"reviewed with security", "enter")
            await pilot.pause()
            errors = [str(n.message) for n in app._notifications if n.severity == "error"]
            assert errors and "reviewed with security" in errors[-1]  # the text is shown, not lost
            assert "READ-ONLY" in status_line(app)
            assert app.findings_screen.check_action("accept", ()) is False
        finally:
            state_path(repo).parent.chmod(0o755)


async def test_a_state_folder_that_is_a_link_is_refused(make_app, repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "state.toml").write_text('version = 1\n[findings.abc]\nstatus = "accepted"\nreason = "x"\n')
    (repo / ".auditui").symlink_to(outside)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert "symbolic link" in status_line(app)
        assert not app.can_triage and app.store.entries() == []
        await pilot.press("e")  # the export refuses the link too
        await wait_for(pilot, lambda: any("Report not written" in str(n.message) for n in app._notifications),
                       what="the export to be refused")
    assert sorted(p.name for p in outside.iterdir()) == ["state.toml"]


async def test_conflict_markers_are_read_as_both_sides(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        k8s, limits = fingerprint_of(app, "K8S020"), fingerprint_of(app, "TUI003")
        store = app.store
        assert app.triage("accept", app.findings[k8s], reason="ours")
        ours = state_path(repo).read_text()
        store.reopen(app.findings[k8s])
        store.undo(store.accept_many([app.findings[k8s]], "ours"))  # back to nothing for k8s
    # hand-build what git leaves after a conflicting merge: each side added one entry
    state_path(repo).unlink()
    other = make_app()
    async with other.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert other.triage("accept", other.findings[limits], reason="theirs")
    theirs = state_path(repo).read_text()
    head, _, ours_body = ours.partition("version = 1\n")
    _, _, theirs_body = theirs.partition("version = 1\n")
    state_path(repo).write_text(f"{head}version = 1\n<<<<<<< HEAD\n{ours_body}=======\n{theirs_body}>>>>>>> two\n")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert app.status_of(app.findings[k8s]) == "accepted" and app.status_of(app.findings[limits]) == "accepted"
        assert any("conflict markers" in str(n.message) for n in app._notifications)
        assert app.can_triage
        assert app.triage("note", app.findings[k8s], text="merged")
    text = state_path(repo).read_text()
    assert "<<<<<<<" not in text
    data = tomllib.loads(text)["findings"]
    assert {data[k8s]["reason"], data[limits]["reason"]} == {"ours", "theirs"}


async def test_triage_follows_a_renamed_file(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        old = fingerprint_of(app, "K8S020")
        assert app.triage("accept", app.findings[old], reason="dev cluster only")
        (repo / "k8s" / "api.yaml").rename(repo / "k8s" / "api-server.yaml")
        await rescan(pilot)
        new = fingerprint_of(app, "K8S020")
        assert new != old and app.findings[new].path == "k8s/api-server.yaml"
        assert app.status_of(app.findings[new]) == "accepted"
        assert any("followed k8s/api.yaml → k8s/api-server.yaml" in str(n.message) for n in app._notifications)
        assert app.resolved_entries() == []
    entry = tomllib.loads(state_path(repo).read_text())["findings"][new]
    assert entry["path"] == "k8s/api-server.yaml" and entry["reason"] == "dev cluster only"


async def test_prune_never_touches_a_file_mid_edit_and_asks_first(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        k8s = fingerprint_of(app, "K8S020")
        password = fingerprint_of(app, "TUI001")
        assert app.triage("accept", app.findings[k8s], reason="dev only")
        assert app.triage("accept", app.findings[password], reason="rotating")
        manifest = repo / "k8s" / "api.yaml"
        good = manifest.read_text()
        manifest.write_text(good.replace("spec:\n  replicas", "spec:\n  replicas: [\n  x"))  # mid-edit
        compose = repo / "docker-compose.yml"
        compose.write_text(compose.read_text().replace("POSTGRES_PASSWORD: supersecretpassword1\n", ""))
        await rescan(pilot)
        assert k8s not in app.findings and password not in app.findings
        assert {e.fingerprint for e in app.resolved_entries()} == {k8s, password}
        # only the password entry can go: the manifest did not parse, its finding was not looked for
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Remove 1 triage entry" in text and "TUI001" in text
        await pilot.press("y")
        await pilot.pause()
        data = tomllib.loads(state_path(repo).read_text())["findings"]
        assert set(data) == {k8s}
        manifest.write_text(good)  # fixed: the accepted finding is back, still accepted
        await rescan(pilot)
        assert app.status_of(app.findings[k8s]) == "accepted"


async def test_undo_puts_the_state_file_back_byte_for_byte(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert app.triage("note", app.findings[fingerprint_of(app, "TUI001")], text="keep")
        before = state_path(repo).read_bytes()
        app.findings_screen.table.select_fingerprint(fingerprint_of(app, "K8S020"))
        await pilot.press("a", *"oops", "enter")
        await wait_for(pilot, lambda: app.status_of(app.findings[fingerprint_of(app, "K8S020")]) == "accepted",
                       what="the accept")
        assert state_path(repo).read_bytes() != before
        await pilot.press("u")
        await pilot.pause()
        assert app.status_of(app.findings[fingerprint_of(app, "K8S020")]) == "open"
        assert state_path(repo).read_bytes() == before
        assert len(app.undo_stack) == 1  # the note is next in line


async def test_a_huge_deferral_is_refused_in_the_form_not_a_crash(make_app, repo):
    app = make_app(today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("d")
        modal = app.screen
        assert isinstance(modal, DeferModal)
        for typed in ("+99999999999", "+99999", "9999-12-31"):
            modal.query_one("#until", Input).value = typed
            modal.query_one("#reason", Input).value = "later"
            modal.query_one("#reason", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DeferModal), typed
            assert "at most" in str(modal.query_one("#error", Label).render())
        await pilot.press("escape")
    assert not state_path(repo).exists()


async def test_the_resolved_screen_says_which_entries_were_not_looked_for(make_app, repo):
    """An entry whose file is mid-edit is not 'resolved': the screen says it is kept, and why."""
    app = make_app()
    async with app.run_test(size=(160, 36)) as pilot:
        await scanned(pilot)
        k8s = fingerprint_of(app, "K8S020")
        password = fingerprint_of(app, "TUI001")
        assert app.triage("accept", app.findings[k8s], reason="dev only")
        assert app.triage("accept", app.findings[password], reason="rotating")
        manifest = repo / "k8s" / "api.yaml"
        manifest.write_text(manifest.read_text().replace("spec:\n  replicas", "spec:\n  replicas: [\n  x"))
        compose = repo / "docker-compose.yml"
        compose.write_text(compose.read_text().replace("POSTGRES_PASSWORD: supersecretpassword1\n", ""))
        await rescan(pilot)
        await pilot.press("R")
        await pilot.pause()
        title = str(app.screen.query_one("#resolved-title", Label).render())
        assert "1 triage entry whose finding no longer exists" in title
        assert "1 not looked for this time (kept: the file did not parse" in title
        table = app.screen.query_one("#resolved")
        rows = {key.value: " ".join(str(cell) for cell in table.get_row(key)) for key in table.rows}
        assert "kept, not looked for" in rows[k8s] and "kept" not in rows[password]
