"""The three folders install as one package, and the layers import one way."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"tui": "auditui", "checks": "auditui.checks", "screens": "auditui.screens"}


def declared_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(data["tool"]["setuptools"]["packages"])


def test_every_sub_package_is_declared_in_pyproject():
    found = set()
    for folder, package in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]) if rel.parts else package)
    # auditui.checks and auditui.screens live in their own folders, not under tui/
    assert found == declared_packages()


def test_package_dir_maps_the_three_folders():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["tool"]["setuptools"]["package-dir"] == {v: k for k, v in FOLDERS.items()}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.add(node.module)
            elif node.level:
                names.add("." * node.level + (node.module or ""))
    return names


def test_nothing_in_checks_imports_textual_or_the_ui():
    for path in (ROOT / "checks").rglob("*.py"):
        for name in imported_modules(path):
            assert not name.startswith("textual"), f"{path} imports {name}"
            assert not name.startswith(("auditui.screens", "auditui.widgets", "auditui.app")), f"{path} imports {name}"


def test_widgets_do_not_import_screens():
    for path in (ROOT / "tui" / "widgets").rglob("*.py"):
        for name in imported_modules(path):
            assert "screens" not in name, f"{path} imports {name}"
