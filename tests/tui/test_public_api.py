"""The app uses Textual's public API only, so a Textual release cannot break it quietly.

* no module of the app (``tui/``, ``screens/``) imports a private Textual module
  (``textual._two_way_dict``, ``textual.widgets._data_table``...);
* no class of the app that subclasses a Textual class reads, writes or overrides a private
  member its Textual bases define (``self._render_line``, ``self._y_offsets``, ``_data``...):
  every ``self._name`` it uses is its own.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ("tui", "screens")


def app_sources() -> list[Path]:
    return sorted(p for d in APP_DIRS for p in (ROOT / d).rglob("*.py") if p.name != "__main__.py")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    parts[0] = {"tui": "auditui", "screens": "auditui.screens"}[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_private_textual_module_is_imported():
    private = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name.split(".")[0] == "textual" and any(part.startswith("_") for part in name.split(".")[1:]):
                    private.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not private, private


def textual_private_members(cls: type) -> set[str]:
    """The ``_names`` the Textual classes among ``cls``'s bases define or assign."""
    names: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("textual"):
            continue
        names |= {name for name in vars(base) if name.startswith("_") and not name.startswith("__")}
        try:
            source = inspect.getsource(base)
        except (OSError, TypeError):
            continue
        names |= set(re.findall(r"self\.(_[A-Za-z]\w*)\s*(?::[^=\n]+)?=", source))
    return names


def test_app_classes_touch_no_private_member_of_their_textual_bases():
    checked, clashes = 0, []
    for path in app_sources():
        module = importlib.import_module(module_name(path))
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not any(
                    b.__module__.startswith("textual") for b in cls.__mro__[1:]):
                continue
            checked += 1
            body = inspect.getsource(cls)
            used = set(re.findall(r"\bself\.(_[A-Za-z]\w*)", body))
            used |= {node.name for node in ast.walk(ast.parse(inspect.cleandoc("\n" + body)))
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("_")
                     and not node.name.startswith("__")}
            for name in sorted(used & textual_private_members(cls)):
                clashes.append(f"{module.__name__}.{cls.__name__} uses {name}, private to Textual")
    assert checked >= 10, checked  # the app's widgets, screens and the App itself
    assert not clashes, clashes


def test_the_check_above_would_see_a_private_member():
    """The detector finds what the former DataTable subclass did (it could not pass vacuously)."""
    from textual.widgets import DataTable

    assert {"_render_line", "_y_offsets", "_data"} <= textual_private_members(DataTable)
