"""Which environments deploy a file: the Kustomize/Flux graph walked from each entry point.

A multi-environment GitOps repository keeps one entry point per environment (``clusters/prod``,
``clusters/sbox/00``, ``overlays/staging``) over shared bases and per-environment patches.  A
file that only non-production entry points reach (a sandbox-only test CronJob, an SFTP server
that the prod overlay leaves out, the ``demo.yaml`` patch of the demo overlay) is not the
production cluster's; a file any production entry point reaches is.

The graph is :mod:`.gitops_graph`'s (kustomization entries and the files they read, Flux
``Kustomization``/Argo CD sync paths, local Helm charts), walked from each entry point with the
variables Flux substitutes (:meth:`.gitops_graph.GitopsGraph.walk`): a Flux ``Kustomization``'s ``postBuild.substitute`` values apply to
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
from .gitops_graph import TOPICS, Budget, GitopsGraph, Walk, retired_folder, unreferenced

if TYPE_CHECKING:  # pragma: no cover
    from ...facts import RepoIndex

__all__ = ("TOPICS", "PRODUCTION_WORDS", "NONPRODUCTION_WORDS", "Environments", "environments", "environment_of",
           "nonproduction_only")

#: folder names of production environments
PRODUCTION_WORDS = frozenset({"prod", "production", "prd", "live", "prod1", "prod2"})
#: folder names of non-production environments (shared or not, none serves the real users)
NONPRODUCTION_WORDS = frozenset({
    "dev", "develop", "development", "sbox", "sandbox", "test", "testing", "tst", "qa", "uat", "stg", "staging",
    "stage", "preprod", "pre-prod", "demo", "ithc", "aat", "perftest", "perf", "nonprod", "non-prod", "int",
    "integration", "sit", "review", "preview", "local", "ci", "e2e", "lab", "playground",
})


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


def environments(index: RepoIndex) -> Environments:
    """Walk the repository's graph from every entry point (index topics :data:`TOPICS` only)."""
    graph = GitopsGraph.of(index)
    if not graph.syncs:
        return Environments(unresolved="no GitOps sync in the repository")
    budget = Budget()
    nodes = set(graph.kustomizations) | set(graph.syncs) | set(graph.charts)
    first: dict[str, set[str]] = {node: {t for t, _ in graph.targets(node, {})} for node in nodes}
    # walked: what nothing in the graph without values points at, or only its own cycle
    candidates = unreferenced(set(graph.kustomizations) | set(graph.syncs), first)
    static: dict[str, set[str]] = {}
    walks: dict[str, Walk] = {}
    for node in sorted(candidates):
        if retired_folder(node) is None:
            walks[node] = graph.walk(node, budget)
            for source, targets in walks[node].edges.items():
                static.setdefault(source, set()).update(targets)
    entry = list(unreferenced(walks, static))
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
                        *_undeployed(roots, walks, reached_by, unresolved, manifests))


def _undeployed(roots: dict[str, str], walks: dict[str, Walk], reached_by: dict[str, set[str]],
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


def _covers(outer: Walk, inner: Walk, node: str, other: str) -> bool:
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
