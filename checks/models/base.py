"""What every parser returns: typed units to check, facts to index, problems seen."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class FileKind(str, enum.Enum):
    KUBERNETES = "kubernetes"
    KUSTOMIZATION = "kustomization"
    COMPOSE = "compose"
    DOCKERFILE = "dockerfile"
    WORKFLOW = "workflow"
    SHELL = "shell"
    ENV = "env"
    SOURCE = "source"
    HELM_TEMPLATE = "helm-template"
    HELM_CHART = "helm-chart"
    HELM_VALUES = "helm-values"
    YAML = "yaml"  # YAML we read but that is none of the above

    @property
    def infra(self) -> bool:
        return self not in (FileKind.SOURCE, FileKind.YAML)


@dataclass(frozen=True)
class Fact:
    """One thing a file tells the repository (an object, an env key, a script trait).

    ``topic`` groups facts across files (``"k8s:Deployment"``, ``"env:key"``);
    ``key`` names the thing within the topic; ``data`` holds a few details as
    sorted ``(name, value)`` pairs so facts compare equal when nothing changed.
    """

    topic: str
    key: str
    line: int | None = None
    ypath: tuple = ()
    data: tuple = ()
    _lookup: dict = field(default=None, compare=False, repr=False, hash=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        try:
            lookup = dict(self.data)
        except (TypeError, ValueError):
            lookup = {}
        object.__setattr__(self, "_lookup", lookup)

    def get(self, name: str, default: Any = None) -> Any:
        """One detail by name, in constant time (repository checks call this a lot)."""
        return self._lookup.get(name, default)

    @staticmethod
    def pack(**values: Any) -> tuple:
        return tuple(sorted((k, _freeze(v)) for k, v in values.items() if v is not None))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    return value


@dataclass(frozen=True)
class Problem:
    """A file that could not be read as what it claims to be (becomes a finding)."""

    message: str
    line: int | None = None


@dataclass
class ParsedFile:
    path: str
    kind: FileKind
    units: list[Any] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    #: 1-based line -> set of codes/names suppressed on that line (filled by the engine)
    line_count: int = 0


class AtDoc:
    """Positions of a model that wraps a whole YAML document (``self.doc``)."""

    doc: Any

    @property
    def line(self) -> int:
        return self.doc.line

    @property
    def end_line(self) -> int:
        return self.doc.end_line

    @property
    def ypath(self) -> tuple:
        return self.doc.ypath


class AtNode:
    """Positions of a model that wraps one YAML mapping (``self.node``)."""

    node: Any

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def end_line(self) -> int:
        return self.node.end_line

    @property
    def ypath(self) -> tuple:
        return self.node.ypath
