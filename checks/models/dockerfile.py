"""Dockerfiles as stages of instructions (to be completed by the Dockerfile checks)."""

from __future__ import annotations

from .base import FileKind, ParsedFile


def parse(path: str, text: str) -> ParsedFile:
    return ParsedFile(path, FileKind.DOCKERFILE)
