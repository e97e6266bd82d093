"""Incremental equals fresh: whatever update() does, it ends where a fresh scan would.

For every sample and fixture repository, a bounded, deterministic choice of files is
deleted and restored through ``Engine.update()``; after each step the engine's
findings and notices equal those of a fresh scan of the tree as it is, and the
deltas, applied to what the user saw, give what the engine holds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from auditui.checks.api import Category, Check, Severity
from auditui.checks.engine import Engine
from auditui.checks.models.k8s.objects import Workload

from helpers import POD, write

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "sample_repos").iterdir() if p.is_dir())
FIXTURES = sorted(p for p in (ROOT / "tests" / "fixtures").glob("*/*/*") if not p.name.startswith("."))
#: files deleted and restored per repository (the same ones on every run)
PER_REPO = 4


def _state(engine: Engine) -> tuple:
    findings = sorted((f.fingerprint, f.code, int(f.severity), f.path, f.line, f.end_line, f.message, f.evidence,
                       f.suppressed_by, f.occurrences, f.context) for f in engine.findings)
    notices = sorted((n.path, n.message, n.kind) for n in engine.all_notices())
    return findings, notices


def _seen(findings) -> list:
    """What a user sees of findings (what Finding.same_as compares), by fingerprint."""
    return sorted((f.fingerprint, f.line, f.end_line, f.message, f.evidence, int(f.severity), f.suppressed_by)
                  for f in findings)


_EMPTY: list[tuple] = []


def _fresh(root: Path) -> tuple:
    empty = not any(root.iterdir())
    if empty and _EMPTY:
        return _EMPTY[0]  # a single-file fixture without its file: the same empty repository every time
    engine = Engine(root)
    engine.scan()
    state = _state(engine)
    if empty:
        _EMPTY.append(state)
    return state


def _picks(root: Path) -> list[str]:
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".auditui" not in p.parts]
    return sorted(files, key=lambda rel: hashlib.blake2b(rel.encode(), digest_size=8).digest())[:PER_REPO]


def _apply(shown: dict, delta) -> None:
    for finding in delta.removed:
        assert shown.pop(finding.fingerprint, None) is not None, f"removed what was not shown: {finding.fingerprint}"
    for finding in delta.added:
        assert finding.fingerprint not in shown, f"added what was shown: {finding.fingerprint}"
        shown[finding.fingerprint] = finding
    for finding in delta.changed:
        assert finding.fingerprint in shown, f"changed what was not shown: {finding.fingerprint}"
        shown[finding.fingerprint] = finding


def _roundtrip(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    if source.is_dir():
        shutil.copytree(source, root, ignore=shutil.ignore_patterns(".auditui"))
    else:
        root.mkdir()
        shutil.copy2(source, root / source.name)
    engine = Engine(root)
    engine.scan()
    start = _state(engine)
    shown = {f.fingerprint: f for f in engine.findings}
    for rel in _picks(root):
        data = (root / rel).read_bytes()
        (root / rel).unlink()
        _apply(shown, engine.update([root / rel]))
        assert _state(engine) == _fresh(root), f"after deleting {rel}"
        (root / rel).write_bytes(data)
        _apply(shown, engine.update([root / rel]))
        assert _state(engine) == start, f"after restoring {rel}"
        assert _seen(shown.values()) == _seen(engine.findings), "the deltas do not add up to the findings"


@pytest.mark.parametrize("source", SAMPLES, ids=lambda p: p.name)
def test_samples_delete_and_restore_end_as_a_fresh_scan(source, tmp_path):
    _roundtrip(source, tmp_path)


@pytest.mark.parametrize("source", FIXTURES, ids=lambda p: "/".join(p.parts[-3:]))
def test_fixtures_delete_and_restore_end_as_a_fresh_scan(source, tmp_path):
    _roundtrip(source, tmp_path)


def test_findings_are_values():
    finding = Check(code="XXX001", name="x", title="x", severity=Severity.LOW, category=Category.AUDIT,
                    rationale="x", remediation=("x",)).finding(message="m").seal(".")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.suppressed_by = "no"  # type: ignore[misc]
    assert dataclasses.replace(finding, suppressed_by="yes").suppressed_by == "yes" and finding.suppressed_by is None


FLAKY = Check(code="XXX002", name="flaky", title="x", severity=Severity.LOW, category=Category.AUDIT,
              rationale="x", remediation=("x",))


@FLAKY.on(Workload)
def _flaky(workload):
    if workload.name == "p":
        raise RuntimeError("boom")
    return []


def test_a_check_error_is_kept_with_its_file_and_cleared_when_it_is_checked_again(tmp_path):
    pod = write(tmp_path, "pod.yaml", POD)
    engine = Engine(tmp_path, checks=[FLAKY])
    engine.scan()
    assert [e.code for e in engine.check_errors] == ["XXX002"] and engine.check_errors[0].path == "pod.yaml"
    for replicas in range(3):  # three edits that still break the check: still one error
        pod.write_text(POD.replace("name: c", f"name: c{replicas}"), encoding="utf-8")
        engine.update([pod])
        assert len(engine.check_errors) == 1
    pod.write_text(POD.replace("name: p,", "name: fixed,"), encoding="utf-8")
    engine.update([pod])
    assert engine.check_errors == []
    pod.unlink()
    engine.update([pod])
    assert engine.check_errors == []


def _hostile_folder(root: Path, name: str) -> None:
    """A folder whose walk gives notices: links out of the repository, a broken link, a
    nested .gitignore with a line git refuses, a binary manifest."""
    folder = root / name
    write(folder, "pod.yaml", POD)
    write(folder, ".gitignore", "foo\\\n*.tmp\n")
    write(folder, "deep/svc.yaml", POD.replace("name: p,", "name: q,"))
    (folder / "out.yaml").symlink_to("/etc/hostname")
    (folder / "broken.yaml").symlink_to(folder / "missing.yaml")
    (folder / "deep" / "bin.yaml").write_bytes(b"kind: Pod\n\x00\x01")


def test_a_folder_added_and_removed_through_update_gives_the_notices_of_a_fresh_scan(tmp_path):
    root = tmp_path / "repo"
    write(root, "pod.yaml", POD)
    engine = Engine(root)
    engine.scan()
    start = _state(engine)
    _hostile_folder(root, "new")
    engine.update([root / "new"])
    fresh = _fresh(root)
    assert any(path.startswith("new/") for path, _, _ in fresh[1]), "the folder gives no notices to compare"
    assert _state(engine) == fresh
    shutil.rmtree(root / "new")
    engine.update([root / "new"])
    assert _state(engine) == start


def test_a_link_added_and_removed_through_update_gives_the_notices_of_a_fresh_scan(tmp_path):
    root = tmp_path / "repo"
    write(root, "pod.yaml", POD)
    engine = Engine(root)
    engine.scan()
    start = _state(engine)
    for name, target in (("out.yaml", Path("/etc/hostname")), ("broken.yaml", root / "missing.yaml")):
        (root / name).symlink_to(target)
        engine.update([root / name])
        assert _state(engine) == _fresh(root), name
        (root / name).unlink()
        engine.update([root / name])
        assert _state(engine) == start, name


WORKFLOW_ARGS = ROOT / "tests" / "fixtures" / "dockerfile" / "base-image-floating-tag" / "bad-workflow-args"


def _dkr003(engine: Engine) -> set[str]:
    return {f.path for f in engine.findings if f.code == "DKR003"}


def test_a_workflow_passing_build_args_edited_deleted_and_added_gives_a_fresh_scan(tmp_path):
    """The Dockerfile's base depends on the workflow that builds it: editing, deleting and adding a
    workflow (a new name in the folder: the Dockerfile listed the folder) re-checks the Dockerfile."""
    root = tmp_path / "repo"
    shutil.copytree(WORKFLOW_ARGS, root)
    engine = Engine(root)
    engine.scan()
    start = _state(engine)
    assert "services/api/Dockerfile" in _dkr003(engine)
    workflow = root / ".github" / "workflows" / "images.yml"
    text = workflow.read_text(encoding="utf-8")
    shown = {f.fingerprint: f for f in engine.findings}

    workflow.write_text(text.replace("PYTHON_IMAGE: python:latest", "PYTHON_IMAGE: python:3.12.4"), encoding="utf-8")
    _apply(shown, engine.update([workflow]))
    assert _state(engine) == _fresh(root)
    assert "services/api/Dockerfile" not in _dkr003(engine)

    workflow.unlink()
    _apply(shown, engine.update([workflow]))
    assert _state(engine) == _fresh(root)
    assert _dkr003(engine) == set()  # the defaults are pinned; the worker's base is a notice again

    added = root / ".github" / "workflows" / "release.yaml"
    added.write_text(text, encoding="utf-8")
    _apply(shown, engine.update([added]))
    assert _state(engine) == _fresh(root)
    assert "services/api/Dockerfile" in _dkr003(engine)

    added.unlink()
    _apply(shown, engine.update([added]))
    workflow.write_text(text, encoding="utf-8")
    _apply(shown, engine.update([workflow]))
    assert _state(engine) == start

    shutil.rmtree(root / ".github")  # the whole folder goes and comes back
    _apply(shown, engine.update([root / ".github"]))
    assert _state(engine) == _fresh(root)
    shutil.copytree(WORKFLOW_ARGS / ".github", root / ".github")
    _apply(shown, engine.update([root / ".github"]))
    assert _state(engine) == start
    assert _seen(shown.values()) == _seen(engine.findings), "the deltas do not add up to the findings"


def test_a_file_created_in_a_folder_a_parser_listed_is_let_through_the_watcher(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(WORKFLOW_ARGS, root)
    engine = Engine(root)
    engine.scan()
    assert engine.read_by_parsers(root / ".github" / "workflows" / "new.yml")  # the Dockerfile listed the folder
    assert not engine.read_by_parsers(root / "docs" / "new.yml")
