"""Personas: how much auditui says, as zizmor's ``--persona`` does.

* ``regular`` (the default) tells the production-readiness story.  The per-container and
  per-service hardening items (capabilities, read-only root filesystem, user,
  no-new-privileges, seccomp, service-account token automount, digest pinning) are real but
  are not what a readiness audit leads with: the open ones of one workload or compose
  service are rolled into one finding (K8S059, CMP022) that lists the missing controls.
  Information-only findings are not shown.
* ``pedantic`` reports every item on its own, as auditui always has.
* ``auditor`` reports everything: every item, information-only findings, and the findings
  inside vendored upstream bundles (as information, naming the bundle).

Personas only change what is shown; checks run the same.  They are the last step of
``pipeline.py`` (step 6), after each finding was put in its file's context.  A rolled-up finding's
fingerprint comes from its code, path and workload, never from the items it lists, so
triage of it survives items coming and going.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import replace

from .api import Finding, Severity, fingerprint_of

PERSONAS = ("regular", "pedantic", "auditor")
DEFAULT = "regular"
DESCRIPTIONS = {
    "regular": "the readiness story: hardening items rolled into one finding per workload or service; "
               "no information-only findings",
    "pedantic": "every finding on its own",
    "auditor": "everything: every finding on its own, information-only findings and findings inside "
               "vendored upstream bundles",
}


class Persona(str, enum.Enum):
    REGULAR = "regular"
    PEDANTIC = "pedantic"
    AUDITOR = "auditor"


#: hardening items a ``regular`` audit rolls up: code -> the control it asks for
HARDENING: dict[str, str] = {
    "K8S005": "image pinned by digest",
    "K8S010": "runAsNonRoot",
    "K8S011": "allowPrivilegeEscalation: false",
    "K8S014": "capabilities drop: [ALL]",
    "K8S015": "readOnlyRootFilesystem",
    "K8S016": "seccomp profile",
    "K8S019": "no service-account token automount",
    "CMP007": "image pinned by digest",
    "CMP008": "cap_drop: [ALL]",
    "CMP009": "read_only: true",
    "CMP010": "non-root user",
    "CMP011": "no-new-privileges",
}
#: items above this severity are not hardening gaps but problems of their own (runAsUser: 0)
_ROLLED_MAX = Severity.MEDIUM
#: the check code that stands for a file's domain's rolled-up items
_CODE_OF_DOMAIN = {"K8S": "K8S059", "CMP": "CMP022"}


def is_known(name: str) -> bool:
    return name in PERSONAS


def apply(findings: list[Finding], persona: str) -> list[Finding]:
    """The findings of one path as ``persona`` shows them (new values; the input is not edited)."""
    if persona == Persona.AUDITOR:
        return findings
    shown = [f for f in findings if f.context != "vendored" or f.code == "K8S081"]
    if persona == Persona.PEDANTIC:
        return shown
    shown = [f for f in shown if f.severity > Severity.INFO]
    return roll_up(shown)


def apply_split(own: list[Finding], repo: list[Finding], persona: str) -> tuple[list[Finding], list[Finding]]:
    """:func:`apply` to one path's own findings and the repository checks' that point into it,
    together (a workload's hardening items may come from both); each shown finding stays on
    its side, and a rolled-up one goes with the file's own when one of its items was."""
    if persona == Persona.AUDITOR:
        return own, repo
    mine, theirs = {id(f) for f in own}, {id(f) for f in repo}
    owned = {(f.code[:3], _group_of(f)) for f in own if _rolled(f)}
    kept_own: list[Finding] = []
    kept_repo: list[Finding] = []
    for finding in apply(own + repo, persona):
        if id(finding) in mine:
            kept_own.append(finding)
        elif id(finding) in theirs:
            kept_repo.append(finding)
        else:  # a rolled-up finding
            side = kept_own if (finding.code[:3], finding.resource) in owned else kept_repo
            side.append(finding)
    return kept_own, kept_repo


def _rolled(finding: Finding) -> bool:
    return finding.code in HARDENING and finding.suppressed_by is None and finding.severity <= _ROLLED_MAX


def _group_of(finding: Finding) -> str:
    """``Deployment/api`` for ``Deployment/api/container/web``; ``service/web`` as it is."""
    parts = finding.resource.split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else finding.resource


def roll_up(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per workload or service for its open hardening items, when it lacks two
    controls or more (a single item is shown as it is)."""
    out: list[Finding] = []
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if _rolled(finding):
            groups.setdefault((finding.code[:3], _group_of(finding)), []).append(finding)
        else:
            out.append(finding)
    for (domain, resource), items in groups.items():
        controls = {HARDENING[f.code] for f in items}
        if len(controls) < 2:
            out.extend(items)
            continue
        out.append(_summary(_CODE_OF_DOMAIN[domain], resource, items))
    return out


def _summary(code: str, resource: str, items: list[Finding]) -> Finding:
    from . import registry

    check = registry.lookup(code)
    assert check is not None, code
    where: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda f: (f.code, f.resource)):
        parts = item.resource.split("/")
        owner = parts[3] if len(parts) >= 4 and parts[2] == "container" else ""
        names = where.setdefault(HARDENING[item.code], [])
        if owner and owner not in names:
            names.append(owner)
    listed = "; ".join(f"{control} ({', '.join(names)})" if names and resource.count("/") == 1 and _several(where)
                       else control for control, names in where.items())
    first = min(items, key=lambda f: (f.line or 0, f.code))
    path = first.path or "."
    finding = Finding(
        check=check,
        severity=max(f.severity for f in items),
        message=f"{resource} lacks {len(where)} hardening controls: {listed}",
        path=path,
        line=first.line,
        end_line=first.line,
        resource=resource,
        evidence=", ".join(sorted({f.code for f in items})),
        ypath=("hardening",),
        fingerprint=fingerprint_of(code, path, resource, "hardening"),
    )
    return replace(finding, context=first.context, context_reason=first.context_reason)


def _several(where: dict[str, list[str]]) -> bool:
    """Name the containers only when the workload has more than one."""
    return len({name for names in where.values() for name in names}) > 1
