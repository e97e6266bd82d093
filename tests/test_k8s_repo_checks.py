"""Repository checks of the cluster block follow edits incrementally (Engine.update)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"

PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
"""


def _codes(findings, code):
    return sorted((f.path, f.resource) for f in findings if f.code == code)


def test_adding_and_removing_a_pdb_updates_the_missing_pdb_finding(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "missing-pod-disruption-budget" / "good-with-pdb", root)
    (root / "pdb.yaml").unlink()
    engine = Engine(root)
    engine.scan()
    assert ("app.yaml", "Deployment/web") in _codes(engine.findings, "K8S070")

    (root / "web-pdb.yaml").write_text(PDB)
    delta = engine.update([root / "web-pdb.yaml"])
    assert [(f.code, f.resource) for f in delta.removed] == [("K8S070", "Deployment/web")]
    assert not [f for f in delta.added if f.code == "K8S070"]
    assert ("app.yaml", "Deployment/web") not in _codes(engine.findings, "K8S070")

    (root / "web-pdb.yaml").unlink()
    delta = engine.update([root / "web-pdb.yaml"])
    assert [(f.code, f.resource) for f in delta.added] == [("K8S070", "Deployment/web")]
    assert ("app.yaml", "Deployment/web") in _codes(engine.findings, "K8S070")


def test_pdb_in_another_namespace_does_not_count(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "missing-pod-disruption-budget" / "good-with-pdb", root)
    (root / "pdb.yaml").unlink()
    engine = Engine(root)
    engine.scan()
    (root / "web-pdb.yaml").write_text(PDB.replace("namespace: shop", "namespace: staging"))
    delta = engine.update([root / "web-pdb.yaml"])
    assert not [f for f in delta.removed if f.code == "K8S070"]


def test_adding_a_network_policy_resolves_the_repository_finding(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "no-network-policy" / "bad-open", root)
    engine = Engine(root)
    engine.scan()
    assert [f.path for f in engine.findings if f.code == "K8S072"] == ["."]
    shutil.copy(FIXTURES / "no-network-policy" / "good-default-deny" / "netpol.yaml", root / "netpol.yaml")
    delta = engine.update([root / "netpol.yaml"])
    assert [f.code for f in delta.removed] == ["K8S072"]


def test_backup_cronjob_anywhere_silences_every_database(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "database-without-backup" / "bad-no-backup", root)
    engine = Engine(root)
    engine.scan()
    assert len([f for f in engine.findings if f.code == "K8S078"]) == 2
    nightly = (FIXTURES / "database-without-backup" / "good-pg-dump-cronjob" / "db.yaml").read_text()
    (root / "backup.yaml").write_text(nightly.split("---\n", 1)[1])
    delta = engine.update([root / "backup.yaml"])
    assert sorted(f.resource for f in delta.removed if f.code == "K8S078") == ["Deployment/sessions", "StatefulSet/postgres"]


def test_secret_evidence_is_redacted(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(FIXTURES / "committed-secret" / "bad.yaml", root / "secrets.yaml")
    engine = Engine(root)
    engine.scan()
    evidence = " ".join(f.evidence or "" for f in engine.findings if f.code == "K8S060")
    for secret in ("s3cr3t-Passw0rd!", "ghp_live_4f9a8b7c6d5e4f3a2b1c", "Tr0ub4dor-and-3", "app_user"):
        assert secret not in evidence
    assert "****" in evidence


def test_secret_evidence_shows_the_credential_not_the_user_name(tmp_path):
    root = tmp_path / "repo"
    (root / "overlays" / "prod").mkdir(parents=True)
    (root / "db-secret.yaml").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n"
        "  user: orders\n  password: Hx7-unguessable-42\n")
    (root / "overlays" / "prod" / "kustomization.yaml").write_text(
        "secretGenerator:\n  - name: db\n    literals:\n      - DB_USER=orders\n      - DB_TOKEN=Kq9-unguessable-17\n")
    engine = Engine(root)
    engine.scan()
    evidence = {f.code: f.evidence or "" for f in engine.findings if f.code in ("K8S060", "K8S061")}
    assert evidence["K8S060"].startswith("password: ") and "unguessable" not in evidence["K8S060"]
    assert evidence["K8S061"].startswith("DB_TOKEN=") and "unguessable" not in evidence["K8S061"]
    # the finding itself stays on the first key, so its fingerprint does not move
    (k8s060,) = [f for f in engine.findings if f.code == "K8S060"]
    assert k8s060.line == 5


def test_one_secret_committed_in_several_files_is_one_finding_that_follows_its_copies(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "committed-secret" / "bad-copies", root)
    engine = Engine(root)
    engine.scan()
    found = [f for f in engine.findings if f.code == "K8S060"]
    jwt = [f for f in found if f.resource == "Secret/jwt-key"]
    assert [(f.path, f.line) for f in jwt] == [("k8s/base/jwt-secret.yaml", 9)]
    assert jwt[0].message.endswith("; the same values are committed in 3 more place(s): "
                                   "variants/cloudsql/jwt-secret.yaml:6, variants/cloudsql/jwt-secret.yaml:10, "
                                   "examples/jwt/jwt-secret.yaml:8")
    assert "c2lnbmluZy1rZXkt" not in (jwt[0].evidence or "")
    # the reported copy goes: the next one takes over, and comes back when it is restored
    text = (root / "k8s/base/jwt-secret.yaml").read_text()
    (root / "k8s/base/jwt-secret.yaml").unlink()
    engine.update([root / "k8s/base/jwt-secret.yaml"])
    now = [(f.path, f.line) for f in engine.findings if f.code == "K8S060" and f.resource == "Secret/jwt-key"]
    assert now == [("variants/cloudsql/jwt-secret.yaml", 6)]  # production paths first: examples/ last
    (root / "k8s/base/jwt-secret.yaml").write_text(text)
    engine.update([root / "k8s/base/jwt-secret.yaml"])
    fresh = Engine(root)
    fresh.scan()
    assert sorted(f.fingerprint for f in engine.findings) == sorted(f.fingerprint for f in fresh.findings)
    assert [f.message for f in engine.findings if f.code == "K8S060"] == \
        [f.message for f in fresh.findings if f.code == "K8S060"]


def test_config_map_secret_messages_survive_scrubbing(tmp_path):
    # the message names the key without "'KEY': ..." (the scrubber masks what follows such an assignment)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db}\ndata:\n"
                                  "  POSTGRES_PASSWORD: password\n")
    (root / "kustomization.yaml").write_text(
        "resources: [cm.yaml]\nconfigMapGenerator:\n  - name: env\n    literals:\n      - PGPASSWORD=hunter2\n")
    engine = Engine(root)
    engine.scan()
    messages = [f.message for f in engine.findings if f.code == "K8S024"]
    assert len(messages) == 2
    assert all("ConfigMaps are not meant for secrets" in m and "******" not in m for m in messages), messages


OAUTH2_PROXY = """\
secretGenerator:
  - name: oauth2-proxy
    literals:
      - client-id=shop-oidc
      - client-secret=pUBnBOY80SnXgjibTYM9ZWNzY2xreNGQok
      - cookie-secret=7d16fee92f8d11b8940b081b3f8b8acb
"""
REQUEST_AUTHENTICATION = """\
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: dex-jwt, namespace: istio-system}
spec:
  jwtRules:
    - issuer: http://dex.auth.svc.cluster.local:5556/dex
      forwardOriginalToken: true
"""


@pytest.mark.parametrize(("verified", "severity"), [(False, "critical"), (True, "medium")])
def test_a_login_proxys_cookie_secret_is_medium_where_the_mesh_verifies_the_idp_token(tmp_path, verified, severity):
    (tmp_path / "oauth2-proxy").mkdir()
    (tmp_path / "oauth2-proxy/kustomization.yaml").write_text(OAUTH2_PROXY)
    if verified:
        (tmp_path / "istio").mkdir()
        (tmp_path / "istio/requestauthentication.yaml").write_text(REQUEST_AUTHENTICATION)
    engine = Engine(tmp_path)
    engine.scan()
    found = [f for f in engine.findings if f.code == "K8S061"]
    assert [f.severity.label for f in found] == [severity]
    assert ("RequestAuthentication" in found[0].message) is verified
