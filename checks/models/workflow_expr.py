"""GitHub Actions expressions (``if:`` conditions) read as a tree, and the guards they hold.

A job's ``if:`` decides who reaches it. :func:`head_guard` reads a condition and names the
part that keeps outsiders' pull requests out (the head is a branch of this repository, the
author is a member or a bot, a maintainer's label), or returns None when nothing does: a guard
that is negated, or OR-ed with a term an outsider can make true, does not count. A condition
that cannot be parsed holds no guard (never assumed safe).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# -- parsing -------------------------------------------------------------------------------

# linear on any input (tests/test_redos.py): no optional whitespace inside a repeated group;
# the whitespace between tokens is skipped outside the pattern
_TOKEN_RE = re.compile(
    r"(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[<>!(),\[\]])"
    r"|(?P<path>[A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\*)|\[(?:'[^']*'|\d+|\*)\])*)"
)

Node = tuple  # ("or"|"and", [nodes]) | ("not", node) | ("cmp", op, a, b) | ("call", name, [args])
#               | ("path", "github.x.y") | ("lit", value)


class _Unreadable(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        while text[pos] in " \t\r\n":
            pos += 1
        match = _TOKEN_RE.match(text, pos)
        if match is None or match.end() == pos:
            raise _Unreadable(text[pos:pos + 20])
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


def _path(raw: str) -> str:
    # github.event['pull_request'] . head -> github.event.pull_request.head
    text = re.sub(r"\[\s*'([^']*)'\s*\]", r".\1", raw)
    text = re.sub(r"\[\s*(\d+|\*)\s*\]", r".\1", text)
    return re.sub(r"\s+", "", text).lower()


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise _Unreadable("end")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, value: str) -> None:
        if self.take()[1] != value:
            raise _Unreadable(value)

    def parse(self) -> Node:
        node = self.or_()
        if self.pos != len(self.tokens):
            raise _Unreadable("trailing")
        return node

    def or_(self) -> Node:
        terms = [self.and_()]
        while self.peek() == "||":
            self.take()
            terms.append(self.and_())
        return terms[0] if len(terms) == 1 else ("or", terms)

    def and_(self) -> Node:
        terms = [self.not_()]
        while self.peek() == "&&":
            self.take()
            terms.append(self.not_())
        return terms[0] if len(terms) == 1 else ("and", terms)

    def not_(self) -> Node:
        if self.peek() == "!":
            self.take()
            return ("not", self.not_())
        return self.cmp()

    def cmp(self) -> Node:
        left = self.primary()
        if self.peek() in ("==", "!=", "<", ">", "<=", ">="):
            op = self.take()[1]
            return ("cmp", op, left, self.primary())
        return left

    def primary(self) -> Node:
        kind, value = self.take()
        if value == "(" and kind == "op":
            node = self.or_()
            self.expect(")")
            return node
        if kind == "str":
            return ("lit", value[1:-1].replace("''", "'"))
        if kind == "num":
            return ("lit", float(value))
        if kind == "path":
            name = _path(value)
            if self.peek() == "(" and "." not in name:
                self.take()
                args: list[Node] = []
                if self.peek() != ")":
                    args.append(self.or_())
                    while self.peek() == ",":
                        self.take()
                        args.append(self.or_())
                self.expect(")")
                return ("call", name, args)
            if name in ("true", "false"):
                return ("lit", name == "true")
            if name == "null":
                return ("lit", None)
            return ("path", name)
        raise _Unreadable(value)


def parse_condition(condition: Any) -> Node | None:
    """The tree of an ``if:`` condition (with or without ``${{ }}``); None when it cannot be read."""
    if isinstance(condition, bool):
        return ("lit", condition)
    if not isinstance(condition, str):
        return None
    text = condition.strip()
    if text.startswith("${{") and text.endswith("}}") and text.count("${{") == 1:
        text = text[3:-2]
    elif "${{" in text:
        return None  # text around an expression: a string, always true
    try:
        return _Parser(_tokens(text)).parse()
    except (_Unreadable, RecursionError):
        return None


# -- guards ----------------------------------------------------------------------------------

#: how far each kind of guard keeps outsiders out, strongest first
SAME_REPO = "same-repo"  # the head is a branch of this repository (only writers push there)
MEMBER_AUTHOR = "member-author"  # the pull request's author is an owner, member or collaborator
BOT_AUTHOR = "bot-author"  # the pull request was opened by a bot (Dependabot, Renovate): its branch is here
MEMBER_COMMENTER = "member-commenter"  # the comment's author is a member (the head can still be an outsider's)
LABEL = "label"  # a maintainer's label: the head can change after it was put on
BOT_ACTOR = "bot-actor"  # github.actor is a bot: an outsider can make it so (a re-run, a bot's push to a fork)
_ORDER = (SAME_REPO, MEMBER_AUTHOR, BOT_AUTHOR, MEMBER_COMMENTER, LABEL, BOT_ACTOR)
#: guards that keep every outsider's pull request out of the job
STRONG = frozenset((SAME_REPO, MEMBER_AUTHOR, BOT_AUTHOR))
_MEMBERS = frozenset(("OWNER", "MEMBER", "COLLABORATOR"))


@dataclass(frozen=True)
class Guard:
    kind: str
    text: str  # the guarding term, as a reader would write it

    @property
    def strong(self) -> bool:
        return self.kind in STRONG


def _pr(path: str) -> str | None:
    """The pull request field a path names (``head.repo.full_name``), for the events that carry one."""
    for prefix in ("github.event.pull_request.", "github.event.workflow_run.pull_requests.*.",
                   "github.event.issue."):
        if path.startswith(prefix):
            return path[len(prefix):]
    return None


def _show(node: Node) -> str:
    kind = node[0]
    if kind == "path":
        return node[1]
    if kind == "lit":
        return f"'{node[1]}'" if isinstance(node[1], str) else json.dumps(node[1])
    if kind == "call":
        return f"{node[1]}({', '.join(_show(a) for a in node[2])})"
    if kind == "cmp":
        return f"{_show(node[2])} {node[1]} {_show(node[3])}"
    if kind == "not":
        return f"!{_show(node[1])}"
    return f" {'&&' if kind == 'and' else '||'} ".join(_show(t) for t in node[1])


def _literal_list(node: Node) -> list[str] | None:
    """The strings of ``fromJSON('["OWNER","MEMBER"]')``, ``'OWNER,MEMBER'`` or a literal; None otherwise."""
    if node[0] == "call" and node[1] == "fromjson" and len(node[2]) == 1 and node[2][0][0] == "lit":
        try:
            value = json.loads(str(node[2][0][1]))
        except ValueError:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None
    if node[0] == "lit" and isinstance(node[1], str):
        return [node[1]]
    return None


def _same_repo_sides(a: Node, b: Node) -> bool:
    heads = ("github.event.pull_request.head.repo.full_name", "github.event.workflow_run.head_repository.full_name")
    if a[0] == "path" and a[1] in heads:
        return (b[0] == "path" and b[1] == "github.repository") or (
            b[0] == "lit" and isinstance(b[1], str) and b[1].count("/") == 1)
    owners = ("github.event.pull_request.head.repo.owner.login", "github.event.workflow_run.head_repository.owner.login")
    return a[0] == "path" and a[1] in owners and b[0] == "path" and b[1] == "github.repository_owner"


def _equality_guard(a: Node, b: Node) -> str | None:
    if _same_repo_sides(a, b) or _same_repo_sides(b, a):
        return SAME_REPO
    for x, y in ((a, b), (b, a)):
        if x[0] != "path" or y[0] != "lit":
            continue
        path, value = x[1], y[1]
        if path == "github.event.pull_request.head.repo.fork" and value is False:
            return SAME_REPO
        field = _pr(path)
        if isinstance(value, str):
            if field == "author_association" and value.upper() in _MEMBERS:
                return MEMBER_AUTHOR
            if path == "github.event.comment.author_association" and value.upper() in _MEMBERS:
                return MEMBER_COMMENTER
            if field == "user.login" and value.lower().endswith("[bot]"):
                return BOT_AUTHOR
            if path in ("github.actor", "github.triggering_actor") and value.lower().endswith("[bot]"):
                return BOT_ACTOR
            if path == "github.event.label.name":
                return LABEL
    return None


def _guard_kind(node: Node) -> str | None:
    kind = node[0]
    if kind == "and":
        found = [k for k in (_guard_kind(t) for t in node[1]) if k is not None]
        return min(found, key=_ORDER.index) if found else None
    if kind == "or":
        kinds = [_guard_kind(t) for t in node[1]]
        alternatives = [k for k in kinds if k is not None]
        if len(alternatives) < len(kinds):
            return None  # one alternative an outsider can satisfy opens the job
        return max(alternatives, key=_ORDER.index)
    if kind == "not":
        inner = node[1]
        if inner[0] == "path" and inner[1] == "github.event.pull_request.head.repo.fork":
            return SAME_REPO
        return None
    if kind == "cmp":
        op, a, b = node[1], node[2], node[3]
        if op == "==":
            return _equality_guard(a, b)
        if op == "!=":
            for x, y in ((a, b), (b, a)):
                if x == ("path", "github.event.pull_request.head.repo.fork") and y == ("lit", True):
                    return SAME_REPO
        return None
    if kind == "call" and node[1] == "contains" and len(node[2]) == 2:
        haystack, needle = node[2]
        values = _literal_list(haystack)
        if values is not None and needle[0] == "path":
            path = needle[1]
            if _pr(path) == "author_association" and values and all(v.upper() in _MEMBERS for v in values):
                return MEMBER_AUTHOR
            if path == "github.event.comment.author_association" and values and all(
                    v.upper() in _MEMBERS for v in values):
                return MEMBER_COMMENTER
            if _pr(path) == "user.login" and values and all(v.lower().endswith("[bot]") for v in values):
                return BOT_AUTHOR
            if path in ("github.actor", "github.triggering_actor") and values and all(
                    v.lower().endswith("[bot]") for v in values):
                return BOT_ACTOR
        if haystack[0] == "path" and re.fullmatch(
                r"github\.event\.(?:pull_request|issue)\.labels\.\*\.name", haystack[1]) and needle[0] == "lit":
            return LABEL
    return None


def _guard_term(node: Node, kind: str) -> Node | None:
    """The first term of ``node`` that gives a guard of ``kind`` (to name in a message)."""
    if node[0] == "and":
        for term in node[1]:
            if _guard_kind(term) == kind:
                return _guard_term(term, kind)
    return node


def head_guard(*conditions: Any) -> Guard | None:
    """The strongest guard the ``if:`` conditions (a job's, then a step's) hold together, or None.

    A fork test (``!head.repo.fork``, ``head.repo.fork == false``) is only read for
    pull_request_target: on the other events the field is null and the test passes.
    """
    found: list[Guard] = []
    for condition in conditions:
        if condition is None:
            continue
        tree = parse_condition(condition)
        if tree is None:
            continue
        kind = _guard_kind(tree)
        if kind is not None:
            term = _guard_term(tree, kind) or tree
            text = _show(term)
            found.append(Guard(kind, text if len(text) <= 140 else text[:137] + "..."))
    return min(found, key=lambda g: _ORDER.index(g.kind)) if found else None


def fork_test_only(guard: Guard) -> bool:
    """True when the guard tests only the head repository's fork flag (null, and passing, outside pull requests)."""
    return ".fork" in guard.text and "full_name" not in guard.text and "owner.login" not in guard.text


def guard_for(events: Any, *conditions: Any) -> Guard | None:
    """:func:`head_guard` for a workflow that runs on ``events``: a fork test only counts when
    every privileged event it runs on carries a pull request (pull_request_target)."""
    guard = head_guard(*conditions)
    if guard is None:
        return None
    others = set(events) & {"workflow_run", "issue_comment", "repository_dispatch"}
    if fork_test_only(guard) and others:
        return None
    return guard
