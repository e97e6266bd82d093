"""How Kustomize overlays reach the objects of their bases.

Shared by the checks that honour what an overlay changes (replica counts for K8S002,
K8S023, K8S070, K8S025; container settings for the overlay waivers in ``overlays.py``):
which kustomization builds which directory, whether a patch applies to an object, and
the replica counts overlays set in every form Kustomize accepts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from .facts import RepoIndex
from .models.k8s.patches import ANY_NAME, json6902_count
from .models.topics import KUSTOMIZATION, KUSTOMIZE_DETAILS, KUSTOMIZE_JSON6902


def json6902_file_counts(index: RepoIndex, details, kind: str) -> Iterator[tuple[str, str, int]]:
    """(file, target name, count) for each JSON6902 patch file of a kustomization that sets
    the replica (or operator member) count of ``kind`` objects."""
    for ppath, pkind, name in details.data.patch_files or ():
        if pkind not in (kind, ""):
            continue
        for fact in index.facts_in(KUSTOMIZE_JSON6902, ppath):
            count = json6902_count(fact.data.counts, kind)
            if count is not None:
                yield ppath, str(name), count


def same_namespace(a, b) -> bool:
    """Namespaces match when equal, or when one is left to the deploy tool (kustomize, -n)."""
    return a is None or b is None or a == b


def replica_count(fact) -> int | None:
    value = fact.data.replicas
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parent_dir(path: str) -> str:
    return posixpath.dirname(path)


def kustomize_reach(index: RepoIndex) -> dict[str, frozenset[str]]:
    """Kustomization directory -> every directory whose manifests its build takes in."""
    direct: dict[str, set[str]] = {}
    for path, fact in index.facts(KUSTOMIZATION):
        here = parent_dir(path)
        targets = direct.setdefault(here, set())
        for entry in list(fact.data.resources or ()) + list(fact.data.components or ()):
            text = str(entry).strip()
            if not text or "://" in text or text.startswith(("git@", "github.com/")):
                continue
            target = posixpath.normpath(posixpath.join(here, text))
            targets.add(target if posixpath.splitext(target)[1] not in (".yaml", ".yml", ".json") else parent_dir(target))
    reach: dict[str, frozenset[str]] = {}

    def visit(start: str) -> frozenset[str]:
        seen, stack = {start}, [start]
        while stack:
            for target in direct.get(stack.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        return frozenset(seen)

    for here in direct:
        reach[here] = visit(here)
    return reach


def owning_kustomization(path: str, kustomized: dict[str, frozenset[str]]) -> str | None:
    """The nearest directory at or above ``path`` that holds a kustomization."""
    here = parent_dir(path)
    while True:
        if here in kustomized:
            return here
        if not here or here in (".", "/"):
            return None
        here = parent_dir(here)


def _overlay_replicas(kind: str):
    def build(index: RepoIndex) -> dict[str, list[tuple]]:
        # overlays raise replicas three ways: a patch file (a partial copy of the object),
        # an inline patch in the kustomization, or its `replicas:` field
        reach = index.derived("kustomize:reach", ("kustomization",), kustomize_reach)
        out: dict[str, list[tuple]] = {}
        for ppath, patch in index.facts(f"k8s-patch:{kind}"):
            if replica_count(patch) is not None:
                out.setdefault(str(patch.data.name), []).append(
                    (ppath, owning_kustomization(ppath, reach), patch.data.namespace, replica_count(patch)))
        for kpath, details in index.facts(KUSTOMIZE_DETAILS):
            for name, count, *_ in details.data.replicas or ():
                out.setdefault(str(name), []).append((kpath, parent_dir(kpath), None, count))
            for pkind, name, count, *_ in details.data.patch_replicas or ():
                if pkind in (kind, ""):
                    out.setdefault(str(name), []).append((kpath, parent_dir(kpath), None, count))
            for ppath, name, count in json6902_file_counts(index, details, kind):
                out.setdefault(name, []).append((ppath, parent_dir(kpath), None, count))
        return out

    return build


def overlay_replicas(index: RepoIndex, path: str, kind: str, name: str, namespace) -> list[tuple[int, str]]:
    """(count, file) for each replica count an overlay sets for the workload ``kind/name`` in ``path``.

    An overlay counts when its kustomization builds the workload's directory (through
    ``resources``/``components``), or, where no kustomization says so, when it lives in
    the same project directory (the parent of the workload's folder).
    """
    table = index.derived(f"overlay-replicas:{kind}",
                          (f"k8s-patch:{kind}", "kustomize:details", "kustomization", "kustomize:json6902"),
                          _overlay_replicas(kind))
    named = [(entry, False) for entry in table.get(str(name), ())]
    anyone = [(entry, True) for entry in table.get(ANY_NAME, ()) if str(name) != ANY_NAME]
    if not named and not anyone:
        return []
    counts = [(count, source) for (source, owner, pns, count), wildcard in named + anyone
              if same_namespace(namespace, pns) and overlay_applies(index, path, source, owner, wildcard)]
    return sorted(counts, key=lambda item: (-item[0], item[1]))


def overlay_applies(index: RepoIndex, path: str, source: str, owner: str | None, wildcard: bool = False) -> bool:
    """Whether an overlay patch in ``source`` (of the kustomization in ``owner``) applies to ``path``'s object.

    It does when that kustomization builds the object's directory (through
    ``resources``/``components``), or, where no kustomization says so, when the patch lives
    in the same project directory (the parent of the object's folder).  A patch of every
    object of a kind (``wildcard``) counts only where its kustomization builds this one.
    """
    reach = index.derived("kustomize:reach", ("kustomization",), kustomize_reach)
    here = parent_dir(path)
    project = parent_dir(here)
    if owner is not None and here in reach.get(owner, ()):
        return True
    return not wildcard and source.startswith(project + "/" if project else "")
