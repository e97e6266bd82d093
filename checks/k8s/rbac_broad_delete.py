from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..models.k8s.objects import K8sObject
from .shared import rbac_rules

CHECK = Check(
    code="K8S068",
    name="rbac-broad-delete",
    title="RBAC rule can delete namespaces, volumes, nodes or RBAC objects",
    severity=Severity.MEDIUM,
    category=Category.RBAC,
    rationale=(
        "`delete`/`deletecollection` on namespaces, persistent volumes and claims, nodes, CRDs, "
        "secrets or RBAC objects lets one stolen token wipe data or take the cluster's "
        "guard rails down (deleting a CRD deletes every object of that type). Few workloads "
        "need it; those that do should say so explicitly."
    ),
    remediation=(
        "Remove `delete`/`deletecollection` from the rule, or move it to a separate role bound "
        "only to the controller that needs it.",
        "Scope what remains with `resourceNames`.",
    ),
    effort="1h",
    references=("https://kubernetes.io/docs/concepts/security/rbac-good-practices/",),
)

#: resources whose deletion destroys data or cluster-wide configuration
BROAD = (
    "namespaces", "persistentvolumes", "persistentvolumeclaims", "nodes", "secrets",
    "customresourcedefinitions", "clusterroles", "clusterrolebindings", "roles", "rolebindings",
    "validatingwebhookconfigurations", "mutatingwebhookconfigurations", "storageclasses",
)


@CHECK.on(K8sObject, patches=True)
def rbac_broad_delete(obj: K8sObject) -> Iterator[Finding]:
    found = []  # (rule, deletes, broad resources, resources, verbs) of each rule
    for _, rule, _groups, resources, verbs in rbac_rules(obj):
        if "*" in verbs or "*" in resources or rule.list("resourceNames"):
            continue  # wildcards are K8S066's; named objects are scoped
        deletes = [v for v in ("delete", "deletecollection") if v in verbs]
        broad = [r for r in resources if r.lower() in BROAD]
        if deletes and broad:
            found.append((rule, deletes, broad, resources, verbs))
    if not found:
        return
    # one role, one finding: at its first such rule, naming everything any of them may delete
    rule = found[0][0]
    deletes = [v for v in ("delete", "deletecollection") if any(v in d for _, d, _, _, _ in found)]
    broad = list(dict.fromkeys(r for _, _, b, _, _ in found for r in b))
    line = rule.key_line("verbs") if "verbs" in rule else rule.line
    yield CHECK.finding(
        Pos(line, line, tuple(obj.doc.ypath) + ("rules",)),
        resource=obj.resource,
        message=f"{obj.resource} may {'/'.join(deletes)} {', '.join(broad)}",
        evidence="; ".join(f"resources={resources} verbs={verbs}" for _, _, _, resources, verbs in found[:4]),
    )
