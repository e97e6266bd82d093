"""Secret source files and SOPS: what a file a generator reads holds, and what SOPS left in plain text.

A Kustomize ``secretGenerator`` (or anything else that turns a committed file into a
Secret) is only as secret as the file.  :func:`read_source` reads such a file once and
answers, with the one secrets model (:mod:`.secrets`), the questions a check asks:

* **Is it a SOPS file?**  A YAML/JSON document with a top-level ``sops:`` mapping
  (``mac``, ``version``, ``lastmodified``...), or a dotenv/INI file with ``sops_version=``/
  ``sops_mac=`` lines.  Its values are ``ENC[AES256_GCM,...]`` ciphertext, except those
  its rule left out: SOPS encrypts only the keys matching ``encrypted_regex`` (or
  ``encrypted_suffix``) and leaves those matching ``unencrypted_regex`` /
  ``unencrypted_suffix`` (default ``_unencrypted``) in plain text.  The rule travels in
  the file's own metadata, so the file explains itself.
* **Was it meant to be one?**  A ``.sops.yaml`` creation rule whose ``path_regex`` matches
  it (:func:`creation_rules`, :func:`rule_for`), or a name that says so (``*.enc.yaml``,
  ``*.sops.yaml``, ``secret.encrypted.env``).
* **What does it hold in plain text?**  Each value that :func:`.secrets.classify` calls a
  secret, with its line: placeholders (``PLACEHOLDER``, empty, ``none``), references and
  values under names that are not secrets (an operator list) are not.

A file that is neither YAML/JSON nor dotenv is one value (``tls.key``, ``password.txt``),
judged as the data of a Secret (:func:`.secrets.classify_value`), or, when it is a whole
document, searched line by line (:func:`.secrets.find_credentials`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .envfile import parse_entries
from .secrets import SecretVerdict, classify, classify_value, find_credentials
from .yamlnodes import YamlError, YList, YMap, load_documents

__all__ = ["SopsRule", "PlainSecret", "SecretSource", "read_source", "creation_rules", "rule_for",
           "named_encrypted", "SOPS_CONFIG"]

#: the file SOPS reads its creation rules from (looked up from the file's folder upwards)
SOPS_CONFIG = ".sops.yaml"

_META_KEYS = frozenset(("mac", "version", "lastmodified", "age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault"))
_DOTENV_META = ("sops_version=", "sops_mac=", "sops_lastmodified=")
_ENCRYPTED_NAME_RE = re.compile(r"(?:^|[._\-])(?:enc|sops|encrypted)(?:[._\-]|$)", re.IGNORECASE)
_REGEX_CAP = 500


def named_encrypted(path: str) -> bool:
    """The file name says it is encrypted: ``values.enc.age.yaml``, ``db.sops.env``, ``secret.encrypted.yml``."""
    name = posixpath.basename(path)
    stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
    return bool(_ENCRYPTED_NAME_RE.search(stem[:200]))


@dataclass(frozen=True)
class SopsRule:
    """Which keys SOPS encrypts, from a file's ``sops:`` metadata or a ``.sops.yaml`` creation rule."""

    #: ``metadata`` (the file's own ``sops:`` block) or the path of the ``.sops.yaml``
    source: str
    path_regex: str = ""
    encrypted_regex: str = ""
    unencrypted_regex: str = ""
    encrypted_suffix: str = ""
    unencrypted_suffix: str = ""

    @classmethod
    def of(cls, source: str, mapping: dict) -> SopsRule:
        def text(*names: str) -> str:
            for name in names:
                value = mapping.get(name)
                if isinstance(value, str):
                    return value[:_REGEX_CAP]
            return ""
        return cls(source, text("path_regex"), text("encrypted_regex"), text("unencrypted_regex", "unencrypted-regex"),
                   text("encrypted_suffix"), text("unencrypted_suffix"))

    def encrypts(self, keys: tuple) -> bool | None:
        """Would SOPS encrypt the value at ``keys`` (the mapping keys on its path)?  None: the rule
        cannot say (a regex Python does not read)."""
        names = [str(k) for k in keys if isinstance(k, str)]
        try:
            if self.unencrypted_suffix and any(n.endswith(self.unencrypted_suffix) for n in names):
                return False
            if self.unencrypted_regex and any(re.search(self.unencrypted_regex, n) for n in names):
                return False
            if self.encrypted_regex:
                return any(re.search(self.encrypted_regex, n) for n in names)
        except re.error:
            return None
        if self.encrypted_suffix:
            return any(n.endswith(self.encrypted_suffix) for n in names)
        return not any(n.endswith("_unencrypted") for n in names)

    def describe(self) -> str:
        """What the rule encrypts, after "keys matching": ``encrypted_regex '^(data|stringData)$'``."""
        if self.encrypted_regex:
            return f"encrypted_regex {self.encrypted_regex!r}"
        if self.encrypted_suffix:
            return f"encrypted_suffix {self.encrypted_suffix!r}"
        if self.unencrypted_regex:
            return f"anything but unencrypted_regex {self.unencrypted_regex!r}"
        return "any key"


@dataclass(frozen=True)
class PlainSecret:
    """A secret a source file holds in plain text."""

    name: str
    line: int
    #: symbolic path inside the file (the mapping keys, or ``("env", NAME)``)
    ypath: tuple
    verdict: SecretVerdict


@dataclass(frozen=True)
class SecretSource:
    """What one source file holds (see the module docstring)."""

    #: the file carries SOPS metadata (it went through ``sops --encrypt``)
    sops: bool
    #: the rule from its metadata, else the ``.sops.yaml`` creation rule matching it, else None
    rule: SopsRule | None
    #: values that are ``ENC[...]`` ciphertext
    encrypted: int
    #: secrets in plain text
    secrets: tuple[PlainSecret, ...]
    #: the file could be read as key/value pairs (YAML, JSON or dotenv); else it was one value or a document
    structured: bool

    @property
    def meant_encrypted(self) -> bool:
        return self.sops or self.rule is not None


def _walk(node, keys: tuple, line: int) -> Iterator[tuple[tuple, int, object]]:
    if isinstance(node, YMap):
        for key, value in node.items():
            yield from _walk(value, keys + (key,), node.key_line(key))
    elif isinstance(node, YList):
        for index, item in enumerate(node):
            yield from _walk(item, keys + (index,), node.item_line(index))
    else:
        yield keys, line, node


def _name_of(keys: tuple) -> str:
    for key in reversed(keys):
        if isinstance(key, str):
            return key
    return ""


def _sops_meta(data) -> dict | None:
    meta = data.get("sops") if isinstance(data, dict) else None
    if isinstance(meta, dict) and _META_KEYS & set(meta):
        return meta
    return None


def _yaml_source(text: str, where: str, fallback: SopsRule | None) -> SecretSource | None:
    try:
        docs = load_documents(text)
    except (YamlError, ValueError, RecursionError):
        return None
    maps = [doc.data for doc in docs if isinstance(doc.data, YMap)]
    if not maps or len(maps) != len([d for d in docs if d.data is not None]):
        return None  # a scalar or a list at the top: not a file of settings
    rule: SopsRule | None = None
    sops = False
    encrypted = 0
    found: list[PlainSecret] = []
    for data in maps:
        meta = _sops_meta(data)
        if meta is not None:
            sops = True
            rule = rule or SopsRule.of("metadata", meta)
        for keys, line, value in _walk(data, (), data.line):
            if keys[:1] == ("sops",) and meta is not None:
                continue
            if isinstance(value, str) and value.startswith("ENC["):
                encrypted += 1
                continue
            name = _name_of(keys)
            verdict = classify(name or None, value, where=where)
            if verdict.is_secret:
                found.append(PlainSecret(name, line, tuple(keys), verdict))
    return SecretSource(sops, rule or fallback, encrypted, tuple(found), True)


def _dotenv_source(text: str, fallback: SopsRule | None) -> SecretSource | None:
    entries = parse_entries(text)
    if not entries:
        return None
    sops = any(text.startswith(m) or f"\n{m}" in text for m in _DOTENV_META)
    encrypted = 0
    found: list[PlainSecret] = []
    for entry in entries:
        if sops and entry.key.startswith("sops_"):
            continue
        if entry.value.startswith("ENC["):
            encrypted += 1
            continue
        verdict = classify(entry.key, entry.value, where="env", interpolate=entry.quoted != "'")
        if verdict.is_secret:
            found.append(PlainSecret(entry.key, entry.line, ("env", entry.key), verdict))
    rule = SopsRule("metadata") if sops else fallback
    return SecretSource(sops, rule, encrypted, tuple(found), True)


def read_source(text: str, path: str, *, env: bool = False, rule: SopsRule | None = None) -> SecretSource:
    """What ``text`` (the file at ``path``) holds.  ``env``: read as a dotenv file (a generator's
    ``envs:``); ``rule``: the ``.sops.yaml`` creation rule matching the file, if any."""
    lower = path.lower()
    source: SecretSource | None = None
    if env or lower.endswith((".env", ".ini", ".properties")) or posixpath.basename(lower).startswith(".env"):
        source = _dotenv_source(text, rule)
    elif lower.endswith((".yaml", ".yml", ".json")) or text.lstrip().startswith("{"):
        source = _yaml_source(text, "helm", rule)
    if source is not None:
        return source
    # one value: the whole file is the value of the generated key
    body = text.strip()
    if not body:
        return SecretSource(False, rule, 0, (), False)
    if body.startswith("ENC[") or "sops_mac=" in body or '"sops":' in body:
        return SecretSource(True, rule or SopsRule("metadata"), 1, (), False)
    verdict = classify_value(body, where="k8s-secret")
    if verdict.is_secret:
        return SecretSource(False, rule, 0, (PlainSecret(posixpath.basename(path), 1, (), verdict),), False)
    if verdict.kind == "document":
        found = tuple(PlainSecret(key, line, ("line", line), v) for line, key, v in find_credentials(body))
        return SecretSource(False, rule, 0, found, False)
    return SecretSource(False, rule, 0, (), False)


def creation_rules(text: str, source: str = SOPS_CONFIG) -> tuple[SopsRule, ...]:
    """The creation rules of a ``.sops.yaml``, in order (the first match wins)."""
    try:
        docs = load_documents(text)
    except (YamlError, ValueError, RecursionError):
        return ()
    rules: list[SopsRule] = []
    for doc in docs:
        if not isinstance(doc.data, YMap):
            continue
        for _, item in doc.data.list("creation_rules").maps():
            rules.append(SopsRule.of(source, item))
    return tuple(rules)


def rule_for(rules: tuple[SopsRule, ...], path: str) -> SopsRule | None:
    """The first rule whose ``path_regex`` matches ``path`` (relative to the ``.sops.yaml``'s folder);
    a rule without ``path_regex`` matches every file."""
    for rule in rules:
        if not rule.path_regex:
            return rule
        try:
            if re.search(rule.path_regex, path):
                return rule
        except re.error:
            continue
    return None
