"""What several Helm checks ask alike (a check never imports another check)."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from ..facts import RepoIndex
from ..models.secrets import SecretVerdict, classify, weak_default
from ..models.topics import HELM_VALUES
from ..models.yamlnodes import YList, YMap

# -- literal secrets in values ------------------------------------------------------------------
# The secrets model decides (as for compose, manifests and env files); Helm adds what values
# files alone do: keys that name a Secret to use (existingSecret, secretName, *SecretRef).

#: a Kubernetes object name (DNS-1123): what a key ending in "secret" holds when it names a Secret
_OBJECT_NAME_RE = re.compile(r"^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?$")
_SECRET_WORD_RE = re.compile(r"secrets?$", re.IGNORECASE)
#: keys that name a Secret (or a key in one) rather than hold a secret value: how they start
#: (existingSecret, useSecret, createSecret, generateKey) and end (secretName, keyRef, tokenSecretRefs)
_NAMING_STARTS = ("existing", "use", "create", "generate")
_NAMING_ENDS = ("name", "names", "ref", "refs")


def names_a_secret(key: str) -> bool:
    """``existingSecret``, ``secretName``, ``passwordKeyRef``: the key names a Secret (or a key
    in one) rather than holding a secret value (string tests, no pattern to backtrack)."""
    lower = key[:200].lower()
    lower = lower[:-1] if lower.endswith("\n") else lower
    return lower.startswith(_NAMING_STARTS) or lower.endswith(_NAMING_ENDS)


def literal_secret(key: str, value: Any, under: str | None = None,
                   beside: Any = None, comment: str | None = None) -> tuple[str, str, SecretVerdict] | None:
    """(what, redacted evidence, verdict) when ``key: value`` in values commits a secret;
    ``under``: the key of the map that holds ``key`` (``envFromSecret``); ``beside``: the keys of
    that map (an access key beside its secret half is an identifier); ``comment``: the comment beside
    it (one that says the value is not a secret disowns it)."""
    if value is None or isinstance(value, (bool, YMap, YList, dict, list)):
        return None
    name = str(key)
    verdict = classify(name, value, where="helm", under=under, beside=beside, comment=comment)
    if not verdict.is_secret:
        return None
    if verdict.kind != "token" and not verdict.in_url:
        text = str(value).strip()
        if names_a_secret(name):
            return None
        if (_SECRET_WORD_RE.search(name[:200]) and _OBJECT_NAME_RE.match(text) and ("-" in text or len(text) < 12)
                and not weak_default(text)):
            return None  # githubConfigSecret: my-runner-secret, TS_KUBE_SECRET: tailscale (names a Secret)
    return verdict.describe(), verdict.evidence(name), verdict


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
    for path, fact in index.facts(HELM_VALUES):
        out.setdefault(str(fact.data.dir or ""), []).append((path, fact))
    return out


def unset_everywhere(path: str, fact, index: RepoIndex, empty_key: str, set_key: str) -> list[tuple[str, int]]:
    """(values path, line) of empty settings that no values file beside this one fills."""
    empties = getattr(fact.data, empty_key) or ()
    if not empties:
        return []
    siblings = index.derived("helm:values-by-folder", ("helm:values",), values_by_folder).get(
        str(fact.data.dir or ""), [])
    filled = {str(where) for other, sibling in siblings if other != path for where in getattr(sibling.data, set_key) or ()}
    return sorted(((str(where), line) for where, line in empties if str(where) not in filled), key=lambda item: item[1])


def unset_in_chart_values(path: str, fact, index: RepoIndex, empty_key: str, set_key: str) -> tuple[int, str] | None:
    """(line of the first, the places listed) of the settings a chart's own ``values.yaml`` leaves
    empty and no values file beside it fills; None for any other values file (an environment's
    values file that leaves a setting empty is read as an override) or when every one is filled."""
    if posixpath.basename(path).lower() not in ("values.yaml", "values.yml"):
        return None
    unset = unset_everywhere(path, fact, index, empty_key, set_key)
    if not unset:
        return None
    shown = ", ".join(where for where, _ in unset[:4]) + (f" and {len(unset) - 4} more" if len(unset) > 4 else "")
    return unset[0][1], shown
