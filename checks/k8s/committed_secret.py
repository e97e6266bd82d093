from __future__ import annotations

import base64
import binascii
import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity, redact
from ..models.k8s.objects import K8sObject
from ..models.k8s.secrets import looks_like_placeholder, most_secret_first
from ..models.yamlnodes import YMap

CHECK = Check(
    code="K8S060",
    name="committed-secret",
    title="Secret manifest commits literal values",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A Secret's `data` is only base64, not encryption: anyone who can read the repository "
        "(every clone, fork, CI runner and backup of it) can read the values, and they stay in "
        "the Git history after the file is changed. Rotating them is the only real fix once "
        "they are pushed."
    ),
    remediation=(
        "Rotate every value that was committed: treat it as leaked.",
        "Replace the Secret with a SealedSecret, an ExternalSecret (External Secrets Operator) "
        "or a SOPS-encrypted file.",
        "Remove the plain Secret from the repository and keep it out with a pre-commit secret scanner.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://github.com/getsops/sops",
    ),
    peers=("checkov CKV_SECRET_*",),
)

#: keys of a TLS/CA Secret that are public material, not secrets
PUBLIC_KEYS = ("ca.crt", "tls.crt", "ca.pem", "cert.pem", "ca-bundle.crt", "ca-cert.pem")


#: a value that is a whole configuration file (mounted as a file, not a credential)
CONFIG_EXT = (".yaml", ".yml", ".json", ".ini", ".conf", ".cfg", ".toml", ".properties", ".xml", ".tmpl")
#: inside such a file, what a credential looks like
_CREDENTIAL_RE = re.compile(
    r"""(?ix)
    ["']?[\w.-]*(password|passwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|
    credentials?|auth[_-]?key|webhook[_-]?url|bearer)[\w.-]*["']?\s*[:=]\s*["']?(?P<value>[^"'\s,}]+)
    """
)
_PEM_RE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_URL_CRED_RE = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def _config_has_credentials(text: str) -> bool:
    if _PEM_RE.search(text) or _URL_CRED_RE.search(text):
        return True
    return any(not looks_like_placeholder(m.group("value")) for m in _CREDENTIAL_RE.finditer(text))


def _decoded(value: str) -> str | None:
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", "replace")


def _secret_values(block: YMap, encoded: bool) -> Iterator[tuple[str, str]]:
    for key, value in block.items():
        if value is None or isinstance(value, (YMap, list)) or str(key) in PUBLIC_KEYS:
            continue
        text = str(value)
        plain = _decoded(text) if encoded else text
        if plain is None:
            plain = text
        if looks_like_placeholder(plain) or looks_like_placeholder(text):
            continue
        is_config = str(key).lower().endswith(CONFIG_EXT) or plain.strip().count("\n") >= 2
        if is_config and not _PEM_RE.search(plain) and not _config_has_credentials(plain):
            continue  # a configuration file kept in a Secret, with no credential in it
        yield str(key), plain


@CHECK.on(K8sObject)
def committed_secret(obj: K8sObject) -> Iterator[Finding]:
    if obj.kind != "Secret" or obj.api_version not in ("v1", "None"):
        return
    if "sops" in obj.doc:  # SOPS-encrypted: values are ciphertext
        return
    for field_name, encoded in (("data", True), ("stringData", False)):
        block = obj.doc.get(field_name)
        if not isinstance(block, YMap):
            continue
        values = list(_secret_values(block, encoded))
        if not values:
            continue
        key = values[0][0]  # the finding stays on the first key (its fingerprint too)
        shown, value = values[most_secret_first([k for k, _ in values])[0]]
        names = ", ".join(k for k, _ in values[:5]) + (", ..." if len(values) > 5 else "")
        yield CHECK.finding(
            block, key,
            resource=obj.resource,
            message=f"{obj.resource} commits {len(values)} literal value(s) in {field_name} ({names})",
            evidence=f"{shown}: {redact(value)}",
        )
