from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..models.k8s.api_groups import custom_groups_only, deploys_workloads
from ..models.k8s.objects import K8sObject
from .shared import controller_statuses, describe_managed, rbac_rules

CHECK = Check(
    code="K8S066",
    name="rbac-wildcard",
    title="RBAC rule grants wildcard verbs, resources or API groups",
    severity=Severity.HIGH,
    category=Category.RBAC,
    rationale=(
        "A `*` in a rule grants everything that exists now and everything added later (new "
        "CRDs, new subresources such as pods/exec). `*` verbs include escalate, bind and "
        "impersonate; `*` resources include secrets. Whoever holds the role, and whoever "
        "compromises a pod using it, gets far more than the workload needs. Some forms are "
        "weaker and reported as medium (low when read-only): a namespaced Role, which reaches one "
        "namespace, and a ClusterRole aggregated into the built-in edit/admin/view roles whose "
        "wildcard is limited to named non-core API groups (the documented way to give editors a "
        "CRD group). A ClusterRole whose wildcard is limited to custom resource groups whose objects "
        "run no workload (a network plug-in's or an operator's own group) is medium too; groups whose "
        "objects deploy or run workloads (Flux, Argo CD, Crossplane, operators' pod templates; "
        "models/k8s/api_groups.py) and wildcards over the core group, a built-in group or every group "
        "stay high. `*` verbs on resources the rule names (no `*` resource or group) are the resources' "
        "own verbs: on roles, service accounts, users, groups, CSR signers or pod security policies they "
        "include escalate, bind, impersonate, approve or use (high); on anything else they are what "
        "listing every verb would grant, so a controller's role (one that writes the status of its own "
        "custom resources: the operator pattern) holding them on the kinds it manages is low, and "
        "Secrets access in any spelling of the verbs is K8S069's. One role is one finding: it lists the "
        "role's wildcard rules and points at the most severe."
    ),
    remediation=(
        "List the API groups, resources and verbs the workload actually uses (audit logs or "
        "`kubectl auth can-i --list --as=system:serviceaccount:NS:NAME` help).",
        "Split read and write rules; scope them with `resourceNames` where you can.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
    ),
    peers=("kube-linter wildcard-in-rules", "checkov CKV_K8S_49"),
)


#: resources where full control means control of the cluster
SENSITIVE = (
    "secrets", "pods", "pods/exec", "pods/attach", "serviceaccounts", "serviceaccounts/token", "nodes",
    "roles", "rolebindings", "clusterroles", "clusterrolebindings", "deployments", "daemonsets",
    "statefulsets", "mutatingwebhookconfigurations", "validatingwebhookconfigurations",
)
READ_ONLY = {"get", "list", "watch"}
#: resources with verbs beyond reading and writing them: '*' there includes escalate and bind (roles),
#: impersonate (users, groups, service accounts, uids, user extras), approve and sign (CSR signers and
#: approval) or use (pod security policies, OpenShift security context constraints)
SPECIAL_VERBS = ("roles", "clusterroles", "users", "groups", "serviceaccounts", "uids", "userextras", "signers",
                 "certificatesigningrequests/approval", "podsecuritypolicies", "securitycontextconstraints")


def _special(resource: str) -> bool:
    name = resource.lower()
    return name in SPECIAL_VERBS or name.startswith("userextras/")


def _severity(groups: list[str], resources: list[str], verbs: list[str]) -> Severity:
    core = not groups or "" in groups or "*" in groups
    if groups and all(g == "metrics.k8s.io" or g.endswith(".metrics.k8s.io") for g in groups):
        return Severity.LOW  # the metrics APIs are read-only: '*' there only means reading metrics
    if "*" in resources:
        if "*" in verbs or not READ_ONLY.issuperset(verbs):
            return Severity.HIGH  # may change anything in the group(s)
        return Severity.HIGH if core else Severity.LOW  # reading core '*' reads secrets
    if "*" in verbs:
        # Secrets access, in any spelling of the verbs, is K8S069's (it knows who holds the role)
        if any(r.lower() in SENSITIVE and r.lower() != "secrets" for r in resources) or any(map(_special, resources)):
            return Severity.HIGH
        return Severity.MEDIUM  # full control of named resources (often an operator's own CRDs)
    return Severity.MEDIUM  # '*' only in apiGroups


#: the built-in user-facing roles a ClusterRole joins with these labels set to "true"
AGGREGATE_TO = ("admin", "edit", "view")


def _aggregated_into(obj: K8sObject) -> list[str]:
    labels = obj.labels
    return [role for role in AGGREGATE_TO
            if labels.get(f"rbac.authorization.k8s.io/aggregate-to-{role}", "").lower() == "true"]


def _named_groups(groups: list[str]) -> bool:
    """Only named, non-core API groups (no '' and no '*')."""
    return bool(groups) and all(g not in ("", "*") for g in groups)


@CHECK.on(K8sObject, patches=True)
def rbac_wildcard(obj: K8sObject) -> Iterator[Finding]:
    joins = _aggregated_into(obj) if obj.kind == "ClusterRole" else []
    graded = []  # (severity, why, rule, wildcard key, groups, resources, verbs) of each wildcard rule
    rules = list(rbac_rules(obj))
    manages = controller_statuses((groups, resources, verbs) for _, _, groups, resources, verbs in rules)
    own_groups = {m.split(" ", 1)[0] for m in manages}
    for _, rule, groups, resources, verbs in rules:
        wild = [name for name, values in (("verbs", verbs), ("resources", resources)) if "*" in values]
        if not wild and "*" in groups and not rule.list("nonResourceURLs"):
            wild = ["apiGroups"]
        if not wild:
            continue
        severity = _severity(groups, resources, verbs)
        why = ""
        if (manages and wild == ["verbs"] and "*" not in groups and not rule.list("nonResourceURLs")
                and not any(map(_special, resources))
                and not any(deploys_workloads(g) and g not in own_groups for g in groups)):
            # '*' verbs on the kinds a controller manages: what listing every verb would grant (another
            # project's group whose objects deploy workloads, Flux's or Argo's, is no kind it manages)
            severity = Severity.LOW
            secrets = "; its Secrets access is K8S069's" if "secrets" in [r.lower() for r in resources] else ""
            why = (f"a controller's role (it writes the status of its own {describe_managed(manages)}): '*' verbs on the resources it names are what "
                   f"listing every verb would grant, and none of them takes escalate, bind or impersonate{secrets}")
        elif obj.kind == "Role":
            severity = min(severity, Severity.MEDIUM)
        elif joins and _named_groups(groups):
            severity = min(severity, Severity.LOW if joins == ["view"] else Severity.MEDIUM)
            why = (f"scoped to the API groups {', '.join(groups)} and aggregated into the built-in "
                   f"{'/'.join(joins)} role{'s' if len(joins) > 1 else ''} (the standard way to give "
                   "those users a CRD group)")
        elif custom_groups_only(groups):
            deploys = [(g, deploys_workloads(g)) for g in groups if deploys_workloads(g)]
            if deploys:
                why = f"{deploys[0][0]} is no ordinary CRD group: {deploys[0][1]}"
            elif severity > Severity.MEDIUM:
                severity = Severity.MEDIUM
                why = (f"limited to the custom resource group{'s' if len(groups) > 1 else ''} {', '.join(groups)} "
                       "(an operator's or plug-in's own objects, which run no workload)")
        graded.append((severity, why, rule, wild, groups, resources, verbs))
    if not graded:
        return
    worst = max(graded, key=lambda item: item[0])  # the first of the most severe rules
    severity, why, rule, wild, groups, _, _ = worst
    if len(graded) == 1:
        message = f"{obj.resource} grants '*' in {' and '.join(wild)}"
    else:
        shown = "; ".join(f"'*' {'/'.join(w)} on {', '.join(repr(g) for g in gs) or '(no group)'}"
                          for _, _, _, w, gs, _, _ in graded[:4])
        more = f" and {len(graded) - 4} more" if len(graded) > 4 else ""
        message = f"{obj.resource} grants '*' in {len(graded)} rules ({shown}{more})"
    if obj.kind == "Role":
        where = f"namespace {obj.namespace}" if obj.namespace else "the namespace it is deployed to"
        message += f", namespace-scoped (only in {where}, not cluster-wide)"
    elif why:
        message += f"; {why}" if len(graded) > 1 else f", {why}"
    line = rule.key_line(wild[0]) if wild[0] in rule else rule.line
    yield CHECK.finding(
        Pos(line, line, tuple(obj.doc.ypath) + ("rules",)),
        resource=obj.resource, severity=severity,
        message=message,
        evidence="; ".join(f"apiGroups={gs} resources={rs} verbs={vs}" for _, _, _, _, gs, rs, vs in graded[:6]),
    )
