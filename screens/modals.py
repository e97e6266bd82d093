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
from ..checks.triage import parse_until
from ..widgets.inputs import TextInput

DEFAULT_DEFER_DAYS = 14


def _finding_line(finding: Finding | list[Finding]) -> Text:
    """What the form is about: one finding (code, title, file:line) or a summary of several."""
    if isinstance(finding, list):
        if len(finding) != 1:
            codes = sorted({one_line(f.code) for f in finding})
            files = sorted({one_line(f.path or ".") for f in finding})
            listed = ", ".join(codes[:6]) + (", …" if len(codes) > 6 else "")
            where = ", ".join(files[:3]) + (", …" if len(files) > 3 else "")
            return Text.assemble((f"{len(finding)} findings", "bold"),
                                 f" of {len(codes)} check{'s' if len(codes) != 1 else ''} ({listed})",
                                 (f"\nin {len(files)} file{'s' if len(files) != 1 else ''}: {where}", "dim"),
                                 no_wrap=False)
        finding = finding[0]
    return Text.assemble((f"{finding.code} ", "bold"), one_line(finding.title), ("\n" + one_line(finding.location), "dim"),
                         no_wrap=False)


class _FormModal(ModalScreen):
    """A titled form with OK / Cancel; subclasses validate and dismiss with a value."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without saving")]
    TITLE_TEXT = ""
    OK_LABEL = "Save"

    def __init__(self, finding: Finding | list[Finding]) -> None:
        super().__init__()
        #: one finding, or several (bulk triage: one form, one write)
        self.findings = finding if isinstance(finding, list) else [finding]
        self.finding = self.findings[0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(self.TITLE_TEXT, classes="form-title")
            yield Static(_finding_line(self.findings), classes="form-finding")
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


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question (``y``/``enter`` confirms, ``n``/``esc`` cancels); dismisses with True or False."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel", tooltip="Keep everything as it is"),
        Binding("y", "answer(True)", "Yes", tooltip="Do it"),
    ]

    def __init__(self, title: str, question: str, detail: list[str] | None = None, ok: str = "Yes") -> None:
        super().__init__()
        self.title_text, self.question, self.detail, self.ok = title, question, detail or [], ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.title_text), classes="form-title")
            yield Static(Text(one_line(self.question)), classes="form-question")
            if self.detail:
                yield Static(Text("\n".join(one_line(line) for line in self.detail)), classes="form-finding")
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.ok} (y)", variant="error", id="ok")
                yield Button("Cancel (n)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


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

    def __init__(self, finding: Finding | list[Finding], today: date | None = None) -> None:
        super().__init__(finding)
        self.today = today or date.today()

    def fields(self) -> ComposeResult:
        yield Label("Until (YYYY-MM-DD, or +N days); the finding opens again after it")
        yield TextInput((self.today + timedelta(days=DEFAULT_DEFER_DAYS)).isoformat(), id="until")
        yield Label("Reason (required)")
        yield TextInput(placeholder="e.g. fixed in the Q3 migration", id="reason")

    def parse_until(self, text: str) -> date:
        return parse_until(text, self.today)

    def submit(self) -> None:
        try:
            until = self.parse_until(self.query_one("#until", Input).value)
        except ValueError as exc:
            self.error(str(exc))
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
