"""Kustomize patches: what strategic-merge and JSON6902 patches set (replicas, hardening).

Patch *files* are objects of their own (``k8s-patch:*`` facts, see :mod:`.facts`);
inline patches of a kustomization and files of JSON6902 operations are read here.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from ..base import Fact
from ..topics import KUSTOMIZE_JSON6902, KustomizeJson6902Data
from ..yamlnodes import YamlDoc, YamlError, YMap, load_documents
from .objects import WORKLOAD_KINDS, Kustomization, pod_template
from .operators import OPERATOR_STORES, operator_members


def _set_settings(node: Any, pod_level: bool) -> list[str]:
    """Hardening settings a (partial) container or pod spec sets to a safe value.

    Names, not check codes: ``checks/overlays.py`` maps checks to what fixes them.
    """
    if not isinstance(node, YMap):
        return []
    out: list[str] = []
    sec = node.get("securityContext")
    sec = sec if isinstance(sec, YMap) else YMap(0, 0, ())
    uid = sec.get("runAsUser")
    if sec.get("runAsNonRoot") is True or (isinstance(uid, int) and not isinstance(uid, bool) and uid > 0):
        out.append("nonroot")
    profile = sec.get("seccompProfile")
    if isinstance(profile, YMap) and str(profile.get("type") or "").lower() in ("runtimedefault", "localhost"):
        out.append("seccomp")
    if pod_level:
        return out
    for probe in ("readinessProbe", "livenessProbe"):
        if isinstance(node.get(probe), YMap):
            out.append(probe)
    resources = node.get("resources")
    if isinstance(resources, YMap):
        for section in ("requests", "limits"):
            values = resources.get(section)
            if isinstance(values, YMap):
                out.extend(f"{section}.{name}" for name in ("cpu", "memory") if values.get(name) not in (None, ""))
    if sec.get("allowPrivilegeEscalation") is False:
        out.append("noescalation")
    if sec.get("readOnlyRootFilesystem") is True:
        out.append("readonlyroot")
    caps = sec.get("capabilities")
    if isinstance(caps, YMap) and any(str(c).strip().upper() in ("ALL", "CAP_ALL") for c in caps.list("drop")):
        out.append("dropall")
    return out


def patch_settings(doc: YMap, kind: str) -> tuple:
    """((container name or "" for the pod, (settings...)), ...) a workload patch sets."""
    template = pod_template(doc, kind)
    if template is None:
        return ()
    pod_spec = template[0]
    out = []
    pod = _set_settings(pod_spec, pod_level=True)
    if pod:
        out.append(("", tuple(pod)))
    for field_name in ("containers", "initContainers"):
        for _, container in pod_spec.list(field_name).maps():
            settings = _set_settings(container, pod_level=False)
            if settings and container.get("name") is not None:
                out.append((str(container.get("name")), tuple(settings)))
    return tuple(out)


def json6902_patch_files(k: Kustomization) -> list[tuple[str, str, str]]:
    """(file, target kind, target name or ANY_NAME) of each patch file given with a ``target``.

    Those files hold JSON6902 operations (``- op: replace``); their facts (topic
    ``kustomize:json6902``) say what they set, and repository checks join the two.
    """
    out = []
    here = posixpath.dirname(k.path)
    for field_name in ("patches", "patchesJson6902"):
        for _, item in k.doc.list(field_name).maps():
            ref, target = item.get("path"), item.get("target")
            if not isinstance(ref, str) or not isinstance(target, YMap) or "://" in ref:
                continue
            name = target.get("name")
            out.append((posixpath.normpath(posixpath.join(here, ref.strip())), str(target.get("kind") or ""),
                        ANY_NAME if name is None else str(name)))
    return out


def is_json6902_ops(data: Any) -> bool:
    """A YAML document that is a list of JSON6902 operations (a Kustomize patch file)."""
    return (isinstance(data, list) and bool(data)
            and all(isinstance(op, dict) and "op" in op and "path" in op for op in data))


#: the pod spec's JSON pointer, by the kinds whose layout differs from a Deployment's
_SETTINGS_LAYOUTS = (("workload", "Deployment"), ("Pod", "Pod"), ("CronJob", "CronJob"))


def json6902_file_facts(path: str, docs: list[YamlDoc]) -> list[Fact]:
    """What a file of JSON6902 operations sets: integer counts by JSON pointer, hardening settings."""
    for doc in docs:
        ops = doc.data
        if not is_json6902_ops(ops):
            continue
        counts = _json6902_counts(ops)
        settings = tuple((layout, found) for layout, kind in _SETTINGS_LAYOUTS
                         if (found := _json6902_settings(ops, kind)))
        return [Fact(KUSTOMIZE_JSON6902, path, doc.line, tuple(ops.ypath),
                     KustomizeJson6902Data(counts=counts or None, settings=settings or None))]
    return []


def json6902_count(counts: Any, kind: str) -> int | None:
    """The replica (or operator member) count that a JSON6902 file's ``counts`` set for ``kind``."""
    paths = {"/spec/replicas"} | {"/" + "/".join(where) for (_, k), (where, *_) in OPERATOR_STORES.items()
                                  if k == kind and "*" not in where}
    return next((value for pointer, value in counts or () if pointer in paths), None)


def json6902_settings_for(settings: Any, kind: str) -> tuple:
    """The per-container settings of a JSON6902 file, read with ``kind``'s pod spec layout."""
    layout = kind if kind in ("Pod", "CronJob") else "workload"
    return next((found for key, found in settings or () if key == layout), ())


_INLINE_PATCH_LIMIT = 20_000


def _json6902_replicas(ops: Any, kind: str = "") -> int | None:
    """The replica (or, for an operator-managed store, member) count JSON6902 operations set."""
    return json6902_count(_json6902_counts(ops), kind) if isinstance(ops, list) else None


def _json6902_counts(ops: list) -> tuple[tuple[str, int], ...]:
    """(JSON pointer, integer) of each add/replace operation that sets a number."""
    return tuple(
        (str(op.get("path")), value) for op in ops
        if isinstance(op, dict) and str(op.get("op")) in ("add", "replace")
        and isinstance(value := op.get("value"), int) and not isinstance(value, bool)
    )


#: the name of an inline patch whose target names no object: it applies to every object of its kind
ANY_NAME = "*"


def inline_patch_documents(k: Kustomization) -> Iterator[tuple[Any, Any, int, tuple]]:
    """(document, target, line, ypath) of every inline patch of a kustomization."""
    for field_name in ("patches", "patchesJson6902", "patchesStrategicMerge"):
        seq = k.doc.list(field_name)
        for index, item in enumerate(seq):
            target: Any = None
            if isinstance(item, YMap):
                text, target = item.get("patch"), item.get("target")
            else:
                text = item
            if not isinstance(text, str) or len(text) > _INLINE_PATCH_LIMIT:
                continue
            if "\n" not in text.strip() and not text.lstrip().startswith(("{", "[")):  # a file name
                continue
            try:
                docs = load_documents(text)
            except (YamlError, ValueError, RecursionError):
                continue
            for doc in docs:
                yield doc.data, target, seq.item_line(index), seq.ypath + (index,)


_POD_SPEC_POINTERS = {"Pod": "/spec/", "CronJob": "/spec/jobTemplate/spec/template/spec/"}


def _json6902_settings(ops: Any, kind: str) -> tuple:
    """Settings JSON6902 ``add``/``replace`` operations give a workload's pod or containers.

    Containers are addressed by position here (``#0``, ``#init0``), not by name.
    """
    if not isinstance(ops, list):
        return ()
    prefix = _POD_SPEC_POINTERS.get(kind, "/spec/template/spec/")
    pod = YMap(0, 0, ())
    containers: dict[str, YMap] = {}
    for op in ops:
        if not isinstance(op, dict) or str(op.get("op")) not in ("add", "replace"):
            continue
        pointer = str(op.get("path") or "")
        if not pointer.startswith(prefix):
            continue
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[len(prefix):].split("/")]
        node = pod
        if len(parts) >= 3 and parts[0] in ("containers", "initContainers") and parts[1].isdigit():
            key = ("#init" if parts[0] == "initContainers" else "#") + parts[1]
            node = containers.setdefault(key, YMap(0, 0, ()))
            parts = parts[2:]
        elif parts[0] in ("containers", "initContainers"):
            continue  # a whole list, or an append ("-"): which container it is, is unknown
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, YMap):
                child = node[part] = YMap(0, 0, ())
            node = child
        if parts and parts[-1]:
            node[parts[-1]] = op.get("value")
    out = []
    pod_settings = _set_settings(pod, pod_level=True)
    if pod_settings:
        out.append(("", tuple(pod_settings)))
    for key, fragment in sorted(containers.items()):
        settings = _set_settings(fragment, pod_level=False)
        if settings:
            out.append((key, tuple(settings)))
    return tuple(out)


def inline_patch_settings(k: Kustomization) -> list[tuple]:
    """(kind, name, settings) for each inline patch of a workload (see patch_settings).

    Strategic-merge patches name their containers; JSON6902 operations address them by
    position (``#0``).
    """
    out = []
    for data, target, _, _ in inline_patch_documents(k):
        if isinstance(data, YMap) and str(data.get("kind")) in WORKLOAD_KINDS:
            settings = patch_settings(data, str(data.get("kind")))
            name = data.map("metadata").get("name")
            kind = str(data.get("kind"))
        elif isinstance(target, YMap) and str(target.get("kind") or "") in WORKLOAD_KINDS:
            kind = str(target.get("kind"))
            settings = _json6902_settings(data, kind)
            name = None
        else:
            continue
        if settings:
            if name is None and isinstance(target, YMap):
                name = target.get("name")
            out.append((kind, ANY_NAME if name is None else str(name), settings))
    return out


def inline_patch_replicas(k: Kustomization) -> list[tuple]:
    """(kind, name, count, line, ypath) for each inline patch of this kustomization that sets replicas.

    Covers ``patches``/``patchesJson6902`` items with ``patch: |`` (a strategic-merge
    object or JSON6902 operations on a ``target``) and inline strings in
    ``patchesStrategicMerge``.  Patch files are objects of their own (``k8s-patch:*``).
    """
    out: list[tuple] = []
    for data, target, line, ypath in inline_patch_documents(k):
        if isinstance(data, YMap) and "kind" in data:
            count = data.map("spec").get("replicas")
            members = operator_members(str(data.get("apiVersion") or ""), str(data.get("kind")), data,
                                       explicit=True)
            if members is not None:
                count = members[0]
            if isinstance(count, int) and not isinstance(count, bool):
                name = data.map("metadata").get("name")
                if name is None and isinstance(target, YMap):
                    name = target.get("name")
                out.append((str(data.get("kind")), ANY_NAME if name is None else str(name), count, line, ypath))
        elif isinstance(target, YMap):
            count = _json6902_replicas(data, str(target.get("kind") or ""))
            if count is not None:
                # a target without a name (kind only, or a label selector) patches every match
                name = target.get("name")
                out.append((str(target.get("kind") or ""), ANY_NAME if name is None else str(name),
                            count, line, ypath))
    return out

