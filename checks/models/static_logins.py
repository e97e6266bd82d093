"""Static logins an identity provider's committed configuration defines (Dex's ``staticPasswords``).

Dex logs users in from its own password database when ``enablePasswordDB: true``; each entry of
``staticPasswords`` is a user (``email``, ``username``) and the bcrypt hash of its password, written
inline (``hash: "$2y$10$..."``) or read from an environment variable (``hashFromEnv: DEX_USER_PASSWORD``)
that a Secret fills. A hash committed with the install is a login every cluster that keeps the default
shares: its password is whatever the repository's authors chose and often documented (kubeflow's
``user@example.com`` / ``12341234``). Read here, for the facts of ConfigMaps (the Dex config embedded in
a data value) and Secrets (the keys whose value is a bcrypt hash).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from .yamlnodes import YamlError, YMap, load_documents

__all__ = ["BCRYPT_RE", "dex_static_logins", "hashed_keys", "is_bcrypt"]

#: a bcrypt hash as Dex, htpasswd and Argo CD store it
BCRYPT_RE = re.compile(r"^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$")
_TRUE = ("true", "yes", "on", "1")


def is_bcrypt(value: object) -> bool:
    return isinstance(value, str) and bool(BCRYPT_RE.match(value.strip()))


def dex_static_logins(data: YMap) -> tuple:
    """((config key, its line, email, inline hash?, env variable or "", entry index), ...) for each static
    password user of a Dex configuration held in a ConfigMap's ``data`` value, when the configuration
    enables the password database; () otherwise."""
    out: list[tuple] = []
    for key, value in data.items():
        if not isinstance(value, str) or "staticPasswords" not in value[:200_000]:
            continue
        try:
            docs = load_documents(value[:200_000])
        except (YamlError, RecursionError):
            continue
        for doc in docs:
            config = doc.data
            if not isinstance(config, YMap) or str(config.get("enablePasswordDB")).lower() not in _TRUE:
                continue
            for index, entry in config.list("staticPasswords").maps():
                email = str(entry.get("email") or entry.get("username") or "")
                inline = is_bcrypt(entry.get("hash"))
                env = str(entry.get("hashFromEnv") or "")
                if email and (inline or env):
                    out.append((str(key), data.key_line(key), email, inline, env, index))
    return tuple(out)


def hashed_keys(doc: YMap) -> tuple:
    """((key, line), ...) of a Secret's ``stringData``/``data`` keys whose value is a bcrypt hash
    (``data`` decoded from base64)."""
    out: list[tuple] = []
    for field in ("stringData", "data"):
        values = doc.map(field)
        for key, value in values.items():
            text: Any = value
            if field == "data" and isinstance(value, str):
                try:
                    text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    continue
            if is_bcrypt(text):
                out.append((str(key), values.key_line(key)))
    return tuple(out)
