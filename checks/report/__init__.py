"""Renderers: JSON (a public contract), SARIF 2.1.0, Markdown and HTML reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..api import Finding
from ..discovery import Notice

#: the status of a finding for reports: open, accepted, deferred or suppressed
StatusOf = Callable[[Finding], str]


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
