from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex

CHECK = Check(
    code="K8S073",
    name="network-policy-unknown-namespace",
    title="NetworkPolicy selects namespaces by labels no Namespace has",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_POLICY,
    rationale=(
        "A `namespaceSelector` matches namespaces by their labels. When no Namespace in the "
        "repository carries the labels the policy asks for, the rule matches nothing: the "
        "traffic it was written to allow is silently dropped (an outage waiting for the "
        "first deploy), or the author believes a flow is restricted that is not."
    ),
    remediation=(
        "Label the Namespace the policy means (e.g. `team: monitoring`), or",
        "select it by `kubernetes.io/metadata.name: <name>`, which Kubernetes sets on every namespace.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name",
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#automatic-labelling",
    ),
    peers=("kube-linter dangling-networkpolicypeer-podselector",),
)

AUTOMATIC = ("kubernetes.io/metadata.name",)


@CHECK.on_repo
def network_policy_unknown_namespace(index: RepoIndex) -> Iterator[Finding]:
    namespaces = [dict(fact.data.labels or ()) for _, fact in index.k8s("Namespace")]
    if not namespaces:
        return  # the repository does not manage namespaces: we cannot know their labels
    for path, fact in index.k8s("NetworkPolicy"):
        for line, ypath, selector in fact.data.namespace_selectors or ():
            wanted = {k: v for k, v in dict(dict(selector or ()).get("match_labels") or ()).items() if k not in AUTOMATIC}
            if not wanted:
                continue
            if any(all(labels.get(k) == v for k, v in wanted.items()) for labels in namespaces):
                continue
            text = ", ".join(f"{k}={v}" for k, v in sorted(wanted.items()))
            yield CHECK.finding(
                Pos(line, line, tuple(ypath), path=path),
                resource=f"NetworkPolicy/{fact.data.name}",
                message=f"NetworkPolicy/{fact.data.name} selects namespaces labelled {text}, "
                        f"which none of the {len(namespaces)} Namespace(s) in the repository has",
                evidence=f"namespaceSelector.matchLabels: {text}",
            )
