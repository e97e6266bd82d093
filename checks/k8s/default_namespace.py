from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject

#: kinds that live outside namespaces: a namespace on them is ignored
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode",
    "VolumeSnapshotClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService", "ClusterIssuer",
    "PodSecurityPolicy", "ClusterSecretStore", "ClusterPolicy",
})

CHECK = Check(
    code="K8S021",
    name="default-namespace",
    title="Object is deployed to the default namespace",
    severity=Severity.LOW,
    category=Category.CONFIGURATION,
    rationale=(
        "The `default` namespace is where everything lands by accident: it usually has no "
        "ResourceQuota, NetworkPolicy or Pod Security level of its own, and RBAC granted there "
        "reaches whatever else was dropped in it. Naming it explicitly makes a shared, "
        "unguarded namespace look like a decision."
    ),
    remediation=(
        "Create a namespace per application or team and set `metadata.namespace` (or Kustomize's `namespace:`) to it.",
        "Give that namespace its quotas, NetworkPolicies and Pod Security labels.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
    ),
    peers=("checkov CKV_K8S_21", "kube-linter use-namespace"),
)


@CHECK.on(K8sObject, patches=True)
def default_namespace(obj: K8sObject) -> Iterator[Finding]:
    if obj.kind in CLUSTER_SCOPED or obj.namespace is None or obj.namespace.strip() != "default":
        return
    if obj.kind in ("Service", "Endpoints", "EndpointSlice") and obj.name == "kubernetes":
        return  # the API server's own Service lives there
    yield CHECK.finding(
        obj.metadata, "namespace",
        resource=obj.resource,
        message=f"{obj.resource} is placed in the default namespace",
        evidence="namespace: default",
    )
