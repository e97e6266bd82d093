"""The triage state file: round trips, merges, corruption, versions, no churn."""

from __future__ import annotations

import dataclasses

import datetime as dt
import os
from pathlib import Path

import pytest

from auditui.checks.api import Pos
from auditui.checks.k8s.image_pull_policy_never import CHECK
from auditui.checks.triage import ReadOnlyStateError, TriageStore


def finding(name: str):
    return CHECK.finding(Pos(3, 3, ("spec", name)), resource=f"Deployment/{name}", message="m").seal(f"{name}.yaml")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path


def state_file(root: Path) -> Path:
    return root / ".auditui" / "state.toml"


def test_accept_is_saved_and_read_back_by_a_new_store(root):
    f = finding("api")
    TriageStore.open(root).accept(f, "behind VPN until Q3")
    again = TriageStore.open(root)
    assert again.status_of(f) == "accepted"
    entry = again.entry(f.fingerprint)
    assert entry.reason == "behind VPN until Q3"
    assert entry.code == "K8S020" and entry.path == "api.yaml" and entry.resource == "Deployment/api"
    assert [h["action"] for h in entry.history] == ["accepted"]
    assert entry.by


def test_accept_requires_a_reason(root):
    with pytest.raises(ValueError):
        TriageStore.open(root).accept(finding("api"), "   ")
    assert not state_file(root).exists()


def test_deferral_expires_and_the_finding_is_open_again(root):
    f = finding("api")
    store = TriageStore.open(root)
    store.defer(f, dt.date(2026, 12, 7), "next sprint")
    assert store.status_of(f, today=dt.date(2026, 12, 7)) == "deferred"
    assert store.status_of(f, today=dt.date(2026, 12, 8)) == "open"
    assert TriageStore.open(root).entry(f.fingerprint).until == dt.date(2026, 12, 7)


def test_reopen_and_notes_keep_history(root):
    f = finding("api")
    store = TriageStore.open(root)
    store.accept(f, "ok for now")
    store.add_note(f, "revisit after the migration")
    store.reopen(f)
    entry = TriageStore.open(root).entry(f.fingerprint)
    assert entry.status == "open"
    assert [h["action"] for h in entry.history] == ["accepted", "open"]
    assert [n.text for n in entry.notes] == ["revisit after the migration"]


def test_two_writers_do_not_drop_each_other(root):
    first, second = TriageStore.open(root), TriageStore.open(root)
    a, b = finding("a"), finding("b")
    first.accept(a, "reason a")
    second.accept(b, "reason b")  # second never saw a's entry in memory
    merged = TriageStore.open(root)
    assert merged.status_of(a) == "accepted" and merged.status_of(b) == "accepted"


def test_rewriting_an_unchanged_state_changes_no_byte(root):
    store = TriageStore.open(root)
    store.accept(finding("b"), "r")
    store.accept(finding("a"), "r")
    store.set_tick("images-pinned", True)
    before = state_file(root).read_bytes()
    TriageStore.open(root).set_tick("images-pinned", True)
    assert state_file(root).read_bytes() == before


def test_entries_are_kept_in_fingerprint_order(root):
    store = TriageStore.open(root)
    fs = [finding(n) for n in ("c", "a", "b", "d")]
    for f in fs:
        store.accept(f, "r")
    text = state_file(root).read_text()
    positions = [text.index(f"[findings.{f.fingerprint}]") for f in sorted(fs, key=lambda f: f.fingerprint)]
    assert positions == sorted(positions)


def test_user_comments_survive_writes(root):
    store = TriageStore.open(root)
    store.accept(finding("a"), "r")
    path = state_file(root)
    path.write_text("# reviewed by the platform team in November\n" + path.read_text())
    TriageStore.open(root).accept(finding("b"), "r2")
    assert "# reviewed by the platform team in November" in path.read_text()


def test_corrupt_file_is_read_only_never_moved_aside_or_overwritten(root):
    path = state_file(root)
    path.parent.mkdir(parents=True)
    broken = "version = 1\n[findings.x\nstatus = "
    path.write_text(broken)
    store = TriageStore.open(root)
    assert store.read_only and "cannot be read" in store.messages[0] and "line 2" in store.messages[0]
    with pytest.raises(ReadOnlyStateError):
        store.accept(finding("a"), "fresh start")
    assert path.read_text() == broken
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.toml"]
    # fixed by hand: the next read takes it
    path.write_text("version = 1\n")
    store.reload()
    assert not store.read_only
    store.accept(finding("a"), "fresh start")
    assert TriageStore.open(root).status_of(finding("a")) == "accepted"


def test_newer_version_is_read_only_and_never_overwritten(root):
    path = state_file(root)
    path.parent.mkdir(parents=True)
    original = 'version = 2\n[findings.abc]\nstatus = "accepted"\nreason = "x"\n'
    path.write_text(original)
    store = TriageStore.open(root)
    assert store.read_only and "newer" in store.messages[0]
    with pytest.raises(ReadOnlyStateError):
        store.accept(finding("a"), "r")
    assert path.read_text() == original


def test_crash_mid_write_leaves_the_old_file_whole(root, monkeypatch):
    store = TriageStore.open(root)
    store.accept(finding("a"), "r")
    before = state_file(root).read_text()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.accept(finding("b"), "r2")
    assert state_file(root).read_text() == before
    assert not [p for p in state_file(root).parent.iterdir() if p.name.endswith(".tmp")]


def test_prune_removes_only_entries_whose_finding_is_gone(root):
    store = TriageStore.open(root)
    alive, gone = finding("alive"), finding("gone")
    store.accept(alive, "r")
    store.accept(gone, "r")
    assert [e.fingerprint for e in store.resolved_entries([alive.fingerprint])] == [gone.fingerprint]
    assert store.prune([alive.fingerprint]) == 1
    again = TriageStore.open(root)
    assert again.entry(gone.fingerprint) is None and again.entry(alive.fingerprint) is not None


def test_checklist_ticks_round_trip(root):
    store = TriageStore.open(root)
    store.set_tick("images-pinned", True)
    store.set_tick("rollback-plan", True)
    store.set_tick("rollback-plan", False)
    assert TriageStore.open(root).checklist_ticks() == {"images-pinned": True}


def test_suppressed_findings_report_suppressed(root):
    f = dataclasses.replace(finding("a"), suppressed_by="a.yaml:2 auditui: ignore[K8S020] dev cluster")
    assert TriageStore.open(root).status_of(f) == "suppressed"


def test_user_name_comes_from_git_config_files_without_running_git(root, monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    store = TriageStore.open(root)
    store.accept(finding("a"), "r")
    assert store.entry(finding("a").fingerprint).by == "Ada Lovelace"
