"""Small forms for triage: accept, defer, note.  Enter submits, Escape cancels."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..checks.api import Finding
from ..checks.textsafe import one_line
from ..widgets.inputs import TextInput

DEFAULT_DEFER_DAYS = 14


def _finding_line(finding: Finding) -> Text:
    return Text.assemble((f"{finding.code} ", "bold"), one_line(finding.title), ("\n" + one_line(finding.location), "dim"),
                         no_wrap=False)


class _FormModal(ModalScreen):
    """A titled form with OK / Cancel; subclasses validate and dismiss with a value."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving")]
    TITLE_TEXT = ""
    OK_LABEL = "Save"

    def __init__(self, finding: Finding) -> None:
        super().__init__()
        self.finding = finding

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.TITLE_TEXT, classes="form-title")
            yield Static(_finding_line(self.finding), classes="form-finding")
            yield from self.fields()
            yield Label("", classes="form-error", id="error")
            with Horizontal(classes="form-buttons"):
                yield Button(self.OK_LABEL, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def fields(self) -> ComposeResult:
        return iter(())

    def error(self, text: str) -> None:
        # the message may quote what the user typed: plain text, never markup
        self.query_one("#error", Label).update(Text(one_line(text)))

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_button(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.enter_pressed(event.input)

    def enter_pressed(self, field: Input) -> None:
        self.submit()

    def action_cancel(self) -> None:
        self.dismiss(None)


class AcceptModal(_FormModal):
    """Accept the risk of a finding; dismisses with the reason, or None."""

    TITLE_TEXT = "Accept the risk"
    OK_LABEL = "Accept"

    def fields(self) -> ComposeResult:
        yield Label("Why is this acceptable? (required; saved in the state file for reviewers)")
        yield TextInput(placeholder="e.g. internal-only service, reviewed with security", id="reason")

    def submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.error("A reason is required to accept a risk.")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(reason)


class DeferModal(_FormModal):
    """Defer a finding until a date; dismisses with (date, reason), or None."""

    TITLE_TEXT = "Defer until a date"
    OK_LABEL = "Defer"

    def __init__(self, finding: Finding, today: date | None = None) -> None:
        super().__init__(finding)
        self.today = today or date.today()

    def fields(self) -> ComposeResult:
        yield Label("Until (YYYY-MM-DD, or +N days); the finding opens again after it")
        yield TextInput((self.today + timedelta(days=DEFAULT_DEFER_DAYS)).isoformat(), id="until")
        yield Label("Reason (required)")
        yield TextInput(placeholder="e.g. fixed in the Q3 migration", id="reason")

    def parse_until(self, text: str) -> date:
        text = text.strip()
        if text.startswith("+"):
            days = text[1:].rstrip("d").strip()
            if not days.isdigit():
                raise ValueError("write +N for N days from today, e.g. +14")
            return self.today + timedelta(days=int(days))
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None

    def submit(self) -> None:
        try:
            until = self.parse_until(self.query_one("#until", Input).value)
        except ValueError as exc:
            self.error(str(exc))
            self.query_one("#until", Input).focus()
            return
        if until <= self.today:
            self.error("The date must be in the future.")
            self.query_one("#until", Input).focus()
            return
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.error("A reason is required to defer a finding.")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss((until, reason))

    def enter_pressed(self, field: Input) -> None:
        if field.id == "until" and not self.query_one("#reason", Input).value.strip():
            self.query_one("#reason", Input).focus()
        else:
            self.submit()


class NoteModal(_FormModal):
    """Add a note to a finding; dismisses with the text, or None."""

    TITLE_TEXT = "Add a note"
    OK_LABEL = "Add note"

    def fields(self) -> ComposeResult:
        yield TextInput(placeholder="note text", id="note")

    def submit(self) -> None:
        text = self.query_one("#note", Input).value.strip()
        if not text:
            self.error("The note is empty.")
            return
        self.dismiss(text)
