"""The findings list: keys, layout, folds, bulk triage, search, sort, expired deferrals."""

from __future__ import annotations

import io
import tomllib
from datetime import date, timedelta

import pytest
from auditui.findings_model import is_heading
from auditui.screens.modals import AcceptModal
from auditui.widgets.detail import FindingDetail
from rich.console import Console
from tui_helpers import row_strip, scanned, wait_for

TODAY = date(2030, 1, 10)


def selected_code(app) -> str | None:
    finding = app.findings_screen.selected
    return None if finding is None else finding.code


def visible_lines(app) -> list[str]:
    table = app.findings_screen.table
    return [table.render_line(y).text for y in range(min(table.size.height, table.row_count))]


async def test_home_end_vim_keys_and_ctrl_home_land_on_findings(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert selected_code(app) == "TUI001"
        await pilot.press("end")
        assert selected_code(app) == "TUI003"  # the last finding, not a heading
        await pilot.press("home")
        assert selected_code(app) == "TUI001"
        await pilot.press("G")
        assert selected_code(app) == "TUI003"
        await pilot.press("ctrl+home")
        assert selected_code(app) == "TUI001"  # ctrl+home lands on a finding too
        await pilot.press("j", "j")
        assert selected_code(app) == "TUI002"
        await pilot.press("k")
        assert selected_code(app) == "K8S020"
        await pilot.press("ctrl+end", "g", "g")
        assert selected_code(app) == "TUI001"
        # home and end move the cursor: nothing scrolls sideways
        assert app.findings_screen.table.scroll_offset.x == 0


async def test_filter_open_and_close_keeps_line_numbers(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        before = visible_lines(app)
        assert any("k8s/api.yaml:13" in line for line in before)
        await pilot.press("slash", *"latest")
        await pilot.pause()
        assert all("docker-compose.yml:" in line for line in visible_lines(app) if "TUI002" in line)
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert visible_lines(app) == before


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_locations_keep_their_line_number_at_every_width(make_app, repo, width):
    deep = repo / "services" / "platform" / "team-payments" / "manifests" / "workloads"
    if width == 200:
        deep = repo / "services" / "payments" / "manifests"
    deep.mkdir(parents=True)
    (deep / "api-server-deployment.yaml").write_text(
        (repo / "k8s" / "api.yaml").read_text().replace("name: api\n", "name: api-server\n"))
    for number in range(30):  # enough rows for a scrollbar, which takes columns from the list
        (repo / "k8s" / f"more-{number}.yaml").write_text(
            (repo / "k8s" / "api.yaml").read_text().replace("name: api\n", f"name: api{number}\n"))
    app = make_app()
    async with app.run_test(size=(width, 40)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        k8s = [fp for fp, f in app.findings.items() if f.path.startswith("services/")]
        assert k8s
        for fp in k8s:
            strip = row_strip(app, fp)
            assert strip.cell_length <= table.scrollable_content_region.width  # nothing hides under the scrollbar
            assert f":{app.findings[fp].line}" in strip.text, strip.text
        detail = app.findings_screen.query_one(FindingDetail)
        if width >= 120:
            assert detail.size.width >= width * 33 // 100  # the detail grows with the terminal
        if width == 200:  # a long path is shown whole
            assert "services/payments/manifests/api-server-deployment.yaml:13" in \
                row_strip(app, k8s[0]).text + row_strip(app, k8s[-1]).text


async def test_footer_keeps_quit_help_checklists_and_files_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scanned(pilot)
        footer = app.findings_screen.query_one("Footer")
        keys = [key.key for key in footer.query("FooterKey") if key.region.right <= 80 and key.region.width]
        for wanted in ("q", "question_mark", "c", "f"):
            assert wanted in keys, keys


async def test_groups_fold_and_unfold(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        await pilot.press("G", "left")  # fold the LOW group: the cursor rests on its heading
        assert table.cursor_key == "group:sev:low" and "TUI003" not in [
            app.findings[k].code for k in table.row_keys if not is_heading(k)]
        assert "▸" in row_strip(app, "group:sev:low").text
        assert table.counts()[list(table.counts())[-2]] == 1  # the LOW count still counts it
        await pilot.press("right")
        assert selected_code(app) == "TUI003"
        await pilot.press("z")
        assert all(is_heading(k) for k in table.row_keys)
        await pilot.press("z")
        assert len(table.visible_fingerprints) == 5


async def test_sort_and_search_next_previous(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        await pilot.press("v", "v", "v")  # group by nothing
        await pilot.press("S", "S")  # sort by code
        assert [app.findings[k].code for k in table.row_keys] == ["K8S020", "TUI001", "TUI002", "TUI002", "TUI003"]
        await pilot.press("ctrl+f", *"latest", "enter")
        assert selected_code(app) == "TUI002"
        first = app.findings_screen.selected.fingerprint
        await pilot.press("right_square_bracket")
        assert selected_code(app) == "TUI002" and app.findings_screen.selected.fingerprint != first
        await pilot.press("left_square_bracket")
        assert app.findings_screen.selected.fingerprint == first
        assert len(table.visible_fingerprints) == 5  # find never filters


async def test_bulk_accept_of_all_findings_of_a_check_in_one_form(make_app, repo):
    app = make_app(today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        latest = [fp for fp, f in app.findings.items() if f.code == "TUI002"]
        table.select_fingerprint(latest[0])
        await pilot.press("C")  # every shown finding of this check
        assert table.model.selected == set(latest)
        await pilot.press("a")
        modal = app.screen
        assert isinstance(modal, AcceptModal) and len(modal.findings) == 2
        await pilot.press(*"pinned in the next release", "enter")
        await wait_for(pilot, lambda: all(app.status_of(app.findings[fp]) == "accepted" for fp in latest),
                       what="the bulk accept")
        assert not table.model.selected  # done: the selection is cleared
        state = tomllib.loads((repo / ".auditui" / "state.toml").read_text())["findings"]
        assert {fp for fp, e in state.items() if e["reason"] == "pinned in the next release"} == set(latest)
        assert len(app.undo_stack) == 1  # one action, one undo
        await pilot.press("u")
        assert all(app.status_of(app.findings[fp]) == "open" for fp in latest)


async def test_space_and_shift_select_then_note(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        await pilot.press("space")  # selects TUI001 and moves down
        await pilot.press("shift+down")  # K8S020 to TUI002
        assert len(table.model.selected) == 3
        assert "3 selected" in str(app.findings_screen.query_one("#status-view").render())
        await pilot.press("n", *"triage meeting 12", "enter")
        await wait_for(pilot, lambda: not table.model.selected, what="the bulk note")
        notes = tomllib.loads((repo / ".auditui" / "state.toml").read_text())["findings"]
        assert len(notes) == 3 and all(e["notes"][0]["text"] == "triage meeting 12" for e in notes.values())
        await pilot.press("ctrl+a")
        assert len(table.model.selected) == 5
        await pilot.press("escape")  # esc clears the selection first
        assert not table.model.selected


async def test_a_lapsed_deferral_is_labelled_expired(make_app, repo):
    app = make_app(today=TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        k8s = next(fp for fp, f in app.findings.items() if f.code == "K8S020")
        assert app.triage("defer", app.findings[k8s], until=TODAY + timedelta(days=3), reason="next sprint")
    later = make_app(today=TODAY + timedelta(days=10))
    async with later.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        assert later.status_of(later.findings[k8s]) == "open"
        assert "expired" in row_strip(later, k8s).text
        later.findings_screen.table.select_fingerprint(k8s)
        await pilot.pause()
        body = later.findings_screen.query_one(FindingDetail).query_one("#detail-body")
        console = Console(file=io.StringIO(), width=100, color_system=None)
        console.print(getattr(body, "content", None) or body.renderable)
        text = console.file.getvalue()
        assert "the deferral until 2030-01-13 expired" in text


async def test_resolved_screen_refreshes_while_open(make_app, repo):
    from auditui.screens.resolved import ResolvedScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        k8s = next(fp for fp, f in app.findings.items() if f.code == "K8S020")
        assert app.triage("accept", app.findings[k8s], reason="dev only")
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, ResolvedScreen)
        table = screen.query_one("#resolved")
        assert table.row_count == 0
        manifest = repo / "k8s" / "api.yaml"
        manifest.write_text(manifest.read_text().replace("imagePullPolicy: Never", "imagePullPolicy: Always"))
        app._pending.add(str(manifest))
        app._kick()
        await wait_for(pilot, lambda: table.row_count == 1, what="the resolved list to follow the save")


async def test_every_status_shows_whole_in_the_status_column(make_app, repo):
    compose = repo / "docker-compose.yml"
    compose.write_text(compose.read_text().replace(
        "    image: nginx:latest\n", "    # auditui: ignore[TUI002] follows upstream on purpose\n    image: nginx:latest\n"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("t", "t", "t", "t")  # status: all (the status column shows)
        await pilot.pause()
        suppressed = next(fp for fp, f in app.findings.items() if f.suppressed_by)
        assert "suppressed" in row_strip(app, suppressed).text  # not "suppress…"


async def test_ctrl_home_shows_the_heading_of_the_first_group(make_app, repo):
    for number in range(40):  # more rows than the screen holds
        (repo / "k8s" / f"more-{number}.yaml").write_text(
            (repo / "k8s" / "api.yaml").read_text().replace("name: api\n", f"name: api{number}\n"))
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        await pilot.press("end")
        assert table.scroll_offset.y > 0
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert selected_code(app) == "TUI001"
        assert table.scroll_offset.y == 0  # the CRIT heading above it is on screen
        assert is_heading(table.row_keys[0]) and table.render_line(0).text.lstrip().startswith("▾")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_columns_size_to_what_the_rows_hold(make_app, repo, size):
    # a resource longer than any fixed column, short paths: at 200 columns every title and
    # that resource are whole; at every size the location keeps its line number and nothing
    # runs under the scrollbar
    long_name = "payments-settlement-reconciliation-worker"
    (repo / "k8s" / "worker.yaml").write_text(
        (repo / "k8s" / "api.yaml").read_text().replace("name: api\n", f"name: {long_name}\n"))
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        width = table.scrollable_content_region.width
        for fp, finding in app.findings.items():
            text = row_strip(app, fp).text
            assert len(text.rstrip()) <= width
            if finding.line:
                assert f":{finding.line}" in text, text
            if size[0] == 200:
                assert finding.title in text, text  # titles get the room first
        if size[0] == 200:
            # the resource column takes the room the whole titles and locations leave (it was a
            # fixed 28 cells): a resource too long for it fills it to the list's edge
            worker = [fp for fp, f in app.findings.items() if long_name in f.resource and f.path == "k8s/worker.yaml"]
            assert worker
            for fp in worker:
                text = row_strip(app, fp).text.rstrip()
                assert app.findings[fp].resource[:29] in text and text.endswith("…") and len(text) == width
        if size[0] == 80:
            assert "Resource" not in str(app.findings_screen.query_one("#list-header").render())


async def test_a_save_that_adds_a_row_resizes_the_scroll_range(make_app, repo):
    # the list sets its row count without a layout pass when the scrollbar stays as it is:
    # the scroll range and the scrollbar must still follow the rows
    for number in range(40):
        (repo / "k8s" / f"more-{number}.yaml").write_text(
            (repo / "k8s" / "api.yaml").read_text().replace("name: api\n", f"name: api{number}\n"))
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        before = table.row_count
        assert table.virtual_size.height == before > table.size.height
        (repo / "k8s" / "more-extra.yaml").write_text(
            (repo / "k8s" / "api.yaml").read_text().replace("name: api\n", "name: api-extra\n"))
        app._pending.add(str(repo / "k8s" / "more-extra.yaml"))
        app._kick()
        await wait_for(pilot, lambda: table.row_count > before, what="the new rows")
        await pilot.pause()
        assert table.virtual_size.height == table.row_count
        assert table.vertical_scrollbar.window_virtual_size == table.row_count
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_offset.y == table.max_scroll_y == table.row_count - table.scrollable_content_region.height
        assert table.cursor == table.row_count - 1
