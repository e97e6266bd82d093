from __future__ import annotations

import posixpath
from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.k8s import selector_matches

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


def _patches(kind: str):
    def build(index: RepoIndex) -> dict[str, list[tuple]]:
        # overlays patch replicas into a partial copy of the object: count a patch for the
        # workload of that name that lives beside it (same project directory)
        patches: dict[str, list[tuple]] = {}
        for ppath, patch in index.facts(f"k8s-patch:{kind}"):
            if _replicas(patch):
                patches.setdefault(str(patch.get("name")), []).append((ppath, patch.get("namespace"), _replicas(patch)))
        return patches

    return build


@CHECK.on_each(*(f"k8s:{kind}" for kind in REPLICATED_KINDS))
def missing_pod_disruption_budget(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    kind = fact.topic.split(":", 1)[1]
    pod_labels = dict(fact.get("pod_labels") or ())
    if not pod_labels or not fact.get("images"):
        return  # a bare template, not the workload itself
    patches = index.derived(f"K8S070:patches:{kind}", (f"k8s-patch:{kind}",), _patches(kind))
    ns, name = fact.get("namespace"), fact.get("name")
    project = posixpath.dirname(posixpath.dirname(path))
    prefix = project + "/" if project else ""
    replicas = max(
        [_replicas(fact) or 0]
        + [count for ppath, pns, count in patches.get(str(name), ())
           if ppath.startswith(prefix) and same_namespace(ns, pns)]
    )
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
    yield CHECK.finding(
        Pos(fact.line, fact.line, fact.ypath, path=path),
        resource=f"{kind}/{name}",
        message=f"{kind}/{name} runs {replicas} replicas but no PodDisruptionBudget selects its pods",
        evidence="pod labels: " + ", ".join(f"{k}={v}" for k, v in sorted(pod_labels.items())[:4]),
    )
