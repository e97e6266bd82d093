"""REPO003: a compose database with no backup anywhere in the repository."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.datastore import SYSTEMS_OF_RECORD, Role
from ..models.shell import dump_tool, parse_script
from ..scope import provided
from ..models.topics import COMPOSE_SERVICE

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
        "Kubernetes checks; caches and queues such as Redis or RabbitMQ are not reported.)"
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


def _compose_database(path: str, fact) -> bool:
    if set(re.split(r"[/._\-]+", path.lower())) & _DEV_WORDS:
        return False  # a development or test stack
    return _primary_database(fact)


@CHECK.on_repo
def compose_database_without_backup(index: RepoIndex) -> Iterator[Finding]:
    if not index.count_where("compose-database", ("compose:service",), _compose_database):
        return
    if backup_evidence(index):
        return
    for path, fact in index.facts(COMPOSE_SERVICE):
        if not _compose_database(path, fact):
            continue
        # at the service, so the file's context applies (a development or test stack's
        # database is not a production gap) and the finding opens where the database is
        yield CHECK.finding(
            Pos(fact.line, fact.line, fact.ypath, path=path),
            resource=f"service/{fact.key}", evidence=f"image: {fact.data.image}" if fact.data.image else None,
            message=f"database service {fact.key!r} ({fact.data.image or fact.data.store[0]}) in {path} is never backed up: "
                    "no dump script, backup service or backup job found",
        )
