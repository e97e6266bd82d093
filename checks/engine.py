"""The incremental audit engine.

``Engine.scan()`` reads the whole repository once; ``Engine.update(paths)``
re-reads only the given files (skipping those whose size, mtime and content hash
did not change), re-runs their per-file checks, re-runs the repository checks only
when some file's *facts* changed, and returns a :class:`Delta` of findings added,
removed and changed.  The engine keeps no parsed documents between calls: each
file leaves behind its findings, its facts and a few bytes of bookkeeping, which is
what keeps memory flat on large repositories.

Findings are values (see ``checks/pipeline.py`` for the steps).  Per file the engine
keeps the findings of the steps that depend on the file alone (``FileRecord.base``) and
the finished ones (``FileRecord.findings``); per path, the repository findings that
point there before and after suppression.  When something a later step reads changes
(the markers of a file, the repository findings pointing into it, an overlay), the
engine finishes the affected paths again, replacing their lists; ``update()`` diffs the
lists it replaced against their replacements.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import os
import pickle
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import context as contexts
from . import overlays, registry, workers
from . import persona as personas
from .api import Check, Finding, Pos, Severity, fold_repeats
from .audit.parse_error import CHECK as PARSE_ERROR
from .config import Config
from .discovery import IgnoreRules, Notice, decode, probe, read_file, walk
from .facts import RecordingIndex, RepoIndex
from .models.base import FileKind, ParsedFile, RepoReader
from .models.topics import VENDORED_FILE
from .parse import comments_of, is_candidate, parse_text, worth_notice
from .pipeline import seal
from .suppress import Marker, Suppressions

Progress = Callable[[int, int], None]


@dataclass
class CheckError(Notice):
    """A check that raised: kept with what it ran on, and gone when that is checked again."""

    code: str = ""
    kind: str = "error"


@dataclass
class FileRecord:
    path: str
    kind: FileKind | None
    size: int
    mtime_ns: int
    digest: str
    #: the finished findings (every pipeline step), what the user sees
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    lines: int = 0
    #: the findings of the steps that depend on the file alone: checked, sealed, suppressed
    base: list[Finding] = field(default_factory=list)
    #: the file's suppression markers, and which of them its own findings used
    markers: tuple[Marker, ...] = ()
    used: frozenset[int] = frozenset()
    #: checks that raised on this file (cleared when the file is checked again)
    errors: list[CheckError] = field(default_factory=list)


@dataclass
class _Examined:
    """What one file is now (:meth:`Engine._examine`), before the engine records it (:meth:`Engine._apply`).

    ``outcome``: "forget" (not audited), "same" (unchanged; ``size``/``mtime_ns`` to note when
    only they moved), "unread" (could not be read; ``record`` holds the notice, or None) or
    "checked" (``record`` with the base findings, the file's ``facts`` and what its parse ``reads``).
    """

    outcome: str
    record: FileRecord | None = None
    facts: list = field(default_factory=list)
    reads: frozenset[str] = frozenset()
    size: int | None = None
    mtime_ns: int | None = None


#: a cold scan of fewer files than this stays in one process (forking costs more than it saves)
PARALLEL_MIN_FILES = 200


@dataclass
class Delta:
    """What one update changed."""

    added: list[Finding] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)
    changed: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        parts = []
        if self.removed:
            parts.append(f"{len(self.removed)} resolved")
        if self.added:
            parts.append(f"{len(self.added)} new")
        if self.changed:
            parts.append(f"{len(self.changed)} changed")
        if not parts:
            parts.append("no change in findings")
        where = ""
        touched = sorted({f.path for f in self.added + self.removed + self.changed if f.path} or set(self.files))
        if len(touched) == 1:
            where = f" in {touched[0]}"
        elif touched:
            where = f" in {len(touched)} files"
        return ", ".join(parts) + where


class CheckContext:
    """What a check function may ask of the run (its options)."""

    def __init__(self, config: Config, check: Check) -> None:
        self.config = config
        self.check = check

    def option(self, name: str) -> Any:
        return self.config.option(self.check, name)


class Engine:
    def __init__(
        self,
        root: str | Path,
        config: Config | None = None,
        checks: Iterable[Check] | None = None,
    ) -> None:
        self.root = Path(root).absolute()
        self.config = config or Config()
        self.rules = IgnoreRules(self.root, self.config.exclude)
        all_checks = tuple(checks) if checks is not None else registry.ALL_CHECKS
        self.checks = tuple(c for c in all_checks if self.config.enabled(c))
        self.index = RepoIndex(str(self.root))
        self.records: dict[str, FileRecord] = {}
        self.notices: list[Notice] = []  # walk-level notices
        self.scanned = False
        self.last_scan_seconds = 0.0
        self.suppressions = Suppressions(self.config, self.checks)
        self._by_code = {check.code: check for check in all_checks}
        self._file_checks: dict[type, list[Check]] = {}
        self._dispatch_cache: dict[type, list[Check]] = {}
        self._repo_checks = [c for c in self.checks if c.repo and c.func is not None]
        for check in self.checks:
            if check.func is None or check.repo:
                continue
            for model_type in check.model_types:
                self._file_checks.setdefault(model_type, []).append(check)
        self._contexts = {c.code: CheckContext(self.config, c) for c in self.checks}
        self._repo_reads: dict[str, RecordingIndex] = {}
        self._repo_results: dict[str, list[Finding]] = {}
        self._each_results: dict[str, dict[tuple[str, str], tuple[RecordingIndex, list[Finding]]]] = {}
        self._each_by_reads: dict[str, dict[tuple, set[tuple[str, str]]]] = {}
        #: repository findings by the path they point into ("." for the repository), sealed
        #: (before suppression) and finished; the markers of that file the finished ones used
        self._repo_sealed: dict[str, dict[str, Finding]] = {}
        self._repo_final: dict[str, list[Finding]] = {}
        #: the repository findings of each path before the persona step (it sees them with the file's)
        self._repo_shaped: dict[str, list[Finding]] = {}
        self._repo_used: dict[str, frozenset[int]] = {}
        #: repository checks that raised: whole checks by code, per-subject ones by group
        self._repo_errors: dict[str, CheckError] = {}
        self._each_errors: dict[str, dict[tuple[str, str], CheckError]] = {}
        #: path -> files whose parse read it (a compose file's ``.env``): parsed again when it changes
        self._readers: dict[str, set[str]] = {}
        self._reads: dict[str, frozenset[str]] = {}
        #: whether some overlay sets container settings (None: not known yet)
        self._overlays_active: bool | None = None
        #: some repository check asked about single files (index.kind_of/disk_file)
        self._reads_files = False
        #: where each file is used (context.py), decided once and again when how files are used changes
        self._file_contexts: dict[str, contexts.FileContext] = {}
        #: during scan(): the text of files parsers read for others (by path; None: absent or
        #: unreadable), so that a kustomization read by every manifest below it is read once
        self._read_cache: dict[str, str | None] | None = None
        self._list_cache: dict[str, list[str] | None] | None = None  # folder listings, the same way
        self._real_root: str | None = None  # the root resolved, during a scan
        self._real_dirs: dict[str, str] | None = None  # and the folders read so far (safeio.read_bytes)
        #: during update(): the finished lists replaced so far, by ("file"|"repo", path)
        self._journal: dict[tuple[str, str], list[Finding]] | None = None
        self._takes_ctx = {
            c.code: len(inspect.signature(c.func).parameters) >= (4 if c.each_topics else 2)
            for c in self.checks if c.func is not None
        }

    # -- public API -----------------------------------------------------------
    @property
    def findings(self) -> list[Finding]:
        out = [f for record in self.records.values() for f in record.findings]
        out.extend(self.repo_findings)
        out.sort(key=Finding.sort_key)
        return out

    @property
    def check_errors(self) -> list[CheckError]:
        """Checks that raised, on the files and subjects as they are now."""
        out: list[CheckError] = [e for record in self.records.values() for e in record.errors]
        out.extend(self._repo_errors.values())
        for groups in self._each_errors.values():
            out.extend(groups.values())
        return out

    def context_of(self, path: str) -> contexts.FileContext:
        """Where a file is used (production, development, test, tooling, example, build), and why."""
        found = self._file_contexts.get(path)
        if found is None:
            found = self._file_contexts[path] = self._decide_context(path)
        return found

    def _decide_context(self, path: str) -> contexts.FileContext:
        bundle = next((fact.data for fact in self.index.facts_in(VENDORED_FILE, path)), None)
        return contexts.context_of(path, self.config, self._uses(), bundle)

    def _uses(self) -> contexts.Uses:
        return self.index.derived("context:uses", contexts.TOPICS, contexts.uses)

    def _recontext(self) -> set[str]:
        """After a change in how files are used: the paths whose context changed."""
        changed = set()
        for path, before in list(self._file_contexts.items()):
            after = self._decide_context(path)
            if after != before:
                self._file_contexts[path] = after
                changed.add(path)
        return changed

    def all_notices(self) -> list[Notice]:
        out = list(self.notices)
        for record in self.records.values():
            out.extend(record.notices)
        out.extend(self.check_errors)
        return out

    def scan(self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
             jobs: int = 1) -> list[Finding]:
        """Audit the whole repository from scratch.

        With ``jobs`` over 1 (and no ``cancelled``), a repository of at least
        :data:`PARALLEL_MIN_FILES` files has its files examined (read, parsed, checked) by that
        many processes (:mod:`.workers`: forked, so only from a caller that runs no other
        thread) and recorded here in the walk's order: the result is the same as in one process.

        Python's cyclic garbage collector is paused meanwhile: a cold scan allocates millions
        of objects that stay alive (the parsed documents, facts and findings), and each full
        collection walked all of them again (about a fifth of a cold scan's CPU time on the
        shared k8s corpus) to free almost nothing (under 1,000 objects in cycles there).
        Reference counting still frees everything else at once.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._scan(progress, cancelled, jobs)
        finally:
            if collecting:
                gc.enable()

    def _scan(self, progress: Progress | None, cancelled: Callable[[], bool] | None, jobs: int = 1) -> list[Finding]:
        start = time.perf_counter()
        self.records.clear()
        self.index = RepoIndex(str(self.root))
        self._repo_reads.clear()
        self._repo_results.clear()
        self._each_results.clear()
        self._each_by_reads.clear()
        self._repo_sealed.clear()
        self._repo_final.clear()
        self._repo_shaped.clear()
        self._repo_used.clear()
        self._repo_errors.clear()
        self._each_errors.clear()
        self._readers.clear()
        self._reads.clear()
        self._overlays_active = None
        self._file_contexts.clear()
        self.rules = IgnoreRules(self.root, self.config.exclude)
        result = walk(self.root, self.rules)
        self.notices = result.notices
        total = len(result.files)
        self._read_cache = {}  # files do not change under one scan; update() reads afresh
        self._list_cache = {}
        self._real_root = os.path.realpath(self.root)  # resolved once per scan (update() resolves per read)
        self._real_dirs = {}
        try:
            examined: list[_Examined] | None = None
            if jobs > 1 and cancelled is None and total >= PARALLEL_MIN_FILES and workers.available():
                def shown(done: int) -> None:  # about every 50 files, as the loop below shows them
                    if progress is not None and done % 50 < jobs:
                        progress(done, total)

                examined = workers.fork_map(self._examine, result.files, jobs,
                                            (Check, _check_code, self._unpickled_check),
                                            None if progress is None else shown)
            for number, rel in enumerate(result.files, 1):
                if cancelled is not None and cancelled():
                    break
                if examined is not None:
                    self._apply(rel, examined[number - 1])
                else:
                    self._refresh(rel)
                record = self.records.get(rel)
                if record is not None:
                    record.findings = record.base  # provisional, shown while the scan goes on (never edited)
                if progress is not None and (number == total or (examined is None and number % 50 == 0)):
                    progress(number, total)
        finally:
            self._read_cache = None
            self._list_cache = None
            self._real_root = None
            self._real_dirs = None
        self._run_repo_checks()
        # the provisional lists lack what reads the repository: stale markers a repository
        # finding uses, overlay marks, and contexts (how files are used is known only now)
        self._file_contexts.clear()
        self._finish(set(self._repo_sealed), everything=True,
                     kinds=frozenset({FileKind.KUBERNETES}) if self._update_overlays() else frozenset())
        self.scanned = True
        self.last_scan_seconds = time.perf_counter() - start
        return self.findings

    def update(self, paths: Iterable[str | os.PathLike]) -> Delta:
        """Re-check the given paths (changed, created, deleted or renamed).

        Cost is proportional to the changed files plus, when some file's facts changed,
        the repository checks; findings of untouched files are never looked at.
        """
        start = time.perf_counter()
        rels = self._expand(paths)
        self._journal = {}
        try:
            if rels is None:  # ignore rules changed: resynchronise with the whole tree
                if self._resync():
                    self._run_repo_checks()
                self._update_overlays()
                self._file_contexts.clear()
                self._finish(set(self._repo_sealed) | set(self._repo_final), everything=True)
                return self._delta([], start)
            rels = self._with_readers(rels)
            dirty: set[str] = set()
            for rel in rels:
                dirty |= self._refresh(rel)
            if self._reads_files:  # a repository check asked about a file auditui does not read
                dirty |= {f"file:{rel}" for rel in rels}
            paths_touched = set(rels)
            kinds: frozenset[FileKind] = frozenset()
            if dirty:
                replaced, produced = self._run_repo_checks(dirty, rels)
                paths_touched.update(f.path or "." for f in replaced)
                paths_touched.update(f.path or "." for f in produced)
                if not dirty.isdisjoint(overlays.TOPICS) and self._update_overlays():
                    kinds = frozenset({FileKind.KUBERNETES})  # an overlay patch changed: base findings may flip
                if not dirty.isdisjoint(contexts.TOPICS):  # how files are used changed: contexts may move
                    paths_touched |= self._recontext()
            self._finish(paths_touched, kinds=kinds)
            return self._delta(rels, start)
        finally:
            self._journal = None

    def summary(self) -> dict:
        counts = Counter(f.severity.label for f in self.findings)
        return {
            "files": len(self.records),
            "lines": sum(r.lines for r in self.records.values()),
            "findings": sum(counts.values()),
            "by_severity": {s.label: counts.get(s.label, 0) for s in reversed(Severity)},
            "seconds": round(self.last_scan_seconds, 3),
            "persona": self.config.persona,
        }

    @property
    def repo_findings(self) -> list[Finding]:
        """Findings of the repository checks (all of them)."""
        return [f for found in self._repo_final.values() for f in found]

    def repo_findings_at(self, path: str) -> list[Finding]:
        """Findings of the repository checks that point into one file."""
        return list(self._repo_final.get(path, ()))

    # -- finishing: the steps that read more than the file ----------------------------
    def _finish(self, paths: set[str], everything: bool = False, kinds: frozenset[FileKind] = frozenset()) -> None:
        """Finish the repository findings pointing into ``paths`` and then those files
        (their stale-marker findings depend on what the repository findings used); with
        ``everything``, every file (after a scan), and every file of ``kinds`` (Kubernetes
        files when an overlay changed)."""
        for path in paths:
            self._finish_repo(path)
        for path in paths:
            if path in self.records:
                self._finish_file(path)
        if everything or kinds:
            for path, record in self.records.items():
                if path not in paths and (everything or record.kind in kinds):
                    self._finish_file(path)

    def _finish_repo(self, path: str) -> None:
        sealed = list(self._repo_sealed.get(path, {}).values())
        record = self.records.get(path)
        markers = record.markers if record is not None else ()
        found, used = self.suppressions.apply(sealed, markers)
        if found:
            found = self._in_context(path, found)
            self._repo_shaped[path] = found
            self._repo_used[path] = used
        else:
            self._repo_shaped.pop(path, None)
            self._repo_used.pop(path, None)
        if record is None:  # else _finish_file shows both
            self._show(path, [], found)

    def _finish_file(self, path: str) -> None:
        record = self.records[path]
        findings = record.base
        if record.markers:
            used = record.used | self._repo_used.get(path, frozenset())
            findings = findings + self.suppressions.hygiene(path, record.markers, used, self.config.severity)
        if findings:
            findings = self._in_context(path, findings)
        if self._overlays_active and record.kind is FileKind.KUBERNETES:
            findings = overlays.mark(findings, self.index)
        self._show(path, findings, self._repo_shaped.get(path, []), record)

    def _show(self, path: str, own: list[Finding], repo: list[Finding], record: FileRecord | None = None) -> None:
        """Step 6: what the persona shows of one path's findings, the file's own and the
        repository checks' together (one workload's hardening items roll up across both)."""
        if own or repo:
            own, repo = personas.apply_split(own, repo, self.config.persona)
        if record is not None:
            self._replace(("file", path), None, own if own is not record.base else list(own), record)
        self._replace(("repo", path), self._repo_final, repo)
        if not repo:
            self._repo_final.pop(path, None)

    def _in_context(self, path: str, findings: list[Finding]) -> list[Finding]:
        """Step 4: the findings of one path in its file's context (lowered outside production)."""
        where = self.context_of(path)
        if where.production:
            return findings  # the pipeline's findings are production ones already
        return [contexts.lower(f, where) for f in findings]

    def _replace(self, key: tuple[str, str], table: dict[str, list[Finding]] | None, found: list[Finding],
                 record: FileRecord | None = None) -> None:
        """Replace one path's finished list, remembering the old one for update()'s delta."""
        old = record.findings if record is not None else (table or {}).get(key[1], [])
        if self._journal is not None and key not in self._journal:
            self._journal[key] = old
        if record is not None:
            record.findings = found
        elif table is not None:
            table[key[1]] = found

    def _forget_finished(self, rel: str) -> None:
        """A file left (or stopped being audited): its finished list becomes empty."""
        record = self.records.get(rel)
        if record is not None and self._journal is not None and ("file", rel) not in self._journal:
            self._journal[("file", rel)] = record.findings

    def _update_overlays(self) -> bool:
        """Whether overlays may fix base findings now; True when every Kubernetes file
        must be finished again (some overlay sets container settings, or did)."""
        table = self.index.derived("overlays:settings", overlays.TOPICS, overlays.settings_table)
        was = self._overlays_active
        self._overlays_active = bool(table)
        return bool(table) or bool(was)

    def _delta(self, rels: list[str], start: float) -> Delta:
        """Added, removed and changed findings: the replaced lists against their replacements."""
        delta = Delta(files=sorted(rels))
        before: dict[str, Finding] = {}
        after: dict[str, Finding] = {}
        for (where, path), old in (self._journal or {}).items():
            for finding in old:
                before[finding.fingerprint] = finding
            if where == "file":
                record = self.records.get(path)
                current = record.findings if record is not None else []
            else:
                current = self._repo_final.get(path, [])
            for finding in current:
                after[finding.fingerprint] = finding
        for fp, finding in after.items():
            old_finding = before.get(fp)
            if old_finding is None:
                delta.added.append(finding)
            elif old_finding is not finding and not finding.same_as(old_finding):
                delta.changed.append(finding)
        delta.removed = [f for fp, f in before.items() if fp not in after]
        for items in (delta.added, delta.changed, delta.removed):
            items.sort(key=Finding.sort_key)
        delta.seconds = time.perf_counter() - start
        return delta

    def read_by_parsers(self, path: str | os.PathLike) -> bool:
        """Did a parser read this file, or list its folder, for another one (a compose file's
        git-ignored ``.env``, a workflow folder a Dockerfile looked in)?
        A watcher lets its events through even when the scan itself skips the file."""
        rel = self._rel(path)
        return rel is not None and (rel in self._readers or _listing_key(rel.rpartition("/")[0]) in self._readers)

    # -- internals ------------------------------------------------------------
    def _rel(self, path: str | os.PathLike) -> str | None:
        p = Path(path)
        if not p.is_absolute():
            p = self.root / p
        try:
            rel = p.absolute().relative_to(self.root)
        except ValueError:
            return None
        text = rel.as_posix()
        return None if text in ("", ".") else text

    def _expand(self, paths: Iterable[str | os.PathLike]) -> list[str] | None:
        out: set[str] = set()
        for raw in paths:
            rel = self._rel(raw)
            if rel is None:
                continue
            name = rel.rsplit("/", 1)[-1]
            if name == ".gitignore":
                return None
            full = self.root / rel
            prefix = rel + "/"
            if full.is_dir() and not full.is_symlink():
                if self.rules.ignored(rel, is_dir=True):
                    continue
                out.update(r for r in self.records if r.startswith(prefix))
                self.rules.forget_under(rel)  # its .gitignore files are read afresh by the walk
                found = walk(self.root, self.rules, start=rel)
                out.update(found.files)
                problems = [n for n in self.rules.problems() if n.path.startswith(prefix)]
                self._renotice(rel, found.notices + problems)
            elif not full.exists() and not full.is_symlink():
                out.update(r for r in self.records if r.startswith(prefix))
                out.add(rel)
                self.rules.forget_under(rel)
                self._renotice(rel, [])
            else:
                out.add(rel)
                self._renotice(rel, probe(self.root, self.rules, rel).notices)
        return sorted(out)

    def _renotice(self, rel: str, notices: list[Notice]) -> None:
        """Replace the walk's notices for ``rel`` and everything below it with those of a
        walk of it now, so that an update ends with the notices of a fresh scan."""
        prefix = rel + "/"
        kept = [n for n in self.notices if n.path != rel and not n.path.startswith(prefix)]
        self.notices = kept + notices

    def _resync(self) -> frozenset[str]:
        self.rules = IgnoreRules(self.root, self.config.exclude)
        result = walk(self.root, self.rules)
        self.notices = result.notices
        wanted = set(result.files)
        changed: frozenset[str] = frozenset()
        for rel in list(self.records):
            if rel not in wanted:
                changed |= self._forget(rel)
        for rel in result.files:
            changed |= self._refresh(rel)
        return changed

    def _with_readers(self, rels: list[str]) -> list[str]:
        """``rels`` and the files whose parse read one of them (a compose file whose ``.env``
        changed), the latter marked to be parsed again even though their own bytes did not change."""
        extra: set[str] = set()
        for rel in rels:
            extra |= self._readers.get(rel, set())
            # a parse that listed the folder (the workflows that may build a Dockerfile) sees a
            # file created or deleted there
            extra |= self._readers.get(_listing_key(rel.rpartition("/")[0]), set())
        extra -= set(rels)
        for rel in extra:
            record = self.records.get(rel)
            if record is not None:
                record.digest = ""
                record.size = -1
        return sorted(set(rels) | extra) if extra else rels

    def _set_reads(self, rel: str, reads: frozenset[str]) -> None:
        old = self._reads.pop(rel, frozenset())
        for path in old - reads:
            readers = self._readers.get(path)
            if readers is not None:
                readers.discard(rel)
                if not readers:
                    del self._readers[path]
        if reads:
            self._reads[rel] = reads
            for path in reads:
                self._readers.setdefault(path, set()).add(rel)

    def _read_other(self, rel: str) -> str | None:
        """The text of another file of the repository, for a parser's resolve step (None when
        absent, outside the repository or unreadable).  Read whether or not auditui audits it:
        compose reads a git-ignored ``.env`` too."""
        cache = self._read_cache
        if cache is not None and rel in cache:  # the name as asked (parsers ask the same names again and again)
            return cache[rel]
        norm = os.path.normpath(rel).replace(os.sep, "/")
        if norm.startswith("../") or norm in ("..", ".") or os.path.isabs(norm):
            return None
        if cache is not None and norm in cache:
            text = cache[norm]
        else:
            # most names asked for do not exist (a kustomization.yaml in every folder above a
            # manifest): one lstat answers that, where read_file resolves the whole path first
            data = read_file(self.root, norm, self._real_root, self._real_dirs)[0] if os.path.lexists(self.root / norm) else None
            text = None if data is None else decode(data)[0]
        if cache is not None:
            cache[norm] = cache[rel] = text  # (normpath is idempotent: a name equal to a normal one is that one)
        return text

    def _list_other(self, folder: str) -> list[str] | None:
        """The sorted names of the files in a folder of the repository, for a parser's resolve
        step (None when absent, outside the repository or not a folder); git-ignored files
        included, as :meth:`_read_other` reads them."""
        norm = os.path.normpath(folder or ".").replace(os.sep, "/")
        if norm.startswith("../") or norm == ".." or os.path.isabs(norm):
            return None
        key = _listing_key("" if norm == "." else norm)
        cache = self._list_cache
        if cache is not None and key in cache:
            return cache[key]
        full = self.root / norm
        try:
            if not full.resolve().is_relative_to(self.root.resolve()):
                return None
            names: list[str] | None = sorted(e.name for e in os.scandir(full) if e.is_file())
        except OSError:
            names = None
        if cache is not None:
            cache[key] = names
        return names

    def _forget(self, rel: str) -> frozenset[str]:
        self._set_reads(rel, frozenset())
        self._forget_finished(rel)
        self._file_contexts.pop(rel, None)  # its context is decided afresh if it comes back
        self.records.pop(rel, None)
        return self.index.remove_file(rel)

    def _refresh(self, rel: str) -> frozenset[str]:
        """Bring one file up to date; returns what changed in the facts index (see RepoIndex.set_file).

        The new record holds the file's base findings; the caller finishes it.
        """
        return self._apply(rel, self._examine(rel))

    def _unpickled_check(self, code: str) -> Check:
        """Findings a worker sends back name their check by code: it comes back as this engine's own."""
        found = self._by_code.get(code) or registry.BY_CODE.get(code)
        if found is None:
            raise pickle.UnpicklingError(f"unknown check {code}")
        return found

    def _examine(self, rel: str) -> _Examined:
        """What one file is now: read, parsed and checked (steps 1-3), the engine left as it was.

        Reads the tree, the file's current record and the scan's read caches only, so a cold
        scan may examine files in forked workers (:mod:`.workers`) and apply them here in order.
        """
        full = self.root / rel
        if not is_candidate(rel) or self.rules.ignored(rel):
            return _Examined("forget")
        try:
            st = full.lstat()
            if stat.S_ISLNK(st.st_mode):
                if rel not in probe(self.root, self.rules, rel).files:  # the walk would not read it
                    return _Examined("forget")
                st = full.stat()
        except OSError:
            return _Examined("forget")
        record = self.records.get(rel)
        if record is not None and record.size == st.st_size and record.mtime_ns == st.st_mtime_ns:
            return _Examined("same")
        data, notice = read_file(self.root, rel, self._real_root, self._real_dirs)
        if data is None:
            kept = None
            if notice is not None and worth_notice(rel):
                kept = FileRecord(rel, None, st.st_size, st.st_mtime_ns, "", notices=[notice])
            return _Examined("unread", kept)
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if record is not None and record.digest == digest:
            return _Examined("same", size=st.st_size, mtime_ns=st.st_mtime_ns)
        text, replaced = decode(data)
        parsed = parse_text(rel, text, data[:200], read=RepoReader(self._read_other, self._list_other))
        if parsed is None:
            return _Examined("forget")
        reads = frozenset(parsed.reads) | {_listing_key(folder) for folder in parsed.listed}
        notices = [Notice(rel, message, "info") for message in parsed.notices]
        if replaced:
            notices.append(Notice(rel, "not valid UTF-8; undecodable bytes were replaced before auditing", "warning"))
        base, errors = self._check_file(parsed)
        markers = self.suppressions.markers(rel, text, comments_of(parsed.kind))
        base, used = self.suppressions.apply(base, markers)
        return _Examined("checked", FileRecord(
            rel, parsed.kind, st.st_size, st.st_mtime_ns, digest, [], notices,
            text.count("\n") + (0 if text.endswith("\n") or not text else 1),
            base=base, markers=markers, used=used, errors=errors,
        ), parsed.facts, reads)

    def _apply(self, rel: str, found: _Examined) -> frozenset[str]:
        """Record what :meth:`_examine` found of one file; returns what changed in the facts index."""
        if found.outcome == "same":
            record = self.records.get(rel)
            if record is not None and found.size is not None:
                record.size, record.mtime_ns = found.size, found.mtime_ns  # type: ignore[assignment]
            return frozenset()
        if found.outcome != "checked" or found.record is None:
            changed = self._forget(rel)
            if found.record is not None:  # unread: kept for its notice
                self.records[rel] = found.record
            return changed
        self._set_reads(rel, found.reads)
        self._forget_finished(rel)
        self._file_contexts.pop(rel, None)  # decided afresh: the file itself changed (a vendored bundle edited...)
        self.records[rel] = found.record
        return self.index.set_file(rel, found.record.kind, found.facts)  # type: ignore[arg-type]

    def _checks_for(self, model_type: type) -> list[Check]:
        cached = self._dispatch_cache.get(model_type)
        if cached is None:
            cached = []
            for klass in model_type.__mro__:
                cached.extend(self._file_checks.get(klass, ()))
            self._dispatch_cache[model_type] = cached
        return cached

    def _call(self, check: Check, arg: Any) -> Iterable[Finding]:
        if self._takes_ctx.get(check.code):
            return check.func(arg, self._contexts[check.code])  # type: ignore[misc]
        return check.func(arg)  # type: ignore[misc]

    def _check_file(self, parsed: ParsedFile) -> tuple[list[Finding], list[CheckError]]:
        """Steps 1 and 2 for one file: its checks' findings, folded and sealed, and the checks that raised."""
        rel = parsed.path
        findings: list[Finding] = []
        errors: list[CheckError] = []
        if parsed.problems and self.config.enabled(PARSE_ERROR):
            for problem in parsed.problems:
                findings.append(PARSE_ERROR.finding(Pos(problem.line, problem.line, ("parse",)),
                                                    message=problem.message, resource=parsed.kind.value))
        for unit in parsed.units:
            patch = getattr(unit, "is_patch", False)
            for check in self._checks_for(type(unit)):
                if patch and not check.patches:  # a partial object: only what it sets is judged
                    continue
                try:
                    findings.extend(self._call(check, unit) or ())
                except Exception as exc:  # a broken check must not take the audit down
                    errors.append(CheckError(rel, f"check {check.code} failed: {type(exc).__name__}: {exc}",
                                             code=check.code))
        return seal(fold_repeats(findings), rel, self.config.severity), errors

    def _run_repo_checks(
        self, dirty: set[str] | frozenset[str] | None = None, changed_paths: Iterable[str] = ()
    ) -> tuple[list[Finding], list[Finding]]:
        """Run repository checks: all of them (``dirty`` None), or only what ``dirty`` affects.

        Returns the (sealed) findings that were replaced and those that replaced them; the
        caller finishes the paths they point into.
        """
        replaced: list[Finding] = []
        produced: list[Finding] = []
        changed = set(changed_paths)
        for check in self._repo_checks:
            if check.each_topics:
                old, new = self._run_each(check, dirty, changed)
            else:
                old, new = self._run_whole(check, dirty)
            replaced.extend(old)
            produced.extend(new)
        for finding in replaced:
            bucket = self._repo_sealed.get(finding.path or ".")
            if bucket is not None and bucket.get(finding.fingerprint) is finding:
                del bucket[finding.fingerprint]
                if not bucket:
                    del self._repo_sealed[finding.path or "."]
        for finding in produced:
            self._repo_sealed.setdefault(finding.path or ".", {})[finding.fingerprint] = finding
        return replaced, produced

    def _evaluate(self, check: Check, call: Callable[[RecordingIndex], Iterable[Finding]],
                  group: tuple[str, str] | None = None) -> tuple[RecordingIndex, list[Finding]]:
        view = RecordingIndex(self.index)
        errors = self._each_errors.setdefault(check.code, {}) if group is not None else None
        try:
            results = list(call(view) or ())
        except Exception as exc:
            results = []
            error = CheckError(group[1] if group is not None else ".",
                               f"repository check {check.code} failed: {type(exc).__name__}: {exc}", code=check.code)
            if errors is not None and group is not None:
                errors[group] = error
            else:
                self._repo_errors[check.code] = error
        if view.read_files:
            self._reads_files = True
        return view, seal(results, ".", self.config.severity)

    def _run_whole(self, check: Check, dirty) -> tuple[list[Finding], list[Finding]]:
        previous = self._repo_reads.get(check.code)
        if dirty is not None and previous is not None and not previous.depends_on(dirty):
            return [], []
        self._repo_errors.pop(check.code, None)
        view, results = self._evaluate(check, lambda index: self._call(check, index))
        self._repo_reads[check.code] = view
        old = self._repo_results.get(check.code, [])
        self._repo_results[check.code] = results
        return old, results

    def _run_each(self, check: Check, dirty, changed: set[str]) -> tuple[list[Finding], list[Finding]]:
        """Per-subject check: re-run the subjects of changed files and those whose reads changed.

        Subjects are grouped by (topic, file); groups are indexed by what they read, so
        deciding what to re-run costs the number of distinct read-sets, not of subjects.
        """
        groups = self._each_results.setdefault(check.code, {})
        by_reads = self._each_by_reads.setdefault(check.code, {})
        takes_ctx = self._takes_ctx.get(check.code)
        ctx = self._contexts[check.code]
        func = check.func
        assert func is not None  # per-subject checks always have a function
        old: list[Finding] = []
        new: list[Finding] = []

        errors = self._each_errors.setdefault(check.code, {})

        def drop(key: tuple[str, str]) -> None:
            errors.pop(key, None)
            entry = groups.pop(key, None)
            if entry is not None:
                old.extend(entry[1])
                members = by_reads.get(entry[0].signature())
                if members is not None:
                    members.discard(key)
                    if not members:
                        del by_reads[entry[0].signature()]

        def run_group(topic: str, path: str) -> None:
            facts = self.index.facts_in(topic, path)

            def call(index):
                for fact in facts:
                    yield from (func(path, fact, index, ctx) if takes_ctx else func(path, fact, index)) or ()

            drop((topic, path))
            if facts:
                view, results = self._evaluate(check, call, (topic, path))
                groups[(topic, path)] = (view, results)
                by_reads.setdefault(view.signature(), set()).add((topic, path))
                new.extend(results)

        if dirty is None or not groups:
            for key in list(groups):
                drop(key)
            for topic in check.each_topics:
                for path in self.index.paths_with(topic):
                    run_group(topic, path)
            return old, new
        stale: set[tuple[str, str]] = set()
        for topic in check.each_topics:
            if topic in dirty:
                for path in changed:
                    if (topic, path) in groups or self.index.facts_in(topic, path):
                        stale.add((topic, path))
        for members in by_reads.values():
            if members:
                view = groups[next(iter(members))][0]
                if view.depends_on(dirty):
                    stale.update(members)
        for topic, path in sorted(stale):
            run_group(topic, path)
        return old, new


def _check_code(check: Check) -> str:
    return check.code


def _listing_key(folder: str) -> str:
    """How the read of a folder's listing is recorded among a parse's reads (file paths never
    end with a slash)."""
    return f"{folder}/"
