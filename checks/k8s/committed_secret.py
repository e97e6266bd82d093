from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity, redact
from ..models.k8s.objects import K8sObject
from ..models.secrets import SecretVerdict, classify, find_credentials, most_secret_first
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
        verdict = classify(str(key), plain, where="k8s-secret")
        if verdict.is_secret:
            yield str(key), plain, verdict


@CHECK.on(K8sObject, patches=True)
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
        # the finding stays on the block's first literal key (its fingerprint too), even when
        # that key only says what the credential is for (username)
        key = next((str(k) for k, v in block.items() if v is not None and not isinstance(v, (YMap, list))
                    and str(k) not in PUBLIC_KEYS), values[0][0])
        shown, value, _ = values[most_secret_first([k for k, _, _ in values])[0]]
        worst = max((verdict for _, _, verdict in values), key=lambda v: v.severity())
        names = ", ".join(k for k, _, _ in values[:5]) + (", ..." if len(values) > 5 else "")
        weak = "" if worst.kind != "weak" else " (weak or well-known values: guessable rather than leaked)"
        yield CHECK.finding(
            block, key,
            resource=obj.resource, severity=worst.severity(),
            message=f"{obj.resource} commits {len(values)} literal value(s) in {field_name} ({names}){weak}",
            evidence=f"{shown}: {redact(value)}",
        )
