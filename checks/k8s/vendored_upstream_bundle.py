"""K8S081: a controller's own install manifest is vendored into the repository (information)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.base import Fact
from ..models.topics import VendoredFileData

CHECK = Check(
    code="K8S081",
    name="vendored-upstream-bundle",
    title="Vendored upstream bundle: a controller's install manifest copied into the repository",
    severity=Severity.INFO,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "The repository holds an upstream project's own install manifest (Flux's "
        "gotk-components.yaml, cert-manager, ingress-nginx or Argo CD install YAML, an operator "
        "or CRD bundle), often once per environment. Its cluster-wide RBAC, probes and defaults "
        "are the vendor's choices, so auditui does not report them as this repository's "
        "configuration; what the repository changes (patches, values) is audited as usual. "
        "The bundle still has a version to keep up to date, and every copy must be upgraded."
    ),
    remediation=(
        "Track the bundle's version like a dependency (Renovate or Dependabot can bump it) and "
        "upgrade every copy together.",
        "Prefer installing it from its source (a HelmRelease, an Argo CD Application, a remote "
        "Kustomize base pinned to a tag, or `flux bootstrap`) over copying the rendered file into "
        "each environment.",
        "Keep your changes in patches or values beside it, never in the vendored file itself.",
    ),
    effort="30m",
    references=(
        "https://fluxcd.io/flux/installation/bootstrap/",
        "https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/",
    ),
)


@CHECK.on_repo
def vendored_upstream_bundle(index: RepoIndex) -> Iterator[Finding]:
    groups: dict[tuple[str, str], list[tuple[str, Fact[VendoredFileData]]]] = {}
    for path, fact in index.facts("vendored:file"):
        key = (str(fact.data.component), str(fact.data.version or ""))
        groups.setdefault(key, []).append((path, fact))
    for (component, version), members in sorted(groups.items()):
        members.sort(key=lambda item: item[0])
        path, first = members[0]
        objects = sum(len(f.data.resources or ()) for _, f in members)
        folders = sorted({posixpath.dirname(p) or "." for p, _ in members})
        where = (f"in {len(members)} files across {len(folders)} folders ({', '.join(folders[:4])}"
                 f"{' and more' if len(folders) > 4 else ''})") if len(members) > 1 else f"in {path}"
        named = f"{component} {version}".strip()
        yield CHECK.finding(
            Pos(first.line, first.line, ("vendored", component), path=path),
            resource=f"vendored/{component}",
            message=f"vendored {named}: {objects} objects {where} are the vendor's install manifest "
                    f"({first.data.reason}); not audited as this repository's configuration",
            evidence=f"{component} version: {version or 'unknown'}",
        )
