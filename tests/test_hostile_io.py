"""The command line on a hostile repository: no write through a committed link, no unbounded read.

Each test plants a canary file outside the repository (and, where it matters, a committed
symbolic link to it) and asserts that auditui neither changed it nor read it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditui.cli import main

from helpers import POD, write

CANARY = "# the user's own file\n"


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    write(root, "k8s/pod.yaml", POD)
    return root


@pytest.fixture
def canary(tmp_path) -> Path:
    outside = tmp_path / "home"
    outside.mkdir()
    path = outside / "authorized_keys"
    path.write_text(CANARY)
    return path


def _outside_untouched(tmp_path: Path, canary: Path) -> None:
    assert canary.read_text() == CANARY
    assert sorted(p.name for p in canary.parent.iterdir()) == [canary.name]


def _run_cli(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in a child process with a memory cap: on a regression it fails, never eats the machine."""
    code = "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); " \
           "from auditui.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("command, fmt", [("report", "markdown"), ("report", "html"), ("scan", "json"),
                                          ("scan", "sarif"), ("scan", "text")])
def test_output_over_a_committed_link_is_refused(repo, canary, tmp_path, capsys, command, fmt):
    (repo / "auditui-report.md").symlink_to(canary)
    code = main([command, str(repo), "--format", fmt, "--output", str(repo / "auditui-report.md")])
    err = capsys.readouterr().err
    assert code == 2
    assert "auditui-report.md: is a symbolic link; refusing to write through it" in err
    _outside_untouched(tmp_path, canary)


def test_output_under_a_committed_folder_link_is_refused(repo, canary, tmp_path, capsys):
    (repo / "reports").symlink_to(canary.parent, target_is_directory=True)
    code = main(["report", str(repo), "--output", str(repo / "reports" / "audit.md")])
    assert code == 2
    assert "is a symbolic link" in capsys.readouterr().err
    _outside_untouched(tmp_path, canary)


def test_output_into_a_fifo_is_refused(repo):
    os.mkfifo(repo / "out.md")
    done = _run_cli(["report", str(repo), "--output", str(repo / "out.md")])
    assert done.returncode == 2
    assert "FIFO" in done.stderr


def test_output_in_the_repository_and_elsewhere_still_works(repo, tmp_path, capsys):
    assert main(["report", str(repo), "--output", str(repo / "audit.md")]) == 0
    assert (repo / "audit.md").read_text().startswith("#")
    elsewhere = tmp_path / "reports"
    elsewhere.mkdir()
    (elsewhere / "old.md").write_text("old")
    assert main(["scan", str(repo), "--format", "json", "--output", str(elsewhere / "old.md")]) in (0, 1)
    assert (elsewhere / "old.md").read_text().startswith("{")


def test_update_baseline_over_a_committed_link_is_refused(repo, canary, tmp_path, capsys):
    (repo / "baseline.json").symlink_to(canary)
    code = main(["scan", str(repo), "--baseline", str(repo / "baseline.json"), "--update-baseline"])
    assert code == 2
    assert "refusing to write through it" in capsys.readouterr().err
    _outside_untouched(tmp_path, canary)


def test_a_baseline_in_the_repository_linked_out_is_not_read(repo, canary, capsys):
    (repo / "baseline.json").symlink_to(canary)
    code = main(["scan", str(repo), "--baseline", str(repo / "baseline.json")])
    assert code == 2
    assert "outside the repository" in capsys.readouterr().err


def test_a_baseline_that_is_a_device_is_refused_at_once(repo, tmp_path, capsys):
    (tmp_path / "baseline.json").symlink_to("/dev/zero")  # outside the repository: links are followed
    done = _run_cli(["scan", str(repo), "--baseline", str(tmp_path / "baseline.json")])
    assert done.returncode == 2
    assert "not a regular file" in done.stderr


def test_a_configuration_linked_out_of_the_repository_is_refused(repo, canary, capsys):
    canary.write_text('[tool.auditui]\nselect = ["K8S020"]\n')
    (repo / "pyproject.toml").symlink_to(canary)
    code = main(["scan", str(repo), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2
    assert "pyproject.toml: cannot read: symbolic link points outside the repository" in err


def test_a_configuration_folder_linked_out_is_refused(repo, canary, capsys):
    (canary.parent / "config.toml").write_text('exclude = ["k8s"]\n')
    (repo / ".auditui").symlink_to(canary.parent, target_is_directory=True)
    assert main(["config", str(repo)]) == 2
    assert "outside the repository" in capsys.readouterr().err


def test_a_huge_configuration_is_refused(repo, capsys):
    write(repo, ".auditui/config.toml", "# padding\n" * 200_000)
    assert main(["config", str(repo)]) == 2
    assert "larger than 1 MiB" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_git_head_that_never_ends_does_not_stall_the_report(repo, target):
    git = repo / ".git"
    git.mkdir()
    if target == "fifo":
        os.mkfifo(git / "HEAD")
    else:
        (git / "HEAD").symlink_to(target)
    done = _run_cli(["report", str(repo)])
    assert done.returncode == 0, done.stderr
    assert "Audit report" in done.stdout or done.stdout.startswith("#")


def test_audited_files_that_are_fifos_or_devices_are_notices(repo, capsys):
    os.mkfifo(repo / "k8s" / "pipe.yaml")
    (repo / "k8s" / "zero.yaml").symlink_to("/dev/zero")
    done = _run_cli(["scan", str(repo), "--format", "json", "--fail-on", "none"])
    assert done.returncode == 0, done.stderr
    assert '"k8s/pipe.yaml"' in done.stdout
