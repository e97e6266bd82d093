"""The notices screen: what auditui could not read or did not audit, in the app."""

from __future__ import annotations

from rich.console import Console
from tui_helpers import scanned, wait_for

TEMPLATE = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"


def _text(renderable) -> str:
    console = Console(width=200, color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


async def test_n_lists_the_notices_and_follows_saves(make_app, repo):
    from auditui.screens.notices import NoticesScreen

    chart = repo / "charts" / "[bold]web" / "templates"
    chart.mkdir(parents=True)
    (chart / "deployment.yaml").write_text(TEMPLATE)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert any("not rendered" in n.message for n in app.notices)
        status = app.findings_screen.query_one("#status")._shown["status-state"].plain
        assert "not fully audited (N lists)" in status
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, NoticesScreen)
        table = screen.query_one("#notices")
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        mine = [row for row in rows if row[1].endswith("web/templates/deployment.yaml")]
        assert mine and "not rendered" in mine[0][2]  # the path is shown as written, not as markup
        title = _text(screen.query_one("#notices-title").render())
        assert "what auditui could not read or did not audit" in title
        # the highlighted notice is shown whole below the table
        table.move_cursor(row=rows.index(mine[0]))
        await pilot.pause()
        detail = _text(screen.query_one("#notice-detail").render())
        assert "charts/[bold]web/templates/deployment.yaml" in detail and "not rendered" in detail
        before = table.row_count
        (chart / "deployment.yaml").unlink()
        app._pending.add(str(chart / "deployment.yaml"))
        app._kick()
        await wait_for(pilot, lambda: table.row_count == before - 1, what="the notices to follow the delete")
        await pilot.press("escape")
        assert not isinstance(app.screen, NoticesScreen)


async def test_the_notices_key_is_in_help_and_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        groups = dict(app.binding_groups())
        assert any(key == "N" and "could not read" in text for key, text in groups["Everywhere"])
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert any(title.startswith("Notices:") for title in titles)
