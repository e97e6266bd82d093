"""The findings list: a virtual list on Textual's Line API.

What the rows are (groups, filters, sort, collapsed groups, selection, search) is decided by
:class:`~auditui.findings_model.FindingsModel`, plain Python; this widget only draws the rows
on screen: a ``ScrollView`` whose ``virtual_size`` is the row count and whose
``render_line`` builds the one line asked for, as a ``Strip`` of ready segments kept in an
``LRUCache`` (as toolong's log view does).  Rows that are not on screen are never built, so
50,000 findings cost what the 40 visible ones cost.

Columns fit the terminal: the location keeps its line number (the path is shortened from
the left), the title takes the room that is left, the resource shows from 100 columns on,
the status column when more than one status is shown (or a deferral has expired).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..checks.api import Finding, Severity
from ..checks.textsafe import one_line
from ..findings_model import (
    GROUP_MODES,
    ROW_STATUSES,
    SEVERITY_FILTERS,
    SORT_MODES,
    STATUS_FILTERS,
    ColumnNeeds,
    Filters,
    FindingsModel,
    is_heading,
)
from .style import SEVERITY_SHORT, severity_styles

__all__ = ["FindingsList", "Filters", "GROUP_MODES", "SORT_MODES", "STATUS_FILTERS", "SEVERITY_SHORT",
           "column_widths", "fit", "fit_location"]

#: a second ``g`` within this many seconds makes ``gg`` (first row)
GG_SECONDS = 0.8
#: the text filter's words of new findings are read this long after they arrive, WARM_STEP
#: findings at a time (a few ms each), WARM_GAP seconds apart
WARM_DELAY, WARM_STEP, WARM_GAP = 0.3, 2000, 0.02


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    return set_cell_size(text, width - 1) + "…"


def fit_location(location: str, width: int) -> str:
    """``path:line`` in ``width`` cells, never losing the line number: the path is cut from the left."""
    if width <= 0:
        return ""
    if cell_len(location) <= width:
        return fit(location, width)
    path, sep, line = location.rpartition(":")
    if not sep or not line.isdigit():
        return "…" + _right_cells(location, width - 1)
    tail = ":" + line
    room = width - cell_len(tail) - 1
    if room < 1:
        return fit(tail.lstrip(":"), width)
    return "…" + _right_cells(path, room) + tail


def _right_cells(text: str, width: int) -> str:
    """The last ``width`` cells of ``text``, padded on the right when a wide character does not fit."""
    out, used = [], 0
    for char in reversed(text):
        size = cell_len(char)
        if used + size > width:
            break
        out.append(char)
        used += size
    return "".join(reversed(out)) + " " * (width - used)


#: the narrowest resource column worth showing
RESOURCE_MIN = 12
CODE_WIDTH = 7
STATUS_WIDTH = max(map(len, ROW_STATUSES))  # "suppressed" whole


def column_widths(width: int, needs: ColumnNeeds, *, show_status: bool = False) -> dict[str, int]:
    """Each column's width in a list ``width`` cells wide, from what the rows hold
    (``model.column_needs()``: the widest value of each column, and the width nine rows in
    ten fit in).  The room is handed out in this order:

    1. the location, whole, leaving a readable title (when a location must be cut, it is cut
       from the left and keeps its line number, see :func:`fit_location`);
    2. the title, as wide as nine titles in ten;
    3. the resource (from 100 columns on), as wide as nine in ten, if ``RESOURCE_MIN`` fit;
    4. the title, then the location, then the resource, each up to its widest;
    5. what is left goes to the title.
    """
    status = STATUS_WIDTH if show_status else 0
    fixed = 1 + 1 + 6 + 1 + CODE_WIDTH + 1 + (status + 1 if status else 0)
    left = max(width - fixed, 20) - 1  # one space between the title and the location

    def most_all(most: int, widest: int, header: str) -> tuple[int, int]:
        widest = max(widest, len(header))
        return max(min(most, widest), len(header)), widest

    loc_most, loc_all = most_all(needs.location_most, needs.location_all, "Location")
    title_most, title_all = most_all(needs.title_most, needs.title_all, "Finding")
    res_most, res_all = most_all(needs.resource_most, needs.resource_all, "Resource")
    loc = max(min(loc_all, left - min(title_all, 36 if width >= 100 else 28)), min(loc_most, 16))
    left -= loc
    title = min(title_most, left)
    left -= title
    res = 0
    if needs.resource_all and width >= 100 and left - 1 >= RESOURCE_MIN:
        res = min(res_most, left - 1)
        left -= res + 1
    grow = min(title_all - title, left)
    title, left = title + grow, left - grow
    grow = min(loc_all - loc, left)
    loc, left = loc + grow, left - grow
    if res:
        grow = min(res_all - res, left)
        res, left = res + grow, left - grow
    return {"width": width, "code": CODE_WIDTH, "title": max(title + left, 8), "loc": loc, "res": res,
            "status": status}


class FindingsList(ScrollView, can_focus=True):
    """The findings, grouped, filtered and sorted; the cursor follows a fingerprint."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False, tooltip="First finding"),
        Binding("end,ctrl+end,G", "last", "Last", show=False, tooltip="Last finding"),
        Binding("g", "g_prefix", "gg: first", show=False, tooltip="gg: first finding (as in vim)"),
        Binding("space", "toggle_select", "Select", show=False,
                tooltip="Select this finding for a bulk action (or fold the group on a heading)"),
        Binding("shift+down", "extend_down", "Select down", show=False, tooltip="Extend the selection down"),
        Binding("shift+up", "extend_up", "Select up", show=False, tooltip="Extend the selection up"),
        Binding("ctrl+a", "select_shown", "Select all", show=False, tooltip="Select every finding the filters show"),
        Binding("C", "select_check", "Select check", show=False, tooltip="Select every shown finding of this check"),
        Binding("F", "select_file", "Select file", show=False, tooltip="Select every shown finding of this file"),
        Binding("left,minus", "collapse", "Fold", show=False, tooltip="Fold this group (left) / unfold it (right)"),
        Binding("right,plus", "expand", "Unfold", show=False, tooltip="Unfold this group"),
        Binding("z", "toggle_all_groups", "Fold all", show=False, tooltip="Fold or unfold every group"),
        Binding("v", "cycle_group", "Group", show=False, tooltip="Group by severity, file, category or nothing"),
        Binding("S", "cycle_sort", "Sort", show=False, tooltip="Sort by severity, file or check code"),
        Binding("s", "cycle_severity", "Severity≥", show=False, tooltip="Show only findings at or above a severity"),
        Binding("t", "cycle_status", "Status", show=False, tooltip="Show open / accepted / deferred / suppressed / all"),
    ]

    COMPONENT_CLASSES = {"findings-list--cursor", "findings-list--cursor-blurred", "findings-list--selected",
                         "findings-list--heading"}

    DEFAULT_CSS = """
    FindingsList { height: 1fr; background: $surface; }
    FindingsList > .findings-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
                                            text-style: $block-cursor-text-style; }
    FindingsList > .findings-list--cursor-blurred { background: $block-cursor-blurred-background;
                                                    color: $block-cursor-blurred-foreground; }
    FindingsList > .findings-list--selected { background: $accent 30%; }
    FindingsList > .findings-list--heading { text-style: bold; }
    """

    class FindingSelected(Message):
        """The cursor moved (``finding`` is None on a group heading or when the list is empty)."""

        def __init__(self, finding: Finding | None) -> None:
            super().__init__()
            self.finding = finding

    class ViewChanged(Message):
        """Grouping, sort, filters or the selection changed (the status bar shows them)."""

    class ColumnsChanged(Message):
        """The columns were laid out again: ``header`` is the line of column titles."""

        def __init__(self, header: Text) -> None:
            super().__init__()
            self.header = header

    class Filled(Message):
        """Kept for callers of the former table: the list is always complete."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = FindingsModel()
        self.new: set[str] = set()
        #: while True (the first scan), a cursor on the first finding stays on the first finding
        self.pin_top = False
        self.cursor = 0
        self._cursor_key: str | None = None
        self._anchor: int | None = None  # where a shift-selection started
        self._g_pressed = 0.0
        self._cache: LRUCache[tuple, Strip] = LRUCache(2048)
        self._row_version: dict[str, int] = {}
        self._version = 0
        self._theme: dict | None = None
        self._layout: dict[str, int] = {}
        self._layout_key: tuple | None = None
        self._warming = False
        #: the model version the list last drew lines from (benchmarks wait for it)
        self.painted_version = -1

    # -- the model's inputs (the screen sets them) ------------------------------------
    @property
    def findings(self) -> dict[str, Finding]:
        return self.model.findings

    @findings.setter
    def findings(self, value: dict[str, Finding]) -> None:
        if value is not self.model.findings:
            self.model.set_findings(value)

    @property
    def status_of(self):
        return self.model.status_of

    @status_of.setter
    def status_of(self, value) -> None:
        self.model.status_of = value
        self.model.statuses_changed()

    @property
    def filters(self) -> Filters:
        return self.model.filters

    @property
    def group_mode(self) -> str:
        return self.model.group_mode

    @property
    def sort_mode(self) -> str:
        return self.model.sort_mode

    # -- changes ------------------------------------------------------------------------
    def load(self, findings: dict[str, Finding], order: list[str] | None = None) -> None:
        """A whole new set of findings (``order``: their fingerprints in severity order, if known)."""
        self.model.set_findings(findings, order)
        self._bump(findings)
        self._rebuild()
        self._warm_soon()

    def apply_delta(self, upserts: Iterable[str], removed: Iterable[str], findings: dict[str, Finding] | None = None) -> None:
        """Some findings changed (an engine delta, or a triage change): only they are redrawn."""
        upserts, removed = list(upserts), list(removed)
        model = self.model
        findings = findings if findings is not None else model.findings
        model.update(findings, upserts, removed)
        model.statuses_changed(upserts)
        self._bump(upserts)
        self._rebuild()
        self._warm_soon()

    def sync(self, changed: Iterable[str] = ()) -> None:
        """Re-read every status (the state file changed) and redraw."""
        changed = list(changed)
        self.model.statuses_changed(changed or None)
        self._bump(changed or self.model.findings)
        self._rebuild()

    def _warm_soon(self) -> None:
        """Read the new findings' words for the text filter while the app is idle, in steps of
        ~5 ms (keys are handled between steps), so a first filter keystroke does not wait."""
        if not self._warming and self.is_mounted:
            self._warming = True
            self.set_timer(WARM_DELAY, self._warm_step)

    def _warm_step(self) -> None:
        if self.model.prepare(WARM_STEP):
            self._warming = False
        else:
            self.set_timer(WARM_GAP, self._warm_step)

    def set_filters(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self.model.filters, name, value)
        self._rebuild()
        self.post_message(self.ViewChanged())

    def _bump(self, keys: Iterable[str]) -> None:
        self._version += 1
        version = self._version
        for key in keys:
            self._row_version[key] = version

    def _rebuild(self) -> None:
        """Rows from the model; the cursor stays on its finding (else near where it was)."""
        key, index = self._cursor_key, self.cursor
        rows = self.model.rebuild()
        self._set_row_count(len(rows))
        self._relayout()
        if self.pin_top and index <= 1:
            key = None
            index = 0
        target = self.model.index_of(key) if key is not None else None
        if target is None:
            target = self.model.resting(min(index, len(rows) - 1), 1) if rows else None
            if target is None and rows:
                target = self.model.resting(len(rows) - 1, -1)
        self._move(target if target is not None else 0, announce=True, force=key != self._key_at(target))
        self.refresh()

    def _set_row_count(self, count: int) -> None:
        """The scrollable height is the row count.  A change of it that neither shows nor hides
        the scrollbar is not a change of layout: the count is set without one (a layout pass
        redraws the whole screen, 2-3 times what the list itself costs), the scrollbar's
        thumb is resized and the scroll position kept within the new end."""
        old, new = self.virtual_size, Size(self.size.width, count)
        if new == old:
            return
        height = self.scrollable_content_region.height
        if not height or old.width != new.width or (old.height > height) != (new.height > height):
            self.virtual_size = new
            return
        self.set_reactive(FindingsList.virtual_size, new)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = count
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False)

    # -- layout -------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.model.rows))
        self._relayout()
        self._scroll_to_cursor()

    def _relayout(self) -> None:
        """Column widths from the list's width and what the rows hold (see :func:`column_widths`)."""
        width = self.scrollable_content_region.width or self.size.width
        model = self.model
        show_status = model.filters.status == "all" or model.any_expired
        layout = column_widths(width, model.column_needs(), show_status=show_status)
        key = tuple(sorted(layout.items()))
        if key != self._layout_key:
            self._layout_key = key
            self._layout = layout
            self._cache.clear()
            self.post_message(self.ColumnsChanged(self._header()))

    def _header(self) -> Text:
        layout = self._layout
        parts = ["  ", fit("Sev", 6), " ", fit("Code", layout["code"]), " ", fit("Finding", layout["title"]),
                 " ", fit("Location", layout["loc"])]
        if layout["res"]:
            parts += [" ", fit("Resource", layout["res"])]
        if layout["status"]:
            parts += [" ", fit("Status", layout["status"])]
        return Text("".join(parts), style="bold", no_wrap=True, overflow="crop")

    # -- drawing ------------------------------------------------------------------------
    def _themed(self) -> dict:
        if self._theme is None:
            styles = severity_styles(self.app.current_theme)
            self._theme = {
                "sev": {sev: Style.parse(styles[sev]) for sev in Severity},
                "new": Style.parse("bold " + styles[Severity.LOW]),
                "bold": Style(bold=True),
                "dim": Style(dim=True),
                "status": {"open": Style(), "expired": Style(bold=True, italic=True),
                           "accepted": Style(dim=True, italic=True), "deferred": Style(dim=True),
                           "suppressed": Style(dim=True, strike=True)},
            }
        return self._theme

    def notify_style_update(self) -> None:
        self._theme = None
        self._cache.clear()
        super().notify_style_update()

    def theme_changed(self) -> None:
        self._theme = None
        self._cache.clear()
        self.post_message(self.ColumnsChanged(self._header()))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        self.painted_version = self.model.version
        index = self.scroll_offset.y + y
        # the width left of the scrollbar: the columns are laid out again when it comes or goes
        width = self.scrollable_content_region.width or self.size.width
        if width != self._layout.get("width"):
            self._relayout()
        rows = self.model.rows
        if index >= len(rows):
            return Strip.blank(width, self.visual_style.rich_style)
        key = rows[index]
        selected = key in self.model.selected
        new = key in self.new
        group = self.model.groups.get(key) if is_heading(key) else None
        cache_key = (key, self._row_version.get(key, 0), self._layout_key, selected, new,
                     key in self.model.collapsed, group.count if group is not None else 0)
        strip = self._cache.get(cache_key)
        if strip is None:
            strip = self._render_row(key, selected, new, width)
            self._cache[cache_key] = strip
        if index == self.cursor:
            name = "findings-list--cursor" if self.has_focus else "findings-list--cursor-blurred"
            strip = strip.apply_style(self.get_component_rich_style(name))
        return strip.apply_style(self.visual_style.rich_style)

    def _render_row(self, key: str, selected: bool, new: bool, width: int) -> Strip:
        theme = self._themed()
        layout = self._layout
        if is_heading(key):
            return self._render_heading(key, width)
        finding = self.model.findings[key]
        status = self.model.status(key)
        row_style = theme["status"].get(status, Style())
        base = self.get_component_rich_style("findings-list--selected") if selected else Style()
        segments = [
            Segment("▌" if selected else " ", theme["new"] if selected else None),
            Segment("●" if new else " ", theme["new"]),
            Segment(f" {SEVERITY_SHORT[finding.severity]:<4} ", theme["sev"][finding.severity]),
            Segment(" "),
            Segment(fit(one_line(finding.code), layout["code"]), theme["bold"] + row_style),
            Segment(" "),
            Segment(fit(one_line(finding.title), layout["title"]), row_style),
            Segment(" "),
            Segment(fit_location(one_line(finding.location), layout["loc"]), theme["dim"] + row_style),
        ]
        if layout["res"]:
            segments += [Segment(" "), Segment(fit(one_line(finding.resource) or "—", layout["res"]),
                                               theme["dim"] + row_style)]
        if layout["status"]:
            segments += [Segment(" "), Segment(fit(status, layout["status"]),
                                               theme["status"].get(status, Style()) + Style(bold=status == "open"))]
        strip = Strip(segments).adjust_cell_length(width)
        return strip.apply_style(base) if selected else strip

    def _render_heading(self, gid: str, width: int) -> Strip:
        theme = self._themed()
        group = self.model.groups.get(gid)
        if group is None:
            return Strip.blank(width)
        folded = gid in self.model.collapsed
        counted = f"{group.count} finding{'s' if group.count != 1 else ''}"
        heading = self.get_component_rich_style("findings-list--heading")
        segments = [Segment("▸ " if folded else "▾ ", theme["dim"])]
        if group.severity is not None:
            segments.append(Segment(f" {SEVERITY_SHORT[group.severity]:<4} ", theme["sev"][group.severity]))
            segments.append(Segment(" "))
        if group.label:
            segments.append(Segment(one_line(group.label), heading))
            segments.append(Segment("  " + counted, theme["dim"]))
        else:
            segments.append(Segment(counted, heading))
        if folded:
            segments.append(Segment("  (folded: → or space unfolds)", theme["dim"]))
        return Strip(segments).adjust_cell_length(width)

    # -- the cursor -----------------------------------------------------------------------
    def _key_at(self, index: int | None) -> str | None:
        rows = self.model.rows
        if index is None or not 0 <= index < len(rows):
            return None
        return rows[index]

    def _move(self, index: int, *, announce: bool = True, force: bool = False) -> None:
        rows = self.model.rows
        old = self.cursor
        index = max(0, min(index, len(rows) - 1)) if rows else 0
        key = self._key_at(index)
        changed = key != self._cursor_key or force
        self.cursor = index
        self._cursor_key = key
        if old != index:
            self._refresh_row(old)
            self._refresh_row(index)
        self._scroll_to_cursor()
        if changed and announce:
            finding = self.model.findings.get(key) if key is not None else None
            if finding is not None:
                self.mark_viewed(finding.fingerprint)
            self.post_message(self.FindingSelected(finding))

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh_line(y)

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if not height:
            return
        top = self.scroll_offset.y
        if self.cursor < top:
            # the group heading right above the cursor comes into view with it (ctrl+home, k
            # at the top of a group): a finding is never shown without its group's title
            above = self._key_at(self.cursor - 1)
            lead = 1 if above is not None and is_heading(above) and height > 1 else 0
            self.scroll_to(y=self.cursor - lead, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _step(self, step: int, count: int = 1) -> None:
        """Move ``count`` rows (skipping open group headings) in direction ``step``."""
        model = self.model
        index = self.cursor
        for _ in range(count):
            nxt = model.resting(index + step, step)
            if nxt is None:
                break
            index = nxt
        self._move(index)

    def mark_viewed(self, fingerprint: str) -> None:
        if fingerprint in self.new:
            self.new.discard(fingerprint)
            self._bump([fingerprint])
            index = self.model.index_of(fingerprint)
            if index is not None:
                self._refresh_row(index)

    @property
    def selected(self) -> Finding | None:
        """The finding under the cursor (None on a heading)."""
        key = self._cursor_key
        return self.model.findings.get(key) if key is not None else None

    @property
    def cursor_key(self) -> str | None:
        return self._cursor_key

    @property
    def cursor_row(self) -> int:
        return self.cursor

    @property
    def row_count(self) -> int:
        return len(self.model.rows)

    @property
    def row_keys(self) -> list[str]:
        return self.model.rows

    @property
    def visible_fingerprints(self) -> list[str]:
        return self.model.visible_fingerprints

    @property
    def filling(self) -> bool:
        return False

    def counts(self) -> dict[Severity, int]:
        """Findings the filters let through, by severity (folded groups included)."""
        return {s: self.model.counts[s] for s in reversed(Severity)}

    def select_fingerprint(self, fingerprint: str) -> bool:
        """Put the cursor on a finding (unfolding its group); False when the filters hide it."""
        model = self.model
        index = model.index_of(fingerprint)
        if index is None:
            gid = model.group_of(fingerprint)
            if gid is None or gid not in model.collapsed or fingerprint not in model.in_group(gid):
                return False
            model.collapsed.discard(gid)
            self._rebuild()
            index = model.index_of(fingerprint)
            if index is None:
                return False
        self._move(index)
        return True

    def move_to_row(self, index: int) -> None:
        self._move(index)

    def bulk_targets(self) -> list[Finding]:
        """What a triage key acts on: the selected findings, else the finding under the cursor,
        else (on a heading) every shown finding of that group."""
        model = self.model
        if model.selected:
            return [model.findings[fp] for fp in model.shown() if fp in model.selected]
        if self.selected is not None:
            return [self.selected]
        key = self._cursor_key
        if key is not None and is_heading(key):
            return [model.findings[fp] for fp in model.in_group(key)]
        return []

    # -- mouse ------------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        key = self._key_at(index)
        if key is None:
            return
        if is_heading(key):
            self._move(index)
            self.action_toggle_select()
            return
        if event.shift and self._cursor_key is not None:
            self._select_range(self.cursor, index)
        elif event.ctrl or event.meta:
            self._toggle(key)
        self._move(index)

    # -- actions ----------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self._anchor = None
        self._step(1)

    def action_cursor_up(self) -> None:
        self._anchor = None
        self._step(-1)

    def action_page_down(self) -> None:
        self._step(1, max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self._step(-1, max(1, self.size.height - 1))

    def action_first(self) -> None:
        first = self.model.resting(0, 1)
        if first is not None:
            self._move(first)

    def action_last(self) -> None:
        last = self.model.resting(len(self.model.rows) - 1, -1)
        if last is not None:
            self._move(last)

    def action_g_prefix(self) -> None:
        now = time.monotonic()
        if now - self._g_pressed <= GG_SECONDS:
            self._g_pressed = 0.0
            self.action_first()
        else:
            self._g_pressed = now

    def _toggle(self, key: str) -> None:
        selected = self.model.selected
        if key in selected:
            selected.discard(key)
        else:
            selected.add(key)
        self._bump([key])
        index = self.model.index_of(key)
        if index is not None:
            self._refresh_row(index)
        self.post_message(self.ViewChanged())

    def action_toggle_select(self) -> None:
        key = self._cursor_key
        if key is None:
            return
        if is_heading(key):
            self.model.toggle_collapsed(key)
            self._bump([key])
            self._rebuild()
            self.post_message(self.ViewChanged())
            return
        self._toggle(key)
        self._step(1)

    def _select_range(self, start: int, end: int) -> None:
        low, high = sorted((start, end))
        rows = self.model.rows
        for key in rows[low:high + 1]:
            if not is_heading(key):
                self.model.selected.add(key)
        self._bump(rows[low:high + 1])
        self.refresh()
        self.post_message(self.ViewChanged())

    def _extend(self, step: int) -> None:
        if self._anchor is None:
            self._anchor = self.cursor
        self._step(step)
        self._select_range(self._anchor, self.cursor)

    def action_extend_down(self) -> None:
        self._extend(1)

    def action_extend_up(self) -> None:
        self._extend(-1)

    def _select(self, fingerprints: list[str], what: str) -> None:
        self.model.selected |= set(fingerprints)
        self._bump(fingerprints)
        self.refresh()
        self.notify(f"{len(self.model.selected)} selected ({what}); a, d, n, O act on them; esc clears",
                    timeout=3)
        self.post_message(self.ViewChanged())

    def action_select_shown(self) -> None:
        self._select(self.model.shown(), "every shown finding")

    def action_select_check(self) -> None:
        finding = self.selected
        if finding is not None:
            self._select(self.model.same_check(finding.fingerprint), f"all of {finding.code}")

    def action_select_file(self) -> None:
        finding = self.selected
        if finding is not None:
            self._select(self.model.same_file(finding.fingerprint), f"all of {finding.path}")

    def clear_selection(self) -> bool:
        """Drop the selection; False when there was none."""
        if not self.model.selected:
            return False
        self._bump(self.model.selected)
        self.model.selected.clear()
        self.refresh()
        self.post_message(self.ViewChanged())
        return True

    def _current_group(self) -> str | None:
        key = self._cursor_key
        return self.model.group_of(key) if key is not None else None

    def action_collapse(self) -> None:
        gid = self._current_group()
        if gid is None or gid in self.model.collapsed:
            return
        self.model.collapsed.add(gid)
        self._cursor_key = gid  # the cursor rests on the folded heading
        self._bump([gid])
        self._rebuild()
        self.post_message(self.ViewChanged())

    def action_expand(self) -> None:
        gid = self._current_group()
        if gid is None or gid not in self.model.collapsed:
            return
        self.model.collapsed.discard(gid)
        self._bump([gid])
        self._rebuild()
        self._step(1)

    def action_toggle_all_groups(self) -> None:
        model = self.model
        if model.collapsed:
            model.collapsed.clear()
        else:
            model.collapsed |= set(model.groups)
            gid = self._current_group()
            if gid is not None:
                self._cursor_key = gid
        self._bump(model.groups)
        self._rebuild()
        self.post_message(self.ViewChanged())

    def action_cycle_group(self) -> None:
        mode = self.model.cycle_group()
        self._rebuild()
        self.notify(f"grouped by {mode}", timeout=2)
        self.post_message(self.ViewChanged())

    def action_cycle_sort(self) -> None:
        mode = self.model.cycle_sort()
        self._rebuild()
        self.notify(f"sorted by {mode}", timeout=2)
        self.post_message(self.ViewChanged())

    def action_cycle_severity(self) -> None:
        current = SEVERITY_FILTERS.index(self.model.filters.min_severity)
        self.set_filters(min_severity=SEVERITY_FILTERS[(current + 1) % len(SEVERITY_FILTERS)])

    def action_cycle_status(self) -> None:
        current = STATUS_FILTERS.index(self.model.filters.status)
        self.set_filters(status=STATUS_FILTERS[(current + 1) % len(STATUS_FILTERS)])

    def find(self, text: str, step: int = 1) -> bool:
        """Move to the next (``step`` 1) or previous (-1) finding matching ``text``; False if none."""
        index = self.model.find(text, self.cursor, step)
        if index is None:
            return False
        self._move(index)
        return True
