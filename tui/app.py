"""The interactive app: the composition root.

The App owns the engine, the triage store, the file watcher and the workers:

* the first screen paints at once; the scan runs in a thread worker that posts
  :class:`~auditui.messages.ScanProgressed` (coalesced) and ``ScanFinished``;
* a ``watchfiles.awatch`` worker (started on mount, stopped on unmount) posts
  :class:`~auditui.messages.FilesChanged` batches, filtered by the scan's ignore rules;
* paths pile up in one pending set and go to ``Engine.update()`` in a thread worker,
  one engine operation at a time (the engine is not thread-safe), so a burst of
  thousands of changes (a git checkout) becomes one or two updates;
* the UI thread only touches the engine while no worker runs (readiness, export).
"""

from __future__ import annotations

import asyncio
import gc
import os
import shlex
import subprocess
import time
from collections.abc import Collection, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.worker import Worker, WorkerState, get_current_worker

from .messages import (
    FilesChanged,
    FindingsUpdated,
    ReportExported,
    ScanFinished,
    ScanProgressed,
    ShowFindings,
    StateFileChanged,
    StateRead,
    WatchStopped,
)
from .screens.findings import FindingsScreen
from .widgets.status import StatusBar

#: the app's export, under the repository's .auditui/ folder (the one place auditui writes)
REPORT_RELATIVE = Path(".auditui") / "report.md"
REPORT_NAME = str(REPORT_RELATIVE)

#: editors that take ``+LINE file``; ``code``-like ones take ``-g file:line``
PLUS_LINE_EDITORS = {"vi", "vim", "nvim", "gvim", "view", "nano", "emacs", "emacsclient", "micro", "kak", "hx", "helix",
                     "joe", "jed", "mg", "ne", "pico", "ed"}
GOTO_EDITORS = {"code", "code-insiders", "codium", "vscodium", "cursor", "windsurf"}
COLON_EDITORS = {"subl", "sublime_text", "zed", "mate", "atom"}


def editor_command(editor: str, path: str, line: int | None) -> list[str]:
    """The argv that opens ``path`` at ``line`` in ``editor`` ($VISUAL/$EDITOR, may hold flags)."""
    argv = shlex.split(editor) or ["vi"]
    name = os.path.basename(argv[0]).lower()
    if name.endswith(".exe"):
        name = name[:-4]
    if not line:
        return [*argv, path]
    if name in GOTO_EDITORS:
        return [*argv, "-g", f"{path}:{line}"]
    if name in COLON_EDITORS:
        return [*argv, f"{path}:{line}"]
    if name in PLUS_LINE_EDITORS:
        return [*argv, f"+{line}", path]
    return [*argv, path]


class AuditApp(App[int]):
    """auditui: the findings of a repository, live, with keyboard triage."""

    CSS_PATH = "app.tcss"
    TITLE = "auditui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    BINDINGS = [
        Binding("q", "quit", "Quit", id="auditui.quit", tooltip="Quit auditui"),
        Binding("question_mark", "help", "Help", id="auditui.help", tooltip="Every key, grouped"),
        Binding("c", "checklists", "Checklists", id="auditui.checklists",
                tooltip="Production readiness and the PR reviewer checklist"),
        Binding("f", "files", "Files", id="auditui.files", tooltip="The audited files as a tree"),
        Binding("i", "inventory", "Inventory", id="auditui.inventory",
                tooltip="What the repository runs, area by area, with a maturity verdict"),
        Binding("r", "rescan", "Rescan", id="auditui.rescan", tooltip="Re-read every file from scratch"),
        Binding("e", "export", "Export", id="auditui.export",
                tooltip=f"Write the audit report (the one 'auditui report' prints) to {REPORT_NAME}"),
        Binding("N", "notices", "Notices", id="auditui.notices", show=False,
                tooltip="What auditui could not read or did not audit (its notices)"),
        Binding("R", "resolved", "Resolved triage", id="auditui.resolved", show=False,
                tooltip="List triage entries whose finding no longer exists (prune them one by one or all)"),
        Binding("P", "prune", "Prune resolved", id="auditui.prune", show=False,
                tooltip="Drop triage entries whose finding no longer exists (asks first)"),
    ]

    def __init__(
        self,
        root: str | Path,
        state_path: str | Path | None = None,
        watch: bool = True,
        *,
        config: Any = None,
        checks: Iterable[Any] | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__()
        self.root = Path(root).absolute()
        self.state_path = Path(state_path) if state_path else None
        self.watch_enabled = watch
        self.config = config
        self._checks = tuple(checks) if checks is not None else None
        self._today = today
        self.engine: Any = None
        self.store: Any = None
        #: the triage changes that ``u`` undoes, the last one last
        self.undo_stack: list[Any] = []
        self._state_loaded = False
        self.findings: dict[str, Any] = {}
        self.files: list[str] = []
        self.notices: list[Any] = []
        self.summary: dict = {}
        self.new: set[str] = set()
        self.readiness: list[Any] | None = None
        self.score: float | None = None
        self.scanning = True
        self.scanned_once = False
        self.watching = False
        # the engine queue: one operation at a time
        self._busy = False
        self._pending: set[str] = set()
        self._rescan_requested = True
        self._export_requested = False
        self._readiness_dirty = False
        self._watch_stop: asyncio.Event | None = None
        #: timings for the benchmark: first paint, and each applied update
        self.timings: dict[str, float] = {}
        self.updates_applied = 0
        self.findings_screen = FindingsScreen()
        #: set by ``exit()``: keys typed after ``q`` (in the same read, or a paste) open nothing
        self.quitting = False

    # -- lifecycle --------------------------------------------------------------
    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast is plain text: messages carry paths, resource names and user input.

        Screens and widgets notify through here too (``Widget.notify`` calls it), so no
        toast ever reads a string from the repository as markup or prints its control codes.
        """
        from .checks.textsafe import inert, one_line

        try:
            super().notify(inert(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)
        except TypeError:  # a Textual without ``markup=``: its toasts read markup, so escape it
            from rich.markup import escape

            super().notify(escape(inert(message)), title=one_line(title), severity=severity, timeout=timeout)

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        """Quit; from now on no action but quitting runs (a screen opened while the app
        closes would mount without its widgets and end in a traceback)."""
        self.quitting = True
        super().exit(result, return_code, message)

    def get_default_screen(self) -> FindingsScreen:
        return self.findings_screen

    def on_mount(self) -> None:
        self.sub_title = self._root_label()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self._first_paint)

    def _root_label(self) -> str:
        from .checks.textsafe import one_line

        return one_line(self.root.name)

    def _theme_changed(self, _theme: object = None) -> None:
        """Colours built from the theme (severities, marks, syntax) are rebuilt on every screen."""
        for screen in self.screen_stack:
            restyle = getattr(screen, "theme_changed", None)
            if restyle is not None:
                restyle()

    def _first_paint(self) -> None:
        self.timings.setdefault("first_paint", time.perf_counter())
        # the triage store is opened after the first paint (nothing on the first screen needs
        # it); its file is read by the scan worker, before the scan (see _scan_worker)
        self._open_store()
        self._kick()
        if self.watch_enabled:
            self._watch()

    def on_unmount(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    def _open_store(self) -> None:
        """Make the store (no I/O here: its file is read on a worker thread, bounded)."""
        from .checks.triage import DEFAULT_RELATIVE, TriageStore

        state = self.state_path if self.state_path is not None else self.root / DEFAULT_RELATIVE
        self.store = TriageStore(state, self.root, load=False)

    @on(StateRead)
    def _state_read(self, message: StateRead) -> None:
        """The state file was read on a worker: take it, and say what differs."""
        store = self.store
        if store is None:
            return
        first = not self._state_loaded
        self._state_loaded = True
        before = {e.fingerprint: e for e in store.entries()}
        ticks = store.checklist_ticks()
        read_only, seen = store.read_only, len(store.messages)
        store.adopt(message.text, message.problem)
        for text in store.messages[seen:]:
            self.notify(text, title="Triage state", severity="warning", timeout=15)
        if store.read_only and (first or not read_only):
            self.notify("Triage keys are disabled until the state file can be written.",
                        title="Read-only state", severity="warning", timeout=15)
        self._update_state_label()
        if store.read_only != read_only:
            for screen in self.screen_stack:
                screen.refresh_bindings()
        after = {e.fingerprint: e for e in store.entries()}
        changed = {fp for fp in before.keys() | after.keys() if before.get(fp) != after.get(fp)}
        if first or (not changed and store.checklist_ticks() == ticks and store.read_only == read_only):
            return  # the first read, our own write coming back, or nothing that matters
        shown = {fp for fp in changed if fp in self.findings}
        if shown:
            self.findings_screen.apply(shown, set())
            self._update_readiness()
        self._refresh_screens("state_changed")
        if shown:
            count = len(shown)
            self.notify(f"Triage of {count} finding{'s' if count != 1 else ''} changed on disk "
                        f"({self._state_name()}).", timeout=4)

    @work(thread=True, group="state", name="state", exclusive=True, exit_on_error=False)
    def _state_worker(self) -> None:
        """Read the state file off the UI thread (bounded; a FIFO or a huge file is refused)."""
        store = self.store
        if store is not None:
            text, problem = store.read_disk()
            self.post_message(StateRead(text, problem))

    def _refresh_screens(self, hook: str) -> None:
        for screen in self.screen_stack:
            refresh = getattr(screen, hook, None)
            if refresh is not None:
                refresh()

    # -- what screens ask -------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    def status_of(self, finding: Any) -> str:
        if self.store is not None:
            return self.store.status_of(finding, today=self._today)
        return "suppressed" if finding.suppressed_by else "open"

    def row_status(self, finding: Any) -> str:
        """The status a row shows: ``expired`` for a deferral whose date has passed (open again)."""
        status = self.status_of(finding)
        if status == "open" and self.store is not None:
            entry = self.store.entry(finding.fingerprint)
            if entry is not None and entry.is_expired(self._today or date.today()):
                return "expired"
        return status

    def entry_of(self, finding: Any) -> Any:
        return self.store.entry(finding.fingerprint) if self.store is not None else None

    @property
    def state_file(self) -> Path | None:
        """The triage state file (absolute), once the store is open."""
        return self.store.path.absolute() if self.store is not None else None

    @property
    def can_triage(self) -> bool:
        return self.store is not None and not self.store.read_only

    # -- the engine queue -------------------------------------------------------
    def _kick(self) -> None:
        """Start the next engine operation if none is running."""
        if self._busy or not self.is_running:
            return
        if self._rescan_requested:
            gc.unfreeze()
            self._rescan_requested = False
            self._pending.clear()
            self._busy = True
            self.scanning = True
            self.findings_screen.query_one("#status", StatusBar).scanning(True)
            self._scan_worker(stream=not self.scanned_once)
        elif self._pending:
            paths, self._pending = self._pending, set()
            self._busy = True
            self._update_worker(sorted(paths))
        elif self._export_requested:
            self._export_requested = False
            self._busy = True
            self._export_worker()
        elif self._readiness_dirty:
            self._update_readiness()

    def _engine(self) -> Any:
        if self.engine is None:
            from .checks.engine import Engine

            kwargs = {"checks": self._checks} if self._checks is not None else {}
            self.engine = Engine(self.root, self.config, **kwargs)
        return self.engine

    @work(thread=True, group="engine", name="scan", exit_on_error=False)
    def _scan_worker(self, stream: bool) -> None:
        worker = get_current_worker()
        if not self._state_loaded and self.store is not None:
            # the triage state first: the streamed rows show their real status from the start
            text, problem = self.store.read_disk()
            self.post_message(StateRead(text, problem))
        engine = self._engine()
        # partial results go out after ~0.1 s (the first screenful), then less and less often:
        # each batch costs the UI thread time that the scan thread (same GIL) waits for
        last = [time.monotonic()]
        wait = [0.1]
        sent = [0]

        def progress(done: int, total: int) -> None:
            partial = None
            now = time.monotonic()
            if stream and now - last[0] > wait[0]:
                last[0] = now
                wait[0] = min(max(wait[0] * 2, 2.0), 4.0)
                # only the files read since the last message: the UI adds rows, it never re-reads
                records = list(engine.records.values())[sent[0]:]
                sent[0] += len(records)
                partial = [f for record in records for f in record.findings]
            self.post_message(ScanProgressed(done, total, partial))

        start = time.perf_counter()
        engine.scan(progress=progress, cancelled=lambda: worker.is_cancelled)
        self.post_message(ScanFinished(
            engine.findings, sorted(engine.records), engine.all_notices(), engine.summary(),
            time.perf_counter() - start, worker.is_cancelled,
        ))

    @work(thread=True, group="engine", name="update", exit_on_error=False)
    def _update_worker(self, paths: list[str]) -> None:
        engine = self._engine()
        delta = engine.update(paths)
        # the checklist and score are recomputed on the UI thread after the table has
        # been painted (see _findings_updated): the delta reaches the screen first
        self.post_message(FindingsUpdated(delta, sorted(engine.records), engine.all_notices(), None))

    @work(thread=True, group="engine", name="export", exit_on_error=False)
    def _export_worker(self) -> None:
        """The report ``auditui report`` writes, into .auditui/ (no link followed, nothing outside)."""
        from .checks import safeio
        from .cli import report_text

        target = self.root / REPORT_RELATIVE
        try:
            text = report_text(self._engine(), self.root, str(self.root), self.store, "markdown")
            safeio.write_text(target, text, root=self.root, make_dirs=True)
        except OSError as exc:
            self.post_message(ReportExported(str(REPORT_RELATIVE), f"Report not written: {exc}"))
            return
        self.post_message(ReportExported(str(REPORT_RELATIVE)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures are handled."""
        worker = event.worker
        if event.state != WorkerState.ERROR:
            return
        error = worker.error
        if worker.group == "engine":
            self.notify(f"{worker.name} failed: {type(error).__name__}: {error}", title="auditui", severity="error",
                        timeout=10)
            self._busy = False
            if worker.name == "scan":
                self.scanning = False
                self.findings_screen.query_one("#status", StatusBar).scanning(False)
            self._kick()
        elif worker.group == "watch":
            self.watching = False
            self.notify(f"File watcher stopped: {error}", severity="warning", timeout=10)
            self._update_state_label()

    # -- scan results -----------------------------------------------------------
    @on(ScanProgressed)
    def _scan_progressed(self, message: ScanProgressed) -> None:
        self.findings_screen.query_one("#status", StatusBar).set_progress(message.done, message.total)
        if message.findings and not self.scanned_once:
            added = {f.fingerprint: f for f in message.findings}
            self.findings.update(added)  # nobody else reads it during the first scan
            self.findings_screen.apply(added.keys(), ())

    @on(ScanFinished)
    def _scan_finished(self, message: ScanFinished) -> None:
        self._busy = False
        self.scanning = False
        self.findings_screen.query_one("#status", StatusBar).scanning(False)
        if message.cancelled:
            return
        old = self.findings
        self.findings = {f.fingerprint: f for f in message.findings}
        order = [f.fingerprint for f in message.findings]  # the engine's list is in severity order
        # what differs from the rows already shown (streamed during the first scan, or
        # the previous scan's): the table applies only that
        upserts = {fp for fp, f in self.findings.items()
                   if (was := old.get(fp)) is None or (was is not f and not f.same_as(was))}
        removed = old.keys() - self.findings.keys()
        if self.scanned_once:
            self.new |= self.findings.keys() - old.keys()
        self.new &= self.findings.keys()
        self.files, self.notices, self.summary = message.files, message.notices, message.summary
        first = not self.scanned_once
        self.scanned_once = True
        self._update_state_label()  # "N files not fully audited"
        self.findings_screen.apply(upserts, removed, order=order)
        self.findings_screen.scan_done()
        self._follow_renames(self.findings.values())
        self._update_readiness()
        self._refresh_screens("findings_changed")
        count = len(self.findings)
        files = len(self.files)
        self.notify(
            f"{'Scanned' if first else 'Rescanned'} {files} file{'s' if files != 1 else ''}: "
            f"{count} finding{'s' if count != 1 else ''}",
            timeout=3,
        )
        self.timings["scan_done"] = time.perf_counter()
        # the scan's objects live as long as the app: keep the collector from re-walking
        # them on every collection (a full pass over ~100k findings stalls updates)
        gc.freeze()
        self._kick()

    @on(FindingsUpdated)
    def _findings_updated(self, message: FindingsUpdated) -> None:
        self._busy = False
        delta = message.delta
        noticed = {n.path for n in self.notices}
        self.files, self.notices = message.files, message.notices
        if {n.path for n in self.notices} != noticed:
            self._update_state_label()
        removed = {f.fingerprint for f in delta.removed}
        added = {f.fingerprint for f in delta.added}
        changed = added | {f.fingerprint for f in delta.changed}
        old = self.findings
        if not delta.empty:
            findings = dict(self.findings)
            for fp in removed:
                findings.pop(fp, None)
            for finding in (*delta.added, *delta.changed):
                findings[finding.fingerprint] = finding
            self.findings = findings
            self.new |= added
            self.new -= removed
            self.findings_screen.apply(changed, removed)
            self.notify(self._delta_summary(delta, old), timeout=4)
            if delta.added:
                self._follow_renames(delta.added)
            self._refresh_screens("findings_changed")
            if message.readiness is not None and not self._readiness_dirty:
                self._set_readiness(*message.readiness)
            else:
                self.call_after_refresh(self._update_readiness)
        self.updates_applied += 1
        self.timings["last_update"] = time.perf_counter()
        self._refresh_screens("facts_changed")  # what files say changed, even with no finding changed
        self._kick()

    @staticmethod
    def _delta_summary(delta: Any, old: dict[str, Any]) -> str:
        """What changed, as a user sees it: a finding that only moved down a line is not 'changed'."""
        changed = [f for f in delta.changed
                   if (was := old.get(f.fingerprint)) is None
                   or (was.message, was.evidence, was.severity, was.suppressed_by)
                   != (f.message, f.evidence, f.severity, f.suppressed_by)]
        parts = []
        if delta.removed:
            parts.append(f"{len(delta.removed)} resolved")
        if delta.added:
            parts.append(f"{len(delta.added)} new")
        if changed:
            parts.append(f"{len(changed)} changed")
        if not parts:
            parts.append("no change in findings" if not delta.changed else "findings moved, none changed")
        touched = sorted({f.path for f in (*delta.added, *delta.removed, *changed) if f.path}
                         or {f.path for f in delta.changed if f.path} or set(delta.files))
        where = f" in {touched[0]}" if len(touched) == 1 else (f" in {len(touched)} files" if touched else "")
        return ", ".join(parts) + where

    def _follow_renames(self, candidates: Iterable[Any]) -> None:
        """Triage of a file that was renamed follows it (the entry is re-keyed in the state file)."""
        store = self.store
        if store is None or not self._state_loaded:
            return
        try:
            if store.read_only:  # statuses follow in memory; nothing is written
                moved = store.match_renames(self.findings.values(), self.files)
            else:
                moved = store.follow_renames(candidates, self.files)
        except Exception as exc:
            self.notify(f"Triage of a renamed file was not moved: {exc}", severity="warning", timeout=8)
            return
        if moved:
            self.findings_screen.apply(set(moved), set())
            paths = sorted({f"{entry.path} → {self.findings[fp].path}" for fp, entry in moved.items()
                            if fp in self.findings})
            count = len(moved)
            self.notify(f"Triage of {count} finding{'s' if count != 1 else ''} followed "
                        + (paths[0] if len(paths) == 1 else f"{len(paths)} renamed files"), timeout=6)
            self._update_state_label()

    @on(ReportExported)
    def _report_exported(self, message: ReportExported) -> None:
        self._busy = False
        if message.error:
            self.notify(message.error, severity="error", timeout=8)
        else:
            self.notify(f"Report written to {message.path} (the same report as 'auditui report')",
                        title="Export", timeout=6)
        self._kick()

    # -- the watcher ------------------------------------------------------------
    @work(group="watch", name="watch", exclusive=True, exit_on_error=False)
    async def _watch(self) -> None:
        from watchfiles import awatch

        self._watch_stop = asyncio.Event()
        self.watching = True
        self._update_state_label()
        paths: list[Path] = [self.root]
        state = self.state_file
        if state is not None and not state.is_relative_to(self.root):
            # --state outside the repository: watch its folder too (created if need be)
            try:
                state.parent.mkdir(parents=True, exist_ok=True)
                paths.append(state.parent)
            except OSError:
                pass
        polling = False
        while True:
            try:
                async for changes in awatch(
                    *paths,
                    watch_filter=self._watch_filter,
                    step=10,
                    debounce=400,
                    stop_event=self._watch_stop,
                    force_polling=polling,
                    poll_delay_ms=1000,
                    ignore_permission_denied=True,
                ):
                    paths_changed = {path for _change, path in changes}
                    if state is not None and str(state) in paths_changed:
                        paths_changed.discard(str(state))
                        self.post_message(StateFileChanged())
                    if paths_changed:
                        self.post_message(FilesChanged(paths_changed))
                break
            except (OSError, RuntimeError) as exc:
                # e.g. the inotify watch limit of a huge repository: poll instead of giving up
                if polling or self._watch_stop.is_set():
                    raise
                polling = True
                self.notify(f"inotify is not available ({exc}); watching by polling every second instead",
                            title="auditui", severity="warning", timeout=10)
        self.post_message(WatchStopped())

    def _watch_filter(self, change: Any, path: str) -> bool:
        """Keep only events the scan would care about (same rules; never under a linked folder)."""
        from watchfiles import Change

        from .checks.discovery import watched

        state = self.state_file
        if state is not None and path == str(state):
            # the scan's ignore rules skip .auditui/: the state file is let through by name
            return True
        rules = self.engine.rules if self.engine is not None else None
        if self.engine is not None and self.engine.read_by_parsers(path):
            return True  # a compose file's .env, even one git ignores
        return watched(self.root, rules, path, deleted=change == Change.deleted)

    @on(FilesChanged)
    def _files_changed(self, message: FilesChanged) -> None:
        self._pending |= message.paths
        self._kick()

    @on(StateFileChanged)
    def _state_file_changed(self, message: StateFileChanged) -> None:
        self.reload_state()

    def reload_state(self) -> None:
        """Re-read the state file (another auditui, or a git pull, changed it) on a worker."""
        if self.store is not None:
            self._state_worker()

    def _state_name(self) -> str:
        state = self.state_file
        if state is None:
            return "state file"
        return str(state.relative_to(self.root)) if state.is_relative_to(self.root) else str(state)

    @on(WatchStopped)
    def _watch_stopped(self, message: WatchStopped) -> None:
        self.watching = False
        if message.error:
            self.notify(f"File watcher stopped: {message.error}", severity="warning")
        self._update_state_label()

    # -- readiness --------------------------------------------------------------
    def _update_readiness(self) -> None:
        """Recompute the checklists (UI thread, only while no engine operation runs)."""
        if self._busy or self.engine is None:
            self._readiness_dirty = True
            return
        self._readiness_dirty = False
        self._set_readiness(*self._compute_readiness(list(self.findings.values()), self.engine.index))

    def _compute_readiness(self, findings: list[Any], index: Any) -> tuple[list[Any], float | None]:
        from .checks import readiness

        items = readiness.production_checklist(findings, index, self.status_of)
        return items, readiness.readiness_score(items, findings, self.status_of)

    def _set_readiness(self, items: list[Any], score: float | None) -> None:
        from .checks.readiness import format_score

        self.readiness, self.score = items, score
        self.sub_title = f"{self._root_label()} · readiness {format_score(score)}"
        self._update_state_label()
        for screen in self.screen_stack:
            refresh = getattr(screen, "readiness_changed", None)
            if refresh is not None:
                refresh()

    def _update_state_label(self) -> None:
        parts = []
        if self.store is not None:
            if self.store.read_only:
                parts.append("triage READ-ONLY: " + (self.store.read_only_reason or "state file"))
            if self.scanned_once:
                resolved = len(self.store.resolved_entries(self.findings.keys()))
                if resolved:
                    parts.append(f"{resolved} resolved triage entr{'ies' if resolved != 1 else 'y'} (R lists)")
        if self.scanned_once and self.notices:
            files = len({n.path for n in self.notices})
            parts.append(f"{files} file{'s' if files != 1 else ''} not fully audited (N lists)")
        parts.append("watching" if self.watching else "not watching")
        config = self.engine.config if self.engine is not None else self.config
        parts.append(f"persona {getattr(config, 'persona', 'regular')}")  # checks/persona.py
        try:
            self.findings_screen.query_one("#status", StatusBar).set_state(" · ".join(parts))
        except Exception:
            pass

    # -- triage -----------------------------------------------------------------
    def triage(self, kind: str, finding: Any, **values: Any) -> bool:
        """Apply one triage change to one finding; see :meth:`triage_many`."""
        return self.triage_many(kind, [finding], **values)

    def triage_many(self, kind: str, findings: list[Any], **values: Any) -> bool:
        """Apply one triage change to several findings in one write (``u`` undoes it)."""
        if self.store is None or not findings:
            self.notify("Triage is not available.", severity="error")
            return False
        from .checks.triage import ReadOnlyStateError

        store = self.store
        typed = values.get("reason") or values.get("text") or ""
        try:
            if kind == "accept":
                undo = store.accept_many(findings, values["reason"])
                done = "Accepted"
            elif kind == "defer":
                undo = store.defer_many(findings, values["until"], values["reason"])
                done = f"Deferred until {values['until'].isoformat()}:"
            elif kind == "reopen":
                undo = store.reopen_many(findings)
                done = "Reopened"
            elif kind == "note":
                undo = store.note_many(findings, values["text"])
                done = "Note added to"
            else:  # pragma: no cover - programming error
                raise ValueError(kind)
        except (ReadOnlyStateError, OSError, ValueError) as exc:
            kept = f" Your text, not saved: {typed!r}" if typed else ""
            self.notify(f"Triage not saved: {exc}.{kept}", severity="error", timeout=20)
            if store.read_only:
                self._update_state_label()
                for screen in self.screen_stack:
                    screen.refresh_bindings()
            return False
        self.undo_stack.append(undo)
        del self.undo_stack[:-50]
        what = (f"{findings[0].code} at {findings[0].location}" if len(findings) == 1
                else f"{len(findings)} findings")
        self.notify(f"{done} {what} (u undoes)", timeout=3)
        self.findings_screen.apply({f.fingerprint for f in findings}, set())
        self._update_readiness()
        self._update_state_label()
        return True

    def undo_triage(self) -> bool:
        """Undo the last triage change made here (the state file's tables go back as they were)."""
        if not self.undo_stack or self.store is None:
            self.notify("Nothing to undo.", timeout=2)
            return False
        from .checks.triage import ReadOnlyStateError

        undo = self.undo_stack[-1]
        try:
            touched = self.store.undo(undo)
        except (ReadOnlyStateError, OSError) as exc:
            self.notify(f"Undo not saved: {exc}", severity="error", timeout=8)
            return False
        self.undo_stack.pop()
        self.notify(f"Undone: {undo.label or 'triage'} of {len(touched)} finding{'s' if len(touched) != 1 else ''}.",
                    timeout=3)
        self.findings_screen.apply(set(touched) & self.findings.keys(), set())
        self._update_readiness()
        self._update_state_label()
        self._refresh_screens("state_changed")
        return True

    # -- actions ----------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.quitting:
            return action == "quit"
        if action == "prune":
            return self.can_triage and self.scanned_once and bool(self.resolved_entries())
        if action == "resolved":
            return self.store is not None and self.scanned_once
        if action == "export":
            return self.scanned_once
        return True

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_groups()))

    def action_checklists(self) -> None:
        from .screens.checklists import ChecklistsScreen

        if isinstance(self.screen, ChecklistsScreen):
            return
        self._pop_to_base()
        self.push_screen(ChecklistsScreen())

    def action_files(self) -> None:
        from .screens.files import FilesScreen

        if isinstance(self.screen, FilesScreen):
            return
        self._pop_to_base()
        self.push_screen(FilesScreen())

    def action_inventory(self) -> None:
        from .screens.inventory import InventoryScreen

        if isinstance(self.screen, InventoryScreen):
            return
        self._pop_to_base()
        self.push_screen(InventoryScreen())

    def _pop_to_base(self) -> None:
        while len(self.screen_stack) > 1:  # the findings screen is the default screen
            self.pop_screen()

    def action_rescan(self) -> None:
        if self.scanning:
            self.notify("A scan is already running.", timeout=2)
            return
        self._rescan_requested = True
        self._kick()

    def action_export(self) -> None:
        self._export_requested = True
        self._kick()

    def resolved_entries(self) -> list[Any]:
        """Triage entries whose finding no longer exists."""
        if self.store is None or not self.scanned_once:
            return []
        return self.store.resolved_entries(self.findings.keys())

    def action_notices(self) -> None:
        from .screens.notices import NoticesScreen

        if isinstance(self.screen, NoticesScreen):
            return
        self._pop_to_base()
        self.push_screen(NoticesScreen())

    def action_resolved(self) -> None:
        from .screens.resolved import ResolvedScreen

        if isinstance(self.screen, ResolvedScreen):
            return
        self._pop_to_base()
        self.push_screen(ResolvedScreen())

    def action_prune(self) -> None:
        self.confirm_prune()

    def confirm_prune(self, fingerprint: str | None = None) -> None:
        """Ask first, then prune (``P`` never removes triage with one key)."""
        from .screens.modals import ConfirmModal

        entries = [e for e in self.prunable_entries() if fingerprint is None or e.fingerprint == fingerprint]
        if not entries:
            kept = len(self.resolved_entries())
            self.notify("Nothing to prune" + (f": {kept} resolved entr{'ies' if kept != 1 else 'y'} kept because "
                                              "their file was not audited in full (parse error, excluded) or "
                                              "their check did not run." if kept else "."), timeout=6)
            return
        count = len(entries)
        question = (f"Remove {count} triage entr{'ies' if count != 1 else 'y'} whose finding no longer exists "
                    f"from {self._state_name()}?")
        detail = [f"{e.code} {e.path} {e.resource} ({e.status})".strip() for e in entries[:8]]
        if count > 8:
            detail.append(f"… and {count - 8} more")

        def done(yes: bool | None) -> None:
            if yes:
                self.prune(fingerprint)

        self.push_screen(ConfirmModal("Prune resolved triage", question, detail, ok="Prune"), done)

    def prunable_entries(self) -> list[Any]:
        """Resolved entries auditui is sure about: their file was audited in full and their check ran."""
        kept = self.unverified_fingerprints()
        if kept is None:
            return []
        return [e for e in self.resolved_entries() if e.fingerprint not in kept]

    def unverified_fingerprints(self) -> set[str] | None:
        """Resolved entries whose finding auditui could not have seen this time (their file did
        not parse or was excluded, or their check did not run): pruning keeps them.  None while
        the engine runs (its records are being rewritten)."""
        from .checks.triage import coverage, unverified

        entries = self.resolved_entries()
        if not entries:
            return set()
        if self.engine is None or self._busy:
            return None
        audited = coverage(self.root, self.engine.records, self.engine.all_notices())
        ran = {check.code for check in self.engine.checks} if hasattr(self.engine, "checks") else None

        def check_ran(code: str) -> bool:
            return ran is None or code in ran

        return {e.fingerprint for e in entries if unverified(e, audited=audited, check_ran=check_ran)}

    def prune(self, fingerprint: str | None = None) -> int:
        """Drop resolved triage entries auditui is sure about: all of them, or the one of ``fingerprint``."""
        if not self.can_triage:
            return 0
        targets = {e.fingerprint for e in self.prunable_entries()
                   if fingerprint is None or e.fingerprint == fingerprint}
        if not targets:
            return 0
        try:
            count = self.store.prune(self.findings.keys(), keep=lambda e: e.fingerprint not in targets)
        except Exception as exc:
            self.notify(f"Prune failed: {exc}", severity="error")
            return 0
        self.notify(f"Pruned {count} resolved triage entr{'ies' if count != 1 else 'y'}.", timeout=3)
        self._update_state_label()
        self._refresh_screens("state_changed")
        return count

    @on(ShowFindings)
    def _show_findings(self, message: ShowFindings) -> None:
        while self.screen is not self.findings_screen and len(self.screen_stack) > 1:
            self.pop_screen()
        self.findings_screen.filter_to(label=message.label, fingerprints=message.fingerprints, path=message.path)

    def open_in_editor(self, finding: Any) -> None:
        if not finding.path or finding.path == ".":
            return
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        argv = editor_command(editor, str(self.root / finding.path), finding.line)
        try:
            if self.is_headless:
                subprocess.run(argv, cwd=self.root, check=False)
            else:
                with self.suspend():
                    subprocess.run(argv, cwd=self.root, check=False)
        except FileNotFoundError:
            self.notify(f"Editor not found: {argv[0]} (set $VISUAL or $EDITOR)", severity="error", timeout=8)
            return
        except Exception as exc:
            self.notify(f"Cannot open the editor: {exc}", severity="error", timeout=8)
            return
        self.refresh()
        # the watcher sees the save too; this covers --no-watch
        self._pending.add(str(self.root / finding.path))
        self._kick()

    # -- help and the command palette ---------------------------------------------
    def binding_groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        from .screens.checklists import ChecklistsScreen
        from .screens.files import FilesScreen
        from .screens.inventory import InventoryScreen
        from .screens.modals import _FormModal
        from .screens.notices import NoticesScreen
        from .screens.resolved import ResolvedScreen
        from .widgets.findings_list import FindingsList

        moves = {"cursor_up", "cursor_down", "page_up", "page_down", "first", "last"}

        def as_binding(binding: Binding | tuple[str, str] | tuple[str, str, str]) -> Binding:
            """Textual allows a (key, action[, description]) tuple wherever a Binding goes."""
            return Binding(*binding) if isinstance(binding, tuple) else binding

        def rows(bindings: Iterable[Binding | tuple[str, str] | tuple[str, str, str]],
                 skip: Collection[str] = frozenset()) -> list[tuple[str, str]]:
            out = []
            for entry in bindings:
                binding = as_binding(entry)
                if binding.action in skip or binding.action.startswith("app."):
                    continue
                keys = " ".join(self.get_key_display(Binding(key.strip(), binding.action))
                                for key in binding.key.split(","))
                out.append((keys, binding.tooltip or binding.description))
            return out

        return [
            ("Everywhere", [(self.get_key_display(b), b.tooltip or b.description) for b in map(as_binding, self.BINDINGS)] + [("ctrl+p", "Command palette: every action by name")]),
            ("Findings", rows(FindingsScreen.BINDINGS)),
            ("Findings list", [("↑ ↓ j k pgup pgdn", "Move (group headings are skipped)"),
                               ("home end gg G", "First / last finding")] + rows(FindingsList.BINDINGS, moves)),
            ("Checklists", rows(ChecklistsScreen.BINDINGS)),
            ("Files", rows(FilesScreen.BINDINGS)),
            ("Inventory", rows(InventoryScreen.BINDINGS)),
            ("Notices", rows(NoticesScreen.BINDINGS)),
            ("Resolved triage", rows(ResolvedScreen.BINDINGS)),
            ("Forms", rows(_FormModal.BINDINGS) + [("enter", "Save"), ("tab", "Next field")]),
        ]

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        base = self.findings_screen
        table_action = lambda name: lambda: base.table.run_action(name)  # noqa: E731
        commands = [
            ("Accept the risk of the selected finding", "a: needs a reason", lambda: base.run_action("accept"), "accept"),
            ("Defer the selected finding", "d: until a date, with a reason", lambda: base.run_action("defer"), "defer"),
            ("Reopen the selected finding", "O", lambda: base.run_action("reopen"), "reopen"),
            ("Undo the last triage change", "u", lambda: base.run_action("undo"), "undo"),
            ("Add a note to the selected finding", "n", lambda: base.run_action("note"), "note"),
            ("Open the selected finding in the editor", "o: $VISUAL / $EDITOR", lambda: base.run_action("open_editor"), "open_editor"),
            ("Filter findings by text", "/", lambda: base.run_action("filter"), None),
            ("Clear the filters", "esc", lambda: base.run_action("clear_filters"), None),
            ("Group findings by severity / file / category / nothing", "v", table_action("cycle_group"), None),
            ("Sort findings by severity / file / check code", "S", table_action("cycle_sort"), None),
            ("Find a finding by text", "ctrl+f, then ] and [", lambda: base.run_action("find"), None),
            ("Select every shown finding (bulk triage)", "ctrl+a", table_action("select_shown"), None),
            ("Fold or unfold every group", "z", table_action("toggle_all_groups"), None),
            ("Filter findings by severity", "s", table_action("cycle_severity"), None),
            ("Filter findings by status", "t", table_action("cycle_status"), None),
            ("Checklists: production readiness and PR review", "c", self.action_checklists, None),
            ("Files: the audited files as a tree", "f", self.action_files, None),
            ("Inventory: what the repository runs, by area", "i", self.action_inventory, None),
            ("Rescan the repository", "r", self.action_rescan, None),
            ("Export the audit report (as 'auditui report')", f"e: {REPORT_NAME}", self.action_export, None),
            ("Notices: what auditui could not read or did not audit", "N", self.action_notices, None),
            ("List resolved triage entries", "R: their finding no longer exists", self.action_resolved, None),
            ("Prune resolved triage entries", "P", self.action_prune, None),
            ("Help: every key", "?", self.action_help, None),
        ]
        for title, help_text, callback, screen_action in commands:
            if screen_action is not None and base.check_action(screen_action, ()) is not True:
                continue
            yield SystemCommand(title, help_text, callback)
