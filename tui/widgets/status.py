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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: what each label shows: a label is updated only when its text changes, and asks for
        #: a layout pass only when its width changes (every save asked for three before)
        self._shown: dict[str, Text] = {}

    def _put(self, name: str, text: Text) -> None:
        old = self._shown.get(name)
        if old == text:
            return
        self._shown[name] = text
        # a text of the same width needs no layout pass (a count going from 18 to 19)
        self.query_one(f"#{name}", Label).update(text, layout=old is None or old.cell_len != text.cell_len)

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
        self._put("status-counts", text)

    def set_view(self, text: str) -> None:
        self._put("status-view", Text(one_line(text), no_wrap=True, overflow="ellipsis"))

    def set_state(self, text: str) -> None:
        self._put("status-state", Text(one_line(text), no_wrap=True, overflow="ellipsis"))
