"""The bundled sample repositories say what the README says they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.cli import main
from helpers import sample_repos

SAMPLES = sample_repos()  # a clean copy: triage left in the samples never sways a test


def scan(name: str) -> Engine:
    engine = Engine(SAMPLES / name)
    engine.scan()
    assert not engine.check_errors
    return engine


def located(engine: Engine) -> set[tuple[str, str, int | None]]:
    return {(f.code, f.path, f.line) for f in engine.findings}


def test_hardened_repository_is_clean_and_exits_zero(capsys):
    assert scan("hardened-api").findings == []
    assert main(["scan", str(SAMPLES / "hardened-api"), "--fail-on", "low"]) == 0


@pytest.mark.parametrize(("code", "path", "line"), [
    ("CMP001", "docker-compose.yml", 52),      # docker.sock mounted (read-only)
    ("CMP013", "docker-compose.yml", 37),      # POSTGRES_PASSWORD: postgres
    ("CMP017", "docker-compose.yml", 40),      # 5432 published on every interface
    ("ENV004", ".env", 2),                     # committed secret
    ("GHA006", ".github/workflows/deploy.yml", 13),  # pull_request_target + head checkout
    ("SH002", "ops/deploy.sh", 7),             # git pull + rebuild on the server
    ("SH003", "ops/rollback.sh", 5),           # git reset --hard as rollback
    ("SH005", "ops/restore.sh", 5),            # DROP DATABASE with live connections
    ("SH006", "ops/backup.sh", 6),             # local-only backups
    ("SH009", "ops/deploy.sh", 5),             # secret generated at deploy time
    ("DKR010", "worker/Dockerfile", 2),        # curl | sh
])
def test_shop_compose_shows_its_problems_at_the_right_lines(code, path, line):
    assert (code, path, line) in located(scan("shop-compose"))


@pytest.mark.parametrize(("code", "path", "line"), [
    ("K8S002", "base/postgres.yaml", 7),       # single-replica database
    ("K8S001", "base/postgres.yaml", 3),       # database as a Deployment
    ("K8S060", "base/secrets.yaml", 7),        # plaintext Secret
    ("K8S062", "base/ingress.yaml", 7),        # Ingress without TLS
    ("K8S066", "base/rbac.yaml", 7),           # wildcard ClusterRole
    ("K8S020", "base/api.yaml", 21),           # imagePullPolicy: Never in the base
    ("K8S022", "base/api.yaml", 28),           # *.local host in the base
    ("K8S077", "monitoring/jaeger.yaml", 19),  # Jaeger in-memory storage
])
def test_platform_k8s_shows_its_problems_at_the_right_lines(code, path, line):
    assert (code, path, line) in located(scan("platform-k8s"))


def test_platform_k8s_repository_level_gaps():
    codes = {f.code for f in scan("platform-k8s").findings if f.path == "."}
    assert {"K8S063", "K8S076", "REPO001"} <= codes  # issuer without cert-manager, no alerting, no CI


@pytest.mark.parametrize("name", ["shop-compose", "platform-k8s"])
def test_problem_samples_fail_ci(name, capsys):
    assert main(["scan", str(SAMPLES / name), "--format", "json"]) == 1
    worst = max(f.severity for f in scan(name).findings)
    assert worst == Severity.CRITICAL
