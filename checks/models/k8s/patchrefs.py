"""Which manifests are Kustomize patches, and what ``replacements`` write into objects.

A strategic-merge patch looks like an object (``apiVersion``, ``kind``, ``metadata.name``) but
holds only what it changes: an Ingress patch may carry two annotations and no ``tls`` because
the object it patches decides that.  Judged as a whole object it yields "missing X" findings
that are not true of anything deployed.  A manifest is a patch when

- a kustomization (or Component) in its directory or above names it in ``patches``,
  ``patchesStrategicMerge`` or ``patchesJson6902`` (read here, in the engine's resolve step);
- it has no ``metadata.name`` (nor ``generateName``): no API server accepts it, so it is a
  fragment merged into a named object (see :func:`.objects.build_object`);
- it is a workload without the parts every complete one has (see :class:`.objects.WorkloadPatch`);
- or it lives in a ``patches/`` folder (or a ``*patch*`` file) under a kustomization and lacks
  what its kind needs to do anything on its own (an Ingress without rules or a default
  backend, a Service without ports): a patch a kustomization may name from elsewhere or a
  template a user copies in.

Patches keep their objects (``is_patch``); the engine gives them only to the checks that judge
what a patch *sets* (``CHECK.on(..., patches=True)``), and their facts are ``k8s-patch:<Kind>``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..base import Fact, ParsedFile
from ..topics import KUSTOMIZE_REPLACEMENT, KustomizeReplacementData
from ..yamlnodes import YamlError, YList, YMap, load_documents
from .layout import in_patch_location
from .objects import WORKLOAD_KINDS, K8sObject, Kustomization

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_PATCH_FIELDS = ("patches", "patchesStrategicMerge", "patchesJson6902")
#: what a complete object of a kind has, one of which is enough (a patch may lack all of them)
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Ingress": (("spec", "rules"), ("spec", "defaultBackend"), ("spec", "backend")),
    "Service": (("spec", "ports"), ("spec", "externalName")),
    "PersistentVolumeClaim": (("spec", "resources"), ("spec", "dataSource"), ("spec", "volumeName")),
    "NetworkPolicy": (("spec", "podSelector"),),
    "HorizontalPodAutoscaler": (("spec", "scaleTargetRef"),),
    "PodDisruptionBudget": (("spec", "selector"),),
}
_TEXT_LIMIT = 200_000


def patch_paths(kdir: str, doc: Any) -> frozenset[str]:
    """Repository paths of the patch files one kustomization document names."""
    if not isinstance(doc, YMap):
        return frozenset()
    out = set()
    for field_name in _PATCH_FIELDS:
        for item in doc.list(field_name):
            ref = item.get("path") if isinstance(item, YMap) else item
            if not isinstance(ref, str):
                continue
            ref = ref.strip()
            if not ref or "\n" in ref or "://" in ref or ref.startswith(("{", "[")):
                continue  # an inline patch, or a remote one
            out.add(posixpath.normpath(posixpath.join(kdir, ref)))
    return frozenset(out)


@lru_cache(maxsize=512)
def _patches_named_in(kdir: str, text: str) -> frozenset[str]:
    if len(text) > _TEXT_LIMIT:
        return frozenset()
    try:
        docs = load_documents(text)
    except (YamlError, ValueError, RecursionError):
        return frozenset()
    out: set[str] = set()
    for doc in docs:
        out |= patch_paths(kdir, doc.data)
    return frozenset(out)


def incomplete(obj: K8sObject) -> bool:
    """The object lacks everything its kind needs to do anything on its own (see ``_NEEDS``)."""
    needs = _NEEDS.get(obj.kind)
    if not needs:
        return False
    for path in needs:
        node: Any = obj.doc
        for part in path:
            node = node.get(part) if isinstance(node, YMap) else None
        if node not in (None, "") and not (isinstance(node, (YMap, YList)) and not node):
            return False
    return True


def find_patch_owner(path: str, read: Callable[[str], str | None], reads: set[str]) -> tuple[str | None, bool]:
    """(the kustomization that names ``path`` as a patch, or None; whether any kustomization
    lives in ``path``'s directory or above).  Reads the kustomization files of each ancestor."""
    here = posixpath.dirname(path)
    under_kustomization = False
    while True:
        for name in KUSTOMIZATION_NAMES:
            rel = posixpath.join(here, name) if here else name
            reads.add(rel)
            text = read(rel)
            if text is None:
                continue
            under_kustomization = True
            if path in _patches_named_in(here, text):
                return rel, True
        if not here or here in (".", "/"):
            return None, under_kustomization
        here = posixpath.dirname(here)


def resolve_kustomization(parsed: ParsedFile, read: Callable[[str], str | None]) -> None:
    """The engine's second step for a kustomization: read the files its ``replacements`` name."""
    units = [u for u in parsed.units if isinstance(u, Kustomization)]
    if not units or not any(k.doc.list("replacements") for k in units):
        return
    parsed.facts[:] = [f for f in parsed.facts if f.topic != KUSTOMIZE_REPLACEMENT]
    found = [fact for k in units for fact in replacement_facts(k, read, parsed.reads)]
    parsed.facts.extend(found)
    if found:
        targets = sorted({f"{d.kind or '*'}/{d.name or '*'}" for d in (fact.data for fact in found)})
        parsed.notices.append(
            f"replacements overwrite fields of {', '.join(targets[:4])}{' and others' if len(targets) > 4 else ''}: "
            f"an image written there is a placeholder, not judged where it is written (its source is judged "
            f"where it is set, when it is an image of this repository)")


def resolve(parsed: ParsedFile, read: Callable[[str], str | None]) -> None:
    """The engine's second step for a manifest: mark the objects of a patch file as patches
    (and read the replacement files of a kustomization document it holds)."""
    from .facts import object_facts, workload_facts  # facts imports objects: import late

    resolve_kustomization(parsed, read)
    objects = [u for u in parsed.units if isinstance(u, K8sObject) and not u.is_patch]
    if not objects:
        return
    owner, under = find_patch_owner(parsed.path, read, parsed.reads)
    if owner is None:
        if not under or not in_patch_location(parsed.path):
            return
        objects = [obj for obj in objects if obj.kind not in WORKLOAD_KINDS and incomplete(obj)]
        if not objects:
            return
        why = "it sits in a patch folder under a kustomization and is incomplete on its own"
    else:
        why = f"{owner} names it as a patch"
    for obj in objects:
        before = object_facts(obj) + workload_facts(obj)
        for fact in before:
            if fact in parsed.facts:
                parsed.facts.remove(fact)
        obj.is_patch = True
        parsed.facts.extend(object_facts(obj) + workload_facts(obj))
    names = ", ".join(sorted({obj.resource for obj in objects})[:3])
    parsed.notices.append(f"a Kustomize patch ({why}): {names} judged for what it sets, not as whole objects")


# -- replacements ----------------------------------------------------------------------------


def replacement_facts(k: Kustomization, read: Callable[[str], str | None] | None = None,
                      reads: set[str] | None = None) -> list[Fact]:
    """What each ``replacements`` entry writes: the target objects and field paths, and its source.

    Entries are inline or in a file (``- path: images-update.yaml``, read with ``read``).
    """
    out: list[Fact] = []
    here = posixpath.dirname(k.path)
    seq = k.doc.list("replacements")
    for index, item in enumerate(seq):
        if not isinstance(item, YMap):
            continue
        entries: list[Any] = [item]
        where = k.path
        ref = item.get("path")
        if isinstance(ref, str) and ref.strip() and "source" not in item:
            if read is None:
                continue
            where = posixpath.normpath(posixpath.join(here, ref.strip()))
            if reads is not None:
                reads.add(where)
            text = read(where)
            if text is None or len(text) > _TEXT_LIMIT:
                continue
            try:
                docs = load_documents(text)
            except (YamlError, ValueError, RecursionError):
                continue
            entries = []
            for doc in docs:
                if isinstance(doc.data, YList):
                    entries.extend(e for e in doc.data if isinstance(e, YMap))
                elif isinstance(doc.data, YMap):
                    entries.append(doc.data)
        for entry in entries:
            source = entry.map("source")
            described = "/".join(str(source.get(key)) for key in ("kind", "name") if source.get(key) is not None)
            described += f" {source.get('fieldPath')}" if source.get("fieldPath") is not None else ""
            for _, target in entry.list("targets").maps():
                select = target.map("select")
                paths = tuple(str(p) for p in target.list("fieldPaths") if p is not None)
                if not paths:
                    continue
                out.append(Fact(KUSTOMIZE_REPLACEMENT, k.path, seq.item_line(index), tuple(seq.ypath) + (index,),
                                KustomizeReplacementData(
                                    kind=None if select.get("kind") is None else str(select.get("kind")),
                                    name=None if select.get("name") is None else str(select.get("name")),
                                    field_paths=paths, source=described.strip() or None, defined_in=where)))
    return out


def field_path_parts(path: str) -> list[str]:
    """A Kustomize field path split at dots, keeping ``[key=value]`` and ``[a.b]`` whole."""
    parts, depth, current = [], 0, ""
    for char in path:
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p]


def field_path_matches(path: str, ypath: tuple, names: dict[int, str] | None = None) -> bool:
    """Does a Kustomize field path (``spec.template.spec.containers.[name=app].image``,
    ``...initContainers.0.image``, ``*``) address the node at ``ypath`` (keys and list indexes)?

    ``names`` gives the ``name`` of list items by their position in ``ypath``, for ``[name=x]``.
    """
    parts = field_path_parts(path)
    if len(parts) != len(ypath):
        return False
    for position, (part, step) in enumerate(zip(parts, ypath)):
        if part == "*":
            continue
        if part.startswith("[") and part.endswith("]") and "=" in part:
            key, _, value = part[1:-1].partition("=")
            if not isinstance(step, int):
                return False
            if key == "name" and names is not None and position in names and names[position] != value:
                return False
            continue
        if isinstance(step, int):
            if not part.isdigit() or int(part) != step:
                return False
        elif part != str(step):
            return False
    return True


def _kind_selected(selector: str | None, kind: str) -> bool:
    if not selector:
        return True
    return kind in {part.strip() for part in selector.split("|")}


def replaced_by(replacements: Any, kind: str, name: str, ypath: tuple, item_name: str | None = None) -> str | None:
    """The source of a ``replacements`` entry that overwrites the field at ``ypath`` of
    ``kind/name`` (None when none does).  ``replacements`` are ``KustomizeReplacementData``;
    ``item_name`` is the ``name`` of the list item on the path (a container), for ``[name=x]``."""
    for data in replacements:
        if not _kind_selected(data.kind, kind) or (data.name is not None and data.name != name):
            continue
        for path in data.field_paths or ():
            parts = field_path_parts(path)
            tail = tuple(ypath)[-len(parts):] if parts and len(parts) <= len(ypath) else None
            if tail is None:
                continue
            names = {i: item_name for i, step in enumerate(tail) if isinstance(step, int) and item_name}
            if field_path_matches(path, tail, names):
                return data.source or data.defined_in or "a replacement"
    return None
