"""Fixtures of the TUI tests (helpers and the pinned checks live in ``tui_helpers``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui_helpers import CHECKS, FIXTURE


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the fixture repository, named ``shop`` so the header is stable."""
    root = tmp_path / "shop"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def make_app(repo: Path):
    from auditui.app import AuditApp

    def make(**kwargs) -> AuditApp:
        kwargs.setdefault("watch", False)
        kwargs.setdefault("checks", CHECKS)
        return AuditApp(repo, **kwargs)

    return make
