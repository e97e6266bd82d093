"""Resolved triage: entries of the state file whose finding no longer exists.

A finding that was accepted or deferred and then fixed (or whose file was deleted)
leaves its triage entry behind; the entry is kept, shown here, until the user prunes
it: one at a time (``x``) or all at once (``P``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from ..widgets.style import data_text

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp


class ResolvedScreen(Screen):
    """Triage entries whose finding is gone, and pruning them."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the findings"),
        Binding("x", "prune_one", "Prune this", tooltip="Drop the selected entry from the state file (asks first)"),
        Binding("P", "prune_all", "Prune all", tooltip="Drop every entry listed here from the state file (asks first)"),
    ]

    app: AuditApp

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="resolved-title", classes="pane-title")
        yield DataTable(id="resolved", cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#resolved", DataTable)
        table.add_column("Code", key="code", width=8)
        table.add_column("Was", key="status", width=9)
        table.add_column("Where", key="where", width=30)
        table.add_column("Resource", key="resource", width=24)
        table.add_column("Title / reason", key="title", width=40)
        self.state_changed()
        table.focus()

    def on_resize(self) -> None:
        """Share the width so the title stays on screen at 80 columns."""
        table = self.query_one("#resolved", DataTable)
        rest = max(table.size.width - 2 * table.cell_padding * 5 - 8 - 9 - 1, 30)
        widths = {"where": rest * 30 // 100, "resource": rest * 22 // 100}
        widths["title"] = rest - widths["where"] - widths["resource"]
        for key, width in widths.items():
            table.columns[key].width = width  # type: ignore[index]
        table.refresh(layout=True)

    def state_changed(self) -> None:
        """The state file or the findings changed: list the resolved entries again."""
        entries = self.app.resolved_entries()
        # entries whose finding auditui could not have seen this time (the file is mid-edit and
        # does not parse, it is excluded, or the check is off): not "resolved", and kept
        kept = self.app.unverified_fingerprints() or set()
        table = self.query_one("#resolved", DataTable)
        row = table.cursor_row
        table.clear()
        for entry in sorted(entries, key=lambda e: (e.path, e.code, e.resource, e.fingerprint)):
            table.add_row(*self._cells(entry, entry.fingerprint in kept), key=entry.fingerprint)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        count, unsure = len(entries), len(kept)
        gone = count - unsure
        parts = []
        if gone:
            parts.append(f"{gone} triage entr{'ies' if gone != 1 else 'y'} whose finding no longer exists "
                         "(fixed, or its file is gone)")
        if unsure:
            parts.append(f"{unsure} not looked for this time (kept: the file did not parse or was not audited, "
                         "or the check is off)")
        if count:
            title = " · ".join([*parts, "x prunes one, P prunes all" if gone else "nothing to prune"])
        else:
            title = "No resolved triage entries: every triaged finding still exists."
        if not self.app.can_triage and count:
            title += " · the state file is read-only"
        self.query_one("#resolved-title", Label).update(Text(title))
        self.refresh_bindings()

    def theme_changed(self) -> None:
        self.state_changed()

    @staticmethod
    def _cells(entry: Any, kept: bool = False) -> list[Text]:
        title = data_text(entry.title or "", no_wrap=True, overflow="ellipsis")
        if kept:
            marked = Text(no_wrap=True, overflow="ellipsis")
            marked.append("kept, not looked for: ", style="bold italic")
            marked.append_text(title)
            title = marked
        details = [entry.reason or "", f"{entry.by} {entry.at}".strip()]
        details = [d for d in details if d]
        if details:
            title.append_text(data_text("  " + " · ".join(details), style="dim"))
        return [
            data_text(entry.code or "?", style="bold", no_wrap=True),
            data_text(entry.status, no_wrap=True),
            data_text(entry.path or "(repository)", no_wrap=True, overflow="ellipsis"),
            data_text(entry.resource or "—", no_wrap=True, overflow="ellipsis"),
            title,
        ]

    # -- actions ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("prune_one", "prune_all"):
            if not self.is_mounted:
                return True
            return self.app.can_triage and self.query_one("#resolved", DataTable).row_count > 0
        return True

    def _selected_fingerprint(self) -> str | None:
        table = self.query_one("#resolved", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value

    def action_prune_one(self) -> None:
        fingerprint = self._selected_fingerprint()
        if fingerprint is not None:
            self.app.confirm_prune(fingerprint)

    def action_prune_all(self) -> None:
        self.app.confirm_prune()

    def findings_changed(self) -> None:
        """A scan or a save changed the findings: entries may have resolved, or come back."""
        self.state_changed()
