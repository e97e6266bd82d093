"""The one list of checks.  Each domain package lists its modules explicitly."""

from __future__ import annotations

from . import audit, compose, dockerfile, env, gha, helm, k8s, repo, shell
from .api import Check

DOMAINS = {
    "audit": audit,
    "k8s": k8s,
    "helm": helm,
    "compose": compose,
    "dockerfile": dockerfile,
    "gha": gha,
    "shell": shell,
    "env": env,
    "repo": repo,
}

ALL_CHECKS: tuple[Check, ...] = tuple(check for domain in DOMAINS.values() for check in domain.CHECKS)
BY_CODE: dict[str, Check] = {check.code: check for check in ALL_CHECKS}
BY_NAME: dict[str, Check] = {check.name: check for check in ALL_CHECKS}


def lookup(code_or_name: str) -> Check | None:
    key = code_or_name.strip()
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())


def domain_of(check: Check) -> str:
    for name, module in DOMAINS.items():
        if check in module.CHECKS:
            return name
    return "?"
