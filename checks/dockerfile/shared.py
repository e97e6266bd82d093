"""What several Dockerfile checks ask alike (a check never imports another check)."""

from __future__ import annotations

import re

_URL_RE = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)


_GIT_RE = re.compile(r"^(?:git@|ssh://|git://)|\.git(?:#|$)", re.IGNORECASE)


def remote_kind(source: str) -> str | None:
    if _GIT_RE.search(source):
        return "git"
    if _URL_RE.match(source):
        return "url"
    return None
