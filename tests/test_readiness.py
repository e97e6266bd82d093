from __future__ import annotations

from auditui.checks.api import Category, Check, Pos, Severity
from auditui.checks.facts import RepoIndex
from auditui.checks.models.base import Fact, FileKind
from auditui.checks.models.topics import COMPOSE_SERVICE, K8S, ComposeServiceData, K8sObjectData
from auditui.checks.readiness import AREAS, Mark, production_checklist, readiness_score


def make_check(category: Category, severity: Severity, code: str = "K8S999") -> Check:
    return Check(code=code, name=f"t-{code.lower()}", title="t", severity=severity, category=category,
                 rationale="r", remediation=("s",), effort="1h")


def finding(category: Category, severity: Severity, name: str = "x"):
    return make_check(category, severity).finding(Pos(1, 1, (name,)), resource=name, message="m").seal("f.yaml")


def index_with_database() -> RepoIndex:
    index = RepoIndex()
    index.set_file("compose.yaml", FileKind.COMPOSE, [Fact(COMPOSE_SERVICE, "db", 3, (), ComposeServiceData(image="postgres:16"))])
    return index


def marks(items):
    return {item.area.id: item.mark for item in items}


def test_areas_fail_partial_pass_and_na():
    index = RepoIndex()
    index.set_file("compose.yaml", FileKind.COMPOSE, [Fact(COMPOSE_SERVICE, "web", 3, (), ComposeServiceData(image="nginx:1.27"))])
    findings = [finding(Category.SECRETS, Severity.CRITICAL, "a"), finding(Category.RESOURCES, Severity.MEDIUM, "b")]
    result = marks(production_checklist(findings, index))
    assert result["secrets"] is Mark.FAIL
    assert result["resources"] is Mark.PARTIAL
    assert result["tls"] is Mark.PASS
    assert result["database-ha"] is Mark.NA  # no database anywhere
    assert result["rbac"] is Mark.NA  # no Kubernetes


def test_databases_make_database_areas_applicable():
    # compose databases: backups can be judged, HA cannot (one container on one host)
    items = production_checklist([], index_with_database())
    result = marks(items)
    assert result["backup-dr"] is Mark.PASS
    assert result["database-ha"] is Mark.NA
    ha = next(item for item in items if item.area.id == "database-ha")
    assert "compose" in ha.summary and "not assessed" in ha.summary
    # databases in Kubernetes (a workload, or an operator's resource) make HA applicable
    for kind, data in (("StatefulSet", K8sObjectData(images=("postgres:16",))), ("Cluster", K8sObjectData(name="pg", members_line=6))):
        index = RepoIndex()
        index.set_file("db.yaml", FileKind.KUBERNETES, [Fact(f"k8s:{kind}", "/db", 1, (), data)])
        assert marks(production_checklist([], index))["database-ha"] is Mark.PASS
    capi = RepoIndex()  # Cluster API's `Cluster` is not a database
    capi.set_file("cluster.yaml", FileKind.KUBERNETES, [Fact(K8S.of("Cluster"), "/c", 1, (), K8sObjectData(name="c"))])
    assert marks(production_checklist([], capi))["database-ha"] is Mark.NA


def test_accepted_serious_risk_is_partial_not_fail():
    f = finding(Category.DATABASE_HA, Severity.CRITICAL)
    items = production_checklist([f], index_with_database(), lambda _: "accepted")
    assert marks(items)["database-ha"] is Mark.PARTIAL


def test_info_findings_do_not_lower_a_mark():
    items = production_checklist([finding(Category.SUPPLY_CHAIN, Severity.INFO)], index_with_database())
    assert marks(items)["supply-chain"] is Mark.PASS


def test_score_formula_and_critical_cap():
    index = index_with_database()
    clean = production_checklist([], index)
    assert readiness_score(clean) == 10.0
    medium = [finding(Category.RESOURCES, Severity.MEDIUM)]
    items = production_checklist(medium, index)
    applicable = [i for i in items if i.mark is not Mark.NA]
    assert readiness_score(items) == round(10 * (len(applicable) - 0.5) / len(applicable), 1)
    critical = [finding(Category.SECRETS, Severity.CRITICAL)]
    assert readiness_score(production_checklist(critical, index)) == 4.0


def test_every_category_but_audit_belongs_to_an_area():
    covered = {c for area in AREAS for c in area.categories}
    assert set(Category) - covered == {Category.AUDIT}


def test_no_score_when_nothing_applies():
    from auditui.checks.readiness import format_score

    items = production_checklist([], RepoIndex())
    assert all(item.mark is Mark.NA for item in items)
    assert readiness_score(items) is None and format_score(None) == "n/a"
