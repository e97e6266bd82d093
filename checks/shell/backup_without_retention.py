"""SH007: local backups that are never cleaned up."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.topics import SHELL_BACKUP, SHELL_RETENTION

CHECK = Check(
    code="SH007",
    name="backup-without-retention",
    title="Local backups are never rotated",
    severity=Severity.MEDIUM,
    category=Category.BACKUP_DR,
    rationale=(
        "A nightly dump with a timestamp in its name and nothing that deletes old ones fills "
        "the disk it shares with the database: one day the dump fails (silently, without "
        "`pipefail`) and, worse, the database runs out of space."
    ),
    remediation=(
        "Delete old dumps after a successful backup, e.g. `find /var/backups/db -name '*.sql.gz' -mtime +14 -delete`.",
        "Or let the backup tool expire snapshots (`restic forget --keep-daily 7 --keep-weekly 4 --prune`, `borg prune`).",
        "Alert on free disk space of the backup volume.",
    ),
    effort="30m",
    references=(
        "https://restic.readthedocs.io/en/stable/060_forget.html",
        "https://www.gnu.org/software/findutils/manual/html_node/find_html/Age-Ranges.html",
    ),
)


@CHECK.on_repo
def backup_without_retention(index: RepoIndex) -> Iterator[Finding]:
    if index.has(SHELL_RETENTION):
        return
    done: set[str] = set()
    for path, fact in index.facts(SHELL_BACKUP):
        if not fact.data.local or path in done:
            continue
        done.add(path)
        yield CHECK.finding(
            Pos(fact.line, fact.line, fact.ypath, path=path),
            resource=f"script/{path.rsplit('/', 1)[-1]}",
            message=f"{fact.data.tool} writes dumps locally and no script deletes old ones (find -mtime, restic forget, ...)",
            evidence=fact.data.text,
        )
