"""Glob and ignore-file matching in linear time, for patterns a repository writes.

A ``.gitignore``, a ``.dockerignore`` or the ``exclude`` / ``per-path-ignores`` of a
repository's own ``.auditui/config.toml`` are written by whoever wrote the repository.
Translated into a backtracking regular expression, a 12-byte line such as
``**********b`` takes minutes on a path that does not match (each ``*`` multiplies the
work), and ``**/`` twelve times then ``x`` in a ``.dockerignore`` takes 22 s.

Every such pattern is matched here by RE2 (``google-re2``), whose automaton runs in time
linear in the path whatever the pattern.  ``pathspec`` keeps the ``.gitignore``
semantics (its RE2 backend is selected explicitly); the ``.dockerignore`` translation
of :mod:`models.dockerfile` compiles its expression with :func:`linear_regex`.  We chose
RE2 over a hand-written glob matcher because it keeps ``pathspec``'s git-compatible
translation unchanged (no second implementation of gitignore to keep in step with git),
and over collapsing ``*`` runs alone because ``*a*a*a*a*b`` is just as slow without runs.

A line ``pathspec`` refuses (``foo\\``, a lone ``!``) is dropped with a problem message
instead of stopping the scan; git ignores such lines too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

try:  # the wheel is a dependency; without it matching falls back to Python's re (slow on bait)
    import re2 as _re2

    _OPTIONS = _re2.Options()
    _OPTIONS.log_errors = False  # an invalid pattern is our business, not a line on stderr
    _OPTIONS.dot_nl = True  # a path may hold a newline; '.' crosses it as in re.DOTALL
except ImportError:  # pragma: no cover - exercised only where google-re2 has no wheel
    _re2 = None

__all__ = ["LINEAR", "NEVER", "IgnoreSpec", "check_pattern", "gitignore_spec", "linear_regex", "matchable",
           "normalise_stars"]

#: True when matching is linear-time (google-re2 is installed)
LINEAR = _re2 is not None
_BACKEND = "re2" if LINEAR else "simple"

#: at most this many rules of one ignore file are read (real ones have tens)
MAX_RULES = 5000
#: longer lines are not patterns anybody wrote by hand; they are dropped with a problem
MAX_PATTERN = 4096


def normalise_stars(line: str) -> str:
    """``line`` with every run of three or more unescaped ``*`` written as ``**``.

    Git's wildmatch treats any run of asterisks as ``**`` (between slashes) or ``*``
    (elsewhere), so ``***/x`` is ``**/x``; ``pathspec`` reads a run of three as a
    literal-looking ``*`` plus ``**``, which differs from git and multiplies the work.
    """
    if "***" not in line:
        return line
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            out.append(line[i:i + 2])
            i += 2
            continue
        if ch == "*":
            j = i
            while j < n and line[j] == "*":
                j += 1
            out.append("**" if j - i >= 2 else "*")
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@dataclass
class IgnoreSpec:
    """A compiled ignore file: :meth:`match` answers for one path; ``problems`` lists dropped lines."""

    spec: pathspec.PathSpec | None
    problems: tuple[str, ...] = ()

    def match(self, path: str) -> bool:
        if self.spec is None:
            return False
        try:
            return self.spec.match_file(path)
        except UnicodeEncodeError:  # a file name that is not UTF-8 (see matchable)
            return self.spec.match_file(matchable(path))


_SURROGATE = re.compile("[\ud800-\udfff]")


def matchable(text: str) -> str:
    """``text`` with lone surrogates (the undecodable bytes of a non-UTF-8 file name, as
    Python's ``surrogateescape`` keeps them) replaced by U+FFFD, which RE2 can take."""
    return _SURROGATE.sub("\ufffd", text)


def _compile(lines: Sequence[str]) -> pathspec.PathSpec:
    import pathspec  # imported when the first ignore file is read: a repository without one never pays for it

    return pathspec.GitIgnoreSpec.from_lines(lines, backend=_BACKEND)


def gitignore_spec(lines: Iterable[str]) -> IgnoreSpec:
    """The ``.gitignore``-style rules of ``lines`` (git's semantics, matched in linear time).

    Lines ``pathspec`` refuses, and absurdly long lines, are left out; each is named in
    ``problems`` (``line 3: 'foo\\' is not a valid pattern; ignored``) so the caller can
    turn it into a notice.  Rules past :data:`MAX_RULES` are left out with one problem.
    """
    kept: list[str] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if len(line) > MAX_PATTERN:
            problems.append(f"line {number}: pattern longer than {MAX_PATTERN} characters; ignored")
            kept.append("")
            continue
        kept.append(normalise_stars(matchable(line)))
        if len(kept) > MAX_RULES:
            problems.append(f"more than {MAX_RULES} lines; the rest is ignored")
            kept.pop()
            break
    try:
        return IgnoreSpec(_compile(kept), tuple(problems))
    except Exception:  # noqa: BLE001 - pathspec raises several types; find the lines, keep the rest
        good: list[str] = []
        for number, line in enumerate(kept, 1):
            try:
                _compile([line])
            except Exception:  # noqa: BLE001
                shown = line if len(line) <= 80 else line[:77] + "..."
                problems.append(f"line {number}: {shown!r} is not a valid pattern; ignored")
                good.append("")
                continue
            good.append(line)
        problems.sort(key=_line_number)
        return IgnoreSpec(_compile(good), tuple(problems))


def _line_number(problem: str) -> int:
    head = problem.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") and head[5:].isdigit() else 1 << 30


def check_pattern(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid gitignore-style glob, or None when it is."""
    spec = gitignore_spec([pattern])
    return spec.problems[0].split(": ", 1)[1] if spec.problems else None


class _Never:
    """A compiled expression that matches nothing (for patterns the tool itself refuses)."""

    pattern = "(?!)"

    def match(self, text: str, *args) -> None:  # noqa: ARG002
        return None

    search = fullmatch = match


NEVER = _Never()


def linear_regex(source: str):
    """``source`` compiled by RE2 (dot matches newline), or :data:`NEVER` when RE2 refuses it.

    The result has ``match``, ``search`` and ``fullmatch`` like a ``re.Pattern``.
    Without google-re2 it is compiled by Python's ``re`` (correct, not linear).
    """
    if _re2 is None:  # pragma: no cover
        import re

        try:
            return re.compile(source, re.DOTALL)
        except re.error:
            return NEVER
    try:
        return _Linear(_re2.compile(matchable(source), _OPTIONS))
    except Exception:  # noqa: BLE001 - re2.error, or a TypeError on odd input
        return NEVER


class _Linear:
    """An RE2 expression that also takes text with lone surrogates (see :func:`matchable`)."""

    __slots__ = ("_regex", "pattern")

    def __init__(self, regex) -> None:
        self._regex = regex
        self.pattern = regex.pattern

    def match(self, text: str, *args):
        try:
            return self._regex.match(text, *args)
        except UnicodeEncodeError:
            return self._regex.match(matchable(text), *args)

    def search(self, text: str, *args):
        try:
            return self._regex.search(text, *args)
        except UnicodeEncodeError:
            return self._regex.search(matchable(text), *args)

    def fullmatch(self, text: str, *args):
        try:
            return self._regex.fullmatch(text, *args)
        except UnicodeEncodeError:
            return self._regex.fullmatch(matchable(text), *args)
