"""Personas: regular (the readiness story: hardening items rolled up, no information-only
findings), pedantic (every item on its own) and auditor (everything, vendored bundles included)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from auditui.checks import configfile
from auditui.checks.api import Severity
from auditui.checks.config import Config
from auditui.checks.engine import Engine
from auditui.checks.persona import HARDENING
from helpers import write

MIXED = Path(__file__).parent / "fixtures" / "persona" / "mixed"


def _scan(root: Path, persona: str) -> Engine:
    engine = Engine(root, Config(persona=persona))
    engine.scan()
    assert engine.check_errors == []
    return engine


def _codes(engine: Engine) -> Counter:
    return Counter(f.code for f in engine.findings)


def test_pedantic_shows_every_item_and_nothing_vendored():
    found = _scan(MIXED, "pedantic").findings
    codes = Counter(f.code for f in found)
    assert codes["K8S059"] == codes["CMP022"] == 0
    assert codes["K8S014"] == 3 and codes["K8S005"] == 3 and codes["CMP008"] == 1
    assert {f.code for f in found if f.severity is Severity.INFO} == {"AUD003", "K8S081"}
    assert not [f for f in found if f.context == "vendored" and f.code != "K8S081"]


def test_regular_rolls_hardening_items_into_one_finding_per_workload_or_service():
    found = {(f.code, f.resource): f for f in _scan(MIXED, "regular").findings}
    codes = Counter(code for code, _ in found)
    api = found[("K8S059", "Deployment/api")]
    # two containers, seven controls, each naming the containers that lack it
    assert api.message.startswith("Deployment/api lacks 7 hardening controls:")
    assert "runAsNonRoot (api, proxy)" in api.message and "readOnlyRootFilesystem (api)" in api.message
    assert api.severity is Severity.MEDIUM  # its worst item (K8S010/K8S011 are medium)
    assert found[("CMP022", "service/web")].message == (
        "service/web lacks 5 hardening controls: image pinned by digest; cap_drop: [ALL]; read_only: true; "
        "non-root user; no-new-privileges")
    # a workload lacking one control keeps that item; runAsUser: 0 (high) is a problem of its own
    assert ("K8S016", "Deployment/worker") in found and ("K8S059", "Deployment/worker") not in found
    assert found[("K8S010", "DaemonSet/agent/container/agent")].severity is Severity.HIGH
    assert ("K8S059", "DaemonSet/agent") in found
    # nothing rolled is shown twice; information-only findings are not shown
    assert not any(code in HARDENING for code, resource in found if resource.startswith(("Deployment/api", "service/")))
    assert codes["AUD003"] == codes["K8S081"] == 0


def test_auditor_shows_everything_including_vendored_bundles_as_information():
    pedantic, auditor = _scan(MIXED, "pedantic"), _scan(MIXED, "auditor")
    extra = Counter(f.fingerprint for f in auditor.findings) - Counter(f.fingerprint for f in pedantic.findings)
    vendored = [f for f in auditor.findings if f.fingerprint in extra]
    assert vendored and all(f.context == "vendored" and f.severity is Severity.INFO for f in vendored)
    assert {f.code for f in vendored} >= {"K8S066", "K8S079"}
    assert all("vendored Flux v2.3.0" in f.context_reason for f in vendored)
    assert not Counter(f.fingerprint for f in pedantic.findings) - Counter(f.fingerprint for f in auditor.findings)


def test_a_rolled_up_finding_keeps_its_fingerprint_as_items_come_and_go(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(MIXED, root)
    engine = _scan(root, "regular")
    before = {f.resource: f for f in engine.findings if f.code == "K8S059"}["Deployment/api"]
    manifest = root / "k8s" / "apps.yaml"
    manifest.write_text(manifest.read_text().replace(
        "      containers:\n        - name: api\n",
        "      securityContext: {seccompProfile: {type: RuntimeDefault}}\n      containers:\n        - name: api\n", 1))
    delta = engine.update([manifest])
    after = {f.resource: f for f in engine.findings if f.code == "K8S059"}["Deployment/api"]
    assert after.fingerprint == before.fingerprint and "6 hardening controls" in after.message
    assert before.fingerprint in {f.fingerprint for f in delta.changed}  # (the DaemonSet's moved a line down)
    assert not [f for f in delta.added + delta.removed if f.code == "K8S059"]
    fresh = _scan(root, "regular")
    key = lambda f: (f.fingerprint, f.severity, f.message)  # noqa: E731
    assert sorted(map(key, engine.findings)) == sorted(map(key, fresh.findings))


def test_persona_is_configured_validated_and_given_on_the_command_line(tmp_path):
    write(tmp_path, ".auditui/config.toml", 'persona = "pedantic"\n')
    assert configfile.load(tmp_path).persona == "pedantic"
    assert configfile.override(configfile.load(tmp_path), persona="auditor").persona == "auditor"
    write(tmp_path, ".auditui/config.toml", 'persona = "strict"\n')
    with pytest.raises(configfile.ConfigError, match="unknown persona 'strict'"):
        configfile.load(tmp_path)
    with pytest.raises(configfile.ConfigError, match="must be a string"):
        write(tmp_path, ".auditui/config.toml", "persona = 1\n")
        configfile.load(tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditui", *args], capture_output=True, text=True, timeout=300)


def test_scan_and_report_take_persona_and_say_which_one(tmp_path):
    out = {}
    for persona in ("regular", "pedantic"):
        done = _cli("scan", str(MIXED), "--format", "json", "--fail-on", "none", "--persona", persona)
        assert done.returncode == 0, done.stderr
        out[persona] = json.loads(done.stdout)
        assert out[persona]["summary"]["persona"] == persona
    assert len(out["regular"]["findings"]) < len(out["pedantic"]["findings"])
    report = _cli("report", str(MIXED), "--persona", "auditor")
    assert report.returncode == 0, report.stderr
    assert "| Persona | auditor: everything" in report.stdout
    assert _cli("scan", str(MIXED), "--persona", "nobody").returncode == 2


def test_triage_of_a_rolled_up_finding_sticks_as_its_items_change(tmp_path):
    from auditui.checks.triage import TriageStore

    root = tmp_path / "repo"
    shutil.copytree(MIXED, root)
    engine = _scan(root, "regular")
    rolled = {f.resource: f for f in engine.findings if f.code == "CMP022"}["service/web"]
    TriageStore.open(root).accept(rolled, "hardening planned for Q3")
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    restart:", "    read_only: true\n    restart:", 1))
    engine.update([compose])
    after = {f.resource: f for f in engine.findings if f.code == "CMP022"}["service/web"]
    assert "4 hardening controls" in after.message and "read_only" not in after.message
    assert TriageStore.open(root).status_of(after) == "accepted"


def test_sarif_names_the_persona():
    done = _cli("scan", str(MIXED), "--format", "sarif", "--fail-on", "none", "--persona", "pedantic")
    assert done.returncode == 0, done.stderr
    [run] = json.loads(done.stdout)["runs"]
    assert run["properties"]["persona"] == "pedantic"
    assert not {r["ruleId"] for r in run["results"]} & {"K8S059", "CMP022"}
