"""Notices: what auditui could not read or did not audit, file by file.

The scan's notices (a file skipped or not parsed, a chart whose templates are not rendered,
a remote base not fetched, a region of a script the reader could not understand, a check
that failed on a file) are the limits of every "nothing found" and of every absence claim.
The headless scan prints them and the report lists them under "Not audited"; this screen
shows the same list in the app, and follows saves while open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from ..widgets.style import data_text

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp

#: the order kinds are listed in: what was not audited at all first
KIND_ORDER = {"error": 0, "skipped": 1, "warning": 2, "info": 3}


class NoticesScreen(Screen):
    """Every notice of the last scan and the saves since."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the findings"),
    ]

    app: AuditApp

    #: the width of the Where column: a longer path keeps its end ("…/01-dexd/compose.yaml")
    _where_width = 30

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="notices-title", classes="pane-title")
        yield DataTable(id="notices", cursor_type="row", zebra_stripes=False)
        yield Static("", id="notice-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#notices", DataTable)
        table.add_column("Kind", key="kind", width=8)
        table.add_column("Where", key="where", width=30)
        table.add_column("What auditui could not see", key="what", width=60)
        self.findings_changed()
        table.focus()

    def on_resize(self) -> None:
        """Give the message what the path does not need, so it stays readable at 80 columns."""
        table = self.query_one("#notices", DataTable)
        rest = max(table.size.width - 2 * table.cell_padding * 3 - 8 - 1, 40)
        where = min(max(rest * 30 // 100, 16), 48)
        table.columns["where"].width = where  # type: ignore[index]
        table.columns["what"].width = rest - where  # type: ignore[index]
        if where != self._where_width:
            self._where_width = where
            self.findings_changed()  # paths are cut from the left to the new width
        table.refresh(layout=True)

    def findings_changed(self) -> None:
        """A scan or a save changed what was read: list the notices again."""
        notices = sorted(self.app.notices, key=lambda n: (KIND_ORDER.get(n.kind, 9), n.path, n.message))
        table = self.query_one("#notices", DataTable)
        row = table.cursor_row
        table.clear()
        self._shown = notices
        for index, notice in enumerate(notices):
            table.add_row(*self._cells(notice, self._where_width), key=str(index))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        files = len({n.path for n in notices})
        if not self.app.scanned_once:
            title = "The scan is still running: its notices are listed when it ends."
        elif notices:
            title = (f"{len(notices)} notice{'s' if len(notices) != 1 else ''} in {files} "
                     f"file{'s' if files != 1 else ''}: what auditui could not read or did not audit. "
                     "A finding or an absence claim covers only what was read.")
        else:
            title = "No notices: every file auditui found was read in full."
        self.query_one("#notices-title", Label).update(Text(title))
        self._show_detail(table.cursor_row if table.row_count else None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int | None) -> None:
        """The whole message of the highlighted notice (the table cuts it to its column)."""
        shown = getattr(self, "_shown", [])
        detail = self.query_one("#notice-detail", Static)
        if row is None or not 0 <= row < len(shown):
            detail.update(Text(""))
            return
        notice = shown[row]
        text = data_text(notice.path or "(repository)", style="bold")
        text.append("\n")
        text.append_text(data_text(notice.message, multiline=True))
        detail.update(text)

    def facts_changed(self) -> None:
        self.findings_changed()

    @staticmethod
    def _cells(notice: Any, where_width: int) -> list[Text]:
        where = notice.path or "(repository)"
        if len(where) > where_width > 1:
            where = "…" + where[len(where) - where_width + 1:]
        return [
            data_text(notice.kind, style="bold" if notice.kind in ("error", "skipped") else "", no_wrap=True),
            data_text(where, no_wrap=True, overflow="ellipsis"),
            data_text(notice.message, no_wrap=True, overflow="ellipsis"),
        ]
