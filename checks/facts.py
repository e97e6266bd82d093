"""The repository's index of facts, kept up to date file by file.

Per-file parsers emit :class:`~auditui.checks.models.base.Fact` records; the engine
hands each file's facts to :meth:`RepoIndex.set_file`.  Repository checks ask
questions by topic (``index.facts("k8s:Deployment")``) without re-reading any
file, and the cost of a question is the number of matching facts, not the size of
the repository.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .models.base import Fact, FileKind


class RepoIndex:
    def __init__(self, root: str = ".") -> None:
        self.root = root
        self._by_file: dict[str, tuple[Fact, ...]] = {}
        self._kinds: dict[str, FileKind] = {}
        self._by_topic: dict[str, dict[str, tuple[Fact, ...]]] = defaultdict(dict)
        self._by_kind: dict[FileKind, set[str]] = defaultdict(set)

    # -- maintenance (engine only) -------------------------------------------
    def set_file(self, path: str, kind: FileKind, facts: list[Fact] | tuple[Fact, ...]) -> bool:
        """Record a file's facts; True when anything a repository check sees changed."""
        facts = tuple(facts)
        old_kind = self._kinds.get(path)
        old = self._by_file.get(path)
        if old_kind == kind and old == facts:
            return False
        self.remove_file(path)
        self._kinds[path] = kind
        self._by_kind[kind].add(path)
        self._by_file[path] = facts
        grouped: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts:
            grouped[fact.topic].append(fact)
        for topic, items in grouped.items():
            self._by_topic[topic][path] = tuple(items)
        return True

    def remove_file(self, path: str) -> bool:
        kind = self._kinds.pop(path, None)
        if kind is None:
            return False
        self._by_kind[kind].discard(path)
        for fact in self._by_file.pop(path, ()):
            bucket = self._by_topic.get(fact.topic)
            if bucket is not None:
                bucket.pop(path, None)
                if not bucket:
                    del self._by_topic[fact.topic]
        return True

    # -- questions (repository checks) ---------------------------------------
    def facts(self, topic: str) -> Iterator[tuple[str, Fact]]:
        """(path, fact) for every fact of a topic, in path order."""
        bucket = self._by_topic.get(topic)
        if not bucket:
            return
        for path in sorted(bucket):
            for fact in bucket[path]:
                yield path, fact

    def has(self, topic: str) -> bool:
        return bool(self._by_topic.get(topic))

    def count(self, topic: str) -> int:
        return sum(len(v) for v in self._by_topic.get(topic, {}).values())

    def topics(self, prefix: str = "") -> list[str]:
        return sorted(t for t in self._by_topic if t.startswith(prefix))

    def files(self, kind: FileKind | None = None) -> list[str]:
        if kind is None:
            return sorted(self._kinds)
        return sorted(self._by_kind.get(kind, ()))

    def has_kind(self, kind: FileKind) -> bool:
        return bool(self._by_kind.get(kind))

    def kind_of(self, path: str) -> FileKind | None:
        return self._kinds.get(path)

    def file_facts(self, path: str) -> tuple[Fact, ...]:
        return self._by_file.get(path, ())

    def k8s(self, kind: str) -> Iterator[tuple[str, Fact]]:
        """Kubernetes objects of one kind (``index.k8s("Namespace")``)."""
        return self.facts(f"k8s:{kind}")

    def __len__(self) -> int:
        return len(self._kinds)
