from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from .. import safeio
from ..api import Category, Check, Finding, Pos, Severity
from ..discovery import IgnoreRules
from ..facts import RepoIndex
from ..models.base import FileKind
from ..models.secrets import login_client_secret, most_secret_first, name_words
from ..models.sops import (
    SOPS_CONFIG,
    PlainSecret,
    SecretSource,
    SopsRule,
    creation_rules,
    named_encrypted,
    read_source,
    rule_for,
)
from ..models.topics import ENV_KEY, KUSTOMIZE_DETAILS

CHECK = Check(
    code="K8S061",
    name="kustomize-secret-generator-committed",
    title="Kustomize secretGenerator builds a Secret from committed values",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "`secretGenerator` with `literals`, or with `envs`/`files` that live in the repository, "
        "puts the secret values in Git in plain text: the generated Secret is only base64 of "
        "what is committed. Anyone with read access to the repository has the credentials."
    ),
    remediation=(
        "Rotate the committed values.",
        "Generate the source files at deploy time from a secret store (and list them in .gitignore), "
        "or switch to SealedSecrets, External Secrets or a SOPS-encrypted generator (KSOPS).",
        "Delete the committed files and literals from the kustomization.",
    ),
    effort="2h",
    references=(
        "https://github.com/getsops/sops#using-sops-yaml-conf-to-select-kms-pgp-and-age-for-new-files",
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
)

#: a source file larger than this is not read (it is reported as committed, unread)
MAX_SOURCE_BYTES = 512 * 1024


def _committed(index: RepoIndex, path: str, rules: dict) -> bool:
    """Is the file in the repository and not excluded by a .gitignore?

    Files we audit (``.env``, YAML) are in the index already; other sources
    (``password.txt``, ``tls.key``) are only looked up on disk (a stat, never a read).
    """
    if index.kind_of(path) is not None:
        return True
    if not index.disk_file(path):  # recorded: the check re-runs when that path changes
        return False
    if "rules" not in rules:
        rules["rules"] = IgnoreRules(Path(index.root))
    return not rules["rules"].ignored(path)


def _read(index: RepoIndex, path: str) -> str | None:
    """The text of a committed file (recorded by the caller's kind_of/disk_file), None if unreadable."""
    try:
        return safeio.read_text(Path(index.root) / path, root=index.root, limit=MAX_SOURCE_BYTES)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _sops_rule(index: RepoIndex, path: str, cache: dict) -> SopsRule | None:
    """The ``.sops.yaml`` creation rule for ``path``: the nearest ``.sops.yaml`` in its folder or above."""
    folder = posixpath.dirname(path)
    while True:
        config = posixpath.join(folder, SOPS_CONFIG) if folder else SOPS_CONFIG
        if config not in cache:
            text = _read(index, config) if index.disk_file(config) else None
            cache[config] = creation_rules(text, config) if text is not None else None
        if cache[config] is not None:
            return rule_for(cache[config], posixpath.relpath(path, folder) if folder else path)
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _session_cookie_verified(index: RepoIndex, keys: list[str]) -> dict[str, str]:
    """key -> why, for the session-cookie secrets of a login proxy (``cookie-secret`` beside an OAuth
    client's secret: oauth2-proxy) whose sessions the mesh does not take on trust: an Istio
    ``RequestAuthentication`` in the repository verifies the identity provider's signed token, so a
    cookie forged with the secret carries no identity the mesh accepts."""
    cookies = [k for k in keys if "COOKIE" in name_words(k) and name_words(k)[-1:] in (["SECRET"], ["KEY"])]
    if not cookies or not any(login_client_secret(k, keys) for k in keys):
        return {}
    found = next(iter(index.k8s("RequestAuthentication")), None)
    if found is None:
        return {}
    why = (f"the session cookie secret ({cookies[0]}) is medium: {found[0]} (RequestAuthentication) verifies the "
           "identity provider's signed token, so a forged cookie impersonates nobody")
    return dict.fromkeys(cookies, why)


def _cause(source: SecretSource, secret: PlainSecret) -> str:
    """Why a file meant to be encrypted holds this value in plain text."""
    rule = source.rule
    if source.sops and rule is not None:
        if rule.encrypts(secret.ypath) is False:
            return (f"Its SOPS metadata encrypts only keys matching {rule.describe()} and no key on the path "
                    f"to {secret.name} matches, so SOPS left the value as it was.")
        return "The value is plain text in a file SOPS encrypted: it was added or edited without sops."
    if rule is not None and rule.source != "name":
        return (f"The file matches the creation rule {rule.path_regex or '(any file)'!r} of {rule.source} "
                f"but carries no SOPS metadata: it was committed unencrypted.")
    return "The file is named as encrypted but carries no SOPS metadata: it was committed unencrypted."


@CHECK.on_repo
def kustomize_secret_generator_committed(index: RepoIndex) -> Iterator[Finding]:
    rules: dict = {}
    configs: dict = {}
    for path, fact in index.facts(KUSTOMIZE_DETAILS):
        base = posixpath.dirname(path)
        for raw in fact.data.secret_generators or ():
            gen = dict(raw)
            name = gen.get("name")
            resource = f"secretGenerator/{name}"
            where = Pos(gen.get("line"), gen.get("line"), tuple(gen.get("ypath") or ()), path=path)
            literals = [(k, red, severity) for k, placeholder, red, severity in gen.get("literals") or ()
                        if not placeholder]
            if literals:
                key, red, _ = literals[most_secret_first([k for k, _, _ in literals])[0]]
                verified = _session_cookie_verified(index, [k for k, _, _ in literals])
                worst = max(min(Severity.parse(severity), Severity.MEDIUM) if k in verified else Severity.parse(severity)
                            for k, _, severity in literals)
                note = (f"; {verified[next(iter(verified))]}" if verified and worst <= Severity.MEDIUM else "")
                yield CHECK.finding(
                    where, resource=resource, symbol=("literals",), severity=worst,
                    message=f"secretGenerator {name!r} commits {len(literals)} literal value(s) "
                            f"({', '.join(k for k, _, _ in literals[:5])}){note}",
                    evidence=f"{key}={red}",
                )
            for field_name, source in gen.get("files") or ():
                target = posixpath.normpath(posixpath.join(base, source)) if base else posixpath.normpath(source)
                if target.startswith("..") or not _committed(index, target, rules):
                    continue
                yield from _source_findings(index, target, field_name, source, name, resource, where, configs)


def _source_findings(index: RepoIndex, target: str, field_name: str, source: str, name: str | None,
                     resource: str, where: Pos, configs: dict) -> Iterator[Finding]:
    """The findings for one committed source file of a generator."""
    text = _read(index, target)
    if text is None:  # unreadable (binary, too large): committed all the same
        yield CHECK.finding(
            where, resource=resource, symbol=(field_name, source),
            message=f"secretGenerator {name!r} reads {field_name} from {target}, which is committed",
            evidence=f"{field_name}: {source}",
        )
        return
    rule = _sops_rule(index, target, configs)
    if rule is None and named_encrypted(target):
        rule = SopsRule("name")
    held = read_source(text, target, env=field_name in ("envs", "env"), rule=rule)
    if not held.secrets:
        return  # all ciphertext, placeholders, references or values that are not secrets
    if held.meant_encrypted:
        for secret in held.secrets:
            yield CHECK.finding(
                Pos(secret.line, secret.line, ("plaintext",) + secret.ypath, path=target),
                resource=resource, severity=secret.verdict.severity(),
                message=f"{target} (read by secretGenerator {name!r}) is meant to be encrypted but holds "
                        f"{secret.name} in plain text ({secret.verdict.describe()}). {_cause(held, secret)}",
                evidence=secret.verdict.evidence(secret.name),
            )
        return
    if field_name in ("envs", "env") and index.kind_of(target) is FileKind.ENV and any(
            fact.topic == ENV_KEY and fact.data.secrets for fact in index.file_facts(target)):
        return  # an env file's secrets are reported on their own lines (ENV004): one problem, one finding
    first = held.secrets[most_secret_first([s.name for s in held.secrets])[0]]
    worst = max(s.verdict.severity() for s in held.secrets)
    yield CHECK.finding(
        where, resource=resource, symbol=(field_name, source), severity=worst,
        message=f"secretGenerator {name!r} reads {field_name} from {target}, which is committed and holds "
                f"{len(held.secrets)} secret value(s) in plain text "
                f"({', '.join(s.name for s in held.secrets[:5])})",
        evidence=first.verdict.evidence(first.name),
    )
