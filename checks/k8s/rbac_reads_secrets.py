from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject
from .shared import rbac_rules

CHECK = Check(
    code="K8S069",
    name="rbac-reads-secrets",
    title="RBAC rule reads all Secrets",
    severity=Severity.MEDIUM,
    category=Category.RBAC,
    rationale=(
        "`get`, `list` or `watch` on secrets without `resourceNames` returns every Secret's "
        "content in scope: database passwords, API keys and other service accounts' tokens. A "
        "ClusterRole does so across every namespace it is bound in. `list` alone already returns "
        "the values."
    ),
    remediation=(
        "Mount the Secrets the workload needs as volumes or env vars instead of reading them "
        "through the API.",
        "If it must use the API, limit the rule with `resourceNames` to the Secrets it reads, in "
        "a namespaced Role.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets",
    ),
    peers=("kube-linter access-to-secrets", "checkov CKV2_K8S_5"),
)

READ_VERBS = ("get", "list", "watch")


@CHECK.on(K8sObject)
def rbac_reads_secrets(obj: K8sObject) -> Iterator[Finding]:
    for _, rule, groups, resources, verbs in rbac_rules(obj):
        if "*" in verbs or "*" in resources or rule.list("resourceNames"):
            continue  # wildcards are K8S066's; named secrets are the least-privilege form
        if groups and "" not in groups:
            continue  # Secrets live in the core API group
        if "secrets" not in [r.lower() for r in resources]:
            continue
        reads = [v for v in READ_VERBS if v in verbs]
        if not reads:
            continue
        cluster = obj.kind == "ClusterRole"
        yield CHECK.finding(
            rule, "resources",
            resource=obj.resource,
            severity=Severity.HIGH if cluster and ("list" in reads or "watch" in reads) else None,
            message=f"{obj.resource} can {'/'.join(reads)} every Secret"
                    f"{' in every namespace it is bound in' if cluster else ' in its namespace'}",
            evidence=f"resources={resources} verbs={verbs}",
        )
