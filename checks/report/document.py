"""The audit report as a document: sections of headings, paragraphs, lists and tables.

:func:`build` turns an :class:`~auditui.checks.report.AuditResult` (plus the facts
index and the triage store, when the caller has them) into a :class:`Document`;
``markdown.render`` and ``html.render`` only lay that document out, so both
formats always carry the same content.

Inline text may use two marks, understood by both renderers: ```code``` and
``**bold**``, and backslash escapes of ASCII punctuation (CommonMark's).  Every string
that comes from the repository or a user (paths, resources, messages, evidence, triage
reasons, branch names) enters the document through :func:`text_of` or :func:`code_of`: one
line, control characters escaped (:mod:`textsafe`), and no character left that Markdown or
HTML would read as markup (``<script>``, ``[link](…)``, a backtick that ends a code span).
Evidence is already redacted by the checks; nothing here reads a secret value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import Check, Finding, Severity
from ..textsafe import one_line
from . import AuditResult

__all__ = ["Document", "Heading", "Para", "Table", "Bullets", "Steps", "build", "effort_minutes",
           "format_minutes", "git_info", "PLAN", "text_of", "code_of"]


# -- blocks ---------------------------------------------------------------------------
@dataclass
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass
class Para:
    text: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    #: per column: "l" or "r"
    align: str = ""


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Steps:
    items: list[str]


@dataclass
class Document:
    title: str
    blocks: list[Any] = field(default_factory=list)

    def add(self, *blocks: Any) -> None:
        self.blocks.extend(blocks)


# -- repository strings into the document ----------------------------------------------

#: what Markdown or HTML could read as markup; ``|`` is left to the table renderer, which
#: escapes it in every cell (escaping it here too would escape the escape)
_MARKUP = re.compile(r"([\\`*_\[\]<>&#!~])")
_BACKTICKS = re.compile(r"`+")


def _flat(value: Any) -> str:
    return one_line(" ".join(str("" if value is None else value).split()))


def text_of(value: Any) -> str:
    """A repository or user string as inline document text: one line, inert, every
    markup character backslash-escaped (``<img src=x>`` stays text in Markdown and HTML)."""
    return _MARKUP.sub(r"\\\1", _flat(value))


def code_of(value: Any) -> str:
    """A repository or user string as an inline code span: one line, inert, fenced with
    more backticks than it holds, so no backtick in it can close the span early."""
    flat = _flat(value)
    if not flat:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat[0] in "` " or flat[-1] in "` " else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


# -- helpers ---------------------------------------------------------------------------
_EFFORT_RE = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
#: a working day, for effort sums
DAY_MINUTES = 8 * 60

#: remediation plan: (title, severities, explanation)
PLAN = (
    ("Immediate", (Severity.CRITICAL,), "open critical findings: fix before the next production deploy"),
    ("This sprint", (Severity.HIGH,), "open high findings"),
    ("This quarter", (Severity.MEDIUM, Severity.LOW), "open medium and low findings"),
)


def effort_minutes(effort: str) -> int:
    """``30m`` -> 30, ``2h`` -> 120, ``1d`` -> 480 (a working day); unknown -> 0."""
    match = _EFFORT_RE.match(effort or "")
    if not match:
        return 0
    number, unit = int(match.group(1)), match.group(2)
    return number * {"m": 1, "h": 60, "d": DAY_MINUTES}[unit]


def format_minutes(minutes: int) -> str:
    if minutes <= 0:
        return "0m"
    days, rest = divmod(minutes, DAY_MINUTES)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}d")
    if hours:
        parts.append(f"{hours}h")
    if mins:
        parts.append(f"{mins}m")
    return " ".join(parts)


#: ``.git`` (a file), ``HEAD``, ``commondir`` and loose refs are one line; packed-refs can be long
_GIT_SMALL = 4096
_GIT_PACKED_REFS = 32 * 1024 * 1024


def _git_text(path: Path, limit: int = _GIT_SMALL) -> str:
    """One of git's own files: a regular file under ``limit`` bytes (``.git/HEAD`` may be a
    link to ``/dev/zero`` or a FIFO in a hostile repository: refused, never read)."""
    from .. import safeio

    return safeio.read_text(path, limit=limit, errors="replace")


def git_info(root: Path | None) -> tuple[str | None, str | None]:
    """(branch, commit) read from ``.git`` files directly; never runs git."""
    if root is None:
        return None, None
    git = Path(root) / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: <path>"
            text = _git_text(git).strip()
            if not text.startswith("gitdir:"):
                return None, None
            git = (Path(root) / text[len("gitdir:"):].strip()).resolve()
        if not git.is_dir():
            return None, None
        head = _git_text(git / "HEAD").strip()
    except (OSError, RuntimeError, ValueError):
        return None, None
    if not head.startswith("ref:"):
        return None, head[:40] if re.fullmatch(r"[0-9a-f]{40,64}", head) else None
    ref = head[4:].strip()
    branch = ref.rsplit("refs/heads/", 1)[-1] if ref.startswith("refs/heads/") else ref
    dirs = [git]
    try:
        common = _git_text(git / "commondir").strip()
        dirs.append((git / common).resolve())
    except (OSError, RuntimeError, ValueError):
        pass
    for base in dirs:
        try:
            sha = _git_text(base / ref).strip()
            if re.fullmatch(r"[0-9a-f]{40,64}", sha):
                return branch, sha
        except (OSError, RuntimeError, ValueError):
            pass
        try:
            for line in _git_text(base / "packed-refs", _GIT_PACKED_REFS).splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref:
                    return branch, parts[0]
        except (OSError, RuntimeError, ValueError):
            pass
    return branch, None  # a branch with no commit yet


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _persona_row(name: Any) -> str:
    from ..persona import DEFAULT, DESCRIPTIONS

    name = name if name in DESCRIPTIONS else DEFAULT
    return f"{name}: {DESCRIPTIONS[name]}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- the report ------------------------------------------------------------------------
def build(
    result: AuditResult,
    *,
    root: Path | str | None = None,
    index: Any = None,
    triage: Any = None,
    now: dt.datetime | None = None,
    top: int = 5,
    context_of: Any = None,
) -> Document:
    """The full audit report.

    ``root`` (the repository directory) gives the git commit; ``index`` (the engine's
    :class:`RepoIndex`) gives the readiness checklist; ``triage`` (a ``TriageStore``)
    gives reasons, owners and dates of accepted and deferred findings; ``context_of`` (the
    engine's) gives the inventory's file contexts.
    """
    from ..version import __version__

    now = now or dt.datetime.now().astimezone()
    root_path = Path(root) if root is not None else None
    name = (root_path.absolute().name if root_path is not None else Path(result.root).name) or result.root
    findings = sorted(result.findings, key=Finding.sort_key)
    status = {id(f): result.status_of(f) for f in findings}
    open_findings = [f for f in findings if status[id(f)] == "open"]

    doc = Document(f"Infrastructure audit: {_flat(name)}")
    doc.add(Heading(1, f"Infrastructure audit: {text_of(name)}", "top"))

    # header
    branch, commit = git_info(root_path)
    summary = result.summary or {}
    rows = [["Repository", code_of(result.root)]]
    if commit:
        rows.append(["Commit", code_of(commit[:12]) + (f" on {code_of(branch)}" if branch else "")])
    elif branch:
        rows.append(["Commit", f"none yet on {code_of(branch)}"])
    else:
        rows.append(["Commit", "not a git repository"])
    rows += [
        ["Date", now.strftime("%Y-%m-%d %H:%M %Z").strip()],
        ["auditui version", __version__],
        ["Persona", _persona_row(summary.get("persona"))],
        ["Files reviewed", str(summary.get("files", 0))],
        ["Lines reviewed", str(summary.get("lines", 0))],
    ]
    doc.add(Table(["", ""], rows, "lr"))
    items = _checklist(findings, index, result.status_of)

    # the system inventory: every audit opens with what the repository runs
    if index is not None:
        from ..inventory import build as build_inventory
        from .inventory import blocks as inventory_blocks

        doc.add(*inventory_blocks(build_inventory(index, context_of, items)))

    # executive summary
    doc.add(Heading(2, "Executive summary", "summary"))
    if items is not None:
        from ..readiness import SCORE_FORMULA, readiness_score

        score = readiness_score(items, findings, result.status_of)
        if score is None:
            doc.add(Para("**Readiness score: n/a.** Nothing in this repository is infrastructure auditui "
                         f"reads, so no area of the checklist applies. {SCORE_FORMULA}"))
        else:
            doc.add(Para(f"**Readiness score: {score:.1f} / 10.** {SCORE_FORMULA}"))
    else:
        doc.add(Para("Readiness score: not computed (the repository index was not available)."))
    by_sev: dict[Severity, Counter] = {s: Counter() for s in Severity}
    for f in findings:
        key = status[id(f)]
        by_sev[f.severity][key if key in ("open", "suppressed") else "triaged"] += 1
    table_rows = []
    for sev in reversed(Severity):
        c = by_sev[sev]
        table_rows.append([sev.label, str(c["open"]), str(c["triaged"]), str(c["suppressed"]), str(sum(c.values()))])
    totals: Counter[str] = Counter()
    for c in by_sev.values():
        totals.update(c)
    table_rows.append(["**total**", f"**{totals['open']}**", f"**{totals['triaged']}**",
                       f"**{totals['suppressed']}**", f"**{sum(totals.values())}**"])
    doc.add(Table(["Severity", "Open", "Accepted/deferred", "Suppressed", "Total"], table_rows, "lrrrr"))
    elsewhere = [f for f in findings if f.context != "production"]
    if elsewhere:
        lowered = sum(1 for f in elsewhere if f.context_reason and "lowered from" in f.context_reason)
        kinds = ", ".join(sorted({f.context for f in elsewhere}))
        doc.add(Para(f"{_plural(len(elsewhere), 'finding')} are in files that do not run in production ({kinds}); "
                     f"{lowered} of them were lowered to medium. See each file's context under Findings by file."))
    risks = _top_risks(open_findings, top)
    if risks:
        doc.add(Para("**Top risks**"))
        doc.add(Steps(risks))
    else:
        doc.add(Para("No open findings above info: nothing stands between this repository and production "
                     "as far as auditui can tell."))

    # critical blockers
    doc.add(Heading(2, "Critical blockers", "blockers"))
    blockers = [f for f in open_findings if f.severity == Severity.CRITICAL]
    if not blockers:
        doc.add(Para("No open critical findings."))
    # one entry per check: the same impact and steps, every place it occurs
    by_check: dict[str, list[Finding]] = {}
    for f in blockers:
        by_check.setdefault(f.code, []).append(f)
    for number, group in enumerate(by_check.values(), 1):
        f = group[0]
        where = code_of(f.location) if len(group) == 1 else _plural(len(group), "place")
        doc.add(Heading(3, f"{number}. {f.title} ({f.code}) at {where}"))
        if len(group) == 1:
            lines = [f"**Where:** {code_of(f.location)}" + (f" ({text_of(f.resource)})" if f.resource else ""),
                     f"**Finding:** {text_of(_sentence(f.message))}"]
            if f.evidence:
                lines.append(f"**Evidence:** {code_of(f.evidence)}")
        else:
            doc.add(Table(["Where", "Finding", "Evidence"],
                          [[code_of(g.location), text_of(_sentence(g.message)), code_of(g.evidence) if g.evidence else ""]
                           for g in group], "lll"))
            lines = []
        lines.append(f"**Impact:** {f.check.rationale}")
        total = sum(effort_minutes(g.check.effort) for g in group)
        lines.append(f"**Effort:** {f.check.effort}" + (f" each, about {format_minutes(total)} in all" if len(group) > 1 else ""))
        doc.add(Bullets(lines))
        doc.add(Para("**Remediation**"))
        doc.add(Steps(list(f.check.remediation)))

    # readiness checklist
    doc.add(Heading(2, "Production-readiness checklist", "checklist"))
    if items is None:
        doc.add(Para("Not available: the checklist needs the repository index of a fresh scan."))
    else:
        doc.add(Table(
            ["Area", "Status", "Findings", "Summary"],
            [[item.area.title, f"**{item.mark.value}**", str(len(item.findings)), item.summary] for item in items],
            "llrl",
        ))

    # remediation plan
    doc.add(Heading(2, "Remediation plan", "plan"))
    doc.add(Para("Effort is each check's estimate per occurrence, summed (a day is 8 hours). "
                 "Accepted, deferred and suppressed findings are left out; see Triage."))
    for title, severities, explanation in PLAN:
        group = [f for f in open_findings if f.severity in severities]
        minutes = sum(effort_minutes(f.check.effort) for f in group)
        doc.add(Heading(3, f"{title}: {_plural(len(group), 'finding')}, about {format_minutes(minutes)}"))
        if not group:
            doc.add(Para(f"Nothing here ({explanation})."))
            continue
        doc.add(Para(_sentence(explanation[0].upper() + explanation[1:])))
        plan_by_check: dict[str, list[Finding]] = defaultdict(list)
        for f in group:
            plan_by_check[f.code].append(f)
        plan_rows = []
        for code, items_ in sorted(plan_by_check.items(), key=lambda kv: (-int(max(f.severity for f in kv[1])), kv[0])):
            check: Check = items_[0].check
            where = ", ".join(code_of(f.location) for f in items_[:3]) + (f" and {len(items_) - 3} more" if len(items_) > 3 else "")
            total = sum(effort_minutes(f.check.effort) for f in items_)
            plan_rows.append([f"{code} {check.title}", str(len(items_)), where, check.remediation[0],
                              format_minutes(total)])
        doc.add(Table(["Check", "Count", "Where", "First step", "Effort"], plan_rows, "lrllr"))
    info = [f for f in open_findings if f.severity == Severity.INFO]
    if info:
        doc.add(Para(f"{_plural(len(info), 'informational finding')} not planned; see Findings by file."))

    # findings by file
    doc.add(Heading(2, "Findings by file", "files"))
    if not findings:
        doc.add(Para("No findings."))
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_file[f.path if f.path and f.path != "." else "(repository)"].append(f)
    for path in sorted(by_file, key=lambda p: (p == "(repository)", p)):
        group = sorted(by_file[path], key=lambda f: (f.line or 0, -int(f.severity), f.code))
        doc.add(Heading(3, f"{code_of(path) if path != '(repository)' else path} ({_plural(len(group), 'finding')})"))
        sample = next((f for f in group if f.context != "production"), None)
        if sample is not None:  # every finding of a file shares its context
            reason = (sample.context_reason or "").split("; lowered from")[0]
            doc.add(Para(f"Context: **{sample.context}** ({text_of(reason)}): findings here are never critical or high."))
        doc.add(Table(
            ["Line", "Severity", "Check", "Finding", "Status"],
            [[str(f.line) if f.line else "", f.severity.label, f"{f.code} {f.name}", text_of(f.message), status[id(f)]]
             for f in group],
            "rllll",
        ))

    # triage
    doc.add(Heading(2, "Triage", "triage"))
    triaged = [f for f in findings if status[id(f)] in ("accepted", "deferred")]
    if triaged:
        trows = []
        for f in triaged:
            entry = triage.entry(f.fingerprint) if triage is not None and hasattr(triage, "entry") else None
            until = getattr(entry, "until", None)
            trows.append([f"{f.code} {f.title}", code_of(f.location), status[id(f)],
                          text_of(getattr(entry, "reason", "")), text_of(getattr(entry, "by", "")),
                          text_of(str(getattr(entry, "at", "") or "")[:10]), text_of(until.isoformat()) if until else ""])
        doc.add(Para("Accepted and deferred findings, with the reasons the team recorded."))
        doc.add(Table(["Finding", "Where", "Status", "Reason", "By", "On", "Until"], trows, "lllllll"))
    else:
        doc.add(Para("No accepted or deferred findings."))
    suppressed = [f for f in findings if status[id(f)] == "suppressed"]
    if suppressed:
        doc.add(Para(f"**Suppressed in the repository** ({len(suppressed)}): inline comments, peer-tool markers, "
                     "per-path ignores, or a Kustomize overlay that sets what the base lacks."))
        doc.add(Table(["Finding", "Where", "Suppressed by"],
                      [[f"{f.code} {f.title}", code_of(f.location), text_of(f.suppressed_by)] for f in suppressed],
                      "lll"))
    if triage is not None and hasattr(triage, "resolved_entries"):
        gone = triage.resolved_entries(f.fingerprint for f in findings)
        if gone:
            verb = "entry refers to a finding" if len(gone) == 1 else "entries refer to findings"
            doc.add(Para(f"{len(gone)} triage {verb} that no longer exist (run `auditui prune` to remove them)."))

    if result.notices:
        doc.add(Heading(2, "Not audited", "notices"))
        doc.add(Bullets([f"{code_of(n.path)}: {text_of(n.message)}" for n in result.notices]))
    return doc


def _checklist(findings: list[Finding], index: Any, status_of) -> list | None:
    if index is None:
        return None
    from ..readiness import production_checklist

    return production_checklist(findings, index, status_of)


def _top_risks(open_findings: Iterable[Finding], top: int) -> list[str]:
    """One sentence per check, worst first: the title, how many, and the first place."""
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in open_findings:
        if f.severity > Severity.INFO:
            by_check[f.code].append(f)
    ranked = sorted(by_check.values(), key=lambda fs: (-int(max(f.severity for f in fs)), -len(fs), fs[0].code))
    out = []
    for group in ranked[:top]:
        first = group[0]
        more = f" (and {len(group) - 1} more)" if len(group) > 1 else ""
        out.append(f"**{first.severity.label}** {first.title}: {text_of(_sentence(first.message)[:-1])} at "
                   f"{code_of(first.location)}{more}.")
    return out
