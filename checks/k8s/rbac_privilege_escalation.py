from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
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
    found = []  # (severity, rule, verbs found, resources, scoped, groups, verbs) of each rule
    for _, rule, groups, resources, verbs in rbac_rules(obj):
        dangerous = [v for v in DANGEROUS if v in verbs]
        if not dangerous:
            continue
        scoped = bool(rule.list("resourceNames"))
        found.append((Severity.MEDIUM if scoped else CHECK.severity, rule, dangerous, resources, scoped, groups, verbs))
    if not found:
        return
    # one role, one finding: at its most severe rule, naming what every such rule grants
    severity, rule, _, _, _, _, _ = max(found, key=lambda item: item[0])
    parts = [f"{', '.join(d)} on {', '.join(r) or '(no resources)'}{' (limited by resourceNames)' if s else ''}"
             for _, _, d, r, s, _, _ in found[:4]]
    more = f" and {len(found) - 4} more rules" if len(found) > 4 else ""
    line = rule.key_line("verbs") if "verbs" in rule else rule.line
    yield CHECK.finding(
        Pos(line, line, tuple(obj.doc.ypath) + ("rules",)),
        resource=obj.resource,
        severity=severity,
        message=f"{obj.resource} grants {'; '.join(parts)}{more}",
        evidence="; ".join(f"apiGroups={g} resources={r} verbs={v}" for _, _, _, r, _, g, v in found[:4]),
    )
