"""The app's watcher sees what a full scan sees: never what lies behind a linked folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from watchfiles import Change

from auditui.app import AuditApp
from auditui.checks.discovery import IgnoreRules, walk, watched

from helpers import POD, write


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    write(root, "k8s/pod.yaml", POD)
    write(root, ".gitignore", "generated/\n")
    outside = tmp_path / "home"
    write(outside, "secrets/pod.yaml", POD)
    (root / "docs").symlink_to(outside, target_is_directory=True)  # committed link out
    (root / "k8s" / "alias").symlink_to(root / "k8s", target_is_directory=True)  # a link inside, too
    return root


def _cases(root: Path) -> dict[str, bool]:
    return {
        "k8s/pod.yaml": True,
        "k8s/new.yaml": True,  # created: the parent is real
        "docs/secrets/pod.yaml": False,  # below the link out
        "docs/secrets": False,
        "docs": False,  # the link itself
        "k8s/alias/pod.yaml": False,  # walk never enters a linked folder, even inside
        "generated/pod.yaml": False,  # ignored
        "README.txt": False,  # not a candidate
    }


def test_watched_agrees_with_the_full_walk(repo):
    rules = IgnoreRules(repo)
    assert walk(repo, rules).files == ["k8s/pod.yaml"]
    write(repo, "k8s/new.yaml", POD)
    for rel, expected in _cases(repo).items():
        assert watched(repo, rules, str(repo / rel)) is expected, rel
    assert watched(repo, rules, str(repo / "k8s" / "gone.yaml"), deleted=True)
    assert not watched(repo, rules, str(repo / "docs" / "secrets" / "pod.yaml"), deleted=True)
    assert not watched(repo, rules, str(repo.parent / "home" / "secrets" / "pod.yaml"))


def test_the_app_drops_events_below_a_folder_link_out_of_the_repository(repo):
    app = AuditApp(repo, watch=False)
    outside_event = str(repo / "docs" / "secrets" / "pod.yaml")
    assert app._watch_filter(Change.modified, outside_event) is False
    assert app._watch_filter(Change.added, str(repo / "docs")) is False
    assert app._watch_filter(Change.modified, str(repo / "k8s" / "pod.yaml")) is True
    assert os.path.exists(outside_event)


def test_the_app_lets_through_a_git_ignored_env_a_compose_file_reads(tmp_path):
    from auditui.checks.engine import Engine

    root = tmp_path / "repo"
    write(root, ".gitignore", ".env\nlocal.env\n")
    write(root, ".env", "TAG=latest\n")
    write(root, "local.env", "X=1\n")
    write(root, "compose.yaml", "services:\n  app:\n    image: acme/app:${TAG:-1.0}\n")
    app = AuditApp(root, watch=False)
    app.engine = Engine(root)
    app.engine.scan()
    assert app._watch_filter(Change.modified, str(root / ".env")) is True
    assert app._watch_filter(Change.modified, str(root / "local.env")) is False  # ignored and read by nobody
