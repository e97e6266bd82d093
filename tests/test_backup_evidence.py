"""REPO003 says what backs a compose database up, and only what is true: a file copy of a live
data directory is a weak backup (medium), not none; a database with no volume keeps nothing."""

from __future__ import annotations

from pathlib import Path

from helpers import pedantic
from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.shell import parse_script, script_facts

FIXTURES = Path(__file__).parent / "fixtures" / "repo" / "compose-database-without-backup"


def repo003(root: Path) -> dict[tuple[str, str], object]:
    engine = Engine(root, pedantic())
    engine.scan()
    return {(f.path, f.resource): f for f in engine.findings if f.code == "REPO003"}


def test_a_file_copy_of_the_data_directory_is_a_weak_backup():
    found = repo003(FIXTURES / "bad-data-copy")
    assert {key: f.severity for key, f in found.items()} == {
        ("deploy/docker-compose.yml", "service/plane-db"): Severity.MEDIUM,
        ("docker-compose.yml", "service/plane-db"): Severity.MEDIUM,
    }
    message = found[("docker-compose.yml", "service/plane-db")].message
    assert "file copy of a live data directory is not crash-consistent" in message and "deploy/setup.sh:6" in message
    assert "never backed up" not in message


def test_a_database_without_a_volume_keeps_nothing_to_back_up():
    found = repo003(FIXTURES / "bad-no-volume")
    assert {key[1]: f.severity for key, f in found.items()} == {
        "service/postgres": Severity.LOW, "service/mysql": Severity.LOW, "service/mongo": Severity.HIGH}
    assert "declares no volume" in found[("compose.yaml", "service/postgres")].message
    assert "never backed up" in found[("compose.yaml", "service/mongo")].message


def test_data_copies_are_backup_steps_only_when_made_for_a_backup():
    script = parse_script("ops/tool.sh", (
        "#!/bin/sh\n"
        "docker cp db:/etc/postgresql/postgresql.conf ./postgresql.conf\n"       # a file fetched, not a backup
        "docker cp ./seed.sql db:/tmp/seed.sql\n"                                 # copied in
        "docker cp db:/var/lib/postgresql/data ./backups/pg-$(date +%F)\n"        # into a backup folder
        "save_volume() { docker run --rm -v \"$1\":/v -v \"$PWD\":/out alpine tar cf /out/$1.tar /v; }\n"
        "nightly_snapshot() { save_volume pgdata; }\n"                            # called by a snapshot function
        "sudo rsync -a /var/lib/docker/volumes/pgdata/_data/ /mnt/backup/pgdata/\n"
        "restore_db() { docker run --rm -v pgdata:/v -v \"$SRC\":/in alpine tar xf /in/pg.tar -C /v; }\n"   # a restore
    ))
    copies = [(f.line, f.data.source) for f in script_facts(script) if f.topic == "shell:data-copy"]
    assert copies == [(4, "db:/var/lib/postgresql/data"), (5, "volume $1"),
                      (7, "/var/lib/docker/volumes/pgdata/_data/")]


def test_a_restore_in_a_backup_script_is_not_a_backup_step():
    script = parse_script("ops/backup_and_restore.sh", (
        "#!/bin/sh\n"
        "backup() { docker run --rm -v pgdata:/v -v \"$DEST\":/out alpine tar cf /out/pg.tar /v; }\n"
        "restore() { docker run --rm -v pgdata:/v -v \"$SRC\":/in alpine tar xf /in/pg.tar -C /v; }\n"
    ))
    copies = [f.line for f in script_facts(script) if f.topic == "shell:data-copy"]
    assert copies == [2]


def test_a_backup_the_documentation_describes_as_manual_is_medium_and_named(tmp_path):
    # overleaf-toolkit: doc/persistent-data.md has a Backups section (stop, copy the data folders)
    found = repo003(FIXTURES / "bad-documented")
    [finding] = found.values()
    assert finding.severity == Severity.MEDIUM
    assert "doc/data.md documents a backup procedure (section 'Backups')" in finding.message
    assert "cannot check is followed" in finding.message
    # a heading that only mentions backups in passing (an upgrade note) documents no procedure: high
    (tmp_path / "docker-compose.yml").write_text((FIXTURES / "bad-documented" / "docker-compose.yml").read_text())
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "UPGRADE.md").write_text((FIXTURES / "bad-documented" / "scripts" / "UPGRADE.md").read_text())
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "upgrade.md").write_text("# Upgrading\n\nTake a backup first.\n")
    [finding] = repo003(tmp_path).values()
    assert finding.severity == Severity.HIGH and "never backed up" in finding.message


def test_a_local_dump_whose_off_host_copy_the_documentation_describes_is_medium(tmp_path):
    # docker-zulip: app:backup writes the dump to /data/backups; docs/reference/data-volume.md's "Backup
    # model" makes the volume's off-host copy the operator's step
    (tmp_path / "backup.sh").write_text("#!/bin/bash\nset -euo pipefail\npg_dump app > /data/backups/app.sql\n")
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    [local] = [f for f in engine.findings if f.code == "SH006"]
    assert local.severity == Severity.HIGH
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "data-volume.md").write_text("# Data\n\n## Backup model\n\nCopy /data off the host.\n")
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    [documented] = [f for f in engine.findings if f.code == "SH006"]
    assert documented.severity == Severity.MEDIUM
    assert "docs/data-volume.md documents a backup procedure (section 'Backup model')" in documented.message

