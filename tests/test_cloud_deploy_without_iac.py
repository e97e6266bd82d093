"""REPO002 beyond scripts: cloud CLIs in workflow steps, and cloud deploy actions (low), each
naming what was looked for ("nothing anywhere" must be true)."""

from __future__ import annotations

import shutil
from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.engine import Engine

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "repo" / "cloud-deploy-without-iac"


def _repo002(tmp_path: Path, name: str):
    shutil.copytree(FIXTURES / name, tmp_path / name)
    engine = Engine(tmp_path / name)
    engine.scan()
    return [f for f in engine.findings if f.code == "REPO002"]


def test_a_workflow_that_creates_cloud_resources_is_medium_and_names_what_was_looked_for(tmp_path):
    (finding,) = _repo002(tmp_path, "bad-workflow")
    assert finding.severity is Severity.MEDIUM
    assert ".github/workflows/provision.yml" in finding.message and "gcloud" in finding.message
    assert "looked for: Terraform" in finding.message and "Helm charts" in finding.message


def test_an_application_deploy_action_alone_is_low(tmp_path):
    (finding,) = _repo002(tmp_path, "bad-deploy-action")
    assert finding.severity is Severity.LOW
    assert "google-github-actions/deploy-cloudrun" in finding.message and "looked for" in finding.message


def test_infrastructure_code_anywhere_silences_it(tmp_path):
    assert _repo002(tmp_path, "good-deploy-action-iac") == []
    assert _repo002(tmp_path, "good-workflow-readonly") == []
