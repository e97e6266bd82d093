"""CMP013: a secret is written as a literal environment value or build argument."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..api import Category, Check, Finding, Pos, Severity
from ..context import Context, by_convention
from ..models.compose import ComposeFile, EnvVar, Service, combine_reach, credential_reach
from ..models.secrets import SecretVerdict, classify, name_words

CHECK = Check(
    code="CMP013",
    name="secret-in-environment",
    title="Secret written as a literal environment value",
    severity=Severity.CRITICAL,
    category=Category.SECRETS,
    rationale=(
        "A password, token or key written in the compose file is in every clone, fork, CI log and "
        "backup of the repository, and in `docker inspect` on every host that runs it; rotating it "
        "means rewriting history. A `${VAR:-default}` with a real default, or a URL with the "
        "password inline, is the same literal. Build arguments are worse: they stay in the image "
        "history. Severity follows the secrets model: a token or a random-looking key is critical; "
        "a password is critical when what it opens (the database, the service) publishes a port "
        "beyond the host and medium when it does not; a weak or well-known default (`postgres`, "
        "`changeme`) is high when published and medium when not. A key two different programs "
        "share to authenticate to each other (`LIVE_SERVER_SECRET_KEY` in the live server and the "
        "API) is judged like a password: what it opens is the service that checks it. One variable "
        "restated with the same value in several services is one finding naming them all. A game or voice "
        "server's credential opens an application role, not data or the host: its join password is low "
        "and its administrator or RCON password medium at most."
    ),
    remediation=(
        "Rotate the secret now: treat the committed value as leaked.",
        "Reference it from the environment instead (`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}`), "
        "set in an untracked `.env` or by the deploy system.",
        "Better, use compose `secrets:` and the image's `*_FILE` variable (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`).",
        "For build-time credentials use `docker build --secret`, never `build.args`.",
    ),
    effort="1h",
    references=(
        "https://docs.docker.com/compose/how-tos/use-secrets/",
        "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/",
        "https://docs.docker.com/build/building/secrets/",
    ),
    peers=("checkov CKV_SECRET_6", "kics Passwords And Secrets - Generic Password", "gitleaks generic-api-key"),
)

def _where(var: EnvVar) -> Pos:
    """The line of the value itself: for keys merged from an anchor (``<<: *env``) that is
    the anchor's line, where the literal is written, not the ``<<:`` line."""
    line, end = var.line, var.end_line
    container = var.container
    if isinstance(var.key, str) and hasattr(container, "value_span") and var.key in container.value_lines:
        line, end = container.value_span(var.key)
    return Pos(line, max(line, end), var.ypath)


#: words of a name that say the key signs or encrypts (its holder's own key: usable without reaching anyone)
_SIGNING_WORDS = frozenset(("JWT", "SIGNING", "SIGN", "SIGNATURE", "SESSION", "COOKIE", "ENCRYPTION", "ENC", "CRYPT",
                            "CRYPTO", "HMAC", "CSRF", "MASTER", "DECRYPTION", "PRIVATE", "UNSEAL", "OTP", "TOTP"))
#: words of a name that say the key authenticates one service to another
_PEER_WORDS = frozenset(("SERVER", "SERVICE", "INTERNAL", "SHARED", "PEER", "CLUSTER", "NODE", "AGENT", "BACKEND",
                         "WORKER", "RELAY", "GATEWAY", "PROXY"))


def _program(service: Service) -> str:
    """What a service runs: its image without the tag, else its build."""
    ref = service.resolved_image_ref
    if ref is not None:
        return f"image:{ref.name}"
    return f"build:{service.name}" if service.builds else f"service:{service.name}"


def _service_to_service(name: str, verdict: SecretVerdict, holders: list[Service]) -> bool:
    """A random-looking key that different programs of this file share under a name that says it
    authenticates one service to another (``LIVE_SERVER_SECRET_KEY`` in the live server and the
    API): a credential one presents and the other checks, not a key either signs with."""
    if verdict.kind != "random" or verdict.purpose != "key" or verdict.in_url:
        return False
    words = set(name_words(name))
    if words & _SIGNING_WORDS or not words & _PEER_WORDS:
        return False
    return len({_program(s) for s in holders}) >= 2


def _peer_reach(compose: ComposeFile, holders: list[Service]) -> tuple[bool | None, str]:
    """Is a service that checks a shared key reachable from beyond the host? True when one of them
    publishes a port; None when a published service of the file depends on one of them (a reverse
    proxy in front: what it routes is not in this file); False otherwise."""
    if any(s.exposed for s in holders):
        return True, "; a service that holds it publishes a port beyond this host"
    if any(s.exposed is None for s in holders):
        return None, ""
    names = {s.name for s in holders}
    for other in compose.services:
        if other.name in names or not other.exposed:
            continue
        depends = other.node.get("depends_on")
        if isinstance(depends, dict):
            depends = list(depends)
        if isinstance(depends, list) and names & {str(d) for d in depends}:
            return None, (f"; none of them publishes a port, but the published service {other.name!r} "
                          f"depends on them (what it forwards is not in this file)")
    return False, "; none of them publishes a port and no published service depends on them"


@CHECK.on(ComposeFile)
def secret_in_environment(compose: ComposeFile) -> Iterator[Finding]:
    # one literal shared by several services (an x- anchor merged into each) is one finding
    found: dict[tuple, list] = {}
    # a sample (examples/, docker-compose.example.yml) shows how to deploy: its placeholders ask
    # to be replaced; in a compose file that runs they are the value every install shares
    where = "sample" if by_convention(compose.path).context is Context.EXAMPLE else "compose"
    for service in compose.services:
        for what, variables in (("environment variable", service.environment()),
                                ("build argument", service.build_args())):
            for var in variables:
                if var.container is None or var.value is None:
                    continue
                # a value ``.env`` interpolated in is that file's secret (the env checks report it
                # there): judge what this file writes
                written = var.written if var.written is not None else (
                    var.raw if isinstance(var.raw, (int, float)) else var.value)
                verdict = classify(var.name, written, where=where)
                if not verdict.is_secret:
                    continue
                pos = _where(var)
                entry = found.setdefault((pos.line, var.name, what), [var, verdict, pos, what, []])
                entry[4].append(service)
    # the services that hold each (variable, value), whichever line writes it
    holders: dict[tuple[str, str], list[Service]] = {}
    for var, verdict, _, _, services in found.values():
        holders.setdefault((var.name, verdict.value), []).extend(services)
    # one variable restated with the same value in several services of the file (a client
    # credential written into each client) is one problem: one finding at its first line, naming
    # every service; the two sides of a key services share to authenticate to each other stay
    # apart (each side is a different program's setting)
    groups: dict[object, list] = {}
    for entry in found.values():
        var, verdict, _, what, _ = entry
        peers = holders.get((var.name, verdict.value), entry[4])
        key = (var.name, verdict.value, what) if not _service_to_service(var.name, verdict, peers) else id(entry)
        groups.setdefault(key, []).append(entry)
    for entries in groups.values():
        entries.sort(key=lambda e: e[2].line)
        var, verdict, pos, what, _ = entries[0]
        services = [s for e in entries for s in e[4]]
        restated = sorted({e[2].line for e in entries[1:]})
        names = ", ".join(repr(s.name) for s in services)
        who = f"service {names}" if len(services) == 1 else f"services {names}"
        reach_of = combine_reach(credential_reach(compose, s, var.name, var.value if verdict.in_url else None)
                                 for s in services)
        exposed = reach_of.exposed
        default = " (as the default of a variable)" if verdict.default else ""
        reach = ""
        described = verdict.describe()
        peers = holders.get((var.name, verdict.value), services)
        if _service_to_service(var.name, verdict, peers):
            verdict = replace(verdict, purpose="password")
            exposed, reach = _peer_reach(compose, peers)
            reach = (f"; services of different images ({', '.join(sorted({repr(s.name) for s in peers}))}) share it "
                     f"to authenticate to each other, so it opens only the one that checks it{reach}")
        elif verdict.kind == "weak" or verdict.purpose == "password":
            reach = reach_of.note
        also = (f" (restated on line{'s' if len(restated) > 1 else ''} {', '.join(map(str, restated))})"
                if restated else "")
        message = (f"{who} set{'s' if len(services) == 1 else ''} {what} {var.name} to "
                   f"{described}{default}{also}{reach}")
        severity = verdict.severity(exposed=exposed)
        if reach_of.ceiling and not _service_to_service(var.name, verdict, peers):
            # low-impact-credential: what it opens is an application role (a game server's seat or admin)
            severity = min(severity, Severity.parse(reach_of.ceiling))
        yield CHECK.finding(pos, resource=services[0].resource, message=message,
                            evidence=verdict.evidence(var.name), severity=severity)
