"""What every parser returns: typed units to check, facts to index, problems seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from .topics import FactData

D = TypeVar("D", bound=FactData)

#: how a setting written as text says "on" (env files, compose environment, Redis/Bitnami
#: settings): compared lower-cased, quotes stripped by the caller
TRUE_WORDS = ("yes", "true", "1", "on")


class FileKind(str):
    """What a file is: ``FileKind.KUBERNETES``, ``FileKind.COMPOSE``...

    A plain string (``FileKind.SHELL == "shell"``) with one instance per value, so
    ``kind is FileKind.SHELL`` holds.  The set is open: a new domain defines its own kind
    with :meth:`define` (``TERRAFORM = FileKind.define("terraform")``) next to its parser.
    """

    __slots__ = ()
    _known: ClassVar[dict[str, FileKind]] = {}
    _not_infra: ClassVar[set[str]] = set()

    KUBERNETES: ClassVar[FileKind]
    KUSTOMIZATION: ClassVar[FileKind]
    COMPOSE: ClassVar[FileKind]
    DOCKERFILE: ClassVar[FileKind]
    WORKFLOW: ClassVar[FileKind]
    SHELL: ClassVar[FileKind]
    ENV: ClassVar[FileKind]
    SOURCE: ClassVar[FileKind]
    HELM_TEMPLATE: ClassVar[FileKind]
    HELM_CHART: ClassVar[FileKind]
    HELM_VALUES: ClassVar[FileKind]
    YAML: ClassVar[FileKind]

    def __new__(cls, value: str) -> FileKind:
        """The kind named ``value`` (a ValueError for a kind nobody defined)."""
        try:
            return cls._known[value]
        except KeyError:
            raise ValueError(f"unknown file kind {value!r}") from None

    @classmethod
    def define(cls, value: str, *, infra: bool = True) -> FileKind:
        """The kind named ``value``, created on first use.

        ``infra``: files of this kind are infrastructure (they make a repository worth
        a readiness score); application source and other YAML are not.
        """
        kind = cls._known.get(value)
        if kind is None:
            kind = str.__new__(cls, value)
            cls._known[value] = kind
            if not infra:
                cls._not_infra.add(value)
        return kind

    @classmethod
    def all(cls) -> tuple[FileKind, ...]:
        """Every kind defined so far, in the order they were defined."""
        return tuple(cls._known.values())

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def infra(self) -> bool:
        return self.value not in self._not_infra

    def __repr__(self) -> str:
        return f"FileKind({self.value!r})"

    def __reduce__(self):  # copies and pickles stay the one instance
        return (FileKind, (self.value,))


FileKind.KUBERNETES = FileKind.define("kubernetes")
FileKind.KUSTOMIZATION = FileKind.define("kustomization")
FileKind.COMPOSE = FileKind.define("compose")
FileKind.DOCKERFILE = FileKind.define("dockerfile")
FileKind.WORKFLOW = FileKind.define("workflow")
FileKind.SHELL = FileKind.define("shell")
FileKind.ENV = FileKind.define("env")
FileKind.SOURCE = FileKind.define("source", infra=False)
FileKind.HELM_TEMPLATE = FileKind.define("helm-template")
FileKind.HELM_CHART = FileKind.define("helm-chart")
FileKind.HELM_VALUES = FileKind.define("helm-values")
FileKind.YAML = FileKind.define("yaml", infra=False)  # YAML we read but that is none of the above


@dataclass(frozen=True)
class Fact(Generic[D]):
    """One thing a file tells the repository (an object, an env key, a script trait).

    ``topic`` groups facts across files (``"k8s:Deployment"``, ``"env:key"``; the names
    and schemas are in :mod:`.topics`); ``key`` names the thing within the topic;
    ``data`` is the topic's frozen dataclass (``fact.data.replicas``), so facts compare
    equal when nothing changed.
    """

    topic: str
    key: str
    line: int | None = None
    ypath: tuple = ()
    data: D = None  # type: ignore[assignment]

    def get(self, name: str, default: Any = None) -> Any:
        """Gone: facts are typed.  Kept only to say so to code written before."""
        raise AttributeError(f"Fact.get({name!r}) is gone: facts are typed, read fact.data.{name} "
                             f"(topics and fields: checks/models/topics.py)")

    @staticmethod
    def pack(**values: Any) -> tuple:
        """Gone: build the topic's dataclass (``WorkloadImageData(image=...)``, see models/topics.py)."""
        raise TypeError("Fact.pack is gone: facts hold their topic's dataclass (checks/models/topics.py)")


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
    #: other repository paths whose content this parse used (a compose file's ``.env``, its
    #: ``env_file:`` files, the file an override extends), read or only looked for: the engine
    #: parses this file again when one of them is created, changed or deleted
    reads: set[str] = field(default_factory=set)
    #: repository folders whose listing this parse used (the workflows that might build a
    #: Dockerfile): the engine parses this file again when a file in one is created or deleted
    listed: set[str] = field(default_factory=set)


class RepoReader:
    """What a parser's resolve step reads of the repository beside its file: the text of another
    file (``reader(path)``: None when absent or unreadable) and the names of the files in a folder
    (``reader.listing(folder)``: None when the folder is absent or cannot be listed).  A plain
    ``path -> text`` callable can stand in for it (tests, tools): then no folder is listed."""

    def __init__(self, text: Callable[[str], str | None],
                 names: Callable[[str], list[str] | None] | None = None) -> None:
        self._text = text
        self._names = names

    def __call__(self, path: str) -> str | None:
        return self._text(path)

    def listing(self, folder: str) -> list[str] | None:
        return None if self._names is None else self._names(folder)


def list_folder(read: Any, folder: str, parsed: ParsedFile) -> list[str] | None:
    """The names of the files in ``folder`` (repository-relative, "" for the root) through a
    :class:`RepoReader`, recorded in ``parsed.listed`` so that a file created or deleted there
    re-parses ``parsed``; None when ``read`` cannot list or the folder is absent."""
    if not isinstance(read, RepoReader):
        return None
    parsed.listed.add(folder)
    return read.listing(folder)


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
