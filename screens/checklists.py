"""Checklists: production readiness by area, and the PR reviewer checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from ..checks.readiness import PR_CHECKLIST, SCORE_FORMULA, Mark
from ..messages import ShowFindings
from ..widgets.style import data_text, theme_colour

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp

def _mark_text(mark: Mark, theme) -> Text:
    colours = {
        Mark.PASS: theme_colour(theme, "success", "green"),
        Mark.PARTIAL: theme_colour(theme, "warning", "yellow"),
        Mark.FAIL: theme_colour(theme, "error", "red"),
    }
    style = f"bold {colours[mark]}" if mark in colours else "dim"
    return Text(f"{mark.value:<7}", style=style, no_wrap=True)


class ChecklistsScreen(Screen):
    """Is it ready for production?  One row per area, and the PR gate ticked by hand."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the findings"),
        Binding("enter", "show_findings", "Show findings", tooltip="The findings behind the selected area"),
        Binding("tab", "app.focus_next", "Switch list", show=False, tooltip="Switch between the two checklists"),
    ]

    app: AuditApp

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static("", id="score")
        with Horizontal(id="checklists"):
            with Vertical(id="readiness-pane"):
                yield Label("Production readiness", classes="pane-title")
                yield DataTable(id="readiness", cursor_type="row", zebra_stripes=False)
            with Vertical(id="pr-pane"):
                yield Label("PR reviewer checklist (space ticks; saved in the state file)", classes="pane-title")
                yield SelectionList[str](id="pr")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#readiness", DataTable)
        table.add_column("Area", key="area", width=30)
        table.add_column("Mark", key="mark", width=7)
        table.add_column("Findings", key="count", width=8)
        table.add_column("Summary", key="summary")
        ticks = self.app.store.checklist_ticks() if self.app.store is not None else {}
        pr = self.query_one("#pr", SelectionList)
        for item in PR_CHECKLIST:
            pr.add_option(Selection(item.text, item.id, bool(ticks.get(item.id))))
        pr.highlighted = 0
        if not self.app.can_triage:
            pr.disabled = True
        self.readiness_changed()
        table.focus()

    def readiness_changed(self) -> None:
        items = self.app.readiness
        table = self.query_one("#readiness", DataTable)
        score = self.query_one("#score", Static)
        if items is None:
            score.update(Text("Readiness: waiting for the scan…", style="dim"))
            return
        row = table.cursor_row
        table.clear()
        theme = self.app.current_theme
        for item in items:
            table.add_row(
                Text(item.area.title, no_wrap=True, overflow="ellipsis"),
                _mark_text(item.mark, theme),
                Text(str(len(item.findings)) if item.findings else "—", justify="right"),
                data_text(item.summary, no_wrap=True, overflow="ellipsis", style="dim" if item.mark is Mark.NA else ""),
                key=item.area.id,
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        counts = {mark: sum(1 for i in items if i.mark is mark) for mark in Mark}
        headline = Text.assemble(
            ("Readiness score ", "bold"),
            *(((" n/a ", "bold reverse"), ("   ", "bold")) if self.app.score is None
              else ((f"{self.app.score:.1f}", "bold reverse"), (" / 10   ", "bold"))),
            " · ".join(f"{counts[m]} {m.value}" for m in Mark if counts[m]),
        )
        headline.append("\n" + SCORE_FORMULA, style="dim")
        score.update(headline)
        self._label_pr_items()

    def theme_changed(self) -> None:
        self.readiness_changed()

    def state_changed(self) -> None:
        """The state file was re-read: show the PR ticks it holds now."""
        if self.app.store is None:
            return
        ticks = self.app.store.checklist_ticks()
        pr = self.query_one("#pr", SelectionList)
        with pr.prevent(SelectionList.SelectionToggled):
            for item in PR_CHECKLIST:
                if bool(ticks.get(item.id)) != (item.id in pr.selected):
                    pr.toggle(item.id)

    def _label_pr_items(self) -> None:
        """Say, beside each PR item, how many open findings bear on it."""
        open_by_category: dict = {}
        for finding in self.app.findings.values():
            if self.app.status_of(finding) == "open":
                open_by_category[finding.category] = open_by_category.get(finding.category, 0) + 1
        pr = self.query_one("#pr", SelectionList)
        for index, item in enumerate(PR_CHECKLIST):
            count = sum(open_by_category.get(c, 0) for c in item.categories)
            prompt = Text(item.text)
            if count:
                prompt.append(f"  ({count} open)", style="dim")
            option = pr.get_option_at_index(index)
            if str(option.prompt) != str(prompt):
                pr.replace_option_prompt_at_index(index, prompt)

    # -- actions ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_findings":
            return self.app.readiness is not None and self.focused is self.query_one("#readiness")
        return True

    @on(DataTable.RowSelected, "#readiness")
    def _row_selected(self) -> None:
        self.action_show_findings()

    def action_show_findings(self) -> None:
        items = self.app.readiness or []
        table = self.query_one("#readiness", DataTable)
        if not items or not table.row_count:
            return
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        item = next((i for i in items if i.area.id == key), None)
        if item is None:
            return
        if not item.findings:
            self.notify(f"{item.area.title}: no findings ({item.mark.value}).", timeout=3)
            return
        self.post_message(ShowFindings(
            label=f"checklist: {item.area.title}",
            fingerprints=frozenset(f.fingerprint for f in item.findings),
        ))

    @on(SelectionList.SelectionToggled, "#pr")
    def _ticked(self, event: SelectionList.SelectionToggled) -> None:
        item_id = event.selection.value
        value = item_id in event.selection_list.selected
        if self.app.store is None:
            return
        try:
            self.app.store.set_tick(item_id, value)
        except Exception as exc:
            self.notify(f"Tick not saved: {exc}", severity="error")
