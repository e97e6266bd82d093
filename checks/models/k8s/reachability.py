"""Which manifests a GitOps repository deploys: reachability from its entry points.

GitOps repositories keep files that nothing deploys: a folder of retired apps
(``.archive/``), apps taken out of the cluster by removing (or commenting out) their line
in the overlay that lists them.  Their findings are not the cluster's.  This module answers,
from the repository's facts alone, which files no GitOps entry point reaches.

The graph's nodes are files; its edges are what builds or applies what:

* a kustomization -> every local file and folder of its ``resources``/``bases``/
  ``components`` and the files it reads (patches, generators, ``helmCharts`` values);
  a folder means the kustomization in it (or, when it has none, every file below it);
* a file holding a Flux ``Kustomization`` or an Argo CD ``Application``/``ApplicationSet``
  -> its ``path``: the kustomization there, or every file below it (Flux generates one);
* a file holding a ``HelmRelease`` or ``HelmChart`` of a chart in a Git source -> the chart's folder.

A sync path is relative to its source's root, which is the repository or a folder of it
pushed as an artifact (an ``OCIRepository`` of ``./kubernetes``): it resolves against the
repository root and every folder above the file that declares it; every match counts.

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

import bisect
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..base import FileKind
from ..components import is_remote
from ..topics import GITOPS_SYNC, HELM_TEMPLATE, INSTALL, KUSTOMIZATION

if TYPE_CHECKING:  # pragma: no cover
    from ...facts import RepoIndex

#: the kinds of files a GitOps graph holds (what may be reached or not)
KINDS = (FileKind.KUBERNETES, FileKind.KUSTOMIZATION, FileKind.HELM_VALUES, FileKind.HELM_TEMPLATE,
         FileKind.HELM_CHART, FileKind.YAML)
#: the index topics the answer depends on (files of those kinds appearing or vanishing too)
TOPICS = (str(KUSTOMIZATION), str(GITOPS_SYNC), str(INSTALL), str(HELM_TEMPLATE)) + tuple(f"kind:{k.value}" for k in KINDS)
#: folder names that say their files are retired
RETIRED = frozenset({"archive", "archives", "archived", ".archive", "_archive", ".archived", "attic", "deprecated",
                     "old", ".old", "retired", "unused", "graveyard", "disabled", ".disabled"})
_KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_TEMPLATED = re.compile(r"\$\{|\{\{|\$\(|<%")


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


def retired_folder(path: str, charts: frozenset = frozenset()) -> str | None:
    """The first folder of ``path`` whose name says retired (``.archive``), if any; inside a
    Helm chart (a folder of ``charts`` holding ``Chart.yaml``) only the folders above the chart
    count: Helm renders every template of a chart, whatever its folder is called."""
    parts = path.split("/")[:-1]
    for end in range(len(parts), 0, -1):
        if "/".join(parts[:end]) in charts:
            parts = parts[:end - 1]
            break
    for folder in parts:
        if folder.lower() in RETIRED:
            return folder
    return None


class _Files:
    """The files of the GitOps kinds, for folder questions."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.sorted = sorted(paths)
        self.known = frozenset(self.sorted)

    def under(self, folder: str) -> list[str]:
        if folder in ("", "."):
            return list(self.sorted)
        prefix = folder.rstrip("/") + "/"
        start = bisect.bisect_left(self.sorted, prefix)
        out = []
        for path in self.sorted[start:]:
            if not path.startswith(prefix):
                break
            out.append(path)
        return out

    def is_folder(self, folder: str) -> bool:
        return bool(self.under(folder)) if folder not in ("", ".") else bool(self.sorted)

    def kustomization_in(self, folder: str) -> str | None:
        for name in _KUSTOMIZATION_NAMES:
            path = name if folder in ("", ".") else f"{folder}/{name}"
            if path in self.known:
                return path
        return None


def _norm(path: str) -> str | None:
    """A repository path, or None when it leaves the repository."""
    path = posixpath.normpath(path)
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def _folder_targets(folder: str, files: _Files) -> list[str]:
    """What applying a folder takes in: its kustomization, or every file below it."""
    found = files.kustomization_in(folder)
    return [found] if found is not None else files.under(folder)


def _local_targets(here: str, entry: str, files: _Files) -> list[str]:
    """The files one kustomization entry names (none for a remote or missing one)."""
    text = str(entry).strip()
    if not text or is_remote(text) or "://" in text or _TEMPLATED.search(text):
        return []
    target = _norm(posixpath.join(here, text))
    if target is None:
        return []
    if target in files.known:
        return [target]
    return _folder_targets(target, files) if files.is_folder(target) else []


def _sync_targets(declared_in: str, path: str, files: _Files) -> tuple[list[str], list[str]] | None:
    """(folders, files) a sync path means, resolved against the repository root and every
    folder above the file that declares it; None when it resolves nowhere."""
    text = path.strip()
    if _TEMPLATED.search(text) or text.startswith("/") and len(text) > 1:
        return None
    folders, targets = [], []
    bases = [""]
    here = posixpath.dirname(declared_in)
    while here:
        bases.append(here)
        here = posixpath.dirname(here)
    for base in bases:
        target = _norm(posixpath.join(base, text.lstrip("/"))) if text not in ("", ".", "./", "/") else (base or ".")
        if target is None:
            continue
        if target in files.known:
            folders.append(target)
            targets.append(target)
        elif files.is_folder(target):
            folders.append(target)
            targets.extend(_folder_targets(target, files))
    return (folders, targets) if folders else None


def reachability(index: RepoIndex) -> Reach:
    """Build the graph from the index (topics :data:`TOPICS` only) and answer."""
    files = _Files(p for kind in KINDS for p in index.files(kind))
    edges: dict[str, set[str]] = {}
    kustomizations: dict[str, list[str]] = {}  # kustomization -> its entries' targets (resources/components)
    syncs: dict[str, list[tuple[str, str | None]]] = {}  # file -> (what, why it cannot be followed)
    for path, fact in index.facts(KUSTOMIZATION):
        here = posixpath.dirname(path)
        targets: list[str] = []
        for entry in list(fact.data.resources or ()) + list(fact.data.components or ()):
            targets.extend(_local_targets(here, entry, files))
        kustomizations[path] = targets
        edges.setdefault(path, set()).update(targets)
        for entry in fact.data.reads or ():
            edges[path].update(_local_targets(here, entry, files))
    for path, sync in index.facts(GITOPS_SYNC):
        data = sync.data
        what = f"{data.kind} {data.name}"
        if data.kind == "ApplicationSet" and _TEMPLATED.search(str(data.path or "")):
            syncs.setdefault(path, []).append((what, "an ApplicationSet whose generators make its path"))
            continue
        resolved = _sync_targets(path, str(data.path or "."), files)
        if resolved is None:
            why = ("its path is templated" if _TEMPLATED.search(str(data.path or ""))
                   else f"its path {data.path!r} is in no folder of the repository")
            syncs.setdefault(path, []).append((what, why))
            continue
        syncs.setdefault(path, []).append((what, None))
        edges.setdefault(path, set()).update(resolved[1])
    opaque = opaque_templates(index)
    for path, found in local_chart_files(index, files).items():
        edges.setdefault(path, set()).update(found)
    for found in edges.values():
        found.discard("")
    return _answer(edges, kustomizations, syncs, files, frozenset(opaque))


def local_chart_files(index: RepoIndex, files: _Files) -> dict[str, set[str]]:
    """The files of the repository's own charts each HelmRelease/HelmChart installs, by the file
    that installs them (a chart is deployed through its release)."""
    charts: dict[str, set[str]] = {}
    for path, install in index.facts(INSTALL):
        chart = install.data
        if chart.local and chart.chart and chart.via in ("HelmRelease", "HelmChart"):
            resolved = _sync_targets(path, str(chart.chart), files)
            if resolved is not None:
                charts.setdefault(path, set()).update(f for folder in resolved[0] for f in files.under(folder))
    return charts


def opaque_templates(index: RepoIndex) -> set[str]:
    """Templated files that deploy something only rendering would show (a sync in a chart template)."""
    return {str(template.data.path) for _, template in index.facts(HELM_TEMPLATE)
            if template.data.deploys and template.data.path}


def _closure(starts: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(starts)
    stack = list(seen)
    while stack:
        for target in edges.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _retired(files: _Files, reached: frozenset = frozenset()) -> dict[str, str]:
    """Files in a retired folder that no entry point reaches."""
    out = {}
    charts = frozenset(posixpath.dirname(p) for p in files.sorted if posixpath.basename(p) == "Chart.yaml")
    for path in files.sorted:
        folder = retired_folder(path, charts)
        if folder is not None and path not in reached:
            out[path] = f"in {folder}/, a folder of retired files, and no GitOps entry point reaches it"
    return out


def _answer(edges: dict[str, set[str]], kustomizations: dict[str, list[str]],
            syncs: dict[str, list[tuple[str, str | None]]], files: _Files, opaque: frozenset = frozenset()) -> Reach:
    candidates = set(kustomizations) | set(syncs)
    if not candidates:
        return Reach(undeployed=_retired(files))
    referrers: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            if target != source:
                referrers.setdefault(target, set()).add(source)
    # entry candidates: referenced by nothing, or only from inside their own cycle
    unreferenced = {}
    for node in sorted(candidates):
        refs = referrers.get(node, set())
        own = _closure([node], edges)  # what it leads to (a cycle through it included)
        if refs <= own:
            unreferenced[node] = own
    excluded: dict[str, str] = {}
    for node in unreferenced:
        folder = retired_folder(node)
        if folder is not None:
            excluded[node] = f"in {folder}/, a folder of retired files"
    first = [n for n in unreferenced if n not in excluded]
    reached_first = frozenset(_closure(first, edges))
    if not any(path in syncs for path in reached_first):
        # no GitOps controller deploys from here (plain Kustomize bases and overlays, meant to
        # be combined by whoever applies them): only retired folders say anything
        return Reach(frozenset(first), reached_first, _retired(files, reached_first))
    for node in first:
        left_out = _left_out(node, kustomizations, reached_first, unreferenced[node])
        if left_out is not None:
            excluded[node] = left_out
    roots = frozenset(n for n in unreferenced if n not in excluded)
    if not roots:
        return Reach(undeployed=_retired(files))
    reached = frozenset(_closure(roots, edges))
    for path in sorted(reached):
        for what, why in syncs.get(path, ()):
            if why is not None:
                return Reach(roots, reached, unresolved=f"{what} in {path} cannot be followed: {why}")
        if path in opaque:
            return Reach(roots, reached, unresolved=f"the Helm template {path} names an Application, Kustomization "
                                                    "or HelmRelease that only rendering tells (charts are not rendered)")
    undeployed: dict[str, str] = _retired(files, reached)
    for node, why in sorted(excluded.items()):
        for path in sorted(_closure([node], edges) - reached):
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


def undeployed_kind(kind: FileKind | None) -> bool:
    """Whether a file of this kind can be called not deployed (a GitOps kind)."""
    return kind in KINDS
