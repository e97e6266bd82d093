from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..api import Category, Check, Finding, Pos, Severity
from ..models.k8s.objects import WORKLOAD_KINDS, K8sObject, Kustomization, pod_template
from ..models.secrets import SecretVerdict, classify, find_credentials
from ..models.yamlnodes import YMap

CHECK = Check(
    code="K8S024",
    name="secret-in-manifest",
    title="Secret written in a container env value, a ConfigMap or a KeycloakUser's credentials",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written as a container's `env` value or in a ConfigMap is in "
        "every clone, fork and backup of the repository, and readable by anyone who may read "
        "the Deployment or ConfigMap in the cluster (far more people and controllers than may "
        "read Secrets); it also shows in `kubectl describe`. Rotating it means rewriting "
        "history. A connection URL with the password inline is the same literal. A token or a "
        "random-looking value is critical; a weak or well-known default is medium."
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

def _judge(name: str, value: Any, where: str) -> tuple[str, str, SecretVerdict] | None:
    """(what, evidence, verdict) when a key and its value commit a secret."""
    if isinstance(value, str) and "\n" in value.strip():
        # a whole configuration file kept in a ConfigMap (application.properties, config.yaml)
        found = list(find_credentials(value, where=where))
        if not found:
            return None
        keys = ", ".join(dict.fromkeys(key for _, key, _ in found))
        worst = max((verdict for _, _, verdict in found), key=lambda v: v.severity())
        return (f"a configuration file with {worst.describe()} ({keys})", f"{name}: {keys} (values redacted)", worst)
    verdict = classify(name, value, where=where)
    if not verdict.is_secret:
        return None
    return verdict.describe(), verdict.evidence(name), verdict


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
            judged = _judge(key.strip(), value.strip().strip("'\""), "configmap")
            if judged is not None:
                what, evidence, verdict = judged
                line = literals.item_line(index)
                yield CHECK.finding(
                    Pos(line, line, tuple(literals.ypath) + (key.strip(),)),
                    resource=f"configMapGenerator/{gen.get('name')}",
                    # the key is not quoted before a colon: the scrubber would read "'PGPASSWORD': ..." as an
                    # assignment and mask the rest of the message
                    message=f"configMapGenerator {str(gen.get('name'))!r} holds {what} in key {key.strip()}, "
                            f"but ConfigMaps are not meant for secrets (use a secretGenerator fed from outside git)",
                    evidence=evidence, severity=verdict.severity(),
                )


@CHECK.on(K8sObject, Kustomization, patches=True)
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
                judged = _judge(str(name), value, "k8s")
                if judged is not None:
                    what, evidence, verdict = judged
                    yield CHECK.finding(
                        item, "value", resource=f"{obj.resource}/container/{cname}",
                        message=f"container {cname!r} of {obj.resource} sets {name} to {what}",
                        evidence=evidence, severity=verdict.severity(),
                    )
    elif obj.kind == "KeycloakUser":
        yield from _identity_provider_user(obj)
    elif obj.kind == "ConfigMap" and obj.api_version == "v1":
        data = obj.doc.get("data")
        if not isinstance(data, YMap):
            return
        for key, value in data.items():
            judged = _judge(str(key), value, "configmap")
            if judged is not None:
                what, evidence, verdict = judged
                yield CHECK.finding(
                    data, key, resource=obj.resource,
                    message=f"{obj.resource} holds {what} in key {key}, but ConfigMaps are not meant for secrets",
                    evidence=evidence, severity=verdict.severity(),
                )


def _identity_provider_user(obj: K8sObject) -> Iterator[Finding]:
    """A KeycloakUser (Keycloak / RH-SSO operator) whose ``spec.user.credentials`` hold a literal
    password: the operator creates that person's login with it. An identity provider's login page
    is published to the people it signs in by purpose, so the password is judged as reachable
    from outside (a guessable one is high, as a published service's would be)."""
    spec = obj.doc.get("spec")
    user = spec.get("user") if isinstance(spec, YMap) else None
    if not isinstance(user, YMap):
        return
    username = str(user.get("username") or "?")[:100]
    for _, credential in user.list("credentials").maps():
        kind = str(credential.get("type") or "password").lower()
        if kind != "password" or "value" not in credential:
            continue
        verdict = classify("password", credential.get("value"), where="k8s")
        if not verdict.is_secret:
            continue
        temporary = credential.get("temporary") is True
        note = " (temporary: the user must change it at first login, but it opens the account until then)" \
            if temporary else ""
        yield CHECK.finding(
            credential, "value", resource=f"{obj.resource}/user/{username}",
            message=f"{obj.resource} creates the identity-provider user {username!r} with {verdict.describe()} "
                    f"as its password{note}; an identity provider's login is published to the people it "
                    f"signs in, so anyone who can reach it can try the committed password",
            evidence=verdict.evidence("password"), severity=verdict.severity(exposed=True),
        )
