"""The repository's index of facts, kept up to date file by file.

Per-file parsers emit :class:`~auditui.checks.models.base.Fact` records; the engine
hands each file's facts to :meth:`RepoIndex.set_file`.  Repository checks ask
questions by topic (``index.facts(WORKLOAD_IMAGE)``, ``index.k8s("Deployment")``; topics
and their dataclasses are in ``models/topics.py``) without re-reading any file, and the
cost of a question is the number of matching facts, not the size of the repository.
"""

from __future__ import annotations

import heapq
import os
import stat
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, overload

from .models.base import Fact, FileKind
from .models.topics import FactData, K8sObjectData, Topic

D = TypeVar("D", bound=FactData)

#: the maintenance methods of RepoIndex (the engine's); every other public method is a
#: question a repository check may ask, and RecordingIndex records each one
MAINTENANCE = frozenset({"set_file", "remove_file"})


class RepoIndex:
    def __init__(self, root: str = ".") -> None:
        self.root = root
        self._by_file: dict[str, tuple[Fact, ...]] = {}
        self._kinds: dict[str, FileKind] = {}
        self._by_topic: dict[str, dict[str, tuple[Fact, ...]]] = defaultdict(dict)
        self._by_kind: dict[FileKind, set[str]] = defaultdict(set)
        self._derived: dict[str, tuple[frozenset[str], Any]] = {}
        self._counters: dict[str, _Counter] = {}
        self._topic_counts: dict[str, int] = defaultdict(int)

    # -- maintenance (engine only) -------------------------------------------
    def set_file(self, path: str, kind: FileKind, facts: list[Fact] | tuple[Fact, ...]) -> frozenset[str]:
        """Record a file's facts; returns what changed (empty, hence falsy, when nothing did).

        The result names the topics whose facts changed, ``kind:<kind>`` when the
        file appeared, vanished or changed kind, and ``file:<path>`` whenever anything of
        the file changed: the engine re-runs only the repository checks that read one of them.
        """
        facts = tuple(facts)
        old_kind = self._kinds.get(path)
        old = self._by_file.get(path, ())
        if old_kind == kind and old == facts:
            return frozenset()
        dirty = {f"kind:{kind.value}"} if old_kind != kind else set()
        if old_kind is not None and old_kind != kind:
            dirty.add(f"kind:{old_kind.value}")
        old_by_topic: dict[str, list[Fact]] = defaultdict(list)
        for fact in old:
            old_by_topic[fact.topic].append(fact)
        new_by_topic: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            new_by_topic[fact.topic].append(fact)
        for topic in set(old_by_topic) | set(new_by_topic):
            if old_by_topic.get(topic) != new_by_topic.get(topic):
                dirty.add(topic)
                dirty |= _keyed_dirt(path, topic, old_by_topic.get(topic, ()), new_by_topic.get(topic, ()))
        dirty.add(f"file:{path}")
        self._drop(path)
        self._kinds[path] = kind
        self._by_kind[kind].add(path)
        self._by_file[path] = facts
        grouped: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            grouped[fact.topic].append(fact)
        for topic, items in grouped.items():
            self._by_topic[topic][path] = tuple(items)
            self._topic_counts[topic] += len(items)
        for name, counter in self._counters.items():
            if counter.recount(path, facts):
                dirty.add(f"count:{name}")
        self._invalidate(dirty)
        return frozenset(dirty)

    def remove_file(self, path: str) -> frozenset[str]:
        """Forget a file; returns what changed (see :meth:`set_file`)."""
        kind = self._kinds.get(path)
        if kind is None:
            return frozenset()
        gone = self._by_file.get(path, ())
        dirty = {f"kind:{kind.value}", f"file:{path}"} | {fact.topic for fact in gone}
        for topic in {fact.topic for fact in gone}:
            dirty |= _keyed_dirt(path, topic, [f for f in gone if f.topic == topic], ())
        self._drop(path)
        for name, counter in self._counters.items():
            if counter.recount(path, ()):
                dirty.add(f"count:{name}")
        self._invalidate(dirty)
        return frozenset(dirty)

    def _invalidate(self, dirty: set[str]) -> None:
        if self._derived and dirty:
            for name in [n for n, (topics, _) in self._derived.items() if topics & dirty]:
                del self._derived[name]

    def count_where(self, name: str, prefixes: tuple[str, ...], predicate: Callable[[str, Fact], bool]) -> int:
        """How many facts of topics starting with ``prefixes`` satisfy ``predicate``.

        Kept up to date file by file: after the first call, a changed file costs only
        its own facts, so "is there any Prometheus / any backup job anywhere?" stays
        cheap on huge repositories.  A check that reads a count is re-run only when
        the count changes (``count:<name>``).  ``predicate(path, fact)`` must depend on
        its arguments alone, and one ``name`` must always come with the same predicate.
        """
        counter = self._counters.get(name)
        if counter is None:
            counter = _Counter(tuple(prefixes), predicate)
            for path, facts in self._by_file.items():
                counter.recount(path, facts)
            self._counters[name] = counter
        return counter.total

    def derived(self, name: str, topics: tuple[str, ...], build: Callable[[RepoIndex], Any]) -> Any:
        """A value computed from the facts of ``topics``, cached until one of them changes.

        Per-subject checks use it for tables every subject consults (all PDB selectors,
        all opted-out service accounts) so a cold scan stays linear.  ``build`` must
        read only the listed topics.
        """
        hit = self._derived.get(name)
        if hit is None:
            hit = (frozenset(topics), build(self))
            self._derived[name] = hit
        return hit[1]

    def _drop(self, path: str) -> None:
        kind = self._kinds.pop(path, None)
        if kind is None:
            return
        self._by_kind[kind].discard(path)
        for fact in self._by_file.pop(path, ()):
            self._topic_counts[fact.topic] -= 1
            if self._topic_counts[fact.topic] <= 0:
                self._topic_counts.pop(fact.topic, None)
            bucket = self._by_topic.get(fact.topic)
            if bucket is not None:
                bucket.pop(path, None)
                if not bucket:
                    del self._by_topic[fact.topic]

    # -- questions (repository checks) ---------------------------------------
    @overload
    def facts(self, topic: Topic[D]) -> Iterator[tuple[str, Fact[D]]]: ...
    @overload
    def facts(self, topic: str) -> Iterator[tuple[str, Fact[Any]]]: ...

    def facts(self, topic: str) -> Iterator[tuple[str, Fact[Any]]]:
        """(path, fact) for every fact of a topic, in path order."""
        bucket = self._by_topic.get(topic)
        if not bucket:
            return
        for path in sorted(bucket):
            for fact in bucket[path]:
                yield path, fact

    def has(self, topic: str) -> bool:
        return bool(self._by_topic.get(topic))

    def sample(self, topic: str, limit: int) -> list[tuple[str, Fact]]:
        """The first ``limit`` (path, fact) of a topic in path order, without sorting them all."""
        bucket = self._by_topic.get(topic)
        if not bucket:
            return []
        out: list[tuple[str, Fact]] = []
        for path in heapq.nsmallest(limit, bucket):
            for fact in bucket[path]:
                if len(out) < limit:
                    out.append((path, fact))
        return out

    def paths_with(self, topic: str) -> list[str]:
        """Files that hold facts of a topic."""
        return sorted(self._by_topic.get(topic, ()))

    def facts_in(self, topic: str, path: str) -> tuple[Fact, ...]:
        """One file's facts of one topic."""
        return self._by_topic.get(topic, {}).get(path, ())

    def count(self, topic: str) -> int:
        return self._topic_counts.get(topic, 0)

    def topics(self, prefix: str = "") -> list[str]:
        return sorted(t for t in self._by_topic if t.startswith(prefix))

    def files(self, kind: FileKind | None = None) -> list[str]:
        if kind is None:
            return sorted(self._kinds)
        return sorted(self._by_kind.get(kind, ()))

    def has_kind(self, kind: FileKind) -> bool:
        return bool(self._by_kind.get(kind))

    def kind_of(self, path: str) -> FileKind | None:
        """The kind of one file auditui reads (None: not read)."""
        return self._kinds.get(path)

    def file_facts(self, path: str) -> tuple[Fact, ...]:
        return self._by_file.get(path, ())

    def disk_file(self, path: str) -> bool:
        """Is ``path`` a regular file in the repository (not a link)?  A stat, never a read.

        For files auditui does not read (``password.txt`` beside a kustomization); the
        engine re-runs a check that asked when that path is updated.
        """
        if path.startswith(("/", "../")) or "/../" in path or path == "..":
            return False
        try:
            return stat.S_ISREG(os.lstat(Path(self.root) / path).st_mode)
        except (OSError, ValueError):
            return False

    def k8s(self, kind: str) -> Iterator[tuple[str, Fact[K8sObjectData]]]:
        """Kubernetes objects of one kind (``index.k8s("Namespace")``)."""
        return self.facts(f"k8s:{kind}")

    def keys_in(self, topic: str, path: str) -> tuple[str, ...]:
        """The keys of one file's facts of one topic, in file order (no repeats).

        With :meth:`fact_in`, a finer read than :meth:`file_facts`: a check that asks only
        which keys a file has, and the facts of some keys, is re-run when those change
        (``keys:<topic>:<path>``, ``fact:<topic>:<key>``), not on every edit of the file.
        """
        return tuple(dict.fromkeys(fact.key for fact in self._by_topic.get(topic, {}).get(path, ())))

    def fact_in(self, topic: str, path: str, key: str) -> tuple[Fact, ...]:
        """One file's facts of one topic with one key (see :meth:`keys_in`)."""
        return tuple(fact for fact in self._by_topic.get(topic, {}).get(path, ()) if fact.key == key)

    def __len__(self) -> int:
        return len(self._kinds)


def _keyed_dirt(path: str, topic: str, old, new) -> set[str]:
    """The finer names of a change of one file's facts of one topic: ``fact:<topic>:<key>``
    for each key whose facts changed, ``keys:<topic>:<path>`` when the keys themselves did."""
    before: dict[str, list[Fact]] = defaultdict(list)
    for fact in old:
        before[fact.key].append(fact)
    after: dict[str, list[Fact]] = defaultdict(list)
    for fact in new:
        after[fact.key].append(fact)
    dirty = {f"fact:{topic}:{key}" for key in set(before) | set(after) if before.get(key) != after.get(key)}
    if list(before) != list(after):
        dirty.add(f"keys:{topic}:{path}")
    return dirty


class _Counter:
    """Per-file counts of facts matching a predicate, and their total."""

    __slots__ = ("prefixes", "predicate", "per_file", "total")

    def __init__(self, prefixes: tuple[str, ...], predicate: Callable[[str, Fact], bool]) -> None:
        self.prefixes = prefixes
        self.predicate = predicate
        self.per_file: dict[str, int] = {}
        self.total = 0

    def recount(self, path: str, facts) -> bool:
        """Recount one file; True when the total changed."""
        count = 0
        for fact in facts:
            if fact.topic.startswith(self.prefixes):
                try:
                    if self.predicate(path, fact):
                        count += 1
                except Exception:  # a predicate that cannot judge a fact does not count it
                    continue
        old = self.per_file.get(path, 0)
        if count:
            self.per_file[path] = count
        else:
            self.per_file.pop(path, None)
        self.total += count - old
        return count != old


class RecordingIndex(RepoIndex):
    """A read-only view of a :class:`RepoIndex` that records what a check asked.

    The engine hands each repository check one of these and keeps what it read
    (topics, topic prefixes, file kinds, files); after an update it re-runs only the
    checks that read something which changed.  A check is a pure function of what it
    reads, so this is exact, and it needs no declaration in the check.

    Every question of :class:`RepoIndex` is overridden here and records what it reads
    (a test checks it); there is no fallback that lets a question through unrecorded.
    """

    def __init__(self, index: RepoIndex) -> None:  # a view: RepoIndex's tables stay with ``index``
        self._index = index
        self.root = index.root
        self.read_topics: set[str] = set()
        self.read_prefixes: set[str] = set()
        self.read_kinds: set[str] = set()
        self.read_files: set[str] = set()
        self.read_everything = False
        self._signature: tuple | None = None

    def signature(self) -> tuple:
        """What was read, as a hashable value (views that read the same share a verdict).

        Computed once: a view is only asked after the check that used it has finished.
        """
        if self._signature is None:
            self._signature = (frozenset(self.read_topics | self.read_kinds | self.read_files),
                               frozenset(self.read_prefixes), self.read_everything)
        return self._signature

    def depends_on(self, dirty: frozenset[str] | set[str]) -> bool:
        if self.read_everything:
            return True
        for key in dirty:
            if key.startswith(("file:", "fact:", "keys:")):
                if key in self.read_files:
                    return True
                continue
            if key in self.read_topics or key in self.read_kinds:
                return True
            if any(key.startswith(prefix) for prefix in self.read_prefixes):
                return True
        return False

    # -- maintenance is the engine's, on the index itself ----------------------------
    def set_file(self, path: str, kind: FileKind, facts: list[Fact] | tuple[Fact, ...]) -> frozenset[str]:
        raise TypeError("a RecordingIndex is read-only")

    def remove_file(self, path: str) -> frozenset[str]:
        raise TypeError("a RecordingIndex is read-only")

    # -- questions, each recorded ----------------------------------------------------
    def facts(self, topic: str):
        self.read_topics.add(topic)
        return self._index.facts(topic)

    def has(self, topic: str) -> bool:
        self.read_topics.add(topic)
        return self._index.has(topic)

    def count(self, topic: str) -> int:
        self.read_topics.add(topic)
        return self._index.count(topic)

    def k8s(self, kind: str) -> Iterator[tuple[str, Fact[K8sObjectData]]]:
        self.read_topics.add(f"k8s:{kind}")
        return self._index.k8s(kind)

    def topics(self, prefix: str = "") -> list[str]:
        self.read_prefixes.add(prefix)
        return self._index.topics(prefix)

    def files(self, kind: FileKind | None = None) -> list[str]:
        if kind is None:
            self.read_everything = True  # every file: any change may matter
        else:
            self.read_kinds.add(f"kind:{kind.value}")
        return self._index.files(kind)

    def has_kind(self, kind: FileKind) -> bool:
        self.read_kinds.add(f"kind:{kind.value}")
        return self._index.has_kind(kind)

    def paths_with(self, topic: str) -> list[str]:
        self.read_topics.add(topic)
        return self._index.paths_with(topic)

    def sample(self, topic: str, limit: int) -> list[tuple[str, Fact]]:
        self.read_topics.add(topic)
        return self._index.sample(topic, limit)

    def facts_in(self, topic: str, path: str) -> tuple[Fact, ...]:
        self.read_topics.add(topic)
        return self._index.facts_in(topic, path)

    def derived(self, name: str, topics: tuple[str, ...], build: Callable[[RepoIndex], Any]) -> Any:
        self.read_topics.update(topics)
        return self._index.derived(name, topics, build)

    def count_where(self, name: str, prefixes: tuple[str, ...], predicate: Callable[[str, Fact], bool]) -> int:
        self.read_topics.add(f"count:{name}")
        return self._index.count_where(name, prefixes, predicate)

    def kind_of(self, path: str) -> FileKind | None:
        self.read_files.add(f"file:{path}")
        return self._index.kind_of(path)

    def file_facts(self, path: str) -> tuple[Fact, ...]:
        self.read_files.add(f"file:{path}")
        return self._index.file_facts(path)

    def disk_file(self, path: str) -> bool:
        self.read_files.add(f"file:{path}")
        return self._index.disk_file(path)

    def keys_in(self, topic: str, path: str) -> tuple[str, ...]:
        self.read_files.add(f"keys:{topic}:{path}")
        return self._index.keys_in(topic, path)

    def fact_in(self, topic: str, path: str, key: str) -> tuple[Fact, ...]:
        self.read_files.add(f"fact:{topic}:{key}")
        return self._index.fact_in(topic, path, key)

    def __len__(self) -> int:
        self.read_everything = True
        return len(self._index)
