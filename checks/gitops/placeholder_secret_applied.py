"""GITOPS004: a Secret "template" full of placeholders that a kustomization or GitOps sync applies."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..scope import is_own_sync

CHECK = Check(
    code="GITOPS004",
    name="placeholder-secret-applied",
    title="Secret template with placeholder values is applied",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    rationale=(
        "A Secret whose values are all stand-ins (`<password>`, `CHANGEME`, empty) is a template "
        "someone meant to copy and fill in. When a kustomization lists it, or a GitOps controller "
        "applies its folder, every reconcile writes the placeholders over the real Secret created "
        "by hand: the application loses its credentials at the next sync, and self-healing "
        "controllers keep undoing the fix."
    ),
    remediation=(
        "Take the template out of what is applied (out of `resources:`, or rename it "
        "`secret.example.yaml` outside synced folders).",
        "Manage the real value with External Secrets, Sealed Secrets or SOPS instead of a "
        "hand-made Secret.",
        "If the Secret must exist but not be overwritten, annotate it "
        "(`kustomize.toolkit.fluxcd.io/reconcile: disabled`, Argo CD `Prune=false,IgnoreExtraneous`).",
    ),
    effort="1h",
    references=(
        "https://fluxcd.io/flux/components/kustomize/kustomizations/#controlling-the-apply-behavior-of-resources",
        "https://external-secrets.io/latest/",
    ),
)


def _listed(index: RepoIndex) -> dict[str, str]:
    """File -> the kustomization that lists it in ``resources``."""
    out: dict[str, str] = {}
    for kpath, fact in index.facts("kustomization"):
        here = posixpath.dirname(kpath)
        for entry in fact.data.resources or ():
            text = str(entry).strip()
            if text.lower().endswith((".yaml", ".yml", ".json")) and "://" not in text:
                out.setdefault(posixpath.normpath(posixpath.join(here, text)), kpath)
    return out


def _synced_folders(index: RepoIndex) -> list[tuple[str, str]]:
    """(folder, controller object) applied whole by a Flux Kustomization or an Argo CD directory source."""
    kustomized = {posixpath.dirname(p) for p, _ in index.facts("kustomization")}
    out = []
    for path, fact in index.facts("gitops:sync"):
        folder = posixpath.normpath(str(fact.data.path or ".").strip().lstrip("/"))
        if folder in kustomized or not is_own_sync(index, fact):
            continue  # a kustomization decides what is applied there
        out.append(("" if folder == "." else folder, f"{fact.data.kind} {fact.data.name!r} ({path})"))
    return out


@CHECK.on_each("gitops:placeholder-secret")
def placeholder_secret_applied(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if str(fact.data.reconcile or "").lower() == "disabled" or "IgnoreExtraneous" in str(fact.data.argo or ""):
        return
    by = index.derived("GITOPS004:listed", ("kustomization",), _listed).get(path)
    if by is not None:
        how = f"listed in {by}"
    else:
        folder = posixpath.dirname(path)
        synced = [who for where, who in index.derived(
            "GITOPS004:synced", ("kustomization", "gitops:sync", "kind:kubernetes"), _synced_folders)
            if folder == where or folder.startswith(where + "/") or not where]
        if not synced:
            return  # nothing applies it: a template kept for people to copy
        how = f"in a folder that {synced[0]} applies"
    keys = ", ".join(fact.data.keys or ())
    line = fact.data.value_line or fact.line
    yield CHECK.finding(
        Pos(line, line, tuple(fact.ypath) + ("data",), path=path), resource=f"Secret/{fact.data.name}",
        message=f"Secret/{fact.data.name} holds only placeholder values ({keys}) and is applied ({how}): "
                f"each sync overwrites the real Secret with them",
    )
