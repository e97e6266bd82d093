"""SH006: database dumps that only ever land on the same host."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..backups import documented_backup
from ..facts import RepoIndex
from ..models.topics import SHELL_BACKUP, SHELL_OFFSITE

CHECK = Check(
    code="SH006",
    name="backup-not-offsite",
    title="Backups are written to the local disk only",
    severity=Severity.HIGH,
    category=Category.BACKUP_DR,
    rationale=(
        "A dump written to a directory of the database host dies with that host: a lost disk, "
        "a deleted VM, ransomware or a bad `rm` takes the data and its backups together. "
        "No script in the repository copies the dumps anywhere else (object storage, another "
        "host, a backup service). Medium when the repository's documentation describes the backup as a "
        "manual procedure (a docs page's Backups section), which auditui cannot check is followed."
    ),
    remediation=(
        "Copy each dump off the host right after it is written (`aws s3 cp`, `gsutil cp`, `rclone copy`, "
        "`restic backup` to a remote repository), or stream it there directly.",
        "Use a bucket or account the database host cannot delete from (object lock, separate credentials).",
        "Test a restore from the offsite copy.",
    ),
    effort="4h",
    references=(
        "https://www.postgresql.org/docs/current/backup-dump.html",
        "https://restic.readthedocs.io/en/stable/030_preparing_a_new_repo.html",
    ),
)


@CHECK.on_repo
def backup_not_offsite(index: RepoIndex) -> Iterator[Finding]:
    if index.has(SHELL_OFFSITE):
        return  # some script ships backups elsewhere; we cannot tell which dumps it covers
    done: set[str] = set()
    documented: str | None = None
    for path, fact in index.facts(SHELL_BACKUP):
        if not fact.data.local or fact.data.streamed or fact.data.handed_off or path in done:
            continue
        done.add(path)
        name = path.rsplit("/", 1)[-1]
        if documented is None:
            documented = documented_backup(index)
        yield CHECK.finding(
            Pos(fact.line, fact.line, fact.ypath, path=path),
            resource=f"script/{name}",
            severity=Severity.MEDIUM if documented else None,
            message=f"{fact.data.tool} output is written to the local disk and no script copies backups off the host"
                    + (f"; {documented}, a manual step auditui cannot check is followed" if documented else ""),
            evidence=fact.data.text,
        )
