"""Which manifests a GitOps repository deploys: reachability from its entry points.

GitOps repositories keep files that nothing deploys: a folder of retired apps
(``.archive/``), apps taken out of the cluster by removing (or commenting out) their line
in the overlay that lists them.  Their findings are not the cluster's.  This module answers,
from the repository's facts alone, which files no GitOps entry point reaches.

The graph is :mod:`.gitops_graph`'s, read as written (no substituted values).

**Entry points** are the files holding a sync or a kustomization that nothing else
references (a cycle nothing outside references, such as Flux's bootstrap, counts as one),
except two kinds that are themselves not deployed:

* those in a folder whose name says retired (``archive``, ``.archive``, ``attic``,
  ``deprecated``, ``old``, ``retired``, ``unused``...);
* those a kustomization leaves out of the list it keeps of their kind: the kustomization
  lists files of the same name at the same depth below the same folder
  (``../../base/<ns>/<app>/ks.yaml`` for every other app) but not this one, and this one
  does not lead back to that kustomization.

What the entry points reach is deployed.  What only the excluded ones reach, and
what lies in a retired folder, is **not deployed**.  Nothing is claimed when a sync the
entry points reach cannot be resolved in the repository (a templated path, a path that is in
no folder of the repository, an ``ApplicationSet`` whose generators make the path, a Helm chart
template that names an ``Application``, ``Kustomization`` or ``HelmRelease``): the
repository then deploys something auditui cannot follow, and every file keeps its severities.
Files no entry point reaches that are in neither kind of excluded place (a manifest applied
by a script) keep theirs too.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .gitops_graph import TOPICS, Files, GitopsGraph, closure, retired_folder, unreferenced

if TYPE_CHECKING:  # pragma: no cover
    from ...facts import RepoIndex

__all__ = ("TOPICS", "Reach", "reachability")


@dataclass(frozen=True)
class Reach:
    """What the repository's GitOps entry points deploy (see the module docstring)."""

    #: files holding the entry points (empty: the repository has none)
    roots: frozenset = frozenset()
    #: every file the entry points reach
    reached: frozenset = frozenset()
    #: file -> why no entry point deploys it (only files auditui can say so of)
    undeployed: dict = field(default_factory=dict)
    #: why nothing is claimed, when a reached sync could not be followed
    unresolved: str | None = None


def reachability(index: RepoIndex) -> Reach:
    """Ask the repository's graph (index topics :data:`TOPICS` only) what no entry point deploys."""
    graph = GitopsGraph.of(index)
    edges, syncs = graph.written()
    kustomizations = {path: list(listing.listed) for path, listing in graph.kustomizations.items()}
    return _answer(edges, kustomizations, syncs, graph.files, graph.opaque)


def _retired(files: Files, reached: frozenset = frozenset()) -> dict[str, str]:
    """Files in a retired folder that no entry point reaches."""
    out = {}
    charts = frozenset(posixpath.dirname(p) for p in files.sorted if posixpath.basename(p) == "Chart.yaml")
    for path in files.sorted:
        folder = retired_folder(path, charts)
        if folder is not None and path not in reached:
            out[path] = f"in {folder}/, a folder of retired files, and no GitOps entry point reaches it"
    return out


def _answer(edges: dict[str, set[str]], kustomizations: dict[str, list[str]],
            syncs: dict[str, list[tuple[str, str | None]]], files: Files, opaque: frozenset = frozenset()) -> Reach:
    candidates = set(kustomizations) | set(syncs)
    if not candidates:
        return Reach(undeployed=_retired(files))
    # entry candidates: referenced by nothing, or only from inside their own cycle (and what each leads to)
    entries = unreferenced(candidates, edges)
    excluded: dict[str, str] = {}
    for node in entries:
        folder = retired_folder(node)
        if folder is not None:
            excluded[node] = f"in {folder}/, a folder of retired files"
    first = [n for n in entries if n not in excluded]
    reached_first = frozenset(closure(first, edges))
    if not any(path in syncs for path in reached_first):
        # no GitOps controller deploys from here (plain Kustomize bases and overlays, meant to
        # be combined by whoever applies them): only retired folders say anything
        return Reach(frozenset(first), reached_first, _retired(files, reached_first))
    for node in first:
        left_out = _left_out(node, kustomizations, reached_first, entries[node])
        if left_out is not None:
            excluded[node] = left_out
    roots = frozenset(n for n in entries if n not in excluded)
    if not roots:
        return Reach(undeployed=_retired(files))
    reached = frozenset(closure(roots, edges))
    for path in sorted(reached):
        for what, why in syncs.get(path, ()):
            if why is not None:
                return Reach(roots, reached, unresolved=f"{what} in {path} cannot be followed: {why}")
        if path in opaque:
            return Reach(roots, reached, unresolved=f"the Helm template {path} names an Application, Kustomization "
                                                    "or HelmRelease that only rendering tells (charts are not rendered)")
    undeployed: dict[str, str] = _retired(files, reached)
    for node, why in sorted(excluded.items()):
        for path in sorted(closure([node], edges) - reached):
            undeployed.setdefault(path, _about(path, node, why))
    return Reach(roots, reached, undeployed)


def _about(path: str, node: str, why: str) -> str:
    if path == node:
        return f"no GitOps entry point deploys it: {why}"
    return f"no GitOps entry point deploys it: only {node} reaches it, {why}"


def _left_out(node: str, kustomizations: dict[str, list[str]], reached: frozenset[str],
              own: set[str]) -> str | None:
    """Why ``node`` is an entry a kustomization leaves out of its list: the kustomization,
    deployed, lists files of the same name at the same depth below the folder they
    share, and ``node`` is one more of them that it does not list (and does not lead back to it)."""
    name, depth = posixpath.basename(node), node.count("/")
    for kpath in sorted(kustomizations):
        targets = kustomizations[kpath]
        if kpath not in reached or kpath in own or node in targets or len(targets) < 2:
            continue
        alike = [t for t in targets if posixpath.basename(t) == name and t.count("/") == depth]
        if len(alike) < 2:
            continue  # a list of its kind has two entries at least
        shared = posixpath.commonpath(alike)
        if not shared or not node.startswith(shared + "/"):
            continue  # not where the listed ones live
        return f"{kpath} lists {len(alike)} files like it ({alike[0]} and more), not this one"
    return None

