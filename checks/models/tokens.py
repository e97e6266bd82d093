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


# -- names that hold secrets (compose, Kubernetes env and ConfigMaps) --

#: the last word of a variable name that makes its value a secret
_SECRET_WORDS = {
    "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL",
    "CREDENTIALS", "PASSPHRASE",
}
#: words that, before a final KEY, make it a secret key (API_KEY, PRIVATE_KEY, SECRET_ACCESS_KEY)
_KEY_QUALIFIERS = {
    "API", "PRIVATE", "ACCESS", "SECRET", "ENCRYPTION", "SIGNING", "MASTER", "CLIENT", "HMAC",
    "AUTH", "SESSION", "LICENSE", "ENC", "CRYPT", "JWT", "WEBHOOK", "APP", "ACCOUNT", "SERVICE",
}
#: full names that are secrets whatever their last word
_SECRET_NAMES = {"SECRET_KEY_BASE", "APP_KEY", "RABBITMQ_ERLANG_COOKIE"}
#: names where the secret word means something else
_NOT_SECRETS = {"PWD", "OLDPWD"}
_TOKEN_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
#: a URL with credentials in its userinfo (``postgres://app:pw@db/app``)
URL_CREDENTIALS = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@")


def is_secret_name(name: str) -> bool:
    """A variable or key name whose value is a secret (DB_PASSWORD, API_KEY, PGPASSWORD...)."""
    upper = name.strip().upper()
    if not upper or upper in _NOT_SECRETS:
        return False
    if upper in _SECRET_NAMES:
        return True
    words = [w.upper() for w in _TOKEN_SPLIT.split(name.strip()) if w]
    if not words:
        return False
    last = words[-1]
    if last in _SECRET_WORDS:
        return True
    if last.endswith(("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY")):  # PGPASSWORD, DBSECRET
        return True
    return last == "KEY" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS
