"""What several Kubernetes checks ask alike (a check never imports another check)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..facts import RepoIndex
from ..models.images import ImageRef, parse_image
from ..models.k8s.api_groups import is_builtin_group
from ..models.k8s.objects import K8sObject, Workload
from ..models.topics import KUSTOMIZE_IMAGES
from ..models.yamlnodes import YMap
from ..scope import provided

# -- data stores ----------------------------------------------------------------------------

# -- workloads and containers --------------------------------------------------------------


def is_windows(workload: Workload) -> bool:
    """Windows pods have no UIDs, capabilities or seccomp: Linux settings do not apply."""
    os_name = workload.pod_spec.map("os").get("name")
    selector = workload.pod_spec.map("nodeSelector").get("kubernetes.io/os")
    return str(os_name).lower() == "windows" or str(selector).lower() == "windows"


def normalise_capability(value: object) -> str:
    text = str(value).strip().upper()
    return text[4:] if text.startswith("CAP_") else text


def resource_value(container_node: YMap, section: str, name: str) -> object:
    resources = container_node.get("resources")
    if not isinstance(resources, YMap):
        return None
    values = resources.get(section)
    return values.get(name) if isinstance(values, YMap) else None


# -- replicated workloads ------------------------------------------------------------------


#: kinds that declare a replica count (DaemonSets, Jobs and bare Pods do not)
REPLICATED_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout")


# -- images and Kustomize image overrides --------------------------------------------------


def image_name(ref: ImageRef) -> str:
    """The name Kustomize's ``images:`` matches: registry and repository, no tag or digest."""
    return f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository


def kustomize_overrides(index: RepoIndex) -> dict[str, list[tuple[str, str, str]]]:
    """Image name -> [(newName, newTag, digest)] from every kustomization's ``images:``."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for _, fact in index.facts(KUSTOMIZE_IMAGES):
        for entry in fact.data.images or ():
            if isinstance(entry, tuple) and len(entry) == 4:
                name, new_name, new_tag, digest = (str(part) for part in entry)
                out.setdefault(name, []).append((new_name, new_tag, digest))
    return out


def effective(ref: ImageRef, overrides: dict[str, list[tuple[str, str, str]]]) -> tuple[bool, bool]:
    """(floating, pinned) after Kustomize's overrides: lenient when any overlay fixes it."""
    floating, pinned = ref.floating, ref.pinned
    for _, new_tag, digest in overrides.get(image_name(ref), ()):
        if digest:
            floating, pinned = False, True
        elif new_tag and not parse_image(f"x:{new_tag}").floating:
            floating = False
    return floating, pinned


def overrides_of(index: RepoIndex) -> dict[str, list[tuple[str, str, str]]]:
    """The Kustomize image overrides, computed once per change of any kustomization."""
    return index.derived("kustomize:image-overrides", ("kustomize:images",), kustomize_overrides)


# -- RBAC ----------------------------------------------------------------------------------


RBAC_KINDS = ("Role", "ClusterRole")

BUILTIN_NAMES = ("cluster-admin", "admin", "edit", "view")


def is_builtin_or_aggregated(obj: K8sObject) -> bool:
    """Roles Kubernetes itself ships, and aggregated roles whose rules the controller fills."""
    if obj.name.startswith("system:") or isinstance(obj.doc.get("aggregationRule"), YMap):
        return True
    if obj.labels.get("kubernetes.io/bootstrapping") == "rbac-defaults":
        return True
    return obj.kind == "ClusterRole" and obj.name in BUILTIN_NAMES and not obj.doc.list("rules")


def rbac_rules(obj: K8sObject) -> Iterator[tuple[int, YMap, list[str], list[str], list[str]]]:
    """(index, rule, apiGroups, resources, lower-case verbs) of a Role/ClusterRole to audit."""
    if obj.kind not in RBAC_KINDS or not obj.api_version.startswith("rbac.authorization.k8s.io/"):
        return
    if is_builtin_or_aggregated(obj):
        return
    for index, rule in obj.doc.list("rules").maps():
        groups = [str(g) for g in rule.list("apiGroups")]
        resources = [str(r) for r in rule.list("resources")]
        verbs = [str(v).lower() for v in rule.list("verbs")]
        yield index, rule, groups, resources, verbs


def controller_statuses(rules: Iterable[tuple[Sequence[str], Sequence[str], Sequence[str]]]) -> list[str]:
    """``group resource`` of each custom resource whose status a role writes (update, patch or ``*``
    on ``<resource>/status`` of a custom resource group), from (apiGroups, resources, lower-case
    verbs) of each rule: the mark of a controller's own role (the operator pattern); empty otherwise."""
    out: list[str] = []
    for groups, resources, verbs in rules:
        custom = [str(g) for g in groups if not is_builtin_group(str(g))]
        if custom and any(v in verbs for v in ("update", "patch", "*")):
            out.extend(f"{custom[0]} {str(r).split('/')[0]}" for r in resources if str(r).lower().endswith("/status"))
    return list(dict.fromkeys(out))


def describe_managed(managed: Sequence[str], most: int = 3) -> str:
    """``monitoring.coreos.com alertmanagers, prometheuses and 3 more`` from :func:`controller_statuses`."""
    by_group: dict[str, list[str]] = {}
    for entry in managed:
        group, _, resource = entry.partition(" ")
        by_group.setdefault(group, []).append(resource)
    shown, left = [], most
    for group, resources in by_group.items():
        if left <= 0:
            break
        shown.append(f"{group} {', '.join(resources[:left])}")
        left -= len(resources[:left])
    more = len(managed) - (most - left)
    return "; ".join(shown) + (f" and {more} more" if more > 0 else "")


#: binding topics whose subjects hold a Role or ClusterRole
BINDING_TOPICS = ("k8s:ClusterRoleBinding", "k8s:RoleBinding")

#: subjects that stand for every caller the API server accepts
EVERYONE = frozenset({("Group", "system:authenticated"), ("Group", "system:unauthenticated"),
                      ("User", "system:anonymous")})


def subject_parts(subject: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of a binding subject as facts keep it (``Kind/namespace/name``)."""
    kind, _, rest = str(subject).partition("/")
    namespace, _, name = rest.partition("/")
    return kind, namespace, name


def is_workload_identity(kind: str, name: str) -> bool:
    """A service account (or a user/group name standing for service accounts): what a pod holds."""
    return (kind == "ServiceAccount" or name.startswith("system:serviceaccount:")
            or name == "system:serviceaccounts" or name.startswith("system:serviceaccounts:")
            or kind not in ("Group", "User"))


def _role_holders(index: RepoIndex) -> dict[str, tuple[str, ...]]:
    holders: dict[str, list[str]] = {}
    for topic in BINDING_TOPICS:
        for _, fact in index.facts(topic):
            kind, _, name = str(fact.data.role_ref or "").partition("/")
            if kind == "ClusterRole":
                key = f"ClusterRole/{name}"
            elif kind == "Role" and topic == "k8s:RoleBinding":
                key = f"Role/{fact.data.namespace or ''}/{name}"
            else:
                continue
            holders.setdefault(key, []).extend(str(s) for s in fact.data.subjects or ())
    return {key: tuple(subjects) for key, subjects in holders.items()}


def _cluster_admins(index: RepoIndex) -> dict[str, tuple[str, str, int]]:
    admins: dict[str, tuple[str, str, int]] = {}
    for path, fact in index.facts("k8s:ClusterRoleBinding"):
        if str(fact.data.role_ref or "") != "ClusterRole/cluster-admin" or str(fact.data.name).startswith("system:"):
            continue
        for subject in fact.data.subjects or ():
            admins.setdefault(str(subject), (f"ClusterRoleBinding/{fact.data.name}", path, int(fact.line or 0)))
    return admins


def cluster_admin_binding(index: RepoIndex, subject: str) -> tuple[str, str, int] | None:
    """(binding, path, line) of a ClusterRoleBinding of the repository that gives ``subject``
    (``Kind/namespace/name``) cluster-admin: RBAC adds up per subject, so any narrower grant to it
    adds nothing. None when none does."""
    return index.derived("rbac:cluster-admins", ("k8s:ClusterRoleBinding",), _cluster_admins).get(str(subject))


def role_holders(index: RepoIndex, kind: str, name: str, namespace: str | None = None) -> tuple[str, ...]:
    """The subjects every binding of the repository gives this role (``Kind/namespace/name`` each)."""
    table = index.derived("rbac:role-holders", BINDING_TOPICS, _role_holders)
    key = f"ClusterRole/{name}" if kind == "ClusterRole" else f"Role/{namespace or ''}/{name}"
    return table.get(key, ())


# -- cert-manager --------------------------------------------------------------------------


CERT_MANAGER_KINDS = ("Issuer", "ClusterIssuer", "Certificate")


def cert_manager_objects(index: RepoIndex):
    for kind in CERT_MANAGER_KINDS:
        for path, fact in index.k8s(kind):
            if str(fact.data.api or "").startswith(("cert-manager.io/", "certmanager.k8s.io/")):
                yield kind, path, fact


# -- Prometheus ----------------------------------------------------------------------------


MONITOR_KINDS = ("ServiceMonitor", "PodMonitor")

PROMETHEUS_SERVER_KINDS = ("Deployment", "StatefulSet", "DaemonSet")

_SERVER_TOPICS = frozenset(f"k8s:{kind}" for kind in PROMETHEUS_SERVER_KINDS)


def _prometheus_workload(fact) -> bool:
    for image in fact.data.main_images or fact.data.images or ():
        name = parse_image(str(image)).name.lower()
        if name == "prometheus" or name.startswith("prometheus-operator"):
            return True
    return False


def _prometheus_fact(_path: str, fact) -> bool:
    """One object that is a Prometheus server (installers are judged by scope.provided)."""
    if fact.topic in _SERVER_TOPICS:
        return _prometheus_workload(fact)
    if fact.topic == "k8s:CustomResourceDefinition":
        return str(fact.data.name or "") == "prometheuses.monitoring.coreos.com"
    return False


def prometheus_present(index: RepoIndex) -> bool:
    """A Prometheus custom resource, a Prometheus server or operator, or an installer of a
    monitoring stack (a chart, remote base or source: see :mod:`..scope`)."""
    if index.has("k8s:Prometheus") or index.has("k8s:PrometheusAgent"):
        return True
    topics = tuple(sorted(_SERVER_TOPICS | {"k8s:CustomResourceDefinition"}))
    return index.count_where("prometheus-server", topics, _prometheus_fact) > 0 or provided(index, "monitoring")
