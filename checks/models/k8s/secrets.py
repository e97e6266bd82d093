"""Values in manifests that are not secrets (placeholders), and which keys say most."""

from __future__ import annotations

import re


_PLACEHOLDER_RE = re.compile(
    r"^(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Z_][A-Z0-9_]*|<[^<>]*>|\{\{.*\}\}|%[A-Z_]+%|"
    r"(change[-_ ]?me|replace[-_ ]?me|todo|fixme|xxx+|\*+|redacted|placeholder|dummy|example|set[-_ ]?me))$",
    re.IGNORECASE,
)


_CREDENTIAL_KEY_RE = re.compile(r"pass|secret|token|key|credential|auth|private|dsn|url|uri", re.IGNORECASE)


def most_secret_first(keys: list[str]) -> list[int]:
    """Indexes of ``keys`` with credential-like names (password, token, url...) first.

    Evidence shows one redacted value: a password says more than the user name beside it.
    """
    return sorted(range(len(keys)), key=lambda i: (not _CREDENTIAL_KEY_RE.search(keys[i]), i))


def looks_like_placeholder(value: str) -> bool:
    """An empty value, a variable to substitute or an obvious placeholder: not a secret."""
    text = value.strip()
    return not text or bool(_PLACEHOLDER_RE.match(text)) or text.startswith("ENC[")

