"""The JSON output of ``auditui scan``: a public, versioned contract (see README)."""

from __future__ import annotations

from collections import Counter

from ..api import Finding, Severity
from . import AuditResult, dumps

VERSION = 1


def finding_dict(finding: Finding, status: str) -> dict:
    check = finding.check
    return {
        "check_id": finding.code,
        "check_name": finding.name,
        "severity": finding.severity.label,
        "title": finding.title,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "end_line": finding.end_line,
        "resource": finding.resource,
        "evidence": finding.evidence,
        "fingerprint": finding.fingerprint,
        "category": finding.category.value,
        "status": status,
        "suppressed_by": finding.suppressed_by,
        "context": finding.context,
        "context_reason": finding.context_reason,
        "remediation": list(check.remediation),
        "effort": check.effort,
        "references": list(check.references),
        # every place of a repeated problem (one finding, several lines); [] when it occurs once
        "occurrences": [{"line": line, "end_line": end} for line, end in finding.occurrences],
    }


def to_dict(result: AuditResult) -> dict:
    rows = [finding_dict(f, result.status_of(f)) for f in result.findings]
    by_sev = Counter(r["severity"] for r in rows)
    by_status = Counter(r["status"] for r in rows)
    summary = {
        "findings": len(rows),
        "by_severity": {s.label: by_sev.get(s.label, 0) for s in reversed(Severity)},
        "by_status": dict(sorted(by_status.items())),
    }
    summary.update({k: v for k, v in result.summary.items() if k not in summary})
    return {
        "version": VERSION,
        "root": result.root,
        "findings": rows,
        "notices": [n.as_dict() for n in result.notices],
        "summary": summary,
    }


def render(result: AuditResult) -> str:
    """The JSON document; always valid UTF-8 (an undecodable byte of a file name is ``\\xNN``)."""
    return dumps(to_dict(result))
