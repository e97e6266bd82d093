"""Well-known credential formats: one catalogue for every check and for redaction.

A value matching one of these is a credential whatever the name of the key that
holds it.  Used by the env-file and workflow secret checks and by
:func:`auditui.checks.api.scrub`, the last line of defence before anything is shown.
"""

from __future__ import annotations

import re

#: (label, pattern) for each known format
KNOWN_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("Slack webhook", re.compile(r"hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]{20,}")),
    ("Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("SendGrid key", re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}\b")),
    ("OpenAI key", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}\b")),
    ("Anthropic key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{32,}\b")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("Twilio key", re.compile(r"\bSK[0-9a-fA-F]{32}\b")),
)

#: all of them in one pattern (for a single pass over text that may hold any)
ANY_TOKEN = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in KNOWN_TOKENS))


def token_kind(text: str) -> str | None:
    """The label of the first known credential format found in ``text``, if any."""
    if not text or ANY_TOKEN.search(text) is None:
        return None
    for label, pattern in KNOWN_TOKENS:
        if pattern.search(text):
            return label
    return None
