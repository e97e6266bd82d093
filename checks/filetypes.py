"""How each domain recognises and parses its files, and how they write comments.

A domain package (``checks/<domain>/__init__.py``) declares, beside its ``CHECKS``:

* ``FILE_TYPES``: :class:`FileType` records.  Each says how a file of the type is
  recognised (by its path, by the content of its YAML documents, or by its first
  bytes), how it is parsed, and how its comments are written (suppression markers
  live in comments);
* ``NAMED_FILES`` (optional): :class:`NamedFile` records for files whose name alone
  tells the repository something (a CI pipeline, infrastructure as code).

``checks/registry.py`` collects them from every registered domain; ``checks/parse.py``
asks them, in this order:

1. **by path** (``by_name``): the first file type, by ``order``, that claims the path.
   A text type (``parse``) gets the text; a YAML type (``parse_yaml``) gets the documents.
2. **by content**, for ``*.yaml``/``*.yml`` files no name claimed: the first YAML type,
   by ``order``, with ``by_content`` true for one of the documents (a Kubernetes object
   has ``apiVersion`` and ``kind``; a compose file a ``services`` mapping) or whose
   ``by_path_hint`` names the file (``values-prod.yaml`` is Helm values unless its
   documents are Kubernetes objects or a compose file: those types come first).
3. **by first bytes** (``by_head``), for other files: a shebang makes a script.

Nothing here imports the registry at import time: domains import this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .models.base import Fact, FileKind, ParsedFile
from .models.yamlnodes import YamlDoc


@dataclass(frozen=True)
class Comments:
    """How a file type writes comments: line-comment leaders and block delimiters.

    ``Comments(("#",))`` for YAML, shell, Dockerfiles and env files;
    ``Comments(("//", "#"), (("/*", "*/"),))`` for HCL/Terraform.  Suppression markers
    (``auditui: ignore[...]``) are read in any of them; peer tools' markers
    (``# hadolint ignore=``, ``# checkov:skip=``) only where ``#`` starts a comment.
    """

    line: tuple[str, ...] = ("#",)
    block: tuple[tuple[str, str], ...] = ()

    @cached_property
    def leaders(self) -> tuple[str, ...]:
        """Every token that opens a comment (line leaders and block openers)."""
        return self.line + tuple(start for start, _ in self.block)

    @cached_property
    def lead_pattern(self) -> str:
        """A regular expression alternative matching any comment opener."""
        return "(?:" + "|".join(re.escape(token) for token in sorted(self.leaders, key=len, reverse=True)) + ")"

    def starts_comment(self, line: str) -> bool:
        """Is this line a comment line (nothing but a comment)?"""
        return line.lstrip().startswith(self.leaders)


#: the comment syntax of every file type auditui read before other syntaxes came
HASH = Comments()


@dataclass(frozen=True)
class FileType:
    """One kind of file a domain reads.

    Give ``parse`` (path, text) for text formats or ``parse_yaml`` (path, documents) for
    YAML formats, and at least one of ``by_name``/``by_content``/``by_head``.  ``order``
    breaks ties when two types claim the same file (lower first).
    """

    name: str
    kind: FileKind
    parse: Callable[[str, str], ParsedFile] | None = None
    parse_yaml: Callable[[str, list[YamlDoc]], ParsedFile] | None = None
    by_name: Callable[[str], bool] | None = None
    by_content: Callable[[Any], bool] | None = None
    #: a path that suggests the type, weighed with the content claims in ``order``
    by_path_hint: Callable[[str], bool] | None = None
    by_head: Callable[[bytes], bool] | None = None
    comments: Comments = HASH
    order: int = 50
    #: a second step that may read other files of the repository (``read(rel)`` gives their
    #: text, or None when absent or unreadable) and records each path it asked for in
    #: ``parsed.reads``: compose reads the ``.env`` beside the file to interpolate it
    resolve: Callable[[ParsedFile, Callable[[str], str | None]], None] | None = None

    def __post_init__(self) -> None:
        if (self.parse is None) == (self.parse_yaml is None):
            raise ValueError(f"file type {self.name!r}: give exactly one of parse and parse_yaml")
        if (self.by_content is not None or self.by_path_hint is not None) and self.parse_yaml is None:
            raise ValueError(f"file type {self.name!r}: by_content and by_path_hint need parse_yaml")


@dataclass(frozen=True)
class NamedFile:
    """Files whose name alone tells the repository something (a CI pipeline, a Terraform file).

    ``match(path)`` must be cheap (it decides whether a file is read at all); ``fact(path,
    text)`` returns the fact to index, or None.  The first matching record that returns a
    fact wins; the file's own parser (if any) still runs.
    """

    name: str
    match: Callable[[str], bool]
    fact: Callable[[str, str], Fact | None]


class FileTypes:
    """The file types and named files of a set of domains, ready to answer questions."""

    def __init__(self, types: Iterable[FileType], named: Iterable[NamedFile] = ()) -> None:
        ordered = sorted(types, key=lambda t: t.order)  # stable: registration order breaks ties
        self.types = tuple(ordered)
        self.named = tuple(named)
        self._by_name = tuple(t for t in ordered if t.by_name is not None)
        self._by_content = tuple(t for t in ordered if t.by_content is not None or t.by_path_hint is not None)
        self._by_head = tuple(t for t in ordered if t.by_head is not None)
        self._comments: dict[str, Comments] = {}
        for ftype in ordered:
            self._comments.setdefault(ftype.kind.value, ftype.comments)

    def by_name(self, rel: str) -> FileType | None:
        for ftype in self._by_name:
            if ftype.by_name(rel):  # type: ignore[misc]
                return ftype
        return None

    def by_content(self, rel: str, docs: list[YamlDoc]) -> FileType | None:
        for ftype in self._by_content:
            if ftype.by_path_hint is not None and ftype.by_path_hint(rel):
                return ftype
            if ftype.by_content is not None and any(ftype.by_content(doc.data) for doc in docs):
                return ftype
        return None

    def by_head(self, head: bytes) -> FileType | None:
        for ftype in self._by_head:
            if ftype.by_head(head):  # type: ignore[misc]
                return ftype
        return None

    def named_fact(self, rel: str, text: str) -> Fact | None:
        for named in self.named:
            if named.match(rel):
                fact = named.fact(rel, text)
                if fact is not None:
                    return fact
        return None

    def is_named(self, rel: str) -> bool:
        return any(named.match(rel) for named in self.named)

    def resolver(self, kind: FileKind) -> Callable[[ParsedFile, Callable[[str], str | None]], None] | None:
        """The second step (:attr:`FileType.resolve`) of files of this kind, if any."""
        for ftype in self.types:
            if ftype.kind is kind and ftype.resolve is not None:
                return ftype.resolve
        return None

    def comments(self, kind: FileKind | None) -> Comments:
        """The comment syntax of files of this kind (``#`` for kinds no type declares)."""
        return HASH if kind is None else self._comments.get(kind.value, HASH)


_TABLE: FileTypes | None = None


def table() -> FileTypes:
    """The file types of every registered domain (see ``checks/registry.py``)."""
    global _TABLE
    if _TABLE is None:
        from . import registry

        _TABLE = FileTypes(registry.FILE_TYPES, registry.NAMED_FILES)
    return _TABLE


def reset() -> None:
    """Forget the table (the registry changed: ``registry.refresh()`` calls this)."""
    global _TABLE
    _TABLE = None
