"""``.env`` files as key/value pairs (to be completed by the env checks)."""

from __future__ import annotations

from .base import FileKind, ParsedFile


def parse(path: str, text: str) -> ParsedFile:
    return ParsedFile(path, FileKind.ENV)
