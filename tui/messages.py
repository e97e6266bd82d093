"""Messages the app's workers and screens exchange.

Events are past tense (``ScanFinished``), requests imperative (``ShowFindings``).
Workers only post these; the UI reacts in ``@on(...)`` handlers on the App.
Bursty ones (progress, file changes) coalesce with ``can_replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class ScanProgressed(Message):
    """The initial scan (or a rescan) read ``done`` of ``total`` files."""

    done: int
    total: int
    #: the findings of the files read since the previous message, or None
    findings: list[Any] | None = None

    def can_replace(self, message: Message) -> bool:
        # ``message`` is the next one in the queue: it takes over this one's findings
        if isinstance(message, ScanProgressed):
            if self.findings:
                message.findings = self.findings + (message.findings or [])
            return True
        return False


@dataclass
class ScanFinished(Message):
    """A full scan ended; ``findings`` is the engine's sorted list at that moment."""

    findings: list[Any]
    files: list[str]
    notices: list[Any]
    summary: dict
    seconds: float
    cancelled: bool = False


@dataclass
class FindingsUpdated(Message):
    """An incremental update ended: the engine's delta (the UI applies it to its copy)."""

    delta: Any
    files: list[str]
    notices: list[Any]
    #: the production checklist and score, computed in the worker (None: not computed)
    readiness: tuple[list[Any], float] | None = None


@dataclass
class FilesChanged(Message):
    """The watcher saw these absolute paths change (already filtered by ignore rules)."""

    paths: set[str] = field(default_factory=set)

    def can_replace(self, message: Message) -> bool:
        # ``message`` is the next one in the queue: it absorbs this one, so a burst
        # (a git checkout) reaches the handler as one batch
        if isinstance(message, FilesChanged):
            message.paths |= self.paths
            return True
        return False


@dataclass
class StateFileChanged(Message):
    """The triage state file changed on disk (another auditui, an editor, a git pull)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StateFileChanged)


@dataclass
class StateRead(Message):
    """The triage state file was read on a worker: its text ("" when absent), or why it was not read."""

    text: str | None
    problem: str | None = None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StateRead)


@dataclass
class WatchStopped(Message):
    """The file watcher ended (``error`` says why when it failed)."""

    error: str | None = None


@dataclass
class ShowFindings(Message):
    """Show the findings screen filtered to these fingerprints (or one file)."""

    label: str
    fingerprints: frozenset[str] | None = None
    path: str | None = None


@dataclass
class TriageChanged(Message):
    """A finding's triage status or notes changed (``fingerprint``)."""

    fingerprint: str


@dataclass
class ReportExported(Message):
    """The Markdown report was written to ``path`` (or failed with ``error``)."""

    path: str
    error: str | None = None
