"""How many replicas a workload can have (checks/replicas.py): an autoscaler that targets a
database owns its count, for manifests (K8S002) and Helm values (HELM007) alike."""

from __future__ import annotations

import shutil
from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures"


def _engine(tmp_path: Path, source: Path) -> Engine:
    root = tmp_path / "repo"
    if source.is_dir():
        shutil.copytree(source, root)
    else:
        root.mkdir()
        shutil.copy(source, root / source.name)
    engine = Engine(root)
    engine.scan()
    return engine


def test_helm_database_an_autoscaler_scales_from_one_is_medium_and_named(tmp_path):
    engine = _engine(tmp_path, FIXTURES / "helm" / "values-single-replica-database" / "bad-autoscaled-when-busy")
    found = {f.path: f for f in engine.findings if f.code == "HELM007"}
    assert found["charts/ha/values.yaml"].severity == Severity.MEDIUM
    assert "hpa/autoscalers.yaml" in found["charts/ha/values.yaml"].message
    assert "accounts-db-postgresql" in found["charts/ha/values.yaml"].message
    # an autoscaler of the release's web Deployment says nothing about its database
    assert found["release.yaml"].severity == Severity.HIGH


def test_k8s_database_an_autoscaler_scales_from_one_is_medium(tmp_path):
    engine = _engine(tmp_path, FIXTURES / "k8s" / "single-replica-database" / "bad-autoscaled-when-busy.yaml")
    found = {f.resource: f for f in engine.findings if f.code == "K8S002"}
    assert {r: f.severity for r, f in found.items()} == {
        "StatefulSet/accounts-db": Severity.MEDIUM, "StatefulSet/orders-db": Severity.MEDIUM}
    assert "ScaledObject orders-db" in found["StatefulSet/orders-db"].message


def test_an_autoscaler_added_later_updates_helm007_incrementally(tmp_path):
    root = tmp_path / "repo"
    (root / "chart").mkdir(parents=True)
    (root / "chart" / "values.yaml").write_text("fullnameOverride: db\npostgresql:\n  replicaCount: 1\n")
    engine = Engine(root)
    engine.scan()
    assert [f.severity for f in engine.findings if f.code == "HELM007"] == [Severity.HIGH]
    hpa = root / "hpa.yaml"
    hpa.write_text("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: db}\nspec:\n"
                   "  scaleTargetRef: {kind: StatefulSet, name: db-postgresql}\n  minReplicas: 2\n  maxReplicas: 3\n")
    engine.update([hpa])
    assert not [f for f in engine.findings if f.code == "HELM007"]
    hpa.write_text(hpa.read_text().replace("minReplicas: 2", "minReplicas: 1"))
    engine.update([hpa])
    assert [f.severity for f in engine.findings if f.code == "HELM007"] == [Severity.MEDIUM]
