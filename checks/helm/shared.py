"""What several Helm checks ask alike (a check never imports another check)."""

from __future__ import annotations

import re
from typing import Any

from ..api import redact
from ..facts import RepoIndex
from ..models.k8s.secrets import looks_like_placeholder
from ..models.tokens import URL_CREDENTIALS, is_secret_name, token_kind
from ..models.yamlnodes import YList, YMap

# -- literal secrets in values ------------------------------------------------------------------
# Glue over the shared token and name helpers until the secrets model (checks/models/secrets.py,
# secrets lane) lands; then this asks it instead.

_FLAG_VALUES = {"true", "false", "yes", "no", "on", "off", "none", "null", "disabled", "enabled", "auto", "random"}
_STAND_IN_RE = re.compile(
    r"^your[-_ .]?[a-z]|^(?:insert|replace|enter|put|fill|add|set|generate)[-_ .]|[-_ .](?:here|goes[-_ .]here)$",
    re.IGNORECASE)
_MARKER_RE = re.compile(r"\{\{.*\}\}|\$\{[^}]*\}|\$\(|\$__\w+\{|#\{[^}]+\}|^__[A-Za-z0-9_.-]+__$|^@@[A-Za-z0-9_.-]+@@$|^ENC\[")
#: a Kubernetes object name (DNS-1123): what a key ending in "secret" holds when it names a Secret
_OBJECT_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_SECRET_WORD_RE = re.compile(r"secrets?$", re.IGNORECASE)
_REFERENCE_PREFIXES = ("/", "./", "file:", "vault:", "ref+", "arn:", "projects/", "sm://", "berglas://", "op://",
                      "secretref+", "akvs://", "awssm://")
#: keys that name a Secret (or a key in one) rather than hold a secret value
_NAMES_A_SECRET = re.compile(
    r"^existing|(?:secret|key)?(?:name|ref|key(?:name|ref)?)s?$|secretkey(?:ref|name)$|^(?:use|create|generate)",
    re.IGNORECASE)


def literal_secret(key: str, value: Any) -> tuple[str, str] | None:
    """(what, redacted evidence) when ``key: value`` in values commits a secret."""
    if value is None or isinstance(value, (bool, YMap, YList, dict, list)):
        return None
    text = str(value).strip()
    name = str(key)
    if isinstance(value, str):
        match = URL_CREDENTIALS.match(text)
        if match and not looks_like_placeholder(match.group("password")) and not _MARKER_RE.search(match.group("password")):
            return "a URL with a literal password", f"{name}: password {redact(match.group('password'))}"
        kind = token_kind(text)
        if kind is not None:
            return f"a {kind}", f"{name}: {kind} (redacted)"
    if not is_secret_name(name) or _NAMES_A_SECRET.search(name):
        return None
    if _SECRET_WORD_RE.search(name) and _OBJECT_NAME_RE.match(text) and ("-" in text or len(text) < 12):
        return None  # githubConfigSecret: my-runner-secret, TS_KUBE_SECRET: tailscale (names a Secret)
    if (not text or looks_like_placeholder(text) or text.lower() in _FLAG_VALUES or _MARKER_RE.search(text)
            or text.startswith(_REFERENCE_PREFIXES) or "\n" in text or len(text) < 4
            or re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", text) or _STAND_IN_RE.search(text)):
        return None
    return "a literal secret", f"{name}: {redact(text)}"


# -- ingress TLS in values ---------------------------------------------------------------------

_TLS_HINT_RE = re.compile(r"tls|ssl|https|certificate|websecure|cert-arn|listen-ports", re.IGNORECASE)


def tls_configured(ingress: YMap) -> bool:
    """A values ``ingress`` section with TLS: a non-empty ``tls``, ``tls: true``, or annotations
    that terminate TLS elsewhere (a cloud certificate, Traefik ``websecure``/``router.tls``)."""
    tls = ingress.get("tls")
    if tls is True or (isinstance(tls, (YList, YMap)) and tls) or (isinstance(tls, str) and tls.strip()):
        return True
    for key in ("annotations", "ingressAnnotations"):
        annotations = ingress.get(key)
        if isinstance(annotations, YMap) and any(
                _TLS_HINT_RE.search(f"{k} {v}") for k, v in annotations.items() if "cluster-issuer" not in str(k)
                and "cert-manager.io/issuer" not in str(k)):
            return True
    return False


# -- settings the chart's values leave empty --------------------------------------------------

def values_by_folder(index: RepoIndex) -> dict[str, list[tuple[str, object]]]:
    out: dict[str, list[tuple[str, object]]] = {}
    for path, fact in index.facts("helm:values"):
        out.setdefault(str(fact.get("dir") or ""), []).append((path, fact))
    return out


def unset_everywhere(path: str, fact, index: RepoIndex, empty_key: str, set_key: str) -> list[tuple[str, int]]:
    """(values path, line) of empty settings that no values file beside this one fills."""
    empties = fact.get(empty_key) or ()
    if not empties:
        return []
    siblings = index.derived("helm:values-by-folder", ("helm:values",), values_by_folder).get(
        str(fact.get("dir") or ""), [])
    filled = {str(where) for other, sibling in siblings if other != path for where in sibling.get(set_key) or ()}
    return sorted(((str(where), line) for where, line in empties if str(where) not in filled), key=lambda item: item[1])
