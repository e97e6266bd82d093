"""The audit report as Markdown (``auditui report``, ``auditui scan --format markdown``)."""

from __future__ import annotations

from typing import Any

from . import AuditResult
from .document import Bullets, Document, Heading, Para, Steps, Table, build


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(doc: Document) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Para):
            out += [block.text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, Steps):
            out += [f"{n}. {item}" for n, item in enumerate(block.items, 1)] + [""]
        elif isinstance(block, Table):
            align = block.align or "l" * len(block.header)
            out.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
            out.append("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(result: AuditResult, **context: Any) -> str:
    """The full report; ``context`` is passed to :func:`document.build` (root, index, triage, now)."""
    return to_markdown(build(result, **context))
