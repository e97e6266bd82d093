"""A committed Kubernetes credential is rated by who can reach what it opens (issue 12,
models/k8s/exposure.py): Secret or env value -> workload -> Service -> Ingress/Route/load balancer."""

from __future__ import annotations

import shutil
from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"


def _findings(root: Path, code: str) -> dict[tuple[str, int], object]:
    engine = Engine(root)
    engine.scan()
    assert engine.check_errors == []
    return {(f.path, f.line): f for f in engine.findings if f.code == code}


def _copy(tmp_path: Path, *parts: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES.joinpath(*parts), root)
    return root


def test_env_credentials_follow_what_they_open(tmp_path):
    found = _findings(_copy(tmp_path, "secret-in-manifest", "bad-exposure"), "K8S024")
    # the database's own password, and its client's (SHOP_DB_URL names the db Service): in-cluster only
    db, client = found[("db.yaml", 15)], found[("app.yaml", 17)]
    assert db.severity == client.severity == Severity.MEDIUM
    assert "reached only inside the cluster (Service/db" in db.message
    assert "it opens Service/db (SHOP_DB_URL beside it)" in client.message
    assert "shared by everyone who applies the manifest" in client.message
    # the application's admin login, routed by an Ingress: the path is named
    admin = found[("app.yaml", 19)]
    assert admin.severity == Severity.HIGH
    assert "used by Deployment/shop (Ingress/shop for shop.example.com via Service/shop)" in admin.message
    # a peer credential of the members: an HTTP route does not reach their peer port
    assert found[("app.yaml", 21)].severity == Severity.MEDIUM
    # a store on a LoadBalancer: its password opens it from outside
    assert found[("cache.yaml", 15)].severity == Severity.CRITICAL
    # nothing of the repository selects the worker: not lowered, and the message says why
    worker = found[("worker.yaml", 15)]
    assert worker.severity == Severity.HIGH and "cannot tell who reaches it" in worker.message


def test_secret_keys_follow_the_workloads_that_read_them(tmp_path):
    found = _findings(_copy(tmp_path, "committed-secret", "bad-exposure"), "K8S060")
    admin, db = found[("sso.yaml", 6)], found[("sso.yaml", 14)]
    # 'ssoadmin' is guessable (medium where reach is unknown); read as SSO_ADMIN_PASSWORD by a routed StatefulSet
    assert admin.severity == Severity.HIGH
    assert "used by StatefulSet/sso (Route/sso for sso.example.com via Service/sso)" in admin.message
    # a random password read (envFrom) only by a database no route reaches
    assert db.severity == Severity.MEDIUM and "reached only inside the cluster" in db.message


def _app(root: Path, service: str, route_backend: str) -> None:
    root.mkdir()
    (root / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db}\nspec:\n  template:\n"
        "    metadata: {labels: {app: db}}\n    spec:\n      containers:\n        - name: postgres\n"
        "          image: postgres:16.3\n          env:\n            - name: POSTGRES_PASSWORD\n"
        "              value: Xk9vQ2mLp7Rt\n---\napiVersion: v1\nkind: Service\n"
        f"metadata: {{name: {service}}}\nspec:\n  selector: {{app: db}}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n"
        "    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n"
        f"            backend: {{service: {{name: {route_backend!r}, port: {{number: 80}}}}}}\n")


def test_a_templated_route_leaves_the_severity_alone(tmp_path):
    # a route whose Service name is templated may send traffic anywhere: nothing is lowered
    _app(tmp_path / "a", "db", "{{ .Values.service }}")
    (finding,) = _findings(tmp_path / "a", "K8S024").values()
    assert finding.severity == Severity.HIGH and "names its Service with a template" in finding.message
    # the same database routed by the Ingress: reachable from outside
    _app(tmp_path / "b", "db", "db")
    (finding,) = _findings(tmp_path / "b", "K8S024").values()
    assert finding.severity == Severity.CRITICAL and "Ingress/web via Service/db" in finding.message
    # routed elsewhere: in-cluster only
    _app(tmp_path / "c", "db", "web")
    (finding,) = _findings(tmp_path / "c", "K8S024").values()
    assert finding.severity == Severity.MEDIUM


def test_compose_credentials_open_the_store_they_name(tmp_path):
    # issue 12 (sweep7, a tracing stack's self-host compose): a credential that names its store
    # (POSTGRES_PASSWORD, CLICKHOUSE_PASSWORD, a URL to the postgres service) opens that store, not
    # whichever store of the file happens to be published; a salt opens no port at all
    root = tmp_path / "repo"
    root.mkdir()
    fixture = Path(__file__).parent / "fixtures" / "compose" / "secret-in-environment" / "bad-loopback-stores.yaml"
    shutil.copy(fixture, root / "docker-compose.yml")
    found = {f.message.split(" variable ")[1].split(" ")[0]: f
             for f in _findings(root, "CMP013").values()}
    for name in ("DATABASE_URL", "CLICKHOUSE_PASSWORD", "POSTGRES_PASSWORD"):
        assert found[name].severity == Severity.MEDIUM, name
        assert "publishes no port beyond this host" in found[name].message
    assert found["SALT"].severity == Severity.MEDIUM and "salts the hashes" in found["SALT"].message
    # the published ones keep their severity
    assert found["NEXTAUTH_SECRET"].severity == found["MINIO_ROOT_PASSWORD"].severity == Severity.HIGH


def test_store_families():
    from auditui.checks.models.exposure import engine_family, named_families

    assert named_families({"POSTGRES", "PASSWORD"}) == {"postgres"}
    assert named_families({"DB", "PASSWORD"}) == frozenset()
    assert engine_family("clickhouse/clickhouse-server") == "clickhouse"
    assert engine_family("bitnami/postgresql-repmgr") == "postgres"
    assert {engine_family("minio")} == named_families({"MINIO"}) == named_families({"S3"})
    assert engine_family("nginx") is None
