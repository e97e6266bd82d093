"""SH005: DROP DATABASE without first closing the connections to it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..models.shell import Command, ShellScript
from ..models.shell_ops import program_argv

CHECK = Check(
    code="SH005",
    name="drop-database-live-connections",
    title="Drops a database without closing its connections first",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "PostgreSQL refuses `DROP DATABASE` while anything is connected (the app, a worker, "
        "a pooler): a restore script that drops and recreates the database fails half-way "
        "exactly when it is needed (high). MySQL and MariaDB drop it with clients connected, "
        "waiting only for their open transactions' metadata locks, so the still-running app "
        "reconnects to the recreated, empty database and writes to it during the restore "
        "(medium). A prompt or a confirmation variable the script demands first is the "
        "operator's safety: one step lower, and the message says so."
    ),
    remediation=(
        "Stop the application (and workers) that use the database before dropping it.",
        "On PostgreSQL 13+, use `DROP DATABASE name WITH (FORCE)` or `dropdb --force`; on older "
        "versions revoke CONNECT and call `pg_terminate_backend()` for the database's sessions.",
        "Restore into a new database and switch the app over, which also keeps the old data until the restore is verified.",
    ),
    effort="1h",
    references=(
        "https://www.postgresql.org/docs/current/sql-dropdatabase.html",
        "https://www.postgresql.org/docs/current/app-dropdb.html",
        "https://dev.mysql.com/doc/refman/8.0/en/drop-database.html",
        "https://dev.mysql.com/doc/refman/8.0/en/metadata-locking.html",
    ),
)

_DROP_RE = re.compile(r"\bDROP\s+DATABASE\s+(?:IF\s+EXISTS\s+)?([`\"']?[\w$.{}-]+)?([^;\n]*)", re.IGNORECASE)
_SQL_CLIENTS = ("psql", "mysql", "mariadb", "clickhouse-client", "cockroach", "sqlcmd", "mongosh", "pgcli", "mycli")
_TERMINATE_WORDS = ("pg_terminate_backend", "allow_connections false", "allow_connections = false", "kill query", "kill connection")


_SUPERVISORS = ("systemctl", "service", "supervisorctl", "pm2", "rc-service")
#: clients that tell which engine runs the statement
_POSTGRES_CLIENTS = frozenset(("psql", "pgcli", "cockroach", "dropdb"))
_MYSQL_CLIENTS = frozenset(("mysql", "mariadb", "mycli", "mysqladmin", "mariadb-admin"))
#: parts of a variable name an operator sets to confirm a destructive run
#: (`REALLY_RESTORE_ONTO_PRODUCTION`, `CONFIRM_DROP`, `I_KNOW_WHAT_I_AM_DOING`)
_CONFIRM_RE = re.compile(r"(?:^|_)(?:REALLY|CONFIRM(?:ED|ATION)?|SURE|I_KNOW|I_UNDERSTAND|ACKNOWLEDGED?|YES_I)(?:_|$)")
_EXPANSION_RE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _stops_app(command: Command) -> bool:
    for seg in command.segments:
        name, argv = seg.name, seg.argv
        inner = program_argv(seg, *_SUPERVISORS)  # also `podman exec app supervisorctl stop web`
        if inner is not None and "stop" in inner:
            return True
        if ((name == "docker" and "compose" in argv) or name == "docker-compose") and any(a in ("stop", "down", "kill", "rm") for a in argv):
            return True
        if name in ("docker", "podman") and len(argv) > 1 and argv[1] in ("stop", "kill", "rm"):
            return True
        if name in ("kubectl", "oc") and "scale" in argv and any(a in ("--replicas=0", "0") for a in argv):
            return True
    return False


def _drops(command: Command) -> Iterator[tuple[int, str, str, str]]:
    """(line, database, statement tail, SQL before it) for each DROP DATABASE the command runs."""
    text = " ".join(seg.text for seg in command.segments)
    runs_sql = any(word.rsplit("/", 1)[-1] in _SQL_CLIENTS for seg in command.segments for word in seg.words)
    if runs_sql and "drop" in text.lower():
        for match in _DROP_RE.finditer(text):
            yield command.line, (match.group(1) or "?").strip("`\"'"), match.group(2), text[:match.start()]
    if runs_sql and command.heredoc and "drop" in command.heredoc.lower():
        body = command.heredoc
        for match in _DROP_RE.finditer(body):
            line = (command.heredoc_line or command.line) + body.count("\n", 0, match.start())
            yield line, (match.group(1) or "?").strip("`\"'"), match.group(2), body[:match.start()]


def _engine(command: Command) -> str:
    """`postgres`, `mysql` or '' (another engine, or one the command does not name)."""
    words = {word.rsplit("/", 1)[-1] for seg in command.segments for word in seg.words}
    if words & _POSTGRES_CLIENTS:
        return "postgres"
    if words & _MYSQL_CLIENTS:
        return "mysql"
    return ""


def _confirmation(script: ShellScript, command: Command) -> str:
    """What the operator must do before the drop runs: answer a prompt (`read -p`), or set a
    confirmation variable the script demands (`: "${REALLY_RESTORE_ONTO_PRODUCTION?}"`,
    `[ "$CONFIRM" = yes ] || exit`); '' when nothing asks."""
    functions = {seg.function for seg in command.segments}
    for seg in command.segments:
        for guard in seg.guards:
            for name in _EXPANSION_RE.findall(guard):
                if _CONFIRM_RE.search(name.upper()):
                    return f"${name}"
    for other in script.commands:
        if other.line >= command.line:
            break
        for seg in other.segments:
            if seg.function not in functions and seg.function:
                continue  # another function's prompt does not guard this one
            if seg.name == "read" and any(w.startswith("-") and not w.startswith("--") and "p" in w for w in seg.argv[1:]):
                return "an answer to a prompt (read -p)"
            for name in _EXPANSION_RE.findall(seg.raw or seg.text):
                if _CONFIRM_RE.search(name.upper()):
                    return f"${name}"
    return ""


def _severity(engine: str, confirmed: str) -> tuple[Severity | None, str]:
    """PostgreSQL refuses the drop while anything is connected (the restore stops half-way): high.
    MySQL/MariaDB drop with clients connected and only wait for open transactions' metadata
    locks: the risk is the live app writing into the recreated database, medium. A confirmation
    the operator must give is the documented safety: one step lower."""
    severity = Severity.HIGH if engine != "mysql" else Severity.MEDIUM
    if confirmed:
        severity = Severity(severity - 1)
    why = ("MySQL does not refuse it with clients connected (it waits for their open transactions), "
           "so the still-running app writes into the database being restored") if engine == "mysql" else \
          ("PostgreSQL refuses it while anything is connected, so the restore stops half-way") if engine == "postgres" else ""
    if confirmed:
        why = (why + "; " if why else "") + f"the script asks for {confirmed} first"
    return (None if severity == CHECK.severity else severity), why


#: databases no application serves: MySQL's sample `test` (dropped by secure-installation
#: scripts), scratch, temporary and CI copies
_DISPOSABLE_WORDS = frozenset(("test", "tests", "testing", "tmp", "temp", "scratch", "ci", "e2e", "shadow"))


def _disposable(db: str) -> bool:
    return bool(set(re.split(r"[_\-.]+", db.lower())) & _DISPOSABLE_WORDS)


@CHECK.on(ShellScript)
def drop_database_live_connections(script: ShellScript) -> Iterator[Finding]:
    if script.embedded:
        return  # only ops scripts are read for this
    safe = False
    for command in script.commands:
        lower_all = (command.text + "\n" + command.heredoc).lower()
        if any(word in lower_all for word in _TERMINATE_WORDS) and "drop" not in lower_all:
            safe = True
        if _stops_app(command):
            safe = True
        for seg in command.segments:  # dropdb without --force, run directly or in a container
            dropdb = program_argv(seg, "dropdb")
            if dropdb is not None and not any(a in ("--force", "-f") for a in dropdb) and not safe:
                db = next((a for a in reversed(dropdb[1:]) if not a.startswith("-")), "?")
                if _disposable(db):
                    continue
                severity, why = _severity("postgres", _confirmation(script, command))
                yield CHECK.finding(command.pos, resource=f"database/{db}", severity=severity,
                                    message=f"`dropdb {db}` without --force while nothing stopped the app or closed its connections: {why}",
                                    evidence=command.evidence)
            mysqladmin = program_argv(seg, "mysqladmin")
            if mysqladmin is not None and "drop" in mysqladmin and not safe:
                db = next((a for a in mysqladmin[mysqladmin.index("drop") + 1:] if not a.startswith("-")), "?")
                if _disposable(db):
                    continue
                severity, why = _severity("mysql", _confirmation(script, command))
                yield CHECK.finding(command.pos, resource=f"database/{db}", severity=severity,
                                    message=f"`mysqladmin drop {db}` while nothing stopped the app: {why}",
                                    evidence=command.evidence)
        reported: set[tuple[int, str]] = set()
        for line, db, tail, before in _drops(command):
            if "force" in tail.lower() or _disposable(db) or (line, db) in reported:
                continue  # the same statement is seen twice when it runs in a nested command string
            reported.add((line, db))
            if safe or any(word in before.lower() for word in _TERMINATE_WORDS):
                continue
            engine = _engine(command)
            severity, why = _severity(engine, _confirmation(script, command))
            missing = "no stopped app before it" if engine == "mysql" else \
                "no pg_terminate_backend, WITH (FORCE) or stopped app before it"
            yield CHECK.finding(
                Pos(line, line, command.ypath),
                resource=f"database/{db}",
                symbol=("drop", db),
                severity=severity,
                message=f"DROP DATABASE {db} runs while the app may still be connected ({missing})"
                        + (f": {why}" if why else ""),
                evidence=command.evidence,
            )
