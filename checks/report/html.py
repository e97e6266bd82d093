"""The audit report as one self-contained HTML page (no scripts, fonts or external assets)."""

from __future__ import annotations

import html
import re
from typing import Any

from ..textsafe import one_line
from . import AuditResult
from .document import Bullets, Document, Heading, Para, Steps, Table, build

_BACKTICKS = re.compile(r"`+")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARKS = ("PASS", "PARTIAL", "FAIL", "N/A")
_SEVERITIES = ("critical", "high", "medium", "low", "info")

STYLE = """
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0;
  --code: #f6f8fa; --crit: #8b0000; --high: #cf222e; --med: #9a6700; --low: #0969da; --info: #59636e;
  --pass: #1a7f37; --partial: #9a6700; --fail: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1;
  --line: #3d444d; --code: #151b23; --crit: #ff7b72; --high: #ff7b72; --med: #d29922; --low: #58a6ff;
  --pass: #3fb950; --partial: #d29922; --fail: #f85149; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); max-width: 70rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--code); }
td.r, th.r { text-align: right; }
code { font: .88em ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--code);
  padding: .05rem .3rem; border-radius: 4px; overflow-wrap: anywhere; }
.sev-critical { color: var(--crit); font-weight: 700; } .sev-high { color: var(--high); font-weight: 600; }
.sev-medium { color: var(--med); } .sev-low { color: var(--low); } .sev-info { color: var(--info); }
.mark-PASS { color: var(--pass); } .mark-PARTIAL { color: var(--partial); } .mark-FAIL { color: var(--fail); }
nav { color: var(--muted); font-size: .9rem; }
@media print { body { max-width: none; } h2 { break-after: avoid; } }
"""


def _inline(text: str) -> str:
    """The document's inline marks as HTML, everything else escaped.

    Marks: a code span between equal runs of backticks (one space of padding on both
    sides dropped, as in CommonMark), ``**bold**``, and a backslash before ASCII
    punctuation for the character itself.  One pass over the text (linear time).
    """
    value = str(text)
    runs: dict[int, list[int]] = {}  # backtick run length -> starts, for the closing fence
    for match in _BACKTICKS.finditer(value):
        runs.setdefault(len(match.group()), []).append(match.start())
    used: dict[int, int] = {}  # run length -> how many starts lie behind us
    out: list[str] = []
    bold = False
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch == "\\" and i + 1 < n and value[i + 1] in _PUNCTUATION:
            out.append(html.escape(value[i + 1]))
            i += 2
        elif ch == "`":
            j = i
            while j < n and value[j] == "`":
                j += 1
            size = j - i
            starts = runs.get(size, [])
            k = used.get(size, 0)
            while k < len(starts) and starts[k] < j:
                k += 1
            used[size] = k
            if k < len(starts):
                inner = value[j:starts[k]]
                if len(inner) >= 2 and inner[0] == inner[-1] == " " and inner.strip(" "):
                    inner = inner[1:-1]
                out.append(f"<code>{html.escape(inner)}</code>")
                i = starts[k] + size
            else:
                out.append(html.escape(value[i:j]))
                i = j
        elif value.startswith("**", i):
            if bold or "**" in value[i + 2:]:
                out.append("</strong>" if bold else "<strong>")
                bold = not bold
            else:
                out.append("**")
            i += 2
        else:
            out.append(html.escape(ch))
            i += 1
    if bold:
        out.append("</strong>")
    return "".join(out)


def _td(text: str, align: str) -> str:
    plain = str(text)
    classes = []
    if align == "r":
        classes.append("r")
    bare = plain.strip("*")
    if bare in _SEVERITIES:
        classes.append(f"sev-{bare}")
    if bare in _MARKS:
        classes.append(f"mark-{bare.replace('/', '')}")
    attr = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{attr}>{_inline(plain)}</td>"


def to_html(doc: Document) -> str:
    body: list[str] = []
    sections = [b for b in doc.blocks if isinstance(b, Heading) and b.level == 2 and b.anchor]
    for block in doc.blocks:
        if isinstance(block, Heading):
            ident = f' id="{html.escape(block.anchor)}"' if block.anchor else ""
            body.append(f"<h{block.level}{ident}>{_inline(block.text)}</h{block.level}>")
            if block.level == 1 and sections:
                links = " · ".join(f'<a href="#{html.escape(s.anchor)}">{_inline(s.text)}</a>' for s in sections)
                body.append(f"<nav>{links}</nav>")
        elif isinstance(block, Para):
            body.append(f"<p>{_inline(block.text)}</p>")
        elif isinstance(block, Bullets):
            body.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, Steps):
            body.append("<ol>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + "</ol>")
        elif isinstance(block, Table):
            align = block.align or "l" * len(block.header)
            head = ""
            if any(h for h in block.header):
                right = ' class="r"'
                head = "<thead><tr>" + "".join(
                    f"<th{right if a == 'r' else ''}>{_inline(h)}</th>" for h, a in zip(block.header, align)
                ) + "</tr></thead>"
            rows = "".join("<tr>" + "".join(_td(c, a) for c, a in zip(row, align)) + "</tr>" for row in block.rows)
            body.append(f"<table>{head}<tbody>{rows}</tbody></table>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(one_line(doc.title))}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render(result: AuditResult, **context: Any) -> str:
    """The full report as HTML; ``context`` as for :func:`markdown.render`."""
    return to_html(build(result, **context))
