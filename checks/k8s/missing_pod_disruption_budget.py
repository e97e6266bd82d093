from __future__ import annotations

import posixpath
from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.k8s import ANY_NAME, json6902_count, selector_matches

CHECK = Check(
    code="K8S070",
    name="missing-pod-disruption-budget",
    title="Replicated workload has no PodDisruptionBudget",
    severity=Severity.MEDIUM,
    category=Category.RELIABILITY,
    rationale=(
        "Node drains (upgrades, autoscaler scale-down, maintenance) evict pods without asking "
        "how many are left. Without a PodDisruptionBudget a drain can take every replica down "
        "at once, turning routine maintenance into an outage the replicas were meant to prevent."
    ),
    remediation=(
        "Add a PodDisruptionBudget (policy/v1) in the workload's namespace whose selector matches "
        "its pod labels.",
        "Set `maxUnavailable: 1` (or `minAvailable` below the replica count, so drains can progress).",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/tasks/run-application/configure-pdb/",
        "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/",
    ),
)

REPLICATED_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout")


def json6902_file_counts(index: RepoIndex, details, kind: str) -> Iterator[tuple[str, str, int]]:
    """(file, target name, count) for each JSON6902 patch file of a kustomization that sets
    the replica (or operator member) count of ``kind`` objects."""
    for ppath, pkind, name in details.get("patch_files") or ():
        if pkind not in (kind, ""):
            continue
        for fact in index.facts_in("kustomize:json6902", ppath):
            count = json6902_count(fact.get("counts"), kind)
            if count is not None:
                yield ppath, str(name), count


def same_namespace(a, b) -> bool:
    """Namespaces match when equal, or when one is left to the deploy tool (kustomize, -n)."""
    return a is None or b is None or a == b


def _replicas(fact) -> int | None:
    value = fact.get("replicas")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _budgets(index: RepoIndex) -> list[tuple]:
    return [
        (fact.get("namespace"), fact.get("label_selector"), str(fact.get("api") or ""))
        for _, fact in index.k8s("PodDisruptionBudget")
    ]


def _dir(path: str) -> str:
    return posixpath.dirname(path)


def _reach(index: RepoIndex) -> dict[str, frozenset[str]]:
    """Kustomization directory -> every directory whose manifests its build takes in."""
    direct: dict[str, set[str]] = {}
    for path, fact in index.facts("kustomization"):
        here = _dir(path)
        targets = direct.setdefault(here, set())
        for entry in list(fact.get("resources") or ()) + list(fact.get("components") or ()):
            text = str(entry).strip()
            if not text or "://" in text or text.startswith(("git@", "github.com/")):
                continue
            target = posixpath.normpath(posixpath.join(here, text))
            targets.add(target if posixpath.splitext(target)[1] not in (".yaml", ".yml", ".json") else _dir(target))
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


def _owner(path: str, kustomized: dict[str, frozenset[str]]) -> str | None:
    """The nearest directory at or above ``path`` that holds a kustomization."""
    here = _dir(path)
    while True:
        if here in kustomized:
            return here
        if not here or here in (".", "/"):
            return None
        here = _dir(here)


def _overlay_replicas(kind: str):
    def build(index: RepoIndex) -> dict[str, list[tuple]]:
        # overlays raise replicas three ways: a patch file (a partial copy of the object),
        # an inline patch in the kustomization, or its `replicas:` field
        reach = index.derived("kustomize:reach", ("kustomization",), _reach)
        out: dict[str, list[tuple]] = {}
        for ppath, patch in index.facts(f"k8s-patch:{kind}"):
            if _replicas(patch) is not None:
                out.setdefault(str(patch.get("name")), []).append(
                    (ppath, _owner(ppath, reach), patch.get("namespace"), _replicas(patch)))
        for kpath, details in index.facts("kustomize:details"):
            for name, count, *_ in details.get("replicas") or ():
                out.setdefault(str(name), []).append((kpath, _dir(kpath), None, count))
            for pkind, name, count, *_ in details.get("patch_replicas") or ():
                if pkind in (kind, ""):
                    out.setdefault(str(name), []).append((kpath, _dir(kpath), None, count))
            for ppath, name, count in json6902_file_counts(index, details, kind):
                out.setdefault(name, []).append((ppath, _dir(kpath), None, count))
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
    reach = index.derived("kustomize:reach", ("kustomization",), _reach)
    here = _dir(path)
    project = _dir(here)
    if owner is not None and here in reach.get(owner, ()):
        return True
    return not wildcard and source.startswith(project + "/" if project else "")


def _autoscaled(index: RepoIndex) -> dict[str, list[tuple]]:
    """``Kind/name`` -> [(namespace, minReplicas, path)] of HorizontalPodAutoscalers."""
    out: dict[str, list[tuple]] = {}
    for hpath, fact in index.k8s("HorizontalPodAutoscaler"):
        low = fact.get("min_replicas")
        if isinstance(low, int) and not isinstance(low, bool):
            out.setdefault(str(fact.get("target")), []).append((fact.get("namespace"), low, hpath))
    return out


@CHECK.on_each(*(f"k8s:{kind}" for kind in REPLICATED_KINDS))
def missing_pod_disruption_budget(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    kind = fact.topic.split(":", 1)[1]
    pod_labels = dict(fact.get("pod_labels") or ())
    if not pod_labels or not fact.get("images"):
        return  # a bare template, not the workload itself
    ns, name = fact.get("namespace"), fact.get("name")
    own = _replicas(fact) or 0
    overlays = overlay_replicas(index, path, kind, str(name), ns)
    # an autoscaler never goes below its minReplicas (the Deployment's own count is then moot)
    scaled = index.derived("K8S070:autoscaled", ("k8s:HorizontalPodAutoscaler",), _autoscaled)
    floors = [(low, f"minReplicas of its HorizontalPodAutoscaler in {hpath}")
              for hns, low, hpath in scaled.get(f"{kind}/{name}", ()) if same_namespace(ns, hns)]
    replicas, source = max([(own, "")] + [(count, f"set in {src}") for count, src in overlays] + floors,
                           key=lambda item: item[0])
    if replicas < 2:
        return
    for bns, selector, api in index.derived("K8S070:budgets", ("k8s:PodDisruptionBudget",), _budgets):
        if not same_namespace(ns, bns) or selector is None:
            continue
        sel = dict(selector)
        empty = not sel.get("match_labels") and not sel.get("match_expressions")
        if empty and api.endswith("v1beta1"):
            continue  # an empty policy/v1beta1 selector selects nothing
        if selector_matches(sel, pod_labels):
            return
    # point at `replicas:` when the count is the workload's own, else at the object
    line = (fact.get("replicas_line") or fact.line) if replicas == own else fact.line
    yield CHECK.finding(
        Pos(line, line, fact.ypath, path=path),
        resource=f"{kind}/{name}",
        message=f"{kind}/{name} runs {replicas} replicas{f' ({source})' if source else ''} "
                f"but no PodDisruptionBudget selects its pods",
        evidence="pod labels: " + ", ".join(f"{k}={v}" for k, v in sorted(pod_labels.items())[:4]),
    )
