"""The user/root model: one reading of "is this root?" in Dockerfiles, compose and Kubernetes,
what well-known images do about their user, and entrypoints that step down."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import pedantic
from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.users import Default, image_user, is_root_user, privilege_drop

FIXTURES = Path(__file__).parent / "fixtures"
DIGEST = "sha256:4c7f1a3d9e2b8f6a0c5d7e9b1a3f5c7d9e1b3a5c7f9d1e3b5a7c9f1d3e5b7a9c"

#: (user as written, root?)  None: a variable decides
USERS = [
    ("0", True), ("00", True), ("0:0", True), ("root", True), ("root:root", True), ("0:1000", True),
    ("1000", False), ("10001:10001", False), ("app", False), ("ROOT", False), ("1000:0", False),
    ("${UID}", None),
]


def _scan(root: Path) -> Engine:
    engine = Engine(root, pedantic())
    engine.scan()
    assert engine.check_errors == []
    return engine


@pytest.mark.parametrize(("user", "root"), USERS)
def test_every_domain_reads_a_user_the_same_way(tmp_path, user, root):
    assert is_root_user(user) is root
    (tmp_path / "Dockerfile").write_text(f"FROM python:3.12.4-slim@{DIGEST}\nUSER {user}\nCMD [\"app\"]\n")
    service = {"image": "registry.example.com/app:1.0.0", "user": user}
    (tmp_path / "compose.yaml").write_text(json.dumps({"services": {"app": service}}))
    findings = _scan(tmp_path).findings
    dockerfile = {f.severity for f in findings if f.code == "DKR001"}
    compose = {f.severity for f in findings if f.code == "CMP010"}
    assert dockerfile == ({Severity.MEDIUM} if root else set())  # a hardening gap: never high in a Dockerfile
    assert compose == ({Severity.MEDIUM} if root else set())
    if user.isdigit():  # runAsUser takes a number
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"containers": [{"name": "c", "image": "registry.example.com/app:1.0.0",
                                        "securityContext": {"runAsUser": int(user)}}]}}
        k8s = tmp_path / "k8s"
        k8s.mkdir()
        (k8s / "pod.yaml").write_text(json.dumps(pod))
        found = {f.severity for f in _scan(tmp_path).findings if f.code == "K8S010"}
        assert found == ({Severity.HIGH} if root else set())


@pytest.mark.parametrize(("image", "default"), [
    ("postgres:16.4", Default.DROPS), ("docker.io/library/mariadb:11", Default.DROPS),
    ("valkey/valkey:8.0", Default.DROPS), ("clickhouse/clickhouse-server:24.8", Default.DROPS),
    ("nginx:1.27-alpine", Default.MASTER), ("php:8.3-fpm-alpine", Default.MASTER), ("httpd:2.4", Default.MASTER),
    ("bitnami/postgresql:16", Default.NONROOT), ("grafana/grafana:11.1.0", Default.NONROOT),
    ("quay.io/prometheus/prometheus:v2.53.0", Default.NONROOT), ("gcr.io/distroless/static:nonroot", Default.NONROOT),
    ("cgr.dev/chainguard/static:latest", Default.NONROOT), ("nginxinc/nginx-unprivileged:1.27", Default.NONROOT),
    ("cgr.dev/chainguard/python:latest-dev", None), ("gcr.io/distroless/static", None), ("php:8.3-cli", None),
    ("someone/postgres:16", None), ("ghcr.io/acme/nginx:1.0", None), ("python:3.12", None), ("${IMAGE}", None),
])
def test_what_well_known_images_do_about_their_user(image, default):
    known = image_user(image)
    assert (known.default if known else None) is default


def test_commands_that_step_down_and_those_that_do_not():
    assert privilege_drop('#!/bin/sh\nexec gosu postgres "$@"\n') == ("gosu", 2)
    assert privilege_drop("exec su-exec app:app node server.js") == ("su-exec", 1)
    assert privilege_drop('set -- gosu rabbitmq "$@"\nexec "$@"') == ("gosu", 1)
    assert privilege_drop("s6-setuidgid abc /app/bin") == ("s6-setuidgid", 1)  # a run script's last step
    assert privilege_drop("exec s6-setuidgid abc /app/bin") == ("s6-setuidgid", 1)
    assert privilege_drop("exec setpriv --reuid=1000 --regid=1000 --init-groups app") == ("setpriv", 1)
    assert privilege_drop("exec chroot --userspec=1000:1000 / app") == ("chroot", 1)
    assert privilege_drop("exec runuser -u app -- app") == ("runuser", 1)
    assert privilege_drop('exec su app -c "node server.js"') == ("su", 1)
    # daemons that drop themselves: a flag naming the user, or by design
    assert privilege_drop('exec /usr/bin/rspamd -f -u _rspamd -g _rspamd') == ("rspamd -u _rspamd", 1)
    assert privilege_drop("exec gunicorn --user=app -b :8000 app:wsgi") == ("gunicorn --user app", 1)
    assert privilege_drop("exec dhcpd -f -user dhcpd eth0") == ("dhcpd -user dhcpd", 1)
    assert privilege_drop("#!/bin/sh\npostconf -e x=y\npostfix -c /etc/postfix start\nsleep infinity")[1] == 3
    assert privilege_drop("exec dnsmasq -k")[0].startswith("dnsmasq (")
    assert privilege_drop("exec /usr/sbin/sshd -D -e")[0].startswith("sshd (")
    for text in ("exec dnsmasq -k --user=root", "exec rspamd -u root", "exec python -u app.py", "nginx -t",
                 "exec nginx -s reload", "postfix check", "exec sshd -t", "echo named -u bind",
                 "cp x && unbound -d", "exec tor", "exec uwsgi --ini app.ini",
                 # a daemon's name inside a longer word: a file, a helper, a shell function
                 "/etc/rspamd/custom/dovecot_trusted.map \\", "/usr/sbin/unbound-anchor -a key", "nginx_checks() {",
                 "exec nginx.sh"):
        assert privilege_drop(text) is None, text
    for text in ("apk add --no-cache su-exec", "exec gosu nobody true", "gosu --version", "# exec gosu app x",
                 "gosu app ./migrate.sh", 'su _rspamd -s /bin/bash -c "rspamadm x"',
                 "exec gosu root app", "chroot /mnt sh", "su -c 'reboot'", "setpriv --dump"):
        assert privilege_drop(text) is None, text


@pytest.mark.parametrize(("path", "text", "found"), [
    ("etc/clamd.conf", "#User root\nUser clamav\n", ("clamd.conf User clamav", 2)),
    ("docker/unbound/unbound.conf", "server:\n  username: \"unbound\"\n", ("unbound.conf username: unbound", 2)),
    ("nginx/nginx.conf", "user  nginx;\nworker_processes auto;\n", ("nginx.conf user nginx", 1)),
    ("conf/dnsmasq.conf", "port=53\nuser=dnsmasq\n", ("dnsmasq.conf user= dnsmasq", 2)),
    ("php/www.conf", "[www]\nuser = www-data\n", ("www.conf user = www-data", 2)),
    ("supervisord.conf", "[supervisord]\nuser=root\n[program:api]\ncommand=/api\nuser=app\n",
     ("supervisord [program:api] user=app", 5)),
    ("deploy/supervisor/dns.ini", "[program:dns]\ncommand=/usr/sbin/unbound -d\n", None),  # checked below
    ("etc/clamd.conf", "User root\n", None), ("nginx.conf", "# user nobody;\nevents {}\n", None),
    ("supervisord.conf", "[supervisord]\nuser=root\n[program:app]\ncommand=/app\nuser=root\n", None),
    ("unbound.conf", "server:\n  username: \"\"\n", None),
])
def test_configurations_that_set_a_daemons_run_user(path, text, found):
    from auditui.checks.models.users import config_drop, is_daemon_config

    assert is_daemon_config(path)
    if path.endswith("dns.ini"):
        how, line = config_drop(path, text)
        assert how.startswith("supervisord [program:dns] runs unbound (") and line == 2
        return
    assert config_drop(path, text) == found


def test_names_that_are_not_daemon_configurations():
    from auditui.checks.models.users import is_daemon_config

    for path in ("app.conf", "conf.d/site.conf", "nginx.conf.template.md", "supervisor.py", "docs/clamd.txt"):
        assert not is_daemon_config(path), path


#: DKR001 fixture -> the severity it is reported at (the markers only say where)
SEVERITIES = {
    # root for certain: a hardening gap (medium, as K8S010), explicit USER root included
    "bad.Dockerfile": Severity.MEDIUM, "bad-scratch.Dockerfile": Severity.MEDIUM,
    "bad-multistage.Dockerfile": Severity.MEDIUM, "bad-inherited.Dockerfile": Severity.MEDIUM,
    "bad-dev-target-last.Dockerfile": Severity.MEDIUM,
    # root only possible: the base image or an entrypoint this file cannot see decides
    "bad-app-base.Dockerfile": Severity.LOW, "bad-privilege-drop.Dockerfile": Severity.LOW,
    "bad-db-entrypoint-replaced.Dockerfile": Severity.LOW,
    # root only for the first step: the program steps down
    "bad-entrypoint-steps-down": Severity.LOW, "bad-s6-services": Severity.LOW, "bad-compose-context": Severity.LOW,
    "bad-nginx-master.Dockerfile": Severity.LOW, "bad-root-user-then-gosu.Dockerfile": Severity.LOW,
    # daemons that drop themselves: a flag, by design, a configuration the image ships, a supervisor's programs
    "bad-daemon-user-flag.Dockerfile": Severity.LOW, "bad-daemon-drops-by-design.Dockerfile": Severity.LOW,
    "bad-daemon-config": Severity.LOW, "bad-supervisord-programs": Severity.LOW, "bad-supervised-script": Severity.LOW,
    # near-misses: told to stay root, a -u that is not a user
    "bad-daemon-stays-root.Dockerfile": Severity.MEDIUM, "bad-python-unbuffered.Dockerfile": Severity.MEDIUM,
}


@pytest.mark.parametrize("name", sorted(SEVERITIES))
def test_dkr001_severity_follows_what_the_repository_shows(tmp_path, name):
    fixture = FIXTURES / "dockerfile" / "final-stage-runs-as-root" / name
    if fixture.is_dir():
        root = fixture
    else:
        root = tmp_path
        shutil.copy(fixture, root / name)
    found = [f for f in _scan(root).findings if f.code == "DKR001"]
    assert [f.severity for f in found] == [SEVERITIES[name]], [f.message for f in found]


def test_compose_severities_and_hedged_messages():
    found = {f.resource: f for f in _scan(FIXTURES / "compose" / "container-runs-as-root" / "bad-built-image").findings
             if f.code == "CMP010"}
    assert "runs the image built from tools/Dockerfile, which runs as root" in found["service/tools"].message


def test_an_entrypoint_step_down_follows_the_script_through_an_edit(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "dockerfile" / "final-stage-runs-as-root" / "bad-entrypoint-steps-down", root)
    engine = Engine(root, pedantic())
    engine.scan()
    assert [f.severity for f in engine.findings if f.code == "DKR001"] == [Severity.LOW]
    script = root / "docker-entrypoint.sh"
    script.write_text(script.read_text().replace('exec gosu app "$0" "$@"', 'exec "$@"'))
    engine.update([script])
    assert [f.severity for f in engine.findings if f.code == "DKR001"] == [Severity.LOW]  # installs gosu: may drop
    assert "relies on its entrypoint dropping privileges" in next(f.message for f in engine.findings if f.code == "DKR001")
