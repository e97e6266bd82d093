"""Shell that a container runs (compose command/entrypoint/healthcheck, Kubernetes
command/args/probes/hooks) is read by the one shell reader and audited by the shell checks,
at the host file's lines, with what the host knows (a compose service's exposure)."""

from __future__ import annotations

from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.config import Config
from auditui.checks.engine import Engine
from auditui.checks.models.shell_hosts import shell_form


def scan(root: Path) -> Engine:
    engine = Engine(root, Config(persona="pedantic"))
    engine.scan()
    assert engine.check_errors == []
    return engine


def by_code(engine: Engine, code: str) -> list:
    return sorted((f for f in engine.findings if f.code == code), key=lambda f: (f.path, f.line or 0))


def test_shell_form_knows_the_spellings_of_a_shell_running_a_string():
    assert shell_form(["sh", "-c", "x"]) == ("sh", 2)
    assert shell_form(["/bin/bash", "-ec", "x"]) == ("bash", 2)
    assert shell_form(["bash", "-o", "pipefail", "-c", "x"]) == ("bash", 4)
    assert shell_form(["/usr/bin/env", "bash", "-c", "x"]) == ("bash", 3)
    assert shell_form(["sh", "script.sh"]) is None          # runs a file the repo may hold: not a string
    assert shell_form(["python", "-c", "x"]) is None        # not a shell
    assert shell_form(["sh", "-c"]) is None                 # the string is elsewhere (args) or missing


def _compose(root: Path, ports: str) -> Path:
    root.mkdir()
    (root / "docker-compose.yml").write_text(
        "services:\n"
        "  cache:\n"
        "    image: redis:7.2.4\n"
        f"{ports}"
        "    healthcheck:\n"
        "      test: [\"CMD-SHELL\", \"redis-cli -a Xk9vQ2mLp7Rt4sWz ping | grep PONG\"]\n"
    )
    return root


def test_a_password_in_a_compose_healthcheck_follows_the_service_exposure(tmp_path):
    quiet = by_code(scan(_compose(tmp_path / "a", "")), "SH014")
    assert [(f.line, f.severity) for f in quiet] == [(5, Severity.MEDIUM)]  # random password, not published
    published = by_code(scan(_compose(tmp_path / "b", "    ports: [\"6379:6379\"]\n")), "SH014")
    assert [(f.line, f.severity) for f in published] == [(6, Severity.CRITICAL)]  # reachable from outside
    assert "Xk9vQ2mLp7Rt4sWz" not in (published[0].evidence or "")  # never a secret in full


def test_a_kubernetes_job_command_is_audited_at_its_lines_and_keeps_its_fingerprint(tmp_path):
    job = (
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  name: realm\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      restartPolicy: Never\n"
        "      containers:\n"
        "        - name: migrate\n"
        "          image: mysql:8.4\n"
        "          command:\n"
        "            - /bin/bash\n"
        "            - -c\n"
        "            - |\n"
        "              set -e\n"
        "              ssh -o StrictHostKeyChecking=no ops@10.0.0.5 true\n"
    )
    (tmp_path / "job.yaml").write_text(job)
    first = by_code(scan(tmp_path), "SH013")
    assert [(f.path, f.line, f.resource) for f in first] == [("job.yaml", 17, "Job/realm/container/migrate")]
    (tmp_path / "job.yaml").write_text("# a comment above moves every line\n" + job)
    moved = by_code(scan(tmp_path), "SH013")
    assert [f.line for f in moved] == [18]
    assert moved[0].fingerprint == first[0].fingerprint


def test_deploy_checks_do_not_read_container_commands_as_a_server(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  site:\n"
        "    image: alpine/git:2.45.2\n"
        "    command: sh -c \"git pull && make build && systemctl restart site\"\n"
    )
    engine = scan(tmp_path)
    assert by_code(engine, "SH003") == [] and by_code(engine, "SH004") == []


def test_incremental_update_of_a_compose_command_equals_a_fresh_scan(tmp_path):
    path = tmp_path / "docker-compose.yml"
    path.write_text("services:\n  a:\n    image: x/a:1.0.0\n    command: sh -c \"echo ok\"\n")
    engine = Engine(tmp_path, Config(persona="pedantic"))
    engine.scan()
    assert by_code(engine, "SH015") == []
    path.write_text("services:\n  a:\n    image: x/a:1.0.0\n    command: sh -c \"curl -k https://x.example.com\"\n")
    engine.update([path])
    fresh = scan(tmp_path)
    assert [(f.line, f.fingerprint) for f in by_code(engine, "SH015")] == \
        [(f.line, f.fingerprint) for f in by_code(fresh, "SH015")] == [(4, by_code(fresh, "SH015")[0].fingerprint)]


def test_crontab_entries_are_read_at_their_lines_with_the_user_field_and_percent_rules():
    from auditui.checks.models.shell_hosts import crontab_script, is_crontab_name

    assert is_crontab_name("deploy/cron.d/app-backup") and is_crontab_name("ops/crontab")
    assert is_crontab_name("jobs/nightly.cron") and is_crontab_name("etc/app.crontab")
    assert not is_crontab_name("deploy/cron.d/README.md") and not is_crontab_name("cron/backup.sh")
    text = (
        "SHELL=/bin/bash\n"
        "# comment\n"
        "15 2 * * * root pg_dump app > /var/backups/app.sql\n"
        "@daily root /usr/local/bin/rotate\n"
        "0 4 * * * root echo hi % curl -k https://x.example.com\n"
        "not a cron line at all\n"
    )
    script = crontab_script("etc/cron.d/app", text)
    assert script is not None and script.interpreter == "bash" and script.host == "cron"
    lines = {c.line: c.segments[0].argv[0] for c in script.commands}
    assert lines == {3: "pg_dump", 4: "/usr/local/bin/rotate", 5: "echo"}  # the user field is not a command
    assert not any("curl" in c.text for c in script.commands)  # after % is standard input
    user = crontab_script("ops/crontab", "0 3 * * * pg_dump app > /tmp/a.sql\n")
    assert user is not None and [c.segments[0].argv[0] for c in user.commands] == ["pg_dump"]
    assert crontab_script("ops/crontab", "SHELL=/usr/bin/python3\n0 3 * * * print(1)\n") is None


def test_a_backup_scheduled_by_cron_is_a_backup(tmp_path):
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  db:\n    image: postgres:16.2\n    volumes: [\"pg:/var/lib/postgresql/data\"]\nvolumes:\n  pg: {}\n")
    assert [f.code for f in scan(tmp_path).findings if f.code == "REPO003"] == ["REPO003"]
    (tmp_path / "cron.d").mkdir()
    (tmp_path / "cron.d" / "dump").write_text(
        "30 1 * * * root docker compose exec -T db pg_dump -U postgres app | gzip > /srv/b/app.gz "
        "&& rclone copy /srv/b remote:b\n")
    assert [f.code for f in scan(tmp_path).findings if f.code == "REPO003"] == []


def test_loopback_is_one_answer_for_every_domain():
    from auditui.checks.models.addresses import is_loopback

    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", " LOCALHOST "))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "10.0.0.5", "example.com", "", "::"))
