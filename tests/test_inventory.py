"""The system inventory: what each sample runs, the verdicts, the formats and the JSON contract."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from auditui.checks import inventory
from auditui.checks.configfile import load
from auditui.checks.engine import Engine
from auditui.checks.inventory import Maturity
from auditui.checks.report import inventory as render
from auditui.cli import main

from helpers import sample_repos, write

SAMPLES = sample_repos()


def build(root: Path) -> inventory.Inventory:
    engine = Engine(root, load(root, None))
    engine.scan()
    from auditui.checks.readiness import production_checklist

    return inventory.build(engine.index, engine.context_of, production_checklist(engine.findings, engine.index))


def names(inv: inventory.Inventory, area: str, *, tag: str | None = None, kind: str | None = None) -> set[str]:
    return {i.name for i in inv.area(area).items
            if (tag is None or i.tag == tag) and (kind is None or i.kind == kind)}


def kinds(inv: inventory.Inventory, area: str) -> set[str]:
    return {i.kind for i in inv.area(area).items}


# -- each sample, named correctly ---------------------------------------------------------------

def test_shop_compose():
    inv = build(SAMPLES / "shop-compose")
    assert names(inv, "datastores") == {"db"}
    assert inv.area("datastores").items[0].location == "docker-compose.yml:33"
    assert "postgres" in inv.area("datastores").items[0].details
    assert names(inv, "caches-queues") == {"redis"}
    assert {(i.kind, i.name) for i in inv.area("ingress").items} == {
        ("proxy (nginx)", "service web"), ("published port", "service api"), ("published port", "service db"),
        ("published port", "service redis")}
    assert inv.area("ingress").maturity is Maturity.PARTIAL  # nginx on :80, no TLS anywhere
    assert kinds(inv, "cicd") == {"github actions workflow", "image built by CI", "deploy script"}
    assert names(inv, "registries") == {"docker.io"}
    assert inv.area("registries").maturity is Maturity.PARTIAL  # built here, pushed by nothing
    assert {(i.kind, i.name) for i in inv.area("observability").items} == {
        ("errors (sentry)", "SENTRY_DSN"), ("logs (promtail)", "service promtail")}
    assert inv.area("observability").maturity is Maturity.PARTIAL
    assert names(inv, "secrets") == {".env"}
    assert inv.area("secrets").maturity is Maturity.ABSENT
    assert [(i.kind, i.maturity) for i in inv.area("backups").items] == [("backup script (pg_dump)", Maturity.PARTIAL)]
    assert "same host" in inv.area("backups").why
    assert inv.area("iac").maturity is Maturity.ABSENT
    assert names(inv, "runtime", kind="docker compose") == {"docker-compose.yml"}


def test_platform_k8s():
    inv = build(SAMPLES / "platform-k8s")
    stores = inv.area("datastores").items
    assert [(i.name, i.location, i.maturity) for i in stores] == [("postgres", "base/postgres.yaml:2", Maturity.PARTIAL)]
    assert "no persistent volume" in stores[0].why and "one replica" in stores[0].why
    assert names(inv, "caches-queues") == {"redis"}
    assert "volumes data" in inv.area("caches-queues").items[0].details  # its volumeClaimTemplates
    assert {(i.kind, i.name) for i in inv.area("ingress").items} == {("Ingress", "api"),
                                                                     ("ClusterIssuer", "letsencrypt-prod")}
    assert inv.area("ingress").maturity is Maturity.PARTIAL  # the Ingress has no tls section
    assert inv.area("cicd").items == () and inv.area("cicd").maturity is Maturity.ABSENT
    assert names(inv, "registries") == {"registry.example.com", "docker.io"}
    assert {(i.kind, i.name) for i in inv.area("observability").items} == {
        ("ServiceMonitor", "platform/api"), ("tracing (all-in-one)", "Deployment/jaeger")}
    assert "no alerting" in inv.area("observability").why
    assert names(inv, "secrets") == {"platform-secrets"}
    assert inv.area("backups").maturity is Maturity.ABSENT and "postgres" in inv.area("backups").why
    # the production overlay pins api:latest to 1.8.2: not a floating image
    api = next(i for i in inv.area("workloads").items if i.name == "api")
    assert api.maturity is Maturity.PRESENT


def test_hardened_api():
    inv = build(SAMPLES / "hardened-api")
    assert [(i.kind, i.name, i.maturity) for i in inv.area("ingress").items] == [
        ("Ingress", "orders/orders-api", Maturity.PRESENT)]
    assert inv.area("ingress").maturity is Maturity.PRESENT
    assert {(i.kind, i.name) for i in inv.area("observability").items} == {
        ("Prometheus", "orders/orders"), ("ServiceMonitor", "orders/orders-api"), ("PrometheusRule", "orders/orders-api")}
    assert inv.area("observability").maturity is Maturity.PRESENT
    assert {(i.kind, i.name) for i in inv.area("registries").items} == {
        ("image pushed by CI", "job image"), ("pulled from", "docker.io"), ("pulled from", "gcr.io"),
        ("pulled from", "ghcr.io")}
    assert inv.area("registries").maturity is Maturity.PRESENT
    assert {(i.kind, i.name) for i in inv.area("cicd").items if i.tag in ("ci", "deploy")} >= {
        ("github actions workflow", "ci")}
    assert names(inv, "iac") == {"infra/"}
    # the database lives in infra/main.tf (RDS): whatever auditui has not read is "not verified", never absent
    for area in ("datastores", "backups"):
        verdict = inv.area(area)
        assert verdict.maturity in (Maturity.NOT_VERIFIED, Maturity.NA, Maturity.PRESENT, Maturity.PARTIAL)
        assert verdict.maturity is not Maturity.ABSENT


# -- truth about what auditui cannot see ---------------------------------------------------------

HELMRELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {name}
  namespace: apps
spec:
  chart:
    spec:
      chart: {name}
      version: 1.2.3
      sourceRef:
        kind: HelmRepository
        name: charts
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
"""


def test_an_unread_chart_makes_absences_not_verified(tmp_path):
    write(tmp_path, "apps/web.yaml", DEPLOYMENT)
    write(tmp_path, "apps/mystery.yaml", HELMRELEASE.format(name="mystery-app"))
    inv = build(tmp_path)
    for area in ("datastores", "backups", "observability", "caches-queues"):
        verdict = inv.area(area)
        assert verdict.maturity is Maturity.NOT_VERIFIED, (area, verdict)
        assert "mystery-app" in verdict.why and "mystery-app" in verdict.unseen
    assert any(i.name == "mystery-app" and i.maturity is Maturity.NOT_VERIFIED for i in inv.area("runtime").items)


def test_installed_components_land_in_their_area(tmp_path):
    write(tmp_path, "apps/web.yaml", DEPLOYMENT)
    for name in ("kube-prometheus-stack", "postgresql", "velero", "external-secrets", "cert-manager", "ingress-nginx",
                 "redis"):
        write(tmp_path, f"infra/{name}.yaml", HELMRELEASE.format(name=name))
    inv = build(tmp_path)
    assert names(inv, "observability") == {"kube-prometheus-stack"}
    assert inv.area("observability").maturity is Maturity.PRESENT  # the stack ships metrics and alerting
    pg = inv.area("datastores").items
    assert [(i.name, i.maturity) for i in pg] == [("postgresql", Maturity.NOT_VERIFIED)]
    assert inv.area("datastores").maturity is Maturity.NOT_VERIFIED
    assert names(inv, "caches-queues") == {"redis"}
    assert names(inv, "backups") == {"velero"}
    assert names(inv, "secrets") == {"external-secrets"}
    assert names(inv, "ingress") == {"cert-manager", "ingress-nginx"}


def test_a_test_stack_is_listed_but_not_counted(tmp_path):
    write(tmp_path, "docker-compose.yml", "services:\n  app:\n    image: ghcr.io/acme/app:1.2\n")
    write(tmp_path, "tests/docker-compose.yml", "services:\n  db:\n    image: postgres:16\n")
    inv = build(tmp_path)
    db = inv.area("datastores").items
    assert [(i.name, i.context) for i in db] == [("db", "test")]
    assert inv.area("datastores").maturity is Maturity.NA  # a test database is no production store
    assert inv.area("backups").maturity is Maturity.NA


# -- formats ------------------------------------------------------------------------------------

HOSTILE = "=HYPERLINK(\"http://x\")\x1b[2J"


def hostile_repo(root: Path) -> Path:
    # YAML's "\\e" is ESC: the service name holds a real control sequence
    write(root, "docker-compose.yml",
          'services:\n  "=HYPERLINK(\\"http://x\\")\\e[2J":\n    image: postgres:16\n'
          "  '-cmd':\n    image: redis:7\n  '@sum':\n    image: nginx:1.27\n")
    return root


def test_csv_is_inert_and_defuses_formulas(tmp_path):
    inv = build(hostile_repo(tmp_path))
    text = render.render_csv(inv)
    assert "\x1b" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(render.CSV_COLUMNS)
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    db = next(row for row in rows if row["area"] == "Data stores")
    assert db["name"] == "'" + HOSTILE.replace("\x1b", "\\x1b")
    assert db["location"] == "docker-compose.yml:2" and db["context"] == "production"
    assert any(row["name"] == "'-cmd" for row in rows) and any(row["name"] == "service @sum" for row in rows)
    # every area has at least one row: an empty area says why
    assert {row["area"] for row in rows} == {spec.title for spec in inventory.AREA_SPECS}


def test_text_and_markdown_are_inert(tmp_path):
    inv = build(hostile_repo(tmp_path))
    for text in (render.render_text(inv, "repo"), render.render_markdown(inv, "repo")):
        assert "\x1b" not in text
    assert '\\[' not in render.render_text(inv, "repo")  # text is not escaped for markup
    markdown = render.render_markdown(inv, "repo")
    assert "| Data stores | **partial** |" in markdown  # the database keeps no volume
    assert '=HYPERLINK("http://x")\\\\x1b\\[2J' in markdown  # the escape shown as text, markup escaped


ITEM_KEYS = {"kind": str, "name": str, "path": str, "line": (int, type(None)), "location": str, "context": str,
             "details": str, "maturity": str, "why": str}
AREA_KEYS = {"id": str, "title": str, "maturity": str, "why": str, "readiness": list, "unseen": list, "items": list}


def test_json_contract(tmp_path, capsys):
    out = tmp_path / "inventory.json"
    assert main(["inventory", str(SAMPLES / "shop-compose"), "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert set(data) == {"schema", "root", "areas"} and data["schema"] == render.INVENTORY_SCHEMA
    assert [a["id"] for a in data["areas"]] == list(inventory.AREA_IDS)
    maturities = {m.value for m in Maturity}
    for area in data["areas"]:
        assert set(area) == set(AREA_KEYS)
        for key, kind in AREA_KEYS.items():
            assert isinstance(area[key], kind), (key, area[key])
        assert area["maturity"] in maturities
        for mark in area["readiness"]:
            assert set(mark) == {"id", "title", "mark"} and mark["mark"] in ("PASS", "PARTIAL", "FAIL", "N/A")
        for item in area["items"]:
            assert set(item) == set(ITEM_KEYS)
            for key, kind in ITEM_KEYS.items():
                assert isinstance(item[key], kind), (key, item[key])
            assert item["maturity"] in maturities
            assert item["context"] in ("production", "development", "test", "tooling", "example")
    stores = next(a for a in data["areas"] if a["id"] == "datastores")
    assert [(i["name"], i["location"]) for i in stores["items"]] == [("db", "docker-compose.yml:33")]
    assert {r["id"] for r in stores["readiness"]} == {"database-ha", "backup-dr"}
    assert "inventory written to" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["text", "csv", "markdown"])
def test_cli_formats(fmt, capsys):
    assert main(["inventory", str(SAMPLES / "platform-k8s"), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "postgres" in out and "letsencrypt-prod" in out


def test_report_opens_with_the_inventory(capsys):
    assert main(["report", str(SAMPLES / "shop-compose")]) == 0
    out = capsys.readouterr().out
    assert out.index("## System inventory") < out.index("## Executive summary")
    assert "| Data stores | **present** |" in out
    assert main(["report", str(SAMPLES / "shop-compose"), "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert html.index("System inventory") < html.index("Executive summary")


TERRAFORM = """\
terraform {
  backend "s3" {
    bucket = "state"
    key    = "prod.tfstate"
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
}

resource "aws_db_instance" "orders" {
  engine = "postgres"
}

resource "aws_elasticache_replication_group" "cache" {
  engine = "redis"
}

resource "aws_ecr_repository" "api" {
  name = "api"
}

resource "aws_backup_plan" "daily" {
  name = "daily"
}
"""


def test_terraform_resources_are_rows_of_their_areas(tmp_path):
    write(tmp_path, "infra/main.tf", TERRAFORM)
    inv = build(tmp_path)
    assert [(i.kind, i.name, i.location) for i in inv.area("datastores").items] == [
        ("datastore (aws_db_instance)", "orders", "infra/main.tf:13")]
    assert names(inv, "caches-queues") == {"cache"}
    assert names(inv, "registries") == {"api"} and inv.area("registries").maturity is Maturity.PRESENT
    assert names(inv, "backups") == {"daily"} and inv.area("backups").maturity is Maturity.PRESENT
    assert ("terraform state", "s3") in {(i.kind, i.name) for i in inv.area("iac").items}
    remote = next(i for i in inv.area("iac").items if i.kind == "terraform module (remote)")
    assert remote.name == "vpc" and remote.maturity is Maturity.NOT_VERIFIED
    # a remote module is read by nobody: areas with nothing found are not verified, and name it
    observability = inv.area("observability")
    assert observability.maturity is Maturity.NOT_VERIFIED and "Terraform module vpc" in observability.unseen


def test_iac_without_a_reader_is_named_as_unread(tmp_path):
    write(tmp_path, "Pulumi.yaml", "name: shop\nruntime: python\n")
    write(tmp_path, "docker-compose.yml", "services:\n  app:\n    image: ghcr.io/acme/app:1.2\n")
    inv = build(tmp_path)
    assert names(inv, "iac") == {"(repository root)"}
    stores = inv.area("datastores")
    assert stores.maturity is Maturity.NOT_VERIFIED and stores.unseen == ("pulumi at the root",)


def test_secrets_the_checks_find_are_no_secret_free_repository(tmp_path):
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n"
                                          "      POSTGRES_PASSWORD: Xk2pQ9vLm4TzR8wN\n")
    inv = build(tmp_path)
    assert inv.area("secrets").maturity is Maturity.ABSENT
    assert "secret checks find secrets" in inv.area("secrets").why
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n"
                                          "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n")
    assert build(tmp_path).area("secrets").maturity is Maturity.NOT_VERIFIED  # provided from outside the files


def test_a_secret_of_references_is_no_secret_in_git(tmp_path):
    write(tmp_path, "apps/web.yaml", DEPLOYMENT)
    write(tmp_path, "apps/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: op-token\nstringData:\n"
                                        "  token: op://operations/1password/OP_SERVICE_ACCOUNT_TOKEN\n")
    write(tmp_path, "apps/store.yaml", "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\n"
                                       "metadata:\n  name: onepassword\nspec: {}\n")
    secrets = build(tmp_path).area("secrets")
    assert secrets.maturity is Maturity.PRESENT, secrets.why
    token = next(i for i in secrets.items if i.name == "op-token")
    assert token.tag == "manifest" and "no secret value" in token.details


def test_ports_a_variable_decides_are_not_called_open(tmp_path):
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: mariadb:10.11\n    ports:\n"
                                          "      - ${SQL_PORT:-127.0.0.1:13306}:3306\n      - 8080:80\n")
    port = next(i for i in build(tmp_path).area("ingress").items if i.kind == "published port")
    assert port.details == "on every interface: 8080:80; set by variables: ${SQL_PORT:-127.0.0.1:13306}:3306"


def test_a_snapshot_class_is_no_backup(tmp_path):
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n")
    write(tmp_path, "k8s/snap.yaml", "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshotClass\n"
                                     "metadata:\n  name: csi\ndriver: x\ndeletionPolicy: Delete\n")
    backups = build(tmp_path).area("backups")
    assert backups.items == () and backups.maturity is Maturity.ABSENT


def test_a_group_is_shown_at_its_production_file(tmp_path):
    write(tmp_path, "docker-compose.yml", "services:\n  db:\n    image: postgres:16\n")
    write(tmp_path, "docker-compose.test.yml", "services:\n  db:\n    image: postgres:16\n")
    inv = build(tmp_path)
    [registry] = inv.area("registries").items
    assert (registry.name, registry.location, registry.context) == ("docker.io", "docker-compose.yml:2", "production")
    assert inv.area("registries").maturity is Maturity.PRESENT
