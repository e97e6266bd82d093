"""K8S087: an identity provider's static login committed with the install (Dex ``staticPasswords``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import K8S

CHECK = Check(
    code="K8S087",
    name="identity-provider-static-login",
    title="Identity provider ships a static login with a committed password hash",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "Dex with `enablePasswordDB: true` logs in the users of `staticPasswords` with the bcrypt hash "
        "beside each one, written inline or read from a variable a Secret fills (`hashFromEnv`). A hash "
        "committed with the install is the same login on every cluster that keeps the default: its "
        "password is whatever the repository's authors chose, often documented (kubeflow's "
        "`user@example.com` / `12341234`), and a hash of a short password is cracked offline in minutes. "
        "Whoever has it logs in to everything the identity provider fronts. A hash the repository does "
        "not hold (a Secret created at deploy time) is not reported."
    ),
    remediation=(
        "Remove the static user from the committed configuration, or set `enablePasswordDB: false` and "
        "log in through a real connector (LDAP, OIDC, GitHub).",
        "If a static user is needed, create its hash at install time (`htpasswd -bnBC 12 \"\" <password>`) "
        "in a Secret that is not committed, and read it with `hashFromEnv`.",
        "Change the password of every cluster installed with the committed hash.",
    ),
    effort="30m",
    references=(
        "https://dexidp.io/docs/connectors/local/",
        "https://github.com/kubeflow/manifests#change-default-user-password",
    ),
)


def _hashes(index: RepoIndex) -> dict[str, tuple[str, str]]:
    """Variable -> (the Secret's path, its resource) for every committed Secret key holding a bcrypt hash."""
    out: dict[str, tuple[str, str]] = {}
    for path, secret in index.k8s("Secret"):
        for key, _ in secret.data.hashes or ():
            out.setdefault(str(key), (path, f"Secret/{secret.data.name}"))
    return out


@CHECK.on_each(K8S.of("ConfigMap"))
def identity_provider_static_login(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    logins = fact.data.static_logins
    if not logins:
        return
    hashes = index.derived("K8S087:hashes", ("k8s:Secret",), _hashes)
    for key, line, email, inline, env, entry in logins:
        if inline:
            where = "its bcrypt hash is written inline"
        elif env in hashes:
            where = f"its bcrypt hash is committed in {hashes[env][0]} ({hashes[env][1]}, key {env})"
        else:
            continue  # the hash comes from a Secret the repository does not hold
        yield CHECK.finding(
            Pos(line, line, ("data", key, "staticPasswords", entry), path=path),
            resource=f"ConfigMap/{fact.data.name}",
            message=(f"Dex's password database logs in the static user {email!r}, and {where}: every "
                     "install that keeps it shares this login"),
            evidence=f"staticPasswords[{entry}].email={email}",
        )
