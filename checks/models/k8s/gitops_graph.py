"""The GitOps graph: which files the repository's Flux, Argo CD and Kustomize entry points reach.

One model, asked two questions:

* :mod:`.reachability`: is a file deployed at all (what no entry point reaches, a retired folder,
  an app an overlay leaves out of its list)?
* :mod:`.environments`: which environments' entry points deploy it (the graph walked with the
  values Flux substitutes)?

The graph's nodes are files of :data:`KINDS`; its edges are what builds or applies what:

* a kustomization -> every local file and folder of its ``resources``/``bases``/``components``
  and the files it reads (patches, generators, ``helmCharts`` values), over every document of
  the file; a folder means the kustomization in it (or, when it has none, every file below it);
  a remote entry holds none of the repository's files; a templated one cannot be followed
  (:attr:`Listing.blocked`);
* a file holding a Flux ``Kustomization`` or an Argo CD ``Application``/``ApplicationSet``
  (a :class:`Sync`) -> its ``path``: the kustomization there, or every file below it (Flux
  generates one);
* a file holding a ``HelmRelease`` or ``HelmChart`` of a chart in the repository -> the files of
  the chart's folder (a chart is deployed through its release);
* a Helm chart template that names a sync is *opaque*: only rendering would tell what it deploys.

A sync path is relative to its source's root, which is the repository or a folder of it pushed
as an artifact (an ``OCIRepository`` of ``./kubernetes``): it resolves against the repository
root and every folder above the file that declares it; every match counts
(:meth:`GitopsGraph.sync_targets`).

The graph is read two ways:

* **as written** (:meth:`GitopsGraph.written`): every sync followed with its path as written; a
  templated path, a path in no folder of the repository or an ``ApplicationSet`` whose generators
  make the path is a sync that cannot be followed;
* **walked with values** (:meth:`GitopsGraph.walk`, one entry point at a time): a Flux
  ``Kustomization``'s ``postBuild.substitute`` values apply to what its build holds, so a child's
  ``path: ./apps/mi/${ENVIRONMENT}/${CLUSTER}`` resolves with the values its parent sync set; a
  variable a sync does not set keeps the value an enclosing sync gave it (``${X:-default}`` takes
  its default when nothing set it).

Either way, a Flux ``Kustomization`` without a ``path`` in a file a kustomization reads is a patch
of another one's fields (its ``postBuild`` values), not a sync (:meth:`GitopsGraph.patch_only`).

**Entry points** (:func:`unreferenced`) are the nodes nothing else in the graph points at, or
only the cycle they lead into (Flux's bootstrap: ``clusters/prod`` holds the Kustomization that
syncs ``./clusters/prod``).
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
#: the index topics the graph is built from (files of those kinds appearing or vanishing too)
TOPICS = (str(KUSTOMIZATION), str(GITOPS_SYNC), str(INSTALL), str(HELM_TEMPLATE)) + tuple(f"kind:{k.value}" for k in KINDS)
#: folder names that say their files are retired
RETIRED = frozenset({"archive", "archives", "archived", ".archive", "_archive", ".archived", "attic", "deprecated",
                     "old", ".old", "retired", "unused", "graveyard", "disabled", ".disabled"})
#: text a GitOps tool or template fills in (``${VAR}``, ``{{ .Values }}``, ``$(VAR)``, ``<%= %>``)
TEMPLATED = re.compile(r"\$\{|\{\{|\$\(|<%")
#: how many (file, values) states the walks of one question may visit before they give up
BUDGET = 200_000
_KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*))?\}")


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


def substitute(text: str, values: dict[str, str]) -> str:
    """``text`` with Flux's ``${VAR}`` / ``${VAR:-default}`` replaced where a value is known."""
    def one(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in values:
            return values[name]
        return default if default is not None else match.group(0)
    return _VARIABLE.sub(one, text)


def closure(starts: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    """Every node reachable from ``starts`` (themselves included)."""
    seen = set(starts)
    stack = list(seen)
    while stack:
        for target in edges.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def unreferenced(nodes: Iterable[str], edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Node -> what it leads to, for each of ``nodes`` that nothing in ``edges`` points at, or only
    nodes of the cycle it leads into (in path order)."""
    referrers: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            if target != source:
                referrers.setdefault(target, set()).add(source)
    out = {}
    for node in sorted(nodes):
        own = closure([node], edges)
        if referrers.get(node, set()) <= own:
            out[node] = own
    return out


class Files:
    """The files of the GitOps kinds, for folder questions."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.sorted = sorted(paths)
        self.known = frozenset(self.sorted)

    def under(self, folder: str) -> list[str]:
        """Every file below ``folder`` (the whole repository for ``""`` or ``"."``)."""
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

    def folder_targets(self, folder: str) -> list[str]:
        """What applying a folder takes in: its kustomization, or every file below it."""
        found = self.kustomization_in(folder)
        return [found] if found is not None else self.under(folder)

    def entry_targets(self, here: str, entry: str) -> list[str]:
        """The files one kustomization entry (relative to the folder ``here``) names: none for a
        remote, templated or missing one."""
        text = str(entry).strip()
        if not text or is_remote(text) or "://" in text or TEMPLATED.search(text):
            return []
        target = _norm(posixpath.join(here, text))
        if target is None:
            return []
        if target in self.known:
            return [target]
        return self.folder_targets(target) if self.is_folder(target) else []

    def sync_targets(self, declared_in: str, path: str) -> tuple[list[str], list[str]] | None:
        """(folders, files) a sync path means, resolved against the repository root and every
        folder above the file that declares it; None when it resolves nowhere."""
        text = path.strip()
        if TEMPLATED.search(text) or text.startswith("/") and len(text) > 1:
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
            if target in self.known:
                folders.append(target)
                targets.append(target)
            elif self.is_folder(target):
                folders.append(target)
                targets.extend(self.folder_targets(target))
        return (folders, targets) if folders else None


def _norm(path: str) -> str | None:
    """A repository path, or None when it leaves the repository."""
    path = posixpath.normpath(path)
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


@dataclass(frozen=True)
class Listing:
    """What one kustomization file names, over all its documents."""

    #: the files its ``resources``/``bases``/``components`` take in
    listed: tuple[str, ...] = ()
    #: the files it reads (patches, generators, ``helmCharts`` values)
    reads: tuple[str, ...] = ()
    #: why one of its entries cannot be followed (a templated entry), if one cannot
    blocked: str | None = None


@dataclass(frozen=True)
class Sync:
    """A Flux ``Kustomization`` or Argo CD ``Application``/``ApplicationSet`` source."""

    #: ``"<kind> <name>"``, for messages
    what: str
    kind: str
    #: its path as written (``"."`` when none)
    path: str
    #: a Flux Kustomization's ``postBuild.substitute`` (name, value) pairs
    substitute: tuple[tuple[str, str], ...] = ()
    #: whether the path was written (always for Argo CD; a Flux Kustomization without one syncs
    #: its source's root, or is a patch of another Kustomization's fields)
    written: bool = True


@dataclass
class Walk:
    """One entry point's walk with values: the files it reaches and the syncs it could not follow."""

    files: set[str] = field(default_factory=set)
    edges: dict[str, set[str]] = field(default_factory=dict)
    #: (file, sync number) -> why it could not be followed, for syncs no visit resolved
    failed: dict[tuple[str, int], str] = field(default_factory=dict)
    resolved: set[tuple[str, int]] = field(default_factory=set)
    #: a kustomization entry that cannot be read, a Helm template that names a sync, or a walk too large
    blocked: str | None = None

    def unresolved(self) -> str | None:
        """Why the walk was not followed whole, or None."""
        if self.blocked is not None:
            return self.blocked
        for key, why in sorted(self.failed.items()):
            if key not in self.resolved:
                return why
        return None


@dataclass
class Budget:
    """How many more (file, values) states walks may visit (shared by the walks of one question)."""

    left: int = BUDGET


class GitopsGraph:
    """The graph of one repository (see the module docstring); build it with :meth:`of`."""

    def __init__(self, files: Files, kustomizations: dict[str, Listing], syncs: dict[str, tuple[Sync, ...]],
                 charts: dict[str, set[str]], opaque: frozenset[str]) -> None:
        #: the files of :data:`KINDS`
        self.files = files
        #: kustomization file -> what it names
        self.kustomizations = kustomizations
        #: file -> the syncs it holds, in document order
        self.syncs = syncs
        #: file holding a HelmRelease/HelmChart of a chart in the repository -> the chart's files
        self.charts = charts
        #: Helm templates that name a sync (only rendering tells what they deploy)
        self.opaque = opaque
        #: files a kustomization reads (patches, generators)
        self.patches = frozenset(t for listing in kustomizations.values() for t in listing.reads)
        self._synced: dict[tuple[str, str], tuple[list[str], list[str]] | None] = {}

    @staticmethod
    def of(index: RepoIndex) -> GitopsGraph:
        """The repository's graph, built once until one of :data:`TOPICS` changes."""
        return index.derived("gitops:graph", TOPICS, GitopsGraph.build)

    @staticmethod
    def build(index: RepoIndex) -> GitopsGraph:
        """Build the graph from the index (topics :data:`TOPICS` only)."""
        files = Files(p for kind in KINDS for p in index.files(kind))
        entries: dict[str, tuple[list[str], list[str], str | None]] = {}
        for path, fact in index.facts(KUSTOMIZATION):
            here = posixpath.dirname(path)
            listed, reads, blocked = entries.setdefault(path, ([], [], None))
            for entry in list(fact.data.resources or ()) + list(fact.data.components or ()):
                listed.extend(files.entry_targets(here, entry))
            for entry in fact.data.reads or ():
                reads.extend(files.entry_targets(here, entry))
            for entry in list(fact.data.resources or ()) + list(fact.data.components or ()) + list(fact.data.reads or ()):
                text = str(entry).strip()
                if TEMPLATED.search(text):
                    blocked = f"{path} lists {text!r}, which cannot be followed"
            entries[path] = (listed, reads, blocked)
        syncs: dict[str, list[Sync]] = {}
        for path, sync in index.facts(GITOPS_SYNC):
            data = sync.data
            syncs.setdefault(path, []).append(Sync(
                f"{data.kind} {data.name}", str(data.kind), str(data.path or "."), data.substitute or (),
                data.controller != "flux" or bool(data.has_path)))
        charts: dict[str, set[str]] = {}
        for path, install in index.facts(INSTALL):
            chart = install.data
            if chart.local and chart.chart and chart.via in ("HelmRelease", "HelmChart"):
                resolved = files.sync_targets(path, str(chart.chart))
                if resolved is not None:
                    charts.setdefault(path, set()).update(f for folder in resolved[0] for f in files.under(folder))
        opaque = frozenset(str(template.data.path) for _, template in index.facts(HELM_TEMPLATE)
                           if template.data.deploys and template.data.path)
        return GitopsGraph(files, {path: Listing(tuple(listed), tuple(reads), blocked)
                                   for path, (listed, reads, blocked) in entries.items()},
                           {path: tuple(found) for path, found in syncs.items()}, charts, opaque)

    def sync_targets(self, declared_in: str, path: str) -> tuple[list[str], list[str]] | None:
        """:meth:`Files.sync_targets`, remembered."""
        key = (declared_in, path)
        if key not in self._synced:
            self._synced[key] = self.files.sync_targets(declared_in, path)
        return self._synced[key]

    def patch_only(self, path: str, sync: Sync) -> bool:
        """Whether ``sync`` is a patch that sets another Flux Kustomization's fields (its postBuild
        values), not a sync: it has no path and a kustomization reads its file."""
        return not sync.written and path in self.patches

    # -- as written ---------------------------------------------------------------------------
    def written(self) -> tuple[dict[str, set[str]], dict[str, list[tuple[str, str | None]]]]:
        """The graph as written: (file -> what it builds or applies, file -> each sync it holds
        with why it cannot be followed, None when it can)."""
        edges: dict[str, set[str]] = {}
        for path, listing in self.kustomizations.items():
            edges.setdefault(path, set()).update(listing.listed, listing.reads)
        followed: dict[str, list[tuple[str, str | None]]] = {}
        for path, syncs in self.syncs.items():
            for sync in syncs:
                if self.patch_only(path, sync):
                    continue
                if sync.kind == "ApplicationSet" and TEMPLATED.search(sync.path):
                    followed.setdefault(path, []).append((sync.what, "an ApplicationSet whose generators make its path"))
                    continue
                resolved = self.sync_targets(path, sync.path)
                if resolved is None:
                    why = ("its path is templated" if TEMPLATED.search(sync.path)
                           else f"its path {sync.path!r} is in no folder of the repository")
                    followed.setdefault(path, []).append((sync.what, why))
                    continue
                followed.setdefault(path, []).append((sync.what, None))
                edges.setdefault(path, set()).update(resolved[1])
        for path, found in self.charts.items():
            edges.setdefault(path, set()).update(found)
        for found in edges.values():
            found.discard("")
        return edges, followed

    # -- walked with values -------------------------------------------------------------------
    def targets(self, path: str, values: dict[str, str], root: str | None = None,
                out: Walk | None = None) -> list[tuple[str, dict[str, str]]]:
        """What one file deploys, each with the values in effect where it is built; what cannot be
        followed goes to ``out`` (the walk from ``root``)."""
        out = out if out is not None else Walk()
        if path in self.opaque:
            out.blocked = f"the Helm template {path} names a sync only rendering tells"
        listing = self.kustomizations.get(path, Listing())
        if listing.blocked is not None:
            out.blocked = listing.blocked
        found: list[tuple[str, dict[str, str]]] = [(t, values) for t in listing.listed + listing.reads]
        for number, sync in enumerate(self.syncs.get(path, ())):
            if self.patch_only(path, sync):
                continue
            resolved_path = substitute(sync.path, values)
            resolved = None if TEMPLATED.search(resolved_path) else self.sync_targets(path, resolved_path)
            if resolved is None:
                why = "its path is templated" if TEMPLATED.search(resolved_path) else \
                    f"its path {resolved_path!r} is in no folder of the repository"
                if path == root and not values and TEMPLATED.search(resolved_path):
                    # an entry point whose own path needs values nothing gives it: applied as it is,
                    # it syncs no folder (a sync file no cluster includes), so it deploys nothing
                    continue
                out.failed.setdefault((path, number), f"{sync.what} in {path} cannot be followed: {why}")
                continue
            out.resolved.add((path, number))
            child = dict(values)
            for name, value in sync.substitute:
                value = substitute(value, values)
                if TEMPLATED.search(value):
                    child.pop(name, None)
                else:
                    child[name] = value
            found.extend((t, child) for t in resolved[1])
        found.extend((t, values) for t in sorted(self.charts.get(path, ())))
        return [(t, v) for t, v in found if t and (t != path or v != values)]

    def walk(self, root: str, budget: Budget) -> Walk:
        """Everything ``root`` deploys, following each sync with the values in effect where it is."""
        seen: set[tuple[str, frozenset]] = set()
        out = Walk()
        stack: list[tuple[str, dict[str, str]]] = [(root, {})]
        while stack:
            path, values = stack.pop()
            state = (path, frozenset(values.items()))
            if state in seen:
                continue
            seen.add(state)
            budget.left -= 1
            if budget.left < 0:
                out.blocked = "the graph is too large to follow"
                return out
            out.files.add(path)
            for target, target_values in self.targets(path, values, root, out):
                out.edges.setdefault(path, set()).add(target)
                stack.append((target, target_values))
        return out
