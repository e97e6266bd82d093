"""The effective configuration of one audit (defaults; loading lives in ``configfile``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .api import Check, Severity


@dataclass
class Config:
    #: codes, names or categories to run (empty: all)
    select: tuple[str, ...] = ()
    #: codes, names or categories to skip
    ignore: tuple[str, ...] = ()
    #: path globs (gitignore syntax) excluded from the audit
    exclude: tuple[str, ...] = ()
    #: severity per check code
    severity: dict[str, Severity] = field(default_factory=dict)
    #: lowest severity that fails ``auditui scan``
    fail_on: Severity | None = Severity.HIGH
    #: per-path ignores: glob -> codes/names (``*`` for all)
    per_path_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: how much is shown: regular (the readiness story), pedantic (every item), auditor (everything)
    persona: str = "regular"
    #: file contexts: context name (production, development, test, tooling, example, build) -> path globs
    contexts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: environment names added to the well-known ones: production|nonproduction -> folder names
    environments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: per-check options: code -> {option: value}
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: where the configuration came from (for ``auditui config``)
    source: str | None = None
    #: where each setting came from: key (``select``, ``severity.K8S020``...) -> origin
    origins: dict[str, str] = field(default_factory=dict)

    def enabled(self, check: Check) -> bool:
        keys = {check.code.upper(), check.name.lower(), check.category.value}

        def hits(items: tuple[str, ...]) -> bool:
            return any(item.upper() in keys or item.lower() in keys for item in items)

        if self.select and not hits(self.select):
            return False
        return not hits(self.ignore)

    def severity_of(self, check: Check) -> Severity:
        return self.severity.get(check.code, check.severity)

    def option(self, check: Check, name: str) -> Any:
        return self.options.get(check.code, {}).get(name, check.options.get(name))

    def origin(self, key: str) -> str:
        """Where a setting came from: a file name, ``command line`` or ``default``."""
        return self.origins.get(key, "default")

    def path_ignores(self, path: str) -> list[tuple[str, tuple[str, ...]]]:
        """The ``per-path-ignores`` entries whose glob matches ``path``."""
        if not self.per_path_ignores:
            return []
        matchers = self.__dict__.get("_path_matchers")
        if matchers is None:
            from .globs import gitignore_spec  # linear time: the globs come from the repository

            matchers = [(glob, codes, gitignore_spec([glob])) for glob, codes in self.per_path_ignores.items()]
            self.__dict__["_path_matchers"] = matchers
        return [(glob, codes) for glob, codes, spec in matchers if spec.match(path)]
