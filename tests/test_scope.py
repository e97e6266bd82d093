"""What the repository installs from outside, and absence findings that say what was not read."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.components import (
    component_names,
    git_ref_floats,
    provides,
    remote_ref_floats,
    version_floats,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("reference", "names"), [
    ("kube-prometheus-stack", ("kube-prometheus-stack",)),
    ("bitnami/postgresql", ("postgresql",)),
    ("oci://quay.io/jetstack/charts/cert-manager", ("cert-manager",)),
    ("https://github.com/cert-manager/cert-manager/releases/download/v1.15.3/cert-manager.yaml", ("cert-manager",)),
    ("github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.9.0", ("argo-cd", "cluster-install")),
    ("https://raw.githubusercontent.com/argoproj/argo-cd/master/manifests/install.yaml", ("install", "argo-cd")),
    ("git@github.com:org/velero-setup.git//deploy?ref=main", ("velero-setup", "deploy")),
])
def test_component_names(reference, names):
    assert component_names(reference) == names


@pytest.mark.parametrize(("names", "capability", "expected"), [
    (("kube-prometheus-stack",), "alerting", True),
    (("grafana",), "alerting", False),          # dashboards alone do not route alerts
    (("grafana",), "monitoring", True),
    (("velero",), "backup", True),
    (("postgres-backup-s3",), "backup", True),  # named for what it does
    (("postgresql",), "backup", False),
    (("cert-manager",), "cert-manager", True),
    (("cert-manager-webhook-ovh",), "cert-manager", False),
])
def test_provides(names, capability, expected):
    assert provides(names, capability) is expected


@pytest.mark.parametrize(("version", "floats"), [
    ("1.2.3", False), ("v1.15.3", False), ("1.2.3-rc.1", False), (None, True), ("", True), ("*", True),
    (">=4.0.0", True), ("^1.2.0", True), ("~1.2", True), ("1.x", True), ("1.2", True), ("1.2.0 - 1.4.0", True),
    ("{{ .Values.version }}", False),
])
def test_version_floats(version, floats):
    assert (version_floats(version) is not None) is floats


@pytest.mark.parametrize(("ref", "floats"), [
    ("master", True), ("main", True), ("HEAD", True), ("refs/heads/release", True), (None, True),
    ("v1.2.3", False), ("0123abcd", False), ("release-1.2", False),
])
def test_git_ref_floats(ref, floats):
    assert (git_ref_floats(ref) is not None) is floats


@pytest.mark.parametrize(("url", "floats"), [
    ("github.com/org/repo//deploy?ref=v1.2.3", False),
    ("github.com/org/repo//deploy?ref=3f1c2d4e5f60718293a4b5c6d7e8f90123456789", False),
    ("github.com/org/repo//deploy?ref=main", True),
    ("https://github.com/argoproj/argo-events/manifests/namespace-install", True),
    ("https://raw.githubusercontent.com/org/repo/master/install.yaml", True),
    ("https://raw.githubusercontent.com/org/repo/v0.7.0/install.yaml", False),
    ("https://github.com/org/repo/releases/download/v1.7.2/install.yaml", False),
    ("https://github.com/org/repo/releases/latest/download/install.yaml", True),
    ("https://example.com/manifests/install.yaml", False),  # cannot tell: not judged
])
def test_remote_ref_floats(url, floats):
    assert (remote_ref_floats(url) is not None) is floats


def _scan(root: Path) -> Engine:
    engine = Engine(root)
    engine.scan()
    assert not engine.check_errors, engine.check_errors
    return engine


def test_absence_names_unrendered_charts_and_is_one_severity_lower(tmp_path):
    fixture = FIXTURES / "k8s" / "database-without-backup" / "bad-unrendered-chart"
    (finding,) = [f for f in _scan(fixture).findings if f.code == "K8S078"]
    assert finding.severity == Severity.MEDIUM  # high when every file was read
    assert "in the files auditui reads" in finding.message
    assert "1 Helm chart in the repository was not rendered (web)" in finding.message


def test_absence_stays_confident_when_everything_was_read():
    fixture = FIXTURES / "k8s" / "database-without-backup" / "bad-no-backup"
    findings = [f for f in _scan(fixture).findings if f.code == "K8S078"]
    assert findings and all(f.severity == Severity.HIGH for f in findings)
    assert not any("auditui reads" in f.message for f in findings)


def test_an_installed_chart_resolves_the_absence_incrementally(tmp_path):
    write(tmp_path, "monitors.yaml", """\
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: web}
        spec: {selector: {matchLabels: {app: web}}, endpoints: [{port: metrics}]}
        """)
    engine = _scan(tmp_path)
    assert {f.code for f in engine.findings} >= {"K8S074"}
    chart = write(tmp_path, "monitoring/Chart.yaml", """\
        apiVersion: v2
        name: monitoring
        version: 0.1.0
        dependencies:
          - {name: kube-prometheus-stack, version: 56.19.0, repository: https://prometheus-community.github.io/helm-charts}
        """)
    delta = engine.update([chart])
    assert "K8S074" in {f.code for f in delta.removed}
    assert "K8S074" not in {f.code for f in engine.findings}
    chart.unlink()
    delta = engine.update([chart])
    assert "K8S074" in {f.code for f in delta.added}


def test_a_remote_base_is_named_as_not_read(tmp_path):
    write(tmp_path, "db.yaml", """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: mysql}
        spec:
          serviceName: mysql
          selector: {matchLabels: {app: mysql}}
          template:
            metadata: {labels: {app: mysql}}
            spec: {containers: [{name: mysql, image: "mysql:8.4"}]}
        """)
    write(tmp_path, "kustomization.yaml", """\
        resources:
          - db.yaml
          - github.com/example/platform-addons//jobs?ref=v1.0.0
        """)
    (finding,) = [f for f in _scan(tmp_path).findings if f.code == "K8S078"]
    assert "1 remote base or source was not read (platform-addons)" in finding.message
    assert finding.severity == Severity.MEDIUM


def test_app_export_commands_count_as_backups(tmp_path):
    from auditui.checks.models.shell import parse_script
    from auditui.checks.models.shell_ops import dump_tool

    script = parse_script("b.sh", "#!/bin/sh\n"
                                  "docker compose exec -T gitea gitea dump -c /data/app.ini\n"
                                  "gitlab-backup create STRATEGY=copy\n"
                                  "kubectl exec vault-0 -- vault operator raft snapshot save /tmp/raft.snap\n"
                                  "echo gitea dump\n")
    tools = [dump_tool(seg) for _, seg in script.segments()]
    assert tools == ["gitea dump", "gitlab-backup create", "vault operator raft snapshot save", ""]


_MYSQL = """\
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: mysql}
    spec:
      serviceName: mysql
      selector: {matchLabels: {app: mysql}}
      template:
        metadata: {labels: {app: mysql}}
        spec: {containers: [{name: mysql, image: "mysql:8.4"}]}
    """


def test_a_known_component_that_cannot_hold_a_backup_does_not_blind(tmp_path):
    # an ingress controller is no place for a backup: the absence stays confident
    write(tmp_path, "db.yaml", _MYSQL)
    write(tmp_path, "kustomization.yaml", """\
        resources:
          - db.yaml
          - https://github.com/kubernetes/ingress-nginx//deploy/static/provider/cloud?ref=controller-v1.10.1
        """)
    (finding,) = [f for f in _scan(tmp_path).findings if f.code == "K8S078"]
    assert finding.severity == Severity.HIGH and "auditui reads" not in finding.message


def test_what_examples_install_does_not_blind(tmp_path):
    write(tmp_path, "db.yaml", _MYSQL)
    write(tmp_path, "examples/addons/kustomization.yaml", """\
        resources: [github.com/example/mystery-addons//jobs?ref=v1.0.0]
        """)
    (finding,) = [f for f in _scan(tmp_path).findings if f.code == "K8S078"]
    assert finding.severity == Severity.HIGH


def test_gitops_findings_follow_edits(tmp_path):
    source = write(tmp_path, "clusters/prod/sources.yaml", """\
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: addons, namespace: flux-system}
        spec: {interval: 10m, url: "https://github.com/example/addons", ref: {branch: main}}
        """)
    engine = _scan(tmp_path)
    assert [f.code for f in engine.findings if f.code == "GITOPS002"] == ["GITOPS002"]
    source.write_text(source.read_text().replace("branch: main", "tag: v1.2.3"))
    delta = engine.update([source])
    assert [f.code for f in delta.removed] == ["GITOPS002"]
    # the same source becomes this repository's own once a Kustomization applies a folder of it here
    source.write_text(source.read_text().replace("tag: v1.2.3", "branch: main"))
    engine.update([source])
    write(tmp_path, "apps/kustomization.yaml", "resources: []\n")
    flux = write(tmp_path, "clusters/prod/apps.yaml", """\
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec: {interval: 10m, path: ./apps, sourceRef: {kind: GitRepository, name: addons}}
        """)
    delta = engine.update([tmp_path / "apps" / "kustomization.yaml", flux])
    assert not [f for f in engine.findings if f.code == "GITOPS002"]


def test_every_floating_remote_form_is_named_in_one_finding():
    fixture = FIXTURES / "k8s" / "kustomize-remote-resource-floating" / "bad"
    (finding,) = [f for f in _scan(fixture).findings if f.code == "K8S082"]
    assert "6 more remote entries here float too" in finding.message
