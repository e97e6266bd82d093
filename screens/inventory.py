"""Inventory: what the repository runs, area by area, with the evidence one key away."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static, Tree

from ..checks.inventory import Area, Inventory, Item, Maturity
from ..checks.readiness import AREAS
from ..messages import ShowFindings
from ..widgets.style import data_text, theme_colour

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp

_CATEGORIES = {area.id: area.categories for area in AREAS}


def maturity_style(maturity: Maturity, theme: Any) -> str:
    colours = {
        Maturity.PRESENT: theme_colour(theme, "success", "green"),
        Maturity.PARTIAL: theme_colour(theme, "warning", "yellow"),
        Maturity.ABSENT: theme_colour(theme, "error", "red"),
    }
    return f"bold {colours[maturity]}" if maturity in colours else "dim"


class InventoryScreen(Screen):
    """Every area of the system (IaC, runtime, data stores, ingress, CI/CD...) as a tree."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the findings"),
        Binding("enter", "show_evidence", "Show findings",
                tooltip="An item: the findings of its file (an area: fold or unfold it)"),
        Binding("F", "area_findings", "Area findings",
                tooltip="The findings of the readiness areas the selected area bears on"),
        Binding("z", "toggle_all", "Fold all", tooltip="Fold or unfold every area"),
    ]

    app: AuditApp

    def __init__(self) -> None:
        super().__init__()
        self.inventory: Inventory | None = None
        self._scheduled = False

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="inventory-title", classes="pane-title")
        yield Tree[Any](Text("Inventory"), id="inventory")
        yield Static("", id="inventory-detail")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.show_root = False
        self._build()
        tree.focus()

    # -- building ----------------------------------------------------------------
    def readiness_changed(self) -> None:
        """The app recomputed the checklist (after a scan, an update or triage): the marks moved."""
        self._schedule()

    def facts_changed(self) -> None:
        """An update was applied: what the files say may have changed with no finding changing."""
        self._schedule()

    def _schedule(self) -> None:
        """One rebuild after the burst of hooks of one update."""
        if not self._scheduled:
            self._scheduled = True
            self.call_after_refresh(self._build)

    def _build(self) -> None:
        self._scheduled = False
        if getattr(self.app, "_busy", False):
            return  # an engine operation runs: its end calls facts_changed again
        engine = self.app.engine
        if engine is None or not self.app.scanned_once:
            self.query_one("#inventory-title", Label).update(Text("Inventory: waiting for the scan…", style="dim"))
            return
        from ..checks import inventory

        self.inventory = inventory.build(engine.index, engine.context_of, self.app.readiness)
        self._rebuild()

    def theme_changed(self) -> None:
        if self.inventory is not None:
            self._rebuild()

    def _rebuild(self) -> None:
        inv = self.inventory
        if inv is None:
            return
        tree = self.query_one(Tree)
        line = tree.cursor_line
        expanded = {node.data.id for node in tree.root.children if isinstance(node.data, Area) and node.is_expanded}
        first = not tree.root.children
        tree.clear()
        theme = self.app.current_theme
        for area in inv.areas:
            label = Text.assemble((f"{area.title:<27}", "bold"), (f" {area.maturity.value:<12}",
                                                                   maturity_style(area.maturity, theme)))
            label.append(f" {len(area.items):>3}  ", style="dim")
            label.append_text(data_text(area.why, style="dim"))
            node = tree.root.add(label, data=area, expand=(area.id in expanded) if not first else bool(area.items))
            for item in area.items:
                text = Text.assemble(data_text(item.kind, style="bold"), " ", data_text(item.name), "  ",
                                     data_text(item.location, style="dim"))
                if not item.production:
                    text.append(f"  [{item.context}]", style="italic")
                if item.maturity is not Maturity.PRESENT:
                    text.append(f"  {item.maturity.value}", style=maturity_style(item.maturity, theme))
                node.add_leaf(text, data=item)
        counts = {m: sum(1 for a in inv.areas if a.maturity is m) for m in Maturity}
        summary = " · ".join(f"{counts[m]} {m.value}" for m in Maturity if counts[m])
        self.query_one("#inventory-title", Label).update(Text(
            f"Inventory: {len(inv.items())} items, {len(inv.areas)} areas ({summary})"))

        def restore() -> None:
            if tree.last_line >= 0:
                tree.cursor_line = min(max(line, 0), tree.last_line)
            self._show_detail(tree.cursor_node)

        self.call_after_refresh(restore)

    # -- the detail line -----------------------------------------------------------
    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._show_detail(event.node)

    def _show_detail(self, node: Any) -> None:
        detail = self.query_one("#inventory-detail", Static)
        data = getattr(node, "data", None)
        if isinstance(data, Area):
            text = Text.assemble((data.title, "bold"), " · ", (data.maturity.value, "bold"), ": ")
            text.append_text(data_text(data.why))
            if data.readiness:
                text.append("\nreadiness: " + ", ".join(f"{r.title} {r.mark}" for r in data.readiness), style="dim")
            if data.unseen:
                text.append("\nnot read: ", style="dim")
                text.append_text(data_text(", ".join(data.unseen[:6]) + (" …" if len(data.unseen) > 6 else ""),
                                           style="dim"))
        elif isinstance(data, Item):
            text = Text.assemble(data_text(data.kind, style="bold"), " ", data_text(data.name), " at ",
                                 data_text(data.location), f" ({data.context})")
            if data.details:
                text.append("\n")
                text.append_text(data_text(data.details))
            if data.why:
                text.append(f"\n{data.maturity.value}: ", style="bold")
                text.append_text(data_text(data.why))
        else:
            text = Text("")
        detail.update(text)

    # -- actions -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("show_evidence", "toggle_all", "area_findings"):
            return self.inventory is not None
        return True

    def action_toggle_all(self) -> None:
        tree = self.query_one(Tree)
        areas = list(tree.root.children)
        expand = not any(node.is_expanded for node in areas)
        for node in areas:
            if expand:
                node.expand()
            else:
                node.collapse()

    def action_show_evidence(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is not None:
            self._evidence(node.data)

    def action_area_findings(self) -> None:
        node = self.query_one(Tree).cursor_node
        while node is not None and not isinstance(node.data, Area):
            node = node.parent
        if node is not None:
            self._evidence(node.data)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if isinstance(event.node.data, Item):
            self._evidence(event.node.data)

    def _evidence(self, data: Any) -> None:
        if isinstance(data, Item):
            path = data.path
            if not path or path == ".":
                return
            if not any(f.path == path for f in self.app.findings.values()):
                self.notify(f"No findings in {path}; {data.kind} {data.name}: {data.details or data.maturity.value}.",
                            timeout=4)
                return
            self.post_message(ShowFindings(label=f"file: {path}", path=path))
        elif isinstance(data, Area):
            categories = {c for r in data.spec.readiness for c in _CATEGORIES.get(r, ())}
            fingerprints = frozenset(fp for fp, f in self.app.findings.items() if f.category in categories)
            if not fingerprints:
                self.notify(f"{data.title}: no findings in its readiness areas.", timeout=3)
                return
            self.post_message(ShowFindings(label=f"inventory: {data.title}", fingerprints=fingerprints))
