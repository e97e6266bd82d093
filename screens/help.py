"""Help: every key, grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

INTRO = (
    "auditui re-checks every file you save. Triage (accept, defer, notes, PR ticks) is saved at once "
    "in .auditui/state.toml (or --state FILE); commit it to share decisions."
)


class HelpScreen(Screen):
    """Every binding, grouped; built from the bindings themselves so it cannot drift."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Close the help"),
        Binding("question_mark", "app.pop_screen", "Back", show=False),
    ]

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with VerticalScroll(id="help"):
            yield Static(Text(INTRO, style="dim"), classes="help-intro")
            for title, rows in self.groups:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", no_wrap=True, min_width=14)
                table.add_column()
                seen = set()
                for key, description in rows:
                    if (key, description) in seen:
                        continue
                    seen.add((key, description))
                    table.add_row(Text(key), Text(description))
                yield Static(Text(title, style="bold underline"), classes="help-title")
                yield Static(table, classes="help-group")
        yield Footer()
