from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..kustomize import overlay_replicas, same_namespace
from ..kustomize import replica_count as _replicas
from ..models.k8s.facts import selector_matches
from .shared import REPLICATED_KINDS

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



def _budgets(index: RepoIndex) -> list[tuple]:
    return [
        (fact.data.namespace, fact.data.label_selector, str(fact.data.api or ""))
        for _, fact in index.k8s("PodDisruptionBudget")
    ]


def _autoscaled(index: RepoIndex) -> dict[str, list[tuple]]:
    """``Kind/name`` -> [(namespace, minReplicas, path)] of HorizontalPodAutoscalers."""
    out: dict[str, list[tuple]] = {}
    for hpath, fact in index.k8s("HorizontalPodAutoscaler"):
        low = fact.data.min_replicas
        if isinstance(low, int) and not isinstance(low, bool):
            out.setdefault(str(fact.data.target), []).append((fact.data.namespace, low, hpath))
    return out


@CHECK.on_each(*(f"k8s:{kind}" for kind in REPLICATED_KINDS))
def missing_pod_disruption_budget(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    kind = fact.topic.split(":", 1)[1]
    pod_labels = dict(fact.data.pod_labels or ())
    if not pod_labels or not fact.data.images:
        return  # a bare template, not the workload itself
    ns, name = fact.data.namespace, fact.data.name
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
    line = (fact.data.replicas_line or fact.line) if replicas == own else fact.line
    yield CHECK.finding(
        Pos(line, line, fact.ypath, path=path),
        resource=f"{kind}/{name}",
        message=f"{kind}/{name} runs {replicas} replicas{f' ({source})' if source else ''} "
                f"but no PodDisruptionBudget selects its pods",
        evidence="pod labels: " + ", ".join(f"{k}={v}" for k, v in sorted(pod_labels.items())[:4]),
    )
