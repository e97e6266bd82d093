"""The findings users see: the engine's findings of each file, put in that file's context.

The engine builds findings in one pipeline (check -> seal -> override -> suppress ->
overlay); this is its last stage.  For every path it keeps the findings as shown, made
from the pipeline's findings at that path (the file's own and the repository checks' that
point into it) as new values: :func:`context.lower` puts each in its file's context
(production, development, test, tooling, example).  ``Engine.update()`` refreshes the
views of the paths it touched and compares old and new views, so a context that changes
(a compose file now builds a Dockerfile) shows as changed findings, and the views it
hands out are never edited afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from . import context as contexts
from .api import Finding

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine


class Views:
    def __init__(self, engine: "Engine") -> None:
        self.engine = engine
        self.by_path: dict[str, list[Finding]] = {}
        self.contexts: dict[str, contexts.FileContext] = {}

    # -- contexts -------------------------------------------------------------------
    def uses(self) -> contexts.Uses:
        return self.engine.index.derived("context:uses", contexts.TOPICS, contexts.uses)

    def context(self, path: str) -> contexts.FileContext:
        found = self.contexts.get(path)
        if found is None:
            found = self.contexts[path] = contexts.context_of(path, self.engine.config, self.uses())
        return found

    def recontext(self) -> set[str]:
        """After a change in how files are used: the paths whose context changed."""
        changed = set()
        for path, before in list(self.contexts.items()):
            after = contexts.context_of(path, self.engine.config, self.uses())
            if after != before:
                self.contexts[path] = after
                changed.add(path)
        return changed

    # -- views ----------------------------------------------------------------------
    def paths(self) -> set[str]:
        engine = self.engine
        return set(engine.records) | {f.path or "." for f in engine.repo_findings}

    def build(self, path: str) -> list[Finding]:
        engine = self.engine
        record = engine.records.get(path)
        raw = list(record.findings) if record is not None else []
        raw.extend(engine.repo_findings_at(path))
        if path == "." or not raw:
            return [contexts.lower(f, contexts.PRODUCTION) for f in raw]
        where = self.context(path)
        return [contexts.lower(f, where) for f in raw]

    def rebuild(self) -> None:
        self.contexts.clear()
        self.by_path = {}
        for path in self.paths():
            built = self.build(path)
            if built:
                self.by_path[path] = built

    def refresh(self, paths: Iterable[str]) -> tuple[dict[str, Finding], dict[str, Finding]]:
        """Rebuild the views of ``paths``: (old, new) findings by fingerprint."""
        old: dict[str, Finding] = {}
        new: dict[str, Finding] = {}
        for path in set(paths):
            if path not in self.engine.records:
                self.contexts.pop(path, None)  # deleted: its context is decided afresh if it comes back
            for finding in self.by_path.pop(path, ()):
                old[finding.fingerprint] = finding
            built = self.build(path)
            if built:
                self.by_path[path] = built
            for finding in built:
                new[finding.fingerprint] = finding
        return old, new

    def all(self) -> list[Finding]:
        return [f for findings in self.by_path.values() for f in findings]
