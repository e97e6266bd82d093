"""What the findings list shows, in what order: grouping, filters, sorting, collapsed groups,
selection and search, as plain Python (no Textual here; ``tests/test_findings_model.py``).

The list widget draws ``model.rows`` (fingerprints of findings, and ``group:...`` ids of group
headings) and nothing else; every question about the rows is answered here.

Speed (``benchmarks/bench_live.py``: regroup, filter and sort of 50,000 findings, the first
time as well as again, well under 100 ms).  No step runs Python code per finding at a
keypress: every pass over the findings is a C-level one (``map``/``compress``/``filter`` over
dict look-ups, ``sorted`` with a dict's ``__getitem__`` as its key).

* Each finding's fields (severity, path, line, code, category, status) are read once, when it
  arrives, into one dict per field; the lower-cased words a text filter searches are read
  once, on the first text filter (or :meth:`FindingsModel.prepare`).
* The severity order comes sorted from the engine (or is sorted once by the fields' tuples).
  Every other (grouping, sort) order is made from it by one or two *stable* sorts on one
  field (sorting the severity order by code gives the code order: within one code it is
  still by severity, file and line), and Timsort merges the runs that are already there.
  Orders are kept up to date by bisection (a big batch: merged by one C-level sort).
* Filters are C-level passes over the severity order, cached per stage (typing in the filter
  box re-runs the text stage only, and narrows the last result when the text only grew);
  the filtered set is then taken out of the current order in one pass.
* Groups are slices of the ordered list: their boundaries, headings and rows are made by
  C-level passes; a group's :class:`Group` record is made when it is asked for.
"""

from __future__ import annotations

import bisect
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, compress, filterfalse, repeat
from operator import add, attrgetter, is_not, itemgetter, ne, neg, not_, sub
from typing import Any, NamedTuple

from .checks.api import Category, Check, Finding, Severity

GROUP_MODES = ("severity", "file", "category", "none")
SORT_MODES = ("severity", "file", "code")
STATUS_FILTERS = ("open", "accepted", "deferred", "suppressed", "all")
#: severity filter steps: the lowest severity shown
SEVERITY_FILTERS: tuple[Severity | None, ...] = (None, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)
#: what a row's status may be; "expired" is a lapsed deferral, open again
ROW_STATUSES = ("open", "expired", "accepted", "deferred", "suppressed")

StatusOf = Callable[[Finding], str]
Mode = tuple[str, str]

# the sort fields of one finding, computed once: (-severity, path, line, code, resource, category, fingerprint)
_SEV, _PATH, _LINE, _CODE, _RES, _CAT, _FP = range(7)
#: the order within a group, per sort mode (the fingerprint last: a total order)
_SORT_FIELDS = {
    "severity": (_SEV, _PATH, _LINE, _CODE, _RES, _FP),
    "file": (_PATH, _LINE, _SEV, _CODE, _RES, _FP),
    "code": (_CODE, _SEV, _PATH, _LINE, _RES, _FP),
}
_GROUP_FIELD = {"severity": _SEV, "file": _PATH, "category": _CAT, "none": None}
#: how each sort order is made from the severity order: stable sorts by these fields, in turn
_FROM_SEVERITY = {"severity": (), "file": (_LINE, _PATH), "code": (_CODE,)}
_CANONICAL: Mode = ("none", "severity")

_SEVERITY_OF = attrgetter("severity")
_PATH_OF = attrgetter("path")
_LINE_OF = attrgetter("line")
_CODE_OF = attrgetter("check.code")
_RESOURCE_OF = attrgetter("resource")
_CATEGORY_OF = attrgetter("check.category")
_CHECK_OF = attrgetter("check")
_TITLE_OF = attrgetter("check.title")
_REPOSITORY_PATHS = frozenset({"", "."})
_MESSAGE_OF = attrgetter("message")
_SEVERITY_GROUP = {-int(s): f"group:sev:{s.label}" for s in Severity}


def group_id(mode: str, value: object) -> str:
    if mode == "severity":
        return _SEVERITY_GROUP[value]  # type: ignore[index]
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


def _hay_head(check: Check, severity: Severity) -> str:
    key = (id(check), int(severity))
    cached = _HAY_HEADS.get(key)
    if cached is None or cached[0] is not check:
        head = f"{check.code} {check.name} {check.title} {check.category.title} {severity.label}".lower()
        cached = _HAY_HEADS[key] = (check, head)
    return cached[1]


def haystack(finding: Finding) -> str:
    """The words a text filter or a search looks in (code, name, title, message, resource,
    path:line, category and severity; a word never spans two of them)."""
    head = _hay_head(finding.check, finding.severity)
    return f"{head} {finding.message} {finding.resource} {finding.path}:{finding.line}".lower()


def haystacks(findings: list[Finding]) -> list[str]:
    """:func:`haystack` of many findings, in C-level passes (one Python call per check, not per finding)."""
    checks = list(map(_CHECK_OF, findings))
    # one int per (check, severity): objects sit at addresses 16 bytes apart, severities are 0-4
    keys = list(map(add, map(id, checks), map(_SEVERITY_OF, findings)))
    firsts = dict(zip(keys, range(len(keys))))
    heads = {key: _hay_head(checks[at], findings[at].severity) for key, at in firsts.items()}
    words = zip(map(heads.__getitem__, keys), map(_MESSAGE_OF, findings), map(_RESOURCE_OF, findings),
                map("{}:{}".format, map(_PATH_OF, findings), map(_LINE_OF, findings)))
    return list(map(str.lower, map(" ".join, words)))


def text_matches(hay: str, needle: str) -> bool:
    return all(word in hay for word in needle.lower().split())


class Group:
    """A group heading: its label, how many findings the filters let through, and its severity."""

    __slots__ = ("id", "label", "count", "severity")

    def __init__(self, id: str, label: str, count: int = 0, severity: Severity | None = None) -> None:
        self.id, self.label, self.count, self.severity = id, label, count, severity

    def __repr__(self) -> str:
        return f"Group({self.id!r}, {self.label!r}, {self.count}, {self.severity})"


class Groups(Mapping[str, Group]):
    """The groups of one rebuild, in order: group id -> :class:`Group`, each made when asked for
    (a grouping by file of 50,000 findings has tens of thousands of groups; a screen shows 40)."""

    __slots__ = ("_mode", "_ids", "_values", "_counts", "_position", "_made")

    def __init__(self, mode: str = "none", ids: list[str] | None = None, values: list[Any] | None = None,
                 counts: list[int] | None = None) -> None:
        self._mode = mode
        self._ids: list[str] = ids or []
        self._values: list[Any] = values or []
        self._counts: list[int] = counts or []
        self._position: dict[str, int] | None = None
        self._made: dict[str, Group] = {}

    def _index(self) -> dict[str, int]:
        if self._position is None:
            self._position = dict(zip(self._ids, range(len(self._ids))))
        return self._position

    def __getitem__(self, gid: str) -> Group:
        group = self._made.get(gid)
        if group is None:
            at = self._index()[gid]  # KeyError: not a group of this rebuild
            value, count = self._values[at], self._counts[at]
            if self._mode == "severity":
                group = Group(gid, "", count, Severity(-value))
            else:
                label = value if self._mode == "category" or value not in ("", ".") else "(repository)"
                group = Group(gid, label, count)
            self._made[gid] = group
        return group

    def __contains__(self, gid: object) -> bool:
        return gid in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"Groups({self._mode!r}, {len(self._ids)} groups)"


class ColumnNeeds(NamedTuple):
    """Cells the list's columns need: nine in ten rows fit in ``*_most``, all in ``*_all``."""

    location_most: int = 0
    location_all: int = 0
    title_most: int = 0
    title_all: int = 0
    resource_most: int = 0
    resource_all: int = 0


def _percentile(tally: Counter[int], share: float) -> int:
    """The smallest width that ``share`` of the counted widths fit in."""
    total = sum(tally.values())
    allowed = total - int(total * share + 0.999999)  # rows that may be wider
    for width in sorted(tally, reverse=True):
        allowed -= tally[width]
        if allowed < 0:
            return width
    return 0


def canonical(mode: Mode) -> Mode:
    """The one order a (grouping, sort) pair shares with others: grouping by the field the
    sort starts with (severity by severity, file by file) orders like no grouping at all."""
    group, sort = mode
    field = _GROUP_FIELD[group]
    if field is None or field == _SORT_FIELDS[sort][0]:
        return ("none", sort)
    return mode


def _consume(iterator: Iterable[Any]) -> None:
    deque(iterator, maxlen=0)


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
        self.groups: Groups = Groups()
        #: findings the filters let through, by severity (collapsed groups included)
        self.counts: dict[Severity, int] = {s: 0 for s in Severity}
        #: True when a shown row is a lapsed deferral (the list then shows its status column)
        self.any_expired = False
        #: bumped by every rebuild (the widget's caches key on it)
        self.version = 0
        # one dict per field a sort, a filter or a grouping reads (fingerprint -> value):
        # every pass over the findings is a C-level map of their __getitem__
        self._base: dict[str, tuple[Any, ...]] = {}  # the sort fields, as a tuple (the severity order's key)
        self._sev: dict[str, int] = {}  # -severity, as in the sort fields
        self._path: dict[str, str] = {}
        self._line: dict[str, int] = {}
        self._code: dict[str, str] = {}
        self._cat: dict[str, str] = {}
        #: the cells a finding's location, title and resource take (as ``len`` counts them)
        self._loc_len: dict[str, int] = {}
        self._title_len: dict[str, int] = {}
        self._res_len: dict[str, int] = {}
        self._needs_key: tuple[Any, ...] | None = None
        self._needs = ColumnNeeds()
        self._status: dict[str, str] = {}
        self._by_status: dict[str, set[str]] = {}
        self._hay: dict[str, str] = {}
        #: each canonical (grouping, sort) order of every finding, made on first use and kept up to date
        self._orders: dict[Mode, list[str]] = {}
        self._index: dict[str, int] | None = None
        #: bumped when findings or statuses change: the filter stages' cache keys on it
        self._data_version = 0
        self._stages: list[tuple[tuple[Any, ...], list[str]]] = []
        self._filtered: list[str] | None = None  # the last filters' result, in severity order
        self._tallied: list[str] | None = None  # what ``counts`` were counted from
        self._moded: tuple[Any, ...] | None = None  # what ``_visible`` was taken from
        #: the findings the filters let through, in the current order (collapsed groups included)
        self._visible: list[str] = []
        self._shape: tuple[Any, ...] | None = None  # what the rows were grouped from (unchanged: no regrouping)
        self._learn(list(self.findings))

    # -- what changed ---------------------------------------------------------------
    def set_findings(self, findings: dict[str, Finding], order: list[str] | None = None) -> None:
        """Take a whole new set of findings (the caches of unchanged ones are kept).

        ``order``: the fingerprints already in severity order (the engine's sorted list), so
        the first screen needs no real sort (ties are put in fingerprint order: a C-level
        pass over a sorted list).
        """
        old = self.findings
        keys = list(findings)
        gone = list(filterfalse(findings.__contains__, old))
        changed = list(compress(keys, map(is_not, map(old.get, keys), findings.values())))
        self.findings = findings
        if len(gone) + len(changed) > len(findings) // 2:
            self._reset()  # most of it is new: start again rather than take out one by one
            gone, changed = [], keys
        if order is not None and len(order) == len(findings):
            self._drop(gone, orders=False)
            self._drop(changed, orders=False)
            self._learn(changed, orders=False)
            self._orders = {_CANONICAL: sorted(order, key=self._base.__getitem__)}
            return
        self._forget(gone)
        self._forget(changed)
        self._learn(changed)

    def update(self, findings: dict[str, Finding], upserts: Iterable[str], removed: Iterable[str]) -> None:
        """The findings changed in these places (``findings`` is the new dict)."""
        self.findings = findings
        removed = [fp for fp in removed if fp not in findings]
        upserts = list(filter(findings.__contains__, dict.fromkeys(upserts)))
        self._forget(removed)
        self._forget(upserts)
        self._learn(upserts)

    def statuses_changed(self, fingerprints: Iterable[str] | None = None) -> None:
        """Triage changed: statuses are asked again (all of them when ``fingerprints`` is None)."""
        if fingerprints is None:
            self._status.clear()
            self._by_status.clear()
        else:
            fingerprints = list(fingerprints)
            _consume(map(self._status.pop, fingerprints, repeat(None)))
            for members in self._by_status.values():
                members.difference_update(fingerprints)
        self._data_version += 1

    def prepare(self, limit: int | None = None) -> bool:
        """Read ahead what a first text filter reads (the lower-cased words of each finding),
        ``limit`` findings at a time: the list calls it in small steps while the app is idle,
        so the first keystroke in the filter box finds them read.  True when all are read."""
        hay, findings = self._hay, self.findings
        if len(hay) >= len(findings):
            return True
        missing = list(filterfalse(hay.__contains__, findings))
        chunk = missing[:limit] if limit else missing
        hay.update(zip(chunk, haystacks(list(map(findings.__getitem__, chunk)))))
        return len(chunk) == len(missing)

    def _reset(self) -> None:
        for cache in (self._base, self._sev, self._path, self._line, self._code, self._cat, self._status,
                      self._by_status, self._hay, self._orders, self._loc_len, self._title_len, self._res_len):
            cache.clear()
        self._data_version += 1

    def _key(self, mode: Mode) -> Callable[[str], tuple[Any, ...]]:
        group, sort = mode
        fields: tuple[int, ...] = _SORT_FIELDS[sort]
        group_field = _GROUP_FIELD[group]
        if group_field is not None and group_field != fields[0]:
            fields = (group_field, *fields)
        get = itemgetter(*fields)
        base = self._base
        return lambda fp: get(base[fp])

    def _forget(self, fingerprints: list[str]) -> None:
        """Take findings out of the orders (by bisection, or one pass for many) and the caches."""
        fingerprints = list(filter(self._base.__contains__, fingerprints))
        if not fingerprints:
            return
        if len(fingerprints) > 64:
            gone = set(fingerprints)
            for mode, order in self._orders.items():
                self._orders[mode] = list(filterfalse(gone.__contains__, order))
        else:
            for mode, order in self._orders.items():
                key = self._key(mode)
                for fp in fingerprints:
                    position = bisect.bisect_left(order, key(fp), key=key)
                    if position < len(order) and order[position] == fp:
                        del order[position]
                    elif fp in order:  # not where its key says (cannot happen): still found
                        order.remove(fp)
        self._drop(fingerprints, orders=False)

    def _drop(self, fingerprints: Iterable[str], orders: bool = True) -> None:
        fingerprints = list(fingerprints)
        if not fingerprints:
            return
        for cache in (self._base, self._sev, self._path, self._line, self._code, self._cat, self._status,
                      self._hay, self._loc_len, self._title_len, self._res_len):
            _consume(map(cache.pop, fingerprints, repeat(None)))
        for members in self._by_status.values():
            members.difference_update(fingerprints)
        if orders:
            gone = set(fingerprints)
            for mode, order in self._orders.items():
                self._orders[mode] = list(filterfalse(gone.__contains__, order))
        self._data_version += 1

    def _learn(self, fingerprints: list[str], orders: bool = True) -> None:
        """Read the fields of these findings (C-level passes), and put them into the orders."""
        if not fingerprints:
            return
        found = list(map(self.findings.__getitem__, fingerprints))
        severities = list(map(neg, map(_SEVERITY_OF, found)))
        paths = list(map(_PATH_OF, found))
        if None in paths:
            paths = [path or "" for path in paths]
        lines = list(map(_LINE_OF, found))
        if None in lines:
            lines = [line or 0 for line in lines]
        codes = list(map(_CODE_OF, found))
        categories = list(map(_CATEGORY_OF, found))
        titles: dict[Category, str] = {category: category.title for category in set(categories)}
        category_titles = list(map(titles.__getitem__, categories))
        self._base.update(zip(fingerprints, zip(severities, paths, lines, codes, map(_RESOURCE_OF, found),
                                                category_titles, fingerprints)))
        self._sev.update(zip(fingerprints, severities))
        self._path.update(zip(fingerprints, paths))
        self._line.update(zip(fingerprints, lines))
        self._code.update(zip(fingerprints, codes))
        self._cat.update(zip(fingerprints, category_titles))
        resources = list(map(_RESOURCE_OF, found))
        self._res_len.update(zip(fingerprints, map(len, resources)))
        self._title_len.update(zip(fingerprints, map(len, map(_TITLE_OF, found))))
        # "path:line"; a finding without a line shows its path, one of the repository "(repository)"
        locations = list(map(add, map(len, paths), map(len, map(str, lines))))
        self._loc_len.update(zip(fingerprints, map(add, locations, repeat(1))))
        for at in compress(range(len(lines)), map(not_, lines)):
            self._loc_len[fingerprints[at]] = len(paths[at])
        for at in compress(range(len(paths)), map(_REPOSITORY_PATHS.__contains__, paths)):
            self._loc_len[fingerprints[at]] = len("(repository)")
        self._data_version += 1
        if not orders or not self._orders:
            return
        if len(fingerprints) > 64:
            # a big batch (a scan's, a checkout): merged into the severity order by one C-level
            # sort (Timsort merges the two sorted runs); the other orders are made again from
            # it when next asked for (a few C-level passes)
            order = self._orders.get(_CANONICAL)
            if order is None:  # made when next asked for, from every finding
                self._orders = {}
                return
            order.extend(fingerprints)
            order.sort(key=self._base.__getitem__)
            self._orders = {_CANONICAL: order}
            return
        for mode, order in self._orders.items():
            key = self._key(mode)
            for fp in fingerprints:
                bisect.insort(order, fp, key=key)

    def _statuses(self, fingerprints: list[str]) -> None:
        """Ask the status of the findings not asked yet."""
        status = self._status
        missing = list(filterfalse(status.__contains__, fingerprints))
        if not missing:
            return
        values = list(map(self.status_of, map(self.findings.__getitem__, missing)))
        status.update(zip(missing, values))
        for value in set(values):
            self._by_status.setdefault(value, set()).update(compress(missing, map(value.__eq__, values)))

    def _haystacks(self, fingerprints: list[str]) -> dict[str, str]:
        """The lower-cased words of these findings (read once per finding, in C-level passes)."""
        hay = self._hay
        missing = list(filterfalse(hay.__contains__, fingerprints))
        if missing:
            hay.update(zip(missing, haystacks(list(map(self.findings.__getitem__, missing)))))
        return hay

    # -- the rows ---------------------------------------------------------------------
    def order(self, mode: Mode | None = None) -> list[str]:
        """Every finding in (grouping, sort) order (made once, then kept up to date)."""
        mode = canonical(mode or (self.group_mode, self.sort_mode))
        order = self._orders.get(mode)
        if order is not None:
            return order
        group, sort = mode
        if mode == _CANONICAL:
            # no order from the engine: the fields' tuples, compared in C
            order = sorted(self._base, key=self._base.__getitem__)
        elif group == "none":
            # stable sorts of the severity order: within one code (or file and line) it is
            # still by severity, then file, line... as the sort mode says
            order = self.order(_CANONICAL)
            for field_number in _FROM_SEVERITY[sort]:
                order = sorted(order, key=self._field(field_number).__getitem__)
        else:
            order = sorted(self.order(("none", sort)), key=self._field(_GROUP_FIELD[group]).__getitem__)
        self._orders[mode] = order
        return order

    def _field(self, number: int | None) -> dict[str, Any]:
        fields: dict[int | None, dict[str, Any]] = {_SEV: self._sev, _PATH: self._path, _LINE: self._line,
                                                    _CODE: self._code, _CAT: self._cat}
        return fields[number]

    def rebuild(self) -> list[str]:
        """Recompute the rows from the findings, filters, modes and collapsed groups.

        The filters run as stages (checklist item, file, severity, status, text) over the
        severity order, each a C-level pass over the previous stage's output; a stage whose
        inputs did not change is taken from the last rebuild (typing in the filter box re-runs
        the text stage only, and narrows the previous result when the text only grew).  The
        result is then taken out of the current (grouping, sort) order in one pass.
        """
        filters = self.filters
        base = self.order(_CANONICAL)
        if len(self._status) < len(self._base):
            self._statuses(base)
        text = " ".join(filters.text.lower().split())
        stages: tuple[tuple[str, Any], ...] = (
            ("only", filters.fingerprints),
            ("path", filters.path),
            ("severity", filters.min_severity),
            ("status", filters.status),
            ("text", text),
        )
        filtered = base
        previous = self._stages
        cached = []
        fresh = False
        head = (self._data_version, len(base))
        for number, (name, value) in enumerate(stages):
            key = (head, name, value)
            if not fresh and number < len(previous) and previous[number][0] == key:
                filtered = previous[number][1]
            else:
                narrow = (name == "text" and not fresh and number < len(previous)
                          and previous[number][0][0] == head and value.startswith(previous[number][0][2] or "\0"))
                filtered = self._stage(name, value, previous[number][1] if narrow else filtered)
                fresh = True
            cached.append((key, filtered))
        self._stages = cached
        if fresh or filtered is not self._tallied:
            self._tally(filtered)
        order = self.order()
        moded = (id(filtered), id(order), len(order), self._data_version)
        if moded != self._moded or fresh:
            if filtered is base:
                self._visible = order
            elif order is base:
                self._visible = filtered
            else:
                keep = set(filtered)
                self._visible = list(filter(keep.__contains__, order))
            self._moded = moded
        visible = self._visible
        shape = (id(visible), self.group_mode, frozenset(self.collapsed))
        if shape != self._shape or fresh:
            self._group(visible)
            self._shape = shape
        if self.selected:
            self.selected = set(filter(self.findings.__contains__, self.selected))
        self._index = None
        self.version += 1
        return self.rows

    def _tally(self, filtered: list[str]) -> None:
        """Counts by severity: the list is in severity order, so each count is two bisections."""
        key = self._sev.__getitem__
        counts = {}
        for severity in Severity:
            value = -int(severity)
            counts[severity] = (bisect.bisect_right(filtered, value, key=key)
                                - bisect.bisect_left(filtered, value, key=key))
        self.counts = counts
        expired = self._by_status.get("expired")
        self.any_expired = bool(expired) and not expired.isdisjoint(filtered)  # type: ignore[union-attr]
        self._tallied = filtered

    def _stage(self, name: str, value: Any, visible: list[str]) -> list[str]:
        if value is None or value == "":
            return visible
        if name == "only":
            return list(filter(value.__contains__, visible))
        if name == "path":
            return list(compress(visible, map(value.__eq__, map(self._path.__getitem__, visible))))
        if name == "severity":
            floor = -int(value)
            if floor >= -int(Severity.INFO):
                return visible
            return list(compress(visible, map(floor.__ge__, map(self._sev.__getitem__, visible))))
        if name == "status":
            if value == "all":
                return visible
            wanted = {value, "expired"} if value == "open" else {value}
            return list(compress(visible, map(wanted.__contains__, map(self._status.__getitem__, visible))))
        hay = self._haystacks(visible)
        for word in str(value).split():
            visible = list(compress(visible, map(str.__contains__, map(hay.__getitem__, visible), repeat(word))))
        return visible

    def _group(self, visible: list[str]) -> None:
        """Rows: each group's heading, then its findings (in the sort order), groups in order.

        The order is already by group, then by the sort mode: each group is a run of one
        value, found (with its heading and its rows) by C-level passes.
        """
        mode = self.group_mode
        if mode == "none" or not visible:
            self.rows, self.groups = list(visible), Groups()
            return
        values = list(map(self._field(_GROUP_FIELD[mode]).__getitem__, visible))
        count = len(values)
        starts = [0, *compress(range(1, count), map(ne, values[1:], values))]
        ends = [*starts[1:], count]
        firsts = list(map(values.__getitem__, starts))
        if mode == "severity":
            ids = list(map(_SEVERITY_GROUP.__getitem__, firsts))
        else:
            ids = list(map(("group:file:" if mode == "file" else "group:cat:").__add__, firsts))
        collapsed = self.collapsed
        if collapsed and not collapsed.isdisjoint(ids):
            ends_shown = [start if gid in collapsed else end for gid, start, end in zip(ids, starts, ends)]
        else:
            ends_shown = ends
        pieces = map(visible.__getitem__, map(slice, starts, ends_shown))
        self.rows = list(chain.from_iterable(map(chain, zip(ids), pieces)))
        self.groups = Groups(mode, ids, firsts, list(map(sub, ends, starts)))

    # -- questions --------------------------------------------------------------------
    def column_needs(self) -> ColumnNeeds:
        """How wide the location, title and resource of the findings the filters let through
        are (collapsed groups included, so folding does not move the columns): the widest, and
        the width nine in ten of them fit in.  C-level passes, once per change of the filters' result."""
        filtered = self._stages[-1][1] if self._stages else []
        key = (id(filtered), self._data_version, len(filtered))
        if self._needs_key != key:
            widths = []
            for lengths in (self._loc_len, self._title_len, self._res_len):
                tally = Counter(map(lengths.__getitem__, filtered))
                widths += [_percentile(tally, 0.9), max(tally, default=0)]
            self._needs_key, self._needs = key, ColumnNeeds(*widths)
        return self._needs

    def status(self, fingerprint: str) -> str:
        status = self._status.get(fingerprint)
        if status is None:
            status = self._status[fingerprint] = self.status_of(self.findings[fingerprint])
            self._by_status.setdefault(status, set()).add(fingerprint)
        return status

    def index_of(self, key: str) -> int | None:
        if self._index is None:
            self._index = dict(zip(self.rows, range(len(self.rows))))
        return self._index.get(key)

    def group_of(self, key: str) -> str | None:
        """The group id of a row (a heading is its own group)."""
        if is_heading(key):
            return key
        base = self._base.get(key)
        group_field = _GROUP_FIELD[self.group_mode]
        if base is None or group_field is None:
            return None
        return group_id(self.group_mode, base[group_field])

    @property
    def visible_fingerprints(self) -> list[str]:
        """The findings the rows show (not those of folded groups), in order."""
        if not self.collapsed or self.group_mode == "none":
            return list(self._visible)
        return [key for key in self.rows if not is_heading(key)]

    def shown(self) -> list[str]:
        """Every finding the filters let through, collapsed groups included, in order."""
        return list(self._visible)

    def in_group(self, gid: str) -> list[str]:
        return [fp for fp in self.shown() if self.group_of(fp) == gid]

    def same_check(self, fingerprint: str) -> list[str]:
        code = self._code.get(fingerprint)
        return [fp for fp in self.shown() if self._code[fp] == code]

    def same_file(self, fingerprint: str) -> list[str]:
        path = self._path.get(fingerprint)
        return [fp for fp in self.shown() if self._path[fp] == path]

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
