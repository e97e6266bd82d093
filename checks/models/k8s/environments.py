"""Which environments deploy a file: the Kustomize/Flux graph walked from each entry point.

A multi-environment GitOps repository keeps one entry point per environment (``clusters/prod``,
``clusters/sbox/00``, ``overlays/staging``) over shared bases and per-environment patches.  A
file that only non-production entry points reach (a sandbox-only test CronJob, an SFTP server
that the prod overlay leaves out, the ``demo.yaml`` patch of the demo overlay) is not the
production cluster's; a file any production entry point reaches is.

The graph is :mod:`.reachability`'s (kustomization entries and the files they read, Flux
``Kustomization``/Argo CD sync paths, local Helm charts), walked from each entry point with the
variables Flux substitutes: a Flux ``Kustomization``'s ``postBuild.substitute`` values apply to
what its build holds, so a child's ``path: ./apps/mi/${ENVIRONMENT}/${CLUSTER}`` resolves with
the values its parent sync set (``ENVIRONMENT: "demo"``, ``CLUSTER: "00"``); a variable a sync
does not set keeps the value an enclosing sync gave it (defaults patches set them on every
Kustomization; ``${X:-default}`` takes its default when nothing set it).

An entry point's environment is the first folder of its path, deepest first, that names one
(:data:`PRODUCTION_WORDS`, :data:`NONPRODUCTION_WORDS`, extended by the configuration's
``[environments]``); an entry point no folder names is of an unknown environment, counted as
production.

Nothing is claimed (:attr:`Environments.unresolved`) unless the repository has a production
entry point and every entry point that is not known to be non-production was followed whole:
no templated path left unresolved, no remote or templated kustomization entry it depends on
unread, no Helm template that names a sync.  Then each file reached gets the environments of
the entry points that reach it; :func:`nonproduction_only` says whether those are all
non-production.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..base import FileKind
from ..components import is_remote
from ..topics import GITOPS_SYNC, KUSTOMIZATION
from .reachability import (
    KINDS,
    _closure,
    _Files,
    _local_targets,
    _sync_targets,
    local_chart_files,
    opaque_templates,
    retired_folder,
)

if TYPE_CHECKING:  # pragma: no cover
    from ...facts import RepoIndex

#: folder names of production environments
PRODUCTION_WORDS = frozenset({"prod", "production", "prd", "live", "prod1", "prod2"})
#: folder names of non-production environments (shared or not, none serves the real users)
NONPRODUCTION_WORDS = frozenset({
    "dev", "develop", "development", "sbox", "sandbox", "test", "testing", "tst", "qa", "uat", "stg", "staging",
    "stage", "preprod", "pre-prod", "demo", "ithc", "aat", "perftest", "perf", "nonprod", "non-prod", "int",
    "integration", "sit", "review", "preview", "local", "ci", "e2e", "lab", "playground",
})
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*))?\}")
_TEMPLATED = re.compile(r"\$\{|\{\{|\$\(|<%")
#: how many (file, variables) states one analysis may visit before it gives up
_BUDGET = 200_000


@dataclass(frozen=True)
class Environments:
    """What each environment's entry points deploy (see the module docstring)."""

    #: entry point -> its environment (a folder name; "" when no folder names one)
    roots: dict = field(default_factory=dict)
    #: file -> the entry points that reach it
    reached_by: dict = field(default_factory=dict)
    #: entry point -> why its walk could not be followed whole
    unresolved_roots: dict = field(default_factory=dict)
    #: entry point -> how many files it reaches (the widest is shown first)
    sizes: dict = field(default_factory=dict)
    #: file -> why no GitOps sync deploys it (only when every bootstrap entry point was followed whole)
    undeployed: dict = field(default_factory=dict)
    #: the entry points a sync leads back to (Flux's bootstrap), when every one was followed whole
    bootstrap: frozenset = frozenset()
    #: why nothing is claimed at all
    unresolved: str | None = None


def substitute(text: str, values: dict[str, str]) -> str:
    """``text`` with Flux's ``${VAR}`` / ``${VAR:-default}`` replaced where a value is known."""
    def one(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in values:
            return values[name]
        return default if default is not None else match.group(0)
    return _VARIABLE.sub(one, text)


def environment_of(path: str, production: frozenset = PRODUCTION_WORDS,
                   nonproduction: frozenset = NONPRODUCTION_WORDS) -> str:
    """The environment an entry point's folders name, deepest first (``clusters/demo/00`` is demo)."""
    for folder in reversed(path.split("/")[:-1]):
        name = folder.lower()
        first = re.split(r"[-_.]", name, maxsplit=1)[0]
        for word in (name, first):
            if word in production or word in nonproduction:
                return word
    return ""


class _Walk:
    """One entry point's walk: the files it reaches and the syncs it could not follow."""

    def __init__(self) -> None:
        self.files: set[str] = set()
        self.edges: dict[str, set[str]] = {}
        #: (file, sync index) -> why it could not be followed, for syncs no visit resolved
        self.failed: dict[tuple[str, int], str] = {}
        self.resolved: set[tuple[str, int]] = set()
        self.blocked: str | None = None  # a kustomization entry that cannot be read

    def unresolved(self) -> str | None:
        if self.blocked is not None:
            return self.blocked
        for key, why in sorted(self.failed.items()):
            if key not in self.resolved:
                return why
        return None


def environments(index: RepoIndex) -> Environments:
    """Walk the graph from every entry point (index topics of :mod:`.reachability` only)."""
    files = _Files(p for kind in KINDS for p in index.files(kind))
    entries: dict[str, tuple[list[str], list[str]]] = {}
    for path, fact in index.facts(KUSTOMIZATION):
        entries[path] = (list(fact.data.resources or ()) + list(fact.data.components or ()), list(fact.data.reads or ()))
    patches = {t for path, (_, reads) in entries.items() for r in reads
               for t in _local_targets(posixpath.dirname(path), str(r).strip(), files)}
    syncs: dict[str, list[tuple[str, str, tuple, bool]]] = {}
    for path, sync in index.facts(GITOPS_SYNC):
        data = sync.data
        syncs.setdefault(path, []).append((f"{data.kind} {data.name}", str(data.path or "."), data.substitute or (),
                                           data.controller != "flux" or bool(data.has_path)))
    charts = local_chart_files(index, files)
    opaque = opaque_templates(index)
    if not syncs:
        return Environments(unresolved="no GitOps sync in the repository")
    budget = [_BUDGET]

    listed_cache: dict[str, tuple[list[str], str | None]] = {}
    synced_cache: dict[tuple[str, str], tuple[list[str], list[str]] | None] = {}

    def listed_of(path: str) -> tuple[list[str], str | None]:
        """The files a kustomization lists and reads (values do not apply to it), and why one
        of its entries cannot be followed."""
        found = listed_cache.get(path)
        if found is None:
            here = posixpath.dirname(path)
            targets: list[str] = []
            blocked = None
            listed, reads = entries.get(path, ((), ()))
            for entry in list(listed) + list(reads):
                text = str(entry).strip()
                if _TEMPLATED.search(text):
                    blocked = f"{path} lists {text!r}, which cannot be followed"
                elif not (is_remote(text) or "://" in text):  # a remote base holds none of the repository's files
                    targets.extend(_local_targets(here, text, files))
            found = listed_cache[path] = (targets, blocked)
        return found

    def synced(path: str, sync_path: str) -> tuple[list[str], list[str]] | None:
        key = (path, sync_path)
        if key not in synced_cache:
            synced_cache[key] = _sync_targets(path, sync_path, files)
        return synced_cache[key]

    def step(path: str, values: dict[str, str], root: str | None, out: _Walk) -> list[tuple[str, dict[str, str]]]:
        """What one file deploys, with the values in effect where it is built."""
        if path in opaque:
            out.blocked = f"the Helm template {path} names a sync only rendering tells"
        listed, blocked = listed_of(path)
        if blocked is not None:
            out.blocked = blocked
        targets: list[tuple[str, dict[str, str]]] = [(t, values) for t in listed]
        for number, (what, sync_path, pairs, written) in enumerate(syncs.get(path, ())):
            if not written and path in patches:
                continue  # a patch that sets a Kustomization's other fields (postBuild values), not a sync
            resolved_path = substitute(sync_path, values)
            found = None if _TEMPLATED.search(resolved_path) else synced(path, resolved_path)
            if found is None:
                why = "its path is templated" if _TEMPLATED.search(resolved_path) else \
                    f"its path {resolved_path!r} is in no folder of the repository"
                if path == root and not values and _TEMPLATED.search(resolved_path):
                    # an entry point whose own path needs values nothing gives it: applied as it is,
                    # it syncs no folder (a sync file no cluster includes), so it deploys nothing
                    continue
                out.failed.setdefault((path, number), f"{what} in {path} cannot be followed: {why}")
                continue
            out.resolved.add((path, number))
            child = dict(values)
            for name, value in pairs:
                value = substitute(value, values)
                if _TEMPLATED.search(value):
                    child.pop(name, None)
                else:
                    child[name] = value
            targets.extend((t, child) for t in found[1])
        targets.extend((t, values) for t in sorted(charts.get(path, ())))
        return [(t, v) for t, v in targets if t and (t != path or v != values)]

    def walk(root: str) -> _Walk:
        seen: set[tuple[str, frozenset]] = set()
        out = _Walk()
        stack: list[tuple[str, dict[str, str]]] = [(root, {})]
        while stack:
            path, values = stack.pop()
            state = (path, frozenset(values.items()))
            if state in seen:
                continue
            seen.add(state)
            budget[0] -= 1
            if budget[0] < 0:
                out.blocked = "the graph is too large to follow"
                return out
            out.files.add(path)
            for target, target_values in step(path, values, root, out):
                out.edges.setdefault(path, set()).add(target)
                stack.append((target, target_values))
        return out

    nodes = set(entries) | set(syncs) | set(charts)
    first: dict[str, set[str]] = {node: {t for t, _ in step(node, {}, None, _Walk())} for node in nodes}
    pointed: dict[str, set[str]] = {}
    for source, targets in first.items():
        for target in targets:
            if target != source:
                pointed.setdefault(target, set()).add(source)
    # walked: what nothing in the graph without values points at, or only its own cycle
    candidates = {node for node in set(entries) | set(syncs)
                  if not pointed.get(node) or pointed[node] <= _closure([node], first)}
    static: dict[str, set[str]] = {}
    walks: dict[str, _Walk] = {}
    for node in sorted(candidates):
        if retired_folder(node) is None:
            walks[node] = walk(node)
            for source, targets in walks[node].edges.items():
                static.setdefault(source, set()).update(targets)
    referrers: dict[str, set[str]] = {}
    for source, targets in static.items():
        for target in targets:
            if target != source:
                referrers.setdefault(target, set()).add(source)
    entry = [node for node in sorted(walks) if referrers.get(node, set()) <= _closure([node], static)]
    roots: dict[str, str] = {}
    for node in entry:
        if not any(_covers(walks[other], walks[node], node, other) for other in entry if other != node):
            roots[node] = environment_of(node)
    reached_by: dict[str, set[str]] = {}
    for root in roots:
        for path in walks[root].files:
            reached_by.setdefault(path, set()).add(root)
    unresolved = {root: why for root in roots if (why := walks[root].unresolved()) is not None}
    manifests = frozenset(index.files(FileKind.KUBERNETES))
    return Environments(roots, {k: frozenset(v) for k, v in reached_by.items()}, unresolved,
                        {root: len(walks[root].files) for root in roots},
                        *_unreferenced(roots, walks, reached_by, unresolved, manifests))


def _unreferenced(roots: dict[str, str], walks: dict[str, _Walk], reached_by: dict[str, set[str]],
                  unresolved: dict[str, str], manifests: frozenset) -> tuple[dict[str, str], frozenset]:
    """Files no GitOps sync deploys, once the whole graph was followed: those only entry points that
    are not syncs' bootstrap reach (a kustomization no kustomization lists and no sync's path
    reaches), and manifests no kustomization lists in a folder whose other manifests the syncs
    deploy (a patch file beside the ones the overlays use)."""
    bootstrap = {root for root in roots if any(root in targets for targets in walks[root].edges.values())}
    if not bootstrap or unresolved:
        return {}, frozenset()
    if any(walks[root].resolved for root in roots if root not in bootstrap):
        # a sync applied from outside the repository (its bootstrap is not committed): what the
        # repository's own bootstrap does not reach may still be deployed
        return {}, frozenset()
    deployed = {path for path, by in reached_by.items() if by & bootstrap}
    out: dict[str, str] = {}
    for path, by in sorted(reached_by.items()):
        if path not in deployed:
            root = sorted(by)[0]
            out[path] = (f"no GitOps sync deploys it: only {root} reaches it, which no kustomization lists and "
                         "no sync's path reaches" if path != root else
                         "no GitOps sync deploys it: no kustomization lists it and no sync's path reaches it")
    folders: dict[str, list[str]] = {}
    for path in deployed:
        if path in manifests:
            folders.setdefault(posixpath.dirname(path), []).append(path)
    for path in sorted(manifests - deployed - set(out)):
        beside = sorted(folders.get(posixpath.dirname(path), ()))
        if beside:
            out[path] = (f"no GitOps sync deploys it: no kustomization lists it, while the syncs deploy "
                         f"{beside[0]} beside it{' and more' if len(beside) > 1 else ''}")
    return out, frozenset(bootstrap)


def _covers(outer: _Walk, inner: _Walk, node: str, other: str) -> bool:
    """Whether ``node``'s walk is part of ``other``'s: ``other`` reaches it and it does not reach
    back, or both reach each other (one cycle) and only ``other`` was followed whole (``node`` was
    walked without the values ``other``'s syncs give it: ``clusters/demo/base`` under ``clusters/demo/00``)."""
    if node not in outer.files:
        return False
    if other not in inner.files:
        return True
    return outer.unresolved() is None and inner.unresolved() is not None


def nonproduction_only(found: Environments, path: str, production: frozenset = PRODUCTION_WORDS,
                       nonproduction: frozenset = NONPRODUCTION_WORDS) -> str | None:
    """Why ``path`` is deployed only to non-production environments, or None: when a production
    (or unnamed) entry point reaches it, when the repository has no production entry point, or
    when an entry point that may be production could not be followed whole."""
    if found.unresolved is not None:
        return None
    envs = {root: _env(root, found, production, nonproduction) for root in found.roots}
    if any(env not in nonproduction or env in production for root, env in envs.items()
           if root in found.unresolved_roots):
        return None  # an entry point that may be production was not followed whole
    reaching = found.reached_by.get(path)
    if reaching and found.bootstrap:
        reaching = reaching & found.bootstrap  # what no sync deploys says nothing of where this runs
    if not reaching:
        return None
    if not any(env in production for env in envs.values()):
        return None
    named = sorted({envs[root] for root in reaching})
    if not named or not all(env in nonproduction and env not in production for env in named):
        return None
    def widest(roots: Iterable[str]) -> list[str]:
        return sorted(roots, key=lambda root: (-found.sizes.get(root, 0), root))

    prod = widest(root for root, env in envs.items() if env in production)
    shown = widest(reaching)
    more = f" and {len(shown) - 2} more" if len(shown) > 2 else ""
    return (f"only entry points of non-production environments deploy it ({', '.join(named)}: "
            f"{', '.join(shown[:2])}{more}); no production entry point ({prod[0]}"
            f"{' and more' if len(prod) > 1 else ''}) reaches it")


def _env(root: str, found: Environments, production: frozenset, nonproduction: frozenset) -> str:
    if production is PRODUCTION_WORDS and nonproduction is NONPRODUCTION_WORDS:
        return found.roots[root]
    return environment_of(root, production, nonproduction)
