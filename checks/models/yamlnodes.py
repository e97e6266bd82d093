"""YAML documents as plain dicts and lists that remember where they came from.

PyYAML's composer (the libyaml C one when available) gives us nodes with start and
end marks.  We turn those nodes into :class:`YMap` / :class:`YList` containers
(ordinary ``dict`` / ``list`` subclasses, so checks read them like any loaded YAML)
that also know their line span and their *symbolic path* inside the document
(``("spec", "template", "spec", "containers", 0)``).  Scalars become plain Python
values; their lines are kept by the container that holds them
(:meth:`YMap.key_line`, :meth:`YList.item_line`).

Design choices, each for a reason seen in real repositories:

* Mapping keys are kept as the text the author wrote: GitHub's ``on:`` stays the
  string ``"on"`` (YAML 1.1 would make it ``True``) and ``80:`` stays ``"80"``.
* Integers written in YAML 1.1's base-60 form (``22:22``) stay strings, so a compose
  port ``5432:5432`` is read as written rather than as ``19549952``.
* Timestamps and binary scalars stay strings: no check needs them as objects.
* Merge keys (``<<: *defaults``) are applied, as compose files rely on them.
* Aliases share the converted object (as PyYAML does), and a document whose aliases
  would expand past a fixed budget (a "billion laughs" bomb) is refused with
  :class:`YamlBombError` instead of being walked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml is ~10x faster; fall back to the pure-Python loader
    from yaml import CSafeLoader as _Loader

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    LIBYAML = False

__all__ = [
    "YMap",
    "YList",
    "YamlDoc",
    "YamlError",
    "YamlBombError",
    "load_documents",
    "load_documents_partial",
    "LIBYAML",
]

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_RESOLVER_FIRST = frozenset(k for k in _Loader.yaml_implicit_resolvers if k)
_resolve_cache: dict[str, str] = {}
_ANCHOR_RE = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},&]", re.MULTILINE)
_base_resolve = _Loader.resolve


class _FastLoader(_Loader):  # type: ignore[misc, valid-type]
    """The safe loader with a memoised resolver.

    libyaml calls back into Python to resolve the tag of every scalar, and that regex
    walk was a third of the parse time on real manifests.  Plain scalars whose first
    character starts no implicit type are strings; the rest are cached by value (the
    result depends on nothing else).  Semantics are PyYAML's own.
    """

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR_TAG
            if value and value[0] not in _RESOLVER_FIRST:
                return _STR_TAG
            tag = _resolve_cache.get(value)
            if tag is None:
                tag = _base_resolve(self, kind, value, implicit)
                if len(_resolve_cache) < 50_000:
                    _resolve_cache[value] = tag
            return tag
        return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


# A document may expand its aliases to at most this many nodes in total...
EXPANSION_LIMIT = 200_000
# ...unless the expansion stays within this multiple of the distinct nodes.
EXPANSION_RATIO = 10

_TAG = "tag:yaml.org,2002:"
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_constructor = yaml.constructor.SafeConstructor()


class YamlError(Exception):
    """A YAML document could not be read; ``line`` is 1-based (or None)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class YamlBombError(YamlError):
    """Aliases in the document would expand beyond the budget."""


class YMap(dict):
    """A mapping from a YAML document, with positions."""

    __slots__ = ("line", "end_line", "ypath", "key_lines", "value_lines")

    def __init__(self, line: int, end_line: int, ypath: tuple):
        super().__init__()
        self.line = line
        self.end_line = end_line
        self.ypath = ypath
        self.key_lines: dict[str, int] = {}
        self.value_lines: dict[str, tuple[int, int]] = {}

    def key_line(self, key: str) -> int:
        """Line of ``key`` in this mapping (the mapping's own line if absent)."""
        return self.key_lines.get(key, self.line)

    def value_span(self, key: str) -> tuple[int, int]:
        """First and last line of the value stored under ``key``."""
        return self.value_lines.get(key, (self.line, self.end_line))

    def map(self, key: str) -> "YMap":
        """The mapping under ``key``, or an empty one when absent or not a mapping."""
        value = self.get(key)
        if isinstance(value, YMap):
            return value
        return YMap(self.key_line(key), self.key_line(key), self.ypath + (key,))

    def list(self, key: str) -> "YList":
        """The sequence under ``key``, or an empty one when absent or not a list."""
        value = self.get(key)
        if isinstance(value, YList):
            return value
        return YList(self.key_line(key), self.key_line(key), self.ypath + (key,))

    def __reduce__(self):  # pickling keeps positions (used by the worker pool)
        state = (self.line, self.end_line, self.ypath, self.key_lines, self.value_lines)
        return (_rebuild_map, (state, dict(self)))


class YList(list):
    """A sequence from a YAML document, with positions."""

    __slots__ = ("line", "end_line", "ypath", "item_lines")

    def __init__(self, line: int, end_line: int, ypath: tuple):
        super().__init__()
        self.line = line
        self.end_line = end_line
        self.ypath = ypath
        self.item_lines: list[int] = []

    def item_line(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line

    def maps(self) -> Iterator[tuple[int, "YMap"]]:
        """(index, item) for every item that is a mapping."""
        for index, item in enumerate(self):
            if isinstance(item, YMap):
                yield index, item

    def __reduce__(self):
        state = (self.line, self.end_line, self.ypath, self.item_lines)
        return (_rebuild_list, (state, list(self)))


def _rebuild_map(state, items):
    m = YMap(state[0], state[1], state[2])
    m.key_lines, m.value_lines = state[3], state[4]
    m.update(items)
    return m


def _rebuild_list(state, items):
    seq = YList(state[0], state[1], state[2])
    seq.item_lines = state[3]
    seq.extend(items)
    return seq


@dataclass
class YamlDoc:
    """One document of a YAML stream: its data, its index and its line span."""

    data: Any
    index: int
    line: int
    end_line: int


def scalar_value(node: ScalarNode) -> Any:
    """The Python value of a resolved scalar, with the choices documented above."""
    tag = node.tag
    value = node.value
    if not tag.startswith(_TAG):
        return value
    kind = tag[len(_TAG):]
    if kind == "str":
        return value
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() in ("true", "yes", "on", "y")
    if kind == "int":
        if ":" in value:
            return value
        if _INT_RE.match(value):
            return int(value.replace("_", ""))
        try:
            return _constructor.construct_yaml_int(node)
        except Exception:
            return value
    if kind == "float":
        if ":" in value:
            return value
        if _FLOAT_RE.match(value):
            try:
                return float(value.replace("_", ""))
            except ValueError:
                return value
        try:
            return _constructor.construct_yaml_float(node)
        except Exception:
            return value
    return value


def _line(mark) -> int:
    return mark.line + 1


def _end_line(node: Node) -> int:
    """Last line that holds the node's content (block nodes end at column 0 below)."""
    mark = node.end_mark
    if mark.column == 0 and mark.line > node.start_mark.line:
        return mark.line
    return mark.line + 1


def _expanded_size(root: Node) -> tuple[int, int]:
    """(expanded node count, distinct node count), without expanding anything."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        if isinstance(node, ScalarNode):
            sizes[key] = 1
            continue
        if isinstance(node, SequenceNode):
            children = node.value
        else:
            children = [n for pair in node.value for n in pair]
        if done:
            total = 1
            for child in children:
                total += sizes.get(id(child), 1)
                if total > 1 << 40:
                    break
            sizes[key] = total
            continue
        sizes[key] = 0  # visiting: a cycle counts as one node
        stack.append((node, True))
        for child in children:
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)], len(sizes)


class _Converter:
    def __init__(self) -> None:
        self.memo: dict[int, Any] = {}

    def convert(self, node: Node, ypath: tuple) -> Any:
        if isinstance(node, ScalarNode):
            return scalar_value(node)
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if isinstance(node, SequenceNode):
            seq = YList(_line(node.start_mark), _end_line(node), ypath)
            self.memo[key] = seq
            lines = seq.item_lines
            for index, child in enumerate(node.value):
                lines.append(child.start_mark.line + 1)
                if isinstance(child, ScalarNode):
                    seq.append(scalar_value(child))
                else:
                    seq.append(self.convert(child, ypath + (index,)))
            return seq
        if isinstance(node, MappingNode):
            mapping = YMap(_line(node.start_mark), _end_line(node), ypath)
            self.memo[key] = mapping
            self._fill(mapping, node, ypath)
            return mapping
        return None  # pragma: no cover - no other node kinds exist

    def _fill(self, mapping: YMap, node: MappingNode, ypath: tuple) -> None:
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merges.append(value_node)
                continue
            if isinstance(key_node, ScalarNode):
                key = key_node.value
            else:  # complex keys are legal YAML; no check reads them
                key = repr(self.convert(key_node, ypath + ("?",)))
            if isinstance(value_node, ScalarNode):
                value = scalar_value(value_node)
            else:
                value = self.convert(value_node, ypath + (key,))
            mapping[key] = value
            mapping.key_lines[key] = key_node.start_mark.line + 1
            mapping.value_lines[key] = (value_node.start_mark.line + 1, _end_line(value_node))
        for merge in merges:  # explicit keys win over merged ones
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode):
                    continue
                merged = self.convert(source, ypath)
                if not isinstance(merged, YMap):
                    continue
                for k, v in merged.items():
                    if k not in mapping:
                        mapping[k] = v
                        mapping.key_lines[k] = merge.start_mark.line + 1
                        mapping.value_lines[k] = merged.value_span(k)


def load_documents(text: str) -> list[YamlDoc]:
    """Parse every document of a YAML stream safely, keeping positions.

    Raises :class:`YamlError` (with a 1-based line when known) for invalid YAML and
    :class:`YamlBombError` when aliases would expand beyond the budget.
    """
    docs, error = load_documents_partial(text)
    if error is not None:
        raise error
    return docs


def load_documents_partial(text: str) -> tuple[list[YamlDoc], YamlError | None]:
    """Like :func:`load_documents`, but keeps the documents read before an error."""
    docs: list[YamlDoc] = []
    error: YamlError | None = None
    loader = _FastLoader(text)
    may_alias = "&" in text and _ANCHOR_RE.search(text) is not None
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            expanded, distinct = _expanded_size(node) if may_alias else (0, 0)
            if expanded > EXPANSION_LIMIT and expanded > distinct * EXPANSION_RATIO:
                raise YamlBombError(
                    f"document {index + 1} expands its aliases to more than "
                    f"{EXPANSION_LIMIT:,} nodes; refusing to read it (alias bomb?)",
                    _line(node.start_mark),
                )
            data = _Converter().convert(node, ())
            docs.append(YamlDoc(data, index, _line(node.start_mark), _end_line(node)))
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        if line is not None:  # an error at the end of the stream is on the last line, not past it
            line = max(1, min(line, text.count("\n") + (0 if text.endswith("\n") or not text else 1)))
        problem = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        error = YamlError(problem or str(exc), line)
    except YamlError as exc:
        error = exc
    except yaml.YAMLError as exc:
        error = YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML")
    except RecursionError:
        error = YamlError("document nests too deeply to read")
    finally:
        loader.dispose()
    return docs, error
