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

__all__ = ["CONFIG_EXT", "PUBLIC_KEYS", "CommittedLiterals", "committed_literals", "generator_facts", "inline_facts",
           "literal_facts"]

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
    #: (key, kind, purpose, label) of each secret value
    verdicts: tuple = ()


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
                                     tuple(k for k, _, _ in values), f"{shown}: {redact(value)}", worst, digest,
                                     tuple((k, v.kind, v.purpose, v.label) for k, _, v in values)))
    return out


def literal_facts(obj) -> list[Fact]:
    """``secret:literals`` facts of one object (key: ``resource#field``)."""
    facts = []
    for found in committed_literals(obj):
        facts.append(Fact(SECRET_LITERALS, f"{obj.resource}#{found.field}", found.line, found.ypath, SecretLiteralsData(
            resource=obj.resource, field=found.field, names=found.names, evidence=found.evidence,
            severity=found.verdict.severity().label, weak=found.verdict.kind == "weak", digest=found.digest,
            patch=bool(obj.is_patch), end_line=found.end_line, verdicts=found.verdicts,
            namespace=obj.namespace)))
    return facts


# -- secrets written where secrets do not belong (K8S024) ---------------------------------------


def _judge(name: str, value, where: str) -> tuple[str, str, SecretVerdict] | None:
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


def _inline(key: str, line, end_line, ypath: tuple, resource: str, message: str, evidence: str,
            verdict: SecretVerdict, name: str, **holder) -> Fact:
    from ..topics import SECRET_INLINE, SecretInlineData

    return Fact(SECRET_INLINE, key, line, ypath, SecretInlineData(
        resource=resource, message=message, evidence=evidence, kind=verdict.kind, purpose=verdict.purpose,
        label=verdict.label, name=name, end_line=end_line, **holder))


def _holder(obj, template: tuple) -> tuple[dict, tuple]:
    """(what a ``secret:inline`` fact says of the workload holding it, the (container, variable,
    host) settings of its pods that name where something is reached).  Nothing for a patch: only
    a whole workload (a DeploymentConfig whose image an ImageStream trigger sets is read as a
    partial object elsewhere, but its pods, labels and Services are all here) describes its pods."""
    from ..images import is_database_image
    from ..topics import freeze
    from .exposure import container_endpoints, holder_words, on_node_network

    if obj.is_patch and obj.kind != "DeploymentConfig":
        return {}, ()
    pod_spec, pod_meta = template[0], template[1]
    containers = [c for field_name in ("initContainers", "containers") for _, c in pod_spec.list(field_name).maps()]
    images = tuple(str(c.get("image") or "") for c in containers)
    labels = pod_meta.map("labels")
    holder = dict(workload=obj.resource, namespace=obj.namespace,
                  pod_labels=freeze({str(k): str(v) for k, v in labels.items()}),
                  node_network=on_node_network(pod_spec),
                  words=tuple(sorted(holder_words(obj.resource, tuple(str(c.get("name") or "") for c in containers),
                                                  images))),
                  store=any(image and is_database_image(image) for image in images))
    return holder, container_endpoints(pod_spec)


def inline_facts(obj) -> list[Fact]:
    """``secret:inline`` facts of one object: container ``env`` values of a workload (or a patch of
    one), ConfigMap keys, a KeycloakUser's password."""
    from .exposure import endpoint_host
    from .objects import WORKLOAD_KINDS, pod_template

    out: list[Fact] = []
    if obj.kind in WORKLOAD_KINDS:
        template = pod_template(obj.doc, obj.kind)
        if template is None:
            return out
        described: tuple[dict, tuple] | None = None  # who holds the secret: read at the first one found
        for field_name in ("initContainers", "containers"):
            for _, container in template[0].list(field_name).maps():
                cname = str(container.get("name") or "?")
                for _, item in container.list("env").maps():
                    name, value = item.get("name"), item.get("value")
                    if name is None or "value" not in item:
                        continue
                    judged = _judge(str(name), value, "k8s")
                    if judged is None:
                        continue
                    what, evidence, verdict = judged
                    line, end_line = item.value_span("value")
                    line = item.key_line("value")
                    if described is None:
                        described = _holder(obj, template)
                    holder, endpoints = described
                    beside = tuple((var, host) for c, var, host in endpoints if c == cname and var != str(name))
                    out.append(_inline(
                        f"{obj.resource}/container/{cname}#{'/'.join(map(str, item.ypath))}", line, end_line,
                        tuple(item.ypath) + ("value",), f"{obj.resource}/container/{cname}",
                        f"container {cname!r} of {obj.resource} sets {name} to {what}", evidence, verdict, str(name),
                        host=endpoint_host(str(name), value) if verdict.in_url else None,
                        **(dict(holder, endpoints=beside) if holder else {})))
    elif obj.kind == "KeycloakUser":
        out.extend(_identity_provider_user(obj))
    elif obj.kind == "ConfigMap" and obj.api_version == "v1":
        data = obj.doc.get("data")
        if not isinstance(data, YMap):
            return out
        for key, value in data.items():
            judged = _judge(str(key), value, "configmap")
            if judged is not None:
                what, evidence, verdict = judged
                line, end_line = data.value_span(key)
                line = data.key_line(key)
                out.append(_inline(
                    f"{obj.resource}#{'/'.join(map(str, data.ypath))}/{key}", line, end_line, tuple(data.ypath) + (key,),
                    obj.resource, f"{obj.resource} holds {what} in key {key}, but ConfigMaps are not meant for secrets",
                    evidence, verdict, str(key)))
    return out


def _identity_provider_user(obj) -> Iterator[Fact]:
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
        line, end_line = credential.value_span("value")
        line = credential.key_line("value")
        yield _inline(
            f"{obj.resource}/user/{username}#{'/'.join(map(str, credential.ypath))}", line, end_line,
            tuple(credential.ypath) + ("value",), f"{obj.resource}/user/{username}",
            f"{obj.resource} creates the identity-provider user {username!r} with {verdict.describe()} "
            f"as its password{note}; an identity provider's login is published to the people it "
            f"signs in, so anyone who can reach it can try the committed password",
            verdict.evidence("password"), verdict, "password", exposed=True)


def generator_facts(k) -> list[Fact]:
    """``secret:inline`` facts of a kustomization's ``configMapGenerator`` literals (``KEY=value``):
    a ConfigMap written another way."""
    out: list[Fact] = []
    generators = k.doc.list("configMapGenerator")
    for _, gen in generators.maps():
        literals = gen.list("literals")
        for index, item in enumerate(literals):
            if not isinstance(item, str) or "=" not in item:
                continue
            key, _, value = item.partition("=")
            judged = _judge(key.strip(), value.strip().strip("'\""), "configmap")
            if judged is None:
                continue
            what, evidence, verdict = judged
            line = literals.item_line(index)
            # the key is not quoted before a colon: the scrubber would read "'PGPASSWORD': ..." as an
            # assignment and mask the rest of the message
            out.append(_inline(
                f"configMapGenerator/{gen.get('name')}#{index}/{key.strip()}", line, line,
                tuple(literals.ypath) + (key.strip(),), f"configMapGenerator/{gen.get('name')}",
                f"configMapGenerator {str(gen.get('name'))!r} holds {what} in key {key.strip()}, "
                f"but ConfigMaps are not meant for secrets (use a secretGenerator fed from outside git)",
                evidence, verdict, key.strip()))
    return out
