from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.vendored import upstream_grant
from .shared import (
    BUILTIN_NAMES,
    EVERYONE,
    cluster_admin_binding,
    controller_statuses,
    describe_managed,
    is_workload_identity,
    role_holders,
    subject_parts,
)

CHECK = Check(
    code="K8S069",
    name="rbac-reads-secrets",
    title="RBAC rule reads all Secrets",
    severity=Severity.MEDIUM,
    category=Category.RBAC,
    rationale=(
        "`get`, `list` or `watch` (or `*`) on secrets without `resourceNames` returns every Secret's "
        "content in scope: database passwords, API keys and other service accounts' tokens. A "
        "ClusterRole does so across every namespace it is bound in. `list` alone already returns "
        "the values. Held by a service account, one compromised pod reads them all; held only by "
        "users or groups of the identity provider (the bindings in the repository name no service "
        "account), it is access control for people or outside services, one step lower. A role "
        "aggregated into another, or bound nowhere auditui can see, is judged as written. A controller's "
        "role that writes the status of its own custom resources and creates Secrets (the operator pattern: "
        "certificates, cloud credentials, external secrets turned into Secrets) holds Secrets access by "
        "design: medium. kube-state-metrics' own role (recognised by its name or labels, read-only) lists "
        "Secrets by upstream default for its secrets collector: medium, saying how to trim it. A role whose "
        "every holder the repository also binds to cluster-admin adds nothing to that grant (RBAC adds up "
        "per subject): low, pointing at the cluster-admin binding (K8S079), the one to fix."
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

#: a ClusterRole labelled ``...aggregate-to-<role>`` is part of every role that aggregates it
#: (rbac.authorization.k8s.io/aggregate-to-edit, or a team's own example.com/aggregate-to-ops)
AGGREGATE_LABEL = "aggregate-to-"


def _audited(data, kind: str) -> bool:
    """What :func:`.shared.rbac_rules` audits: not Kubernetes' own roles, not aggregated ones."""
    if not str(data.api or "").startswith("rbac.authorization.k8s.io/"):
        return False
    name, labels = str(data.name), dict(data.labels or ())
    if name.startswith("system:") or data.aggregated or labels.get("kubernetes.io/bootstrapping") == "rbac-defaults":
        return False
    return not (kind == "ClusterRole" and name in BUILTIN_NAMES and not data.rules)


#: what the holders of a role make of it: as written, one step lower (only people), or nothing new
#: (every holder is cluster-admin already)
AS_WRITTEN, PEOPLE, INSIDE_CLUSTER_ADMIN = "as written", "people", "inside cluster-admin"


def _holders(index: RepoIndex, kind: str, data) -> tuple[str, Severity | str]:
    """Who holds the role, as words for the message, and what follows: a severity (critical: every
    caller), or :data:`AS_WRITTEN`, :data:`PEOPLE`, :data:`INSIDE_CLUSTER_ADMIN`."""
    labels = dict(data.labels or ())
    if any(AGGREGATE_LABEL in str(key) for key in labels):
        return "", AS_WRITTEN  # whoever holds the aggregating role holds this one too
    holders = role_holders(index, kind, str(data.name), data.namespace)
    subjects = [subject_parts(s) for s in holders]
    if not subjects:
        return "", AS_WRITTEN  # bound nowhere in the repository: not verified either way
    if any((sk, sn) in EVERYONE for sk, _, sn in subjects):
        return ", bound to every authenticated or anonymous caller", Severity.CRITICAL
    accounts = [f"{ns}/{sn}" if ns else sn for sk, ns, sn in subjects if is_workload_identity(sk, sn)]
    admin = [cluster_admin_binding(index, s) for s in holders]
    if accounts and all(admin):
        binding, where, line = admin[0] or ("", "", 0)
        more = f" and {len(accounts) - 2} more" if len(accounts) > 2 else ""
        return (f", held by service account {', '.join(accounts[:2])}{more}, which the repository also binds to "
                f"cluster-admin ({binding}, {where}:{line}): that grant already includes this one, so fix it "
                "there (K8S079)"), INSIDE_CLUSTER_ADMIN
    if accounts:
        more = f" and {len(accounts) - 2} more" if len(accounts) > 2 else ""
        return f", held by service account {', '.join(accounts[:2])}{more}", AS_WRITTEN
    return (", held only by users or groups of the identity provider (its bindings name no service account "
            "a pod could use)"), PEOPLE


def _secret_producing_controller(rules) -> str:
    """The custom resources whose status the role writes, when it also creates Secrets: the operator
    pattern (a controller turning its resources into Secrets: certificates, cloud credentials, external
    secrets); '' otherwise."""
    creates = False
    facts = []
    for rule in (dict(r) for r in rules):
        groups = [str(g) for g in rule.get("api_groups") or ()]
        resources = [str(r).lower() for r in rule.get("resources") or ()]
        verbs = [str(v) for v in rule.get("verbs") or ()]
        if (not groups or "" in groups) and "secrets" in resources and ("create" in verbs or "*" in verbs):
            creates = True
        facts.append((groups, resources, verbs))
    return describe_managed(controller_statuses(facts)) if creates else ""


def _reads_every_core_resource(rule: dict) -> bool:
    groups = [str(g) for g in rule.get("api_groups") or ()]
    verbs = [str(v) for v in rule.get("verbs") or ()]
    return ("*" in (rule.get("resources") or ()) and (not groups or "" in groups or "*" in groups)
            and not rule.get("resource_names") and any(v in verbs for v in ("*",) + READ_VERBS))


@CHECK.on_each("k8s:ClusterRole", "k8s:Role")
def rbac_reads_secrets(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    kind = fact.topic.split(":", 1)[1]
    data = fact.data
    if not _audited(data, kind):
        return
    found = []  # (severity, reads, rule) of each rule that reads Secrets
    cluster = kind == "ClusterRole"
    if any(_reads_every_core_resource(dict(r)) for r in data.rules or ()):
        return  # '*' resources of the core group read Secrets too: K8S066 reports that rule, at high
    for rule in (dict(r) for r in data.rules or ()):
        groups = list(rule.get("api_groups") or ())
        resources = [str(r) for r in rule.get("resources") or ()]
        verbs = [str(v) for v in rule.get("verbs") or ()]
        if "*" in resources or rule.get("resource_names"):
            continue  # '*' resources are K8S066's; named secrets are the least-privilege form
        if groups and "" not in groups:
            continue  # Secrets live in the core API group
        if "secrets" not in [r.lower() for r in resources]:
            continue
        # '*' verbs on named secrets read them as surely as get/list/watch: Secrets access is this check's
        reads = list(READ_VERBS) if "*" in verbs else [v for v in READ_VERBS if v in verbs]
        if not reads:
            continue
        severity = Severity.HIGH if cluster and ("list" in reads or "watch" in reads) else CHECK.severity
        found.append((severity, reads, rule, resources, verbs))
    if not found:
        return
    # one role, one finding: at its most severe rule, with every verb any of its rules grants
    severity, _, rule, _, _ = max(found, key=lambda item: item[0])
    reads = [v for v in READ_VERBS if any(v in r for _, r, _, _, _ in found)]
    who, held = _holders(index, kind, data)
    produces = _secret_producing_controller(data.rules or ())
    upstream = upstream_grant(str(data.name), dict(data.labels or ()), [dict(r) for r in data.rules or ()])
    if held is Severity.CRITICAL:
        severity = held
    elif held == INSIDE_CLUSTER_ADMIN:
        severity = Severity.LOW  # inside a broader grant to the same subjects: it adds nothing
    elif held == PEOPLE:
        severity = Severity(max(Severity.LOW, severity - 1))
    elif produces and severity is Severity.HIGH:
        severity = Severity.MEDIUM
        who += (f": a controller that writes the status of its own custom resources ({produces}) and creates "
                "Secrets, so reading and writing Secrets is its function (by design); make sure its image is "
                "pinned and comes from a source you trust, and that only its service account holds this role")
    elif upstream is not None and severity is Severity.HIGH:
        severity = Severity.MEDIUM
        who += f": {upstream.component}'s upstream default RBAC, {upstream.why}; {upstream.fix}"
    line = int(rule.get("resources_line") or rule.get("line") or fact.line)
    yield CHECK.finding(
        Pos(line, line, tuple(fact.ypath) + ("rules",), path=path),
        resource=f"{kind}/{data.name}",
        severity=severity,
        message=f"{kind}/{data.name} can {'/'.join(reads)} every Secret"
                f"{' in every namespace it is bound in' if cluster else ' in its namespace'}{who}"
                f"{f' ({len(found)} rules)' if len(found) > 1 else ''}",
        evidence="; ".join(f"resources={resources} verbs={verbs}" for _, _, _, resources, verbs in found[:4]),
    )
