from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.k8s.exposure import Holder, credential_reach
from ..models.secrets import SecretVerdict
from ..models.topics import SECRET_INLINE

CHECK = Check(
    code="K8S024",
    name="secret-in-manifest",
    title="Secret written in a container env value, a ConfigMap or a KeycloakUser's credentials",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written as a container's `env` value or in a ConfigMap is in "
        "every clone, fork and backup of the repository, and readable by anyone who may read "
        "the Deployment or ConfigMap in the cluster (far more people and controllers than may "
        "read Secrets); it also shows in `kubectl describe`. Rotating it means rewriting "
        "history. A connection URL with the password inline is the same literal. A token or a "
        "random-looking value is critical; a weak or well-known default is medium."
    ),
    remediation=(
        "Rotate the value now: treat the committed one as leaked.",
        "Move it to a Secret that is not committed in plain text (SealedSecret, ExternalSecret, "
        "SOPS) and reference it with `valueFrom.secretKeyRef` (or `envFrom.secretRef`).",
        "For connection URLs, pass the password separately and build the URL in the app, or "
        "store the whole URL in the Secret.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
    ),
    peers=("kube-linter env-var-secret",),
)

def _holder(data) -> Holder | None:
    if not data.workload:
        return None
    return Holder(str(data.workload), data.namespace, dict(data.pod_labels or ()), bool(data.node_network),
                  frozenset(data.words or ()), tuple(data.endpoints or ()), bool(data.store))


@CHECK.on_each(SECRET_INLINE)
def secret_in_manifest(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    verdict = SecretVerdict(str(data.kind), str(data.label or ""), purpose=str(data.purpose or "key"))
    exposed, note = data.exposed, ""
    holder = _holder(data)
    if exposed is None and holder is not None and (verdict.kind == "weak" or verdict.purpose == "password"):
        reach = credential_reach(index, holder, str(data.name), data.host)
        exposed, note = reach.exposed, reach.note
    yield CHECK.finding(
        Pos(fact.line, data.end_line or fact.line, tuple(fact.ypath or ()), path=path),
        resource=str(data.resource), message=f"{data.message}{note}", evidence=data.evidence,
        severity=verdict.severity(exposed=exposed),
    )
