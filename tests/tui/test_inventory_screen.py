"""The inventory screen: key i, the tree of areas, enter to the evidence, live updates."""

from __future__ import annotations

from auditui.checks.inventory import Area, Item, Maturity
from auditui.messages import FilesChanged
from textual.widgets import Static, Tree
from tui_helpers import scanned, wait_for


def area_node(tree: Tree, area_id: str):
    return next(node for node in tree.root.children if node.data.id == area_id)


def item_names(tree: Tree, area_id: str) -> list[str]:
    return [child.data.name for child in area_node(tree, area_id).children]


async def test_i_opens_the_inventory_and_enter_jumps_to_the_file(make_app):
    from auditui.screens.inventory import InventoryScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("i")
        assert isinstance(app.screen, InventoryScreen)
        tree = app.screen.query_one(Tree)
        await wait_for(pilot, lambda: bool(tree.root.children), what="the inventory")
        assert [node.data.id for node in tree.root.children][:4] == ["iac", "runtime", "workloads", "datastores"]
        assert item_names(tree, "datastores") == ["db"]
        stores = area_node(tree, "datastores")
        assert stores.data.maturity is Maturity.PARTIAL  # postgres with no volume
        assert "partial" in str(stores.label)
        # keyboard: down moves through areas and items; the detail line follows
        await pilot.press("down", "down")
        assert tree.cursor_node is not None
        # jump to the database row and press enter: the findings of docker-compose.yml
        tree.move_cursor(stores.children[0])
        await pilot.pause()
        detail = str(app.screen.query_one("#inventory-detail", Static).render())
        assert "db" in detail and "docker-compose.yml" in detail
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="back to the findings")
        assert "file: docker-compose.yml" in app.findings_screen.table.filters.describe()
        shown = {app.findings[fp].path for fp in app.findings_screen.table.visible_fingerprints}
        assert shown == {"docker-compose.yml"}


async def test_area_findings_and_folding(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("i")
        tree = app.screen.query_one(Tree)
        await wait_for(pilot, lambda: bool(tree.root.children), what="the inventory")
        await pilot.press("z")  # every area folded
        assert not any(node.is_expanded for node in tree.root.children)
        await pilot.press("z")
        assert all(node.is_expanded for node in tree.root.children if node.children)
        tree.move_cursor(area_node(tree, "secrets"))
        await pilot.pause()
        await pilot.press("F")  # the findings of the Secrets readiness area
        await wait_for(pilot, lambda: app.screen is app.findings_screen, what="back to the findings")
        codes = {app.findings[fp].code for fp in app.findings_screen.table.visible_fingerprints}
        assert codes == {"TUI001"}


async def test_inventory_follows_saves(make_app, repo):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("i")
        tree = app.screen.query_one(Tree)
        await wait_for(pilot, lambda: bool(tree.root.children), what="the inventory")
        assert item_names(tree, "caches-queues") == []
        compose = repo / "docker-compose.yml"
        compose.write_text(compose.read_text() + "  cache:\n    image: redis:7.2\n")
        app.post_message(FilesChanged({str(compose)}))
        await wait_for(pilot, lambda: item_names(app.screen.query_one(Tree), "caches-queues") == ["cache"],
                       what="the new cache in the inventory")
        tree = app.screen.query_one(Tree)
        item = area_node(tree, "caches-queues").children[0].data
        assert isinstance(item, Item) and item.location == "docker-compose.yml:12"


async def test_help_lists_the_inventory_keys(make_app):
    from auditui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        groups = dict(app.binding_groups())
        assert ("F", "The findings of the readiness areas the selected area bears on") in groups["Inventory"]
        assert any(key == "i" for key, _ in groups["Everywhere"])
