"""The detail pane: everything about one finding, and what to do about it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..checks import safeio
from ..checks.api import Finding, scrub_lines
from ..checks.discovery import decode
from ..checks.textsafe import one_line
from .style import data_text, is_redacted, severity_styles, severity_text

CONTEXT = 3  # lines shown above and below the finding
MAX_SNIPPET = 18
MAX_FILE_BYTES = 2 * 1024 * 1024


def lexer_for(path: str) -> str:
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if "dockerfile" in name or "containerfile" in name:
        return "docker"
    if name.endswith((".sh", ".bash", ".zsh", ".ksh")):
        return "bash"
    if name == ".env" or name.startswith(".env") or name.endswith(".env"):
        return "bash"
    if name.endswith(".py"):
        return "python"
    return "text"


def read_context(root: Path, finding: Finding, masked: Iterable[tuple[int, int]] = ()) -> tuple[str, int] | None:
    """(snippet, first line number) around the finding, with secret lines masked; None if unreadable."""
    if not finding.path or finding.path == "." or not finding.line:
        return None
    try:
        # a regular file inside the repository, bounded; decoded as the engine decodes it and
        # split at LF only, so a form feed or U+2028 does not shift the lines from the finding's
        data = safeio.read_bytes(root / finding.path, root=root, limit=MAX_FILE_BYTES)
    except OSError:  # gone, a link out, a FIFO, too large: no snippet
        return None
    lines = decode(data)[0].split("\n")
    if lines[-1] == "":
        lines.pop()  # the break that ends the last line starts no line
    if not lines:
        return None
    end = finding.end_line or finding.line
    if end - finding.line > MAX_SNIPPET:
        end = finding.line + MAX_SNIPPET
    first = max(1, finding.line - CONTEXT)
    last = min(len(lines), end + CONTEXT)
    spans = list(masked)
    # read from the file's start so the body lines of a private key are hidden even when
    # its BEGIN line is above the window
    shown = scrub_lines(lines, first - 1, last)
    out = []
    for number in range(first, last + 1):
        if any(start <= number <= stop for start, stop in spans):
            indent = len(lines[number - 1]) - len(lines[number - 1].lstrip())
            out.append(" " * indent + "# (line hidden: it holds a secret)")
        else:
            # secrets no check reported stay hidden too; control characters are shown escaped
            out.append(one_line(shown[number - first].replace("\t", "    ")))
    return "\n".join(out), first


def _status_text(status: str, entry: Any) -> Text:
    """The status, saying so when a deferral has lapsed (the finding is open again)."""
    if status == "expired":
        until = getattr(entry, "until", None)
        text = Text("open", style="bold")
        text.append(f" (the deferral until {until} expired)" if until else " (its deferral expired)", style="italic")
        return text
    return Text(status, style="bold")


def _heading(text: str) -> Text:
    return Text(text, style="bold underline")


class FindingDetail(VerticalScroll, can_focus=True):
    """Title, severity, location, evidence in context, rationale, remediation, triage."""

    DEFAULT_CSS = """
    FindingDetail { padding: 0 1; }
    FindingDetail > #detail-body { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fingerprint: str | None = None

    def compose(self):
        yield Static(Text("Select a finding to see what is wrong and how to fix it.", style="dim"), id="detail-body")

    def show_message(self, text: str) -> None:
        self.fingerprint = None
        self.query_one("#detail-body", Static).update(Text(text, style="dim"))

    def show(
        self,
        finding: Finding,
        *,
        status: str,
        entry: Any = None,
        root: Path,
        siblings: Iterable[Finding] = (),
        is_new: bool = False,
    ) -> None:
        """Render one finding (``siblings``: the other findings of its file, for masking secrets)."""
        same = finding.fingerprint == self.fingerprint
        self.fingerprint = finding.fingerprint
        self.query_one("#detail-body", Static).update(
            self.render_finding(finding, status=status, entry=entry, root=root, siblings=siblings, is_new=is_new)
        )
        if not same:
            self.scroll_home(animate=False)

    def render_finding(self, finding: Finding, *, status: str, entry: Any, root: Path,
                       siblings: Iterable[Finding], is_new: bool = False) -> RenderableType:
        styles = severity_styles(self.app.current_theme)
        parts: list[RenderableType] = []
        title = Text.assemble(severity_text(finding.severity, styles), " ", (one_line(finding.title), "bold"))
        if is_new:
            title.append("  new", style="bold " + styles[finding.severity.LOW])
        parts.append(title)
        meta = Table.grid(padding=(0, 1))
        meta.add_column(style="dim", no_wrap=True)
        meta.add_column()
        # every cell is a Text: a plain string in a Rich table is read as markup
        meta.add_row(Text("check"), data_text(f"{finding.code} {finding.name}"))
        meta.add_row(Text("severity"), Text(finding.severity.label))
        meta.add_row(Text("category"), Text(finding.category.title))
        meta.add_row(Text("where"), data_text(finding.location))
        if finding.context != "production":  # where the file is used, and why it was lowered (context.py)
            meta.add_row(Text("context"), data_text(f"{finding.context}: {finding.context_reason or ''}".rstrip(": ")))
        if finding.resource:
            meta.add_row(Text("resource"), data_text(finding.resource))
        meta.add_row(Text("status"), _status_text(status, entry))
        if finding.suppressed_by:  # where and why, beside the status it explains
            meta.add_row(Text("by"), data_text(finding.suppressed_by, style="italic"))
        parts.append(Padding(meta, (1, 0, 0, 0)))
        parts.append(Padding(data_text(finding.message, multiline=True), (1, 0, 0, 0)))

        parts.append(Padding(_heading("Evidence"), (1, 0, 0, 0)))
        parts.append(self._evidence(finding, root, siblings))

        check = finding.check
        if check.rationale:
            parts.append(Padding(_heading("Why it matters"), (1, 0, 0, 0)))
            parts.append(data_text(check.rationale, multiline=True))
        if check.remediation:
            parts.append(Padding(_heading(f"How to fix it (effort: {check.effort})"), (1, 0, 0, 0)))
            steps = Table.grid(padding=(0, 1))
            steps.add_column(justify="right", style="bold", no_wrap=True)
            steps.add_column()
            for number, step in enumerate(check.remediation, 1):
                steps.add_row(Text(f"{number}."), data_text(step, multiline=True))
            parts.append(steps)
        if check.references:
            parts.append(Padding(_heading("References"), (1, 0, 0, 0)))
            for ref in check.references:
                parts.append(Text("• ").append(one_line(ref), style="underline"))
        parts.append(Padding(_heading("Triage"), (1, 0, 0, 0)))
        parts.append(self._triage(status, entry))
        return Group(*parts)

    def _evidence(self, finding: Finding, root: Path, siblings: Iterable[Finding]) -> RenderableType:
        dark = getattr(self.app.current_theme, "dark", True)
        theme = "ansi_dark" if dark else "ansi_light"
        if is_redacted(finding):
            # never the raw lines: they hold the secret
            text = data_text(finding.evidence or "", multiline=True)
            text.append("\n(secret redacted; the file's lines are not shown)", style="dim italic")
            return text
        masked = [
            (s.line, s.end_line or s.line)
            for s in siblings
            if s is not finding and s.path == finding.path and s.line and is_redacted(s)
        ]
        context = read_context(root, finding, masked)
        if context is None:
            return data_text(finding.evidence or "(no evidence recorded)", style="" if finding.evidence else "dim",
                             multiline=True)
        code, first = context
        end = finding.end_line or finding.line or first
        highlight = set(range(finding.line or first, min(end, (finding.line or first) + MAX_SNIPPET) + 1))
        syntax = Syntax(
            code, lexer_for(finding.path or ""), theme=theme, line_numbers=True, start_line=first,
            highlight_lines=highlight, word_wrap=False, background_color="default",
        )
        if finding.evidence:
            return Group(syntax, data_text(finding.evidence, style="dim", multiline=True))
        return syntax

    def _triage(self, status: str, entry: Any) -> RenderableType:
        if entry is None:
            return Text("Not triaged. a: accept the risk · d: defer · n: add a note", style="dim")
        lines = Table.grid(padding=(0, 1))
        lines.add_column(style="dim", no_wrap=True)
        lines.add_column()
        lines.add_row(Text("status"), _status_text(status, entry))
        if getattr(entry, "reason", None):
            lines.add_row(Text("reason"), data_text(entry.reason, multiline=True))
        if getattr(entry, "by", None):
            lines.add_row(Text("by"), data_text(f"{entry.by} on {entry.at}" if getattr(entry, "at", None) else entry.by))
        if getattr(entry, "until", None):
            lines.add_row(Text("until"), data_text(entry.until))
        for note in getattr(entry, "notes", None) or ():
            lines.add_row(Text("note"), data_text(f"{note.text}  ({note.by}, {note.at})", multiline=True))
        history = getattr(entry, "history", None) or ()
        if history:
            lines.add_row(Text("history"), Text(""))
            for item in history:
                get = item.get if isinstance(item, dict) else lambda k, d="", item=item: getattr(item, k, d)
                reason = get("reason", "") or ""
                lines.add_row(Text(""), data_text(f"{get('at', '')} {get('action', '')} by {get('by', '')}"
                                                  + (f": {reason}" if reason else "")))
        return lines
