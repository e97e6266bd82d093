"""The main screen: the findings list beside the detail of the selected finding."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from ..checks.api import Finding
from ..findings_model import haystack, text_matches
from ..widgets.detail import FindingDetail
from ..widgets.findings_list import FindingsList
from ..widgets.inputs import TextInput
from ..widgets.status import StatusBar
from .modals import AcceptModal, DeferModal, NoteModal

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp

TRIAGE_ACTIONS = ("accept", "defer", "reopen", "note")


class FindingsScreen(Screen):
    """Findings grouped by severity (or file, or category), and what to do about each."""

    # The keys every screen has come first: the footer shows this screen's bindings before
    # the app's, and on 80 columns quit, help, checklists and files must stay in sight.
    BINDINGS = [
        Binding("q", "app.quit", "Quit", tooltip="Quit auditui"),
        Binding("question_mark", "app.help", "Help", tooltip="Every key, grouped"),
        Binding("c", "app.checklists", "Checklists", tooltip="Production readiness and the PR reviewer checklist"),
        Binding("f", "app.files", "Files", tooltip="The audited files as a tree"),
        Binding("i", "app.inventory", "Inventory", tooltip="What the repository runs, area by area"),
        Binding("slash", "filter", "Filter", tooltip="Filter the findings by text"),
        Binding("a", "accept", "Accept", tooltip="Accept the risk of this finding, or of the selected ones "
                                                 "(a reason is required)"),
        Binding("d", "defer", "Defer", tooltip="Defer this finding (or the selected ones) until a date"),
        Binding("n", "note", "Note", tooltip="Add a note to this finding (or the selected ones)"),
        Binding("u", "undo", "Undo", tooltip="Undo the last triage change (accept, defer, reopen, note)"),
        Binding("O", "reopen", "Reopen", tooltip="Reopen an accepted or deferred finding (or the selected ones)"),
        Binding("o", "open_editor", "Open", tooltip="Open the file at the line in $VISUAL / $EDITOR"),
        Binding("ctrl+f", "find", "Find", show=False, tooltip="Find a finding by text (the list is not filtered)"),
        Binding("right_square_bracket", "find_next", "Next match", show=False, tooltip="Next finding matching the find text"),
        Binding("left_square_bracket", "find_previous", "Previous match", show=False,
                tooltip="Previous finding matching the find text"),
        Binding("escape", "clear_filters", "Clear", show=False,
                tooltip="Clear the selection, then the filters (text, severity, file, checklist item)"),
    ]

    app: AuditApp

    def __init__(self) -> None:
        super().__init__()
        self.find_text = ""
        self._keys_state: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield TextInput(placeholder="filter: words in code, title, file, resource… (Enter to keep, Esc to clear)",
                                id="filter")
                yield TextInput(placeholder="find: words; Enter jumps, ] next, [ previous, Esc closes", id="find")
                yield Static(Text(""), id="list-header")
                yield FindingsList(id="findings")
            yield FindingDetail(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.table
        table.status_of = self.app.row_status
        table.new = self.app.new
        table.load(self.app.findings)
        # during the first scan the cursor stays on the top finding as rows stream in
        table.pin_top = not self.app.scanned_once
        table.focus()
        self.query_one(FindingDetail).show_message("Scanning the repository…")
        self.refresh_view()

    # -- helpers ------------------------------------------------------------
    @property
    def table(self) -> FindingsList:
        """The findings list (named ``table`` for the callers of the former DataTable)."""
        return self.query_one(FindingsList)

    @property
    def selected(self) -> Finding | None:
        return self.table.selected

    def apply(self, changed: Collection[str] = frozenset(),
              removed: Collection[str] | None = None, order: list[str] | None = None) -> None:
        """The app's findings changed: update rows, keep the cursor, refresh the detail.

        With ``removed`` (an engine delta or one triage change) only those rows are
        touched; without it every status is read again (the state file changed).
        """
        table = self.table
        table.new = self.app.new
        if order is not None:
            table.load(self.app.findings, order)
        elif removed is None:
            if table.findings is not self.app.findings:
                table.findings = self.app.findings
            table.sync(changed)
        else:
            table.apply_delta(changed, removed, self.app.findings)
        selected = table.selected
        detail = self.query_one(FindingDetail)
        if selected is not None and (selected.fingerprint in changed or selected.fingerprint != detail.fingerprint):
            self.show_detail(selected)
        elif selected is None and not self.app.scanning:
            detail.show_message(self._empty_message())
        self.refresh_keys()  # the selected finding's triage may have changed what a, d, O do
        self.refresh_view()

    def scan_done(self) -> None:
        """The first scan ended: the cursor no longer follows the top."""
        self.table.pin_top = False

    def theme_changed(self) -> None:
        """The theme changed: restyle the list; redraw the detail and the counts."""
        self.table.theme_changed()
        selected = self.selected
        if selected is not None:
            self.show_detail(selected)
        self.refresh_view()

    def readiness_changed(self) -> None:
        """The score is known now: an empty list can say why it is empty."""
        if self.selected is None and not self.app.scanning and self.table.row_count == 0:
            self.query_one(FindingDetail).show_message(self._empty_message())

    def state_changed(self) -> None:
        """The state file was re-read: the selected finding's triage may differ."""
        selected = self.selected
        if selected is not None:
            self.show_detail(selected)
        self.refresh_keys()

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
        view = f"grouped by {table.group_mode} · sorted by {table.sort_mode} · " + table.filters.describe()
        chosen = len(table.model.selected)
        if chosen:
            view = f"{chosen} selected · " + view
        status.set_view(view)

    def show_detail(self, finding: Finding) -> None:
        siblings = [f for f in self.app.findings.values() if f.path == finding.path]
        self.query_one(FindingDetail).show(
            finding,
            status=self.app.row_status(finding),
            entry=self.app.entry_of(finding),
            root=self.app.root,
            siblings=siblings,
            is_new=False,
        )

    # -- events -------------------------------------------------------------
    @on(FindingsList.FindingSelected)
    def _selected(self, event: FindingsList.FindingSelected) -> None:
        if event.finding is not None:
            self.show_detail(event.finding)
        elif not self.app.scanning:
            if self.table.row_count == 0:
                self.query_one(FindingDetail).show_message(self._empty_message())
            else:
                self.query_one(FindingDetail).show_message(
                    "A folded group: → or space unfolds it; a, d, n, O act on all of its findings.")
        self.refresh_keys()

    @on(FindingsList.ViewChanged)
    def _view_changed(self) -> None:
        self.refresh_view()
        self.refresh_keys()

    @on(FindingsList.ColumnsChanged)
    def _columns_changed(self, event: FindingsList.ColumnsChanged) -> None:
        self.query_one("#list-header", Static).update(event.header)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filters(text=event.value.strip())

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        self.find_text = event.value.strip()
        current = self.table.selected
        if self.find_text and not (current is not None and text_matches(haystack(current), self.find_text)):
            if not self.table.find(self.find_text, 1):
                self.notify(f"No finding matches {self.find_text!r}.", timeout=2)
        self.refresh_keys()

    @on(Input.Submitted, "#find")
    def _find_submitted(self) -> None:
        self.query_one("#find").remove_class("-active")
        self.table.focus()

    def keys_state(self) -> tuple:
        """What decides which of this screen's keys are on: the keys the cursor, the selection,
        the triage and the find box turn on or off (as ``check_action`` answers)."""
        app = self.app
        targets = self.table.bulk_targets()
        finding = self.selected
        return (
            frozenset(app.status_of(f) for f in targets) if targets else None,
            app.can_triage,
            bool(app.undo_stack),
            bool(self.find_text),
            finding is not None and bool(finding.path and finding.path != "."),
        )

    def refresh_keys(self) -> None:
        """Redraw the footer's keys when one of them turned on or off, and only then.

        ``refresh_bindings`` makes the footer rebuild every key it shows (new widgets, styles,
        a layout pass): done on every cursor move and every save it cost more than the rest of
        the update together.  The keys depend only on :meth:`keys_state`.
        """
        state = self.keys_state()
        if state != self._keys_state:
            self._keys_state = state
            self.refresh_bindings()

    # -- actions ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return bool(self.app.undo_stack) and self.app.can_triage
        if action in ("find_next", "find_previous"):
            return bool(self.find_text)
        if action in TRIAGE_ACTIONS or action == "open_editor":
            if not self.is_mounted:
                return True
            if action == "open_editor":
                finding = self.selected
                return finding is not None and bool(finding.path and finding.path != ".")
            targets = self.table.bulk_targets()
            if not targets or not self.app.can_triage:
                return False
            statuses = {self.app.status_of(f) for f in targets}
            if action == "accept":
                return statuses != {"accepted"}
            if action == "reopen":
                return bool(statuses & {"accepted", "deferred"})
        return True

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-active")
        box.focus()

    def action_find(self) -> None:
        box = self.query_one("#find", Input)
        box.add_class("-active")
        box.focus()

    def action_find_next(self) -> None:
        if not self.table.find(self.find_text, 1):
            self.notify(f"No finding matches {self.find_text!r}.", timeout=2)

    def action_find_previous(self) -> None:
        if not self.table.find(self.find_text, -1):
            self.notify(f"No finding matches {self.find_text!r}.", timeout=2)

    def action_clear_filters(self) -> None:
        find = self.query_one("#find", Input)
        if find.has_class("-active"):
            find.remove_class("-active")
            self.table.focus()
            return
        if self.table.clear_selection():
            return
        box = self.query_one("#filter", Input)
        box.remove_class("-active")
        with box.prevent(Input.Changed):
            box.value = ""
        self.table.set_filters(text="", path=None, fingerprints=None, label="", min_severity=None)
        self.table.focus()

    def filter_to(self, *, label: str, fingerprints: frozenset[str] | None = None, path: str | None = None) -> None:
        """Show only these findings (from the checklists or files screens), whatever their status."""
        self.table.set_filters(fingerprints=fingerprints, path=path, label=label, status="all")
        self.table.action_first()
        self.table.focus()

    def _targets(self) -> list[Finding]:
        return self.table.bulk_targets()

    def _after_bulk(self, targets: list[Finding]) -> None:
        if len(targets) > 1:
            self.table.clear_selection()

    def action_accept(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def done(reason: str | None) -> None:
            if reason and self.app.triage_many("accept", targets, reason=reason):
                self._after_bulk(targets)

        self.app.push_screen(AcceptModal(targets), done)

    def action_defer(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def done(result: tuple[date, str] | None) -> None:
            if result:
                until, reason = result
                if self.app.triage_many("defer", targets, until=until, reason=reason):
                    self._after_bulk(targets)

        self.app.push_screen(DeferModal(targets, today=self.app.today()), done)

    def action_reopen(self) -> None:
        targets = [f for f in self._targets() if self.app.status_of(f) in ("accepted", "deferred")]
        if targets and self.app.triage_many("reopen", targets):
            self._after_bulk(targets)

    def action_note(self) -> None:
        targets = self._targets()
        if not targets:
            return

        def done(text: str | None) -> None:
            if text and self.app.triage_many("note", targets, text=text):
                self._after_bulk(targets)

        self.app.push_screen(NoteModal(targets), done)

    def action_undo(self) -> None:
        self.app.undo_triage()
        self.refresh_keys()

    def action_open_editor(self) -> None:
        finding = self.selected
        if finding is not None:
            self.app.open_in_editor(finding)
