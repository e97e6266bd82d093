"""The one shell reader: shell text to logical commands and simple-command segments.

Every place auditui meets shell goes through :func:`read`: script files, Dockerfile
``RUN`` (heredocs included), workflow ``run:`` steps (``${{ }}`` masked first), compose
``command``/``entrypoint``/``healthcheck`` and Kubernetes ``command``/``args`` that run a
shell.  The text is parsed by tree-sitter-bash (MIT; a C parser that recovers from
errors and keeps positions), then walked once into plain records:

* a :class:`RawSegment` is one simple command (``pg_dump db > f``): its words with
  quotes removed (redirections kept as words, as written), the operator before it, the
  conditions of the ``if``/``while`` blocks around it, the function it belongs to;
* a :class:`RawCommand` is one *logical line*: the segments whose source lines are
  joined by continuations, multi-line strings or substitutions, or by ``|``/``&&``/``||``
  at a line end, with the line's text (comments and heredoc bodies left out).

Commands run by a command (``$( ... )``, ``<( ... )``, ``bash -c '...'``, ``ssh host
'...'``, ``su -c '...'``) become segments of that command (``via`` says how); heredoc
bodies are data, kept on their command, except when fed to a shell (``ssh host <<EOF``,
``bash <<EOF``), where they are read as commands at their own lines.

What tree-sitter could not parse is read best-effort (the commands it did recognise
inside the broken region still count) and reported in :attr:`Reading.unreadable`, so a
caller turns it into a notice: a region the reader cannot understand is never silence.
tree-sitter-bash can also return a tree *without* an error that is wrong: a simple command
whose words run on across plain line breaks (the grammar's ``[ ... ]`` may hold a
redirected statement, tree-sitter/tree-sitter-bash#316, and then a ``]`` many lines down
closes it).  ``[`` is a command in the shell, so it is parsed as one (the byte is masked
for the parser only; words still come from the text); any other simple command that still
runs past a bare line break is cut into its lines and reported in :attr:`Reading.misread`.
Work is linear in the input: each text is parsed once, the walk visits each node once,
nesting deeper than :data:`MAX_DEPTH` is cut (and reported).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import tree_sitter_bash
from tree_sitter import Language, Parser

__all__ = ["RawSegment", "RawCommand", "Reading", "read", "mask_expressions", "SHELLS"]

SHELLS = frozenset(("sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "busybox"))
#: nesting (of compound commands, substitutions, command strings) the walk follows
MAX_DEPTH = 60
#: command strings and shell-fed heredocs read inside each other at most this deep
MAX_NESTED = 3

_LANGUAGE = Language(tree_sitter_bash.language())
_PARSER = Parser(_LANGUAGE)


@dataclass
class RawSegment:
    words: tuple[str, ...]
    op: str
    guards: tuple[str, ...]
    raw: str
    via: str
    rows: tuple[int, int]
    #: part of an ``if``/``while``/``until`` condition
    condition: bool = False
    #: name of the function whose body holds it ("" at top level)
    function: str = ""
    #: first and last line in the host file (set when the text is grouped)
    line: int = 0
    end_line: int = 0
    #: the innermost ``( ... )`` subshell holding it (a number for each subshell of a text; 0 for
    #: none): what a subshell changes (``cd``, variables) ends with it
    subshell: int = 0
    #: run by another segment's word (a substitution, a command string): a redirection written
    #: after that word belongs to the outer segment
    inner: bool = False


@dataclass
class RawCommand:
    text: str
    line: int
    end_line: int
    segments: list[RawSegment]
    heredoc: str = ""
    heredoc_line: int | None = None
    via: str = ""


@dataclass
class Reading:
    commands: list[RawCommand] = field(default_factory=list)
    #: (first line, last line) of regions tree-sitter could not parse (read best-effort)
    unreadable: list[tuple[int, int]] = field(default_factory=list)
    #: regions nested too deeply to follow
    too_deep: list[int] = field(default_factory=list)
    #: (first line, last line) of commands tree-sitter ran on across plain line breaks
    #: (read line by line: the conditions around those lines are not known)
    misread: list[tuple[int, int]] = field(default_factory=list)


# -- masking host syntax ------------------------------------------------------------


def mask_expressions(text: str, start: str = "${{", end: str = "}}") -> str:
    """``text`` with each ``${{ ... }}`` replaced by a shell variable of the same length.

    ``$____`` reads as a parameter expansion wherever the expression stands (a word, a
    part of one, inside double quotes), line breaks are kept so lines do not move, and
    the length is the same in UTF-8 bytes, so positions found in the masked text index
    the original.  Linear: an unterminated ``${{`` is masked alone and the search for
    closing braces never restarts once it has failed.
    """
    if start not in text:
        return text
    out: list[str] = []
    pos = 0
    closes = True
    while True:
        begin = text.find(start, pos)
        if begin < 0:
            break
        finish = text.find(end, begin + len(start)) if closes else -1
        if finish < 0:
            closes = False
            stop = begin + len(start)
        else:
            stop = finish + len(end)
        out.append(text[pos:begin])
        body = text[begin:stop]
        size = len(body.encode("utf-8", "surrogatepass"))
        if "\n" in body:
            out.append("$" + "\n".join("_" * len(part.encode("utf-8", "surrogatepass")) for part in body[1:].split("\n")))
        else:
            out.append("$" + "_" * (size - 1))
        pos = stop
    out.append(text[pos:])
    return "".join(out)


# -- words ---------------------------------------------------------------------------

_DQ_ESCAPE_RE = re.compile(r'\\([\\"$`])|\\\n')
_ESCAPE_RE = re.compile(r"\\(.)|\\\n", re.DOTALL)
#: nodes whose text is one word as written (expansions are kept, not expanded)
_VERBATIM = frozenset((
    "simple_expansion", "expansion", "command_substitution", "arithmetic_expansion",
    "process_substitution", "number", "brace_expression", "extglob_pattern", "array",
    "regex", "test_operator", "special_variable_name", "variable_name",
))
_COMPOUND = frozenset((
    "if_statement", "while_statement", "for_statement", "c_style_for_statement", "case_statement",
    "function_definition", "compound_statement", "subshell",
))


def _unescape(match: re.Match) -> str:
    return match.group(1) or ""


class _Walker:
    """One pass over one parsed text (a script, a command string, a heredoc body)."""

    def __init__(self, source: bytes, row0: int, via: str, command_via: str, nested: int, reading: Reading) -> None:
        self.src = source  # the original bytes: word texts and command texts come from here
        self.row0 = row0  # row of this text's first line in the host file (0-based)
        self.via = via  # set on every segment (a command string, a substitution)
        self.command_via = command_via  # set on every command (a heredoc fed to ssh/bash)
        self.nested = nested
        self.reading = reading
        self.segments: list[RawSegment] = []
        self.unions: list[tuple[int, int]] = []  # row pairs a logical line joins
        self.cut: list[tuple[int, int]] = []  # byte ranges left out of command texts
        self.heredocs: list[tuple[int, str, int, str]] = []  # (row of the command, body, body row, fed-to)
        self.deep_reported = False

    # ---- text helpers
    def text(self, node) -> str:
        return self.src[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def word(self, node) -> str:
        """The value of one word node with quotes and escapes removed (no expansion)."""
        kind = node.type
        if kind == "word":
            text = self.text(node)
            return _ESCAPE_RE.sub(_unescape, text) if "\\" in text else text
        if kind == "raw_string":
            return self.text(node)[1:-1]
        if kind in ("string", "translated_string"):
            text = self.text(node)
            inner = text[text.find('"') + 1:-1] if text.endswith('"') else text[1:]
            return _DQ_ESCAPE_RE.sub(_unescape, inner) if "\\" in inner else inner
        if kind == "ansi_c_string":
            return self.text(node)[2:-1]
        if kind == "concatenation":
            return "".join(self.word(child) for child in node.children)
        if kind == "variable_assignment":
            value = node.child_by_field_name("value")
            if value is None:
                return self.text(node)
            head = self.src[node.start_byte:value.start_byte].decode("utf-8", "replace")
            return head + (self.text(value) if value.type in ("array",) else self.word(value))
        return self.text(node)

    # ---- the walk
    def statements(self, node, op: str, guards: tuple[str, ...], function: str, depth: int,
                   condition: bool = False) -> None:
        """Walk the statement children of a list-holding node (program, bodies, ERROR)."""
        next_op = op
        for child in node.children:
            kind = child.type
            if kind in (";", "\n", ";;", ";&", ";;&"):
                next_op = ";"
                continue
            if kind == "&":
                next_op = "&"
                continue
            if kind == "comment":
                self.cut.append((child.start_byte, child.end_byte))
                continue
            if not child.is_named:
                continue
            self.statement(child, next_op, guards, function, depth, condition)
            next_op = ";"

    def statement(self, node, op: str, guards: tuple[str, ...], function: str, depth: int,
                  condition: bool = False) -> None:
        if depth > MAX_DEPTH:
            if not self.deep_reported:
                self.reading.too_deep.append(self.row0 + node.start_point.row + 1)
                self.deep_reported = True
            return
        kind = node.type
        if kind == "ERROR" or node.is_missing:
            self.error(node)
            self.statements(node, op, guards, function, depth + 1, condition)
            return
        if node.has_error:
            self.mark_errors(node)
        if kind in ("command", "declaration_command", "unset_command", "test_command", "variable_assignment",
                    "variable_assignments", "negated_command"):
            self.simple(node, op, guards, function, depth, condition)
        elif kind in ("list", "pipeline"):
            self.chain(node, op, guards, function, depth, condition)
        elif kind == "redirected_statement":
            self.redirected(node, op, guards, function, depth, condition)
        elif kind == "if_statement":
            self.if_statement(node, op, guards, function, depth)
        elif kind in ("while_statement", "until_statement"):
            self.loop(node, op, guards, function, depth)
        elif kind in ("for_statement", "c_style_for_statement", "select_statement"):
            self.for_loop(node, op, guards, function, depth)
        elif kind == "case_statement":
            first = True
            for child in node.children:
                if child.type == "case_item":
                    self.statements_of_case_item(child, op if first else ";", guards, function, depth + 1)
                    first = False
        elif kind == "function_definition":
            name_node = node.child_by_field_name("name")
            name = self.text(name_node) if name_node is not None else ""
            body = node.child_by_field_name("body")
            if body is not None:
                self.statement(body, op, guards, name or function, depth + 1, condition)
        elif kind == "subshell":
            before = len(self.segments)
            self.statements(node, op, guards, function, depth + 1, condition)
            for seg in self.segments[before:]:
                seg.subshell = seg.subshell or node.start_byte + 1
        elif kind in ("compound_statement", "do_group"):
            self.statements(node, op, guards, function, depth + 1, condition)
        elif kind == "comment":
            self.cut.append((node.start_byte, node.end_byte))
        elif kind == "file_redirect":
            # ``$(< file)``: a substitution that is only a redirection (bash reads the file)
            self.segments.append(RawSegment(tuple(self.redirect_words(node)), op, guards, self.text(node), self.via,
                                            (node.start_point.row, node.end_point.row), condition, function))
            self.unions.append((node.start_point.row, node.end_point.row))
        else:
            # something else that holds statements (arithmetic, a stray word): look inside
            for child in node.children:
                if child.is_named and child.type in _STATEMENT_TYPES:
                    self.statement(child, op, guards, function, depth + 1, condition)

    def statements_of_case_item(self, item, op: str, guards, function: str, depth: int) -> None:
        seen_paren = False
        next_op = op
        for child in item.children:
            if not seen_paren:
                seen_paren = child.type == ")"
                continue
            if child.type in (";;", ";&", ";;&", ";", "&"):
                next_op = ";"
                continue
            if child.type == "comment":
                self.cut.append((child.start_byte, child.end_byte))
                continue
            if child.is_named:
                self.statement(child, next_op, guards, function, depth)
                next_op = ";"

    def chain(self, node, op: str, guards, function: str, depth: int, condition: bool) -> None:
        """A list (``a && b || c``) or pipeline (``a | b``), flattened without recursion on its spine."""
        items: list = []
        stack = [node]
        while stack:  # left-nested lists are walked as a loop: no recursion per element
            current = stack.pop()
            if current.type in ("list", "pipeline") and current is not None:
                stack.extend(reversed(current.children))
            else:
                items.append(current)
        next_op = op
        previous = None
        for item in items:
            kind = item.type
            if kind in ("&&", "||", "|", "|&"):
                next_op = kind
                if previous is not None:
                    self.unions.append((previous.end_point.row, item.start_point.row))
                continue
            if kind == ";" or kind == "&":
                next_op = kind
                continue
            if kind == "comment":
                self.cut.append((item.start_byte, item.end_byte))
                continue
            if not item.is_named:
                continue
            if previous is not None and next_op in ("&&", "||", "|", "|&"):
                self.unions.append((previous.end_point.row if previous.type not in _COMPOUND else previous.end_point.row,
                                    item.start_point.row))
            self.statement(item, next_op, guards, function, depth + 1, condition)
            previous = item
            next_op = ";"

    def redirected(self, node, op: str, guards, function: str, depth: int, condition: bool) -> None:
        body = node.child_by_field_name("body")
        before = len(self.segments)
        if body is not None:
            self.statement(body, op, guards, function, depth + 1, condition)
        mine = self.segments[before:]
        extra: list[str] = []
        files: list[list[str]] = []  # each file or here-string redirection, as its words
        feeds: list[tuple] = []
        after: list = []
        for child in node.children:
            if child == body or child.type == "comment":
                if child.type == "comment":
                    self.cut.append((child.start_byte, child.end_byte))
                continue
            if child.type == "heredoc_redirect":
                words, tail = self.heredoc_redirect(child)
                extra.extend(words)
                feeds.append(child)
                after.extend(tail)
            elif child.type in ("file_redirect", "herestring_redirect"):
                words = self.redirect_words(child)
                extra.extend(words)
                files.append(words)
                self.run_on_redirect(child, guards, function, depth, condition, walk=True)
            elif child.is_named and child.type in _STATEMENT_TYPES:
                after.append(child)
        outer = [seg for seg in mine if not seg.inner]  # `echo "$(date)" > f`: the redirection is echo's
        if body is not None and body.type in _GROUPS and files and len(outer) > 1:
            # `{ pg_dump a; pg_dump b; } > all.sql`: every command of the group writes there, except
            # one whose output goes down a pipe inside the group or that redirects that stream itself
            self.redirect_group(outer, files)
            extra = [word for word in extra if not any(word in words for words in files)]
        target = outer[-1] if outer else None
        if target is None and extra:
            target = RawSegment((), op, guards, self.text(node), self.via,
                                (node.start_point.row, node.start_point.row), condition, function)
            self.segments.append(target)
            mine = [target]
        if target is not None and extra:
            target.words = target.words + tuple(extra)
        # the pipeline/list tree-sitter hangs on a heredoc start (`cat <<EOF | ssh host`)
        for item in after:
            self.chain_tail(item, guards, function, depth, condition, node.start_point.row)
        for child in feeds:
            self.heredoc_body(child, [s for s in self.segments[before:] if not s.via or s.via == self.via])

    @staticmethod
    def redirect_group(outer: list[RawSegment], files: list[list[str]]) -> None:
        """Give a group's redirections to each command of the group they reach."""
        for index, seg in enumerate(outer):
            piped = index + 1 < len(outer) and outer[index + 1].op in ("|", "|&")
            own = _redirected_streams(seg.words)
            for words in files:
                streams = _redirect_streams(words[0])
                if 1 in streams and piped:
                    streams = streams - {1, 2} if "&" in words[0] else streams - {1}
                if streams and not streams & own:
                    seg.words = seg.words + tuple(words)

    def chain_tail(self, node, guards, function: str, depth: int, condition: bool, row: int) -> None:
        op = ";"
        items = [node] if node.type not in ("pipeline", "list") else None
        if items is None:
            first = node.children[0] if node.children else None
            if first is not None and first.type in ("|", "|&", "&&", "||"):
                op = first.type
        self.unions.append((row, node.start_point.row))
        self.statement(node, op, guards, function, depth + 1, condition)

    def heredoc_redirect(self, node) -> tuple[list[str], list]:
        words: list[str] = []
        tail: list = []
        op = ""
        for child in node.children:
            kind = child.type
            if kind in ("<<", "<<-"):
                op = kind
            elif kind == "heredoc_start":
                words.append(op + self.text(child).replace("'", "").replace('"', ""))
            elif kind in ("heredoc_body", "heredoc_end"):
                self.cut.append((child.start_byte, child.end_byte))
            elif kind in ("pipeline", "list") or (child.is_named and kind in _STATEMENT_TYPES):
                tail.append(child)
            elif kind in ("file_redirect", "herestring_redirect"):
                words.extend(self.redirect_words(child))
        return words, tail

    def heredoc_body(self, node, segments: list[RawSegment]) -> None:
        body = end = None
        for child in node.children:
            if child.type == "heredoc_body":
                body = child
            elif child.type == "heredoc_end":
                end = child
        if body is None:
            return
        # whole lines: from the start of the body's first line to the end of the line
        # before the terminator (tree-sitter's node skips the tabs of <<- bodies)
        begin = self.src.rfind(b"\n", 0, body.start_byte) + 1
        finish = self.src.rfind(b"\n", 0, end.start_byte) if end is not None else body.end_byte
        if finish < begin:
            finish = begin
        text = self.src[begin:finish].decode("utf-8", "replace")
        self.heredocs.append((node.start_point.row, text, body.start_point.row, _reads_commands(segments)))

    def redirect_words(self, node) -> list[str]:
        """A redirection as the words it is written with: ``2>&1``, ``>file``, ``>`` ``file``."""
        dest = node.child_by_field_name("destination")
        if dest is None:
            named = [c for c in node.children if c.is_named and c.type != "file_descriptor"]
            dest = named[-1] if named else None
        if dest is None:
            return [" ".join(self.text(node).split())]
        head = self.src[node.start_byte:dest.start_byte].decode("utf-8", "replace")
        value = self.word(dest)
        if head and not head[-1].isspace():
            return [head + value]
        return [head.strip(), value]

    def simple(self, node, op: str, guards, function: str, depth: int, condition: bool) -> None:
        kind = node.type
        words: list[str] = []
        inner: list = []  # substitutions whose commands run as part of this one
        if kind == "negated_command":
            words.append("!")
            body = next((c for c in node.children if c.is_named), None)
            if body is not None and body.type in ("command", "test_command", "declaration_command",
                                                   "variable_assignment", "unset_command"):
                node = body
                kind = body.type
            elif body is not None:
                self.statement(body, op, guards, function, depth + 1, condition)
                return
        if kind == "test_command":
            words.extend(self.flat_words(node, inner))
        elif kind in ("variable_assignment", "variable_assignments"):
            for part in ([node] if kind == "variable_assignment" else node.children):
                if part.type == "variable_assignment":
                    words.append(self.word(part))
                    self.substitutions(part, inner)
        else:
            for child in node.children:
                ckind = child.type
                if ckind == "comment":
                    self.cut.append((child.start_byte, child.end_byte))
                elif ckind == "command_name":
                    for part in child.children:
                        words.append(self.word(part))
                        self.substitutions(part, inner)
                elif ckind in ("file_redirect", "herestring_redirect"):
                    words.extend(self.redirect_words(child))
                    self.substitutions(child, inner)
                    self.run_on_redirect(child, guards, function, depth, condition, walk=False)
                elif ckind in ("export", "local", "declare", "readonly", "typeset", "unset", "unsetenv",
                               "==", "=~", "="):
                    words.append(ckind)
                elif child.is_named:
                    words.append(self.word(child))
                    self.substitutions(child, inner)
        runs = self.runs(node) if kind != "test_command" else None
        if runs is not None:
            self.split(node, words, runs, op, guards, function, condition)
        else:
            seg = RawSegment(tuple(words), op, guards, self.text(node), self.via,
                             (node.start_point.row, node.end_point.row), condition, function)
            self.segments.append(seg)
            self.unions.append((node.start_point.row, node.end_point.row))
            self.command_string(seg, node, function, depth)
        self.inner_statements(inner, guards, function, depth)

    def inner_statements(self, inner: list, guards, function, depth: int) -> None:
        """Read each command substitution (or process substitution) of a command as segments of its
        own, marked inner and named by how they run (``$(...)``, ``<(...)``)."""
        for sub, how in inner:
            before = len(self.segments)
            self.statements(sub, ";", guards, function, depth + 1)
            for added in self.segments[before:]:
                added.inner = True
                added.via = added.via or self.via or how

    def runs(self, node) -> list[tuple[int, int]] | None:
        """The rows of each run of words a plain line break separates; None when there is one.

        A simple command ends at an unescaped line break, so words of one command node on
        both sides of one mean tree-sitter ran on (see the module docstring)."""
        children = [c for c in node.children if c.type != "comment"]
        runs: list[tuple[int, int]] = []
        start = 0
        for index in range(1, len(children)):
            before, after = children[index - 1], children[index]
            if after.start_point.row > before.end_point.row and _BARE_NEWLINE_RE.search(
                    self.src[before.end_byte:after.start_byte]):
                runs.append((start, index))
                start = index
        if not runs:
            return None
        runs.append((start, len(children)))
        return [(children[a].start_point.row, children[b - 1].end_point.row) for a, b in runs]

    def split(self, node, words: list[str], runs: list[tuple[int, int]], op: str, guards, function: str,
              condition: bool) -> None:
        """One segment per line run of a command tree-sitter ran on across line breaks."""
        first, last = node.start_point.row, node.end_point.row
        self.reading.misread.append((self.row0 + first + 1, self.row0 + last + 1))
        # the words of each run: the node's words in order, assigned by the row they start on
        rows = self.word_rows(node)
        if len(rows) != len(words):  # pragma: no cover - one word per named child
            rows = [first] * len(words)
        for low, high in runs:
            mine = [w for w, r in zip(words, rows) if low <= r <= high]
            while mine and mine[0] in _RESERVED:
                mine.pop(0)
            while mine and mine[-1] in _RESERVED:
                mine.pop()
            if not mine:
                continue
            seg = RawSegment(tuple(mine), op, guards, " ".join(mine), self.via, (low, high), condition, function)
            self.segments.append(seg)
            self.unions.append((low, high))
            op = ";"

    def run_on_redirect(self, node, guards, function: str, depth: int, condition: bool, walk: bool) -> None:
        """A redirection whose destinations run on across line breaks (tree-sitter-bash takes
        every word after ``>`` as a destination, tree-sitter/tree-sitter-bash#233): the
        redirection keeps its first destination; the words of each later line are a segment."""
        runs = self.runs(node)
        if runs is None:
            return
        self.reading.misread.append((self.row0 + node.start_point.row + 1, self.row0 + node.end_point.row + 1))
        children = [c for c in node.children if c.is_named and c.type != "comment"]
        for low, high in runs[1:]:
            mine = [c for c in children if low <= c.start_point.row <= high]
            words = [self.word(c) for c in mine]
            while words and words[0] in _RESERVED:
                words.pop(0)
            while words and words[-1] in _RESERVED:
                words.pop()
            if words:
                self.segments.append(RawSegment(tuple(words), ";", guards, " ".join(words), self.via, (low, high),
                                                condition, function))
                self.unions.append((low, high))
            if walk:
                inner: list = []
                for child in mine:
                    self.substitutions(child, inner)
                self.inner_statements(inner, guards, function, depth)

    def word_rows(self, node) -> list[int]:
        """The start row of each word :meth:`simple` takes from a command node, in order."""
        rows: list[int] = []
        for child in node.children:
            ckind = child.type
            if ckind == "comment":
                continue
            if ckind == "command_name":
                rows.extend(part.start_point.row for part in child.children)
            elif ckind in ("file_redirect", "herestring_redirect"):
                rows.extend(child.start_point.row for _ in self.redirect_words(child))
            elif ckind in ("export", "local", "declare", "readonly", "typeset", "unset", "unsetenv",
                           "==", "=~", "=") or child.is_named:
                rows.append(child.start_point.row)
        return rows

    def flat_words(self, node, inner: list) -> list[str]:
        out: list[str] = []
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind in ("word", "string", "raw_string", "concatenation", "ansi_c_string", "translated_string") or kind in _VERBATIM:
                out.append(self.word(current))
                self.substitutions(current, inner)
            elif current.child_count == 0:
                out.append(self.text(current))
            else:
                stack.extend(reversed(current.children))
        return out

    def substitutions(self, node, inner: list) -> None:
        """Collect the ``$( )`` / backtick / ``<( )`` bodies inside one word node."""
        if node.type in ("word", "raw_string", "number", "variable_name", "ansi_c_string"):
            return
        stack = [(node, 0)]
        while stack:
            current, level = stack.pop()
            kind = current.type
            if kind == "command_substitution":
                inner.append((current, "$("))
                continue
            if kind == "process_substitution":
                inner.append((current, "<("))
                continue
            if level > MAX_DEPTH:
                continue
            if current.child_count:
                stack.extend((child, level + 1) for child in current.children if child.is_named)

    def command_string(self, seg: RawSegment, node, function: str, depth: int) -> None:
        """``bash -c '...'``, ``ssh host '...'``, ``su -c '...'``: read the string as commands."""
        if self.nested >= MAX_NESTED:
            return
        name = _program(seg.words)
        if name not in SHELLS and name not in ("ssh", "su"):
            return
        argv = _argv(seg.words)
        nested = _nested_command_string(argv, name)
        if not nested or not nested.strip():
            return
        reading = Reading()
        sub = _read_into(nested, reading, 0, self.via or name, self.nested + 1)
        for command in sub:
            for inner in command.segments:
                inner.rows = (seg.rows[0], seg.rows[1])
                inner.inner = True
                if not inner.via:
                    inner.via = self.via or name
                inner.guards = seg.guards + inner.guards
                inner.function = inner.function or function
                self.segments.append(inner)
            if command.segments:
                command.segments[0].op = ";"

    # ---- compound commands
    def if_statement(self, node, op: str, guards, function: str, depth: int) -> None:
        condition_nodes: list = []
        state = "cond"
        current_guards = guards
        own: tuple[str, ...] = ()
        for child in node.children:
            kind = child.type
            if kind == "if":
                continue
            if kind == "then":
                cond_text = self.condition_text("if", condition_nodes)
                own = (cond_text,)
                self.condition(condition_nodes, op, guards, function, depth, cond_text)
                condition_nodes = []
                state = "body"
                current_guards = guards + own
                op = ";"
                continue
            if kind == "fi":
                continue
            if kind == "elif_clause":
                self.elif_clause(child, guards + own, function, depth)
                continue
            if kind == "else_clause":
                self.statements(child, ";", guards + own, function, depth + 1)
                continue
            if state == "cond":
                condition_nodes.append(child)
            elif child.type == "comment":
                self.cut.append((child.start_byte, child.end_byte))
            elif child.is_named:
                self.statement(child, op, current_guards, function, depth + 1)
                op = ";"
        if state == "cond" and condition_nodes:  # broken `if` without `then`
            self.condition(condition_nodes, op, guards, function, depth, self.condition_text("if", condition_nodes))

    def elif_clause(self, node, guards, function: str, depth: int) -> None:
        condition_nodes: list = []
        body = False
        own = guards
        for child in node.children:
            kind = child.type
            if kind == "elif":
                continue
            if kind == "then":
                text = self.condition_text("elif", condition_nodes)
                self.condition(condition_nodes, ";", guards, function, depth, text)
                own = guards + (text,)
                body = True
                continue
            if not body:
                condition_nodes.append(child)
            elif child.type == "comment":
                self.cut.append((child.start_byte, child.end_byte))
            elif child.is_named:
                self.statement(child, ";", own, function, depth + 1)

    def loop(self, node, op: str, guards, function: str, depth: int) -> None:
        keyword = node.children[0].type if node.children else "while"
        condition_nodes = [c for c in node.children if c.type not in ("while", "until", "do_group")]
        text = self.condition_text(keyword, condition_nodes)
        self.condition(condition_nodes, op, guards, function, depth, text)
        body = node.child_by_field_name("body") or next((c for c in node.children if c.type == "do_group"), None)
        if body is not None:
            self.statements(body, ";", guards + (text,), function, depth + 1)

    def for_loop(self, node, op: str, guards, function: str, depth: int) -> None:
        if node.type == "for_statement" or node.type == "select_statement":
            words = ["for"]
            inner: list = []
            first_row = node.start_point.row
            last_row = first_row
            for child in node.children:
                kind = child.type
                if kind in ("do_group", "compound_statement"):
                    break
                if kind == "variable_name":
                    words.append(self.text(child))
                elif kind == "in":
                    words.append("in")
                elif child.is_named and kind != "comment":
                    words.append(self.word(child))
                    self.substitutions(child, inner)
                last_row = child.end_point.row
            self.segments.append(RawSegment(tuple(words), op, guards, " ".join(words), self.via,
                                            (first_row, last_row), False, function))
            self.unions.append((first_row, last_row))
            self.inner_statements(inner, guards, function, depth)
            op = ";"
        body = node.child_by_field_name("body") or next(
            (c for c in node.children if c.type in ("do_group", "compound_statement")), None)
        if body is not None:
            self.statements(body, op, guards, function, depth + 1)

    def condition_text(self, keyword: str, nodes: list) -> str:
        parts: list[str] = [keyword]
        for node in nodes:
            if node.is_named and node.type != "comment":
                parts.append(" ".join(self.text(node).split()))
        return " ".join(parts)

    def condition(self, nodes: list, op: str, guards, function: str, depth: int, text: str) -> None:
        own = guards + (text,)
        next_op = op
        for node in nodes:
            if node.type in (";", "&", "\n"):
                continue
            if node.type == "comment":
                self.cut.append((node.start_byte, node.end_byte))
                continue
            if not node.is_named:
                continue
            self.statement(node, next_op, own, function, depth + 1, condition=True)
            next_op = ";"

    # ---- errors
    def error(self, node) -> None:
        self.reading.unreadable.append((self.row0 + node.start_point.row + 1, self.row0 + node.end_point.row + 1))

    def mark_errors(self, node) -> None:
        """Report ERROR/MISSING nodes below a statement that is otherwise read normally."""
        stack = [(node, 0)]
        while stack:
            current, level = stack.pop()
            if current.type == "ERROR" or current.is_missing:
                self.error(current)
                continue
            if level < MAX_DEPTH and current.has_error:
                stack.extend((child, level + 1) for child in current.children)


#: compound commands whose redirections reach every command inside them
_GROUPS = frozenset((
    "compound_statement", "subshell", "if_statement", "while_statement", "until_statement", "for_statement",
    "c_style_for_statement", "select_statement", "case_statement",
))
_REDIRECT_HEAD = re.compile(r"(\d*|&)(>>|>\||>&|>|<>|<<<|<&|<)")


def _redirect_streams(word: str) -> frozenset[int]:
    """The file descriptors a redirection's first word sets (``2>&1``: 2; ``&>``: 1 and 2; ``<``: 0)."""
    match = _REDIRECT_HEAD.match(word)
    if match is None:
        return frozenset()
    fd, op = match.groups()
    if fd == "&":
        return frozenset((1, 2))
    if fd:
        return frozenset((int(fd),)) if len(fd) < 4 else frozenset()
    return frozenset((0,)) if op.startswith("<") and op != "<>" else frozenset((1,))


def _redirected_streams(words: tuple[str, ...]) -> frozenset[int]:
    """The file descriptors a command's own redirections set."""
    found: set[int] = set()
    for word in words:
        found |= _redirect_streams(word)
    return frozenset(found)


_STATEMENT_TYPES = frozenset((
    "command", "declaration_command", "unset_command", "test_command", "variable_assignment",
    "variable_assignments", "negated_command", "list", "pipeline", "redirected_statement", "if_statement",
    "while_statement", "until_statement", "for_statement", "c_style_for_statement", "select_statement",
    "case_statement", "function_definition", "compound_statement", "subshell", "ERROR",
))

#: a line break that ends a command: not escaped by a backslash
_BARE_NEWLINE_RE = re.compile(rb"(?<!\\)\r\n|(?<![\\\r])\n")
#: words that open or close a compound command: never a command's name
_RESERVED = frozenset(("if", "then", "elif", "else", "fi", "do", "done", "while", "until", "case", "esac",
                       "{", "}", "!", ";", ";;", "&&", "||", "|"))
#: a ``[`` that starts a test command: after a blank, an operator, ``!`` or a line start, before a blank
_TEST_BRACKET_RE = re.compile(rb"(?:(?<=[\s;&|(!{`])|^)\[(?=[ \t])", re.MULTILINE)

_ASSIGN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_WRAPPERS = frozenset(("sudo", "doas", "env", "exec", "nohup", "command", "builtin", "nice", "timeout", "!"))


def _argv(words: tuple[str, ...]) -> tuple[str, ...]:
    i = 0
    n = len(words)
    while i < n and (_ASSIGN_RE.match(words[i]) or words[i] in _WRAPPERS):
        if words[i] in ("sudo", "doas"):
            i += 1
            while i < n and words[i].startswith("-"):
                i += 2 if words[i] in ("-u", "-g", "-C", "-h", "-p", "-U") else 1
            continue
        if words[i] == "timeout":
            i += 1
            while i < n and words[i].startswith("-"):
                i += 1
        i += 1
    return words[i:]


def _program(words: tuple[str, ...]) -> str:
    argv = _argv(words)
    return argv[0].rsplit("/", 1)[-1] if argv else ""


_REDIRECT_RE = re.compile(r"^[0-9]*(<<-?|<|>>?|>&|&>)")


def _nested_command_string(words: tuple[str, ...], name: str) -> str | None:
    """The command string of ``ssh host 'cmd'``, ``bash -c 'cmd'``, ``su -c 'cmd'``."""
    if name == "ssh":
        i = 1
        args_with_value = set("BbcDEeFIiJLlmOopQRSWw")
        while i < len(words) and words[i].startswith("-"):
            flag = words[i]
            i += 2 if len(flag) == 2 and flag[1] in args_with_value else 1
        rest = [w for w in words[i + 1:] if not _REDIRECT_RE.match(w)]
        return " ".join(rest) if rest else None
    for j, word in enumerate(words[1:], 1):
        if word == "-c" or (word.startswith("-") and not word.startswith("--") and word.endswith("c") and name in SHELLS):
            if j + 1 < len(words):
                return words[j + 1]
    return None


_SSH_SHELL_ARGS = (None, "bash", "sh", "bash -s", "sh -s", "bash -se", "bash -s --", "bash -l", "sudo bash", "sudo -i")


def _reads_commands(segments: list[RawSegment]) -> str:
    """'ssh'/'bash'/... when a heredoc feeds commands to a shell; '' otherwise."""
    for seg in segments:
        if not any(w.startswith("<<") and not w.startswith("<<<") for w in seg.words):
            continue
        argv = tuple(w for w in _argv(seg.words) if not w.startswith("<<"))
        name = argv[0].rsplit("/", 1)[-1] if argv else ""
        if name == "ssh":
            return "ssh" if _nested_command_string(argv, "ssh") in _SSH_SHELL_ARGS else ""
        if name in SHELLS and "-c" not in argv:
            return name
        if name in ("su", "sudo"):
            return name
        if name in ("docker", "podman", "kubectl", "oc") and "exec" in argv and any(
                w.rsplit("/", 1)[-1] in SHELLS for w in argv[-2:]):
            return name
        return ""
    return ""


# -- reading -------------------------------------------------------------------------


def _parse(data: bytes):
    try:
        return _PARSER.parse(data)
    except Exception:  # pragma: no cover - tree-sitter raises only on misuse
        return None


def _read_into(text: str, reading: Reading, row0: int, via: str, nested: int,
               masked: str | None = None, command_via: str = "") -> list[RawCommand]:
    source = text.encode("utf-8", "surrogatepass")
    data = masked.encode("utf-8", "surrogatepass") if masked is not None else source
    if len(data) != len(source):  # pragma: no cover - masking keeps byte lengths
        data = source
    if b"[" in data:  # `[` is a command: parse it as one (tree-sitter/tree-sitter-bash#316)
        data = _TEST_BRACKET_RE.sub(b"_", data)
    tree = _parse(data)
    if tree is None:  # pragma: no cover
        reading.unreadable.append((row0 + 1, row0 + text.count("\n") + 1))
        return []
    walker = _Walker(source, row0, via, command_via, nested, reading)
    known = len(reading.unreadable)
    walker.statements(tree.root_node, "", (), "", 0)
    if tree.root_node.has_error and len(reading.unreadable) == known:
        walker.mark_errors(tree.root_node)  # a missing token the walk stepped over (an `if` without `fi`)
    del tree  # nothing of the tree outlives the walk
    commands = _group(walker)
    # heredoc bodies fed to a shell: their commands, at their own lines
    for _, body, body_row, fed in walker.heredocs:
        if fed and nested < MAX_NESTED and body.strip():
            commands.extend(_read_into(body, reading, row0 + body_row, "", nested + 1, command_via=fed))
    return commands


def _group(walker: _Walker) -> list[RawCommand]:
    """Join segments into logical lines: the rows a segment spans or an operator ties."""
    segments = walker.segments
    if not segments:
        return []
    spans = sorted([(a, b) if a <= b else (b, a) for a, b in walker.unions]
                   + [seg.rows for seg in segments])
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1][1] = b
        else:
            merged.append([a, b])
    firsts = [a for a, _ in merged]
    # a node left open at the end of the text (an unterminated backtick or quote) ends at the
    # empty row after the last newline: never past the text's last line
    src = walker.src
    top = max(src.count(b"\n") - (1 if src.endswith(b"\n") else 0), 0)
    for span in merged:
        span[1] = max(span[0], min(span[1], top))
    groups: dict[int, list[RawSegment]] = {}
    for seg in segments:
        index = bisect.bisect_right(firsts, seg.rows[0]) - 1
        groups.setdefault(index, []).append(seg)
        seg.line, seg.end_line = walker.row0 + seg.rows[0] + 1, walker.row0 + max(seg.rows[0], min(seg.rows[1], top)) + 1
    starts = _line_starts(src)
    heredocs: dict[int, list[tuple[str, int]]] = {}
    for row, body, body_row, _ in walker.heredocs:
        heredocs.setdefault(row, []).append((body, body_row))
    cut = sorted(walker.cut)
    out: list[RawCommand] = []
    for index in sorted(groups):
        first, last = merged[index]
        begin = starts[first] if first < len(starts) else len(src)
        finish = starts[last + 1] if last + 1 < len(starts) else len(src)
        members = groups[index]
        members[0].op = ""
        norm = " ".join(_without(src, begin, finish, cut).replace("\\\n", " ").split())
        bodies = [doc for row in range(first, last + 1) for doc in heredocs.get(row, ())]
        out.append(RawCommand(
            text=norm, line=walker.row0 + first + 1, end_line=walker.row0 + last + 1, segments=members,
            heredoc="\n".join(body for body, _ in bodies),
            heredoc_line=(walker.row0 + bodies[0][1] + 1) if bodies else None,
            via=walker.command_via,
        ))
    return out


def _line_starts(src: bytes) -> list[int]:
    starts = [0]
    find = src.find
    pos = find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    return starts


def _without(src: bytes, begin: int, finish: int, cut: list[tuple[int, int]]) -> str:
    """Bytes ``begin:finish`` of ``src`` without the cut ranges (comments, heredoc bodies)."""
    parts: list[bytes] = []
    pos = begin
    index = bisect.bisect_left(cut, (begin, -1))
    if index > 0 and cut[index - 1][1] > begin:
        index -= 1
    while index < len(cut) and cut[index][0] < finish:
        a, b = cut[index]
        if a > pos:
            parts.append(src[pos:a])
        pos = max(pos, b)
        index += 1
    if pos < finish:
        parts.append(src[pos:finish])
    return b"".join(parts).decode("utf-8", "replace")


def segments_of(text: str) -> list[RawSegment]:
    """The simple commands of a short text (a command kept in a variable, a trap's string)."""
    reading = Reading()
    try:
        commands = _read_into(text, reading, 0, "", MAX_NESTED)
    except RecursionError:  # pragma: no cover
        return []
    return [seg for command in commands for seg in command.segments]


def split_words(text: str) -> tuple[str, ...]:
    """Shell words of a short text, quotes removed (operators end nothing: all words)."""
    return tuple(word for seg in segments_of(text) for word in seg.words)


def read(text: str, *, first_line: int = 1, masked: str | None = None) -> Reading:
    """Read shell ``text`` whose first line is line ``first_line`` of its file.

    ``masked`` is the same text with host syntax (``${{ }}``) replaced byte for byte
    (see :func:`mask_expressions`): it is what gets parsed, while word and command
    texts come from ``text``.  Never raises.
    """
    reading = Reading()
    try:
        reading.commands = _read_into(text, reading, first_line - 1, "", 0, masked)
    except RecursionError:  # pragma: no cover - the walk is bounded by MAX_DEPTH
        reading.too_deep.append(first_line)
    return reading
