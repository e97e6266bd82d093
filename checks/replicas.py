"""How many replicas a workload can have: the one place checks ask.

A workload's own ``replicas`` (or a chart's ``replicaCount``) is not the last word: a Kustomize
overlay may set another count (:func:`~.kustomize.overlay_replicas`), and a HorizontalPodAutoscaler
or a KEDA ScaledObject whose ``scaleTargetRef`` names the workload owns the count from then on,
between its minimum and maximum. Checks of single instances (K8S002, HELM007) and of disruption
budgets (K8S070) read autoscalers here, with the minimum deciding whether one instance is possible.
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import RepoIndex
from .kustomize import same_namespace

#: autoscaler kinds and their defaults when the bounds are left out
AUTOSCALERS = {
    "HorizontalPodAutoscaler": (1, None),   # minReplicas defaults to 1; maxReplicas is required
    "ScaledObject": (0, 100),               # KEDA: minReplicaCount 0, maxReplicaCount 100
}
TOPICS = tuple(f"k8s:{kind}" for kind in AUTOSCALERS)


@dataclass(frozen=True)
class Autoscaler:
    kind: str               # HorizontalPodAutoscaler | ScaledObject
    name: str
    namespace: str | None
    path: str
    low: int                # the fewest replicas it keeps
    high: int | None        # the most it scales to (None: not stated)

    def describe(self, workload: str = "it") -> str:
        span = f"between {self.low} and {self.high}" if self.high is not None else f"from {self.low}"
        return f"the {self.kind} {self.name} in {self.path} scales {workload} {span} replicas"


def _table(index: RepoIndex) -> dict[str, list[Autoscaler]]:
    out: dict[str, list[Autoscaler]] = {}
    for kind, (low_default, high_default) in AUTOSCALERS.items():
        for path, fact in index.k8s(kind):
            target = str(fact.data.target or "")
            if not target or target.endswith("/None"):
                continue
            low = fact.data.min_replicas
            high = fact.data.max_replicas
            out.setdefault(target, []).append(Autoscaler(
                kind, str(fact.data.name), fact.data.namespace, path,
                low if isinstance(low, int) and not isinstance(low, bool) else low_default,
                high if isinstance(high, int) and not isinstance(high, bool) else high_default))
    return out


def autoscalers(index: RepoIndex, kind: str, name: str, namespace: str | None = None) -> list[Autoscaler]:
    """The autoscalers whose ``scaleTargetRef`` names ``kind/name`` (namespaces compared leniently)."""
    table = index.derived("replicas:autoscalers", TOPICS, _table)
    return [a for a in table.get(f"{kind}/{name}", ()) if same_namespace(namespace, a.namespace)]


def autoscaled_by_name(index: RepoIndex, names: tuple[str, ...] | list[str] | set[str],
                       namespace: str | None = None,
                       kinds: tuple[str, ...] = ("StatefulSet", "Deployment")) -> list[tuple[str, Autoscaler]]:
    """(workload name, autoscaler) for autoscalers targeting a workload named one of ``names``, or
    ``<name>-<suffix>`` (a chart's component: ``db-postgresql``, ``db-primary``)."""
    table = index.derived("replicas:autoscalers", TOPICS, _table)
    found: list[tuple[str, Autoscaler]] = []
    for target, scalers in table.items():
        kind, _, workload = target.partition("/")
        if kind not in kinds:
            continue
        if any(workload == name or workload.startswith(f"{name}-") for name in names if name):
            found.extend((workload, a) for a in scalers if same_namespace(namespace, a.namespace))
    return found
