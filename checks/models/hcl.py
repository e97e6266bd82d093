"""The one HCL reader: HCL text (Terraform ``.tf``, ``.tfvars``) to a small positioned model.

The text is parsed by tree-sitter-hcl (a C parser that keeps positions and recovers from
errors) and walked once into plain, frozen records; nothing keeps a tree-sitter node after
:func:`read` returns (py-tree-sitter 0.26.0 freed nodes that were read across parses).

* a :class:`Block` is ``type "label" "label" { ... }``: its attributes and nested blocks;
* an :class:`Attr` is ``name = expression`` with its lines and (a short piece of) its
  source text, for evidence;
* an :class:`Expr` is an expression kept as a small tree: literals with their Python value,
  string templates as their literal and interpolated parts, references (``var.x``,
  ``aws_s3_bucket.b.id``) as a path of names, function calls, collections, conditionals
  operators and ``for`` expressions.  What the model does not follow (template directives,
  splats over calls) is an ``unknown`` node: an evaluator never guesses it.

What tree-sitter could not parse is listed in :attr:`HclFile.errors` (line and a short
message): the caller reports it, and what was read around it still counts.  Work is linear
in the input; nesting deeper than :data:`MAX_DEPTH` is cut and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import tree_sitter_hcl
from tree_sitter import Language, Parser

__all__ = ["Expr", "Attr", "Block", "HclFile", "read", "MAX_DEPTH", "UNKNOWN_EXPR"]

#: expression and block nesting the walk follows
MAX_DEPTH = 80
#: characters of an attribute's source kept for evidence
SOURCE_CAP = 300

_LANGUAGE = Language(tree_sitter_hcl.language())
_PARSER = Parser(_LANGUAGE)


@dataclass(frozen=True, slots=True)
class Expr:
    """One expression.

    ``kind`` and what ``value``/``parts`` hold:

    * ``lit``: ``value`` is a str, int, float, bool or None (``null``);
    * ``tpl``: a string template; ``parts`` are str (literal text) and Expr (interpolations);
    * ``ref``: a reference; ``value`` is its path (``("var", "x")``, ``("aws_s3_bucket", "b",
      "id")``): names are str, literal indexes int or str, ``None`` an index that is not
      literal, ``"*"`` a splat;
    * ``call``: ``value`` is the function name, ``parts`` the arguments (``expand``: the last
      is followed by ``...``);
    * ``tuple``: ``parts`` are the items; ``object``: ``parts`` are (key, value) Expr pairs
      (a bare identifier key is a ``lit``);
    * ``cond``: ``parts`` are (condition, if true, if false);
    * ``op``: ``value`` is the operator (``!``, ``-``, ``==``, ``&&``...), ``parts`` the operands;
    * ``get``: a traversal of something that is not a plain reference (``f(x)[0]``,
      ``{...}.a``): ``parts`` is (base,), ``value`` the path as for ``ref``;
    * ``for``: a ``for`` expression; ``value`` is (the iteration names: (value,) or (key, value),
      ``"tuple"`` or ``"object"``, grouped with ``...``), ``parts`` (collection, key or None,
      value, condition or None);
    * ``unknown``: an expression the model does not follow (template directives).
    """

    kind: str
    value: Any = None
    parts: tuple = ()
    line: int = 0
    expand: bool = False

    # -- convenience for checks -------------------------------------------------
    @property
    def is_literal(self) -> bool:
        return self.kind == "lit"

    def ref_path(self) -> tuple:
        return self.value if self.kind == "ref" else ()

    def walk(self) -> Iterator[Expr]:
        """This expression and every expression inside it, depth first."""
        stack: list[Any] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, Expr):
                yield item
                stack.extend(reversed(item.parts))
            elif isinstance(item, tuple):
                stack.extend(reversed(item))

    def references(self) -> Iterator[tuple]:
        """The paths of every reference inside the expression."""
        for node in self.walk():
            if node.kind == "ref":
                yield node.value


UNKNOWN_EXPR = Expr("unknown")


@dataclass(frozen=True, slots=True)
class Attr:
    """``name = expression``."""

    name: str
    expr: Expr
    line: int
    end_line: int
    #: the expression's source text (at most :data:`SOURCE_CAP` characters), for evidence
    text: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """``type "label"... { attributes and blocks }``."""

    type: str
    labels: tuple[str, ...]
    attrs: tuple[Attr, ...]
    blocks: tuple[Block, ...]
    line: int
    end_line: int

    def attr(self, name: str) -> Attr | None:
        for attr in self.attrs:
            if attr.name == name:
                return attr
        return None

    def has(self, name: str) -> bool:
        return self.attr(name) is not None

    def blocks_of(self, type_: str) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.type == type_)

    def block(self, type_: str) -> Block | None:
        for block in self.blocks:
            if block.type == type_:
                return block
        return None

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else ""


@dataclass
class HclFile:
    """A file's top-level attributes (``.tfvars``) and blocks (``.tf``), and what could not be read."""

    attrs: tuple[Attr, ...] = ()
    blocks: tuple[Block, ...] = ()
    #: (line, message) of each region that does not parse
    errors: list[tuple[int, str]] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------


def read(text: str) -> HclFile:
    """Parse HCL text into an :class:`HclFile` (never raises on any input)."""
    src = text.encode("utf-8", "surrogatepass")
    tree = _PARSER.parse(src)
    walker = _Walker(src)
    root = tree.root_node
    out = HclFile()
    try:
        body = next((c for c in root.children if c.type == "body"), None)
        if body is not None:
            attrs, blocks = walker.body(body, 0)
            out.attrs, out.blocks = attrs, blocks
        if root.has_error:
            walker.collect_errors(root)
    finally:
        del tree, root
    out.errors = walker.errors
    return out


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_POSTFIX = frozenset(("get_attr", "index", "splat"))
_BINARY_OPS = frozenset(("==", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%"))


def _unescape(raw: str) -> str:
    if "\\" not in raw and "$${" not in raw and "%%{" not in raw:
        return raw

    def sub(match: re.Match) -> str:
        token = match.group(0)
        if token == "$${":
            return "${"
        if token == "%%{":
            return "%{"
        letter = token[1]
        if letter in ("u", "U"):
            try:
                return chr(int(token[2:], 16))
            except (ValueError, OverflowError):
                return token
        return _ESCAPES.get(letter, token)

    return _ESCAPE_RE.sub(sub, raw)


class _Walker:
    def __init__(self, src: bytes) -> None:
        self.src = src
        self.errors: list[tuple[int, str]] = []

    def text(self, node) -> str:
        return self.src[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def too_deep(self, node) -> None:
        self.errors.append((node.start_point.row + 1, f"nested more than {MAX_DEPTH} levels deep; not read further"))

    # -- structure ----------------------------------------------------------------------
    def body(self, node, depth: int) -> tuple[tuple[Attr, ...], tuple[Block, ...]]:
        attrs: list[Attr] = []
        blocks: list[Block] = []
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                attr = self.attribute(child, depth)
                if attr is not None:
                    attrs.append(attr)
            elif kind == "block":
                if depth >= MAX_DEPTH:
                    self.too_deep(child)
                    continue
                block = self.block(child, depth + 1)
                if block is not None:
                    blocks.append(block)
        return tuple(attrs), tuple(blocks)

    def block(self, node, depth: int) -> Block | None:
        type_ = ""
        labels: list[str] = []
        attrs: tuple[Attr, ...] = ()
        blocks: tuple[Block, ...] = ()
        for child in node.children:
            kind = child.type
            if kind == "identifier":
                if not type_:
                    type_ = self.text(child)
                else:
                    labels.append(self.text(child))
            elif kind == "string_lit":
                labels.append(self.string_lit(child))
            elif kind == "body":
                attrs, blocks = self.body(child, depth)
        if not type_:
            return None
        return Block(type_, tuple(labels), attrs, blocks, node.start_point.row + 1, node.end_point.row + 1)

    def attribute(self, node, depth: int) -> Attr | None:
        name = ""
        expr = UNKNOWN_EXPR
        source = ""
        for child in node.children:
            if child.type == "identifier" and not name:
                name = self.text(child)
            elif child.type == "expression":
                expr = self.expression(child, depth)
                source = self.src[child.start_byte:child.start_byte + SOURCE_CAP * 4].decode("utf-8", "replace")
                source = source[:min(len(source), SOURCE_CAP, child.end_byte - child.start_byte)]
        if not name:
            return None
        return Attr(name, expr, node.start_point.row + 1, node.end_point.row + 1, source)

    def string_lit(self, node) -> str:
        parts = [self.text(c) for c in node.children if c.type == "template_literal"]
        return _unescape("".join(parts))

    # -- expressions --------------------------------------------------------------------
    def expression(self, node, depth: int) -> Expr:
        """An ``expression`` node (or any node that stands for one)."""
        if depth >= MAX_DEPTH:
            self.too_deep(node)
            return UNKNOWN_EXPR
        if node.type != "expression":
            return self.sequence([node], depth)
        return self.sequence(node.children, depth)

    def sequence(self, children, depth: int) -> Expr:
        """A primary expression followed by postfix traversals (``var.a.b[0]``)."""
        base: Expr | None = None
        path: list[Any] = []
        for child in children:
            kind = child.type
            if kind in _POSTFIX:
                if base is None:
                    continue
                path.extend(self.postfix(child))
                continue
            if kind == "comment" or not child.is_named:
                continue
            if base is not None:  # a second primary: not an expression the model knows
                return Expr("unknown", line=base.line)
            base = self.primary(child, depth + 1)
        if base is None:
            return UNKNOWN_EXPR
        if not path:
            return base
        if base.kind == "ref":
            return Expr("ref", base.value + tuple(path), line=base.line)
        return Expr("get", tuple(path), (base,), line=base.line)

    def postfix(self, node) -> list[Any]:
        kind = node.type
        if kind == "get_attr":
            ident = next((c for c in node.children if c.type == "identifier"), None)
            return [self.text(ident)] if ident is not None else [None]
        if kind == "index":
            inner = node.children[0] if node.children else None
            if inner is None:
                return [None]
            if inner.type == "legacy_index":  # a.0
                raw = self.text(inner).strip().lstrip(".").strip()
                return [int(raw)] if raw.isdigit() else [None]
            expr_node = next((c for c in inner.children if c.type == "expression"), None)
            if expr_node is None:
                return [None]
            key = self.expression(expr_node, 0)
            if key.kind == "lit" and isinstance(key.value, (str, int)) and not isinstance(key.value, bool):
                return [key.value]
            return [None]
        if kind == "splat":
            out: list[Any] = ["*"]
            for splat in node.children:
                for part in splat.children:
                    if part.type in _POSTFIX:
                        out.extend(self.postfix(part))
            return out
        return [None]

    def primary(self, node, depth: int) -> Expr:
        kind = node.type
        line = node.start_point.row + 1
        if kind == "expression":
            return self.expression(node, depth)
        if kind == "literal_value":
            return self.literal(node, line)
        if kind == "variable_expr":
            ident = node.children[0] if node.children else None
            return Expr("ref", (self.text(ident),) if ident is not None else (None,), line=line)
        if kind == "template_expr":
            inner = node.children[0] if node.children else None
            if inner is None:
                return UNKNOWN_EXPR
            return self.template(inner, depth, heredoc=inner.type == "heredoc_template")
        if kind in ("quoted_template", "heredoc_template"):
            return self.template(node, depth, heredoc=kind == "heredoc_template")
        if kind == "collection_value":
            inner = node.children[0] if node.children else None
            return self.collection(inner, depth) if inner is not None else UNKNOWN_EXPR
        if kind in ("tuple", "object"):
            return self.collection(node, depth)
        if kind == "function_call":
            return self.call(node, depth, line)
        if kind == "conditional":
            parts = tuple(self.expression(c, depth) for c in node.children if c.type == "expression")
            return Expr("cond", parts=parts, line=line) if len(parts) == 3 else Expr("unknown", line=line)
        if kind == "operation":
            inner = node.children[0] if node.children else None
            return self.operation(inner, depth, line) if inner is not None else UNKNOWN_EXPR
        if kind in ("unary_operation", "binary_operation"):
            return self.operation(node, depth, line)
        if kind == "for_expr":
            inner = node.children[0] if node.children else None
            return self.for_expr(inner, depth, line) if inner is not None else UNKNOWN_EXPR
        return Expr("unknown", line=line)

    def for_expr(self, node, depth: int, line: int) -> Expr:
        """``[for k, v in coll : v if cond]`` or ``{for v in coll : key => v... if cond}``."""
        intro = next((c for c in node.children if c.type == "for_intro"), None)
        if intro is None or node.type not in ("for_tuple_expr", "for_object_expr"):
            return Expr("unknown", line=line)
        names = tuple(self.text(c) for c in intro.children if c.type == "identifier")
        source = next((c for c in intro.children if c.type == "expression"), None)
        results = [c for c in node.children if c.type == "expression"]
        cond_node = next((c for c in node.children if c.type == "for_cond"), None)
        cond_expr = next((c for c in cond_node.children if c.type == "expression"), None) if cond_node else None
        is_object = node.type == "for_object_expr"
        if not 1 <= len(names) <= 2 or source is None or len(results) != (2 if is_object else 1):
            return Expr("unknown", line=line)
        grouped = any(c.type == "ellipsis" for c in node.children)
        key = self.expression(results[0], depth) if is_object else None
        value = self.expression(results[-1], depth)
        cond = self.expression(cond_expr, depth) if cond_expr is not None else None
        return Expr("for", (names, "object" if is_object else "tuple", grouped),
                    (self.expression(source, depth), key, value, cond), line)

    def literal(self, node, line: int) -> Expr:
        inner = node.children[0] if node.children else None
        if inner is None:
            return Expr("unknown", line=line)
        kind = inner.type
        if kind == "string_lit":
            return Expr("lit", self.string_lit(inner), line=line)
        if kind == "numeric_lit":
            raw = self.text(inner)
            try:
                value: Any = int(raw)
            except ValueError:
                try:
                    value = float(raw)
                except ValueError:
                    return Expr("unknown", line=line)
            return Expr("lit", value, line=line)
        if kind == "bool_lit":
            return Expr("lit", self.text(inner).strip() == "true", line=line)
        if kind == "null_lit":
            return Expr("lit", None, line=line)
        return Expr("unknown", line=line)

    def template(self, node, depth: int, heredoc: bool) -> Expr:
        line = node.start_point.row + 1
        children = node.children
        if heredoc:
            idents = [c for c in children if c.type == "heredoc_identifier"]
            start_node = next((c for c in children if c.type == "heredoc_start"), None)
            strip = start_node is not None and self.text(start_node).strip() == "<<-"
            if len(idents) < 2:
                return Expr("unknown", line=line)
            newline = self.src.find(b"\n", idents[0].end_byte)
            start = idents[0].end_byte if newline < 0 else newline + 1
            # the closing identifier's line is not part of the text
            stop = self.src.rfind(b"\n", start, idents[-1].start_byte)
            stop = start if stop < 0 else stop + 1
        else:
            opening = next((c for c in children if c.type == "quoted_template_start"), None)
            closing = next((c for c in children if c.type == "quoted_template_end"), None)
            start = opening.end_byte if opening is not None else node.start_byte
            stop = closing.start_byte if closing is not None else node.end_byte
            strip = False
        parts: list[Any] = []
        pos = start
        for child in children:
            if child.type not in ("template_interpolation", "template_directive"):
                continue
            if child.start_byte > pos:
                parts.append(self.src[pos:child.start_byte].decode("utf-8", "replace"))
            if child.type == "template_interpolation":
                inner = next((c for c in child.children if c.type == "expression"), None)
                parts.append(self.expression(inner, depth + 1) if inner is not None else UNKNOWN_EXPR)
            else:
                parts.append(Expr("unknown", line=child.start_point.row + 1))
            pos = max(pos, child.end_byte)
        if stop > pos:
            parts.append(self.src[pos:stop].decode("utf-8", "replace"))
        if strip:
            parts = _strip_indent(parts)
        if heredoc:
            parts = [p.replace("$${", "${").replace("%%{", "%{") if isinstance(p, str) else p for p in parts]
        else:
            parts = [_unescape(p) if isinstance(p, str) else p for p in parts]
        merged: list[Any] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            elif part != "":
                merged.append(part)
        if not merged:
            return Expr("lit", "", line=line)
        if len(merged) == 1 and isinstance(merged[0], str):
            return Expr("lit", merged[0], line=line)
        return Expr("tpl", parts=tuple(merged), line=line)

    def collection(self, node, depth: int) -> Expr:
        line = node.start_point.row + 1
        if node.type == "tuple":
            items = tuple(self.expression(c, depth) for c in node.children if c.type == "expression")
            return Expr("tuple", parts=items, line=line)
        if node.type == "object":
            pairs = []
            for elem in node.children:
                if elem.type != "object_elem":
                    continue
                exprs = [c for c in elem.children if c.type == "expression"]
                if len(exprs) != 2:
                    continue
                key = self.expression(exprs[0], depth)
                if key.kind == "ref" and len(key.value) == 1:
                    key = Expr("lit", key.value[0], line=key.line)  # a bare identifier names the key
                pairs.append((key, self.expression(exprs[1], depth)))
            return Expr("object", parts=tuple(pairs), line=line)
        return Expr("unknown", line=line)  # for expressions

    def call(self, node, depth: int, line: int) -> Expr:
        name = ""
        args: tuple[Expr, ...] = ()
        expand = False
        for child in node.children:
            if child.type == "identifier" and not name:
                name = self.text(child)
            elif child.type == "function_arguments":
                args = tuple(self.expression(c, depth) for c in child.children if c.type == "expression")
                expand = any(c.type == "ellipsis" for c in child.children)
        if "::" in name:  # provider::aws::arn_parse
            return Expr("call", name, args, line, expand)
        return Expr("call", name, args, line, expand)

    def operation(self, node, depth: int, line: int) -> Expr:
        children = node.children
        if node.type == "unary_operation":
            op = next((self.text(c) for c in children if not c.is_named), "")
            rest = [c for c in children if c.is_named]
            return Expr("op", op, (self.sequence(rest, depth),), line)
        if node.type != "binary_operation":
            return Expr("unknown", line=line)
        at = next((i for i, c in enumerate(children) if not c.is_named and self.text(c) in _BINARY_OPS), None)
        if at is None:
            return Expr("unknown", line=line)
        left = self.sequence(children[:at], depth)
        right = self.sequence(children[at + 1:], depth)
        return Expr("op", self.text(children[at]), (left, right), line)

    # -- errors -------------------------------------------------------------------------
    def collect_errors(self, root) -> None:
        """One (line, message) per region that does not parse (ERROR and MISSING nodes)."""
        stack = [root]
        seen_rows: set[int] = set()
        while stack:
            node = stack.pop()
            if not node.has_error:
                continue
            if node.is_error or node.is_missing:
                row = node.start_point.row + 1
                if row not in seen_rows:
                    seen_rows.add(row)
                    if node.is_missing:
                        self.errors.append((row, f"HCL syntax error: missing {node.type!r}"))
                    else:
                        snippet = self.text(node).strip().splitlines()[0][:40] if self.text(node).strip() else ""
                        self.errors.append((row, "HCL syntax error" + (f" near {snippet!r}" if snippet else "")))
                if node.is_error:
                    continue
            stack.extend(reversed(node.children))
        self.errors.sort()


def _strip_indent(parts: list[Any]) -> list[Any]:
    """``<<-`` heredocs: remove the smallest indentation of the literal lines from each line."""
    text_lines = [ln for p in parts if isinstance(p, str) for ln in p.split("\n")]
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in text_lines if ln.strip()]
    cut = min(indents) if indents else 0
    if not cut:
        return parts
    out: list[Any] = []
    at_line_start = True
    for part in parts:
        if not isinstance(part, str):
            out.append(part)
            at_line_start = False
            continue
        lines = part.split("\n")
        fixed = []
        for i, ln in enumerate(lines):
            if i > 0 or at_line_start:
                ln = ln[min(cut, len(ln) - len(ln.lstrip(" \t"))):]
            fixed.append(ln)
        out.append("\n".join(fixed))
        at_line_start = part.endswith("\n")
    return out
