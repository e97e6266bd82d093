"""The check API: severities, categories, check metadata and findings.

A check is a :class:`Check` record (metadata) plus one pure function registered with
:meth:`Check.on` (per-file: takes one typed model) or :meth:`Check.on_repo`
(repository-wide: takes the :class:`~auditui.checks.facts.RepoIndex`).  Functions
yield findings made with :meth:`Check.finding`, which points at a node of the parsed
document; the engine fills in the file path and the fingerprint.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from .models.secrets import SECRET_MASK, redact, scrub, scrub_line, scrub_lines  # noqa: F401  (re-exported: the check API)

__all__ = [
    "Severity",
    "Category",
    "Check",
    "Finding",
    "Pos",
    "Located",
    "redact",
    "scrub",
    "scrub_line",
    "scrub_lines",
    "SECRET_MASK",
    "fingerprint_of",
]


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in reversed(cls))
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


class Category(str, enum.Enum):
    """Areas of production readiness; each check belongs to one."""

    SECRETS = "secrets-management"
    DATABASE_HA = "database-ha"
    BACKUP_DR = "backup-dr"
    TLS = "tls"
    MONITORING = "monitoring"
    ALERTING = "alerting"
    NETWORK_POLICY = "network-policy"
    RBAC = "rbac"
    RESOURCES = "resource-management"
    SUPPLY_CHAIN = "supply-chain"
    CICD = "ci-cd-safety"
    DEPLOYMENT = "deployment-strategy"
    RUNTIME_HARDENING = "runtime-hardening"
    RELIABILITY = "reliability"
    CONFIGURATION = "configuration"
    AUDIT = "audit"

    @property
    def title(self) -> str:  # type: ignore[override]  # a category's display title, not str.title()
        return _CATEGORY_TITLES[self]


_CATEGORY_TITLES = {
    Category.SECRETS: "Secrets management",
    Category.DATABASE_HA: "Database high availability",
    Category.BACKUP_DR: "Backup and disaster recovery",
    Category.TLS: "TLS",
    Category.MONITORING: "Monitoring",
    Category.ALERTING: "Alerting",
    Category.NETWORK_POLICY: "Network policy",
    Category.RBAC: "RBAC",
    Category.RESOURCES: "Resource management",
    Category.SUPPLY_CHAIN: "Supply chain",
    Category.CICD: "CI/CD safety",
    Category.DEPLOYMENT: "Deployment strategy",
    Category.RUNTIME_HARDENING: "Runtime hardening",
    Category.RELIABILITY: "Reliability",
    Category.CONFIGURATION: "Configuration hygiene",
    Category.AUDIT: "Audit hygiene",
}


class Located(Protocol):
    """Anything a finding can point at: a YAML node, an instruction, a line."""

    line: int
    end_line: int
    ypath: tuple


@dataclass(frozen=True)
class Pos:
    """A position in a file that is not a YAML node (an instruction, a script line).

    ``ypath`` is the symbolic location used for fingerprints: it names the thing
    (``("stage", "build", "USER")``) rather than its line, so it survives edits above.
    ``path`` is only set by repository checks that point into another file.
    """

    line: int | None
    end_line: int | None = None
    ypath: tuple = ()
    path: str | None = None


def fingerprint_of(code: str, path: str, resource: str, symbol: str) -> str:
    raw = "\x1f".join((code, path, resource, symbol)).encode("utf-8", "surrogateescape")
    return hashlib.sha256(raw).hexdigest()[:20]


@dataclass(eq=False)
class Check:
    """Metadata of one check, and the function that runs it."""

    code: str
    name: str
    title: str
    severity: Severity
    category: Category
    rationale: str
    remediation: tuple[str, ...]
    effort: str = "1h"
    references: tuple[str, ...] = ()
    #: equivalent rule ids of peer tools (hadolint DL3007, checkov CKV_K8S_14, ...)
    peers: tuple[str, ...] = ()
    #: options a user may set in the configuration, with their defaults
    options: dict[str, Any] = field(default_factory=dict)
    func: Callable[..., Iterable[Finding]] | None = field(default=None, repr=False)
    model_types: tuple[type, ...] = ()
    repo: bool = False
    #: for per-subject repository checks: the fact topics whose facts are the subjects
    each_topics: tuple[str, ...] = ()
    #: per-file checks: also run on partial objects (Kustomize patches, ``unit.is_patch``), for
    #: what they set; checks of what is missing leave this False (a patch lacks most things)
    patches: bool = False

    # -- registration -------------------------------------------------------
    def on(self, *model_types: type, patches: bool = False) -> Callable:
        """Register the per-file function; it runs on every model of these types.

        A model that is a patch (``is_patch``: a Kustomize patch holds only what it changes)
        reaches the function only with ``patches=True``: give it for checks that judge what
        an object *sets* (a wildcard RBAC rule, a committed secret), never for checks of what
        is missing.
        """

        def decorate(func: Callable[..., Iterable[Finding]]) -> Callable:
            self.func = func
            self.model_types = model_types
            self.repo = False
            self.patches = patches
            return func

        return decorate

    def on_repo(self, func: Callable[..., Iterable[Finding]]) -> Callable:
        """Register a repository check; it takes the index of facts."""
        self.func = func
        self.model_types = ()
        self.repo = True
        self.each_topics = ()
        return func

    def on_each(self, *topics: str) -> Callable:
        """Register a per-subject repository check: ``func(path, fact, index)``.

        It runs once for every fact of the given topics (each workload, each Ingress)
        and may ask the index anything else.  The engine re-runs it only for subjects
        whose file changed or whose answers depend on what changed, which keeps
        ``Engine.update()`` independent of the size of the repository.
        """

        def decorate(func: Callable[..., Iterable[Finding]]) -> Callable:
            self.func = func
            self.model_types = ()
            self.repo = True
            self.each_topics = tuple(topics)
            return func

        return decorate

    # -- findings -----------------------------------------------------------
    def finding(
        self,
        at: Any = None,
        key: str | int | None = None,
        *,
        resource: str = "",
        message: str,
        evidence: str | None = None,
        path: str | None = None,
        severity: Severity | None = None,
        symbol: tuple = (),
        repeats: tuple = (),
    ) -> Finding:
        """A finding at ``at`` (a YAML node, a :class:`Pos`, or None for the repo).

        ``key`` narrows a YAML mapping to one key (or a list to one index), so the
        finding points at the exact line.  ``symbol`` adds to the symbolic location
        when one node carries several distinct findings of the same check.
        ``repeats`` names the problem independently of where it is (``("curl --insecure",)``):
        findings of this check in one file and resource with the same ``repeats`` are one
        problem, reported once with all their places (see :func:`fold_repeats`).
        """
        line = end_line = None
        ypath: tuple = ()
        if at is not None:
            ypath = tuple(getattr(at, "ypath", ()) or ())
            line = getattr(at, "line", None)
            end_line = getattr(at, "end_line", None)
            if path is None:
                path = getattr(at, "path", None)
            if key is not None:
                ypath = ypath + (key,)
                if hasattr(at, "value_span") and isinstance(key, str):
                    if key in at:
                        line, end_line = at.value_span(key)
                        line = at.key_line(key)
                    else:
                        line, end_line = at.line, at.line
                elif hasattr(at, "item_line") and isinstance(key, int):
                    line = at.item_line(key)
                    item = at[key] if 0 <= key < len(at) else None
                    end_line = getattr(item, "end_line", line)
        if line is not None and (end_line is None or end_line < line):
            end_line = line
        return Finding(
            check=self,
            severity=severity if severity is not None else self.severity,
            message=message,
            path=path,
            line=line,
            end_line=end_line,
            resource=resource,
            evidence=evidence,
            ypath=ypath + tuple(symbol),
            repeats=tuple(repeats),
        )


@dataclass(frozen=True, eq=False)
class Finding:
    """One problem found at one place: a value, never edited once made.

    Checks make findings with :meth:`Check.finding`; the pipeline (``checks/pipeline.py``)
    makes new values from them (sealed, suppressed, in context, marked by overlays) with
    ``pipeline.evolve`` or ``dataclasses.replace``.  Compared by identity: the engine's
    delta compares fingerprints and :meth:`same_as`.
    """

    check: Check
    severity: Severity
    message: str
    path: str | None
    line: int | None
    end_line: int | None
    resource: str
    evidence: str | None
    ypath: tuple = ()
    fingerprint: str = ""
    #: set by suppressions: where and why the finding was silenced
    suppressed_by: str | None = None
    #: what makes repetitions of this problem one problem (set by the check, see fold_repeats)
    repeats: tuple = ()
    #: (line, end_line) of every place a repeated problem occurs; () when it occurs once
    occurrences: tuple = ()
    #: where its file is used (context.py): production, development, test, tooling, example, build
    context: str = "production"
    #: why the file has that context, and what it changed ("in a tests/ folder; lowered from high")
    context_reason: str | None = None

    @property
    def code(self) -> str:
        return self.check.code

    @property
    def name(self) -> str:
        return self.check.name

    @property
    def title(self) -> str:
        return self.check.title

    @property
    def category(self) -> Category:
        return self.check.category

    @property
    def symbol(self) -> str:
        return "/".join(str(part) for part in self.ypath)

    @property
    def location(self) -> str:
        if not self.path or self.path == ".":
            return "(repository)"
        return f"{self.path}:{self.line}" if self.line else self.path

    def seal(self, default_path: str, severity: Severity | None = None) -> Finding:
        """A new, sealed value: the path filled in (when the check left it out), message and
        evidence scrubbed, the fingerprint computed, and ``severity`` if given.  The finding
        itself does not change (use the result).  The engine seals with
        ``pipeline.seal``, which also numbers duplicates."""
        path = self.path if self.path is not None else default_path
        changes: dict[str, object] = dict(path=path, message=scrub(self.message) or "", evidence=scrub(self.evidence),
                                          fingerprint=fingerprint_of(self.code, path, self.resource, self.symbol))
        if severity is not None:
            changes["severity"] = severity
        new = object.__new__(Finding)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    def same_as(self, other: Finding) -> bool:
        """True when nothing a user sees differs (used to report 'changed')."""
        return (
            self.line == other.line
            and self.end_line == other.end_line
            and self.message == other.message
            and self.evidence == other.evidence
            and self.severity == other.severity
            and self.suppressed_by == other.suppressed_by
            and self.context == other.context
            and self.context_reason == other.context_reason
        )

    def sort_key(self) -> tuple:
        return (-int(self.severity), self.path or "", self.line or 0, self.code, self.resource)


def _line_list(lines: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def fold_repeats(findings: Iterable[Finding]) -> list[Finding]:
    """One problem, one finding: repeated findings of a check in one file become one.

    Findings with the same check, path, resource and ``repeats`` key (the same
    ``curl -k`` sixteen times, ``StrictHostKeyChecking=no`` in eight commands) are
    folded into the first of them (by line): its message says how many times and on
    which lines, ``occurrences`` lists every place, and its symbolic location is the key
    itself, so the fingerprint (and any triage on it) survives occurrences added,
    removed or moved.  Findings without a key pass through unchanged, in order.
    """
    order: list[Finding | tuple] = []
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        if not finding.repeats:
            order.append(finding)
            continue
        key = (finding.code, finding.path, finding.resource, finding.repeats)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(finding)
    out: list[Finding] = []
    for item in order:
        if isinstance(item, Finding):
            out.append(item)
            continue
        members = sorted(groups[item], key=lambda f: (f.line or 0, f.end_line or 0))
        first = members[0]
        changes: dict[str, Any] = {"ypath": ("repeated",) + tuple(str(part) for part in first.repeats)}
        places = []
        for member in members:
            place = (member.line, member.end_line)
            if place not in places:
                places.append(place)
        if len(places) > 1:
            lines = [line for line, _ in places if line is not None]
            changes["message"] = f"{first.message} ({len(places)} times in this file: lines {_line_list(lines)})"
            changes["occurrences"] = tuple(places)
        out.append(dataclasses.replace(first, **changes))
    return out


def iter_findings(results: Iterable[Finding] | None) -> Iterator[Finding]:
    if results is None:
        return iter(())
    return iter(results)
