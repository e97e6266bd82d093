"""The inventory as text, JSON, CSV and Markdown (``auditui inventory``), and as report blocks.

Every string from the repository goes through :mod:`..textsafe` (one line, control
characters escaped); Markdown and HTML go through the report document's own escaping
(:func:`.document.text_of`/:func:`.document.code_of`); CSV cells that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
get a leading apostrophe.

The JSON contract (``INVENTORY_SCHEMA`` is its version) is documented in the README.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..inventory import Area, Inventory, Item, Maturity
from ..textsafe import one_line
from . import unicode_safe
from .document import Document, Heading, Para, Table, code_of, text_of

INVENTORY_SCHEMA = 1
CSV_COLUMNS = ("area", "kind", "name", "location", "context", "details", "maturity", "why")
#: rows of one area shown in the audit report before "and N more"
REPORT_ROWS = 12

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: inert, one line, formulas defused."""
    text = one_line(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "kind": item.kind, "name": item.name, "path": item.path, "line": item.line, "location": item.location,
        "context": item.context, "details": item.details, "maturity": item.maturity.value, "why": item.why,
    }


def _area_json(area: Area) -> dict[str, Any]:
    return {
        "id": area.id, "title": area.title, "maturity": area.maturity.value, "why": area.why,
        "readiness": [{"id": r.id, "title": r.title, "mark": r.mark} for r in area.readiness],
        "unseen": list(area.unseen),
        "items": [_item_json(item) for item in area.items],
    }


def to_json(inventory: Inventory, root: str) -> dict[str, Any]:
    return unicode_safe({
        "schema": INVENTORY_SCHEMA,
        "root": root,
        "areas": [_area_json(area) for area in inventory.areas],
    })


def render_json(inventory: Inventory, root: str) -> str:
    return json.dumps(to_json(inventory, root), indent=2, ensure_ascii=False) + "\n"


def render_csv(inventory: Inventory) -> str:
    """``infra_inventory.csv``: one row per item; an area with none gets one row saying so."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for area in inventory.areas:
        if not area.items:
            writer.writerow([csv_cell(v) for v in (area.title, "(none)", "", "", "", "", area.maturity.value,
                                                   area.why)])
        for item in area.items:
            writer.writerow([csv_cell(v) for v in (area.title, item.kind, item.name, item.location, item.context,
                                                   item.details, item.maturity.value, item.why)])
    return buffer.getvalue()


def _marks(area: Area) -> str:
    return ", ".join(f"{r.title} {r.mark}" for r in area.readiness)


def render_text(inventory: Inventory, root: str) -> str:
    lines = [f"Inventory of {one_line(root)}", ""]
    for area in inventory.areas:
        head = f"{area.title}: {area.maturity.value.upper()} - {one_line(area.why)}"
        lines.append(head)
        if area.readiness:
            lines.append(f"  readiness: {_marks(area)}")
        for item in area.items:
            where = one_line(item.location)
            context = "" if item.production else f" [{item.context}]"
            maturity = "" if item.maturity is Maturity.PRESENT else f" ({item.maturity.value}: {one_line(item.why)})"
            details = f" - {one_line(item.details)}" if item.details else ""
            lines.append(f"  {one_line(item.kind)}: {one_line(item.name)} at {where}{context}{details}{maturity}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def blocks(inventory: Inventory, level: int = 2, limit: int | None = REPORT_ROWS) -> list[Any]:
    """The inventory as report blocks: a summary table, then one small table per area with items."""
    out: list[Any] = [
        Heading(level, "System inventory", "inventory"),
        Para("What the repository runs, as far as the files auditui reads show; each area's maturity is "
             "present, partial, absent, not verified (something auditui cannot read could hold it) or n/a. "
             "`auditui inventory PATH --format csv` writes every row."),
        Table(["Area", "Maturity", "Why", "Readiness"],
              [[area.title, f"**{area.maturity.value}**", text_of(area.why), _marks(area)]
               for area in inventory.areas], "llll"),
    ]
    for area in inventory.areas:
        if not area.items:
            continue
        shown = area.items if limit is None else area.items[:limit]
        out.append(Heading(level + 1, f"{area.title} ({len(area.items)})"))
        rows = [[text_of(item.kind), text_of(item.name), code_of(item.location), item.context,
                 text_of(item.details + (f" ({item.maturity.value}: {item.why})"
                                         if item.maturity is not Maturity.PRESENT else ""))]
                for item in shown]
        out.append(Table(["Kind", "Name", "Where", "Context", "Details"], rows, "lllll"))
        if len(area.items) > len(shown):
            out.append(Para(f"And {len(area.items) - len(shown)} more (see `auditui inventory`)."))
        if area.unseen:
            out.append(Para("Not read: " + text_of(", ".join(area.unseen[:8]))
                            + (f" and {len(area.unseen) - 8} more" if len(area.unseen) > 8 else "") + "."))
    return out


def render_markdown(inventory: Inventory, root: str) -> str:
    from .markdown import to_markdown

    doc = Document(f"Inventory: {one_line(root)}")
    doc.add(Heading(1, f"Inventory: {text_of(root)}", "top"))
    doc.add(*blocks(inventory, level=2, limit=None))
    return to_markdown(doc)


FORMATS = ("text", "json", "csv", "markdown")


def render(fmt: str, inventory: Inventory, root: str) -> str:
    if fmt == "json":
        return render_json(inventory, root)
    if fmt == "csv":
        return render_csv(inventory)
    if fmt == "markdown":
        return render_markdown(inventory, root)
    return render_text(inventory, root)
