"""The literal values a Secret manifest commits: one answer for K8S060 and its copies.

A ``v1`` Secret's ``data`` (base64) and ``stringData`` blocks hold values anyone who can read
the repository can read. :func:`committed_literals` says, per block, which values are secrets
(``models/secrets.py`` decides; a configuration file kept in a Secret counts only for the
credentials in it; public certificate keys never count) and gives a digest of them, so the
same values committed in several files (a demo key copied into three variants of a sample)
are recognised as one problem. The digest is a hash: the values themselves never leave here,
and evidence is redacted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from ...api import redact
from ..base import Fact
from ..secrets import SecretVerdict, classify, find_credentials, most_secret_first
from ..topics import SECRET_LITERALS, SecretLiteralsData
from ..yamlnodes import YMap

__all__ = ["CONFIG_EXT", "PUBLIC_KEYS", "CommittedLiterals", "committed_literals", "literal_facts"]

#: keys of a TLS/CA Secret that are public material, not secrets
PUBLIC_KEYS = ("ca.crt", "tls.crt", "ca.pem", "cert.pem", "ca-bundle.crt", "ca-cert.pem")
#: a value that is a whole configuration file (mounted as a file, not a credential)
CONFIG_EXT = (".yaml", ".yml", ".json", ".ini", ".conf", ".cfg", ".toml", ".properties", ".xml", ".tmpl")


@dataclass(frozen=True)
class CommittedLiterals:
    """One ``data``/``stringData`` block of a Secret that commits secret values."""

    field: str
    #: the block's first literal key: where the finding points (its fingerprint too), even when
    #: that key only says what the credential is for (``username``)
    key: str
    line: int | None
    end_line: int | None
    ypath: tuple
    #: the keys whose values are secrets, in order
    names: tuple[str, ...]
    #: redacted evidence of the most secret value (``password: s3...!``)
    evidence: str
    verdict: SecretVerdict
    #: a hash of the secret keys and values (never the values): equal in every copy
    digest: str


def _decoded(value: str) -> str | None:
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", "replace")


def _secret_values(block: YMap, encoded: bool) -> Iterator[tuple[str, str, SecretVerdict]]:
    for key, value in block.items():
        if value is None or isinstance(value, (YMap, list)) or str(key) in PUBLIC_KEYS:
            continue
        text = str(value)
        plain = _decoded(text) if encoded else text
        if plain is None:
            plain = text
        is_config = str(key).lower().endswith(CONFIG_EXT) or plain.strip().count("\n") >= 2
        if is_config and "PRIVATE KEY" not in plain:
            found = [verdict for _, _, verdict in find_credentials(plain, where="k8s")]
            if found:  # a configuration file kept in a Secret: only the credentials in it count
                yield str(key), plain, max(found, key=lambda v: v.severity())
            continue
        verdict = classify(str(key), plain, where="k8s-secret", beside=list(block.keys()))
        if verdict.is_secret:
            yield str(key), plain, verdict


def committed_literals(obj) -> list[CommittedLiterals]:
    """The blocks of a Secret (a :class:`~.objects.K8sObject`) that commit secret values; none for
    other kinds, other API versions or a SOPS-encrypted file (its values are ciphertext)."""
    if obj.kind != "Secret" or obj.api_version not in ("v1", "None") or "sops" in obj.doc:
        return []
    out = []
    for field_name, encoded in (("data", True), ("stringData", False)):
        block = obj.doc.get(field_name)
        if not isinstance(block, YMap):
            continue
        values = list(_secret_values(block, encoded))
        if not values:
            continue
        key = next((str(k) for k, v in block.items() if v is not None and not isinstance(v, (YMap, list))
                    and str(k) not in PUBLIC_KEYS), values[0][0])
        shown, value, _ = values[most_secret_first([k for k, _, _ in values])[0]]
        worst = max((verdict for _, _, verdict in values), key=lambda v: v.severity())
        digest = hashlib.sha256("\0".join(f"{k}\0{v}" for k, v, _ in sorted(values, key=lambda item: item[0]))
                                .encode("utf-8", "replace")).hexdigest()[:32]
        line, end_line = block.value_span(key) if key in block else (block.line, block.line)
        line = block.key_line(key) if key in block else block.line
        out.append(CommittedLiterals(field_name, key, line, max(line or 0, end_line or 0) or None,
                                     tuple(block.ypath) + (key,),
                                     tuple(k for k, _, _ in values), f"{shown}: {redact(value)}", worst, digest))
    return out


def literal_facts(obj) -> list[Fact]:
    """``secret:literals`` facts of one object (key: ``resource#field``)."""
    facts = []
    for found in committed_literals(obj):
        facts.append(Fact(SECRET_LITERALS, f"{obj.resource}#{found.field}", found.line, found.ypath, SecretLiteralsData(
            resource=obj.resource, field=found.field, names=found.names, evidence=found.evidence,
            severity=found.verdict.severity().label, weak=found.verdict.kind == "weak", digest=found.digest,
            patch=bool(obj.is_patch), end_line=found.end_line)))
    return facts
