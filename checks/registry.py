"""The one list of domains.  Each domain package lists its check modules explicitly and
declares the files it reads (``FILE_TYPES``, ``NAMED_FILES``; see ``checks/filetypes.py``).

Adding a domain is adding its folder and one line to :data:`DOMAINS` (see CONTRIBUTING.md).
"""

from __future__ import annotations

from types import ModuleType

from . import audit, compose, dockerfile, env, gha, gitops, helm, k8s, repo, shell, terraform
from .api import Check
from .filetypes import FileType, NamedFile

DOMAINS: dict[str, ModuleType] = {
    "audit": audit,
    "k8s": k8s,
    "helm": helm,
    "gitops": gitops,
    "compose": compose,
    "dockerfile": dockerfile,
    "gha": gha,
    "shell": shell,
    "terraform": terraform,
    "env": env,
    "repo": repo,
}

ALL_CHECKS: tuple[Check, ...] = ()
BY_CODE: dict[str, Check] = {}
BY_NAME: dict[str, Check] = {}
FILE_TYPES: tuple[FileType, ...] = ()
NAMED_FILES: tuple[NamedFile, ...] = ()


def refresh() -> None:
    """Recompute the tables above from :data:`DOMAINS` (tests that register a domain call it)."""
    global ALL_CHECKS, BY_CODE, BY_NAME, FILE_TYPES, NAMED_FILES
    from . import filetypes

    ALL_CHECKS = tuple(check for domain in DOMAINS.values() for check in domain.CHECKS)
    BY_CODE = {check.code: check for check in ALL_CHECKS}
    BY_NAME = {check.name: check for check in ALL_CHECKS}
    FILE_TYPES = tuple(t for domain in DOMAINS.values() for t in getattr(domain, "FILE_TYPES", ()))
    NAMED_FILES = tuple(n for domain in DOMAINS.values() for n in getattr(domain, "NAMED_FILES", ()))
    filetypes.reset()


refresh()


def lookup(code_or_name: str) -> Check | None:
    key = code_or_name.strip()
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())


def domain_of(check: Check) -> str:
    for name, module in DOMAINS.items():
        if check in module.CHECKS:
            return name
    return "?"
