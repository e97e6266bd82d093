"""REPO003: a compose database with no backup anywhere in the repository."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..backups import documented_backup
from ..facts import RepoIndex
from ..models.base import Fact, FileKind
from ..models.datastore import SYSTEMS_OF_RECORD, Role
from ..models.shell import parse_script
from ..models.shell_ops import dump_tool
from ..models.topics import COMPOSE_SERVICE, SHELL_DATA_COPY, SHELL_DEPLOY, ComposeServiceData
from ..scope import provided

CHECK = Check(
    code="REPO003",
    name="compose-database-without-backup",
    title="Database has no backup anywhere in the repository",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "A compose stack runs a database, and nothing in the repository backs it up: no dump "
        "script, no backup service or sidecar, no scheduled job. The data lives only in a "
        "Docker volume on one host, so a lost disk, a `docker compose down -v` or a bad "
        "migration is unrecoverable. (Kubernetes database workloads are reported by the "
        "Kubernetes checks; caches and queues such as Redis or RabbitMQ are not reported.) "
        "When the only backup is a script that copies the database's live data directory or "
        "volume out as files (`docker cp db:/var/lib/postgresql/data`, a `tar` of the volume), "
        "it is reported at medium: such a copy taken while the server writes is not "
        "crash-consistent and may not start; an object store's files copy fine. A database "
        "that declares no volume keeps its data at most in an anonymous volume that `docker "
        "compose down` and `up` replace with a fresh one: that is reported at low, as data that "
        "is never kept, not as a missing backup. The same database service in several variants of one "
        "example (compose files of one folder: `docker-compose.postgres.yml`, `docker-compose.postgres-tika.yml`) "
        "is one finding listing the variants. Severity follows what the repository is and what the store "
        "holds: an application's repository (its source beside the compose files) that deploys nothing itself "
        "(no deploy script) ships the compose file as an example for its users, so the gap is theirs: medium; "
        "an analytics or event store (ClickHouse, InfluxDB...) or one kept for statistics or metrics holds "
        "derived or retention-bounded data: medium; so is a database whose backup the repository's documentation "
        "describes as a manual procedure (a docs page's Backups section): auditui cannot check it is followed."
    ),
    remediation=(
        "Add a scheduled backup: a dump script run by cron/systemd timer, or a backup service in the stack.",
        "Copy backups off the host and keep several generations.",
        "Restore a backup into a scratch database regularly to prove it works.",
    ),
    effort="4h",
    references=(
        "https://www.postgresql.org/docs/current/backup.html",
        "https://docs.docker.com/engine/storage/volumes/#back-up-restore-or-migrate-data-volumes",
    ),
)

_BACKUP_WORDS = ("backup", "dump", "restic", "borg", "velero", "kopia", "wal-g", "walg", "pgbackrest", "barman",
                 "duplicity", "duplicati", "snapshot", "litestream", "k8up", "databasus", "autorestic", "resticker")
_DEV_WORDS = {"dev", "development", "local", "test", "tests", "testing", "ci", "e2e", "example", "examples",
              "sample", "samples", "demo", "devcontainer", "override", "fixtures"}


def _primary_database(fact) -> bool:
    """A system of record (data-store model): caches, key-value stores, queues, search indexes
    and coordination services are rebuilt or replicated, not restored."""
    store = fact.data.store
    if store is None:
        return False
    _engine, role, _cache = store
    return Role(role) in SYSTEMS_OF_RECORD


def _backup_fact(path: str, fact) -> bool:
    """One fact that shows backups are taken (a backup job, operator kind or service)."""
    topic = fact.topic
    if topic == "shell:backup":
        return True
    if topic.startswith("k8s:"):
        return topic in ("k8s:Schedule", "k8s:Backup") or "backup" in topic.lower() or bool(fact.data.backup)
    if topic == "compose:service":
        text = f"{fact.key} {fact.data.image or ''}".lower()
        return any(word in text for word in _BACKUP_WORDS) or bool(scheduled_backup(path, fact))
    return False


def scheduled_backup(path: str, fact) -> str:
    """The backup a label-driven scheduler runs for a compose service (ofelia's
    ``ofelia.job-exec.NAME.command: bench --site all backup``), as 'label: tool', or ''."""
    for label, command in fact.data.jobs or ():
        script = parse_script(f"{path}#{fact.key}", command)
        for _, seg in script.segments():
            tool = dump_tool(seg)
            if tool:
                return f"{label}: {tool}"
    return ""


def backup_evidence(index: RepoIndex) -> bool:
    return (index.count_where("backup-evidence", ("shell:backup", "k8s:", "compose:service"), _backup_fact) > 0
            or provided(index, "backup"))


#: mount targets that give a database its configuration or first-start scripts, not its data
_CONFIG_TARGETS = ("/docker-entrypoint-initdb.d", "/etc/", "/run/secrets", "/usr/local/etc/", "/opt/bitnami/")
_CONFIG_SUFFIXES = (".conf", ".cnf", ".cfg", ".ini", ".sql", ".sql.gz", ".sh", ".yml", ".yaml", ".json", ".xml",
                    ".js", ".crt", ".pem", ".key", ".properties", ".txt")


def _keeps_data(fact) -> bool:
    """The service mounts something its data can live on (a volume or a bind of a folder that
    is not configuration); with no such mount its data is gone with the container."""
    for _kind, target in fact.data.mounts or ():
        target = str(target or "").rstrip("/")
        if target.startswith(_CONFIG_TARGETS) or target.lower().endswith(_CONFIG_SUFFIXES):
            continue
        return True
    return False


def _object_store(fact) -> bool:
    return Role(fact.data.store[1]) is Role.OBJECT_STORE


def _compose_database(path: str, fact) -> bool:
    if set(re.split(r"[/._\-]+", path.lower())) & _DEV_WORDS:
        return False  # a development or test stack
    return _primary_database(fact)


#: an application's repository holds its source: this many source files or more
APPLICATION_SOURCE_FILES = 200
#: database engines that keep analytics or events, usually for a retention window
ANALYTICS_ENGINES = ("clickhouse", "influxdb", "questdb", "druid", "victoriametrics", "prometheus", "loki",
                     "graphite", "opentsdb")
#: words of a service or its file that say the store keeps statistics, not the system of record
_DERIVED_WORDS = ("stats", "statistics", "metrics", "analytics", "telemetry")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[/._\-\s:]+", text.lower()) if w]


def _derived_store(path: str, fact) -> str:
    """Why the store holds derived or retention-bounded data ('' when it is a system of record)."""
    engine = str((fact.data.store or ("",))[0] or "").lower()
    image = str(fact.data.image or "").lower()
    if any(name in engine or name in image for name in ANALYTICS_ENGINES):
        return "an analytics or event store, whose data is usually derived or kept for a retention window"
    for word in _words(f"{path} {fact.key}"):
        if any(word == w or word.endswith(w) for w in _DERIVED_WORDS):
            return f"a store for statistics ({word!r}), not the application's system of record"
    return ""


def application_example(index: RepoIndex) -> str:
    """Why the repository's compose files are examples for its users ('' when they may be its deployment):
    it holds an application's source and no script of it deploys."""
    if index.has(SHELL_DEPLOY):
        return ""
    sources = len(index.files(FileKind.SOURCE))
    if sources < APPLICATION_SOURCE_FILES:
        return ""
    return (f"the repository is the application's ({sources} source files) and deploys nothing itself (no deploy "
            "script): it ships this compose file as an example for its users")


def _family(path: str, fact) -> tuple[str, str, str]:
    """Variants of one example: compose files of one folder running the same service on the same engine."""
    return (posixpath.dirname(path), str(fact.key), str((fact.data.store or ("",))[0] or fact.data.image or ""))


@CHECK.on_repo
def compose_database_without_backup(index: RepoIndex) -> Iterator[Finding]:
    if not index.count_where("compose-database", ("compose:service",), _compose_database):
        return
    if backup_evidence(index):
        return
    copy = min(index.facts(SHELL_DATA_COPY), key=lambda item: (item[0], item[1].line or 0), default=None)
    example = application_example(index)
    documented = documented_backup(index)
    families: dict[tuple[str, str, str], list[tuple[str, Fact[ComposeServiceData]]]] = {}
    for path, fact in index.facts(COMPOSE_SERVICE):
        if not _compose_database(path, fact):
            continue
        complete = dict(fact.data.run_as or ()).get("complete", True)
        if complete and not _keeps_data(fact):
            yield from _never_kept(path, fact)
            continue
        if copy is not None and _object_store(fact):
            continue  # objects are files: a copy of the folder restores them
        families.setdefault(_family(path, fact), []).append((path, fact))
    for members in families.values():
        # the variant with the shortest file name stands for the family (docker-compose.postgres.yml
        # before docker-compose.postgres-tika.yml)
        ordered = sorted(members, key=lambda item: (len(posixpath.basename(item[0])), item[0]))
        first, service = ordered[0]
        others = [p for p, _ in ordered[1:]]
        yield _missing(first, service, copy, others, example, documented)


def _never_kept(path: str, fact) -> Iterator[Finding]:
    what = fact.data.image or (fact.data.store or ("a database",))[0]
    at = Pos(fact.line, fact.line, fact.ypath, path=path)
    evidence = f"image: {fact.data.image}" if fact.data.image else None
    yield CHECK.finding(
        at, resource=f"service/{fact.key}", evidence=evidence, severity=Severity.LOW,
        message=f"database service {fact.key!r} ({what}) in {path} declares no volume for its data: at most "
                "an anonymous volume holds it, which the next `docker compose down` and `up` leave behind "
                "for a fresh one; a throwaway store, or data that is never kept. If it must persist, give "
                "it a named volume and a backup",
    )


def _missing(path: str, fact, copy: tuple | None, others: list[str], example: str, documented: str) -> Finding:
    what = fact.data.image or (fact.data.store or ("a database",))[0]
    # at the service, so the file's context applies (a development or test stack's
    # database is not a production gap) and the finding opens where the database is
    at = Pos(fact.line, fact.line, fact.ypath, path=path)
    evidence = f"image: {fact.data.image}" if fact.data.image else None
    variants = ""
    if others:
        shown = ", ".join(others[:4]) + (f" and {len(others) - 4} more" if len(others) > 4 else "")
        variants = f" (and in {len(others)} variant{'s' if len(others) > 1 else ''} of the same example: {shown})"
    if copy is not None:
        copy_path, copy_fact = copy
        return CHECK.finding(
            at, resource=f"service/{fact.key}", evidence=evidence, severity=Severity.MEDIUM,
            message=f"database service {fact.key!r} ({what}) in {path}{variants} has no dump or backup job: the only "
                    f"backup step found copies files out of a container or a volume ({copy_path}:{copy_fact.line}: "
                    f"{copy_fact.data.source}), and a file copy of a live data directory is not crash-consistent: "
                    "it may not start after a restore; take a dump "
                    "(pg_dump, mysqldump, mongodump) or stop the server for the copy",
        )
    derived = _derived_store(path, fact)
    if example:
        return CHECK.finding(
            at, resource=f"service/{fact.key}", evidence=evidence, severity=Severity.MEDIUM,
            message=f"database service {fact.key!r} ({what}) in {path}{variants}: {example}; a deployment made from "
                    "it needs a backup of this database, and the example has none (no dump script, backup service "
                    "or backup job)" + (f"; it is {derived}" if derived else ""),
        )
    if derived:
        return CHECK.finding(
            at, resource=f"service/{fact.key}", evidence=evidence, severity=Severity.MEDIUM,
            message=f"database service {fact.key!r} ({what}) in {path}{variants} is never backed up (no dump script, "
                    f"backup service or backup job found); it is {derived}: if it holds data you cannot rebuild, "
                    "back it up as a system of record",
        )
    if documented:
        return CHECK.finding(
            at, resource=f"service/{fact.key}", evidence=evidence, severity=Severity.MEDIUM,
            message=f"database service {fact.key!r} ({what}) in {path}{variants} has no dump script, backup service "
                    f"or backup job; {documented}, a manual procedure auditui cannot check is followed: "
                    "automate it (a scheduled dump copied off the host)",
        )
    return CHECK.finding(
        at, resource=f"service/{fact.key}", evidence=evidence,
        message=f"database service {fact.key!r} ({what}) in {path}{variants} is never backed up: "
                "no dump script, backup service or backup job found",
    )
