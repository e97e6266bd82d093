"""What the findings list shows, in what order: grouping, filters, sorting, collapsed groups,
selection and search, as plain Python (no Textual here; ``tests/test_findings_model.py``).

The list widget draws ``model.rows`` (fingerprints of findings, and ``group:...`` ids of group
headings) and nothing else; every question about the rows is answered here.

Speed: each finding's sort fields are computed once (``_base``); each (grouping, sort) order
is a list of fingerprints sorted once, on first use (the default one comes sorted from the
engine), and kept up to date by bisection (a big batch is appended and merged by Timsort).
A rebuild never sorts: each active filter is a C-level pass (set look-ups) over the order,
a filter whose inputs did not change is reused, and groups are slices found by bisection.  Regrouping,
filtering or re-sorting 50,000 findings stays well under 100 ms (``benchmarks/bench_live.py``).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from .checks.api import Check, Finding, Severity

GROUP_MODES = ("severity", "file", "category", "none")
SORT_MODES = ("severity", "file", "code")
STATUS_FILTERS = ("open", "accepted", "deferred", "suppressed", "all")
#: severity filter steps: the lowest severity shown
SEVERITY_FILTERS: tuple[Severity | None, ...] = (None, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
#: what a row's status may be; "expired" is a lapsed deferral, open again
ROW_STATUSES = ("open", "expired", "accepted", "deferred", "suppressed")

StatusOf = Callable[[Finding], str]

# the sort fields of one finding, computed once: (-severity, path, line, code, resource, category, fingerprint)
_SEV, _PATH, _LINE, _CODE, _RES, _CAT, _FP = range(7)
#: the order within a group, per sort mode (the fingerprint last: a total order)
_SORT_FIELDS = {
    "severity": (_SEV, _PATH, _LINE, _CODE, _RES, _FP),
    "file": (_PATH, _LINE, _SEV, _CODE, _RES, _FP),
    "code": (_CODE, _SEV, _PATH, _LINE, _RES, _FP),
}
_GROUP_FIELD = {"severity": _SEV, "file": _PATH, "category": _CAT, "none": None}


def group_id(mode: str, value: object) -> str:
    if mode == "severity":
        return f"group:sev:{Severity(-value).label}"  # type: ignore[operator]
    if mode == "file":
        return f"group:file:{value}"
    if mode == "category":
        return f"group:cat:{value}"
    return "group:all"


def fit_status_filter(status: str) -> str:
    """The status filter a row status answers to: a lapsed deferral ("expired") is open."""
    return "open" if status == "expired" else status


def is_heading(key: str) -> bool:
    return key.startswith("group:")


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
        """The one-finding form of what :meth:`FindingsModel.rebuild` does for all of them."""
        if self.fingerprints is not None and finding.fingerprint not in self.fingerprints:
            return False
        if self.path is not None and finding.path != self.path:
            return False
        if self.status != "all" and fit_status_filter(status) != self.status:
            return False
        if self.min_severity is not None and finding.severity < self.min_severity:
            return False
        return not self.text or text_matches(haystack(finding), self.text)

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


#: the lower-cased words of a finding that come from its check and severity, per (check, severity):
#: a few hundred strings shared by 50,000 findings, so a first text filter lowers only the rest
_HAY_HEADS: dict[tuple[int, int], tuple[Check, str]] = {}


def haystack(finding: Finding) -> str:
    """The words a text filter or a search looks in (code, name, title, message, resource,
    path:line, category and severity; a word never spans two of them)."""
    check = finding.check
    key = (id(check), int(finding.severity))
    cached = _HAY_HEADS.get(key)
    if cached is None or cached[0] is not check:
        head = f"{check.code} {check.name} {check.title} {check.category.title} {finding.severity.label}".lower()
        cached = _HAY_HEADS[key] = (check, head)
    return f"{cached[1]} {finding.message} {finding.resource} {finding.path}:{finding.line}".lower()


def text_matches(hay: str, needle: str) -> bool:
    return all(word in hay for word in needle.lower().split())


class Group:
    """A group heading: its label, how many findings the filters let through, and its severity."""

    __slots__ = ("id", "label", "count", "severity")

    def __init__(self, id: str, label: str, count: int = 0, severity: Severity | None = None) -> None:
        self.id, self.label, self.count, self.severity = id, label, count, severity

    def __repr__(self) -> str:
        return f"Group({self.id!r}, {self.label!r}, {self.count}, {self.severity})"


@dataclass
class FindingsModel:
    """The rows of the findings list, rebuilt from the findings, the filters and the modes."""

    status_of: StatusOf = field(default=lambda f: "suppressed" if f.suppressed_by else "open")
    findings: dict[str, Finding] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)
    group_mode: str = "severity"
    sort_mode: str = "severity"
    collapsed: set[str] = field(default_factory=set)
    #: fingerprints the user selected for a bulk action
    selected: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        #: what the list shows, top to bottom: fingerprints and group ids
        self.rows: list[str] = []
        self.groups: dict[str, Group] = {}
        #: findings the filters let through, by severity (collapsed groups included)
        self.counts: dict[Severity, int] = {s: 0 for s in Severity}
        #: True when a shown row is a lapsed deferral (the list then shows its status column)
        self.any_expired = False
        #: bumped by every rebuild (the widget's caches key on it)
        self.version = 0
        self._base: dict[str, tuple] = {}
        # one dict per field a filter or a grouping reads, and sets per value: the filters
        # run as C-level set look-ups (filter(set.__contains__, order)), not Python loops
        self._sev: dict[str, int] = {}  # -severity, as in the sort fields
        self._path: dict[str, str] = {}
        self._cat: dict[str, str] = {}
        self._by_sev: dict[int, set[str]] = {}
        self._by_path: dict[str, set[str]] = {}
        self._status: dict[str, str] = {}
        self._by_status: dict[str, set[str]] = {}
        self._hay: dict[str, str] = {}
        #: each (grouping, sort) order of every finding, built on first use and kept up to date
        self._orders: dict[tuple[str, str], list[str]] = {}
        self._index: dict[str, int] | None = None
        #: bumped when findings or statuses change: the filter stages' cache keys on it
        self._data_version = 0
        self._stages: list[tuple[tuple, list[str]]] = []
        self._shape: tuple | None = None  # what the rows were grouped from (unchanged: no regrouping)
        self._learn(list(self.findings))

    # -- what changed ---------------------------------------------------------------
    def set_findings(self, findings: dict[str, Finding], order: list[str] | None = None) -> None:
        """Take a whole new set of findings (the caches of unchanged ones are kept).

        ``order``: the fingerprints already in severity order (the engine's sorted list), so
        the first screen needs no sort.
        """
        old = self.findings
        gone = [fp for fp in old if fp not in findings]
        changed = [fp for fp, f in findings.items() if old.get(fp) is not f]
        self.findings = findings
        if order is not None and len(order) == len(findings):
            self._drop(gone)
            self._drop(changed)
            self._learn(changed, orders=False)
            self._orders = {("severity", "severity"): list(order)}
            return
        self._forget(gone)
        self._forget(changed)
        self._learn(changed)

    def update(self, findings: dict[str, Finding], upserts: Iterable[str], removed: Iterable[str]) -> None:
        """The findings changed in these places (``findings`` is the new dict)."""
        self.findings = findings
        removed = [fp for fp in removed if fp not in findings]
        upserts = [fp for fp in dict.fromkeys(upserts) if fp in findings]
        self._forget(removed)
        self._forget(upserts)
        self._learn(upserts)

    def statuses_changed(self, fingerprints: Iterable[str] | None = None) -> None:
        """Triage changed: statuses are asked again (all of them when ``fingerprints`` is None)."""
        if fingerprints is None:
            self._status.clear()
            self._by_status.clear()
        else:
            for fp in fingerprints:
                old = self._status.pop(fp, None)
                if old is not None:
                    self._by_status[old].discard(fp)
        self._data_version += 1

    def _key(self, mode: tuple[str, str]) -> Callable[[str], tuple]:
        group, sort = mode
        fields = _SORT_FIELDS[sort]
        group_field = _GROUP_FIELD[group]
        if group_field is not None and group_field != fields[0]:
            fields = (group_field, *fields)
        get = itemgetter(*fields)
        base = self._base
        return lambda fp: get(base[fp])

    def _forget(self, fingerprints: list[str]) -> None:
        """Take findings out of the orders (by bisection, or one pass for many) and the caches."""
        fingerprints = [fp for fp in fingerprints if fp in self._base]
        if not fingerprints:
            return
        if len(fingerprints) > 64:
            gone = set(fingerprints)
            for mode, order in self._orders.items():
                self._orders[mode] = [fp for fp in order if fp not in gone]
        else:
            for mode, order in self._orders.items():
                key = self._key(mode)
                for fp in fingerprints:
                    position = bisect.bisect_left(order, key(fp), key=key)
                    if position < len(order) and order[position] == fp:
                        del order[position]
                    elif fp in order:  # ties broken another way: still found
                        order.remove(fp)
        self._drop(fingerprints, orders=False)

    def _drop(self, fingerprints: Iterable[str], orders: bool = True) -> None:
        fingerprints = list(fingerprints)
        for fp in fingerprints:
            base = self._base.pop(fp, None)
            if base is not None:
                self._by_sev[base[_SEV]].discard(fp)
                self._by_path[base[_PATH]].discard(fp)
                del self._sev[fp], self._path[fp], self._cat[fp]
            status = self._status.pop(fp, None)
            if status is not None:
                self._by_status[status].discard(fp)
            self._hay.pop(fp, None)
        if orders and fingerprints:
            gone = set(fingerprints)
            for mode, order in self._orders.items():
                self._orders[mode] = [fp for fp in order if fp not in gone]
        self._data_version += 1

    def _learn(self, fingerprints: list[str], orders: bool = True) -> None:
        findings = self.findings
        for fp in fingerprints:
            base = _base(findings[fp])
            self._base[fp] = base
            self._sev[fp] = base[_SEV]
            self._path[fp] = base[_PATH]
            self._cat[fp] = base[_CAT]
            self._by_sev.setdefault(base[_SEV], set()).add(fp)
            self._by_path.setdefault(base[_PATH], set()).add(fp)
        self._data_version += 1
        if not orders or not fingerprints:
            return
        for mode, order in self._orders.items():
            key = self._key(mode)
            if len(fingerprints) > 64:
                order.extend(fingerprints)
                order.sort(key=key)  # two sorted runs: Timsort merges them
            else:
                for fp in fingerprints:
                    bisect.insort(order, fp, key=key)

    def _statuses(self, fingerprints: Iterable[str]) -> None:
        """Ask the status of the findings not asked yet."""
        status, by_status, status_of, findings = self._status, self._by_status, self.status_of, self.findings
        for fp in fingerprints:
            if fp not in status:
                value = status[fp] = status_of(findings[fp])
                by_status.setdefault(value, set()).add(fp)

    # -- the rows ---------------------------------------------------------------------
    def order(self, mode: tuple[str, str] | None = None) -> list[str]:
        """Every finding in (grouping, sort) order (sorted once, then kept up to date)."""
        mode = mode or (self.group_mode, self.sort_mode)
        order = self._orders.get(mode)
        if order is None:
            order = self._orders[mode] = sorted(self._base, key=self._key(mode))
        return order

    def rebuild(self) -> list[str]:
        """Recompute the rows from the findings, filters, modes and collapsed groups.

        The filters run as stages (checklist item, file, severity, status, text), each a
        C-level pass over the previous stage's output; a stage whose inputs did not change
        is taken from the last rebuild (typing in the filter box re-runs the text stage
        only, and narrows the previous result when the text only grew).
        """
        filters = self.filters
        order = self.order()
        if len(self._status) < len(self._base):
            self._statuses(order)
        text = " ".join(filters.text.lower().split())
        stages = (
            ("only", filters.fingerprints),
            ("path", filters.path),
            ("severity", filters.min_severity),
            ("status", filters.status),
            ("text", text),
        )
        visible = order
        previous = self._stages
        cached = []
        fresh = False
        head = (self.group_mode, self.sort_mode, self._data_version, len(order))
        for number, (name, value) in enumerate(stages):
            key = (head, name, value)
            if not fresh and number < len(previous) and previous[number][0] == key:
                visible = previous[number][1]
            else:
                narrow = (name == "text" and not fresh and number < len(previous)
                          and previous[number][0][0] == head and value.startswith(previous[number][0][2] or "\0"))
                visible = self._stage(name, value, previous[number][1] if narrow else visible)
                fresh = True
            cached.append((key, visible))
        self._stages = cached
        shape = (id(visible), fresh, self.group_mode, frozenset(self.collapsed))
        if shape != self._shape or fresh:
            expired = self._by_status.get("expired")
            self.any_expired = bool(expired) and not expired.isdisjoint(visible)
            tally = Counter(map(self._sev.__getitem__, visible))
            self.counts = {s: tally.get(-int(s), 0) for s in Severity}
            self._group(visible)
            self._shape = (id(visible), False, self.group_mode, frozenset(self.collapsed))
        if self.selected:
            self.selected = {fp for fp in self.selected if fp in self.findings}
        self._index = None
        self.version += 1
        return self.rows

    def _stage(self, name: str, value: object, visible: list[str]) -> list[str]:
        if value is None or value == "":
            return visible
        if name == "only":
            return list(filter(value.__contains__, visible))  # type: ignore[attr-defined]
        if name == "path":
            return list(filter(self._by_path.get(value, set()).__contains__, visible))  # type: ignore[arg-type]
        if name == "severity":
            floor = -int(value)  # type: ignore[call-overload]
            if floor >= -int(Severity.INFO):
                return visible
            allowed: set[str] = set().union(*(fps for sev, fps in self._by_sev.items() if sev <= floor))
            return list(filter(allowed.__contains__, visible))
        if name == "status":
            if value == "all":
                return visible
            wanted = self._by_status.get(value, set())  # type: ignore[arg-type]
            if value == "open":
                wanted = wanted | self._by_status.get("expired", set())
            return list(filter(wanted.__contains__, visible))
        words = str(value).split()
        hay, findings = self._hay, self.findings
        for fp in visible:
            if fp not in hay:
                hay[fp] = haystack(findings[fp])
        for word in words:
            visible = [fp for fp in visible if word in hay[fp]]
        return visible

    def _group(self, visible: list[str]) -> None:
        """Rows: each group's heading, then its findings (in the sort order), groups in order.

        The order is already by group, then by the sort mode; each group is a slice found by
        bisection, so the cost is one C-level pass plus a little per group, not per finding.
        """
        mode = self.group_mode
        if mode == "none":
            self.rows, self.groups = list(visible), {}
            return
        get = {"severity": self._sev, "file": self._path, "category": self._cat}[mode].__getitem__
        values = list(map(get, visible))
        rows: list[str] = []
        groups: dict[str, Group] = {}
        collapsed = self.collapsed
        start, count = 0, len(values)
        right = bisect.bisect_right
        append, extend = rows.append, rows.extend
        prefix = {"severity": "group:sev:", "file": "group:file:", "category": "group:cat:"}[mode]
        while start < count:
            value = values[start]
            end = right(values, value, start)
            if mode == "severity":
                severity = Severity(-value)  # type: ignore[operator]
                gid = prefix + severity.label
                groups[gid] = Group(gid, "", end - start, severity)
            else:
                gid = prefix + value  # type: ignore[operator]
                label = value if mode == "category" or value not in ("", ".") else "(repository)"
                groups[gid] = Group(gid, label, end - start)  # type: ignore[arg-type]
            append(gid)
            if gid not in collapsed:
                extend(visible[start:end])
            start = end
        self.rows, self.groups = rows, groups

    # -- questions --------------------------------------------------------------------
    def status(self, fingerprint: str) -> str:
        status = self._status.get(fingerprint)
        if status is None:
            status = self._status[fingerprint] = self.status_of(self.findings[fingerprint])
        return status

    def index_of(self, key: str) -> int | None:
        if self._index is None:
            self._index = {key: index for index, key in enumerate(self.rows)}
        return self._index.get(key)

    def group_of(self, key: str) -> str | None:
        """The group id of a row (a heading is its own group)."""
        if is_heading(key):
            return key
        base = self._base.get(key)
        if base is None or self.group_mode == "none":
            return None
        return group_id(self.group_mode, base[_GROUP_FIELD[self.group_mode]])

    @property
    def visible_fingerprints(self) -> list[str]:
        return [key for key in self.rows if not is_heading(key)]

    def shown(self) -> list[str]:
        """Every finding the filters let through, collapsed groups included, in order."""
        hidden, self.collapsed = self.collapsed, set()
        try:
            rows = list(self.rebuild())
        finally:
            self.collapsed = hidden
            self.rebuild()
        return [key for key in rows if not is_heading(key)]

    def in_group(self, gid: str) -> list[str]:
        return [fp for fp in self.shown() if self.group_of(fp) == gid]

    def same_check(self, fingerprint: str) -> list[str]:
        code = self.findings[fingerprint].code
        return [fp for fp in self.shown() if self.findings[fp].code == code]

    def same_file(self, fingerprint: str) -> list[str]:
        path = self.findings[fingerprint].path
        return [fp for fp in self.shown() if self.findings[fp].path == path]

    def find(self, text: str, start: int, step: int = 1) -> int | None:
        """The next row (after ``start``, wrapping) whose finding matches ``text``; None if none."""
        if not text.strip() or not self.rows:
            return None
        count = len(self.rows)
        for offset in range(1, count + 1):
            index = (start + step * offset) % count
            key = self.rows[index]
            if is_heading(key):
                continue
            hay = self._hay.get(key)
            if hay is None:
                hay = self._hay[key] = haystack(self.findings[key])
            if text_matches(hay, text):
                return index
        return None

    def resting(self, index: int, step: int = 1) -> int | None:
        """The first row from ``index`` on (backwards for ``step`` -1) the cursor may rest on:
        a finding, or the heading of a collapsed group."""
        rows = self.rows
        while 0 <= index < len(rows):
            key = rows[index]
            if not is_heading(key) or key in self.collapsed:
                return index
            index += step
        return None

    # -- modes ------------------------------------------------------------------------
    def cycle_group(self) -> str:
        self.group_mode = GROUP_MODES[(GROUP_MODES.index(self.group_mode) + 1) % len(GROUP_MODES)]
        self.collapsed.clear()
        return self.group_mode

    def cycle_sort(self) -> str:
        self.sort_mode = SORT_MODES[(SORT_MODES.index(self.sort_mode) + 1) % len(SORT_MODES)]
        return self.sort_mode

    def toggle_collapsed(self, gid: str) -> bool:
        """Collapse or expand a group; True when it is collapsed now."""
        if gid in self.collapsed:
            self.collapsed.discard(gid)
            return False
        self.collapsed.add(gid)
        return True


def _base(finding: Finding) -> tuple:
    return (-int(finding.severity), finding.path or "", finding.line or 0, finding.code, finding.resource,
            finding.category.title, finding.fingerprint)
