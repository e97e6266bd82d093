"""The engine on real copies of the sample repositories: scan, edit, update, diff."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from helpers import sample_repos

SAMPLES = sample_repos()  # a clean copy: triage left in the samples never sways a test


@pytest.fixture
def platform(tmp_path: Path) -> Path:
    root = tmp_path / "platform"
    shutil.copytree(SAMPLES / "platform-k8s", root)
    return root


def codes_at(engine: Engine, path: str) -> set[str]:
    return {f.code for f in engine.findings if f.path == path}


def test_update_of_an_untouched_file_changes_nothing(platform):
    engine = Engine(platform)
    engine.scan()
    before = [f.fingerprint for f in engine.findings]
    delta = engine.update([platform / "base" / "api.yaml"])
    assert delta.empty
    assert [f.fingerprint for f in engine.findings] == before


def test_fixing_a_manifest_resolves_exactly_its_finding(platform):
    engine = Engine(platform)
    engine.scan()
    api = platform / "base" / "api.yaml"
    assert "K8S020" in codes_at(engine, "base/api.yaml")
    api.write_text(api.read_text().replace("          imagePullPolicy: Never\n", ""))
    delta = engine.update([api])
    assert [f.code for f in delta.removed] == ["K8S020"]
    assert not delta.added
    assert "K8S020" not in codes_at(engine, "base/api.yaml")


def test_fingerprints_survive_edits_above_the_finding(platform):
    engine = Engine(platform)
    engine.scan()
    api = platform / "base" / "api.yaml"
    (old,) = [f for f in engine.findings if f.code == "K8S020"]
    api.write_text("# a comment pushes everything down\n# and another\n" + api.read_text())
    delta = engine.update([api])
    (new,) = [f for f in engine.findings if f.code == "K8S020"]
    assert new.fingerprint == old.fingerprint and new.line == old.line + 2
    assert not delta.added and not delta.removed and new in delta.changed


def test_new_deleted_and_renamed_files(platform):
    engine = Engine(platform)
    engine.scan()
    extra = platform / "base" / "debug.yaml"
    extra.write_text((platform / "base" / "api.yaml").read_text().replace("name: api", "name: debug"))
    delta = engine.update([extra])
    assert delta.added and all(f.path == "base/debug.yaml" for f in delta.added if f.path != ".")
    renamed = platform / "base" / "debug2.yaml"
    os.rename(extra, renamed)
    delta = engine.update([extra, renamed])
    assert {f.path for f in delta.removed} >= {"base/debug.yaml"}
    assert {f.path for f in delta.added} >= {"base/debug2.yaml"}
    renamed.unlink()
    delta = engine.update([renamed])
    assert not any(f.path == "base/debug2.yaml" for f in engine.findings)


def test_cross_file_finding_follows_the_file_that_fixes_it(platform):
    engine = Engine(platform)
    engine.scan()
    assert any(f.code == "K8S078" for f in engine.findings)  # database without backup
    backup = platform / "base" / "backup.yaml"
    backup.write_text(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: postgres-backup}\nspec:\n"
        "  schedule: '0 2 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          containers:\n            - name: dump\n              image: postgres:15\n"
        "              command: [sh, -c, 'pg_dump -h postgres | gzip > /backup/db.sql.gz']\n"
    )
    delta = engine.update([backup])
    assert any(f.code == "K8S078" for f in delta.removed)
    assert not any(f.code == "K8S078" for f in engine.findings)
    backup.unlink()
    delta = engine.update([backup])
    assert any(f.code == "K8S078" for f in delta.added)


def test_deleting_a_directory_forgets_its_files(platform):
    engine = Engine(platform)
    engine.scan()
    shutil.rmtree(platform / "monitoring")
    delta = engine.update([platform / "monitoring"])
    assert not any(f.path and f.path.startswith("monitoring/") for f in engine.findings)
    assert any(f.path and f.path.startswith("monitoring/") for f in delta.removed)


def test_gitignore_change_resynchronises(platform):
    engine = Engine(platform)
    engine.scan()
    assert any(f.path == "monitoring/jaeger.yaml" for f in engine.findings)
    (platform / ".gitignore").write_text("monitoring/\n")
    delta = engine.update([platform / ".gitignore"])
    assert not any(f.path and f.path.startswith("monitoring/") for f in engine.findings)
    assert any(f.path == "monitoring/jaeger.yaml" for f in delta.removed)


def test_paths_outside_the_root_are_ignored(platform, tmp_path):
    engine = Engine(platform)
    engine.scan()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: a, image: a}]}\n")
    assert engine.update([outside]).empty


def test_a_new_folder_honours_the_repository_gitignore(platform):
    engine = Engine(platform)
    (platform / ".gitignore").write_text("/apps/generated/\n")  # anchored at the root
    engine.scan()
    new = platform / "apps" / "generated"
    new.mkdir(parents=True)
    (new / "pod.yaml").write_text((platform / "base" / "api.yaml").read_text().replace("name: api", "name: gen"))
    (platform / "apps" / "kept.yaml").write_text((platform / "base" / "api.yaml").read_text().replace("name: api", "name: kept"))
    delta = engine.update([platform / "apps"])
    paths = {f.path for f in delta.added}
    assert "apps/kept.yaml" in paths and not any(p and p.startswith("apps/generated/") for p in paths)


def test_a_scan_reads_a_shared_kustomization_once_and_an_update_reads_it_afresh(tmp_path, monkeypatch):
    """Every manifest below a kustomization asks whether it names it as a patch: one scan
    reads each such file once (not once per manifest), and a later update reads the disk."""
    from auditui.checks import engine as engine_module

    root = tmp_path / "repo"
    for number in range(6):
        folder = root / "apps" / f"app{number}"
        folder.mkdir(parents=True)
        (folder / "deploy.yaml").write_text(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n")
    (root / "kustomization.yaml").write_text("resources: []\n")
    reads: list[str] = []
    real = engine_module.read_file

    def counting(base, rel, real_root=None, real_dirs=None):
        reads.append(rel)
        return real(base, rel, real_root, real_dirs)

    monkeypatch.setattr(engine_module, "read_file", counting)
    engine = Engine(root)
    engine.scan()
    assert reads.count("kustomization.yaml") <= 2  # its own parse, and once for all the manifests below
    assert max(reads.count(rel) for rel in set(reads)) <= 2
    target = "apps/app3/deploy.yaml"
    # the kustomization now names one manifest as a patch: an update of that manifest sees it
    (root / "kustomization.yaml").write_text("patches:\n  - path: apps/app3/deploy.yaml\n")
    engine.update([root / "kustomization.yaml"])
    fresh = Engine(root)
    fresh.scan()
    assert [f.fingerprint for f in engine.findings] == [f.fingerprint for f in fresh.findings]
    assert sorted(n.message for n in engine.all_notices()) == sorted(n.message for n in fresh.all_notices())
    assert any("Kustomize patch" in n.message for n in engine.all_notices() if n.path == target)
