"""Bad input becomes a notice or a parse-error finding, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from auditui.cli import main


def scan(root: Path) -> Engine:
    engine = Engine(root)
    engine.scan()
    assert engine.check_errors == [], [n.message for n in engine.check_errors]
    return engine


def notices(engine: Engine) -> dict[str, str]:
    return {n.path: n.message for n in engine.all_notices()}


def test_malformed_yaml_is_a_parse_error_at_its_line(tmp_path):
    (tmp_path / "deploy.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")
    (finding,) = [f for f in scan(tmp_path).findings if f.code == "AUD001"]
    assert finding.path == "deploy.yaml" and finding.line in (4, 5)
    assert "invalid YAML" in finding.message


def test_documents_before_a_syntax_error_are_still_audited(tmp_path):
    (tmp_path / "two.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - {name: a, image: 'busybox:1.36', imagePullPolicy: Never}\n---\nkey: [oops\n"
    )
    codes = {f.code for f in scan(tmp_path).findings}
    assert {"AUD001", "K8S020"} <= codes


def test_garbage_dockerfile_does_not_crash(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"\xff\xfe FROM\n\\\nRUN \\\n\x01\x02 ???\nWHATEVER x\n")
    engine = scan(tmp_path)
    assert "Dockerfile" in {f.path for f in engine.findings} | set(notices(engine))


def test_binary_file_named_yaml_is_skipped_with_a_notice(tmp_path):
    (tmp_path / "image.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    engine = scan(tmp_path)
    assert "binary" in notices(engine)["image.yaml"]
    assert not engine.findings


def test_large_file_is_skipped_with_a_notice(tmp_path):
    big = tmp_path / "huge.yaml"
    big.write_text("items:\n" + "  - value: 0123456789abcdef0123456789abcdef\n" * 130_000)  # ~5 MB
    assert big.stat().st_size > 4 * 1024 * 1024
    engine = scan(tmp_path)
    assert "larger than 2 MiB" in notices(engine)["huge.yaml"]


def test_symlink_out_of_the_repository_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2hunter2}\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside / "secret.yaml", repo / "linked.yaml")
    os.symlink(outside, repo / "linked-dir")
    engine = scan(repo)
    assert "outside the repository" in notices(engine)["linked.yaml"]
    assert not engine.findings


def test_symlink_loops_are_survived(tmp_path):
    (tmp_path / "a").mkdir()
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    os.symlink(tmp_path / "self.yaml", tmp_path / "self.yaml")
    engine = scan(tmp_path)
    assert engine.findings == [] or all(f.code != "AUD001" for f in engine.findings)


def test_symlink_inside_the_repository_is_read(tmp_path):
    (tmp_path / "real.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: a, image: 'busybox:1.36', imagePullPolicy: Never}\n")
    os.symlink(tmp_path / "real.yaml", tmp_path / "alias.yaml")
    paths = {f.path for f in scan(tmp_path).findings if f.code == "K8S020"}
    assert paths == {"real.yaml", "alias.yaml"}


def test_non_utf8_bytes_are_replaced_and_noted(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\ndata: {a: b}\n".encode("latin-1")
    )
    engine = scan(tmp_path)
    assert "UTF-8" in notices(engine)["latin1.yaml"]


@pytest.mark.parametrize("name", ["empty.yaml", "Dockerfile", "deploy.sh", ".env", "docker-compose.yml"])
def test_empty_files_are_fine(tmp_path, name):
    (tmp_path / name).write_text("")
    engine = scan(tmp_path)
    assert not [f for f in engine.findings if f.code == "AUD001"]


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]")
    (tmp_path / "bomb.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n" + "\n".join("  " + l for l in lines) + "\n")
    (finding,) = [f for f in scan(tmp_path).findings if f.code == "AUD001"]
    assert "alias" in finding.message


def test_helm_template_is_a_notice_not_an_error(tmp_path):
    chart = tmp_path / "chart" / "templates"
    chart.mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n"
        "  replicas: {{ .Values.replicas }}\n{{- if .Values.x }}\n  foo: bar\n{{- end }}\n"
    )
    engine = scan(tmp_path)
    assert "not rendered" in notices(engine)["chart/templates/deployment.yaml"]
    assert not [f for f in engine.findings if f.path == "chart/templates/deployment.yaml"]


def test_scan_cli_on_a_hostile_repository_exits_cleanly(tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text(": : :\n\t- [")
    (tmp_path / "bin.yml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "Dockerfile").write_text("\\\n")
    code = main(["scan", str(tmp_path), "--format", "json"])
    out = capsys.readouterr().out
    data = json.loads(out)
    assert code in (0, 1)
    assert data["version"] == 1 and isinstance(data["notices"], list)


def test_missing_path_is_a_one_line_error(tmp_path, capsys):
    code = main(["scan", str(tmp_path / "nope")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "no such directory" in err


def test_credentials_never_reach_a_finding_in_full(tmp_path):
    """Whatever a check puts in a message or evidence, credentials come out redacted."""
    from auditui.checks.api import scrub

    leaky = [
        ("pg_dump postgres://shop:Sup3rS3cretPass@db/shop", "Sup3rS3cretPass"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
        ("key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXk"),
    ]
    for text, secret in leaky:
        assert secret not in scrub(text)
    for harmless in ("image: nginx:1.27", "git@github.com:org/repo.git", "https://user:${PASS}@host"):
        assert scrub(harmless) == harmless
    # end to end: a script that puts a connection string in a dump command
    (tmp_path / "backup.sh").write_text(
        "#!/bin/bash\nset -euo pipefail\npg_dump postgres://shop:Sup3rS3cretPass@db/shop > /var/backups/db.sql\n"
    )
    engine = scan(tmp_path)
    assert engine.findings
    for finding in engine.findings:
        assert "Sup3rS3cretPass" not in (finding.message or "") + (finding.evidence or "")


def test_lines_shown_for_context_hide_secrets_no_check_reported():
    from auditui.checks.api import scrub_line

    assert "hunter2hunter2" not in scrub_line("  password: hunter2hunter2")
    assert "s3cr3tvalue" not in scrub_line('token: "s3cr3tvalue"')
    for harmless in ("  DB_PASSWORD=${DB_PASSWORD}", "secretName: orders-api-tls", "  image: nginx:1.27",
                     "POSTGRES_PASSWORD_FILE: /run/secrets/db"):
        assert scrub_line(harmless) == harmless


def test_templated_yaml_is_a_notice_not_a_parse_error(tmp_path):
    # a Rails database.yml with ERB, an Ansible-style Jinja file, a Go template outside a chart
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "database.yml").write_text(
        "production:\n  <<: *default\n  <% if ENV['DB_REPLICA'] %>\n  replica: true\n  <% end %>\n  password: <%= ENV['DB_PASSWORD'] %>\n")
    (tmp_path / "deploy.yml").write_text("- hosts: web\n  tasks:\n{% for pkg in packages %}\n    - apt: name={{ pkg }}\n{% endfor %}\n")
    (tmp_path / "values.yaml").write_text("image: {{ .Values.image }}\n  bad: [\n")
    (tmp_path / "broken.yaml").write_text("a: [1, 2\nb: }\n")
    engine = scan(tmp_path)
    errors = {f.path for f in engine.findings if f.code == "AUD001"}
    assert errors == {"broken.yaml"}
    notices = {n.path: n.message for n in engine.all_notices()}
    assert "ERB template" in notices["config/database.yml"] and "Jinja template" in notices["deploy.yml"]
    assert "not rendered" in notices["values.yaml"]
