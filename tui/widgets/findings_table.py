"""The findings list: a DataTable kept in step with the engine, row by row.

Rows are keyed by fingerprint.  A change never clears the table: rows that left
the view are removed, new ones appended, changed ones get their cells replaced,
and the order is restored with one ``sort()`` (which only reorders row indexes).
Cells are built once per finding as ``rich.text.Text``.  Group headings
(severity, file or category) are rows too, keyed ``group:<value>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from ..checks.api import Finding, Severity
from .style import SEVERITY_SHORT, severity_styles, severity_text, status_style

StatusOf = Callable[[Finding], str]

GROUP_MODES = ("severity", "file", "category")
STATUS_FILTERS = ("open", "accepted", "deferred", "suppressed", "all")
#: severity filter steps: the lowest severity shown
SEVERITY_FILTERS: tuple[Severity | None, ...] = (None, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)

#: above this many removals at once, re-adding beats ``remove_row`` (which is O(rows) each)
_REBUILD_THRESHOLD = 400


class _KeyCell(Text):
    """The first cell of a row; carries the row's key so ``sort()`` can order rows by it."""

    row_id: str = ""


def _key_cell(row_id: str, text: str = "", style: str = "") -> _KeyCell:
    cell = _KeyCell(text, style=style, no_wrap=True, end="")
    cell.row_id = row_id
    return cell


@dataclass
class Filters:
    """What the list shows; ``describe()`` is the one-line summary for the status bar."""

    text: str = ""
    min_severity: Severity | None = None
    status: str = "open"
    path: str | None = None
    fingerprints: frozenset[str] | None = None
    label: str = ""  # what ``fingerprints`` stands for (a checklist item)

    def matches(self, finding: Finding, status: str) -> bool:
        if self.fingerprints is not None and finding.fingerprint not in self.fingerprints:
            return False
        if self.path is not None and finding.path != self.path:
            return False
        if self.status != "all" and status != self.status:
            return False
        if self.min_severity is not None and finding.severity < self.min_severity:
            return False
        if self.text:
            needle = self.text.lower()
            hay = " ".join(
                (finding.code, finding.name, finding.title, finding.message, finding.resource,
                 finding.location, finding.category.title, finding.severity.label)
            ).lower()
            if not all(word in hay for word in needle.split()):
                return False
        return True

    def describe(self) -> str:
        parts = [f"status: {self.status}"]
        if self.min_severity is not None:
            parts.append(f"severity ≥ {self.min_severity.label}")
        if self.text:
            parts.append(f"text: {self.text!r}")
        if self.path:
            parts.append(f"file: {self.path}")
        if self.fingerprints is not None:
            parts.append(self.label or f"{len(self.fingerprints)} selected")
        return " · ".join(parts)


class FindingsTable(DataTable):
    """The findings, grouped and filtered; the cursor follows a fingerprint."""

    BINDINGS = [
        Binding("g", "cycle_group", "Group", tooltip="Group by severity, file or category"),
        Binding("s", "cycle_severity", "Severity≥", tooltip="Show only findings at or above a severity"),
        Binding("t", "cycle_status", "Status", tooltip="Show open / accepted / deferred / suppressed / all"),
    ]

    DEFAULT_CSS = """
    FindingsTable { height: 1fr; }
    """

    class FindingSelected(Message):
        """The highlighted row changed (``finding`` is None on a group heading or when empty)."""

        def __init__(self, finding: Finding | None) -> None:
            super().__init__()
            self.finding = finding

    class ViewChanged(Message):
        """Grouping or filters changed (the status bar shows them)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.group_mode = "severity"
        self.filters = Filters()
        self.findings: dict[str, Finding] = {}
        self.new: set[str] = set()
        self.status_of: StatusOf = lambda f: "suppressed" if f.suppressed_by else "open"
        self._order: dict[str, tuple] = {}
        self._shown_status: dict[str, str] = {}
        self._styles: dict[Severity, str] | None = None
        self._group_counts: dict[str, int] = {}
        self._group_meta: dict[str, tuple[tuple, str, Severity | None]] = {}
        self._row_group: dict[str, str] = {}

    # -- row bookkeeping ----------------------------------------------------------
    # DataTable recomputes its line -> row map (a walk over every row) whenever
    # anything changes, a single cell included.  Every row here is one line high, so
    # the map only changes when rows are added, removed or reordered: cache it by that.
    _structure = 0
    _offsets_cache: tuple[int, list] | None = None

    def add_row(self, *cells, height: int | None = 1, key=None, label=None):  # type: ignore[override]
        self._structure += 1
        return super().add_row(*cells, height=height, key=key, label=label)

    def remove_row(self, row_key) -> None:  # type: ignore[override]
        self._structure += 1
        super().remove_row(row_key)

    def sort(self, *columns, key=None, reverse: bool = False):  # type: ignore[override]
        self._structure += 1
        return super().sort(*columns, key=key, reverse=reverse)

    def clear(self, columns: bool = False):  # type: ignore[override]
        self._structure += 1
        return super().clear(columns)

    @property
    def _y_offsets(self) -> list:  # type: ignore[override]
        cache = self._offsets_cache
        if cache is None or cache[0] != self._structure:
            cache = (self._structure, [(row.key, 0) for row in self.ordered_rows])
            self._offsets_cache = cache
        return cache[1]

    # -- setup ------------------------------------------------------------------
    def on_mount(self) -> None:
        self.add_column(" ", key="new", width=1)
        self.add_column("Sev", key="sev", width=6)
        self.add_column("Code", key="code", width=8)
        self.add_column("Finding", key="title", width=44)
        self.add_column("Location", key="loc", width=30)
        self.add_column("Resource", key="res", width=28)
        self.add_column("Status", key="status", width=10)

    def on_resize(self) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """Share the width between title, location and resource (fixed columns stay put)."""
        width = self.scrollable_content_region.width or self.size.width
        if not width or not self.columns:
            return
        padding = 2 * self.cell_padding * len(self.columns)
        # one status shown: the column would repeat it on every row
        status = 10 if self.filters.status == "all" else 0
        fixed = 1 + 6 + 8 + status
        rest = max(width - padding - fixed, 30)
        if rest < 50:
            widths = {"title": rest * 55 // 100, "loc": rest - rest * 55 // 100, "res": 0}
        else:
            title = rest * 42 // 100
            loc = rest * 33 // 100
            widths = {"title": title, "loc": loc, "res": rest - title - loc}
        widths["status"] = status
        changed = False
        for key, value in widths.items():
            column = self.columns.get(key)  # type: ignore[call-overload]
            if column is not None and column.width != value:
                column.width = value
                changed = True
        if changed:
            # widths changed: let the table recompute its virtual size (no row is re-measured)
            self._require_update_dimensions = True
            self.refresh(layout=True)

    @property
    def styles_by_severity(self) -> dict[Severity, str]:
        if self._styles is None:
            self._styles = severity_styles(self.app.current_theme)
        return self._styles

    # -- queries ----------------------------------------------------------------
    @property
    def selected(self) -> Finding | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None
        return self.findings.get(key or "")

    @property
    def visible_fingerprints(self) -> list[str]:
        return [row.key.value for row in self.ordered_rows if row.key.value in self.findings]

    # -- cells ------------------------------------------------------------------
    def _cells(self, finding: Finding, status: str) -> list[Text]:
        fp = finding.fingerprint
        dim = status_style(status)
        marker = _key_cell(fp, "●", "bold " + self.styles_by_severity[Severity.LOW]) if fp in self.new else _key_cell(fp, " ")
        title = Text(finding.title, style=dim, no_wrap=True, overflow="ellipsis", end="")
        return [
            marker,
            severity_text(finding.severity, self.styles_by_severity),
            Text(finding.code, style="bold " + dim, no_wrap=True, end=""),
            title,
            Text(finding.location, style=dim, no_wrap=True, overflow="ellipsis", end=""),
            Text(finding.resource or "—", style=dim, no_wrap=True, overflow="ellipsis", end=""),
            Text(status, style=dim or "bold", no_wrap=True, end=""),
        ]

    def _group_of(self, finding: Finding) -> tuple[tuple, str, str]:
        """(sort key, row id, label) of the group a finding belongs to."""
        if self.group_mode == "file":
            path = finding.path or "."
            return (path,), f"group:file:{path}", finding.path if finding.path not in (None, ".") else "(repository)"
        if self.group_mode == "category":
            title = finding.category.title
            return (title,), f"group:cat:{finding.category.value}", title
        sev = finding.severity
        return (-int(sev),), f"group:sev:{sev.label}", ""

    def _finding_order(self, finding: Finding) -> tuple:
        base = finding.sort_key()
        if self.group_mode == "file":
            return (finding.path or "", -int(finding.severity), finding.line or 0, finding.code, finding.resource)
        if self.group_mode == "category":
            return (-int(finding.severity), finding.path or "", finding.line or 0, finding.code, finding.resource)
        return base

    def _heading_cells(self, row_id: str, label: str, count: int, severity: Severity | None) -> list[Text]:
        counted = f"{count} finding{'s' if count != 1 else ''}"
        heading = Text.assemble(
            (label, "bold"), (f"  {counted}", "dim"), no_wrap=True, overflow="ellipsis", end="",
        ) if label else Text(counted, style="bold", no_wrap=True, end="")
        sev = severity_text(severity, self.styles_by_severity) if severity is not None else Text("")
        return [_key_cell(row_id, "▾", "dim"), sev, Text(""), heading, Text(""), Text(""), Text("")]

    # -- the one way rows change ------------------------------------------------
    def sync(self, changed: Iterable[str] = ()) -> None:
        """Bring the rows in line with ``findings`` + filters, touching only what differs."""
        changed = set(changed)
        cursor_key = self._cursor_key()
        cursor_index = self.cursor_row
        wanted: dict[str, Finding] = {}
        statuses: dict[str, str] = {}
        for fp, finding in self.findings.items():
            status = self.status_of(finding)
            if self.filters.matches(finding, status):
                wanted[fp] = finding
                statuses[fp] = status
        groups: dict[str, tuple[tuple, str, Severity | None]] = {}
        counts: dict[str, int] = {}
        order: dict[str, tuple] = {}
        row_group: dict[str, str] = {}
        for fp, finding in wanted.items():
            gkey, gid, label = self._group_of(finding)
            row_group[fp] = gid
            groups.setdefault(gid, (gkey, label, finding.severity if self.group_mode == "severity" else None))
            counts[gid] = counts.get(gid, 0) + 1
            order[fp] = (gkey, 1, self._finding_order(finding))
        for gid, (gkey, _label, _sev) in groups.items():
            order[gid] = (gkey, 0, ())

        present = {row.value for row in self.rows}
        to_remove = present - order.keys()
        if len(to_remove) > _REBUILD_THRESHOLD:
            self.clear()
            self._shown_status.clear()
            self._group_counts.clear()
            present = set()
            to_remove = set()
        for key in to_remove:
            self.remove_row(key)
            self._shown_status.pop(key, None)
            self._group_counts.pop(key, None)
        new_rows = []
        for gid, (gkey, label, sev) in groups.items():
            if gid not in present:
                new_rows.append((gid, self._heading_cells(gid, label, counts[gid], sev)))
                self._group_counts[gid] = counts[gid]
            elif self._group_counts.get(gid) != counts[gid]:
                self._group_counts[gid] = counts[gid]
                cells = self._heading_cells(gid, label, counts[gid], sev)
                self.update_cell(gid, "title", cells[3])
        for fp, finding in wanted.items():
            status = statuses[fp]
            if fp not in present:
                new_rows.append((fp, self._cells(finding, status)))
                self._shown_status[fp] = status
            elif fp in changed or self._shown_status.get(fp) != status:
                self._shown_status[fp] = status
                for column, cell in zip(("new", "sev", "code", "title", "loc", "res", "status"), self._cells(finding, status)):
                    self.update_cell(fp, column, cell)
        for key, cells in new_rows:
            self.add_row(*cells, key=key)
        self._order = order
        self._row_group = row_group
        self._group_meta = groups
        self._group_counts = counts
        if new_rows or to_remove or changed:
            self._resort()
        self._restore_cursor(cursor_key, cursor_index)

    def _resort(self) -> None:
        self.sort("new", key=lambda cell: self._order.get(cell.row_id, ((), 2, ())))

    def apply_delta(self, upserts: Iterable[str], removed: Iterable[str]) -> None:
        """Incremental form of :meth:`sync` for an engine delta: cost follows the delta, not the table."""
        cursor_key = self._cursor_key()
        cursor_index = self.cursor_row
        structural = False
        touched: set[str] = set()
        shown = self._shown_status

        def drop(fp: str) -> None:
            self.remove_row(fp)
            shown.pop(fp, None)
            self._order.pop(fp, None)
            gid = self._row_group.pop(fp, None)
            if gid is not None:
                self._group_counts[gid] = self._group_counts.get(gid, 1) - 1
                touched.add(gid)

        for fp in removed:
            if fp in shown:
                drop(fp)
                structural = True
        new_rows = []
        for fp in upserts:
            finding = self.findings.get(fp)
            status = self.status_of(finding) if finding is not None else ""
            if finding is None or not self.filters.matches(finding, status):
                if fp in shown:
                    drop(fp)
                    structural = True
                continue
            gkey, gid, label = self._group_of(finding)
            if fp in shown and self._row_group.get(fp) != gid:
                drop(fp)
                structural = True
            order = (gkey, 1, self._finding_order(finding))
            cells = self._cells(finding, status)
            if fp in shown:
                shown[fp] = status
                for column, cell in zip(("new", "sev", "code", "title", "loc", "res", "status"), cells):
                    self.update_cell(fp, column, cell)
                if self._order.get(fp) != order:
                    self._order[fp] = order
                    structural = True
            else:
                new_rows.append((fp, cells))
                shown[fp] = status
                self._order[fp] = order
                self._row_group[fp] = gid
                self._group_counts[gid] = self._group_counts.get(gid, 0) + 1
                self._group_meta.setdefault(gid, (gkey, label, finding.severity if self.group_mode == "severity" else None))
                touched.add(gid)
                structural = True
        for gid in touched:
            count = self._group_counts.get(gid, 0)
            meta = self._group_meta.get(gid)
            present = gid in self._order
            if count <= 0:
                self._group_counts.pop(gid, None)
                self._group_meta.pop(gid, None)
                if present:
                    self.remove_row(gid)
                    self._order.pop(gid, None)
                    structural = True
            elif meta is not None:
                gkey, label, sev = meta
                cells = self._heading_cells(gid, label, count, sev)
                if present:
                    self.update_cell(gid, "title", cells[3])
                else:
                    new_rows.append((gid, cells))
                    self._order[gid] = (gkey, 0, ())
                    structural = True
        for key, cells in new_rows:
            self.add_row(*cells, key=key)
        if structural:
            self._resort()
        self._restore_cursor(cursor_key, cursor_index)

    def mark_viewed(self, fingerprint: str) -> None:
        if fingerprint in self.new:
            self.new.discard(fingerprint)
            if fingerprint in self._shown_status:
                self.update_cell(fingerprint, "new", _key_cell(fingerprint, " "))

    def _cursor_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None

    def _restore_cursor(self, key: str | None, index: int) -> None:
        if not self.row_count:
            self.post_message(self.FindingSelected(None))
            return
        target = None
        if key is not None:
            try:
                target = self.get_row_index(key)
            except Exception:
                target = None
        if target is None:
            target = min(max(index, 0), self.row_count - 1)
            # land on a finding rather than on a heading when possible
            if self._row_key_at(target).startswith("group:") and target + 1 < self.row_count:
                target += 1
        if target != self.cursor_row:
            self.move_cursor(row=target, animate=False)
        elif key is None or target is None or self._row_key_at(target) != key:
            self.post_message(self.FindingSelected(self.selected))

    def _row_key_at(self, index: int) -> str:
        try:
            return self.coordinate_to_cell_key((index, 0)).row_key.value or ""
        except Exception:
            return ""

    def select_fingerprint(self, fingerprint: str) -> bool:
        try:
            index = self.get_row_index(fingerprint)
        except Exception:
            return False
        self.move_cursor(row=index, animate=False)
        return True

    # -- events -----------------------------------------------------------------
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        key = event.row_key.value if event.row_key is not None else None
        finding = self.findings.get(key or "")
        if finding is not None:
            self.mark_viewed(finding.fingerprint)
        self.post_message(self.FindingSelected(finding))

    # -- actions ----------------------------------------------------------------
    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        if self._row_key_at(self.cursor_row).startswith("group:") and self.cursor_row + 1 < self.row_count:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        if self._row_key_at(self.cursor_row).startswith("group:") and self.cursor_row > 0:
            super().action_cursor_up()

    def action_cycle_group(self) -> None:
        self.group_mode = GROUP_MODES[(GROUP_MODES.index(self.group_mode) + 1) % len(GROUP_MODES)]
        # headings change identity: drop them all, findings stay and are re-sorted
        for row in list(self.rows):
            if row.value.startswith("group:"):
                self.remove_row(row)
                self._group_counts.pop(row.value, None)
                self._order.pop(row.value, None)
        self.sync(changed=self.findings.keys())
        self.notify(f"grouped by {self.group_mode}", timeout=2)
        self.post_message(self.ViewChanged())

    def action_cycle_severity(self) -> None:
        current = SEVERITY_FILTERS.index(self.filters.min_severity)
        self.filters.min_severity = SEVERITY_FILTERS[(current + 1) % len(SEVERITY_FILTERS)]
        self.sync()
        self.post_message(self.ViewChanged())

    def action_cycle_status(self) -> None:
        current = STATUS_FILTERS.index(self.filters.status)
        self.filters.status = STATUS_FILTERS[(current + 1) % len(STATUS_FILTERS)]
        self.fit_columns()
        self.sync()
        self.post_message(self.ViewChanged())

    def set_filters(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self.filters, name, value)
        self.fit_columns()
        self.sync()
        self.post_message(self.ViewChanged())

    def counts(self) -> dict[Severity, int]:
        out = {s: 0 for s in reversed(Severity)}
        for fp in self._shown_status:
            finding = self.findings.get(fp)
            if finding is not None:
                out[finding.severity] += 1
        return out


__all__ = ["FindingsTable", "Filters", "GROUP_MODES", "STATUS_FILTERS", "SEVERITY_SHORT"]
