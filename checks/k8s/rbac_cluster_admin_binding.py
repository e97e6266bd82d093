from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject

CHECK = Check(
    code="K8S079",
    name="rbac-cluster-admin-binding",
    title="Binding grants cluster-admin (or admin/edit cluster-wide)",
    severity=Severity.HIGH,
    category=Category.RBAC,
    rationale=(
        "`cluster-admin` can do anything to anything: read every Secret, exec into every pod, "
        "create privileged pods on any node and grant itself more. Bound to a workload's service "
        "account, one compromised pod (or one leaked token) is the whole cluster. The built-in "
        "`admin` and `edit` roles bound with a ClusterRoleBinding reach every namespace, "
        "including reading (edit) or managing (admin) the Secrets of all of them. Bound only to "
        "people (Group or User subjects of the identity provider, not service accounts), it is the "
        "cluster's intended admin access rather than a workload over-grant: medium (low for a "
        "namespace or for admin/edit). Bound only to the service account of a one-shot Job of the same "
        "file that installs cluster components (a system-placed Job running `cilium install`, `helm "
        "install`, `kubectl apply`: cluster bootstrap) it is what the install takes: medium, 'by design'. "
        "Bound to every authenticated or anonymous caller it is critical."
    ),
    remediation=(
        "Write a Role (or ClusterRole) listing the API groups, resources and verbs the subject "
        "actually uses; `kubectl auth can-i --list --as=system:serviceaccount:NS:NAME` and the "
        "audit log show what that is.",
        "Bind it with a RoleBinding in the namespaces the subject works in, not cluster-wide.",
        "For people, grant cluster-admin just in time through your identity provider's groups, "
        "not with a binding committed to the repository.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
    ),
    peers=("kube-linter cluster-admin-role-binding", "CIS Kubernetes 5.1.1"),
)

_BROAD = ("admin", "edit")

#: subjects that are every caller: binding an admin role to them opens the cluster
EVERYONE = {("Group", "system:authenticated"), ("Group", "system:unauthenticated"), ("User", "system:anonymous")}


def _subjects(obj: K8sObject) -> list[tuple[str, str, str]]:
    """(kind, name, how it is shown) of each subject."""
    out = []
    for _, subject in obj.doc.list("subjects").maps():
        kind, name = str(subject.get("kind") or "?"), str(subject.get("name") or "?")
        ns = subject.get("namespace")
        out.append((kind, name, f"{kind} {ns}/{name}" if kind == "ServiceAccount" and ns else f"{kind} {name}"))
    return out


def _workload_identity(kind: str, name: str) -> bool:
    """A service account, or a group or user name that stands for service accounts."""
    return (kind == "ServiceAccount" or name.startswith("system:serviceaccount:")
            or name == "system:serviceaccounts" or name.startswith("system:serviceaccounts:")
            or kind not in ("Group", "User"))


def _bootstrap_holder(obj: K8sObject, subjects: list[tuple[str, str, str]]) -> str:
    """Why the binding is by design: every subject is the service account of a one-shot bootstrap Job of
    the same file (never ``default``); '' otherwise."""
    accounts = obj.file_bootstrap_accounts
    if not accounts:
        return ""
    namespaces = {str(s.get("name")): str(s.get("namespace") or "") for _, s in obj.doc.list("subjects").maps()}
    held = []
    for kind, name, _ in subjects:
        if kind != "ServiceAccount" or name == "default":
            return ""
        namespace = namespaces.get(name, "")
        found = accounts.get((namespace, name)) or (accounts.get(("", name)) if namespace else None)
        if found is None:
            return ""
        held.append(f"held by {found[0]} ({found[1]})")
    return "; ".join(held)


@CHECK.on(K8sObject, patches=True)
def rbac_cluster_admin_binding(obj: K8sObject) -> Iterator[Finding]:
    if obj.kind not in ("ClusterRoleBinding", "RoleBinding") or not obj.api_version.startswith(
            "rbac.authorization.k8s.io/"):
        return
    if obj.name.startswith("system:"):
        return  # Kubernetes' own bootstrap bindings
    ref = obj.doc.map("roleRef")
    role = str(ref.get("name") or "")
    if str(ref.get("kind") or "") != "ClusterRole":
        return
    subjects = _subjects(obj)
    if not subjects or [shown for _, _, shown in subjects] == ["Group system:masters"]:
        return  # binds nobody, or only the group that is cluster-admin anyway
    shown = [text for _, _, text in subjects]
    who = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
    everyone = any((kind, name) in EVERYONE for kind, name, _ in subjects)
    people = not everyone and not any(_workload_identity(kind, name) for kind, name, _ in subjects)
    if role == "cluster-admin":
        where = ("across the cluster" if obj.kind == "ClusterRoleBinding"
                 else f"in namespace {obj.namespace}" if obj.namespace else "in the namespace it is deployed to")
        severity = Severity.HIGH if obj.kind == "ClusterRoleBinding" else Severity.MEDIUM
    elif role in _BROAD and obj.kind == "ClusterRoleBinding":
        where, severity = "in every namespace", Severity.MEDIUM
    else:
        return
    message = f"{obj.resource} gives {role} {where} to {who}"
    if everyone:
        severity = Severity.CRITICAL if role == "cluster-admin" else Severity.HIGH
        message += ": every caller the API server accepts gets it"
    elif severity is Severity.HIGH and (held := _bootstrap_holder(obj, subjects)):
        severity = Severity.MEDIUM
        message += (f": {held}; make sure what it installs is pinned and comes from a source you trust, and that "
                    "nothing else runs as this account (delete the binding once the cluster is up)")
    elif people:
        severity = Severity.MEDIUM if severity is Severity.HIGH else Severity.LOW
        message += (": users or groups of the identity provider, not service accounts, so intended admin "
                    "access for people rather than a workload over-grant; prefer just-in-time elevation")
    yield CHECK.finding(
        ref, "name", resource=obj.resource, severity=severity,
        message=message,
        evidence=f"roleRef: ClusterRole/{role}",
    )
