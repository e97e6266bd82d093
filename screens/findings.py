"""The main screen: the findings list beside the detail of the selected finding."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from ..checks.api import Finding
from ..widgets.detail import FindingDetail
from ..widgets.findings_table import FindingsTable
from ..widgets.inputs import TextInput
from ..widgets.status import StatusBar
from .modals import AcceptModal, DeferModal, NoteModal

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp

TRIAGE_ACTIONS = ("accept", "defer", "reopen", "note")


class FindingsScreen(Screen):
    """Findings grouped by severity (or file, or category), and what to do about each."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", tooltip="Filter the findings by text"),
        Binding("escape", "clear_filters", "Clear filters", show=False,
                tooltip="Clear the filters (text, severity, file, checklist item)"),
        Binding("a", "accept", "Accept", tooltip="Accept the risk of this finding (a reason is required)"),
        Binding("d", "defer", "Defer", tooltip="Defer this finding until a date"),
        Binding("O", "reopen", "Reopen", tooltip="Reopen an accepted or deferred finding"),
        Binding("n", "note", "Note", tooltip="Add a note to this finding"),
        Binding("u", "undo", "Undo", tooltip="Undo the last triage change (accept, defer, reopen, note)"),
        Binding("o", "open_editor", "Open", tooltip="Open the file at the line in $VISUAL / $EDITOR"),
    ]

    app: "AuditApp"

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield TextInput(placeholder="filter: words in code, title, file, resource… (Enter to keep, Esc to clear)", id="filter")
                yield FindingsTable(id="findings")
            yield FindingDetail(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        table.status_of = self.app.status_of
        table.findings = self.app.findings
        table.new = self.app.new
        # during the first scan the cursor stays on the top finding as rows stream in
        table.pin_top = not self.app.scanned_once
        table.focus()
        self.query_one(FindingDetail).show_message("Scanning the repository…")
        self.refresh_view()

    # -- helpers ------------------------------------------------------------
    @property
    def table(self) -> FindingsTable:
        return self.query_one(FindingsTable)

    @property
    def selected(self) -> Finding | None:
        return self.table.selected

    def apply(self, changed: set[str] | frozenset[str] = frozenset(),
              removed: set[str] | frozenset[str] | None = None) -> None:
        """The app's findings changed: update rows, keep the cursor, refresh the detail.

        With ``removed`` (an engine delta or one triage change) only those rows are
        touched; without it the whole list is reconciled with the findings.
        """
        table = self.table
        table.findings = self.app.findings
        table.new = self.app.new
        if removed is None:
            table.sync(changed)
        else:
            table.apply_delta(changed, removed)
        selected = table.selected
        detail = self.query_one(FindingDetail)
        if selected is not None and (selected.fingerprint in changed or selected.fingerprint != detail.fingerprint):
            self.show_detail(selected)
        elif selected is None and not self.app.scanning:
            detail.show_message(self._empty_message())
        if selected is not None and selected.fingerprint in changed:
            self.refresh_bindings()  # its triage state may have changed what a, d, u do
        self.refresh_view()

    def scan_done(self) -> None:
        """The first scan ended: once every row is in, the cursor no longer follows the top."""
        if not self.table.filling:
            self.table.pin_top = False

    @on(FindingsTable.Filled)
    def _filled(self) -> None:
        if self.app.scanned_once:
            self.table.pin_top = False
        self.refresh_view()

    def theme_changed(self) -> None:
        """The theme changed: the table restyles itself; redraw the detail and the counts."""
        selected = self.selected
        if selected is not None:
            self.show_detail(selected)
        self.refresh_view()

    def state_changed(self) -> None:
        """The state file was re-read: the selected finding's triage may differ."""
        selected = self.selected
        if selected is not None:
            self.show_detail(selected)
        self.refresh_bindings()

    def _empty_message(self) -> str:
        if not self.app.findings:
            if getattr(self.app, "score", 0) is None:
                return ("No infrastructure files found: no manifests, compose files, Dockerfiles, workflows, "
                        "scripts or .env files. Nothing to audit here.")
            return "No findings. This repository passes every check that applies to it."
        return "No finding matches the filters. Esc clears them; t cycles the status filter."

    def refresh_view(self) -> None:
        status = self.query_one(StatusBar)
        table = self.table
        status.set_counts(table.counts())
        status.set_view(f"grouped by {table.group_mode} · " + table.filters.describe())

    def show_detail(self, finding: Finding) -> None:
        siblings = [f for f in self.app.findings.values() if f.path == finding.path]
        self.query_one(FindingDetail).show(
            finding,
            status=self.app.status_of(finding),
            entry=self.app.entry_of(finding),
            root=self.app.root,
            siblings=siblings,
            is_new=False,
        )

    # -- events -------------------------------------------------------------
    @on(FindingsTable.FindingSelected)
    def _selected(self, event: FindingsTable.FindingSelected) -> None:
        if event.finding is not None:
            self.show_detail(event.finding)
        elif not self.app.scanning:
            self.query_one(FindingDetail).show_message(self._empty_message() if self.table.row_count == 0 else "A group of findings: move down to one.")
        self.refresh_bindings()

    @on(FindingsTable.ViewChanged)
    def _view_changed(self) -> None:
        self.refresh_view()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filters(text=event.value.strip())

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    # -- actions ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return bool(self.app.undo_stack) and self.app.can_triage
        if action in TRIAGE_ACTIONS or action == "open_editor":
            if not self.is_mounted:
                return True
            finding = self.selected
            if finding is None:
                return False
            if action == "open_editor":
                return bool(finding.path and finding.path != ".")
            if not self.app.can_triage:
                return False
            status = self.app.status_of(finding)
            if action == "accept":
                return status != "accepted"
            if action == "reopen":
                return status in ("accepted", "deferred")
        return True

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-active")
        box.focus()

    def action_clear_filters(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("-active")
        with box.prevent(Input.Changed):
            box.value = ""
        self.table.set_filters(text="", path=None, fingerprints=None, label="", min_severity=None)
        self.table.focus()

    def filter_to(self, *, label: str, fingerprints: frozenset[str] | None = None, path: str | None = None) -> None:
        """Show only these findings (from the checklists or files screens), whatever their status."""
        self.table.set_filters(fingerprints=fingerprints, path=path, label=label, status="all")
        self.table.focus()

    def action_accept(self) -> None:
        finding = self.selected
        if finding is None:
            return

        def done(reason: str | None) -> None:
            if reason:
                self.app.triage("accept", finding, reason=reason)

        self.app.push_screen(AcceptModal(finding), done)

    def action_defer(self) -> None:
        finding = self.selected
        if finding is None:
            return

        def done(result: tuple[date, str] | None) -> None:
            if result:
                until, reason = result
                self.app.triage("defer", finding, until=until, reason=reason)

        self.app.push_screen(DeferModal(finding, today=self.app.today()), done)

    def action_reopen(self) -> None:
        finding = self.selected
        if finding is not None:
            self.app.triage("reopen", finding)

    def action_note(self) -> None:
        finding = self.selected
        if finding is None:
            return

        def done(text: str | None) -> None:
            if text:
                self.app.triage("note", finding, text=text)

        self.app.push_screen(NoteModal(finding), done)

    def action_undo(self) -> None:
        self.app.undo_triage()
        self.refresh_bindings()

    def action_open_editor(self) -> None:
        finding = self.selected
        if finding is not None:
            self.app.open_in_editor(finding)
