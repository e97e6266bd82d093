"""The triage store on a shared, hostile or merged state file.

Git merges of two real branches, a state folder or file that is a link, a FIFO, an
oversized file, contents that do not fit the schema, read-only permissions, writers
killed mid-write, churn-free edits, undo, renamed files and safe pruning.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from auditui.checks.api import Pos
from auditui.checks.k8s.image_pull_policy_never import CHECK
from auditui.checks.triage import (
    MAX_DEFER_DAYS,
    MAX_STATE_BYTES,
    ReadOnlyStateError,
    TriageStore,
    conflict_sides,
    coverage,
    parse_state,
    parse_until,
    unverified,
)

GIT = shutil.which("git")


def finding(name: str, path: str | None = None):
    return CHECK.finding(Pos(3, 3, ("spec", name)), resource=f"Deployment/{name}", message="m").seal(
        path or f"{name}.yaml")


def state_file(root: Path) -> Path:
    return root / ".auditui" / "state.toml"


# -- git merges ----------------------------------------------------------------------------


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)


def branches_that_triage(root: Path, first: list[str], second: list[str], *, attributes: bool = True) -> None:
    """main holds one accepted finding; branch one triages ``first``, branch two ``second``."""
    git(root, "init", "-q", "-b", "main")
    TriageStore.open(root).accept(finding("base"), "reviewed")
    if not attributes:
        (root / ".auditui" / ".gitattributes").unlink()
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    for branch, names in (("one", first), ("two", second)):
        git(root, "checkout", "-qb", branch, "main")
        store = TriageStore.open(root)
        for name in names:
            store.accept(finding(name), f"accepted on {branch}")
        git(root, "commit", "-qam", branch)
    git(root, "checkout", "-q", "one")


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize("first,second", [(["a"], ["b"]), (["zz1"], ["zz2"]), (["c", "x"], ["d", "y"]),
                                          ([f"n{i}" for i in range(6)], [f"m{i}" for i in range(6)])])
def test_two_branches_triaging_different_findings_merge_cleanly(tmp_path, first, second):
    branches_that_triage(tmp_path, first, second)
    merge = git(tmp_path, "merge", "-q", "--no-edit", "two")
    assert merge.returncode == 0, merge.stdout + merge.stderr
    assert "<<<<<<<" not in state_file(tmp_path).read_text()
    store = TriageStore.open(tmp_path)
    assert not store.read_only, store.messages
    assert {e.path for e in store.entries()} == {f"{n}.yaml" for n in ["base", *first, *second]}
    assert all(store.status_of(finding(n)) == "accepted" for n in [*first, *second])


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_conflict_markers_are_read_as_both_sides_and_the_next_write_stores_the_merge(tmp_path):
    # two new entries that sort on the same side of the base entry: git's default line merge
    # sees both inserted at one place, a conflict
    base = finding("base").fingerprint
    a, b = [n for n in (f"n{i}" for i in range(50)) if finding(n).fingerprint > base][:2]
    branches_that_triage(tmp_path, [a], [b], attributes=False)
    merge = git(tmp_path, "merge", "-q", "--no-edit", "two")
    text = state_file(tmp_path).read_text()
    assert merge.returncode != 0 and "<<<<<<<" in text  # entries side by side: a conflict
    store = TriageStore.open(tmp_path)
    assert not store.read_only
    assert any("conflict markers" in m and "both sides" in m for m in store.messages)
    assert {e.path for e in store.entries()} == {"base.yaml", f"{a}.yaml", f"{b}.yaml"}
    assert sorted(p.name for p in state_file(tmp_path).parent.iterdir() if "corrupt" in p.name) == []
    store.add_note(finding("c"), "after the merge")
    merged = state_file(tmp_path).read_text()
    assert "<<<<<<<" not in merged and ">>>>>>>" not in merged
    again = TriageStore.open(tmp_path)
    assert {e.path for e in again.entries()} == {"base.yaml", f"{a}.yaml", f"{b}.yaml", "c.yaml"}
    assert again.status_of(finding(a)) == again.status_of(finding(b)) == "accepted"


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_both_branches_changing_one_entry_keep_the_latest_decision_and_all_history(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    TriageStore.open(tmp_path).accept(finding("a"), "reviewed")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "checkout", "-qb", "one", "main")
    TriageStore.open(tmp_path).add_note(finding("a"), "note from one")
    git(tmp_path, "commit", "-qam", "one")
    git(tmp_path, "checkout", "-qb", "two", "main")
    time.sleep(1.1)  # a later decision
    TriageStore.open(tmp_path).defer(finding("a"), dt.date.today() + dt.timedelta(days=9), "later, on two")
    git(tmp_path, "commit", "-qam", "two")
    git(tmp_path, "checkout", "-q", "one")
    git(tmp_path, "merge", "-q", "--no-edit", "two")
    store = TriageStore.open(tmp_path)
    assert not store.read_only, store.messages
    entry = store.entry(finding("a").fingerprint)
    assert entry.status == "deferred" and entry.reason == "later, on two"
    assert [n.text for n in entry.notes] == ["note from one"]
    assert [h["action"] for h in entry.history] == ["accepted", "deferred"]


def test_conflict_sides_split_ours_and_theirs_with_a_base_section():
    text = "a = 1\n<<<<<<< HEAD\nb = 2\n||||||| base\nb = 0\n=======\nb = 3\n>>>>>>> two\nc = 4\n"
    assert conflict_sides(text) == ("a = 1\nb = 2\nc = 4\n", "a = 1\nb = 3\nc = 4\n")
    assert conflict_sides("a = 1\n") is None
    assert conflict_sides("<<<<<<< HEAD\nb = 2\n") is None  # unbalanced


# -- links, FIFOs, sizes ----------------------------------------------------------------------


def test_a_state_folder_that_is_a_link_is_refused_never_read_or_written(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "state.toml"
    secret.write_text('version = 1\n[findings.abc]\nstatus = "accepted"\nreason = "outside data"\n')
    before = secret.read_bytes()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".auditui").symlink_to(outside)
    store = TriageStore.open(repo)
    assert store.read_only and "symbolic link" in store.read_only_reason and ".auditui" in store.read_only_reason
    assert store.entries() == []  # the outside file's content is not copied in
    with pytest.raises(ReadOnlyStateError):
        store.accept(finding("a"), "r")
    assert secret.read_bytes() == before and sorted(os.listdir(outside)) == ["state.toml"]


def test_a_state_file_that_is_a_link_is_refused(tmp_path):
    target = tmp_path / "elsewhere.toml"
    target.write_text('version = 1\n[findings.abc]\nstatus = "accepted"\n')
    repo = tmp_path / "repo"
    (repo / ".auditui").mkdir(parents=True)
    state_file(repo).symlink_to(target)
    store = TriageStore.open(repo)
    assert store.read_only and "symbolic link" in store.read_only_reason and store.entries() == []
    with pytest.raises(ReadOnlyStateError):
        store.set_tick("x", True)
    assert state_file(repo).is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_never_read(tmp_path):
    (tmp_path / ".auditui").mkdir()
    os.mkfifo(state_file(tmp_path))
    done = []
    thread = threading.Thread(target=lambda: done.append(TriageStore.open(tmp_path)), daemon=True)
    thread.start()
    thread.join(5)
    assert done, "reading a FIFO hung"
    assert done[0].read_only and "not a regular file" in done[0].read_only_reason


def test_an_oversized_state_file_is_refused_with_its_size(tmp_path):
    (tmp_path / ".auditui").mkdir()
    with open(state_file(tmp_path), "wb") as handle:
        handle.truncate(MAX_STATE_BYTES + 1)
    store = TriageStore.open(tmp_path)
    assert store.read_only and "over the" in store.read_only_reason


# -- contents that do not fit -----------------------------------------------------------------


@pytest.mark.parametrize("content,says", [
    ('version = 1\n[findings.abc]\nstatus = "accepted"\nnotes = 5\n', "notes is a number"),
    ("version = 1\nx = " + "[" * 50_000 + "]" * 50_000 + "\n", "nested too deeply"),
    # inside a table: the table-by-table fallback reads it one line at a time, as deep
    ("version = 1\n[findings.abc]\nx = " + "[" * 2_000 + "]" * 2_000 + "\n", "nested too deeply"),
    ("version = 1\nfindings = 5\n", "findings is a number"),
    ("version = 1\n" + ".".join(f"k{i}" for i in range(100)) + " = 1\n", "nests deeper"),
    ('version = "1"\n', "version is a string"),
    ('version = 1\n[findings.abc]\nstatus = "maybe"\n', "status is 'maybe'"),
    ('version = 1\n[checklist]\npr = "all"\n', "checklist.pr"),
    ('version = 1\n[findings.abc]\nuntil = 5\nstatus = "deferred"\n', "until is a number"),
])
def test_hostile_contents_give_a_clear_message_and_read_only_triage(tmp_path, content, says):
    (tmp_path / ".auditui").mkdir()
    state_file(tmp_path).write_text(content)
    store = TriageStore.open(tmp_path)
    assert store.read_only
    assert says in store.read_only_reason, store.read_only_reason
    with pytest.raises(ReadOnlyStateError):
        store.accept(finding("a"), "r")
    assert state_file(tmp_path).read_text() == content


def test_valid_entries_still_count_beside_an_invalid_one(tmp_path):
    good = finding("good")
    TriageStore.open(tmp_path).accept(good, "fine")
    with open(state_file(tmp_path), "a") as handle:
        handle.write('\n[findings.bad]\nstatus = "accepted"\nnotes = 5\n')
    store = TriageStore.open(tmp_path)
    assert store.read_only and store.status_of(good) == "accepted"


def test_newer_versions_say_newer_and_strings_do_not():
    assert parse_state("version = 2\n").newer == 2
    parsed = parse_state('version = "2"\n')
    assert parsed.newer is None and parsed.problems


# -- permissions ------------------------------------------------------------------------------


def test_a_read_only_state_file_is_honoured(tmp_path):
    store = TriageStore.open(tmp_path)
    store.accept(finding("a"), "r")
    state_file(tmp_path).chmod(0o444)
    before = state_file(tmp_path).read_bytes()
    again = TriageStore.open(tmp_path)
    assert again.read_only and "read-only (file permissions)" in again.read_only_reason
    assert again.status_of(finding("a")) == "accepted"
    with pytest.raises(ReadOnlyStateError):
        again.accept(finding("b"), "r")
    assert state_file(tmp_path).read_bytes() == before


def test_a_read_only_state_folder_is_honoured(tmp_path):
    TriageStore.open(tmp_path).accept(finding("a"), "r")
    folder = state_file(tmp_path).parent
    folder.chmod(0o555)
    try:
        store = TriageStore.open(tmp_path)
        assert store.read_only and "folder permissions" in store.read_only_reason
        with pytest.raises(ReadOnlyStateError):
            store.add_note(finding("a"), "kept?")
    finally:
        folder.chmod(0o755)


def test_a_file_made_read_only_while_open_turns_triage_read_only(tmp_path):
    store = TriageStore.open(tmp_path)
    store.accept(finding("a"), "r")
    state_file(tmp_path).chmod(0o444)
    with pytest.raises(ReadOnlyStateError):
        store.accept(finding("b"), "r")
    assert store.read_only


# -- crashes, temporaries and the lock ----------------------------------------------------------


def test_stale_temporaries_of_a_killed_writer_are_removed_and_ignored_by_git(tmp_path):
    store = TriageStore.open(tmp_path)
    store.accept(finding("a"), "r")
    folder = state_file(tmp_path).parent
    stale = folder / ".state.toml.deadbeef00112233.tmp"
    stale.write_text("half a file")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = folder / ".state.toml.cafe000011112222.tmp"  # a write in progress elsewhere
    fresh.write_text("in flight")
    store.accept(finding("b"), "r")
    assert not stale.exists() and fresh.exists()
    ignored = (folder / ".gitignore").read_text()
    assert "*.tmp" in ignored and "*.lock" in ignored


def test_the_lock_lives_beside_the_state_file_not_in_a_shared_temp_folder(tmp_path, monkeypatch):
    import tempfile

    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    (tmp_path / "repo").mkdir()
    TriageStore.open(tmp_path / "repo").accept(finding("a"), "r")
    assert list(shared.iterdir()) == []
    assert (tmp_path / "repo" / ".auditui" / "state.toml.lock").is_file()


def test_a_lock_file_that_is_a_link_is_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    repo = tmp_path / "repo"
    (repo / ".auditui").mkdir(parents=True)
    (repo / ".auditui" / "state.toml.lock").symlink_to(victim)
    with pytest.raises(ReadOnlyStateError):
        TriageStore.open(repo).accept(finding("a"), "r")
    assert victim.read_text() == "keep me"


# -- churn-free writes ------------------------------------------------------------------------


def test_tick_then_untick_and_undo_leave_the_same_bytes(tmp_path):
    store = TriageStore.open(tmp_path)
    store.accept(finding("a"), "r")
    store.set_tick("keep", True)
    before = state_file(tmp_path).read_bytes()
    store.set_tick("images-pinned", True)
    store.set_tick("images-pinned", False)
    assert state_file(tmp_path).read_bytes() == before
    undo = store.defer(finding("a"), dt.date.today() + dt.timedelta(days=3), "later") and \
        store.accept_many([finding("b"), finding("c")], "bulk")
    store.undo(undo)
    assert store.entry(finding("b").fingerprint) is None
    store.undo(store.reopen_many([finding("a")]))
    assert store.entry(finding("a").fingerprint).status == "deferred"


def test_one_change_touches_only_its_own_table_and_comments_stay_put(tmp_path):
    store = TriageStore.open(tmp_path)
    for name in ("a", "c", "e"):
        store.accept(finding(name), "r")
    path = state_file(tmp_path)
    c = finding("c").fingerprint
    text = path.read_text().replace(f"[findings.{c}]", f"# about c: see ticket OPS-12\n[findings.{c}]")
    path.write_text(text)
    TriageStore.open(tmp_path).accept(finding("d"), "r")
    TriageStore.open(tmp_path).accept(finding("b"), "r")
    after = path.read_text()
    assert f"# about c: see ticket OPS-12\n[findings.{c}]" in after
    # the old tables are unchanged, byte for byte, and one blank line separates tables
    for block in text.split("\n\n")[1:]:
        assert block.strip() in after
    assert "\n\n\n" not in after
    order = [after.index(f"[findings.{finding(n).fingerprint}]") for n in "abcde"]
    assert [n for _, n in sorted(zip(order, "abcde"))] == sorted("abcde", key=lambda n: finding(n).fingerprint)


# -- renames and pruning ----------------------------------------------------------------------


def test_triage_follows_a_renamed_file(tmp_path):
    old = finding("api", "k8s/api.yaml")
    TriageStore.open(tmp_path).accept(old, "dev cluster only")
    new = finding("api", "deploy/api.yaml")
    store = TriageStore.open(tmp_path)
    # k8s/api.yaml is gone; the same finding now lives in deploy/api.yaml
    assert store.status_of(new) == "open"
    moved = store.match_renames([new], ["deploy/api.yaml"])
    assert list(moved) == [new.fingerprint] and store.status_of(new) == "accepted"
    assert store.resolved_entries([new.fingerprint]) == []
    store.follow_renames([new], ["deploy/api.yaml"])
    again = TriageStore.open(tmp_path)
    entry = again.entry(new.fingerprint)
    assert entry.path == "deploy/api.yaml" and entry.reason == "dev cluster only"
    assert entry.history[-1]["action"] == "moved" and "k8s/api.yaml" in entry.history[-1]["reason"]
    assert again.entry(old.fingerprint) is None


def test_a_rename_is_not_guessed_when_the_old_file_still_exists_or_several_match(tmp_path):
    old = finding("api", "k8s/api.yaml")
    TriageStore.open(tmp_path).accept(old, "r")
    store = TriageStore.open(tmp_path)
    copy = finding("api", "deploy/api.yaml")
    assert store.match_renames([copy], ["k8s/api.yaml", "deploy/api.yaml"]) == {}
    twins = [finding("api", "a/api.yaml"), finding("api", "b/api.yaml")]
    assert store.match_renames(twins, ["a/api.yaml", "b/api.yaml"]) == {}


def test_pruning_keeps_entries_whose_file_failed_to_parse_or_was_not_audited(tmp_path):
    store = TriageStore.open(tmp_path)
    for name in ("broken", "excluded", "gone", "disabled"):
        store.accept(finding(name), "r")
    (tmp_path / "broken.yaml").write_text("a: [\n")
    (tmp_path / "excluded.yaml").write_text("x: 1\n")

    class Record:
        def __init__(self, codes):
            self.findings = [type("F", (), {"code": c})() for c in codes]

    audited = coverage(tmp_path, {"broken.yaml": Record(["AUD001"])}, [])
    keep = lambda e: unverified(e, audited=audited, check_ran=lambda code: "disabled" not in e.path)  # noqa: E731
    assert store.prune([], keep=keep) == 1
    assert {e.path for e in store.entries()} == {"broken.yaml", "excluded.yaml", "disabled.yaml"}


# -- deferral dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed,error", [
    ("+99999999999", "at most"), ("+99999", "at most"), ("9999-12-31", "at most"),
    ("2020-01-01", "future"), ("+0", "future"), ("soon", "not a date"), ("+x", "+N"),
])
def test_absurd_deferral_dates_are_refused_with_a_message(typed, error):
    with pytest.raises(ValueError, match=error.replace("+", r"\+")):
        parse_until(typed, dt.date(2030, 1, 10))


def test_reasonable_deferral_dates_are_taken():
    today = dt.date(2030, 1, 10)
    assert parse_until("+14", today) == dt.date(2030, 1, 24)
    assert parse_until(f"+{MAX_DEFER_DAYS}d", today) == today + dt.timedelta(days=MAX_DEFER_DAYS)
    assert parse_until("2030-06-01", today) == dt.date(2030, 6, 1)
