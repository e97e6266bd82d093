"""SH014: a password or token written into a command line of a script."""

from __future__ import annotations

from typing import Iterator

from ..api import Category, Check, Finding, Severity, redact
from ..models.envfile import looks_like_placeholder
from ..models.shell import Segment, ShellScript, path_words

CHECK = Check(
    code="SH014",
    name="hardcoded-password-in-script",
    title="Password written into a script's command line",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "`sshpass -p 'hunter2'`, `mysql -pS3cret`, `PGPASSWORD=... psql` or "
        "`docker login -p ...` with a literal puts the credential in the repository (and "
        "its history) for everyone who can read it, and on the command line, where every "
        "user of the host can see it in `ps`. Values taken from variables are not reported."
    ),
    remediation=(
        "Rotate the credential: it is in the repository history.",
        "Read it from the environment or a secret store at run time (`\"$DB_PASSWORD\"`, `--password-stdin`).",
        "Prefer key-based auth (ssh keys, IAM roles, ~/.pgpass with 0600) over passwords on command lines.",
    ),
    effort="1h",
    references=(
        "https://www.postgresql.org/docs/current/libpq-pgpass.html",
        "https://docs.docker.com/reference/cli/docker/login/#password-stdin",
    ),
    peers=("gitleaks generic-api-key",),
)

_PASSWORD_ENV = ("PGPASSWORD", "MYSQL_PWD", "SSHPASS", "REDISCLI_AUTH", "MONGO_PASSWORD")


def _literal(value: str) -> bool:
    return bool(value) and "$" not in value and "`" not in value and not looks_like_placeholder(value) and len(value) >= 6


def _passwords(seg: Segment) -> list[tuple[str, str]]:
    """(how, value) for each literal password in one segment."""
    out = []
    for word in seg.words:  # prefix assignments: PGPASSWORD=... psql
        name, eq, value = word.partition("=")
        if eq and name in _PASSWORD_ENV and _literal(value):
            out.append((name, value))
    name, argv = seg.name, seg.argv
    for i, word in enumerate(argv[1:], 1):
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if name == "sshpass" and word == "-p" and _literal(nxt):
            out.append(("sshpass -p", nxt))
        elif name == "sshpass" and word.startswith("-p") and len(word) > 2 and _literal(word[2:]):
            out.append(("sshpass -p", word[2:]))
        elif name in ("mysql", "mysqldump", "mariadb", "mariadb-dump", "mysqladmin") and word.startswith("-p") and len(word) > 2 and _literal(word[2:]):
            out.append((f"{name} -p", word[2:]))
        elif word.startswith("--password=") and _literal(word.split("=", 1)[1]):
            out.append((f"{name} --password", word.split("=", 1)[1]))
        elif word in ("--password", "-p") and name in ("docker", "podman", "helm", "mongodump", "mongorestore", "mongosh", "mongo") and _literal(nxt):
            out.append((f"{name} {word}", nxt))
        elif name == "redis-cli" and word == "-a" and _literal(nxt):
            out.append(("redis-cli -a", nxt))
        elif name == "curl" and word in ("-u", "--user") and ":" in nxt:
            secret = nxt.split(":", 1)[1]
            if _literal(secret):
                out.append(("curl -u", secret))
    return out


@CHECK.on(ShellScript)
def hardcoded_password_in_script(script: ShellScript) -> Iterator[Finding]:
    if path_words(script.path) & {"test", "tests", "example", "examples", "fixtures", "e2e", "ci", "dev", "local"}:
        return
    for command in script.commands:
        for seg in command.segments:
            for how, value in _passwords(seg):
                yield CHECK.finding(
                    command.pos, resource=f"secret/{how.split()[0]}", symbol=(how,),
                    message=f"literal password passed with `{how}`",
                    evidence=f"{how} {redact(value)}",
                )
                break
