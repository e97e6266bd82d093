"""Strings from a repository or a user are data: make them inert before showing them.

A file name, a resource name, a line of evidence or a triage note may hold terminal
control sequences (``ESC[2J`` clears the screen, OSC 0 retitles the window, OSC 8
plants a link), bidirectional overrides that reorder what a reader sees, or line
breaks that forge extra lines in a one-line field.  Every renderer (text output,
Markdown, HTML, SARIF, the app) passes such strings through :func:`inert` first;
markup escaping (Rich, Markdown, HTML) is the renderer's own job on top of it.

This module is the one answer to "is this character safe to print?".
"""

from __future__ import annotations

import re

__all__ = ["inert", "one_line", "has_control", "valid_unicode", "has_lone_surrogate"]

#: C0 controls except tab and newline, DEL, C1 controls, the Unicode characters that
#: break lines or reorder text without being visible (LS, PS, bidi embeddings/overrides/isolates,
#: and the zero-width/BOM characters that hide text), and lone surrogates: a file name that is
#: not UTF-8 reaches Python with each undecodable byte as U+DC80-U+DCFF ("surrogateescape"),
#: which no UTF-8 output can hold; such a byte is shown as ``\xNN``, as git quotes it.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff"
    "\ud800-\udfff]"
)
_UNSAFE_OR_NEWLINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff\ud800-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def valid_unicode(text: str) -> str:
    """``text`` with only its lone surrogates escaped (``\\xNN`` for an undecodable byte):
    for formats such as JSON that escape control characters themselves but must be UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub(_escape, text)


def has_lone_surrogate(text: str) -> bool:
    """True when :func:`valid_unicode` would change ``text``."""
    return _SURROGATE.search(text) is not None


def inert(text: object) -> str:
    """``text`` with every control or invisible reordering character shown as an escape.

    Tabs and newlines are kept (multi-line evidence stays multi-line); a lone carriage
    return is escaped, since it would overwrite what was printed before it on the line.
    ``None`` gives an empty string.
    """
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():  # the common case costs one scan
        return value
    return _UNSAFE.sub(_escape, value)


def one_line(text: object) -> str:
    """:func:`inert`, with tabs and line breaks escaped too: for fields that are one line."""
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        return value
    return _UNSAFE_OR_NEWLINE.sub(_escape, value)


def has_control(text: str) -> bool:
    """True when :func:`inert` would change ``text``."""
    return bool(_UNSAFE.search(text))
