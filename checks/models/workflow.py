"""GitHub Actions workflows as jobs and steps (to be completed by the workflow checks)."""

from __future__ import annotations

from .base import FileKind, ParsedFile
from .yamlnodes import YamlDoc


def parse(path: str, docs: list[YamlDoc]) -> ParsedFile:
    return ParsedFile(path, FileKind.WORKFLOW)
