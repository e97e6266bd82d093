"""The triage state file: accepted risks, deferrals, notes and checklist ticks.

``.auditui/state.toml`` (under the repository root unless told otherwise) is committed and
shared by a team, and it may come from a stranger's repository, so it is read and written
with care:

**Layout that merges.**  One table per finding (``[findings.<fingerprint>]``), in fingerprint
order, one blank line between tables; history and notes are arrays with one line per record
inside their finding's table.  Two branches that triage different findings touch different
lines, and ``.auditui/.gitattributes`` (written with the first entry) asks git for its
``union`` merge, so even two entries added at the same place both survive the merge.

**Reading that never loses triage.**  Git conflict markers are read as both sides (each
entry merged: the latest decision wins, notes and history are joined) and the next write
stores the merged file; a table written twice by a union merge is read the same way.  A file
that still cannot be read, or whose content does not fit the schema (wrong types, nesting
deeper than any real state file, a ``version`` that is not a number) makes triage read-only
with a message saying where; it is never moved aside or overwritten.

**Reading that stays bounded.**  Only a regular file is read (a FIFO or ``/dev/zero`` is never
opened for reading), at most :data:`MAX_STATE_BYTES`; a ``.auditui`` folder or state file that is
a symbolic link is refused (triage read-only) and never followed, in or out of the repository.

**Writes that stay inside and churn nothing.**  A change re-reads the file under a lock
(``.auditui/state.toml.lock``, beside the file, never in a shared temp folder), edits only the
tables it changes (comments stay with the table they sit in; tables it does not touch keep
every byte) and replaces the file atomically through :mod:`auditui.checks.safeio` (no link is
followed, nothing is written outside the file's folder).  A change undone, or a tick ticked and
unticked, gives back the same bytes.  Temporary files left by a killed writer are removed by
the next write.  A file marked read-only (no write permission, or a read-only folder) is
honoured: triage is read-only and says why.
"""

from __future__ import annotations

import configparser
import datetime as dt
import errno
import getpass
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import safeio
from .api import Finding, fingerprint_of

# tomllib (reading the state file) and tomlkit (writing it) are imported where they are used:
# a scan of a repository without a state file loads neither (tomlkit alone is ~15 ms)
if TYPE_CHECKING:
    import tomlkit

STATE_VERSION = 1
DEFAULT_RELATIVE = Path(".auditui") / "state.toml"
HEADER = (
    "auditui triage state: accepted risks, deferrals and notes, keyed by finding fingerprint.\n"
    "Commit this file to share triage with your team. Written by auditui; comments you add are kept."
)
STATUSES = ("open", "accepted", "deferred")
#: the largest state file read (a real one holds a few hundred bytes per triaged finding)
MAX_STATE_BYTES = 8 * 1024 * 1024
#: the furthest a deferral may reach; beyond that, accept the risk instead
MAX_DEFER_DAYS = 3 * 366
#: the longest reason or note kept
MAX_TEXT = 4000
#: nesting deeper than this is not a state file auditui wrote
MAX_DEPTH = 6
#: temporary files of a killed writer older than this are removed by the next write
STALE_TMP_SECONDS = 60
GITIGNORE = "# auditui's lock and temporary files\n*.lock\n*.tmp\n"
GITATTRIBUTES = "# triage tables from two branches are both kept (auditui reads duplicates as one merge)\n{name} merge=union\n"


class ReadOnlyStateError(RuntimeError):
    """The state file cannot be written (read-only, newer version, unreadable, refused)."""


@dataclass(frozen=True)
class Note:
    at: str
    by: str
    text: str


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    code: str = ""
    path: str = ""
    resource: str = ""
    title: str = ""
    status: str = "open"
    reason: str = ""
    by: str = ""
    at: str = ""
    until: dt.date | None = None
    #: the finding's fingerprint without its path: lets triage follow a renamed file
    locator: str = ""
    notes: tuple[Note, ...] = ()
    history: tuple[dict, ...] = ()

    def effective_status(self, today: dt.date | None = None) -> str:
        if self.status == "deferred":
            today = today or dt.date.today()
            if self.until is None or self.until < today:
                return "open"
        return self.status if self.status in STATUSES else "open"

    def is_expired(self, today: dt.date | None = None) -> bool:
        """A deferral whose date has passed (the finding is open again)."""
        return self.status == "deferred" and self.effective_status(today) == "open"

    @property
    def expired(self) -> bool:
        return self.is_expired()


def locator_of(finding: Finding) -> str:
    """The finding's identity without its path (same code, resource and place in the file)."""
    return fingerprint_of(finding.code, "", finding.resource, finding.symbol)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_until(text: str, today: dt.date) -> dt.date:
    """A deferral date typed by a user: ``YYYY-MM-DD`` or ``+N`` days; in the future, within reach.

    Raises ``ValueError`` with a message to show (a huge ``+N`` is refused, never an overflow).
    """
    text = (text or "").strip()
    if text.startswith("+"):
        days = text[1:].rstrip("dD").strip()
        if not days.isdigit():
            raise ValueError("write +N for N days from today, e.g. +14")
        if len(days) > 6 or int(days) > MAX_DEFER_DAYS:
            raise ValueError(f"a deferral reaches at most {MAX_DEFER_DAYS} days ahead; accept the risk instead")
        until = today + dt.timedelta(days=int(days))
    else:
        try:
            until = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date: {text[:40]!r} (expected YYYY-MM-DD or +N)") from None
    if until <= today:
        raise ValueError("the date must be in the future")
    if (until - today).days > MAX_DEFER_DAYS:
        raise ValueError(f"a deferral reaches at most {MAX_DEFER_DAYS} days ahead "
                         f"(until {(today + dt.timedelta(days=MAX_DEFER_DAYS)).isoformat()}); accept the risk instead")
    return until


def current_user(root: Path | None = None) -> str:
    """git's user.name read from config files (never by running git), else $USER."""
    candidates: list[tuple[Path, Path | None]] = []
    if root is not None:
        candidates.append((root / ".git" / "config", root))
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    candidates += [(Path(xdg) / "git" / "config", None), (Path.home() / ".gitconfig", None)]
    for path, inside in candidates:
        try:
            text = safeio.read_text(path, root=inside, limit=256 * 1024, errors="replace")
            parser = configparser.RawConfigParser(strict=False)
            parser.read_string(text)
            if parser.has_option("user", "name"):
                name = parser.get("user", "name").strip().strip('"')
                if name:
                    return name[:200]
        except (OSError, configparser.Error, UnicodeError, ValueError):
            continue
    try:
        return os.environ.get("USER") or getpass.getuser() or "unknown"
    except Exception:
        return "unknown"


# -- reading: schema ------------------------------------------------------------------------

_TYPE_NAMES = {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "an array",
               dict: "a table", dt.date: "a date", dt.datetime: "a date-time", dt.time: "a time"}


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _short(key: str) -> str:
    return key if len(key) <= 24 else key[:20] + "…"


_ENTRY_TEXT = ("code", "path", "resource", "title", "status", "reason", "by", "at", "locator")


def _entry(fingerprint: str, data: Any, problems: list[str]) -> Entry | None:
    """One ``[findings.X]`` table as an Entry, or None (with a problem) when it does not fit."""
    where = f"findings.{_short(fingerprint)}"
    if not isinstance(data, dict):
        problems.append(f"{where} is {_type_name(data)}, not a table")
        return None
    if len(fingerprint) > 128:
        problems.append(f"{where}: the key is not a fingerprint")
        return None
    if _too_deep(data, MAX_DEPTH - 2):
        problems.append(f"{where} nests deeper than a triage entry")
        return None
    values: dict[str, Any] = {}
    for key in _ENTRY_TEXT:
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(f"{where}.{key} is {_type_name(value)}, not a string")
            return None
        values[key] = value[:MAX_TEXT]
    status = values.pop("status") or "open"
    if status not in STATUSES:
        problems.append(f"{where}.status is {status[:20]!r}, not one of {', '.join(STATUSES)}")
        return None
    until = data.get("until")
    if until is not None:
        if isinstance(until, dt.datetime):
            until = until.date()
        elif isinstance(until, str):
            try:
                until = dt.date.fromisoformat(until.strip())
            except ValueError:
                problems.append(f"{where}.until is not a date")
                return None
        elif not isinstance(until, dt.date):
            problems.append(f"{where}.until is {_type_name(until)}, not a date")
            return None
    notes_raw = data.get("notes", [])
    history_raw = data.get("history", [])
    for key, raw in (("notes", notes_raw), ("history", history_raw)):
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            problems.append(f"{where}.{key} is {_type_name(raw)}, not a list of records")
            return None
    notes = []
    for item in notes_raw:
        if not all(isinstance(item.get(k, ""), str) for k in ("at", "by", "text")):
            problems.append(f"{where}.notes holds a note that is not text")
            return None
        notes.append(Note(item.get("at", ""), item.get("by", ""), item.get("text", "")[:MAX_TEXT]))
    history = []
    for item in history_raw:
        record = {}
        for k, v in item.items():
            if isinstance(v, (dt.date, dt.datetime)):
                v = v.isoformat()
            if not isinstance(v, str):
                problems.append(f"{where}.history holds {_type_name(v)} where text belongs")
                return None
            record[str(k)] = v[:MAX_TEXT]
        history.append(record)
    return Entry(fingerprint=fingerprint, status=status, until=until, notes=tuple(notes), history=tuple(history),
                 **values)


@dataclass
class Parsed:
    """What a state file says, and what is wrong with it."""

    entries: dict[str, Entry] = field(default_factory=dict)
    ticks: dict[str, bool] = field(default_factory=dict)
    #: schema problems (the valid parts are still read); any makes triage read-only
    problems: list[str] = field(default_factory=list)
    #: the version when it is newer than this auditui's (read-only)
    newer: int | None = None
    #: the file could not be read as TOML at all (read-only); says where
    error: str | None = None
    #: how the file was merged on reading ("git conflict markers", "tables written twice")
    merged: str | None = None

    @property
    def writable(self) -> bool:
        return not (self.problems or self.newer or self.error)


def _validate(data: dict) -> Parsed:
    parsed = Parsed()
    problems = parsed.problems
    version = data.get("version", STATE_VERSION)
    if isinstance(version, bool) or not isinstance(version, int):
        problems.append(f"version is {_type_name(version)} ({str(version)[:20]!r}), not the number {STATE_VERSION}")
    elif version > STATE_VERSION:
        parsed.newer = version
    elif version < 1:
        problems.append(f"version is {version}, not {STATE_VERSION}")
    for key, value in data.items():
        if key not in ("version", "findings", "checklist") and _too_deep(value, MAX_DEPTH):
            problems.append(f"{_short(key)} nests deeper than a state file")
    findings = data.get("findings", {})
    if not isinstance(findings, dict):
        problems.append(f"findings is {_type_name(findings)}, not a table of entries")
    else:
        for fingerprint, item in findings.items():
            entry = _entry(str(fingerprint), item, problems)
            if entry is not None:
                parsed.entries[entry.fingerprint] = entry
    checklist = data.get("checklist", {})
    if not isinstance(checklist, dict):
        problems.append(f"checklist is {_type_name(checklist)}, not a table")
    else:
        pr = checklist.get("pr", {})
        if not isinstance(pr, dict) or not all(isinstance(v, bool) for v in pr.values()):
            problems.append("checklist.pr is not a table of true/false ticks")
        else:
            parsed.ticks = {str(k): v for k, v in pr.items() if v}
    return parsed


def _loads(text: str) -> dict:
    import tomllib

    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("values nested too deeply") from None


def _decode_error(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# -- reading: merges ------------------------------------------------------------------------

_START, _BASE, _MID, _END = (re.compile(p) for p in (r"<{7}(?: |$)", r"\|{7}(?: |$)", r"={7}$", r">{7}(?: |$)"))


def conflict_sides(text: str) -> tuple[str, str] | None:
    """(ours, theirs) of a file holding git conflict markers; None when it holds none (or is unbalanced)."""
    if "<<<<<<<" not in text:
        return None
    ours: list[str] = []
    theirs: list[str] = []
    side = None
    seen = False
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if _START.match(bare) and side is None:
            side, seen = "ours", True
        elif _BASE.match(bare) and side == "ours":
            side = "base"
        elif _MID.match(bare) and side in ("ours", "base"):
            side = "theirs"
        elif _END.match(bare) and side == "theirs":
            side = None
        elif side is None:
            ours.append(line)
            theirs.append(line)
        elif side == "ours":
            ours.append(line)
        elif side == "theirs":
            theirs.append(line)
    if side is not None or not seen:
        return None
    return "".join(ours), "".join(theirs)


def _merge_entry(a: Entry, b: Entry) -> Entry:
    """Two versions of one entry: the latest decision, with every note and history record of both."""
    latest = b if (b.at, len(b.history)) >= (a.at, len(a.history)) else a
    notes = {(n.at, n.by, n.text): n for n in (*a.notes, *b.notes)}
    history = {tuple(sorted(h.items())): h for h in (*a.history, *b.history)}
    return replace(latest,
                   notes=tuple(sorted(notes.values(), key=lambda n: n.at)),
                   history=tuple(sorted(history.values(), key=lambda h: h.get("at", ""))))


def _merge(first: Parsed, second: Parsed, how: str) -> Parsed:
    merged = Parsed(entries=dict(first.entries), ticks={**first.ticks, **second.ticks},
                    problems=first.problems + second.problems,
                    newer=max(first.newer or 0, second.newer or 0) or None, merged=how)
    for fingerprint, entry in second.entries.items():
        mine = merged.entries.get(fingerprint)
        merged.entries[fingerprint] = entry if mine is None else _merge_entry(mine, entry)
    return merged


def parse_state(text: str) -> Parsed:
    """A state file's text, read as well as it can be (see the module's docstring)."""
    import tomllib

    try:
        return _validate(_loads(text))
    except tomllib.TOMLDecodeError as exc:
        error = _decode_error(exc)
    sides = conflict_sides(text)
    if sides is not None:
        ours, theirs = (_parse_tables(side) for side in sides)
        if ours.error is None and theirs.error is None:
            return _merge(ours, theirs, "git conflict markers")
        return Parsed(error=f"git conflict markers, and a side that cannot be read ({ours.error or theirs.error})")
    salvaged = _parse_tables(text)
    if salvaged.error is None and salvaged.merged:
        return salvaged
    return Parsed(error=error)


def _parse_tables(text: str) -> Parsed:
    """Read a file table by table: tables written twice (a union merge) are merged."""
    import tomllib

    try:
        return _validate(_loads(text))
    except tomllib.TOMLDecodeError:
        pass
    preamble, blocks = split_blocks(text)
    try:
        result = _validate(_loads("\n".join(preamble)))
    except tomllib.TOMLDecodeError as exc:
        return Parsed(error=_decode_error(exc))
    twice = False
    seen: set[tuple] = set()
    for block in blocks:
        twice |= block.key in seen
        seen.add(block.key)
        try:
            data = _loads(block.text)
        except tomllib.TOMLDecodeError:
            try:
                data = _loads(_last_assignment_wins(block.text))
                twice = True
            except tomllib.TOMLDecodeError as exc:
                return Parsed(error=_decode_error(exc))
        result = _merge(result, _validate({"version": STATE_VERSION, **data}), "")
    result.merged = "tables written twice (a git union merge)" if twice else None
    return result


_ASSIGNMENT = re.compile(r'^([A-Za-z0-9_-]+|"[^"\\]*")\s*=')


def _last_assignment_wins(text: str) -> str:
    """A table whose one-line keys are assigned twice (both sides of a union merge): keep the last."""
    import tomllib

    lines = text.splitlines()
    last: dict[str, int] = {}
    for number, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if match is None:
            continue
        try:
            _loads(line)  # a whole one-line assignment, not the start of a multi-line value
        except tomllib.TOMLDecodeError:
            continue
        last[match.group(1)] = number
    return "\n".join(line for number, line in enumerate(lines)
                     if (m := _ASSIGNMENT.match(line)) is None or last.get(m.group(1), number) == number)


# -- the file as blocks -----------------------------------------------------------------------

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\')'
_HEADER = re.compile(r"^\[\[?\s*(" + _KEY + r"(?:\s*\.\s*" + _KEY + r")*)\s*\]\]?\s*(?:#.*)?$")


def _header_key(line: str) -> tuple[str, ...] | None:
    """The identity of a table header line: ("findings", fp), ("checklist", "pr"), ... or None."""
    import tomllib

    match = _HEADER.match(line.strip())
    if match is None:
        return None
    try:
        data = tomllib.loads(match.group(1) + " = 0")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        key, data = next(iter(data.items()))
        path.append(key)
    if not path:
        return None
    return tuple(path[:2]) if path[0] in ("findings", "checklist") and len(path) >= 2 else tuple(path[:1])


@dataclass
class Block:
    """One table of the file (with its sub-tables), and the comments right above it."""

    key: tuple[str, ...]
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def split_blocks(text: str) -> tuple[list[str], list[Block]]:
    """(lines before the first table, the tables in file order)."""
    preamble: list[str] = []
    blocks: list[Block] = []
    pending: list[str] = []  # comments since the last blank line: they belong to the next table
    current: Block | None = None
    for line in text.splitlines():
        stripped = line.strip()
        key = _header_key(line) if stripped.startswith("[") else None
        if key is not None:
            if current is not None and key == current.key:
                current.lines += pending + [line]
            else:
                current = Block(key, pending + [line])
                blocks.append(current)
            pending = []
            continue
        target = current.lines if current is not None else preamble
        if stripped.startswith("#"):
            pending.append(line)
        else:
            target += pending + [line]
            pending = []
    (current.lines if current is not None else preamble).extend(pending)
    for block in blocks:
        _trim(block.lines)
    _trim(preamble)
    return preamble, blocks


def _trim(lines: list[str]) -> None:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)


def join_blocks(preamble: list[str], blocks: Iterable[Block]) -> str:
    parts = ["\n".join(preamble)] if preamble else []
    parts += [block.text for block in blocks if block.lines]
    return "\n\n".join(parts) + "\n"


def _insert_sorted(blocks: list[Block], block: Block) -> None:
    """Put a new finding table at its fingerprint's place (other tables do not move)."""
    for index, other in enumerate(blocks):
        if other.key[0] == "findings" and other.key > block.key:
            blocks.insert(index, block)
            return
    blocks.append(block)


def _new_preamble() -> list[str]:
    return [f"# {line}" for line in HEADER.splitlines()] + [f"version = {STATE_VERSION}"]


def _entry_table(entry: Entry) -> tomlkit.items.Table:
    import tomlkit

    table = tomlkit.table()
    for key in ("code", "path", "resource", "title"):
        value = getattr(entry, key)
        if value:
            table.add(key, value)
    table.add("status", entry.status)
    for key in ("reason", "by", "at"):
        value = getattr(entry, key)
        if value:
            table.add(key, value)
    if entry.until is not None:
        table.add("until", entry.until)
    if entry.history:
        table.add("history", _records(entry.history))
    if entry.notes:
        table.add("notes", _records({"at": n.at, "by": n.by, "text": n.text} for n in entry.notes))
    if entry.locator:
        table.add("locator", entry.locator)
    return table


def _records(records: Iterable[Mapping[str, Any]]) -> tomlkit.items.Array:
    import tomlkit

    array = tomlkit.array()
    array.multiline(True)
    for record in records:
        item = tomlkit.inline_table()
        item.update({k: v for k, v in record.items() if v not in (None, "")})
        array.append(item)
    return array


def _render_entry(entry: Entry) -> str:
    import tomlkit

    doc = tomlkit.document()
    findings = tomlkit.table(is_super_table=True)
    findings.add(entry.fingerprint, _entry_table(entry))
    doc.add("findings", findings)
    return tomlkit.dumps(doc)


def _render_ticks(ticks: Mapping[str, bool]) -> str:
    import tomlkit

    doc = tomlkit.document()
    checklist = tomlkit.table(is_super_table=True)
    pr = tomlkit.table()
    for key in sorted(ticks):
        if ticks[key]:
            pr.add(key, True)
    checklist.add("pr", pr)
    doc.add("checklist", checklist)
    return tomlkit.dumps(doc)


def render_state(parsed: Parsed, preamble: list[str] | None = None) -> str:
    """A whole file from parsed content (after a merge): one table per entry, in order."""
    blocks = []
    if parsed.ticks:
        blocks.append(Block(("checklist", "pr"), _render_ticks(parsed.ticks).strip("\n").splitlines()))
    for fingerprint in sorted(parsed.entries):
        blocks.append(Block(("findings", fingerprint),
                            _render_entry(parsed.entries[fingerprint]).strip("\n").splitlines()))
    return join_blocks(preamble or _new_preamble(), blocks)


# -- changes as data --------------------------------------------------------------------------

Change = Callable[[Any], None]  # edits one tomlkit table in place


@dataclass(frozen=True)
class Undo:
    """What one write replaced: each table's text before it (None: the table did not exist)."""

    before: tuple[tuple[tuple[str, ...], str | None], ...]
    label: str = ""

    @property
    def fingerprints(self) -> list[str]:
        return [key[1] for key, _text in self.before if key[0] == "findings"]


# -- the store --------------------------------------------------------------------------------


class TriageStore:
    """Triage decisions for one repository, backed by a TOML file."""

    def __init__(self, path: Path, root: Path | None = None, *, load: bool = True) -> None:
        self.path = Path(path)
        self.root = Path(root) if root is not None else self.path.parent.parent
        self.read_only = False
        #: why triage is read-only (one line), when it is
        self.read_only_reason = ""
        self.messages: list[str] = []
        self._entries: dict[str, Entry] = {}
        self._ticks: dict[str, bool] = {}
        self._aliases: dict[str, str] = {}  # fingerprint of a moved finding -> its entry's fingerprint
        self._raw: str | None = None  # the text last read or written ("" when absent)
        self._rewrite = False  # the file was merged on reading: the next write stores the merge
        self._user: str | None = None
        if load:
            self.reload()

    @classmethod
    def open(cls, root: Path | str, path: Path | str | None = None) -> TriageStore:
        root = Path(root)
        state = Path(path) if path is not None else root / DEFAULT_RELATIVE
        return cls(state, root)

    # -- where the file may be ---------------------------------------------------
    @property
    def _write_root(self) -> str:
        """The folder writes must stay in: the repository for a file in it, else the file's folder."""
        absolute = os.path.abspath(self.path)
        root = os.path.abspath(self.root)
        return root if safeio.within(root, absolute) and absolute != root else os.path.dirname(absolute)

    def _refusal(self) -> str | None:
        """Why the file cannot be written (a link, not a regular file, not writable), or None."""
        return self._refusal_kind()[0]

    def _refusal_kind(self) -> tuple[str | None, bool]:
        """(why the file cannot be written, whether it must not even be read) or (None, False)."""
        base = self._write_root
        absolute = os.path.abspath(self.path)
        rel = os.path.relpath(absolute, base)
        current = base
        parts = rel.split(os.sep)
        for index, part in enumerate(parts):
            current = os.path.join(current, part)
            last = index == len(parts) - 1
            try:
                st = os.lstat(current)
            except FileNotFoundError:
                parent = os.path.dirname(current)
                if _mode_writable(parent):
                    return None, False
                return f"{_shown(parent, base)} is read-only (folder permissions)", False
            except OSError as exc:
                return f"{_shown(current, base)}: {exc.strerror or exc}", True
            if stat.S_ISLNK(st.st_mode):
                return f"{_shown(current, base)} is a symbolic link; auditui does not follow it", True
            if last:
                if not stat.S_ISREG(st.st_mode):
                    return f"{_shown(current, base)} is not a regular file", True
                if not st.st_mode & 0o200 or not os.access(current, os.W_OK):
                    return f"{_shown(current, base)} is read-only (file permissions)", False
                if not _mode_writable(os.path.dirname(current)):
                    return f"{_shown(os.path.dirname(current), base)} is read-only (folder permissions)", False
            elif not stat.S_ISDIR(st.st_mode):
                return f"{_shown(current, base)} is not a folder", True
        return None, False

    # -- reading -----------------------------------------------------------------
    def read_disk(self) -> tuple[str | None, str | None]:
        """(the file's text or "" when absent, None) or (None, why it cannot be read).  Bounded, never blocks."""
        refusal, unreadable = self._refusal_kind()
        if unreadable:
            return None, refusal
        try:
            data = safeio.read_bytes(self.path, root=self._write_root, limit=MAX_STATE_BYTES)
        except FileNotFoundError:
            return "", None
        except safeio.TooLarge as exc:
            return None, f"{self.path.name} is {safeio.describe_size(exc.size)}, over the " \
                         f"{safeio.describe_size(MAX_STATE_BYTES)} auditui reads"
        except OSError as exc:
            if exc.errno == errno.ENOTDIR:
                return "", None
            return None, f"cannot read {self.path.name}: {getattr(exc, 'reason', None) or exc.strerror or exc}"
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            return None, f"{self.path.name} is not UTF-8 text"

    def reload(self) -> None:
        text, problem = self.read_disk()
        self.adopt(text, problem)

    def adopt(self, text: str | None, problem: str | None) -> None:
        """Take what :meth:`read_disk` returned (the app reads on a worker and adopts on the UI thread)."""
        was_read_only = self.read_only
        self.read_only, self.read_only_reason = False, ""
        if problem is not None:
            self._set_read_only(problem)
            self._entries, self._ticks, self._raw = {}, {}, None
            return
        assert text is not None
        parsed = parse_state(text) if text.strip() else Parsed()
        self._raw = text
        self._rewrite = False
        if parsed.error is not None:
            self._set_read_only(f"{self.path.name} cannot be read ({parsed.error}); fix it and auditui reads it again")
            self._entries, self._ticks = {}, {}
            return
        self._entries, self._ticks = parsed.entries, parsed.ticks
        if parsed.newer is not None:
            self._set_read_only(f"{self.path.name} was written by a newer auditui (version {parsed.newer}); "
                                "it is shown read-only and will not be overwritten")
        elif parsed.problems:
            more = f" (and {len(parsed.problems) - 3} more)" if len(parsed.problems) > 3 else ""
            self._set_read_only(f"{self.path.name} does not look like a triage file: "
                                + "; ".join(parsed.problems[:3]) + more + ". Triage is read-only until it is fixed")
        elif parsed.merged:
            self._rewrite = True
            self.messages.append(f"{self.path.name} held {parsed.merged}: both sides were read "
                                 f"({len(self._entries)} entries); the next triage change saves the merged file")
        if not self.read_only:
            refusal = self._refusal()
            if refusal is not None:
                self._set_read_only(refusal)
        if was_read_only and not self.read_only:
            self.messages.append(f"{self.path.name} can be written again; triage is available")

    def _set_read_only(self, reason: str) -> None:
        if not (self.read_only and self.read_only_reason == reason):
            self.messages.append(f"{reason}; triage is read-only" if "read-only" not in reason else reason)
        self.read_only = True
        self.read_only_reason = reason

    # -- questions ---------------------------------------------------------------
    def entry(self, fingerprint: str) -> Entry | None:
        entry = self._entries.get(fingerprint)
        if entry is None and fingerprint in self._aliases:
            entry = self._entries.get(self._aliases[fingerprint])
        return entry

    def entries(self) -> list[Entry]:
        return [self._entries[k] for k in sorted(self._entries)]

    def status_of(self, finding: Finding, today: dt.date | None = None) -> str:
        if finding.suppressed_by:
            return "suppressed"
        entry = self.entry(finding.fingerprint)
        return entry.effective_status(today) if entry is not None else "open"

    def checklist_ticks(self) -> dict[str, bool]:
        return dict(self._ticks)

    def resolved_entries(self, current: Iterable[str]) -> list[Entry]:
        """Entries whose finding no longer exists (shown as resolved until pruned)."""
        alive = set(current)
        alive |= {self._aliases[fp] for fp in alive if fp in self._aliases}
        return [e for e in self.entries() if e.fingerprint not in alive]

    # -- renamed files -------------------------------------------------------------
    def match_renames(self, findings: Iterable[Finding], files: Iterable[str]) -> dict[str, Entry]:
        """Entries whose file is gone and whose finding now lives in another file: {new fingerprint: entry}.

        A finding matches an entry when code, resource and place in the file (the locator)
        agree, the entry's file is no longer among ``files``, the finding has no entry of its
        own, and the match is one to one.  Entries written before locators existed match by
        code and resource alone, under the same conditions.  Statuses follow at once (in memory,
        for ``scan`` and ``report`` too); :meth:`follow_renames` also rewrites the file.
        """
        present = set(files)
        findings = list(findings)
        alive = {f.fingerprint for f in findings}
        orphans = [e for e in self._entries.values()
                   if e.fingerprint not in alive and e.path and e.path != "." and e.path not in present]
        if not orphans:
            self._aliases = {}
            return {}
        by_locator: dict[str, list[Finding]] = {}
        by_name: dict[tuple[str, str], list[Finding]] = {}
        for f in findings:
            if f.fingerprint in self._entries:
                continue
            by_locator.setdefault(locator_of(f), []).append(f)
            by_name.setdefault((f.code, f.resource), []).append(f)
        claims: dict[str, list[Entry]] = {}
        for entry in orphans:
            candidates = by_locator.get(entry.locator, []) if entry.locator else by_name.get((entry.code, entry.resource), [])
            candidates = [f for f in candidates if f.path != entry.path]
            if len(candidates) == 1:
                claims.setdefault(candidates[0].fingerprint, []).append(entry)
        moved = {fp: entries[0] for fp, entries in claims.items() if len(entries) == 1}
        self._aliases = {fp: entry.fingerprint for fp, entry in moved.items()}
        return moved

    def follow_renames(self, findings: Iterable[Finding], files: Iterable[str]) -> dict[str, Entry]:
        """:meth:`match_renames`, then re-key the moved entries in the file (one write)."""
        findings = list(findings)
        moved = self.match_renames(findings, files)
        if not moved or self.read_only:
            return moved
        by_fp = {f.fingerprint: f for f in findings}
        when = _now()

        def apply(blocks: list[Block]) -> None:
            for new_fp, entry in moved.items():
                finding = by_fp[new_fp]
                old_key = ("findings", entry.fingerprint)
                old = next((b for b in blocks if b.key == old_key), None)
                if old is None or any(b.key == ("findings", new_fp) for b in blocks):
                    continue
                record = {"at": when, "by": self.user, "action": "moved", "reason": f"from {entry.path}"}
                text = _edit_table(old.text, entry.fingerprint, _context_change(finding), _history_change(record),
                                   rename_to=new_fp)
                blocks.remove(old)
                _insert_sorted(blocks, Block(("findings", new_fp), text.strip("\n").splitlines()))

        self._write(apply, label="follow renamed files")
        self._aliases = {}
        return moved

    # -- changes ---------------------------------------------------------------------
    @property
    def user(self) -> str:
        if self._user is None:
            self._user = current_user(self.root)
        return self._user

    def accept(self, finding: Finding, reason: str) -> Entry:
        self.accept_many([finding], reason)
        return self._entries[finding.fingerprint]

    def defer(self, finding: Finding, until: dt.date, reason: str) -> Entry:
        self.defer_many([finding], until, reason)
        return self._entries[finding.fingerprint]

    def reopen(self, finding: Finding) -> Entry:
        self.reopen_many([finding])
        return self._entries[finding.fingerprint]

    def add_note(self, finding: Finding, text: str) -> Entry:
        self.note_many([finding], text)
        return self._entries[finding.fingerprint]

    def accept_many(self, findings: Iterable[Finding], reason: str) -> Undo:
        reason = _text(reason, "accepting a risk needs a reason")
        return self._set_status(findings, "accepted", reason, None)

    def defer_many(self, findings: Iterable[Finding], until: dt.date, reason: str) -> Undo:
        if not isinstance(until, dt.date):
            raise ValueError("a deferral needs a date")
        return self._set_status(findings, "deferred", _text(reason, "a deferral needs a reason"), until)

    def reopen_many(self, findings: Iterable[Finding]) -> Undo:
        return self._set_status(findings, "open", "", None)

    def note_many(self, findings: Iterable[Finding], text: str) -> Undo:
        text = _text(text, "a note cannot be empty")
        note = {"at": _now(), "by": self.user, "text": text}

        def change(table: Any) -> None:
            _append(table, "notes", note)

        return self._mutate(findings, change, label="note")

    def set_tick(self, item_id: str, value: bool) -> Undo:
        def apply(blocks: list[Block]) -> None:
            import tomlkit

            key = ("checklist", "pr")
            block = next((b for b in blocks if b.key == key), None)
            if block is None:
                if not value:
                    return
                block = Block(key, _render_ticks({item_id: True}).strip("\n").splitlines())
                first = next((i for i, b in enumerate(blocks) if b.key[0] == "findings"), len(blocks))
                blocks.insert(first, block)
                return
            doc = tomlkit.parse(block.text)
            pr = doc["checklist"]["pr"]
            if value and pr.get(item_id) is not True:
                pr[item_id] = True
            elif not value and item_id in pr:
                del pr[item_id]
            if not pr:
                blocks.remove(block)
            else:
                block.lines = tomlkit.dumps(doc).strip("\n").splitlines()

        return self._write(apply, label="tick" if value else "untick")

    def prune(self, current: Iterable[str], keep: Callable[[Entry], bool] | None = None) -> int:
        """Drop entries whose finding is gone (not in ``current``), except those ``keep`` protects."""
        gone = {e.fingerprint for e in self.resolved_entries(current) if keep is None or not keep(e)}
        if not gone:
            return 0

        def apply(blocks: list[Block]) -> None:
            blocks[:] = [b for b in blocks if not (b.key[0] == "findings" and b.key[1] in gone)]

        self._write(apply, label="prune")
        return len(gone)

    def undo(self, record: Undo) -> list[str]:
        """Put back the tables ``record`` replaced; returns the fingerprints it touched."""
        before = dict(record.before)

        def apply(blocks: list[Block]) -> None:
            for key, text in before.items():
                index = next((i for i, b in enumerate(blocks) if b.key == key), None)
                if text is None:
                    if index is not None:
                        del blocks[index]
                elif index is not None:
                    blocks[index].lines = text.splitlines()
                elif key[0] == "findings":
                    _insert_sorted(blocks, Block(key, text.splitlines()))
                else:
                    first = next((i for i, b in enumerate(blocks) if b.key[0] == "findings"), len(blocks))
                    blocks.insert(first, Block(key, text.splitlines()))

        self._write(apply, label=f"undo {record.label}".strip())
        return record.fingerprints

    def _set_status(self, findings: Iterable[Finding], status: str, reason: str, until: dt.date | None) -> Undo:
        when = _now()
        user = self.user

        def change(table: Any) -> None:
            for key, value in (("status", status), ("reason", reason), ("by", user), ("at", when)):
                if value or key == "status":
                    if table.get(key) != value:
                        table[key] = value
                elif key in table:
                    del table[key]
            if until is not None:
                if table.get("until") != until:
                    table["until"] = until
            elif "until" in table:
                del table["until"]
            record = {"at": when, "by": user, "action": status}
            if reason:
                record["reason"] = reason
            if until is not None:
                record["until"] = until.isoformat()
            _append(table, "history", record)

        return self._mutate(findings, change, label={"open": "reopen"}.get(status, status[:-2] if status.endswith("ed") else status))

    def _mutate(self, findings: Iterable[Finding], change: Change, label: str) -> Undo:
        findings = list({f.fingerprint: f for f in findings}.values())
        if not findings:
            raise ValueError("no finding to triage")

        def apply(blocks: list[Block]) -> None:
            index = {b.key: b for b in blocks}
            for finding in findings:
                fingerprint = finding.fingerprint
                key = ("findings", fingerprint)
                block = index.get(key)
                if block is None:
                    text = _render_entry(Entry(fingerprint=fingerprint))
                    text = _edit_table(text, fingerprint, _context_change(finding), change)
                    block = Block(key, text.strip("\n").splitlines())
                    _insert_sorted(blocks, block)
                    index[key] = block
                else:
                    block.lines = _edit_table(block.text, fingerprint, _context_change(finding),
                                              change).strip("\n").splitlines()

        return self._write(apply, label=label)

    # -- writing -----------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """An exclusive lock on ``<state>.lock`` beside the file (opened without following links)."""
        lock = self.path.with_name(self.path.name + ".lock")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(lock, flags, 0o644)
        except OSError as exc:
            raise ReadOnlyStateError(f"cannot lock {lock.name}: {exc.strerror or exc}") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ReadOnlyStateError(f"{lock.name} is not a regular file; the change was not saved")
            try:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX)
            except (ImportError, OSError):
                pass
            yield
        finally:
            os.close(fd)

    def _prepare_folder(self) -> bool:
        """Create the state file's folder (inside the write root, no links); True when it is new."""
        base = self._write_root
        folder = os.path.dirname(os.path.abspath(self.path))
        if os.path.isdir(folder) and not os.path.islink(folder):
            return False
        rel = os.path.relpath(folder, base)
        current = base
        created = False
        for part in ([] if rel == "." else rel.split(os.sep)):
            current = os.path.join(current, part)
            try:
                os.mkdir(current)
                created = True
            except FileExistsError:
                if os.path.islink(current) or not os.path.isdir(current):
                    raise ReadOnlyStateError(f"{_shown(current, base)} is not a folder auditui may write in") from None
            except OSError as exc:
                raise ReadOnlyStateError(f"cannot create {_shown(current, base)}: {exc.strerror or exc}") from None
        return created

    def _write(self, apply: Callable[[list[Block]], None], label: str = "") -> Undo:
        if self.read_only:
            raise ReadOnlyStateError(f"{self.read_only_reason or 'the state file is read-only'}; the change was not saved")
        refusal = self._refusal()
        if refusal is not None:
            self._set_read_only(refusal)
            raise ReadOnlyStateError(f"{refusal}; the change was not saved")
        fresh_folder = self._prepare_folder()
        with self._locked():
            self._remove_stale_temporaries()
            text, problem = self.read_disk()
            if problem is not None or text != self._raw:
                self.adopt(text, problem)  # another writer (or git) changed it: apply to what is there
                if self.read_only:
                    raise ReadOnlyStateError(f"{self.read_only_reason}; the change was not saved")
            assert text is not None
            if not text.strip():
                preamble, blocks = _new_preamble(), list[Block]()
            elif self._rewrite:
                merged = Parsed(entries=dict(self._entries), ticks=dict(self._ticks))
                sides = conflict_sides(text)
                preamble = split_blocks(sides[0] if sides else text)[0]
                preamble = [line for line in preamble if not _START.match(line)] or _new_preamble()
                _, blocks = split_blocks(render_state(merged, preamble))
            else:
                preamble, blocks = split_blocks(text)
            before = {b.key: b.text for b in blocks}
            apply(blocks)
            after = {b.key: b.text for b in blocks}
            changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
            for key in changed:  # every table still reads on its own: the file stays valid
                if key in after:
                    _loads(after[key])
            new_text = join_blocks(preamble, blocks)
            if new_text != text:
                try:
                    safeio.write_text(self.path, new_text, root=self._write_root)
                except OSError as exc:
                    refusal = self._refusal()
                    if refusal is None:
                        raise
                    self._set_read_only(refusal)
                    raise ReadOnlyStateError(f"cannot write {self.path.name}: {refusal}; the change was not saved") from exc
                if fresh_folder or not text.strip():
                    self._write_git_files()
            self._raw = new_text
            self._rewrite = False
            self._apply_tables({key: after.get(key) for key in changed})
        undo = Undo(tuple(sorted((key, before.get(key)) for key in changed)), label)
        return undo

    def _apply_tables(self, tables: Mapping[tuple[str, ...], str | None]) -> None:
        """Update the in-memory entries from the tables just written (no full re-read)."""
        for key, text in tables.items():
            if key[0] == "findings":
                if text is None:
                    self._entries.pop(key[1], None)
                    continue
                parsed = _validate(_loads(text))
                entry = parsed.entries.get(key[1])
                if entry is not None:
                    self._entries[key[1]] = entry
                else:
                    self._entries.pop(key[1], None)
            elif key == ("checklist", "pr"):
                self._ticks = _validate(_loads(text)).ticks if text is not None else {}

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of a writer killed mid-write (never those of a write in progress)."""
        folder = self.path.parent
        prefix = f".{self.path.name[:64]}."
        cutoff = time.time() - STALE_TMP_SECONDS
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            if name.startswith(prefix) and name.endswith(".tmp"):
                candidate = folder / name
                try:
                    st = os.lstat(candidate)
                    if (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)) and st.st_mtime < cutoff:
                        os.unlink(candidate)
                except OSError:
                    continue

    def _write_git_files(self) -> None:
        """``.gitignore`` (lock, temporaries) and ``.gitattributes`` (union merge) beside a new state file."""
        for name, text in ((".gitignore", GITIGNORE), (".gitattributes", GITATTRIBUTES.format(name=self.path.name))):
            target = self.path.parent / name
            if os.path.lexists(target):
                continue
            try:
                safeio.write_text(target, text, root=self._write_root)
            except OSError:
                pass


# -- helpers ----------------------------------------------------------------------------------


def _text(value: str, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValueError(empty)
    if len(value) > MAX_TEXT:
        raise ValueError(f"the text is {len(value)} characters long; at most {MAX_TEXT} are kept")
    return value


def _append(table: Any, key: str, record: dict) -> None:
    """Add a record to a table's history or notes (one line in its array; an older array of tables grows too)."""
    import tomlkit

    records = table.get(key)
    if records is None:
        table[key] = _records([record])
        return
    if isinstance(records, tomlkit.items.AoT):
        records.append(tomlkit.item(record))
        return
    item = tomlkit.inline_table()
    item.update(record)
    records.append(item)


def _context_change(finding: Finding) -> Change:
    """The human-readable context of an entry, refreshed so the file reads well after edits."""
    values = (("code", finding.code), ("path", finding.path or ""), ("resource", finding.resource),
              ("title", finding.title), ("locator", locator_of(finding)))

    def change(table: Any) -> None:
        for key, value in values:
            if table.get(key) != value:
                table[key] = value
        if "status" not in table:
            table["status"] = "open"

    return change


def _history_change(record: dict) -> Change:
    def change(table: Any) -> None:
        _append(table, "history", record)

    return change


def _edit_table(text: str, fingerprint: str, *changes: Change, rename_to: str | None = None) -> str:
    """Apply ``changes`` to the ``[findings.<fingerprint>]`` table in ``text`` (comments kept)."""
    import tomlkit

    doc = tomlkit.parse(text)
    findings = doc["findings"]
    table = findings[fingerprint]
    new_context = "code" not in table
    for change in changes:
        change(table)
    if new_context:
        _order_keys(table)
    _locator_last(table)
    if rename_to is not None:
        # re-key: the table's body (comments included) moves under the new fingerprint
        body = tomlkit.dumps(doc)
        header = next(line for line in body.splitlines() if _header_key(line) == ("findings", fingerprint))
        return body.replace(header, header.replace(fingerprint, rename_to), 1).replace(
            f"findings.{fingerprint}.", f"findings.{rename_to}.")
    return tomlkit.dumps(doc)


_KEY_ORDER = ("code", "path", "resource", "title", "status", "reason", "by", "at", "until",
              "history", "notes", "locator")


def _locator_last(table: Any) -> None:
    """Keep ``locator`` (unique to the finding) as the table's last line.

    Git's merges trim lines both sides share at the edges of a change; were two new tables
    to end with the same line (the ``]`` closing their history), a union merge would keep
    that line once and leave the first table's array unclosed.
    """
    import tomlkit

    keys = list(table.keys())
    if "locator" not in keys or keys[-1] == "locator":
        return
    if any(isinstance(table[k], (tomlkit.items.AoT, tomlkit.items.Table)) for k in keys):
        return  # an older layout with sub-tables: a plain key cannot follow them
    value = table["locator"]
    del table["locator"]
    table["locator"] = value


def _order_keys(table: Any) -> None:
    """A new entry's keys in the usual order (existing tables are never reordered)."""
    items = [(k, table[k]) for k in list(table.keys())]
    rank = {k: i for i, k in enumerate(_KEY_ORDER)}
    for k, _v in items:
        del table[k]
    for k, v in sorted(items, key=lambda kv: rank.get(kv[0], len(rank))):
        table[k] = v


def _mode_writable(folder: str) -> bool:
    try:
        st = os.stat(folder or ".")
    except OSError:
        return False
    return bool(st.st_mode & 0o200) and os.access(folder or ".", os.W_OK | os.X_OK)


def _shown(path: str, base: str) -> str:
    try:
        rel = os.path.relpath(path, os.path.dirname(base))
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


# -- pruning that never guesses ---------------------------------------------------------------


def unverified(entry: Entry, *, audited: Callable[[str], bool], check_ran: Callable[[str], bool]) -> bool:
    """True when auditui could not have seen the entry's finding this time: keep it when pruning.

    Its check did not run (disabled, or another selection), or its file exists but was not
    audited in full (excluded, skipped, or it failed to parse, e.g. mid-edit).
    """
    if entry.code and not check_ran(entry.code):
        return True
    if entry.path and entry.path != ".":
        return not audited(entry.path)
    return False


def coverage(root: Path, records: Mapping[str, Any], notices: Iterable[Any]) -> Callable[[str], bool]:
    """``audited(path)``: the path was read and parsed in full, or it no longer exists at all."""
    partial = {getattr(n, "path", None) for n in notices}
    failed = {path for path, record in records.items()
              if any(getattr(f, "code", "") == "AUD001" for f in getattr(record, "findings", ()))}
    root = Path(root)

    def audited(path: str) -> bool:
        if path in records:
            return path not in failed and path not in partial
        return not os.path.lexists(root / path)

    return audited
