"""Helm charts and values: what is read as what, and where findings point."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.base import FileKind
from auditui.checks.models.helm import HelmValues, is_values_name
from auditui.checks.parse import parse_text
from helpers import write

FIXTURES = Path(__file__).parent / "fixtures" / "helm"


@pytest.mark.parametrize(("name", "values"), [
    ("values.yaml", True), ("values-prod.yaml", True), ("values.production.yml", True),
    ("prod-values.yaml", True), ("helm_values.yaml", True), ("eigenvalues.yaml", False),
    ("values.schema.json", False), ("deployment.yaml", False),
])
def test_values_files_are_known_by_name(name, values):
    assert is_values_name(f"deploy/chart/{name}") is values


def test_a_values_file_holding_manifests_stays_kubernetes():
    parsed = parse_text("k8s/values.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: values}\n")
    assert parsed.kind is FileKind.KUBERNETES


def test_ansible_requirements_are_not_a_chart():
    parsed = parse_text("ansible/requirements.yml", "roles:\n  - name: geerlingguy.docker\n")
    assert parsed.kind is FileKind.YAML
    parsed = parse_text("legacy/requirements.yaml",
                        "dependencies:\n  - {name: mariadb, version: 7.x.x, repository: https://charts.bitnami.com/bitnami}\n")
    assert parsed.kind is FileKind.HELM_CHART
    assert [f.data.chart for f in parsed.facts if f.topic == "install"] == ["mariadb"]


def test_inline_values_of_every_gitops_object_are_units():
    text = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: shops}
spec:
  generators: [{list: {elements: [{env: prod}]}}]
  template:
    metadata: {name: 'shop-{{env}}'}
    spec:
      project: default
      destination: {server: "https://kubernetes.default.svc", namespace: shop}
      sources:
        - repoURL: https://charts.example.com
          chart: shop
          targetRevision: 1.4.0
          helm:
            valuesObject: {replicaCount: 3}
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
helmCharts:
  - name: postgresql
    repo: https://charts.bitnami.com/bitnami
    version: 15.2.5
    valuesInline:
      primary: {persistence: {enabled: false}}
"""
    parsed = parse_text("apps.yaml", text)
    values = [u for u in parsed.units if isinstance(u, HelmValues)]
    assert sorted((v.origin, v.chart) for v in values) == [("ApplicationSet/shops", "shop"),
                                                           ("kustomization helmCharts", "postgresql")]


def test_argo_values_string_keeps_file_lines(tmp_path):
    write(tmp_path, "app.yaml", """\
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: db}
        spec:
          project: default
          destination: {server: "https://kubernetes.default.svc", namespace: db}
          source:
            repoURL: https://charts.bitnami.com/bitnami
            chart: postgresql
            targetRevision: 15.2.5
            helm:
              values: |
                auth:
                  database: shop
                primary:
                  persistence:
                    enabled: false
        """)
    engine = Engine(tmp_path)
    engine.scan()
    (finding,) = [f for f in engine.findings if f.code == "HELM006"]
    assert finding.line == 17
    assert finding.ypath[:5] == ("spec", "source", "helm", "values", "primary")


def test_chart_defaults_are_one_severity_lower(tmp_path):
    engine = Engine(FIXTURES / "values-floating-image-tag" / "bad")
    engine.scan()
    by_path = {(f.path, f.severity) for f in engine.findings if f.code == "HELM003"}
    assert ("chart/values.yaml", Severity.MEDIUM) in by_path
    assert ("chart/values-prod.yaml", Severity.HIGH) in by_path
    assert ("releases.yaml", Severity.HIGH) in by_path


def test_values_checks_rerun_on_save(tmp_path):
    values = write(tmp_path, "chart/values-prod.yaml", "image: {repository: r/app, tag: v1.2.3}\n")
    engine = Engine(tmp_path)
    engine.scan()
    assert not [f for f in engine.findings if f.code == "HELM003"]
    values.write_text("image: {repository: r/app, tag: latest}\n")
    delta = engine.update([values])
    assert [f.code for f in delta.added] == ["HELM003"]


def test_a_sibling_values_file_fills_empty_resources_incrementally(tmp_path):
    write(tmp_path, "chart/values.yaml", "resources: {}\n")
    engine = Engine(tmp_path)
    engine.scan()
    assert [f.code for f in engine.findings if f.code == "HELM008"] == ["HELM008"]
    prod = write(tmp_path, "chart/values-prod.yaml", "resources: {requests: {cpu: 100m}}\n")
    delta = engine.update([prod])
    assert [f.code for f in delta.removed] == ["HELM008"]


def test_secret_severity_comes_from_the_secrets_model(tmp_path):
    write(tmp_path, "chart/values-prod.yaml", """\
        auth: {postgresPassword: "Xk8!vP2q#mW9zL4t", replicationPassword: changeme}
        """)
    write(tmp_path, "chart/values.yaml", """\
        auth: {postgresPassword: "Xk8!vP2q#mW9zL4t"}
        """)
    engine = Engine(tmp_path)
    engine.scan()
    got = sorted((f.path, f.resource.rsplit(".", 1)[-1], f.severity.label) for f in engine.findings if f.code == "HELM004")
    # a random-looking password whose database's reach values cannot tell is high (the secrets
    # model's rule, as in a manifest or an env file); a chart default is capped at high
    assert got == [("chart/values-prod.yaml", "postgresPassword", "high"),
                   ("chart/values-prod.yaml", "replicationPassword", "medium"),
                   ("chart/values.yaml", "postgresPassword", "high")]
