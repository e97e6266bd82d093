"""Well-run repositories in different styles stay quiet.

Each folder under ``tests/fixtures/hardened/`` is a production-ready repository written
the way a careful team would (see its README). auditui must report nothing at medium or
above in any of them; the low and info findings we consciously accept are listed per
repository and asserted exactly, so a new noisy rule shows up here first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.api import Severity
from auditui.checks.engine import Engine

HARDENED = Path(__file__).parent / "fixtures" / "hardened"

#: low/info findings accepted per repository, as (code, path)
ACCEPTED: dict[str, set[tuple[str, str]]] = {
    # Kustomize base + dev/staging/production overlays, Argo CD Applications/AppProject,
    # CloudNativePG Cluster (3 instances, WAL archive + ScheduledBackup), External Secrets,
    # cert-manager installed by an Argo CD Helm Application, default-deny NetworkPolicies,
    # PDBs, HPAs (no fixed replicas), ServiceMonitor + PrometheusRule, runAsNonRoot/seccomp
    # set once per pod, an init container, a native sidecar, a CronJob. Nothing accepted.
    "k8s-argocd": set(),
    # compose.yaml + compose.override.yaml (local dev: builds the image, publishes the
    # database on loopback), x- anchors, secrets files, digests, healthchecks, limits,
    # internal networks, backup sidecar to S3 with retention, careful scripts. Nothing accepted.
    "compose-prod": set(),
    # ci / reusable build-image / release (OIDC, environments, concurrency) / nightly /
    # pull_request_target labeler without checkout, Dependabot. Nothing accepted.
    "gha-monorepo": set(),
    # Dockerfile, one workflow, .env.example, Makefile and a Helm chart whose templates are
    # skipped as not rendered (a notice, never a finding). Nothing accepted.
    "mixed-small": set(),
    # Terraform: a production root (S3 backend with DynamoDB lock and encryption, pinned
    # providers, registry and git modules) calling a private, encrypted, multi-AZ database
    # module (sensitive var. password, backups, deletion protection, final snapshot) and a
    # private versioned bucket module (public access block, SSE-KMS). Nothing accepted.
    "terraform-aws": set(),
}


def scan(name: str) -> Engine:
    engine = Engine(HARDENED / name)
    engine.scan()
    assert not engine.check_errors, engine.check_errors
    return engine


def test_every_hardened_repository_is_listed():
    assert {p.name for p in HARDENED.iterdir() if p.is_dir()} == set(ACCEPTED)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_nothing_at_medium_or_above(name):
    loud = [f"{f.code} {f.location}: {f.message}" for f in scan(name).findings if f.severity >= Severity.MEDIUM]
    assert loud == []


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_only_the_accepted_low_and_info_findings(name):
    quiet = {(f.code, f.path) for f in scan(name).findings if f.severity < Severity.MEDIUM}
    assert quiet == ACCEPTED[name]


def test_helm_templates_are_skipped_not_reported():
    engine = scan("mixed-small")
    skipped = {n.path for n in engine.all_notices() if "not rendered" in n.message}
    templates = {p.relative_to(HARDENED / "mixed-small").as_posix()
                 for p in (HARDENED / "mixed-small" / "charts" / "app" / "templates").glob("*.yaml")}
    assert templates and templates <= skipped
    assert not any(f.path.startswith("charts/app/templates/") for f in engine.findings)
