"""Inline suppressions, per-path ignores and the peer tools' markers.

The engine owns one :class:`Suppressions` and, per file, the markers it parsed
(:meth:`Suppressions.markers`).  :meth:`Suppressions.apply` suppresses a file's findings,
or the repository findings that point into it, and says which markers they used;
:meth:`Suppressions.hygiene` reports the markers themselves (a stale one is one that no
finding, of the file or of the repository checks, used).  Everything returns new values.  A suppressed finding is
not dropped: it keeps ``suppressed_by`` (where and why, e.g.
``k8s/app.yaml:12 auditui: ignore[K8S020] dev only``) so reports, the JSON output
and the TUI's "suppressed" filter still show it.

Forms understood in every file type we read, in the comment syntax its domain declares
(``#`` for YAML, Dockerfiles, scripts and env files; ``//`` and ``/* */`` where a file
type says so, see ``checks/filetypes.py``):

* ``# auditui: ignore[CODE-or-name, ...] reason`` at the end of the finding's line,
  or on a comment line directly above it (a block of comment lines counts as
  "above", so it can sit next to a hadolint comment);
* ``# auditui: ignore-file[CODE-or-name, ...] reason`` anywhere: the whole file;
* ``until=YYYY-MM-DD`` anywhere in the reason: the suppression applies through that
  day and expires after it, so the finding comes back;
* the reason runs to the end of the line, to a following `` # `` (or `` // ``) comment, or
  to the end of a block comment (``*/``).

Peer markers, honoured when a check lists the peer rule in its ``peers`` metadata
(``peers=("hadolint DL3007", "checkov CKV_K8S_14", "kube-linter latest-tag")``):

* ``# hadolint ignore=DL3007,DL3008`` on the line(s) above, ``# hadolint global ignore=...``
  for the file;
* ``# checkov:skip=CKV_K8S_14:reason`` on or above the line (in a Dockerfile, anywhere:
  checkov applies Dockerfile skips to the whole file), and Kubernetes annotations
  ``checkov.io/skip1: CKV_K8S_14=reason`` on the object;
* kube-linter annotations ``ignore-check.kube-linter.io/<check>: reason`` on the object.

Hygiene findings come from here too: AUD002 (auditui suppression without a reason),
AUD003 (auditui suppression that matches no finding), AUD004 (unknown check or bad
date).  Peer markers are never reported stale: they may serve rules auditui lacks.

Files without any marker cost one substring search per hint word.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .api import Finding, Pos, Severity
from .audit.invalid_suppression import CHECK as INVALID
from .audit.stale_suppression import CHECK as STALE
from .audit.suppression_without_reason import CHECK as NO_REASON
from .filetypes import HASH, Comments

if TYPE_CHECKING:  # pragma: no cover
    from .api import Check
    from .config import Config

__all__ = ["Suppressions", "parse_markers", "Marker", "HINTS"]

#: substrings that must occur in a file's text before it is searched for markers
HINTS = ("auditui:", "hadolint", "checkov", "kube-linter")
AUDIT_CODES = {NO_REASON.code, STALE.code, INVALID.code}

_AUDITUI_TAIL = r"\s*auditui:\s*(ignore-file|ignore)\s*\[([^\]]*)\](.*)$"
_HADOLINT_RE = re.compile(r"#\s*hadolint\s+(global\s+)?ignore=([A-Za-z0-9_,\s]+)", re.IGNORECASE)
_CHECKOV_RE = re.compile(r"#\s*checkov:skip=([A-Za-z0-9_]+)(?::(.*))?$")
_UNTIL_RE = re.compile(r"(?:^|\s)until=(\S*)")
_KUBE_LINTER_PREFIX = "ignore-check.kube-linter.io/"
_CHECKOV_ANNOTATION_RE = re.compile(r"^checkov\.io/skip\d*$")


def _today() -> _dt.date:
    return _dt.date.today()


@dataclass(eq=False)
class Marker:
    """One suppression found in a file."""

    path: str
    line: int
    tool: str  # auditui, hadolint, checkov, kube-linter
    words: tuple[str, ...]  # the codes/names/peer ids as written
    reason: str = ""
    scope: str = "line"  # line, file or object
    lines: frozenset[int] = frozenset()  # lines covered (scope "line")
    span: tuple[int, int] | None = None  # object span (scope "object")
    resource: str = ""  # object resource (scope "object")
    until: _dt.date | None = None
    problems: list[str] = field(default_factory=list)
    text: str = ""  # the marker as shown in suppressed_by

    def expired(self, today: _dt.date) -> bool:
        return self.until is not None and today > self.until

    def names(self, finding: Finding) -> bool:
        """Does this marker name the finding's check?"""
        check = finding.check
        if self.tool == "auditui":
            return any(w.upper() == check.code or w.lower() == check.name for w in self.words)
        peers = _peers(check)
        for word in self.words:
            word = word.lower()
            if (self.tool, word) in peers:
                return True
            if any(tool == self.tool and "*" in rule and fnmatch.fnmatchcase(word, rule) for tool, rule in peers):
                return True
        return False

    def covers(self, finding: Finding) -> bool:
        if self.scope == "file":
            return True
        if self.scope == "object":
            if finding.line is not None and self.span is not None:
                return self.span[0] <= finding.line <= self.span[1]
            return bool(self.resource) and (finding.resource == self.resource
                                            or finding.resource.startswith(self.resource + "/"))
        return finding.line is not None and finding.line in self.lines

    def describe(self) -> str:
        text = f"{self.path}:{self.line} {self.text}"
        if self.until is not None:
            text += f" (until {self.until.isoformat()})"
        return text


def _peers(check) -> set[tuple[str, str]]:
    cached = _PEER_CACHE.get(check.code)
    if cached is None or cached[0] is not check.peers:
        pairs = set()
        for peer in check.peers:
            tool, _, rule = peer.strip().partition(" ")
            if rule:
                pairs.add((tool.lower(), rule.strip().lower()))
        cached = (check.peers, pairs)
        _PEER_CACHE[check.code] = cached
    return cached[1]


_PEER_CACHE: dict[str, tuple[tuple[str, ...], set[tuple[str, str]]]] = {}


# -- parsing -----------------------------------------------------------------------
def _has_hint(text: str) -> bool:
    return any(hint in text for hint in HINTS)


class _Syntax:
    """The compiled patterns of one comment syntax."""

    _cache: dict[Comments, _Syntax] = {}

    def __init__(self, comments: Comments) -> None:
        self.comments = comments
        self.auditui = re.compile(comments.lead_pattern + _AUDITUI_TAIL, re.IGNORECASE)
        ends = [r"\s" + re.escape(token) + r"\s" for token in comments.line]
        ends += [re.escape(end) for _, end in comments.block]
        self.reason_end = re.compile("|".join(ends))
        self.peers = "#" in comments.line  # hadolint and checkov write # comments only

    @classmethod
    def of(cls, comments: Comments) -> _Syntax:
        syntax = cls._cache.get(comments)
        if syntax is None:
            syntax = cls._cache[comments] = cls(comments)
        return syntax


def _split_reason(rest: str, syntax: _Syntax) -> tuple[str, str | None]:
    """(reason, until-text) from what follows the brackets."""
    cut = syntax.reason_end.search(rest)
    if cut:
        rest = rest[: cut.start()]
    until = None
    match = _UNTIL_RE.search(rest)
    if match:
        until = match.group(1)
        rest = rest[: match.start()] + " " + rest[match.end():]
    reason = " ".join(rest.split()).strip(" -:—")
    return reason, until


def _covered_lines(lines: list[str], index: int, comments: Comments = HASH) -> frozenset[int]:
    """Lines a marker on ``lines[index]`` (0-based) covers, as 1-based numbers."""
    number = index + 1
    if not comments.starts_comment(lines[index]):
        return frozenset({number})  # a trailing comment: its own line
    covered = {number}
    nxt = index + 1
    while nxt < len(lines) and comments.starts_comment(lines[nxt]):
        covered.add(nxt + 1)
        nxt += 1
    if nxt < len(lines):
        covered.add(nxt + 1)
    return frozenset(covered)


def parse_markers(path: str, text: str, known: Iterable[str] | None = None,
                  comments: Comments = HASH) -> list[Marker]:
    """Every suppression marker in a file (empty when the text has no hint word).

    ``comments`` is the file type's comment syntax (``#`` unless its domain says otherwise).
    """
    if not _has_hint(text):
        return []
    known_words = None if known is None else {w.lower() for w in known}
    syntax = _Syntax.of(comments)
    leaders = comments.leaders
    lines = text.splitlines()
    dockerfile = _is_dockerfile(path)
    markers: list[Marker] = []
    for index, line in enumerate(lines):
        if not any(token in line for token in leaders):
            continue
        number = index + 1
        match = syntax.auditui.search(line)
        if match:
            form, inside, rest = match.groups()
            words = tuple(w.strip() for w in inside.split(",") if w.strip())
            reason, until_text = _split_reason(rest, syntax)
            marker = Marker(path, number, "auditui", words, reason,
                            scope="file" if form.lower() == "ignore-file" else "line")
            marker.text = f"auditui: {form.lower()}[{', '.join(words)}]" + (f" {reason}" if reason else "")
            if not words:
                marker.problems.append("names no check (empty brackets)")
            if known_words is not None:
                for word in words:
                    if word.lower() not in known_words:
                        marker.problems.append(f"names unknown check {word!r} (see 'auditui checks')")
            if until_text is not None:
                try:
                    marker.until = _dt.date.fromisoformat(until_text)
                except ValueError:
                    marker.problems.append(f"has an invalid date until={until_text!r} (expected YYYY-MM-DD); not applied")
            if marker.scope == "line":
                marker.lines = _covered_lines(lines, index, comments)
            markers.append(marker)
            continue
        if not syntax.peers:
            continue
        match = _HADOLINT_RE.search(line)
        if match:
            words = tuple(w.strip() for w in match.group(2).split(",") if w.strip())
            glob = bool(match.group(1))
            marker = Marker(path, number, "hadolint", words, scope="file" if glob else "line",
                            text=f"hadolint {'global ' if glob else ''}ignore={','.join(words)}")
            if not glob:
                marker.lines = _covered_lines(lines, index, comments)
            markers.append(marker)
            continue
        match = _CHECKOV_RE.search(line)
        if match:
            rule, reason = match.group(1), (match.group(2) or "").strip()
            marker = Marker(path, number, "checkov", (rule,), reason, scope="file" if dockerfile else "line",
                            text=f"checkov:skip={rule}" + (f":{reason}" if reason else ""))
            if not dockerfile:
                marker.lines = _covered_lines(lines, index, comments)
            markers.append(marker)
    if ("kube-linter" in text or "checkov.io/skip" in text) and path.lower().endswith((".yaml", ".yml")):
        markers.extend(_annotation_markers(path, text))
    return markers


def _is_dockerfile(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name in ("dockerfile", "containerfile") or name.startswith("dockerfile.") or name.endswith(".dockerfile")


def _annotation_markers(path: str, text: str) -> list[Marker]:
    """kube-linter and checkov annotations on the Kubernetes objects of a YAML file."""
    from .models.yamlnodes import YList, YMap, load_documents_partial

    markers: list[Marker] = []
    try:
        docs, _ = load_documents_partial(text)
    except Exception:  # a broken file is reported by the parser, not here
        return markers
    objects: list[YMap] = []
    for doc in docs:
        data = doc.data
        if not isinstance(data, YMap):
            continue
        if data.get("kind") == "List" and isinstance(data.get("items"), YList):
            objects.extend(item for item in data["items"] if isinstance(item, YMap))
        else:
            objects.append(data)
    for obj in objects:
        meta = obj.get("metadata")
        if not isinstance(meta, YMap):
            continue
        annotations = meta.get("annotations")
        if not isinstance(annotations, YMap):
            continue
        resource = f"{obj.get('kind')}/{meta.get('name')}"
        for key, value in annotations.items():
            key = str(key)
            line = annotations.key_line(key) if hasattr(annotations, "key_line") else obj.line
            if key.startswith(_KUBE_LINTER_PREFIX):
                rule = key[len(_KUBE_LINTER_PREFIX):]
                reason = "" if value is None else str(value)
                markers.append(Marker(path, line, "kube-linter", (rule,), reason, scope="object",
                                      span=(obj.line, obj.end_line), resource=resource,
                                      text=f"annotation {key}" + (f": {reason}" if reason else "")))
            elif _CHECKOV_ANNOTATION_RE.match(key) and isinstance(value, str):
                rule, _, reason = value.partition("=")
                markers.append(Marker(path, line, "checkov", (rule.strip(),), reason.strip(), scope="object",
                                      span=(obj.line, obj.end_line), resource=resource,
                                      text=f"annotation {key}: {value}"))
    return markers


# -- applying ----------------------------------------------------------------------
def _suppression_for(finding: Finding, markers: tuple[Marker, ...], today: _dt.date) -> tuple[str | None, list[int]]:
    """(why it is suppressed or None, indexes of every marker that names and covers it).

    Every marker that names the finding counts as used; the first active one wins.
    """
    winner = None
    used = []
    for index, marker in enumerate(markers):
        if not marker.names(finding) or not marker.covers(finding):
            continue
        used.append(index)
        if winner is None and not marker.expired(today) and not _invalid_date(marker):
            winner = marker
    return (winner.describe() if winner is not None else None), used


def _invalid_date(marker: Marker) -> bool:
    return any("until=" in problem for problem in marker.problems)


class Suppressions:
    """The engine's suppression state and the suppression step of the pipeline.

    Holds what does not change between files (the configuration, the names a marker may
    use); the markers of each file live with the file (``FileRecord.markers``).
    """

    def __init__(self, config: Config, checks: Iterable[Check] = ()) -> None:
        self.config = config
        self._checks = tuple(checks)
        self._known: set[str] | None = None

    @property
    def known(self) -> set[str]:
        """Codes and names a marker may use: the whole catalog, not only enabled checks."""
        if self._known is None:
            from . import registry

            catalog = (*registry.ALL_CHECKS, *self._checks)
            self._known = {check.code.lower() for check in catalog} | {check.name.lower() for check in catalog}
        return self._known

    def markers(self, path: str, text: str, comments: Comments = HASH) -> tuple[Marker, ...]:
        """The markers of one file; () without parsing when the text has no hint word."""
        if not _has_hint(text):
            return ()
        return tuple(parse_markers(path, text, self.known, comments))

    def path_ignore(self, finding: Finding) -> str | None:
        config = self.config
        if not config.per_path_ignores or not finding.path or finding.path == ".":
            return None
        for glob, codes in config.path_ignores(finding.path):
            if "*" in codes or finding.code in codes or finding.name in codes:
                origin = config.origin(f"per-path-ignores.{glob}")
                return f"per-path-ignores \"{glob}\" in {origin}"
        return None

    def apply(self, findings: list[Finding], markers: tuple[Marker, ...]) -> tuple[list[Finding], frozenset[int]]:
        """Suppressed copies of ``findings`` (all in one file, or repository findings pointing
        into it), and the indexes of the markers they used.

        A per-path ignore wins over a marker; a marker that names a finding counts as used
        even when something else suppressed it.
        """
        if not markers and not self.config.per_path_ignores:
            return findings, frozenset()
        today = _today()
        used: set[int] = set()
        out = []
        for finding in findings:
            reason = self.path_ignore(finding)
            if markers:
                by_marker, hits = _suppression_for(finding, markers, today)
                used.update(hits)
                reason = reason or by_marker
            out.append(finding if reason == finding.suppressed_by else replace_suppressed(finding, reason))
        return out, frozenset(used)

    def hygiene(self, path: str, markers: tuple[Marker, ...], used: frozenset[int] | None,
                severity: Mapping[str, Severity] | None = None) -> list[Finding]:
        """AUD002 (no reason) and AUD004 (unknown check, bad date) for the auditui markers of
        one file and, when ``used`` is given, AUD003 for those no finding used; sealed and
        path-ignored."""
        from .pipeline import seal

        config = self.config
        out: list[Finding] = []
        for index, marker in enumerate(markers):
            if marker.tool != "auditui":
                continue
            where = Pos(marker.line, marker.line, ("suppression", ",".join(marker.words).lower()))
            if marker.problems and config.enabled(INVALID):
                for problem in marker.problems:
                    out.append(INVALID.finding(where, resource="suppression", symbol=(problem,),
                                               message=f"suppression {problem}", evidence=marker.text))
            if not marker.reason and config.enabled(NO_REASON):
                out.append(NO_REASON.finding(where, resource="suppression",
                                             message=f"suppression of {', '.join(marker.words) or 'nothing'} gives no reason",
                                             evidence=marker.text))
            if (used is not None and marker.words and not marker.problems and index not in used
                    and config.enabled(STALE)):
                out.append(STALE.finding(where, resource="suppression",
                                         message=f"suppression of {', '.join(marker.words)} matches no finding",
                                         evidence=marker.text))
        if not out:
            return out
        sealed = seal(out, path, severity)
        return [f if (reason := self.path_ignore(f)) is None else replace_suppressed(f, reason) for f in sealed]


def replace_suppressed(finding: Finding, reason: str | None) -> Finding:
    from .pipeline import evolve

    return evolve(finding, suppressed_by=reason)
