from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import WORKLOAD_POD, WORKLOAD_SA

CHECK = Check(
    code="K8S019",
    name="service-account-token-automount",
    title="Service account token is mounted into the pod",
    severity=Severity.LOW,
    category=Category.RBAC,
    rationale=(
        "By default every pod gets a token for its service account mounted at "
        "/var/run/secrets/kubernetes.io/serviceaccount. Most applications never call the "
        "Kubernetes API, yet anyone who gets code execution in the pod can use the token with "
        "whatever RBAC the account has, which grows over time."
    ),
    remediation=(
        "Set `automountServiceAccountToken: false` on the ServiceAccount (or on the pod spec).",
        "For pods that do call the API, set it to true explicitly on that pod and give it its own narrowly bound ServiceAccount.",
    ),
    effort="15m",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
    ),
    peers=("checkov CKV_K8S_38",),
)


def _opted_out(index: RepoIndex) -> dict[str, set[str | None]]:
    """ServiceAccounts anywhere in the repository that opt out, by name -> namespaces."""
    opted_out: dict[str, set[str | None]] = {}
    for _, fact in index.facts(WORKLOAD_SA):
        if fact.data.automount is False:
            opted_out.setdefault(str(fact.data.name), set()).add(fact.data.namespace)
    return opted_out


@CHECK.on_each(WORKLOAD_POD)
def service_account_token_automount(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    automount = fact.data.automount
    if automount is not None:  # false is the fix; true is a deliberate opt-in
        return
    account = str(fact.data.service_account or "default")
    namespaces = index.derived("K8S019:opted-out", ("workload:sa",), _opted_out).get(account, set())
    namespace = fact.data.namespace
    # the namespace is often set by a kustomization, so an unset one matches any
    if namespaces and (namespace is None or None in namespaces or namespace in namespaces):
        return
    resource = str(fact.data.resource or "")
    line = fact.line
    yield CHECK.finding(
        Pos(line, line, tuple(fact.ypath) + ("automountServiceAccountToken",), path=path),
        resource=resource,
        message=(f"{resource} mounts the token of service account {account!r}: neither the pod nor "
                 f"the ServiceAccount sets automountServiceAccountToken: false"),
        evidence="automountServiceAccountToken: (unset, defaults to true)",
    )
