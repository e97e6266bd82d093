from __future__ import annotations

import re
from typing import Any, Iterator

from ..api import Category, Check, Finding, Pos, Severity, redact
from ..models.k8s.objects import WORKLOAD_KINDS, K8sObject, Kustomization, pod_template
from ..models.k8s.secrets import looks_like_placeholder
from ..models.tokens import URL_CREDENTIALS, is_secret_name, token_kind
from ..models.yamlnodes import YMap

CHECK = Check(
    code="K8S024",
    name="secret-in-manifest",
    title="Secret written in a container env value or a ConfigMap",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written as a container's `env` value or in a ConfigMap is in "
        "every clone, fork and backup of the repository, and readable by anyone who may read "
        "the Deployment or ConfigMap in the cluster (far more people and controllers than may "
        "read Secrets); it also shows in `kubectl describe`. Rotating it means rewriting "
        "history. A connection URL with the password inline is the same literal."
    ),
    remediation=(
        "Rotate the value now: treat the committed one as leaked.",
        "Move it to a Secret that is not committed in plain text (SealedSecret, ExternalSecret, "
        "SOPS) and reference it with `valueFrom.secretKeyRef` (or `envFrom.secretRef`).",
        "For connection URLs, pass the password separately and build the URL in the app, or "
        "store the whole URL in the Secret.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
    peers=("kube-linter env-var-secret",),
)

_FLAG_VALUES = {"true", "false", "yes", "no", "on", "off", "none", "null", "disabled", "enabled"}
#: values that stand for a secret rather than being one: SCREAMING_SNAKE names
#: (``HF_TOKEN``, ``INSERT_CLUSTER_TOKEN``) and "your-password"-style instructions
#: (case-sensitive: lower-case snake words such as ``shop_password`` are a literal)
_STAND_IN_NAME_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_STAND_IN_RE = re.compile(
    r"^your[-_ .]?[a-z]|^(?:insert|replace|enter|put|fill|add)[-_ .]|[-_ .](?:here|goes[-_ .]here)$",
    re.IGNORECASE,
)


#: paths and references a secret store resolves at start-up: Vault, vals (ref+), AWS ARNs,
#: GCP resource names, Berglas (sm://, berglas://, swapped in by its mutating webhook or
#: ``berglas exec``) and 1Password secret references (op://, read by ``op run``)
_REFERENCE_PREFIXES = (
    "/", "./", "file:", "vault:", "ref+", "arn:", "projects/", "sm://", "berglas://", "op://",
)


#: markers that deploy tools replace before applying: Azure DevOps/Octopus ``#{Name}#``,
#: ``__NAME__`` (replacetokens), ``@@NAME@@``, and any Go/Jinja template expression
_TOKEN_MARKER_RE = re.compile(r"#\{[^}]+\}#?|^__[A-Za-z0-9_.-]+__$|^@@[A-Za-z0-9_.-]+@@$|\{\{.*\}\}|\{%.*%\}")


def _literal(value: Any) -> str | None:
    """The literal a secret-named key is given, or None for references and placeholders."""
    if isinstance(value, bool) or value is None or isinstance(value, (YMap, list)):
        return None
    text = str(value).strip()
    if looks_like_placeholder(text) or text.lower() in _FLAG_VALUES or "$(" in text or "${" in text:
        return None  # $(OTHER_VAR) is Kubernetes' own reference to another variable
    if _TOKEN_MARKER_RE.search(text):
        return None  # replaced by the deploy pipeline before it reaches the cluster
    if text.startswith(_REFERENCE_PREFIXES) or "\n" in text:
        return None  # a path, a secret manager's reference, or a whole config file
    if len(text) < 3 or _STAND_IN_NAME_RE.match(text) or (
            _STAND_IN_RE.search(text) and (text.isupper() or not text[:1].isupper())):
        return None
    return text


def _url_password(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    match = URL_CREDENTIALS.match(value.strip())
    if match is None:
        return None
    password = match.group("password")
    return None if looks_like_placeholder(password) or "$(" in password or "${" in password else password


def _judge(name: str, value: Any) -> tuple[str, str] | None:
    """(what, evidence) when a key and its value commit a secret."""
    if is_secret_name(name):
        literal = _literal(value)
        if literal is not None:
            return "a literal secret", f"{name}={redact(literal)}"
    password = _url_password(value)
    if password is not None:
        return "a URL with a literal password", f"{name}: password {redact(password)}"
    if isinstance(value, str):
        kind = token_kind(value)
        if kind is not None:
            return f"a {kind}", f"{name}: {kind} (redacted)"
    return None


def _containers(obj: K8sObject) -> Iterator[YMap]:
    template = pod_template(obj.doc, obj.kind)
    if template is None:
        return
    for field_name in ("initContainers", "containers"):
        for _, container in template[0].list(field_name).maps():
            yield container


def _generated_config_maps(k: Kustomization) -> Iterator[Finding]:
    """``configMapGenerator`` literals (``KEY=value``): a ConfigMap written another way."""
    generators = k.doc.list("configMapGenerator")
    for _, gen in generators.maps():
        literals = gen.list("literals")
        for index, item in enumerate(literals):
            if not isinstance(item, str) or "=" not in item:
                continue
            key, _, value = item.partition("=")
            judged = _judge(key.strip(), value.strip().strip("'\""))
            if judged is not None:
                what, evidence = judged
                line = literals.item_line(index)
                yield CHECK.finding(
                    Pos(line, line, tuple(literals.ypath) + (key.strip(),)),
                    resource=f"configMapGenerator/{gen.get('name')}",
                    message=f"configMapGenerator {str(gen.get('name'))!r} holds {what} in {key.strip()!r}: "
                            f"ConfigMaps are not meant for secrets (use a secretGenerator fed from outside git)",
                    evidence=evidence,
                )


@CHECK.on(K8sObject, Kustomization)
def secret_in_manifest(obj: K8sObject | Kustomization) -> Iterator[Finding]:
    if isinstance(obj, Kustomization):
        yield from _generated_config_maps(obj)
        return
    if obj.kind in WORKLOAD_KINDS:  # workloads and Kustomize patches of them alike
        for container in _containers(obj):
            cname = str(container.get("name") or "?")
            for _, item in container.list("env").maps():
                name, value = item.get("name"), item.get("value")
                if name is None or "value" not in item:
                    continue
                judged = _judge(str(name), value)
                if judged is not None:
                    what, evidence = judged
                    yield CHECK.finding(
                        item, "value", resource=f"{obj.resource}/container/{cname}",
                        message=f"container {cname!r} of {obj.resource} sets {name} to {what}",
                        evidence=evidence,
                    )
    elif obj.kind == "ConfigMap" and obj.api_version == "v1":
        data = obj.doc.get("data")
        if not isinstance(data, YMap):
            return
        for key, value in data.items():
            judged = _judge(str(key), value)
            if judged is not None:
                what, evidence = judged
                yield CHECK.finding(
                    data, key, resource=obj.resource,
                    message=f"{obj.resource} holds {what} in {key!r}: ConfigMaps are not meant for secrets",
                    evidence=evidence,
                )
