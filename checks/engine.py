"""The incremental audit engine.

``Engine.scan()`` reads the whole repository once; ``Engine.update(paths)``
re-reads only the given files (skipping those whose size, mtime and content hash
did not change), re-runs their per-file checks, re-runs the repository checks only
when some file's *facts* changed, and returns a :class:`Delta` of findings added,
removed and changed.  The engine keeps no parsed documents between calls: each
file leaves behind its findings, its facts and a few bytes of bookkeeping, which is
what keeps memory flat on large repositories.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .api import Check, Finding, Pos, Severity, fold_repeats
from .audit.parse_error import CHECK as PARSE_ERROR
from .config import Config
from .discovery import IgnoreRules, Notice, decode, read_file, walk
from .facts import RecordingIndex, RepoIndex
from .models.base import FileKind, ParsedFile
from .models.vendored import covers
from .parse import comments_of, is_candidate, parse_text, worth_notice
from . import context as contexts
from . import overlays
from . import registry
from . import suppress
from .view import Views

Progress = Callable[[int, int], None]


@dataclass
class FileRecord:
    path: str
    kind: FileKind | None
    size: int
    mtime_ns: int
    digest: str
    findings: list[Finding] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    lines: int = 0


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
        self.check_errors: list[Notice] = []
        self.scanned = False
        self.last_scan_seconds = 0.0
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
        self._repo_by_path: dict[str, dict[str, Finding]] = {}
        self._repo_errors: dict[str, Notice] = {}
        #: None: unknown; False: no overlay sets container settings; True: some may
        self._overlay_marks: bool | None = None
        #: some repository check asked about single files (index.kind_of/disk_file)
        self._reads_files = False
        self._scanning = False
        #: the findings as users see them, per path (view.py: put in their file's context)
        self._views = Views(self)
        self._takes_ctx = {
            c.code: len(inspect.signature(c.func).parameters) >= (4 if c.each_topics else 2)
            for c in self.checks if c.func is not None
        }

    # -- public API -----------------------------------------------------------
    @property
    def findings(self) -> list[Finding]:
        """Every finding as users see it (in its file's context), worst first."""
        out = self._views.all()
        out.sort(key=Finding.sort_key)
        return out

    def context_of(self, path: str) -> contexts.FileContext:
        """Where a file is used (production, development, test, tooling, example), and why."""
        return self._views.context(path)

    def all_notices(self) -> list[Notice]:
        out = list(self.notices)
        for record in self.records.values():
            out.extend(record.notices)
        out.extend(self.check_errors)
        return out

    def scan(self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> list[Finding]:
        """Audit the whole repository from scratch."""
        start = time.perf_counter()
        self.records.clear()
        self.index = RepoIndex(str(self.root))
        self._repo_reads.clear()
        self._repo_results.clear()
        self._each_results.clear()
        self._each_by_reads.clear()
        self._repo_by_path.clear()
        self._overlay_marks = None
        self._scanning = True
        self.check_errors.clear()
        self.rules = IgnoreRules(self.root, self.config.exclude)
        result = walk(self.root, self.rules)
        self.notices = result.notices
        total = len(result.files)
        for number, rel in enumerate(result.files, 1):
            if cancelled is not None and cancelled():
                break
            self._refresh(rel)
            if progress is not None and (number % 50 == 0 or number == total):
                progress(number, total)
        self._run_repo_checks()
        self._scanning = False
        self._overlay_pass()
        self._views.rebuild()
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
        if rels is None:  # ignore rules changed: resynchronise with the whole tree
            before = {f.fingerprint: f for f in self.findings}
            if self._resync():
                self._run_repo_checks()
                self._overlay_pass()
            self._views.rebuild()
            after = {f.fingerprint: f for f in self.findings}
            return self._delta(before, after, [], start)
        touched = set(rels)
        dirty: set[str] = set()
        for rel in rels:
            dirty |= self._refresh(rel)
        if self._reads_files:  # a repository check asked about a file auditui does not read
            dirty |= {f"file:{rel}" for rel in rels}
        if dirty:
            replaced, produced = self._run_repo_checks(dirty, rels)
            touched.update(f.path or "." for f in (*replaced, *produced))
            if not dirty.isdisjoint(overlays.TOPICS):  # an overlay patch changed: base findings may flip
                touched.update(f.path or "." for f in self._overlay_pass())
            if not dirty.isdisjoint(contexts.TOPICS):  # how files are used changed: contexts may move
                touched |= self._views.recontext()
        # the views of every touched path are rebuilt from the pipeline's findings and compared
        # with what was shown: added, removed and changed (suppressions, overlays, contexts) alike
        before, after = self._views.refresh(touched)
        return self._delta(before, after, rels, start)

    @staticmethod
    def _delta(before: dict[str, Finding], after: dict[str, Finding], rels: list[str], start: float) -> Delta:
        delta = Delta(files=sorted(rels))
        for fp, finding in after.items():
            old = before.get(fp)
            if old is None:
                delta.added.append(finding)
            elif old is not finding and not finding.same_as(old):
                delta.changed.append(finding)
        delta.removed = [f for fp, f in before.items() if fp not in after]
        for items in (delta.added, delta.changed, delta.removed):
            items.sort(key=Finding.sort_key)
        delta.seconds = time.perf_counter() - start
        return delta

    def summary(self) -> dict:
        counts = Counter(f.severity.label for f in self.findings)
        return {
            "files": len(self.records),
            "lines": sum(r.lines for r in self.records.values()),
            "findings": sum(counts.values()),
            "by_severity": {s.label: counts.get(s.label, 0) for s in reversed(Severity)},
            "seconds": round(self.last_scan_seconds, 3),
        }

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
            if full.is_dir() and not full.is_symlink():
                if self.rules.ignored(rel, is_dir=True):
                    continue
                prefix = rel + "/"
                out.update(r for r in self.records if r.startswith(prefix))
                out.update(walk(self.root, self.rules, start=rel).files)
            elif not full.exists() and not full.is_symlink():
                prefix = rel + "/"
                out.update(r for r in self.records if r.startswith(prefix))
                out.add(rel)
            else:
                out.add(rel)
        return sorted(out)

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

    def _forget(self, rel: str) -> frozenset[str]:
        self.records.pop(rel, None)
        return self.index.remove_file(rel)

    def _refresh(self, rel: str) -> frozenset[str]:
        """Bring one file up to date; returns what changed in the facts index (see RepoIndex.set_file)."""
        full = self.root / rel
        if not is_candidate(rel) or self.rules.ignored(rel):
            return self._forget(rel)
        try:
            st = full.stat()
        except OSError:
            return self._forget(rel)
        record = self.records.get(rel)
        if record is not None and record.size == st.st_size and record.mtime_ns == st.st_mtime_ns:
            return frozenset()
        data, notice = read_file(self.root, rel)
        if data is None:
            changed = self._forget(rel)
            if notice is not None and worth_notice(rel):
                self.records[rel] = FileRecord(rel, None, st.st_size, st.st_mtime_ns, "", notices=[notice])
            return changed
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if record is not None and record.digest == digest:
            record.size, record.mtime_ns = st.st_size, st.st_mtime_ns
            return frozenset()
        text, replaced = decode(data)
        parsed = parse_text(rel, text, data[:200])
        if parsed is None:
            return self._forget(rel)
        notices = [Notice(rel, message, "info") for message in parsed.notices]
        if replaced:
            notices.append(Notice(rel, "not valid UTF-8; undecodable bytes were replaced before auditing", "warning"))
        findings = self._check_file(parsed, text)
        self.records[rel] = FileRecord(
            rel, parsed.kind, st.st_size, st.st_mtime_ns, digest, findings, notices,
            text.count("\n") + (0 if text.endswith("\n") or not text else 1),
        )
        return self.index.set_file(rel, parsed.kind, parsed.facts)

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

    def _check_file(self, parsed: ParsedFile, text: str) -> list[Finding]:
        rel = parsed.path
        findings: list[Finding] = []
        if parsed.problems and self.config.enabled(PARSE_ERROR):
            for problem in parsed.problems:
                findings.append(PARSE_ERROR.finding(Pos(problem.line, problem.line, ("parse",)),
                                                    message=problem.message, resource=parsed.kind.value))
        for unit in parsed.units:
            for check in self._checks_for(type(unit)):
                try:
                    findings.extend(self._call(check, unit) or ())
                except Exception as exc:  # a broken check must not take the audit down
                    self.check_errors.append(Notice(rel, f"check {check.code} failed: {type(exc).__name__}: {exc}", "error"))
        findings = suppress.apply(rel, text, self._seal(fold_repeats(findings), rel), self, comments_of(parsed.kind))
        if not self._scanning and self._overlay_marks is not False:
            overlays.apply(findings, self.index)  # a cold scan marks every file once, at its end
        return findings

    def _overlay_pass(self) -> list[Finding]:
        """Mark the per-file findings that an overlay fixes (see overlays.py); returns those that flipped."""
        table = self.index.derived("overlays:settings", overlays.TOPICS, overlays.settings_table)
        if not table and not self._overlay_marks:
            self._overlay_marks = False
            return []
        changed = overlays.apply((f for r in self.records.values() if r.kind is FileKind.KUBERNETES
                                  for f in r.findings), self.index)
        self._overlay_marks = bool(table)
        return changed

    def _seal(self, findings: list[Finding], default_path: str) -> list[Finding]:
        seen: Counter[str] = Counter()
        for finding in findings:
            finding.seal(default_path)
            finding.severity = self.config.severity.get(finding.code, finding.severity)
            seen[finding.fingerprint] += 1
            if seen[finding.fingerprint] > 1:  # same check, same node: keep both, stably
                finding.ypath = finding.ypath + (f"#{seen[finding.fingerprint]}",)
                finding.seal(default_path)
        return findings

    def _run_repo_checks(
        self, dirty: set[str] | frozenset[str] | None = None, changed_paths: Iterable[str] = ()
    ) -> tuple[list[Finding], list[Finding]]:
        """Run repository checks: all of them (``dirty`` None), or only what ``dirty`` affects.

        Returns the findings that were replaced and those that replaced them, so the
        caller can diff exactly what was re-evaluated.
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
            bucket = self._repo_by_path.get(finding.path or ".")
            if bucket is not None and bucket.get(finding.fingerprint) is finding:
                del bucket[finding.fingerprint]
                if not bucket:
                    del self._repo_by_path[finding.path or "."]
        for finding in produced:
            self._repo_by_path.setdefault(finding.path or ".", {})[finding.fingerprint] = finding
        errors = [n for n in self.check_errors if not n.message.startswith("repository check")]
        self.check_errors = errors + list(self._repo_errors.values())
        return replaced, produced

    @property
    def repo_findings(self) -> list[Finding]:
        """Findings of the repository checks (all of them)."""
        return [f for bucket in self._repo_by_path.values() for f in bucket.values()]

    def repo_findings_at(self, path: str) -> list[Finding]:
        """Findings of the repository checks that point into one file."""
        return list(self._repo_by_path.get(path, {}).values())

    def _evaluate(self, check: Check, call: Callable[[RecordingIndex], Iterable[Finding]]) -> tuple[RecordingIndex, list[Finding]]:
        view = RecordingIndex(self.index)
        try:
            results = list(call(view) or ())
        except Exception as exc:
            results = []
            self._repo_errors[check.code] = Notice(
                ".", f"repository check {check.code} failed: {type(exc).__name__}: {exc}", "error")
        results = [f for f in results if not self._in_vendored_bundle(f)]
        if view.read_files:
            self._reads_files = True
        return view, suppress.apply_repo(self._seal(results, "."), self)

    def _in_vendored_bundle(self, finding: Finding) -> bool:
        """A repository finding about an object of a vendored upstream bundle (models/vendored.py):
        the vendor's configuration, reported once as such (K8S081), not as the repository's."""
        if not finding.path or not finding.resource:
            return False
        return any(covers(fact.data.resources or (), finding.resource)
                   for fact in self.index.facts_in("vendored:file", finding.path))

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
        old: list[Finding] = []
        new: list[Finding] = []

        def drop(key: tuple[str, str]) -> None:
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
                    yield from (check.func(path, fact, index, ctx) if takes_ctx else check.func(path, fact, index)) or ()

            drop((topic, path))
            if facts:
                view, results = self._evaluate(check, call)
                groups[(topic, path)] = (view, results)
                by_reads.setdefault(view.signature(), set()).add((topic, path))
                new.extend(results)

        if dirty is None or not groups:
            for key in list(groups):
                drop(key)
            self._repo_errors.pop(check.code, None)
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

