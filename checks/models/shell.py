"""Shell scripts as logical command lines (to be completed by the shell checks)."""

from __future__ import annotations

from .base import FileKind, ParsedFile


def parse(path: str, text: str) -> ParsedFile:
    return ParsedFile(path, FileKind.SHELL)
