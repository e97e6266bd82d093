"""Checklists computed from the findings: production readiness and the PR gate.

Each production-readiness **area** gathers one or more check categories.  An area is

* **FAIL** when it has an open critical or high finding,
* **PARTIAL** when its open findings are at most medium (info does not count), or when
  critical/high findings in it are accepted or deferred (a known, not a fixed, risk),
* **PASS** when nothing open remains,
* **N/A** when the repository has nothing the area applies to (no database: database
  HA is N/A) and no finding in it.

The readiness score (see :data:`SCORE_FORMULA`) is derived from the marks.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .api import Category, Finding, Severity
from .facts import RepoIndex
from .models.base import FileKind
from .models.images import is_database_image
from .models.k8s.operators import OPERATOR_STORE_KINDS
from .models.topics import COMPOSE_SERVICE
from .scope import unaudited_infrastructure

SCORE_FORMULA = (
    "Each applicable area counts 1 for PASS, 0.5 for PARTIAL and 0 for FAIL; the score is "
    "10 x the average over applicable areas (N/A areas are left out), rounded to one "
    "decimal. Any open critical finding caps the score at 4.0. With no applicable area "
    "there is no score (n/a)."
)
CRITICAL_CAP = 4.0


class Mark(str, enum.Enum):
    PASS = "PASS"
    PARTIAL = "PARTIAL"
    FAIL = "FAIL"
    NA = "N/A"

    @property
    def credit(self) -> float | None:
        return {Mark.PASS: 1.0, Mark.PARTIAL: 0.5, Mark.FAIL: 0.0}.get(self)


def _has_workloads(index: RepoIndex) -> bool:
    return any(index.has(f"k8s:{kind}") for kind in ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod"))


def _has_services(index: RepoIndex) -> bool:
    return _has_workloads(index) or index.has(COMPOSE_SERVICE)


def _has_databases(index: RepoIndex) -> bool:
    for _, fact in index.facts(COMPOSE_SERVICE):
        image = fact.data.image
        if image and is_database_image(str(image)):
            return True
    for kind in ("Deployment", "StatefulSet", "DaemonSet", "Pod"):
        for _, obj in index.k8s(kind):
            if any(is_database_image(str(image)) for image in (obj.data.images or ()) or ()):
                return True
    return False


def _has_cluster_databases(index: RepoIndex) -> bool:
    """Databases run by Kubernetes (workloads or operator resources): where HA can be judged."""
    for kind in ("Deployment", "StatefulSet", "DaemonSet", "Pod"):
        for _, fact in index.k8s(kind):
            if any(is_database_image(str(image)) for image in (fact.data.images or ()) or ()):
                return True
    # an operator's database resource (not, say, Cluster API's `Cluster`)
    return any(fact.data.members_line is not None for kind in OPERATOR_STORE_KINDS for _, fact in index.k8s(kind))


def _compose_databases_note(index: RepoIndex) -> str | None:
    for _, fact in index.facts(COMPOSE_SERVICE):
        image = fact.data.image
        if image and is_database_image(str(image)):
            return "compose database on one host: HA not assessed"
    return None


def _has_infra(index: RepoIndex) -> bool:
    return any(index.has_kind(kind) for kind in FileKind.all() if kind.infra)


def _has_k8s(index: RepoIndex) -> bool:
    return index.has_kind(FileKind.KUBERNETES)


def _has_exposure(index: RepoIndex) -> bool:
    return index.has("k8s:Ingress") or index.has("k8s:Service") or index.has(COMPOSE_SERVICE)


def _has_supply_chain(index: RepoIndex) -> bool:
    return index.has_kind(FileKind.DOCKERFILE) or _has_services(index) or index.has_kind(FileKind.WORKFLOW)


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    categories: tuple[Category, ...]
    question: str
    applies: Callable[[RepoIndex], bool] = field(compare=False, repr=False)
    #: why the area is N/A when it is, if there is more to say than "nothing applies"
    na_note: Callable[[RepoIndex], str | None] | None = field(default=None, compare=False, repr=False)


AREAS: tuple[Area, ...] = (
    Area("secrets", "Secrets management", (Category.SECRETS,),
         "Are secrets kept out of git and injected at run time?", _has_infra),
    Area("database-ha", "Database high availability", (Category.DATABASE_HA,),
         "Do databases survive the loss of a pod or node?", _has_cluster_databases, _compose_databases_note),
    Area("backup-dr", "Backup and disaster recovery", (Category.BACKUP_DR,),
         "Are databases backed up off-host, with retention, and can they be restored?", _has_databases),
    Area("tls", "TLS", (Category.TLS,), "Is every public endpoint served over TLS?", _has_exposure),
    Area("monitoring", "Monitoring", (Category.MONITORING,),
         "Is something scraping metrics from every service?", _has_services),
    Area("alerting", "Alerting", (Category.ALERTING,), "Does anyone get paged when it breaks?", _has_services),
    Area("network-policy", "Network policy", (Category.NETWORK_POLICY,),
         "Is traffic between workloads restricted to what they need?", _has_services),
    Area("rbac", "RBAC", (Category.RBAC,), "Do service accounts and CI have least privilege?", _has_k8s),
    Area("resources", "Resource management", (Category.RESOURCES,),
         "Do workloads declare requests and limits, and scale?", _has_services),
    Area("supply-chain", "Supply chain", (Category.SUPPLY_CHAIN,),
         "Are images and actions pinned and built reproducibly?", _has_supply_chain),
    Area("ci-cd", "CI/CD safety", (Category.CICD,),
         "Does CI run on every change, with least privilege and no long-lived keys?", _has_infra),
    Area("deployment", "Deployment strategy", (Category.DEPLOYMENT, Category.RELIABILITY),
         "Are deploys immutable, health-checked and reversible?", _has_services),
    Area("runtime-hardening", "Runtime hardening", (Category.RUNTIME_HARDENING,),
         "Do containers run unprivileged, read-only, with dropped capabilities?", _has_services),
    Area("configuration", "Configuration hygiene", (Category.CONFIGURATION,),
         "Are environments documented and free of dev-only settings?", _has_infra),
)

#: areas whose PASS or N/A would be a claim about what Terraform resources of a provider no rule
#: reads (a Hetzner Cloud firewall, a DigitalOcean load balancer) could hold
_UNAUDITED_AREAS = frozenset({"tls", "network-policy", "database-ha", "backup-dr"})

_AREA_OF: dict[Category, Area] = {cat: area for area in AREAS for cat in area.categories}


def area_of(category: Category) -> Area | None:
    return _AREA_OF.get(category)


@dataclass
class ChecklistItem:
    area: Area
    mark: Mark
    findings: list[Finding]
    summary: str

    @property
    def open_count(self) -> int:
        return len(self.findings)


StatusOf = Callable[[Finding], str]


def production_checklist(
    findings: Iterable[Finding], index: RepoIndex, status_of: StatusOf | None = None
) -> list[ChecklistItem]:
    status_of = status_of or (lambda f: "suppressed" if f.suppressed_by else "open")
    grouped: dict[str, list[tuple[Finding, str]]] = {area.id: [] for area in AREAS}
    for finding in findings:
        area = area_of(finding.category)
        if area is not None:
            grouped[area.id].append((finding, status_of(finding)))
    items = []
    for area in AREAS:
        pairs = grouped[area.id]
        open_findings = [f for f, status in pairs if status == "open" and f.severity > Severity.INFO]
        triaged_serious = [f for f, status in pairs if status in ("accepted", "deferred") and f.severity >= Severity.HIGH]
        if any(f.severity >= Severity.HIGH for f in open_findings):
            mark = Mark.FAIL
        elif open_findings or triaged_serious:
            mark = Mark.PARTIAL
        elif pairs or area.applies(index):
            mark = Mark.PASS
        else:
            mark = Mark.NA
        summary = _summary(mark, open_findings, triaged_serious)
        if mark is Mark.NA and area.na_note is not None:
            summary = area.na_note(index) or summary
        if mark in (Mark.PASS, Mark.NA) and area.id in _UNAUDITED_AREAS:
            unread = unaudited_infrastructure(index)
            if unread:
                what = ", ".join(unread[:2]) + (" and more" if len(unread) > 2 else "")
                summary = (f"no open findings in the files auditui reads; not verified for {what}" if mark is Mark.PASS
                           else f"nothing auditui reads applies; not verified for {what}")
        items.append(ChecklistItem(area, mark, [f for f, _ in pairs], summary))
    return items


def _summary(mark: Mark, open_findings: list[Finding], triaged: list[Finding]) -> str:
    if mark is Mark.NA:
        return "nothing in the repository this applies to"
    if mark is Mark.PASS:
        return "no open findings"
    worst = max((f.severity for f in open_findings), default=None)
    parts = []
    if open_findings and worst is not None:
        parts.append(f"{len(open_findings)} open (worst: {worst.label})")
    if triaged:
        parts.append(f"{len(triaged)} serious accepted/deferred")
    return ", ".join(parts)


def readiness_score(items: Iterable[ChecklistItem], findings: Iterable[Finding] | None = None,
                    status_of: StatusOf | None = None) -> float | None:
    """The 0-10 readiness score described by :data:`SCORE_FORMULA`.

    None when no area applies (a repository with no infrastructure auditui reads):
    a perfect score there would claim something nobody checked.
    """
    items = list(items)
    credits = [item.mark.credit for item in items if item.mark.credit is not None]
    if not credits:
        return None
    score = round(10 * sum(credits) / len(credits), 1)
    status_of = status_of or (lambda f: "suppressed" if f.suppressed_by else "open")
    pool = findings if findings is not None else (f for item in items for f in item.findings)
    if any(f.severity == Severity.CRITICAL and status_of(f) == "open" for f in pool):
        score = min(score, CRITICAL_CAP)
    return score


@dataclass(frozen=True)
class PrItem:
    id: str
    text: str
    categories: tuple[Category, ...] = ()


PR_CHECKLIST: tuple[PrItem, ...] = (
    PrItem("no-plaintext-secrets", "No secret, password or key is added in plain text (manifests, compose, .env, workflows)", (Category.SECRETS,)),
    PrItem("images-pinned", "New images and actions are pinned to a version (and a digest or SHA where it matters)", (Category.SUPPLY_CHAIN,)),
    PrItem("resources-declared", "New workloads declare requests and limits", (Category.RESOURCES,)),
    PrItem("health-checks", "New services have readiness/liveness probes or healthchecks", (Category.RELIABILITY,)),
    PrItem("least-privilege", "RBAC, workflow permissions and securityContext follow least privilege", (Category.RBAC, Category.RUNTIME_HARDENING, Category.CICD)),
    PrItem("data-safety", "Schema or data changes are backward compatible and covered by a backup", (Category.BACKUP_DR, Category.DATABASE_HA)),
    PrItem("rollback-plan", "The change can be rolled back without `git reset` on a server", (Category.DEPLOYMENT,)),
    PrItem("observability", "Metrics, dashboards and alerts cover what this change adds", (Category.MONITORING, Category.ALERTING)),
    PrItem("env-documented", "New environment variables are documented in the example env file", (Category.CONFIGURATION,)),
    PrItem("audit-clean", "auditui scan shows no new open finding at high or above", ()),
)


def format_score(score: float | None) -> str:
    """``7.5/10``, or ``n/a`` when nothing applied."""
    return "n/a" if score is None else f"{score:.1f}/10"
