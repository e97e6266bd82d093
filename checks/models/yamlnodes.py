"""YAML documents as plain dicts and lists that remember where they came from.

libyaml's parser (PyYAML's C binding when available) gives us events with start and
end marks.  We build :class:`YMap` / :class:`YList` containers straight from those
events, in one pass with no intermediate node graph: ordinary ``dict`` / ``list``
subclasses, so checks read them like any loaded YAML, that also know their line span
and their *symbolic path* inside the document
(``("spec", "template", "spec", "containers", 0)``).  Scalars become plain Python
values; their lines are kept by the container that holds them
(:meth:`YMap.key_line`, :meth:`YList.item_line`).

Design choices, each for a reason seen in real repositories:

* Mapping keys are kept as the text the author wrote: GitHub's ``on:`` stays the
  string ``"on"`` (YAML 1.1 would make it ``True``) and ``80:`` stays ``"80"``.
* Integers written in YAML 1.1's base-60 form (``22:22``) stay strings, so a compose
  port ``5432:5432`` is read as written rather than as ``19549952``.
* Timestamps and binary scalars stay strings: no check needs them as objects.
* A scalar with an application's own tag (``!env_var NAME``, ``!secret db_pw``,
  ``!vault |``, ``!Ref Param``) is a :class:`TaggedStr`: the text as written, which also
  carries its tag, so the secrets model can tell a reference or ciphertext from a literal.
* Merge keys (``<<: *defaults``) are applied, as compose files rely on them.
* Aliases share the converted object (as PyYAML does), and a document whose aliases
  would expand past a fixed budget (a "billion laughs" bomb) is refused with
  :class:`YamlBombError` instead of being walked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

try:  # libyaml is ~10x faster; fall back to the pure-Python loader
    from yaml import CSafeLoader as _Loader

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on the build of PyYAML
    from yaml import SafeLoader as _Loader

    LIBYAML = False

__all__ = [
    "YMap",
    "YList",
    "YamlDoc",
    "TaggedStr",
    "YamlError",
    "YamlBombError",
    "load_documents",
    "load_documents_partial",
    "LIBYAML",
]

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_MERGE_TAG = _TAG + "merge"
_RESOLVER_FIRST = frozenset(k for k in _Loader.yaml_implicit_resolvers if k)
_resolver = yaml.resolver.Resolver()
_PLAIN_CACHE_SIZE = 50_000
_plain_cache: dict[str, Any] = {}

# A document may expand its aliases to at most this many nodes in total...
EXPANSION_LIMIT = 200_000
# ...unless the expansion stays within this multiple of the distinct nodes.
EXPANSION_RATIO = 10

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

    def __init__(self, line: int, end_line: int, ypath: tuple):  # (dict's own __init__ has nothing to do)
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

    def map(self, key: str) -> YMap:
        """The mapping under ``key``, or an empty one when absent or not a mapping."""
        value = self.get(key)
        if isinstance(value, YMap):
            return value
        line = self.key_lines.get(key, self.line)
        return YMap(line, line, self.ypath + (key,))

    def list(self, key: str) -> YList:
        """The sequence under ``key``, or an empty one when absent or not a list."""
        value = self.get(key)
        if isinstance(value, YList):
            return value
        line = self.key_lines.get(key, self.line)
        return YList(line, line, self.ypath + (key,))

    def __reduce__(self):  # pickling keeps positions (used by the worker pool)
        state = (self.line, self.end_line, self.ypath, self.key_lines, self.value_lines)
        return (_rebuild_map, (state, dict(self)))


class YList(list):
    """A sequence from a YAML document, with positions."""

    __slots__ = ("line", "end_line", "ypath", "item_lines")

    def __init__(self, line: int, end_line: int, ypath: tuple):  # (list's own __init__ has nothing to do)
        self.line = line
        self.end_line = end_line
        self.ypath = ypath
        self.item_lines: list[int] = []

    def item_line(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line

    def maps(self) -> Iterator[tuple[int, YMap]]:
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
    #: the stream's text (shared by its documents): what :func:`comment_near` reads
    source: str = field(default="", repr=False, compare=False)


class TaggedStr(str):
    """A scalar's text that carries an application's own YAML tag (``tag``: ``!env_var``,
    ``!secret``, ``!vault``, ``!Ref``...). A ``str`` everywhere else: equal to, and hashed
    like, the text it holds."""

    tag: str

    def __new__(cls, value: str, tag: str) -> TaggedStr:
        self = super().__new__(cls, value)
        self.tag = tag
        return self

    def __reduce__(self):  # pickling keeps the tag (used by the worker pool)
        return (TaggedStr, (str(self), self.tag))


def _scalar(tag: str, value: str) -> Any:
    """The Python value of a scalar with a resolved tag, with the choices documented above."""
    if not tag.startswith(_TAG):
        return TaggedStr(value, tag[:100])
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
            return _constructor.construct_yaml_int(ScalarNode(tag, value))
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
            return _constructor.construct_yaml_float(ScalarNode(tag, value))
        except Exception:
            return value
    return value


def _plain(value: str) -> tuple[Any, bool]:
    """(Python value, is it the merge key ``<<``) of a plain scalar, memoised by its text.

    Plain scalars whose first character starts no implicit type are strings; the rest
    go through PyYAML's own resolver, whose answer depends on the text alone.
    """
    if value and value[0] not in _RESOLVER_FIRST:
        return value, False
    known = _plain_cache.get(value)
    if known is None:
        tag = _resolver.resolve(ScalarNode, value, (True, False))
        known = (_scalar(tag, value), tag == _MERGE_TAG)
        if len(_plain_cache) < _PLAIN_CACHE_SIZE:
            _plain_cache[value] = known
    return known


class _Anchor:
    """What an alias to an anchored node stands for (as the node itself was read)."""

    __slots__ = ("value", "raw", "merge", "line", "end_line", "size", "mark")

    def __init__(self, value: Any, raw: str | None, merge: bool, line: int, end_line: int, size: int, mark) -> None:
        self.value = value
        self.raw = raw  # a scalar's text (what a mapping key is named by); None for containers
        self.merge = merge
        self.line = line
        self.end_line = end_line
        self.size = size  # nodes the anchored node stands for, aliases expanded (0 while still open)
        self.mark = mark


_NO_KEY = object()
_SIZE_CAP = 1 << 40


def _read_stream(loader, docs: list[YamlDoc]) -> None:
    """Read libyaml's event stream straight into :class:`YMap`/:class:`YList` documents.

    One pass, no intermediate node graph: each container is built as its events arrive,
    with an explicit stack (libyaml itself refuses nesting past 1,000 levels).  Aliases
    share the object their anchor built, and the document's size with every alias
    expanded is counted as it goes, so an alias bomb is refused without being walked.
    Appends each complete document to ``docs``; raises on the first error.
    """
    get_event = loader.get_event
    get_event()  # StreamStartEvent
    index = 0
    while True:
        event = get_event()
        kind = type(event)
        if kind is StreamEndEvent:
            return
        # DocumentStartEvent: one document, its own anchors
        anchors: dict[str, _Anchor] = {}
        stack: list[tuple] = []
        count = 0  # nodes read so far, each alias counting the nodes it stands for
        nodes = 0  # distinct nodes read
        cur: Any = None  # the open container (None: at the document's root)
        cur_map = False
        cur_path: tuple = ()
        flat = False  # children share the container's path (the list of a merge key)
        key: Any = _NO_KEY
        key_line = 0
        key_merge = False
        merges: list | None = None
        opened = 0
        anchor_record: _Anchor | None = None
        root: Any = None
        root_line = root_end = 1
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                nodes += 1
                count += 1
                raw = event.value
                tag = event.tag
                start = event.start_mark
                anchor = event.anchor
                if cur_map and key is _NO_KEY and anchor is None:  # the common key: named by its text
                    key = raw
                    key_line = start.line + 1
                    if tag is None or tag == "!":  # a plain scalar resolves to the merge key only as ``<<``
                        key_merge = event.implicit[0] and raw == "<<"
                    else:
                        key_merge = tag == _MERGE_TAG
                    continue
                if tag is None or tag == "!":
                    if not event.implicit[0]:
                        value, merge = raw, False
                    elif raw and raw[0] not in _RESOLVER_FIRST:  # _plain's own first test, without the call
                        value, merge = raw, False
                    else:
                        value, merge = _plain(raw)
                else:
                    value, merge = _scalar(tag, raw), tag == _MERGE_TAG
                line = start.line + 1
                end = event.end_mark
                end_line = end.line if end.column == 0 and end.line > start.line else end.line + 1
                if cur_map and anchor is None and not key_merge:  # the common value: a scalar under a key
                    cur[key] = value
                    cur.key_lines[key] = key_line
                    cur.value_lines[key] = (line, end_line)
                    key = _NO_KEY
                    continue
                if anchor is not None:  # a redefined anchor replaces the earlier one (YAML 1.2, Go, Helm)
                    anchors[anchor] = _Anchor(value, raw, merge, line, end_line, 1, start)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                start = event.start_mark
                anchor = event.anchor
                if cur is None:
                    path: tuple = ()
                elif flat:
                    path = cur_path
                elif cur_map:
                    if key is _NO_KEY:
                        path = cur_path + ("?",)
                    elif key_merge:
                        path = cur_path
                    else:
                        path = cur_path + (key,)
                else:
                    path = cur_path + (len(cur),)
                stack.append((cur, cur_map, cur_path, flat, key, key_line, key_merge, merges, opened, anchor_record))
                child_flat = cur_map and key is not _NO_KEY and key_merge and kind is SequenceStartEvent
                line = start.line + 1
                if kind is MappingStartEvent:
                    cur = YMap(line, line, path)
                    cur_map = True
                else:
                    cur = YList(line, line, path)
                    cur_map = False
                cur_path = path
                flat = child_flat
                key = _NO_KEY
                merges = None
                opened = count
                anchor_record = None
                if anchor is not None:  # kept on the stack: a child may redefine the same name
                    anchor_record = anchors[anchor] = _Anchor(cur, None, False, line, line, 0, start)  # size 0 while open
                nodes += 1
                count += 1
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                end = event.end_mark
                value = cur
                line = value.line
                end_line = end.line if end.column == 0 and end.line + 1 > line else end.line + 1
                value.end_line = end_line
                if merges:
                    _merge(value, merges)
                if anchor_record is not None:
                    anchor_record.end_line = end_line
                    anchor_record.size = min(count - opened, _SIZE_CAP)
                raw = None
                merge = False
                cur, cur_map, cur_path, flat, key, key_line, key_merge, merges, opened, anchor_record = stack.pop()
            elif kind is AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:
                    raise ComposerError(None, None, "found undefined alias", event.start_mark)
                count = min(count + target.size, _SIZE_CAP)
                value, raw, merge = target.value, target.raw, target.merge
                line, end_line = target.line, target.end_line
            elif kind is DocumentEndEvent:
                if count > EXPANSION_LIMIT and count > nodes * EXPANSION_RATIO:
                    raise YamlBombError(
                        f"document {index + 1} expands its aliases to more than "
                        f"{EXPANSION_LIMIT:,} nodes; refusing to read it (alias bomb?)",
                        root_line,
                    )
                docs.append(YamlDoc(root, index, root_line, root_end))
                index += 1
                break
            else:  # pragma: no cover - libyaml emits no other events inside a document
                raise YamlError(f"unexpected YAML event {kind.__name__}")
            # place the finished node in its container
            if cur is None:
                root, root_line, root_end = value, line, end_line
            elif cur_map:
                if key is _NO_KEY:
                    key = raw if raw is not None else repr(value)  # complex keys: no check reads them
                    key_line = line
                    key_merge = merge
                else:
                    if key_merge:
                        if merges is None:
                            merges = []
                        merges.append((value, line))
                    else:
                        cur[key] = value
                        cur.key_lines[key] = key_line
                        cur.value_lines[key] = (line, end_line)
                    key = _NO_KEY
            else:
                cur.append(value)
                cur.item_lines.append(line)


def _merge(mapping: YMap, merges: list[tuple[Any, int]]) -> None:
    """Apply ``<<`` merge keys: explicit keys win, then earlier sources over later ones."""
    for merge, line in merges:
        sources = merge if isinstance(merge, YList) else (merge,)
        for source in sources:
            if not isinstance(source, YMap):
                continue
            for k, v in source.items():
                if k not in mapping:
                    mapping[k] = v
                    mapping.key_lines[k] = line
                    mapping.value_lines[k] = source.value_span(k)


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
    loader = _Loader(text)
    try:
        _read_stream(loader, docs)
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
    for doc in docs:
        doc.source = text
    return docs, error


#: the comment of a YAML line: a ``#`` at its start or after a blank (inside quotes it is read too:
#: the text is only shown to the secrets model as prose, never parsed)
_COMMENT_RE = re.compile(r"(?:^|\s)#(.*)$")


@lru_cache(maxsize=16)
def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.splitlines())


def comment_near(text: str, line: int, *, above: int = 8) -> str:
    """The comment beside a 1-based line of a YAML text, as one line of prose: the comment lines right
    above it (up to ``above``, stopping at a blank or any other line) and the line's own trailing
    comment. Empty when there is none."""
    if not text or line < 1:
        return ""
    lines = _lines(text)
    if line > len(lines):
        return ""
    out: list[str] = []
    index = line - 2
    while index >= 0 and len(out) < above:
        stripped = lines[index].strip()
        if not stripped.startswith("#"):
            break
        out.append(stripped.lstrip("#").strip())
        index -= 1
    out.reverse()
    own = _COMMENT_RE.search(lines[line - 1][:2000])
    if own is not None:
        out.append(own.group(1).strip())
    return " ".join(part for part in out if part)[:2000]
