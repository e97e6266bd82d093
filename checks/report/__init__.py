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


def dumps(value) -> str:
    """``value`` (JSON-shaped) as indented JSON text that is valid UTF-8.

    Encoded as it is first: only when the text holds a lone surrogate (an undecodable byte of
    a file name, rare) is it encoded again through :func:`unicode_safe`.  The JSON encoder
    writes every other character as it is, so the two texts are equal whenever there is none;
    rebuilding the whole document first cost more than encoding it."""
    import json

    from ..textsafe import has_lone_surrogate

    text = json.dumps(value, indent=2, ensure_ascii=False)
    if not text.isascii() and has_lone_surrogate(text):
        text = json.dumps(unicode_safe(value), indent=2, ensure_ascii=False)
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
