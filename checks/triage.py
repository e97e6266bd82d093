"""The triage state file: accepted risks, deferrals, notes and checklist ticks.

``.auditui/state.toml`` (under the repository root unless told otherwise) is meant to
be committed and shared by a team, so it is written with care:

* every change is written at once, atomically (temp file, fsync, rename);
* before writing, the file is re-read under a lock and the change is applied to what
  is on disk, so two auditui instances never drop each other's entries;
* writing an unchanged state produces a byte-identical file, entries are kept in
  fingerprint order, and comments a user added are preserved (tomlkit round-trips);
* an unreadable or corrupt file is moved aside to a timestamped backup and the user
  is told; a file written by a newer version is never overwritten (read-only mode).
"""

from __future__ import annotations

import configparser
import datetime as dt
import getpass
import hashlib
import os
import tempfile
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import tomlkit
from tomlkit.items import Table

from .api import Finding

STATE_VERSION = 1
DEFAULT_RELATIVE = Path(".auditui") / "state.toml"
HEADER = (
    "auditui triage state: accepted risks, deferrals and notes, keyed by finding fingerprint.\n"
    "Commit this file to share triage with your team. Written by auditui; comments you add are kept."
)
STATUSES = ("open", "accepted", "deferred")


class ReadOnlyStateError(RuntimeError):
    """The state file cannot be written (newer version, or unwritable)."""


@dataclass
class Note:
    at: str
    by: str
    text: str


@dataclass
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
    notes: list[Note] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)

    def effective_status(self, today: dt.date | None = None) -> str:
        if self.status == "deferred":
            today = today or dt.date.today()
            if self.until is None or self.until < today:
                return "open"
        return self.status if self.status in STATUSES else "open"

    @property
    def expired(self) -> bool:
        return self.status == "deferred" and self.effective_status() == "open"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def current_user(root: Path | None = None) -> str:
    """git's user.name read from config files (never by running git), else $USER."""
    candidates = []
    if root is not None:
        candidates.append(root / ".git" / "config")
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    candidates += [Path(xdg) / "git" / "config", Path.home() / ".gitconfig"]
    for path in candidates:
        try:
            if not path.is_file():
                continue
            parser = configparser.RawConfigParser(strict=False)
            parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
            if parser.has_option("user", "name"):
                name = parser.get("user", "name").strip().strip('"')
                if name:
                    return name
        except (OSError, configparser.Error, UnicodeError):
            continue
    try:
        return os.environ.get("USER") or getpass.getuser() or "unknown"
    except Exception:
        return "unknown"


def _to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _entry_from(fingerprint: str, data: dict) -> Entry:
    notes = [Note(str(n.get("at", "")), str(n.get("by", "")), str(n.get("text", "")))
             for n in data.get("notes", []) if isinstance(n, dict)]
    history = [{str(k): (str(v) if not isinstance(v, (dt.date, dt.datetime)) else v.isoformat()) for k, v in h.items()}
               for h in data.get("history", []) if isinstance(h, dict)]
    return Entry(
        fingerprint=fingerprint,
        code=str(data.get("code", "")),
        path=str(data.get("path", "")),
        resource=str(data.get("resource", "")),
        title=str(data.get("title", "")),
        status=str(data.get("status", "open")),
        reason=str(data.get("reason", "")),
        by=str(data.get("by", "")),
        at=str(data.get("at", "")),
        until=_to_date(data.get("until")),
        notes=notes,
        history=history,
    )


class TriageStore:
    """Triage decisions for one repository, backed by a TOML file."""

    def __init__(self, path: Path, root: Path | None = None) -> None:
        self.path = Path(path)
        self.root = Path(root) if root is not None else self.path.parent.parent
        self.read_only = False
        self.messages: list[str] = []
        self._entries: dict[str, Entry] = {}
        self._ticks: dict[str, bool] = {}
        self._user: str | None = None
        self.reload()

    @classmethod
    def open(cls, root: Path | str, path: Path | str | None = None) -> "TriageStore":
        root = Path(root)
        state = Path(path) if path is not None else root / DEFAULT_RELATIVE
        return cls(state, root)

    # -- reading ---------------------------------------------------------------
    def reload(self) -> None:
        data = self._read_disk(report=True)
        self._load(data)

    def _read_disk(self, report: bool = False) -> dict:
        """The file's content as plain data ({} when absent); corrupt files are moved aside."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.read_only = True
            self.messages.append(f"cannot read {self.path}: {exc.strerror}; triage is read-only")
            return {}
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            backup = self._move_aside()
            if backup is not None:
                self.messages.append(
                    f"{self.path.name} could not be read ({str(exc).splitlines()[0]}); "
                    f"moved it to {backup.name} and started a new one"
                )
            else:
                self.read_only = True
                self.messages.append(f"{self.path} is corrupt and could not be moved aside; triage is read-only")
            return {}
        version = data.get("version", STATE_VERSION)
        if not isinstance(version, int) or version > STATE_VERSION:
            if not self.read_only and report:
                self.messages.append(
                    f"{self.path.name} was written by a newer auditui (version {version}); "
                    "it is shown read-only and will not be overwritten"
                )
            self.read_only = True
        return data

    def _move_aside(self) -> Path | None:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while backup.exists():
            backup = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
            counter += 1
        try:
            os.replace(self.path, backup)
        except OSError:
            return None
        return backup

    def _load(self, data: dict) -> None:
        findings = data.get("findings", {})
        self._entries = {}
        if isinstance(findings, dict):
            for fingerprint, item in findings.items():
                if isinstance(item, dict):
                    self._entries[str(fingerprint)] = _entry_from(str(fingerprint), item)
        ticks = data.get("checklist", {}).get("pr", {}) if isinstance(data.get("checklist"), dict) else {}
        self._ticks = {str(k): bool(v) for k, v in ticks.items()} if isinstance(ticks, dict) else {}

    # -- questions --------------------------------------------------------------
    def entry(self, fingerprint: str) -> Entry | None:
        return self._entries.get(fingerprint)

    def entries(self) -> list[Entry]:
        return [self._entries[k] for k in sorted(self._entries)]

    def status_of(self, finding: Finding, today: dt.date | None = None) -> str:
        if finding.suppressed_by:
            return "suppressed"
        entry = self._entries.get(finding.fingerprint)
        return entry.effective_status(today) if entry is not None else "open"

    def checklist_ticks(self) -> dict[str, bool]:
        return dict(self._ticks)

    def resolved_entries(self, current: Iterable[str]) -> list[Entry]:
        """Entries whose finding no longer exists (shown as resolved until pruned)."""
        alive = set(current)
        return [e for e in self.entries() if e.fingerprint not in alive]

    # -- changes ----------------------------------------------------------------
    @property
    def user(self) -> str:
        if self._user is None:
            self._user = current_user(self.root)
        return self._user

    def accept(self, finding: Finding, reason: str) -> Entry:
        reason = reason.strip()
        if not reason:
            raise ValueError("accepting a risk needs a reason")
        return self._set_status(finding, "accepted", reason, None)

    def defer(self, finding: Finding, until: dt.date, reason: str) -> Entry:
        if not isinstance(until, dt.date):
            raise ValueError("a deferral needs a date")
        return self._set_status(finding, "deferred", reason.strip(), until)

    def reopen(self, finding: Finding) -> Entry:
        return self._set_status(finding, "open", "", None)

    def add_note(self, finding: Finding, text: str) -> Entry:
        text = text.strip()
        if not text:
            raise ValueError("a note cannot be empty")
        note = {"at": _now(), "by": self.user, "text": text}

        def change(table: Table) -> None:
            notes = table.get("notes")
            if notes is None:
                notes = tomlkit.aot()
                table.add("notes", notes)
            notes.append(tomlkit.item(note))

        self._mutate(finding, change)
        return self._entries[finding.fingerprint]

    def set_tick(self, item_id: str, value: bool) -> None:
        def apply(doc: tomlkit.TOMLDocument) -> None:
            checklist = doc.get("checklist")
            if checklist is None:
                checklist = tomlkit.table(is_super_table=True)
                doc.add("checklist", checklist)
            pr = checklist.get("pr")
            if pr is None:
                pr = tomlkit.table()
                checklist.add("pr", pr)
            if value:
                pr[item_id] = True
            elif item_id in pr:
                del pr[item_id]
            _sort_table(pr)

        self._write(apply)

    def prune(self, current: Iterable[str]) -> int:
        gone = {e.fingerprint for e in self.resolved_entries(current)}
        if not gone:
            return 0

        def apply(doc: tomlkit.TOMLDocument) -> None:
            findings = doc.get("findings")
            if findings is None:
                return
            for fingerprint in gone:
                if fingerprint in findings:
                    del findings[fingerprint]

        self._write(apply)
        return len(gone)

    def _set_status(self, finding: Finding, status: str, reason: str, until: dt.date | None) -> Entry:
        when = _now()

        def change(table: Table) -> None:
            table["status"] = status
            for key, value in (("reason", reason), ("by", self.user), ("at", when)):
                table[key] = value
            if until is not None:
                table["until"] = until
            elif "until" in table:
                del table["until"]
            history = table.get("history")
            if history is None:
                history = tomlkit.aot()
                table.add("history", history)
            record = {"at": when, "by": self.user, "action": status}
            if reason:
                record["reason"] = reason
            if until is not None:
                record["until"] = until.isoformat()
            history.append(tomlkit.item(record))

        self._mutate(finding, change)
        return self._entries[finding.fingerprint]

    def _mutate(self, finding: Finding, change: Callable[[Table], None]) -> None:
        fingerprint = finding.fingerprint

        def apply(doc: tomlkit.TOMLDocument) -> None:
            findings = doc.get("findings")
            if findings is None:
                findings = tomlkit.table(is_super_table=True)
                doc.add("findings", findings)
            table = findings.get(fingerprint)
            added = table is None
            if added:
                table = tomlkit.table()
            # human-readable context, refreshed so the file reads well after edits
            for key, value in (("code", finding.code), ("path", finding.path or ""),
                               ("resource", finding.resource), ("title", finding.title)):
                if table.get(key) != value:
                    table[key] = value
            change(table)
            if added:
                findings.add(fingerprint, table)
                _sort_table(findings)

        self._write(apply)

    # -- writing ----------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        # the lock lives outside the repository so it never shows up in `git status`
        key = hashlib.sha256(str(self.path.absolute()).encode()).hexdigest()[:16]
        lock_path = Path(tempfile.gettempdir()) / f"auditui-state-{key}.lock"
        handle = None
        try:
            handle = open(lock_path, "a+")
            try:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            except (ImportError, OSError):
                pass
            yield
        finally:
            if handle is not None:
                handle.close()

    def _write(self, apply: Callable[[tomlkit.TOMLDocument], None]) -> None:
        if self.read_only:
            raise ReadOnlyStateError(f"{self.path} is read-only; the change was not saved")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReadOnlyStateError(f"cannot create {self.path.parent}: {exc.strerror}") from None
        with self._locked():
            self._read_disk()  # moves a corrupt file aside, detects a newer version
            if self.read_only:
                raise ReadOnlyStateError(f"{self.path} was written by a newer auditui; the change was not saved")
            try:
                text = self.path.read_text(encoding="utf-8")
                doc = tomlkit.parse(text)
            except FileNotFoundError:
                text, doc = "", _new_document()
            if "version" not in doc:
                doc.add("version", STATE_VERSION)
            apply(doc)
            new_text = tomlkit.dumps(doc)
            if new_text != text:
                atomic_write(self.path, new_text)
            self._load(tomllib.loads(new_text))


def _new_document() -> tomlkit.TOMLDocument:
    doc = tomlkit.document()
    for line in HEADER.splitlines():
        doc.add(tomlkit.comment(line))
    doc.add("version", STATE_VERSION)
    return doc


def _sort_table(table: Table) -> None:
    """Reorder a table's sub-tables by key (entries never churn between writers)."""
    keys = list(table.keys())
    if keys == sorted(keys):
        return
    items = [(key, table[key]) for key in keys]
    for key in keys:
        del table[key]
    for key, value in sorted(items, key=lambda kv: kv[0]):
        table.add(key, value)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half."""
    directory = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            try:
                os.chmod(tmp, path.stat().st_mode & 0o777)
            except OSError:
                pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
