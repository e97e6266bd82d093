"""What a repository installs from outside its files, and what auditui therefore cannot see.

Repository-wide absence findings ("no backup anywhere", "no monitoring", "no cert-manager")
are only as true as the files they were judged on.  A repository that installs
kube-prometheus-stack through a Helm chart dependency *has* monitoring; one that installs
forty charts through HelmReleases may have a backup CronJob in any of them.  Absence
checks ask this module two questions:

* :func:`provided` - does something the repository installs provide the capability
  (a well-known chart, remote base, release manifest or OCI/Git source; see
  :mod:`.models.components`)?  Then the absence is false and nothing is reported.
* :func:`unseen` - what could auditui not read (Helm charts whose templates are not
  rendered, charts installed from outside, remote Kustomize bases and Git sources)?
  The finding then says "in the files auditui reads" and names them, one severity lower.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .api import Severity
from .facts import RepoIndex
from .models.base import FileKind
from .models.components import component_names, is_known, provides
from .models.terraform import INFRA_PROVIDERS, hides_infrastructure, unaudited
from .models.topics import (
    GITOPS_SYNC,
    HELM_CHART,
    HELM_TEMPLATE,
    INSTALL,
    KUSTOMIZATION,
    TF_FILE,
    TF_RESOURCE,
    InstallData,
)

INSTALL_TOPICS = ("install", "gitops:source")


def _install_names(fact) -> tuple[str, ...]:
    names = tuple(fact.data.names or ())
    hint = fact.data.hint if isinstance(fact.data, InstallData) else None
    if not names and hint:  # a HelmRelease whose chart comes from a chartRef
        names = component_names(str(hint))
    return names


def _provider(capability: str):
    def predicate(_path: str, fact) -> bool:
        if fact.topic == "gitops:source" and fact.data.kind == "HelmRepository":
            return False  # a repository of many charts installs none by itself
        return provides(_install_names(fact), capability)
    return predicate


_PREDICATES = {name: _provider(name) for name in ("monitoring", "alerting", "cert-manager", "backup")}


def _tf_backup(_path: str, fact) -> bool:
    return fact.data.category == "backup"


def provided(index: RepoIndex, capability: str) -> bool:
    """Does a chart, remote base, manifest URL or source the repository installs provide it?

    A GitOps controller applying a path of *another* repository (a Flux Kustomization of a
    foreign source, an Argo CD Application of a foreign Git URL) counts by its names too.
    """
    if index.count_where(f"scope:provides:{capability}", INSTALL_TOPICS, _PREDICATES[capability]) > 0:
        return True
    if capability == "backup" and index.count_where("scope:terraform-backup", (str(TF_RESOURCE),), _tf_backup) > 0:
        return True  # an AWS Backup plan, Backup for GKE, an Azure backup policy defined in Terraform
    return any(provides(names, capability) for names in _remote_sync_names(index))


def _remote_sync_names(index: RepoIndex) -> list[tuple[str, ...]]:
    def build(idx: RepoIndex) -> list[tuple[str, ...]]:
        own = own_repositories(idx)
        return [tuple(fact.data.names or ()) for _, fact in idx.facts(GITOPS_SYNC) if not _is_own(fact, own)]
    return index.derived("scope:remote-syncs", _OWN_TOPICS, build)


def provider_example(index: RepoIndex, capability: str) -> str | None:
    """One installer that provides ``capability``, named for a message (or None)."""
    if not provided(index, capability):
        return None
    for topic in INSTALL_TOPICS:
        for path, fact in index.facts(topic):
            if _PREDICATES[capability](path, fact):
                return f"{fact.data.via if isinstance(fact.data, InstallData) else fact.data.kind} of {_install_names(fact)[0]} ({path})"
    return None


# -- what auditui cannot see -----------------------------------------------------------------------

@dataclass(frozen=True)
class Unseen:
    """Parts of the deployment auditui did not read: named for messages, counted for severity."""

    charts: tuple[str, ...] = ()      # Helm charts in the repository: templates not rendered
    releases: tuple[str, ...] = ()    # charts installed from outside (releases, dependencies)
    remote: tuple[str, ...] = ()      # remote Kustomize bases, manifest URLs, other Git sources

    def __bool__(self) -> bool:
        return bool(self.charts or self.releases or self.remote)

    def clause(self, limit: int = 4) -> str:
        """"3 Helm charts in the repository were not rendered (a, b, c); ..."""
        parts = []
        for items, one, many in (
            (self.charts, "Helm chart in the repository was not rendered", "Helm charts in the repository were not rendered"),
            (self.releases, "chart installed from outside was not rendered", "charts installed from outside were not rendered"),
            (self.remote, "remote base or source was not read", "remote bases or sources were not read"),
        ):
            if not items:
                continue
            shown = ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")
            parts.append(f"{len(items)} {one if len(items) == 1 else many} ({shown})")
        return "; ".join(parts)

    def lowered(self, severity: Severity) -> Severity:
        """One step lower when something was not read (never below low)."""
        if not self or severity <= Severity.LOW:
            return severity
        return Severity(int(severity) - 1)


#: what decides which folders are this repository's (see own_repositories)
_OWN_TOPICS = ("gitops:sync", "kustomization", "helm:chart", "kind:kubernetes")
_UNSEEN_TOPICS = ("helm:template", "install", "gitops:source") + _OWN_TOPICS


#: folders whose files are examples, tests or fixtures: what they install is not the deployment
#: (a stand-in until the file-context model says which files are production)
_NOT_DEPLOYED = frozenset({"example", "examples", "sample", "samples", "test", "tests", "testdata", "e2e",
                           "fixtures", "demo", "demos", "docs", "ci", "hack", ".devcontainer"})


def _deployed(path: str) -> bool:
    return not any(part.lower() in _NOT_DEPLOYED for part in path.split("/")[:-1])


def _blind_to(names: tuple[str, ...], capability: str | None) -> bool:
    """Could a component known by ``names`` hold ``capability``?  A well-known component holds
    exactly what it is known for (an ingress controller is no backup); an unknown one may hold anything."""
    if capability is None or not names:
        return True
    return provides(names, capability) or not any(is_known(name) for name in names)


def _build_unseen(index: RepoIndex, capability: str | None) -> Unseen:
    chart_names = {path: str(fact.data.name or path) for path, fact in index.facts(HELM_CHART)}
    charts = sorted({chart_names.get(fact.key, posixpath.basename(fact.key) or fact.key or ".")
                     for path, fact in index.facts(HELM_TEMPLATE) if _deployed(path)})
    releases: list[str] = []
    remote: list[str] = []
    for path, fact in index.facts(INSTALL):
        names = _install_names(fact)
        if not _deployed(path) or not _blind_to(names, capability):
            continue
        label = names[0] if names else str(fact.data.url or fact.data.chart or "?")
        if fact.data.via == "kustomize" or (fact.data.url and not fact.data.chart):
            remote.append(label)
        else:
            releases.append(label)
    own = own_repositories(index)
    for path, sync in index.facts(GITOPS_SYNC):
        names = tuple(sync.data.names or ()) or (str(sync.data.name),)
        if not _is_own(sync, own) and _deployed(path) and _blind_to(names, capability):
            remote.append(names[0])
    return Unseen(tuple(charts), tuple(sorted(set(releases))), tuple(sorted(set(remote))))


def unseen(index: RepoIndex, capability: str | None = None) -> Unseen:
    """What auditui did not read that could hold ``capability`` (anything, when None)."""
    return index.derived(f"scope:unseen:{capability}", _UNSEEN_TOPICS,
                         lambda idx: _build_unseen(idx, capability))


def _build_unaudited(index: RepoIndex) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for path, fact in index.facts(TF_FILE):
        data = fact.data
        if data.vars or not data.blocks or not _deployed(path):
            continue
        for provider, types in unaudited(data.blocks).items():
            hidden = [t for t in types if hides_infrastructure(t)]
            if hidden:
                counts[provider] = counts.get(provider, 0) + len(hidden)
    return tuple(f"{n} {INFRA_PROVIDERS[p]} resource{'s' if n != 1 else ''} ({p}_*, not audited)"
                 for p, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def unaudited_infrastructure(index: RepoIndex) -> tuple[str, ...]:
    """Terraform resources of infrastructure providers no rule reads (Hetzner Cloud servers and
    load balancers, DigitalOcean droplets, Kubernetes workloads and services: see
    ``models.terraform.hides_infrastructure``) outside examples and tests,
    one phrase per provider: ``"31 Hetzner Cloud resources (hcloud_*, not audited)"``.  An area
    they could hold (exposure, data stores, backups) is not verified while they are there."""
    return index.derived("scope:unaudited-iac", (str(TF_FILE),), _build_unaudited)


def own_repositories(index: RepoIndex) -> frozenset[str]:
    """Git URLs (and Flux source names) that are this repository, as far as the files tell.

    A Flux ``flux-system`` GitRepository; an Argo CD Git source whose path is a folder of
    the repository holding a kustomization or a chart; a URL that several Applications
    share (app-of-apps); and every Flux source whose Kustomizations apply such folders.
    """
    folders = {posixpath.dirname(p) for p, _ in index.facts(KUSTOMIZATION)}
    folders |= {fact.key for _, fact in index.facts(HELM_CHART)}
    folders |= {posixpath.dirname(p) for p in index.files(FileKind.KUBERNETES)}
    own: set[str] = set()
    counts: dict[str, int] = {}
    for _, fact in index.facts(GITOPS_SYNC):
        path = posixpath.normpath(str(fact.data.path or ".").strip().lstrip("/"))
        if fact.data.controller == "argo":
            repo = _norm_url(fact.data.repo)
            counts[repo] = counts.get(repo, 0) + 1
            if path in folders or any(f.startswith(path + "/") for f in folders if path != "."):
                own.add(repo)
        else:
            ref = fact.data.source_ref
            if ref and (ref[2] == "flux-system" or path in folders
                        or any(f.startswith(path + "/") for f in folders if path not in (".", ""))):
                own.add(f"flux:{ref[2]}")
    own.update(url for url, n in counts.items() if n >= 2)
    return frozenset(own)


def _norm_url(url) -> str:
    text = str(url or "").strip().lower().rstrip("/")
    return text[:-4] if text.endswith(".git") else text


def _is_own(fact, own: frozenset[str]) -> bool:
    if fact.data.controller == "argo":
        return _norm_url(fact.data.repo) in own
    ref = fact.data.source_ref
    return ref is None or f"flux:{ref[2]}" in own


def is_own_sync(index: RepoIndex, fact) -> bool:
    """Does this ``gitops:sync`` fact apply a folder of this repository?"""
    return _is_own(fact, index.derived("scope:own", _OWN_TOPICS, own_repositories))


def absence(index: RepoIndex, what: str, severity: Severity, capability: str | None = None) -> tuple[str, Severity]:
    """The qualifier and severity of an absence finding: "no X found in the files auditui reads".

    With ``capability``, well-known components that cannot hold it (an ingress controller for a
    backup) do not count as unread places where it could be."""
    blind = unseen(index, capability)
    if not blind:
        return "", severity
    return (f" in the files auditui reads; {blind.clause()}: they may provide {_article(what)}",
            blind.lowered(severity))


def _article(what: str) -> str:
    return f"an {what}" if what[:1].lower() in "aeiou" else f"a {what}" if not what.endswith("s") else what


def is_own_source(index: RepoIndex, kind: str, name: str) -> bool:
    """Is this Flux source (a GitRepository, an OCIRepository of built manifests) this repository?"""
    own = index.derived("scope:own", _OWN_TOPICS, own_repositories)
    return name == "flux-system" or f"flux:{name}" in own
