"""Application source: only the environment variables it reads (for env drift)."""

from __future__ import annotations

from .base import FileKind, ParsedFile


def parse(path: str, text: str) -> ParsedFile:
    return ParsedFile(path, FileKind.SOURCE)
