"""Snapshots of the main screens at a fixed size (review a diff before updating).

The app runs on a copy of tests/tui/fixtures/shop named ``shop`` with the pinned
checks, no watcher and a fixed date, and notifications are cleared first, so
nothing on screen depends on time, timings or absolute paths.
"""

from __future__ import annotations

from datetime import date

from tui_helpers import scanned

SIZE = (120, 36)


def app_for(make_app):
    return make_app(today=date(2030, 1, 10))


async def settle(pilot) -> None:
    await scanned(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_findings_screen_with_selection(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("down")  # the K8S020 finding: evidence in context
        await pilot.pause()

    assert snap_compare(app_for(make_app), terminal_size=SIZE, run_before=run_before)


def test_findings_screen_narrow(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(app_for(make_app), terminal_size=(80, 24), run_before=run_before)


def test_checklists_screen(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(app_for(make_app), terminal_size=SIZE, run_before=run_before)


def test_help_screen(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(make_app), terminal_size=SIZE, run_before=run_before)


def test_accept_modal(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*"internal only")
        await pilot.pause()

    assert snap_compare(app_for(make_app), terminal_size=SIZE, run_before=run_before)


def test_inventory_screen(make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("i")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app_for(make_app), terminal_size=SIZE, run_before=run_before)
