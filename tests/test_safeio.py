"""safeio: reads of a hostile tree are bounded, writes never follow a link or leave the root.

Each test keeps a canary file outside the repository and asserts it is untouched.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from auditui.checks import safeio
from auditui.checks.safeio import LinkRefused, NotRegularFile, OutsideRoot, SafeIOError, TooLarge

CANARY = "the user's own file\n"


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """(repository, canary file outside it)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    canary = outside / "canary.txt"
    canary.write_text(CANARY)
    return repo, canary


def _finishes(func, seconds: float = 10.0):
    """Run ``func`` in a thread; fail (instead of hanging the suite) when it blocks."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{func} blocked for more than {seconds}s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# -- reads ----------------------------------------------------------------------------------


def test_reads_a_regular_file_and_a_link_inside(tree):
    repo, _ = tree
    (repo / "a.yaml").write_bytes(b"\xef\xbb\xbfkind: Pod\n")
    (repo / "link.yaml").symlink_to("a.yaml")
    assert safeio.read_bytes(repo / "a.yaml", root=repo) == b"\xef\xbb\xbfkind: Pod\n"
    assert safeio.read_text(repo / "link.yaml", root=repo) == "kind: Pod\n"


def test_a_link_out_of_the_root_is_refused(tree):
    repo, canary = tree
    (repo / "state.toml").symlink_to(canary)
    (repo / "up.toml").symlink_to("../outside/canary.txt")
    for name in ("state.toml", "up.toml"):
        with pytest.raises(OutsideRoot, match="outside the repository"):
            safeio.read_bytes(repo / name, root=repo)
        with pytest.raises(OutsideRoot, match="outside the repository"):  # the root resolved by the caller
            safeio.read_bytes(repo / name, root=repo, real_root=os.path.realpath(repo))


def test_folders_resolved_once_answer_as_resolving_each_file(tree, tmp_path):
    """A scan passes ``real_dirs`` (folder -> real path, filled as it reads): the same files are
    read and the same links refused as when every file is resolved from scratch."""
    repo, canary = tree
    (repo / "app").mkdir()
    (repo / "app" / "a.yaml").write_text("kind: Pod\n")
    (repo / "app" / "in.yaml").symlink_to("a.yaml")  # a link to a file inside: read
    (repo / "app" / "out.yaml").symlink_to(canary)  # a link out: refused
    (repo / "alias").symlink_to("app")  # a folder link inside: read through
    (repo / "away").symlink_to(canary.parent)  # a folder link out: refused
    sibling = tmp_path / "repo-sibling"  # shares the root's name as a prefix, lies outside
    sibling.mkdir()
    (sibling / "s.yaml").write_text("kind: Secret\n")
    (repo / "prefix.yaml").symlink_to(sibling / "s.yaml")
    real_root = os.path.realpath(repo)
    real_dirs: dict[str, str] = {}
    for rel in ("app/a.yaml", "app/in.yaml", "alias/a.yaml", "alias/in.yaml"):
        assert safeio.read_bytes(repo / rel, root=repo, real_root=real_root, real_dirs=real_dirs) == b"kind: Pod\n"
    for rel in ("app/out.yaml", "alias/out.yaml", "away/canary.txt", "prefix.yaml"):
        with pytest.raises(OutsideRoot):
            safeio.read_bytes(repo / rel, root=repo, real_root=real_root, real_dirs=real_dirs)
    assert real_dirs[str(repo / "alias")] == os.path.join(real_root, "app")


def test_a_path_with_dotdot_out_of_the_root_is_refused(tree):
    repo, _ = tree
    with pytest.raises(OutsideRoot):
        safeio.read_bytes(repo / ".." / "outside" / "canary.txt", root=repo)


def test_dev_zero_is_refused_at_once(tree):
    repo, _ = tree
    (repo / "HEAD").symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile, match="device"):
        _finishes(lambda: safeio.read_bytes(repo / "HEAD"))  # even when links may be followed


def test_a_fifo_never_hangs(tree):
    repo, _ = tree
    os.mkfifo(repo / "pipe.yaml")
    with pytest.raises(NotRegularFile, match="FIFO"):
        _finishes(lambda: safeio.read_bytes(repo / "pipe.yaml", root=repo))
    with pytest.raises(NotRegularFile):
        _finishes(lambda: safeio.read_bytes(repo / "pipe.yaml"))


def test_a_directory_is_not_a_file(tree):
    repo, _ = tree
    (repo / "d").mkdir()
    with pytest.raises(NotRegularFile):
        safeio.read_bytes(repo / "d", root=repo)


def test_the_size_cap(tree):
    repo, _ = tree
    (repo / "big").write_bytes(b"x" * 1001)
    (repo / "fits").write_bytes(b"x" * 1000)
    with pytest.raises(TooLarge, match="larger than 1000 bytes") as caught:
        safeio.read_bytes(repo / "big", root=repo, limit=1000)
    assert caught.value.size == 1001
    assert safeio.read_bytes(repo / "fits", root=repo, limit=1000) == b"x" * 1000


def test_errors_are_oserrors_with_a_one_line_message(tree):
    repo, canary = tree
    (repo / "x").symlink_to(canary)
    with pytest.raises(OSError) as caught:
        safeio.read_bytes(repo / "x", root=repo)
    assert str(caught.value) == f"{repo / 'x'}: symbolic link points outside the repository; not followed"
    assert caught.value.strerror == "symbolic link points outside the repository; not followed"
    with pytest.raises(FileNotFoundError):
        safeio.read_bytes(repo / "missing", root=repo)


# -- writes ---------------------------------------------------------------------------------


def test_writes_atomically_and_keeps_the_mode(tree):
    repo, _ = tree
    target = repo / ".auditui" / "report.md"
    safeio.write_text(target, "one\n", root=repo, make_dirs=True)
    assert target.read_text() == "one\n"
    target.chmod(0o640)
    safeio.write_text(target, "two\n", root=repo)
    assert target.read_text() == "two\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]  # no temp file left


def test_a_committed_link_as_target_is_refused(tree):
    repo, canary = tree
    (repo / "auditui-report.md").symlink_to(canary)
    with pytest.raises(LinkRefused, match="symbolic link"):
        safeio.write_text(repo / "auditui-report.md", "ssh-rsa AAAA attacker\n", root=repo)
    assert canary.read_text() == CANARY
    assert (repo / "auditui-report.md").is_symlink()


def test_a_committed_link_as_folder_is_refused(tree):
    repo, canary = tree
    (repo / ".auditui").symlink_to(canary.parent, target_is_directory=True)
    with pytest.raises(LinkRefused, match=r"\.auditui: is a symbolic link"):
        safeio.write_text(repo / ".auditui" / "state.toml", "x = 1\n", root=repo, make_dirs=True)
    with pytest.raises(LinkRefused):
        safeio.write_text(repo / ".auditui" / "canary.txt", "x = 1\n", root=repo)
    assert sorted(p.name for p in canary.parent.iterdir()) == ["canary.txt"]
    assert canary.read_text() == CANARY


def test_a_link_deeper_in_the_path_is_refused(tree):
    repo, canary = tree
    (repo / "a").mkdir()
    (repo / "a" / "b").symlink_to(canary.parent, target_is_directory=True)
    with pytest.raises(LinkRefused):
        safeio.write_text(repo / "a" / "b" / "c" / "out.md", "x", root=repo, make_dirs=True)
    assert sorted(p.name for p in canary.parent.iterdir()) == ["canary.txt"]


def test_a_link_to_a_folder_inside_is_refused_too(tree):
    repo, _ = tree
    (repo / "real").mkdir()
    (repo / "alias").symlink_to("real", target_is_directory=True)
    with pytest.raises(LinkRefused):
        safeio.write_text(repo / "alias" / "out.md", "x", root=repo)


def test_a_fifo_or_device_target_is_refused_without_hanging(tree):
    repo, _ = tree
    os.mkfifo(repo / "out.md")
    with pytest.raises(NotRegularFile, match="FIFO"):
        _finishes(lambda: safeio.write_text(repo / "out.md", "x", root=repo))
    (repo / "d").mkdir()
    with pytest.raises(NotRegularFile, match="directory"):
        safeio.write_text(repo / "d", "x", root=repo)


def test_a_hard_link_is_replaced_not_written_through(tree):
    repo, canary = tree
    os.link(canary, repo / "report.md")
    safeio.write_text(repo / "report.md", "report\n", root=repo)
    assert canary.read_text() == CANARY
    assert (repo / "report.md").read_text() == "report\n"


def test_never_leaves_the_root(tree):
    repo, canary = tree
    with pytest.raises(OutsideRoot):
        safeio.write_text(repo / ".." / "outside" / "canary.txt", "x", root=repo)
    with pytest.raises(OutsideRoot):
        safeio.write_text(repo, "x", root=repo)
    assert canary.read_text() == CANARY


def test_a_missing_folder_without_make_dirs(tree):
    repo, _ = tree
    with pytest.raises(SafeIOError, match="no such directory"):
        safeio.write_text(repo / "nope" / "x.md", "x", root=repo)


def test_a_failed_write_leaves_no_temp_file(tree, monkeypatch):
    repo, _ = tree
    (repo / "out.md").write_text("old")

    def boom(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safeio.os, "fsync", boom)
    with pytest.raises(OSError, match="No space"):
        safeio.write_text(repo / "out.md", "new", root=repo)
    assert (repo / "out.md").read_text() == "old"
    assert [p.name for p in repo.iterdir()] == ["out.md"]


def test_a_link_swapped_in_before_the_rename_is_refused(tree, monkeypatch):
    repo, canary = tree
    target = repo / "out.md"
    real_fsync = os.fsync
    calls = []

    def swap(fd):  # the first fsync is the temp file's: plant a link at the target then
        real_fsync(fd)
        if not calls:
            target.symlink_to(canary)
        calls.append(fd)

    monkeypatch.setattr(safeio.os, "fsync", swap)
    with pytest.raises(LinkRefused):
        safeio.write_text(target, "x", root=repo)
    assert canary.read_text() == CANARY


def test_output_root(tmp_path):
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "to-home").symlink_to(tmp_path, target_is_directory=True)
    elsewhere = tmp_path / "reports"
    elsewhere.mkdir()
    assert safeio.output_root(repo / "report.md", repo) == str(repo)
    assert safeio.output_root(repo / "sub" / "r.md", repo) == str(repo)
    # a folder of the repository that links out still counts as the repository: refused later
    assert safeio.output_root(repo / "to-home" / "r.md", repo) == str(repo)
    assert safeio.output_root(elsewhere / "r.md", repo) == str(elsewhere)
    # the repository's own link used as the way in
    assert safeio.output_root(tmp_path / "repo" / "sub" / ".." / "r.md", repo) == str(repo)
