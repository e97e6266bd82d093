from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex

CHECK = Check(
    code="K8S071",
    name="fixed-replicas-without-autoscaler",
    title="Production Deployment has a fixed replica count and no autoscaler",
    severity=Severity.LOW,
    category=Category.RESOURCES,
    rationale=(
        "A production overlay that pins `replicas` and has no HorizontalPodAutoscaler (or KEDA "
        "ScaledObject) cannot absorb a traffic peak and keeps paying for idle replicas off-peak. "
        "The number was right once, for the load someone measured then."
    ),
    remediation=(
        "Add a HorizontalPodAutoscaler targeting the Deployment, with `minReplicas` at today's count.",
        "Remove `replicas` from the Deployment (or the overlay) so deploys do not reset the "
        "autoscaler's choice.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/",
        "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
    ),
)

_PROD_TOKENS = {"prod", "production", "live", "prd"}
_SPLIT_RE = re.compile(r"[-_.]")


#: words that turn a following production word into its opposite (``non-prod``, ``pre_prod``)
_NEGATING = {"non", "pre", "not"}


def is_production_path(path: str) -> bool:
    """A directory (or file stem) of the path names a production environment (``non-prod`` does not)."""
    parts = path.split("/")
    parts[-1] = parts[-1].rsplit(".", 1)[0]
    for part in parts:
        words = _SPLIT_RE.split(part.lower())
        if any(word in _PROD_TOKENS and (i == 0 or words[i - 1] not in _NEGATING) for i, word in enumerate(words)):
            return True
    return False


def _scaled_targets(index: RepoIndex) -> set[str]:
    targets = set()
    for kind in ("HorizontalPodAutoscaler", "ScaledObject", "VerticalPodAutoscaler"):
        for _, fact in index.k8s(kind):
            target = str(fact.data.target or "")
            targets.add(target.rsplit("/", 1)[-1])
    return targets


_SCALER_TOPICS = ("k8s:HorizontalPodAutoscaler", "k8s:ScaledObject", "k8s:VerticalPodAutoscaler")


def scaled_targets(index: RepoIndex) -> set[str]:
    return index.derived("K8S071:scaled-targets", _SCALER_TOPICS, _scaled_targets)


@CHECK.on_each("k8s:Deployment", "k8s-patch:Deployment", "kustomize:details")
def fixed_replicas_without_autoscaler(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not is_production_path(path):
        return
    if fact.topic == "kustomize:details":
        for name, count, line, ypath in fact.data.replicas or ():
            if name in scaled_targets(index) or count < 1:
                continue
            yield CHECK.finding(
                Pos(line, line, tuple(ypath), path=path),
                resource=f"replicas/{name}",
                message=f"kustomization fixes {name} at {count} replica(s) in a production overlay and no "
                        f"HorizontalPodAutoscaler targets it",
            )
        return
    replicas = fact.data.replicas
    if not isinstance(replicas, int) or replicas < 1:
        return
    name = str(fact.data.name)
    if name in scaled_targets(index):
        return
    # point at the `replicas:` line (of a manifest or a patch); the symbol stays the object's
    line = fact.data.replicas_line or fact.line
    yield CHECK.finding(
        Pos(line, line, fact.ypath, path=path),
        resource=f"Deployment/{name}",
        message=f"Deployment/{name} is fixed at {replicas} replica(s) in a production path and no "
                f"HorizontalPodAutoscaler targets it",
    )
