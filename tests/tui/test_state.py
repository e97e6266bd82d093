"""What the previous session left rough: theme changes, a state file changed by
another auditui, and the triage entries whose finding is gone."""

from __future__ import annotations

import tomllib

from auditui.checks.api import Severity
from auditui.checks.triage import TriageStore
from auditui.widgets.style import severity_styles
from tui_helpers import row_strip, scanned, wait_for


def fingerprint_of(app, code: str) -> str:
    return next(fp for fp, f in app.findings.items() if f.code == code)


async def test_theme_change_restyles_rows_already_shown(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        high = fingerprint_of(app, "K8S020")

        def colours(key: str, label: str) -> set[str]:
            return {seg.style.color.name.lower() for seg in row_strip(app, key)
                    if seg.text.strip() == label and seg.style and seg.style.color}

        line_before = row_strip(app, high).text
        before = colours(high, "HIGH")
        app.theme = "nord"
        await pilot.pause()
        # the rows that were drawn before the switch are drawn with the new theme's colours
        assert colours(high, "HIGH") == {"#bf616a"} != before
        assert colours("group:sev:high", "HIGH") == {"#bf616a"}
        assert row_strip(app, high).text == line_before  # same text, new style
        assert severity_styles(app.current_theme)[Severity.HIGH] == "bold #BF616A"


async def test_triage_written_by_another_instance_shows_up(make_app, repo):
    app = make_app(watch=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await wait_for(pilot, lambda: app.watching, what="the watcher to start")
        table = app.findings_screen.table
        fingerprint = fingerprint_of(app, "K8S020")
        assert fingerprint in table.visible_fingerprints
        # a second auditui on the same repository accepts the finding
        other = TriageStore.open(repo)
        other.accept(app.findings[fingerprint], "handled by the other terminal")
        await wait_for(pilot, lambda: fingerprint not in table.visible_fingerprints, what="the row to leave")
        assert app.status_of(app.findings[fingerprint]) == "accepted"
        assert app.entry_of(app.findings[fingerprint]).reason == "handled by the other terminal"
        assert any("changed on disk" in str(n.message) for n in app._notifications)
        # ... then reopens it: back in the open list
        other.reopen(app.findings[fingerprint])
        await wait_for(pilot, lambda: fingerprint in table.visible_fingerprints, what="the row to come back")
        # our own writes come back through the watcher too, and are not reported as news
        app.clear_notifications()
        password = fingerprint_of(app, "TUI001")
        assert app.triage("note", app.findings[password], text="rotate it")
        await pilot.pause(0.8)
        assert not any("changed on disk" in str(n.message) for n in app._notifications)
        notes = tomllib.loads((repo / ".auditui" / "state.toml").read_text())["findings"][password]["notes"]
        assert [n["text"] for n in notes] == ["rotate it"]


async def test_resolved_entries_are_listed_and_pruned(make_app, repo):
    from auditui.screens.resolved import ResolvedScreen
    from textual.widgets import DataTable

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        k8s020, limits = fingerprint_of(app, "K8S020"), fingerprint_of(app, "TUI003")
        assert app.triage("accept", app.findings[k8s020], reason="dev only")
        assert app.triage("defer", app.findings[limits], until=app.today().replace(year=app.today().year + 1),
                          reason="next quarter")
        assert app.check_action("resolved", ()) is True
        # both findings go away with their file
        (repo / "k8s" / "api.yaml").unlink()
        first = app.timings["scan_done"]
        await pilot.press("r")
        await wait_for(pilot, lambda: app.timings["scan_done"] != first and not app._busy, what="the rescan")
        status = app.findings_screen.query_one("#status-state").render()
        assert "2 resolved triage entries (R lists)" in str(status)
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, ResolvedScreen)
        table = screen.query_one("#resolved", DataTable)
        assert {row.key.value for row in table.ordered_rows} == {k8s020, limits}
        assert screen.check_action("prune_one", ()) is True
        # x prunes the selected entry only
        selected = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")  # the confirmation
        await pilot.pause()
        remaining = {k8s020, limits} - {selected}
        assert {row.key.value for row in table.ordered_rows} == remaining
        state = tomllib.loads((repo / ".auditui" / "state.toml").read_text())
        assert set(state.get("findings", {})) == remaining
        # P prunes the rest, after a confirmation (n keeps them)
        await pilot.press("P")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("P")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert table.row_count == 0
        assert "No resolved triage entries" in str(screen.query_one("#resolved-title").render())
        assert screen.check_action("prune_one", ()) is False
        state = tomllib.loads((repo / ".auditui" / "state.toml").read_text())
        assert not state.get("findings")
        await pilot.press("escape")
        assert app.screen is app.findings_screen


async def test_every_built_in_theme_draws_every_screen_with_distinct_severities(make_app):
    """The command palette offers every built-in theme; none may end the app (the ANSI ones
    name colours ``ansi_red``, which Rich cannot read), and in each the severities differ."""
    from rich.color import Color
    from rich.style import Style

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        high = fingerprint_of(app, "K8S020")
        themes = sorted(app.available_themes)  # the ANSI ones came with Textual 8.1
        assert {"textual-dark", "textual-light", "nord"} <= set(themes)
        for name in themes:
            app.theme = name
            await pilot.pause()
            assert "HIGH" in row_strip(app, high).text, name
            styles = {sev: Style.parse(value) for sev, value in severity_styles(app.current_theme).items()}
            colours = [styles[sev].color for sev in (Severity.HIGH, Severity.MEDIUM, Severity.LOW)]
            assert all(isinstance(c, Color) for c in colours) and len({c.name for c in colours}) == 3, (name, colours)
            assert styles[Severity.CRITICAL].reverse and not styles[Severity.HIGH].reverse  # CRIT differs from HIGH
            for key in ("c", "f", "i"):
                await pilot.press(key)
                await pilot.pause()
                await pilot.press("escape")
            await pilot.pause()
        assert app.return_code is None and app.is_running


def test_theme_colours_rich_cannot_read_are_translated():
    """Textual's ANSI themes say ``ansi_red``; Rich says ``red`` (any Textual version)."""
    from types import SimpleNamespace

    from auditui.widgets.style import theme_colour

    theme = SimpleNamespace(error="ansi_red", warning="ansi_bright_yellow", primary="#0178d4", success="nonsense")
    assert theme_colour(theme, "error", "x") == "red"
    assert theme_colour(theme, "warning", "x") == "bright_yellow"
    assert theme_colour(theme, "primary", "x") == "#0178d4"
    assert theme_colour(theme, "success", "green") == "green"
    assert theme_colour(theme, "accent", "blue") == "blue"
    assert severity_styles(theme)[Severity.CRITICAL] == "bold reverse red"
