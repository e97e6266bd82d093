"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote_from_bytes

from ..api import Check, Finding, Severity
from . import AuditResult, dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/auditui/auditui"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub maps security-severity to critical (>= 9), high (>= 7), medium (>= 4), low
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def _help_markdown(check: Check) -> str:
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(check.remediation, 1))
    refs = "\n".join(f"- <{ref}>" for ref in check.references)
    text = f"**{check.title}** (`{check.code}` {check.name})\n\n{check.rationale}\n\n**Remediation** (effort: {check.effort})\n\n{steps}\n"
    if refs:
        text += f"\n**References**\n\n{refs}\n"
    return text


def _help_text(check: Check) -> str:
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(check.remediation, 1))
    return f"{check.rationale}\n\nRemediation (effort {check.effort}):\n{steps}"


def rule(check: Check) -> dict:
    return {
        "id": check.code,
        "name": "".join(part.capitalize() for part in check.name.split("-")),
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.rationale},
        "help": {"text": _help_text(check), "markdown": _help_markdown(check)},
        "helpUri": check.references[0] if check.references else INFO_URI,
        "defaultConfiguration": {"level": _LEVEL[check.severity]},
        "properties": {
            "tags": ["security", "infrastructure", check.category.value],
            "security-severity": _SECURITY_SEVERITY[check.severity],
            "precision": "high",
        },
    }


def _line_hash(root: str, finding: Finding) -> str:
    """GitHub's primaryLocationLineHash: a hash of the finding's line text."""
    text = ""
    if finding.path and finding.line:
        from .. import safeio
        from ..discovery import MAX_BYTES

        try:  # the file was audited, but the tree may have changed: read it as any audited file
            content = safeio.read_text(Path(root) / finding.path, root=root, limit=MAX_BYTES, errors="replace")
        except (OSError, ValueError):
            content = ""
        lines = content.split("\n", finding.line)
        if len(lines) >= finding.line:
            text = lines[finding.line - 1].strip()
    digest = hashlib.sha256(f"{finding.code}:{text}".encode()).hexdigest()[:16]
    return f"{digest}:1"


def repository_anchor(root: str, findings: list[Finding]) -> str:
    """The file repository-level findings point at (code scanning needs a file).

    The repository's README when it has one (that is where a reader starts), else the
    first file that has findings, else ``README.md``.
    """
    try:
        names = sorted(p.name for p in Path(root).iterdir() if p.is_file() and p.name.lower().startswith("readme"))
    except OSError:
        names = []
    if names:
        return names[0]
    paths = sorted({f.path for f in findings if f.path and f.path != "."})
    return paths[0] if paths else "README.md"


def result_dict(root: str, finding: Finding, status: str, anchor: str = "README.md") -> dict:
    repository_level = finding.path in (None, ".")
    uri = path_uri(anchor if repository_level or finding.path is None else finding.path)
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}}
    if finding.line:
        location["physicalLocation"]["region"] = {
            "startLine": finding.line,
            "endLine": max(finding.end_line or finding.line, finding.line),
        }
    if finding.resource:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.resource, "kind": "resource"}]
    result: dict = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {
            "auditui/v1": finding.fingerprint,
            "primaryLocationLineHash": _line_hash(root, finding),
        },
        "properties": {"severity": finding.severity.label, "category": finding.category.value,
                       "context": finding.context},
    }
    if repository_level:
        result["properties"]["scope"] = "repository"  # not about the file it is shown on
    if finding.evidence:
        result["properties"]["evidence"] = finding.evidence
    if finding.context_reason:
        result["properties"]["contextReason"] = finding.context_reason
    if status in ("accepted", "deferred"):
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f"{status} in auditui triage"}]
    elif status == "suppressed":
        result["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": finding.suppressed_by or "suppressed"}]
    return result


def to_dict(result: AuditResult, checks: tuple[Check, ...] | None = None) -> dict:
    from .. import registry
    from ..version import __version__

    catalog = checks if checks is not None else registry.ALL_CHECKS
    anchor = repository_anchor(result.root, result.findings)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "auditui",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": [rule(c) for c in catalog],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(result.root).absolute().as_uri() + "/"}},
                "results": [result_dict(result.root, f, result.status_of(f), anchor) for f in result.findings],
                "properties": {"persona": result.summary.get("persona", "regular")},  # checks/persona.py
                "invocations": [{
                    "executionSuccessful": True,
                    "toolExecutionNotifications": [
                        {"level": "warning" if n.kind == "error" else "note", "message": {"text": f"{n.path}: {n.message}"}}
                        for n in result.notices
                    ],
                }],
            }
        ],
    }


def render(result: AuditResult) -> str:
    """The SARIF log; always valid UTF-8 (URIs carry a file name's exact bytes, percent-encoded)."""
    return dumps(to_dict(result))


def path_uri(path: str) -> str:
    """A relative URI reference for a repository path (RFC 3986): each byte outside the
    unreserved characters and ``/`` percent-encoded, the bytes of a non-UTF-8 name included."""
    return quote_from_bytes(os.fsencode(path), safe="/")
