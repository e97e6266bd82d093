from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject
from .shared import rbac_rules

CHECK = Check(
    code="K8S067",
    name="rbac-privilege-escalation",
    title="RBAC rule grants escalate, bind or impersonate",
    severity=Severity.HIGH,
    category=Category.RBAC,
    rationale=(
        "`escalate` lets a subject write roles with permissions it does not hold, `bind` lets it "
        "bind itself to any role (cluster-admin included) and `impersonate` lets it act as any "
        "user, group or service account. Each is a one-step path to cluster-admin."
    ),
    remediation=(
        "Remove the verb from the rule.",
        "If a controller truly manages RBAC, scope `bind`/`escalate` with `resourceNames` to the "
        "roles it hands out, and keep its service account in a locked-down namespace.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks",
        "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update",
    ),
    peers=("checkov CKV_K8S_157", "checkov CKV_K8S_158"),
)

DANGEROUS = ("escalate", "bind", "impersonate")


@CHECK.on(K8sObject, patches=True)
def rbac_privilege_escalation(obj: K8sObject) -> Iterator[Finding]:
    for _, rule, groups, resources, verbs in rbac_rules(obj):
        found = [v for v in DANGEROUS if v in verbs]
        if not found:
            continue
        scoped = " (limited by resourceNames)" if rule.list("resourceNames") else ""
        yield CHECK.finding(
            rule, "verbs",
            resource=obj.resource,
            severity=Severity.MEDIUM if scoped else None,
            message=f"{obj.resource} grants {', '.join(found)} on {', '.join(resources) or '(no resources)'}{scoped}",
            evidence=f"apiGroups={groups} resources={resources} verbs={verbs}",
        )
