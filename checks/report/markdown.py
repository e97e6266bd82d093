"""A short Markdown summary of an audit (``auditui scan --format markdown``)."""

from __future__ import annotations

from collections import defaultdict

from ..api import Severity
from . import AuditResult


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def render(result: AuditResult) -> str:
    findings = result.findings
    lines = [f"# Infrastructure audit: `{result.root}`", ""]
    counts = {s: sum(1 for f in findings if f.severity == s) for s in reversed(Severity)}
    lines.append("| Severity | Findings |")
    lines.append("|---|---:|")
    for severity, count in counts.items():
        lines.append(f"| {severity.label} | {count} |")
    lines.append("")
    if not findings:
        lines.append("No findings. ")
        return "\n".join(lines) + "\n"
    grouped = defaultdict(list)
    for finding in findings:
        grouped[finding.severity].append(finding)
    for severity in reversed(Severity):
        items = grouped.get(severity)
        if not items:
            continue
        lines.append(f"## {severity.label.capitalize()} ({len(items)})")
        lines.append("")
        for f in items:
            status = result.status_of(f)
            suffix = f" — *{status}*" if status != "open" else ""
            lines.append(f"- **{f.code} {f.title}** at `{f.location}` ({_cell(f.resource)}){suffix}  ")
            lines.append(f"  {_cell(f.message)}")
            if f.evidence:
                lines.append(f"  Evidence: `{_cell(f.evidence)}`")
        lines.append("")
    return "\n".join(lines) + "\n"
