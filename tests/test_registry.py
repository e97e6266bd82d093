from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

from auditui.checks import registry
from auditui.checks.api import Category, Severity


#: modules of a domain package that hold no check: what several of its checks share
SHARED_MODULES = {"shared"}


def test_every_check_module_is_listed_in_its_domain():
    for name, package in registry.DOMAINS.items():
        listed = {check.code for check in package.CHECKS}
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in SHARED_MODULES:
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            check = getattr(module, "CHECK", None)
            assert check is not None, f"{module.__name__} defines no CHECK"
            assert check.code in listed, f"{module.__name__} ({check.code}) is not listed in {name}.CHECKS"


def test_codes_and_names_are_unique_and_well_formed():
    codes = [c.code for c in registry.ALL_CHECKS]
    names = [c.name for c in registry.ALL_CHECKS]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    for check in registry.ALL_CHECKS:
        assert re.fullmatch(r"(AUD|K8S|CMP|DKR|GHA|SH|ENV|REPO|HELM|GITOPS|TF)\d{3}", check.code), check.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", check.name), check.name
        assert isinstance(check.severity, Severity) and isinstance(check.category, Category)
        assert check.title and check.rationale and check.remediation and check.effort
        assert all(step.strip() for step in check.remediation)
        assert re.fullmatch(r"\d+(m|h|d)", check.effort), f"{check.code} effort {check.effort!r}"


def test_every_check_but_engine_emitted_ones_has_a_function():
    engine_emitted = {"AUD001", "AUD002", "AUD003", "AUD004",  # parser and suppression pass
                      "K8S059", "CMP022"}  # the persona stage (hardening items rolled up)
    for check in registry.ALL_CHECKS:
        if check.code not in engine_emitted:
            assert check.func is not None, f"{check.code} has no registered function"


def _imported_modules(path, package: str) -> set[str]:
    """Absolute names of the modules a source file imports from (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_no_check_imports_another_check():
    """Helpers several checks need live in the domain's ``shared`` module (or a model), never in a check."""
    check_modules = {}
    for package in registry.DOMAINS.values():
        check_modules[package.__name__] = "domain package"
        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in SHARED_MODULES:
                check_modules[f"{package.__name__}.{info.name}"] = "check"
    offenders = []
    for package in registry.DOMAINS.values():
        for info in pkgutil.iter_modules(package.__path__):
            module = f"{package.__name__}.{info.name}"
            path = Path(package.__path__[0]) / f"{info.name}.py"
            for target in _imported_modules(path, package.__name__):
                if target in check_modules and target != module:
                    offenders.append(f"{module} imports {target}")
    assert not offenders, "\n".join(offenders)
