"""The findings list: a DataTable kept in step with the engine, row by row.

Rows are keyed by fingerprint; group headings (severity, file or category) are
rows too, keyed ``group:<value>``.  A change never clears the table.

Textual's DataTable is built for tables that are filled once; with thousands of
rows three of its habits dominate everything else, so this widget owns the rows'
storage and order itself (the DataTable still renders, scrolls and moves the
cursor, and its public read API keeps working):

* ``add_row`` measures every cell of every new row on idle (~0.35 ms a row here)
  although every column has a fixed width: :meth:`_update_dimensions` skips that;
* ``remove_row`` rebuilds the row index per row and ``sort()`` re-sorts every row
  through a Python key: the order lives in ``_sorted`` (order key, row key), kept
  sorted (Timsort merges a sorted batch in linear time) and written to the row
  index once per change (:meth:`_commit`);
* every change re-renders every visible cell through Rich's generic
  ``render_lines`` (~0.3 ms a cell, ~100 ms a screen): cells are ``_Cell`` texts
  built once, each keeping its own rendered segments, so re-rendering a screen is
  mostly re-applying the row style (:meth:`_render_cell`).

Big batches (the first scan, a rescan, a ``git checkout``) are added in chunks,
top of the table first, one chunk per screen refresh: the first screenful shows
at once and keys keep working while the rest fills in (:attr:`filling`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import Row, RowKey

from ..checks.api import Finding, Severity
from ..checks.textsafe import one_line
from .style import SEVERITY_SHORT, severity_styles, status_style

StatusOf = Callable[[Finding], str]

GROUP_MODES = ("severity", "file", "category")
STATUS_FILTERS = ("open", "accepted", "deferred", "suppressed", "all")
#: severity filter steps: the lowest severity shown
SEVERITY_FILTERS: tuple[Severity | None, ...] = (None, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)

COLUMNS = ("new", "sev", "code", "title", "loc", "res", "status")
#: new rows up to this many are added at once; more are queued and added in chunks
IMMEDIATE = 600
#: rows added per screen refresh while filling
CHUNK = 2000


class _Cell(Text):
    """A cell's text; keeps its last rendering (width, segments) so a redraw is cheap."""

    __slots__ = ("rendered",)


def _cell(text: str = "", style: str = "", overflow: str | None = None) -> _Cell:
    cell = _Cell(text, style=style, no_wrap=True, overflow=overflow, end="")  # type: ignore[arg-type]
    cell.rendered = None
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

    class Filled(Message):
        """Every queued row is in the table (after a chunked fill)."""

    # read by DataTable's own __init__ (through ordered_rows) before ours has run
    _sorted: list[tuple[tuple, str]] = []
    _structure = 0
    _rows_cache: tuple[int, list[Row]] | None = None
    _offsets_cache: tuple[int, list] | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.group_mode = "severity"
        self.filters = Filters()
        self.findings: dict[str, Finding] = {}
        self.new: set[str] = set()
        self.status_of: StatusOf = lambda f: "suppressed" if f.suppressed_by else "open"
        #: while True (the first scan), a cursor on the first finding stays on the first finding
        self.pin_top = False
        # rows in the table, in display order, and each row's order key
        self._sorted: list[tuple[tuple, str]] = []
        self._order: dict[str, tuple] = {}
        self._shown_status: dict[str, str] = {}
        # the finding rows the filters want (in the table or queued): order, status, group
        self._want: dict[str, tuple] = {}
        self._want_status: dict[str, str] = {}
        self._want_sev: dict[str, Severity] = {}
        self._row_group: dict[str, str] = {}
        self._group_counts: dict[str, int] = {}
        self._group_meta: dict[str, tuple[tuple, str, Severity | None]] = {}
        # rows waiting to be added (sorted; an entry is stale unless it matches _want)
        self._queue: list[tuple[tuple, str]] = []
        self._fill_scheduled = False
        self._structure = 0
        self._rows_cache: tuple[int, list[Row]] | None = None
        self._offsets_cache: tuple[int, list] | None = None
        self._meta_cache: dict[tuple[int, int], Style] = {}
        self._theme_cells: dict | None = None
        self._row_keys: dict[str, RowKey] = {}
        # per-row versions (bumped when a row's cells change) and the rendered lines they key
        self._versions: dict[str, int] = {}
        self._version = 0
        self._layout_version = 0
        self._strips: dict[tuple, Strip] = {}
        self._sev_counts: dict[Severity, int] = {s: 0 for s in Severity}

    # -- setup ------------------------------------------------------------------
    def on_mount(self) -> None:
        self.add_column(" ", key="new", width=1)
        self.add_column("Sev", key="sev", width=6)
        self.add_column("Code", key="code", width=8)
        self.add_column("Finding", key="title", width=44)
        self.add_column("Location", key="loc", width=30)
        self.add_column("Resource", key="res", width=28)
        self.add_column("Status", key="status", width=10)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

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
            self._layout_version += 1
            self._update_count += 1
            self._require_update_dimensions = True
            self.refresh(layout=True)

    # -- theme ------------------------------------------------------------------
    @property
    def styles_by_severity(self) -> dict[Severity, str]:
        return self._themed()["styles"]

    def _themed(self) -> dict:
        """Cells that depend on the theme, built once per theme and shared by every row."""
        if self._theme_cells is None:
            styles = severity_styles(self.app.current_theme)
            self._theme_cells = {
                "styles": styles,
                "sev": {sev: _cell(f" {SEVERITY_SHORT[sev]:<4} ", styles[sev]) for sev in Severity},
                "new": _cell("●", "bold " + styles[Severity.LOW]),
                "old": _cell(" "),
            }
        return self._theme_cells

    def _theme_changed(self, _theme: object = None) -> None:
        """Restyle every row for the new theme (the shared cells are swapped, nothing is rebuilt)."""
        old = self._theme_cells
        self._theme_cells = None
        if old is None:
            return
        themed = self._themed()
        old_sev = {id(cell): sev for sev, cell in old["sev"].items()}
        for key, row in self._data.items():
            sev = old_sev.get(id(row.get("sev")))
            if sev is not None:
                row["sev"] = themed["sev"][sev]
            if row.get("new") is old["new"]:
                row["new"] = themed["new"]
        self._strips.clear()
        self._update_count += 1
        self.refresh()

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    # -- DataTable internals this widget replaces ---------------------------------
    def _update_dimensions(self, new_rows) -> None:  # type: ignore[override]
        """Every column has a fixed width and every row one line: nothing to measure."""
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(width, len(self._sorted) + (self.header_height if self.show_header else 0))

    @property
    def ordered_rows(self) -> list[Row]:  # type: ignore[override]
        cache = self._rows_cache
        if cache is None or cache[0] != self._structure:
            rows = self.rows
            cache = (self._structure, [rows[key] for _order, key in self._sorted])  # type: ignore[index]
            self._rows_cache = cache
        return cache[1]

    @property
    def _y_offsets(self) -> list:  # type: ignore[override]
        cache = self._offsets_cache
        if cache is None or cache[0] != self._structure:
            keys = self._row_keys
            cache = (self._structure, [(keys[key], 0) for _order, key in self._sorted])
            self._offsets_cache = cache
        return cache[1]

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:  # type: ignore[override]
        """A line of the table, cached per row until that row (or its index, cursor or hover) changes.

        DataTable's own caches are keyed by a counter that every change bumps, so one
        changed row re-rendered every visible row; this keeps the others.
        """
        try:
            row_key, _line = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        if row_key is self._header_row_key:
            return super()._render_line(y, x1, x2, base_style)
        key = row_key.value
        index = self._row_locations.get(row_key)
        cursor = self.cursor_coordinate.row == index and self.show_cursor and self.cursor_type == "row"
        hover = self.hover_coordinate.row == index and self._show_hover_cursor
        cache_key = (key, index, self._versions.get(key), cursor, hover, x1, x2, self.size.width, base_style,
                     self._pseudo_class_state, self._layout_version, self.cursor_type)
        strip = self._strips.get(cache_key)
        if strip is None:
            if len(self._strips) > 4000:
                self._strips.clear()
            strip = self._strips[cache_key] = super()._render_line(y, x1, x2, base_style)
        return strip

    def _get_row_region(self, row_index: int) -> Region:  # type: ignore[override]
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        width = sum(column.get_render_width(self) for column in self.columns.values())
        y = row_index + (self.header_height if self.show_header else 0)
        return Region(0, y, max(self.size.width, width), 1)

    def _get_cell_region(self, coordinate) -> Region:  # type: ignore[override]
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        columns = self.ordered_columns
        x = sum(column.get_render_width(self) for column in columns[:column_index])
        y = row_index + (self.header_height if self.show_header else 0)
        return Region(x, y, columns[column_index].get_render_width(self), 1)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):  # type: ignore[override]
        """Render a cell from its cached segments (the generic path for anything else)."""
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)
        lines = self._cell_render_cache.get(cache_key)
        if lines is not None:
            return lines
        cell = self._data[row_key][column_key]
        if type(cell) is not _Cell:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        pad = self.cell_padding
        inner = max(width - 2 * pad, 0)
        rendered = cell.rendered
        if rendered is None or rendered[0] != inner:
            rendered = (inner, _render_text(self.app.console, cell, inner, pad))
            cell.rendered = rendered
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        meta = self._meta_cache.get((row_index, column_index))
        if meta is None:
            if len(self._meta_cache) > 20_000:
                self._meta_cache.clear()
            meta = self._meta_cache[(row_index, column_index)] = Style.from_meta({"row": row_index, "column": column_index})
        lines = [list(Segment.apply_style(rendered[1], base_style + meta + component_style, post_style))]
        self._cell_render_cache[cache_key] = lines
        return lines

    # -- storage: the one place rows enter and leave -------------------------------
    def _put(self, key: str, order: tuple, cells: list[Text]) -> None:
        row_key = self._row_keys[key] = RowKey(key)
        self._data[row_key] = dict(zip(COLUMNS, cells))  # type: ignore[arg-type]
        self.rows[row_key] = Row(row_key, 1)
        self._order[key] = order
        self._sorted.append((order, key))
        self._bump(key)

    def _set_cells(self, key: str, cells: list[Text]) -> None:
        self._data[self._row_keys[key]] = dict(zip(COLUMNS, cells))  # type: ignore[arg-type]
        self._bump(key)

    def _bump(self, key: str) -> None:
        self._version += 1
        self._versions[key] = self._version

    def _drop(self, keys: set[str]) -> None:
        if not keys:
            return
        for key in keys:
            self._data.pop(key, None)  # type: ignore[call-overload]
            self.rows.pop(key, None)  # type: ignore[call-overload]
            self._order.pop(key, None)
            self._shown_status.pop(key, None)
            self._row_keys.pop(key, None)
            self._versions.pop(key, None)
        self._sorted = [item for item in self._sorted if item[1] not in keys]

    def _commit(self) -> None:
        """Write the order to the table's row index and let it redraw (one pass, O(rows))."""
        was_empty = len(self._row_locations) == 0
        self._sorted.sort()
        keys = self._row_keys
        self._row_locations = TwoWayDict({keys[key]: index for index, (_order, key) in enumerate(self._sorted)})
        self._structure += 1
        self._update_count += 1
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate  # clamp
        self.hover_coordinate = self.hover_coordinate
        if was_empty and self._sorted and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.check_idle()
        self.refresh()

    def _touch(self) -> None:
        """Cells changed in place: redraw."""
        self._update_count += 1
        self.refresh()

    def clear(self, columns: bool = False):  # type: ignore[override]
        self._sorted = []
        self._row_keys.clear()
        self._versions.clear()
        self._order.clear()
        self._shown_status.clear()
        self._queue = []
        self._structure += 1
        return super().clear(columns)

    # -- queries ----------------------------------------------------------------
    @property
    def filling(self) -> bool:
        """True while queued rows are still being added."""
        return bool(self._queue)

    @property
    def selected(self) -> Finding | None:
        key = self._cursor_key()
        return self.findings.get(key or "")

    @property
    def visible_fingerprints(self) -> list[str]:
        findings = self.findings
        return [key for _order, key in self._sorted if key in findings]

    def counts(self) -> dict[Severity, int]:
        """Findings the filters let through, by severity (queued rows included)."""
        return {s: self._sev_counts[s] for s in reversed(Severity)}

    # -- cells ------------------------------------------------------------------
    def _cells(self, finding: Finding, status: str) -> list[Text]:
        themed = self._themed()
        dim = status_style(status)
        return [
            themed["new"] if finding.fingerprint in self.new else themed["old"],
            themed["sev"][finding.severity],
            _cell(one_line(finding.code), "bold " + dim),
            _cell(one_line(finding.title), dim, "ellipsis"),
            _cell(one_line(finding.location), dim, "ellipsis"),
            _cell(one_line(finding.resource) or "—", dim, "ellipsis"),
            _cell(status, dim or "bold"),
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
        if self.group_mode == "file":
            return (finding.path or "", -int(finding.severity), finding.line or 0, finding.code, finding.resource)
        if self.group_mode == "category":
            return (-int(finding.severity), finding.path or "", finding.line or 0, finding.code, finding.resource)
        return finding.sort_key()

    def _heading_cells(self, row_id: str, label: str, count: int, severity: Severity | None) -> list[Text]:
        counted = f"{count} finding{'s' if count != 1 else ''}"
        heading = _cell(overflow="ellipsis")
        if label:
            heading.append(one_line(label), "bold")
            heading.append(f"  {counted}", "dim")
        else:
            heading.append(counted, "bold")
        sev = self._themed()["sev"][severity] if severity is not None else _cell()
        return [_cell("▾", "dim"), sev, _cell(), heading, _cell(), _cell(), _cell()]

    def _heading_order(self, gid: str) -> tuple:
        return (self._group_meta[gid][0], 0, ())

    # -- the one way rows change ------------------------------------------------
    def sync(self, changed: Iterable[str] = ()) -> None:
        """Bring the rows in line with ``findings`` + filters, touching only what differs."""
        changed = set(changed)
        want: dict[str, tuple] = {}
        statuses: dict[str, str] = {}
        row_group: dict[str, str] = {}
        groups: dict[str, tuple[tuple, str, Severity | None]] = {}
        counts: dict[str, int] = {}
        by_severity = self.group_mode == "severity"
        matches = self.filters.matches
        status_of = self.status_of
        for fp, finding in self.findings.items():
            status = status_of(finding)
            if not matches(finding, status):
                continue
            gkey, gid, label = self._group_of(finding)
            want[fp] = (gkey, 1, self._finding_order(finding))
            statuses[fp] = status
            row_group[fp] = gid
            if gid not in groups:
                groups[gid] = (gkey, label, finding.severity if by_severity else None)
                counts[gid] = 1
            else:
                counts[gid] += 1
        findings = self.findings
        self._want_sev = {fp: findings[fp].severity for fp in want}
        self._sev_counts = {s: 0 for s in Severity}
        for severity in self._want_sev.values():
            self._sev_counts[severity] += 1
        self._replace_wanted(want, statuses, row_group, groups, counts, changed)

    def _replace_wanted(self, want, statuses, row_group, groups, counts, changed: set[str]) -> None:
        cursor_key, cursor_index = self._cursor_key(), self.cursor_row
        old_meta = self._group_meta
        self._want, self._want_status, self._row_group = want, statuses, row_group
        self._group_meta, self._group_counts = groups, counts
        # rows that leave, or move (their order key changed)
        gone = {key for key, order in self._order.items()
                if (want.get(key) != order if not key.startswith("group:")
                    else key not in groups or old_meta.get(key, (None,))[0] != groups[key][0])}
        self._drop(gone)
        shown = self._shown_status
        for fp, status in statuses.items():
            if fp in shown and (fp in changed or shown[fp] != status):
                shown[fp] = status
                self._set_cells(fp, self._cells(self.findings[fp], status))
        structural = bool(gone)
        for gid in groups:
            structural |= self._refresh_heading(gid)
        self._queue = sorted((order, fp) for fp, order in want.items() if fp not in self._order)
        self._fill(cursor_key, cursor_index, structural=structural)

    def _refresh_heading(self, gid: str) -> bool:
        """Add, update or remove the heading row of a group; True if rows moved."""
        count = self._group_counts.get(gid, 0)
        meta = self._group_meta.get(gid)
        present = gid in self._order
        if count <= 0 or meta is None:
            self._group_counts.pop(gid, None)
            self._group_meta.pop(gid, None)
            if present:
                self._drop({gid})
                return True
            return False
        gkey, label, sev = meta
        cells = self._heading_cells(gid, label, count, sev)
        if present:
            if str(self._data[RowKey(gid)]["title"]) != str(cells[3]):  # type: ignore[index]
                self._set_cells(gid, cells)
            return False
        self._put(gid, (gkey, 0, ()), cells)
        return True

    def apply_delta(self, upserts: Iterable[str], removed: Iterable[str]) -> None:
        """Incremental form of :meth:`sync` for an engine delta: cost follows the delta, not the table."""
        cursor_key, cursor_index = self._cursor_key(), self.cursor_row
        touched: set[str] = set()
        gone: set[str] = set()
        by_severity = self.group_mode == "severity"

        def unwant(fp: str) -> None:
            if self._want.pop(fp, None) is not None:
                self._sev_counts[self._want_sev.pop(fp)] -= 1
                self._want_status.pop(fp, None)
                gid = self._row_group.pop(fp)
                self._group_counts[gid] = self._group_counts.get(gid, 1) - 1
                touched.add(gid)
            if fp in self._order:
                gone.add(fp)

        for fp in removed:
            unwant(fp)
        queued: list[tuple[tuple, str]] = []
        for fp in upserts:
            finding = self.findings.get(fp)
            status = self.status_of(finding) if finding is not None else ""
            if finding is None or not self.filters.matches(finding, status):
                unwant(fp)
                continue
            gkey, gid, label = self._group_of(finding)
            order = (gkey, 1, self._finding_order(finding))
            if self._want.get(fp) == order:
                # same place: only the cells change
                self._want_status[fp] = status
                if fp in self._order:
                    self._shown_status[fp] = status
                    self._set_cells(fp, self._cells(finding, status))
                continue
            unwant(fp)
            self._want[fp] = order
            self._want_sev[fp] = finding.severity
            self._sev_counts[finding.severity] += 1
            self._want_status[fp] = status
            self._row_group[fp] = gid
            self._group_counts[gid] = self._group_counts.get(gid, 0) + 1
            self._group_meta.setdefault(gid, (gkey, label, finding.severity if by_severity else None))
            touched.add(gid)
            queued.append((order, fp))
        # a row that moved is dropped and queued again at its new place
        self._drop(gone)
        structural = bool(gone)
        for gid in touched:
            structural |= self._refresh_heading(gid)
        if queued:
            queued.sort()
            self._queue = list(_merge(self._queue, queued)) if self._queue else queued
        self._fill(cursor_key, cursor_index, structural=structural)

    # -- filling ----------------------------------------------------------------
    def _fill(self, cursor_key: str | None, cursor_index: int, *, structural: bool) -> None:
        """Add queued rows: all of them when few, else the top chunk now and the rest later."""
        added = self._take(len(self._queue) if len(self._queue) <= IMMEDIATE else CHUNK)
        if added or structural:
            self._commit()
        else:
            self._touch()
        self._restore_cursor(cursor_key, cursor_index)
        self._schedule_fill()

    def _take(self, count: int) -> int:
        """Move up to ``count`` valid rows from the front of the queue into the table."""
        added = 0
        queue = self._queue
        position = 0
        findings, want, statuses = self.findings, self._want, self._want_status
        while added < count and position < len(queue):
            order, fp = queue[position]
            position += 1
            if want.get(fp) != order or fp in self._order:
                continue
            finding = findings.get(fp)
            if finding is None:
                continue
            status = statuses[fp]
            self._put(fp, order, self._cells(finding, status))
            self._shown_status[fp] = status
            added += 1
        del queue[:position]
        return added

    def _schedule_fill(self) -> None:
        if self._queue and not self._fill_scheduled:
            self._fill_scheduled = True
            self.call_after_refresh(self._fill_step)

    def _fill_step(self) -> None:
        self._fill_scheduled = False
        if not self._queue:
            return
        cursor_key, cursor_index = self._cursor_key(), self.cursor_row
        if self._take(CHUNK):
            self._commit()
            self._restore_cursor(cursor_key, cursor_index)
        if self._queue:
            self._schedule_fill()
        else:
            self.post_message(self.Filled())

    def mark_viewed(self, fingerprint: str) -> None:
        if fingerprint in self.new:
            self.new.discard(fingerprint)
            row = self._data.get(fingerprint)  # type: ignore[call-overload]
            if row is not None:
                row["new"] = self._themed()["old"]
                self._bump(fingerprint)
                self._touch()

    # -- the cursor -------------------------------------------------------------
    def _cursor_key(self) -> str | None:
        if not self._sorted:
            return None
        row = self.cursor_row
        if 0 <= row < len(self._sorted):
            return self._sorted[row][1]
        return None

    def _restore_cursor(self, key: str | None, index: int) -> None:
        """Put the cursor back on the row ``key`` (else near ``index``, on a finding)."""
        if not self.row_count:
            self.post_message(self.FindingSelected(None))
            return
        previous = key
        if self.pin_top and index <= 1:
            key, index = None, 0
        target = self._row_locations.get(key) if key is not None else None  # type: ignore[arg-type]
        if target is None:
            target = min(max(index, 0), self.row_count - 1)
            # land on a finding rather than on a heading when possible
            if self._row_key_at(target).startswith("group:") and target + 1 < self.row_count:
                target += 1
        if target != self.cursor_row:
            self.move_cursor(row=target, animate=False)
        elif self._row_key_at(target) != previous:
            self.post_message(self.FindingSelected(self.selected))

    def _row_key_at(self, index: int) -> str:
        if 0 <= index < len(self._sorted):
            return self._sorted[index][1]
        return ""

    def select_fingerprint(self, fingerprint: str) -> bool:
        index = self._row_locations.get(fingerprint)  # type: ignore[arg-type]
        if index is None:
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
        self.sync()
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


def _merge(a: list, b: list):
    import heapq

    return heapq.merge(a, b)


def _render_text(console, text: Text, width: int, pad: int) -> list[Segment]:
    """One line of ``text`` in ``width`` cells plus padding, as Rich lays it out (row style not applied)."""
    segments = [Segment(" " * pad)] if pad else []
    if width <= 0:
        return [Segment(" " * (2 * pad))] if pad else []
    if "\n" in text.plain or "\t" in text.plain:
        text = text.copy()
        text.plain = text.plain.replace("\t", "    ").split("\n", 1)[0]
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow=text.overflow or "fold")
    if text.spans:
        segments.extend(text.render(console, end=""))
    elif text.plain:
        segments.append(Segment(text.plain, console.get_style(text.style, default=Style.null()) if text.style else None))
    rest = width - text.cell_len + pad
    if rest > 0:
        segments.append(Segment(" " * rest))
    return segments


__all__ = ["FindingsTable", "Filters", "GROUP_MODES", "STATUS_FILTERS", "SEVERITY_SHORT"]
