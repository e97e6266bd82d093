from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex

CHECK = Check(
    code="K8S065",
    name="clusterrole-for-namespaced-access",
    title="ClusterRoleBinding grants a service account only namespaced resources",
    severity=Severity.LOW,
    category=Category.RBAC,
    rationale=(
        "Every rule of this ClusterRole is about namespaced resources, yet a ClusterRoleBinding "
        "grants it in every namespace. A Role and RoleBinding in the namespaces the workload "
        "actually uses would do, and a stolen token would reach only those."
    ),
    remediation=(
        "Replace the ClusterRoleBinding with a RoleBinding per namespace the service account works in "
        "(it may keep referring to the ClusterRole).",
        "Or turn the ClusterRole into a Role if only its own namespace is involved.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding",
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
    ),
)

#: core and well-known API resources that are namespaced (anything else may be cluster-scoped)
NAMESPACED = {
    "": {"pods", "pods/log", "pods/status", "services", "endpoints", "configmaps", "secrets",
         "serviceaccounts", "persistentvolumeclaims", "events", "replicationcontrollers",
         "limitranges", "resourcequotas", "podtemplates"},
    "apps": {"deployments", "deployments/scale", "statefulsets", "statefulsets/scale", "daemonsets",
             "replicasets", "replicasets/scale", "controllerrevisions"},
    "batch": {"jobs", "cronjobs", "jobs/status", "cronjobs/status"},
    "autoscaling": {"horizontalpodautoscalers"},
    "policy": {"poddisruptionbudgets"},
    "networking.k8s.io": {"ingresses", "networkpolicies"},
    "coordination.k8s.io": {"leases"},
    "discovery.k8s.io": {"endpointslices"},
    "events.k8s.io": {"events"},
    "rbac.authorization.k8s.io": {"roles", "rolebindings"},
}


def _namespaced_only(rules) -> bool:
    rules = [dict(r) for r in rules or ()]
    if not rules:
        return False
    for rule in rules:
        if rule.get("non_resource_urls"):
            return False
        groups = list(rule.get("api_groups") or ())
        resources = [str(r).lower() for r in rule.get("resources") or ()]
        if not groups or not resources or "*" in groups:
            return False
        for group in groups:
            known = NAMESPACED.get(group)
            if known is None or any(r not in known for r in resources):
                return False
    return True


@CHECK.on_repo
def clusterrole_for_namespaced_access(index: RepoIndex) -> Iterator[Finding]:
    roles = {}
    for _, fact in index.k8s("ClusterRole"):
        name = str(fact.data.name)
        if name.startswith("system:") or fact.data.aggregated:
            continue
        roles[name] = _namespaced_only(fact.data.rules)
    for path, fact in index.k8s("ClusterRoleBinding"):
        kind, _, role = str(fact.data.role_ref or "").partition("/")
        if kind != "ClusterRole" or not roles.get(role):
            continue
        accounts = [s for s in fact.data.subjects or () if str(s).startswith("ServiceAccount/")]
        if not accounts or len(accounts) != len(fact.data.subjects or ()):
            continue
        names = ", ".join(a.split("/", 1)[1].replace("/", ":", 1) for a in accounts[:3])
        yield CHECK.finding(
            Pos(fact.line, fact.line, fact.ypath, path=path),
            resource=f"ClusterRoleBinding/{fact.data.name}",
            message=f"ClusterRoleBinding/{fact.data.name} grants ClusterRole {role!r}, which only covers "
                    f"namespaced resources, to {names} in every namespace",
        )
