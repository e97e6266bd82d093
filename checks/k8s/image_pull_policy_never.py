from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import Workload

CHECK = Check(
    code="K8S020",
    name="image-pull-policy-never",
    title="Container never pulls its image (imagePullPolicy: Never)",
    severity=Severity.HIGH,
    category=Category.DEPLOYMENT,
    rationale=(
        "`imagePullPolicy: Never` only works when the image was loaded into the node by "
        "hand (kind, minikube, a laptop). On a real cluster the pod sticks in "
        "ErrImageNeverPull, and when it does start it runs whatever stale image the node "
        "happens to hold. It is a development setting that leaked into shared manifests."
    ),
    remediation=(
        "Remove `imagePullPolicy: Never` from the base manifests.",
        "Push the image to a registry the cluster can pull from and reference it by tag and digest.",
        "If local clusters need it, set it in a dev-only overlay patch, not in the base.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
    ),
)


@CHECK.on(Workload)
def image_pull_policy_never(workload: Workload) -> Iterator[Finding]:
    for container in workload.containers(include_init=True):
        policy = container.node.get("imagePullPolicy")
        if isinstance(policy, str) and policy.lower() == "never":
            yield CHECK.finding(
                container.node, "imagePullPolicy",
                resource=container.resource,
                message=f"container {container.name!r} of {workload.resource} sets imagePullPolicy: Never",
                evidence=f"imagePullPolicy: {policy}",
            )
