from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path

from ..api import Category, Check, Finding, Pos, Severity
from ..discovery import IgnoreRules
from ..facts import RepoIndex
from ..models.secrets import most_secret_first
from ..models.topics import KUSTOMIZE_DETAILS

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
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/secretgenerator/",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
)


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


@CHECK.on_repo
def kustomize_secret_generator_committed(index: RepoIndex) -> Iterator[Finding]:
    rules: dict = {}
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
                worst = max(Severity.parse(severity) for _, _, severity in literals)
                yield CHECK.finding(
                    where, resource=resource, symbol=("literals",), severity=worst,
                    message=f"secretGenerator {name!r} commits {len(literals)} literal value(s) "
                            f"({', '.join(k for k, _, _ in literals[:5])})",
                    evidence=f"{key}={red}",
                )
            for field_name, source in gen.get("files") or ():
                target = posixpath.normpath(posixpath.join(base, source)) if base else posixpath.normpath(source)
                if target.startswith("..") or not _committed(index, target, rules):
                    continue
                yield CHECK.finding(
                    where, resource=resource, symbol=(field_name, source),
                    message=f"secretGenerator {name!r} reads {field_name} from {target}, which is committed",
                    evidence=f"{field_name}: {source}",
                )
