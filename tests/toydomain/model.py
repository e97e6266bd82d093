"""The toy domain's model: ``key = value`` settings of ``*.toy``/``*.toyvars`` files (HCL-like)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from auditui.checks.api import Pos
from auditui.checks.models.base import Fact, FileKind, ParsedFile
from auditui.checks.models.topics import FactData, Topic, fact_data

#: a domain defines its own kind of file
TOY = FileKind.define("toy-hcl")



@fact_data
class ToyFileData(FactData):
    """A toy file: how many settings it holds."""

    emitted_by: ClassVar[str] = "`tests/toydomain/model.py`"
    settings: int | None = None


#: a domain's topics are Topic constants tied to their dataclass
TOY_FILE: Topic[ToyFileData] = Topic("toy:file", ToyFileData, "path")

_SETTING_RE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(\S+)")


def is_toy_name(rel: str) -> bool:
    return rel.lower().endswith((".toy", ".toyvars"))


@dataclass(frozen=True)
class Setting:
    key: str
    value: str
    line: int

    @property
    def pos(self) -> Pos:
        return Pos(self.line, self.line, ("setting", self.key))


@dataclass
class ToyFile:
    path: str
    settings: list[Setting] = field(default_factory=list)


def parse(path: str, text: str) -> ParsedFile:
    model = ToyFile(path)
    for number, line in enumerate(text.splitlines(), 1):
        match = _SETTING_RE.match(line)
        if match:
            model.settings.append(Setting(match.group(1), match.group(2).strip('"'), number))
    parsed = ParsedFile(path, TOY, units=[model])
    parsed.facts.append(Fact(TOY_FILE, path, data=ToyFileData(settings=len(model.settings))))
    return parsed
