"""The status line under the findings: scan progress, counts, filters, watcher state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from ..checks.api import Severity
from ..checks.textsafe import one_line
from .style import SEVERITY_SHORT, severity_styles


class StatusBar(Horizontal):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    StatusBar > ProgressBar { width: 40; display: none; }
    StatusBar.-scanning > ProgressBar { display: block; }
    StatusBar > #status-counts { width: auto; margin-right: 2; }
    StatusBar > #status-view { width: 1fr; }
    StatusBar > #status-view { min-width: 16; }
    StatusBar > #status-state { width: auto; max-width: 50%; margin-left: 1; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, id="status-progress")
        yield Label("", id="status-counts")
        yield Label("starting…", id="status-view")
        yield Label("", id="status-state")

    def set_progress(self, done: int, total: int) -> None:
        self.add_class("-scanning")
        bar = self.query_one(ProgressBar)
        bar.update(total=max(total, 1), progress=done)

    def scanning(self, active: bool) -> None:
        self.set_class(active, "-scanning")
        if active:
            self.query_one(ProgressBar).update(total=None, progress=0)

    def set_counts(self, counts: dict[Severity, int]) -> None:
        styles = severity_styles(self.app.current_theme)
        text = Text()
        for severity, count in counts.items():
            if count:
                text.append(f"{SEVERITY_SHORT[severity]} {count}", style=styles[severity] if severity < Severity.CRITICAL else styles[Severity.HIGH])
                text.append("  ")
        if not text:
            text.append("no findings shown")
        self.query_one("#status-counts", Label).update(text)

    def set_view(self, text: str) -> None:
        self.query_one("#status-view", Label).update(Text(one_line(text), no_wrap=True, overflow="ellipsis"))

    def set_state(self, text: str) -> None:
        self.query_one("#status-state", Label).update(Text(one_line(text), no_wrap=True, overflow="ellipsis"))
