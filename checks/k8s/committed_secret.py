from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..context import by_convention
from ..facts import RepoIndex
from ..models.k8s.exposure import secret_key_reach
from ..models.secrets import SecretVerdict
from ..models.topics import SECRET_LITERALS

CHECK = Check(
    code="K8S060",
    name="committed-secret",
    title="Secret manifest commits literal values",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A Secret's `data` is only base64, not encryption: anyone who can read the repository "
        "(every clone, fork, CI runner and backup of it) can read the values, and they stay in "
        "the Git history after the file is changed. Rotating them is the only real fix once "
        "they are pushed. The same values committed in several files (one key copied into the "
        "variants of a deployment) are one problem: reported once, where a production file holds "
        "them if one does, listing the other copies."
    ),
    remediation=(
        "Rotate every value that was committed: treat it as leaked.",
        "Replace the Secret with a SealedSecret, an ExternalSecret (External Secrets Operator) "
        "or a SOPS-encrypted file.",
        "Remove the plain Secret from the repository and keep it out with a pre-commit secret scanner.",
    ),
    effort="2h",
    references=(
        "https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets",
        "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
        "https://github.com/getsops/sops",
    ),
    peers=("checkov CKV_SECRET_*",),
)

def _rank(path: str, line: int | None) -> tuple:
    """Which copy of the same values is reported: one whose path conventions say production
    (not a tests/ or examples/ folder) first, then by path."""
    return (not by_convention(path).production, path, line or 0)


def _copies(index: RepoIndex) -> dict[str, list[tuple[str, int | None]]]:
    """digest -> every (path, line) committing those values, the reported copy first."""
    table: dict[str, list[tuple[str, int | None]]] = {}
    for path, fact in index.facts(SECRET_LITERALS):
        table.setdefault(str(fact.data.digest), []).append((path, fact.line))
    return {digest: sorted(places, key=lambda place: _rank(*place)) for digest, places in table.items()}


def _rated(data, index: RepoIndex) -> tuple[Severity, str]:
    """The worst value's severity, each password or guessable value rated by who can reach what it
    opens where the workloads that read the Secret use it (models/k8s/exposure.py), and that
    value's reach note."""
    worst, note = Severity.parse(str(data.severity)), ""
    if not data.verdicts or not str(data.resource).startswith("Secret/"):
        return worst, note
    secret = str(data.resource).split("/", 1)[1]
    rated: list[tuple[Severity, str]] = []
    for key, kind, purpose, label in data.verdicts:
        verdict = SecretVerdict(kind, label, purpose=purpose)
        if kind == "weak" or purpose == "password":
            reach = secret_key_reach(index, data.namespace, secret, key)
            rated.append((verdict.severity(exposed=reach.exposed), f" ({key}{reach.note})" if reach.note else ""))
        else:
            rated.append((verdict.severity(), ""))
    return max(rated, key=lambda r: (r[0], bool(r[1])))


@CHECK.on_each(SECRET_LITERALS)
def committed_secret(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    data = fact.data
    places = index.derived("committed-secret:copies", (str(SECRET_LITERALS),), _copies).get(str(data.digest), [])
    if places and places[0] != (path, fact.line):
        return  # a copy of values reported where the first copy is
    others = [f"{p}:{line}" if line else p for p, line in places[1:]]
    copies = ""
    if others:
        shown = ", ".join(others[:4]) + (f" and {len(others) - 4} more" if len(others) > 4 else "")
        copies = f"; the same values are committed in {len(others)} more place(s): {shown}"
    names = ", ".join(data.names[:5]) + (", ..." if len(data.names) > 5 else "")
    weak = " (weak or well-known values: guessable rather than leaked)" if data.weak else ""
    severity, reach = _rated(data, index)
    yield CHECK.finding(
        Pos(fact.line, data.end_line or fact.line, tuple(fact.ypath or ()), path=path),
        resource=str(data.resource), severity=severity,
        message=f"{data.resource} commits {len(data.names)} literal value(s) in {data.field} ({names}){weak}{reach}"
                f"{copies}",
        evidence=data.evidence,
    )
