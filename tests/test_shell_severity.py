"""Shell checks whose severity follows what the script shows: the fixture markers cannot say it."""

from __future__ import annotations

from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.config import Config
from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures" / "shell"


def scan(root: Path, code: str) -> list:
    engine = Engine(root, Config(persona="pedantic"))
    engine.scan()
    assert engine.check_errors == []
    return sorted((f for f in engine.findings if f.code == code), key=lambda f: (f.path, f.line or 0))


def test_sh009_appended_once_is_quiet_overwritten_every_run_is_high_appended_every_run_medium():
    found = {f.line: f for f in scan(FIXTURES / "secret-generated-at-deploy", "SH009") if f.path == "bad-deploy.sh"}
    assert found[6].severity == Severity.MEDIUM           # `>> .env` with no check of the file
    assert "no check that the file already holds one" in found[6].message
    assert found[13].severity == Severity.HIGH            # `> /srv/app/.env`: replaced on every run
    assert "overwrites /srv/app/.env" in found[13].message
    assert found[14].severity == Severity.HIGH            # `| tee file` overwrites too
    assert found[4].severity == Severity.HIGH             # `${X:-$(openssl rand)}`: never stored
    assert not [f for f in scan(FIXTURES / "secret-generated-at-deploy", "SH009") if f.path.startswith("good")]


def test_sh005_severity_follows_the_engine_and_a_confirmation():
    found = {f.line: f for f in scan(FIXTURES / "drop-database-live-connections", "SH005") if f.path == "bad-engines.sh"}
    assert {line: f.severity for line, f in found.items()} == {
        5: Severity.MEDIUM, 6: Severity.MEDIUM, 8: Severity.MEDIUM,   # MySQL / MariaDB do not refuse
        16: Severity.MEDIUM,                                          # PostgreSQL, after a prompt
        23: Severity.LOW,                                             # MySQL, after a confirmation variable
        29: Severity.HIGH,                                            # PostgreSQL; the prompt is another function's
    }
    assert "MySQL does not refuse it" in found[5].message
    assert "asks for $REALLY_RESTORE_ONTO_PRODUCTION first" in found[23].message
    assert found[23].resource == "database/$DB_DATABASE"
    assert "PostgreSQL refuses it" in found[29].message
    restore = [f for f in scan(FIXTURES / "drop-database-live-connections", "SH005") if f.path == "bad-restore.sh"]
    assert restore and all(f.severity == Severity.HIGH for f in restore)
