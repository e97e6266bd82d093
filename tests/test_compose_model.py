"""The compose model (interpolation, ports, volumes, env, override awareness) and the
compose checks' severities, redaction and robustness beyond what fixture markers show."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import pedantic
from auditui.checks import compose as compose_checks
from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.compose import (
    ComposeFile,
    interpolate,
    is_variable_only,
    literal_default,
    parse,
)
from auditui.checks.models.yamlnodes import load_documents

FIXTURES = Path(__file__).parent / "fixtures" / "compose"
CODES = {check.code for check in compose_checks.CHECKS}


def compose_of(text: str) -> ComposeFile:
    parsed = parse("docker-compose.yml", load_documents(text))
    return parsed.units[0]


def scan(tmp_path: Path, text: str, name: str = "docker-compose.yml") -> Engine:
    (tmp_path / name).write_text(text, encoding="utf-8")
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    return engine


def compose_findings(engine: Engine, code: str | None = None):
    return [f for f in engine.findings if f.code in CODES and (code is None or f.code == code)]


# -- interpolation ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("plain", "plain"),
    ("${A}", None),
    ("$A", None),
    ("${A:?required}", None),
    ("${A:+alt}", None),
    ("${A:-x}", "x"),
    ("${A-x}", "x"),
    ("${A:-${B:-y}}", "y"),
    ("${A:-${B}}", None),
    ("$$HOME", "$HOME"),
    ("pre-${A:-mid}-post", "pre-mid-post"),
    ("${A:-}", ""),
])
def test_interpolate(text, expected):
    assert interpolate(text) == expected


def test_interpolate_keeps_the_known_parts_when_asked():
    assert interpolate("${REGISTRY}/app:${TAG:-1.2}", "?") == "?/app:1.2"


@pytest.mark.parametrize(("text", "only"), [
    ("${A}", True), ("$A", True), ("${A:?e}", True), ("${A:-}", True), ("${A:-${B}}", True),
    ("${A:-lit}", False), ("x${A}", False), ("$$A", False), ("plain", False),
])
def test_is_variable_only(text, only):
    assert is_variable_only(text) is only


def test_literal_default():
    assert literal_default("${PW:-hunter2}") == "hunter2"
    assert literal_default("${PW:?set}") is None
    assert literal_default("Bearer ${TOKEN}") is None


# -- ports, volumes, environment ---------------------------------------------------

def test_ports_short_and_long_syntax():
    compose = compose_of("""
services:
  db:
    image: postgres:16.4
    ports:
      - "5432:5432"
      - "127.0.0.1:5433:5432"
      - "[::1]:5434:5432"
      - "5435"
      - 5436
      - "${BIND:-127.0.0.1}:${PORT:-5437}:5432"
      - "${BIND}:5438:5432"
      - "0.0.0.0:5439:5432/tcp"
      - {target: 5432, published: 5440, host_ip: 127.0.0.1}
      - {target: 5432}
      - "${SQL_PORT:-127.0.0.1:13306}:3306"
""")
    ports = compose.services[0].ports()
    assert [p.bound_to_all_interfaces for p in ports] == [
        True, False, False, True, True, False, False, True, False, True, False]
    # compose interpolates the spec before reading it: defaults decide address and port
    assert ports[5].published == "5437" and ports[5].target == "5432" and ports[5].host_ip == "127.0.0.1"
    assert ports[5].raw == "${BIND:-127.0.0.1}:${PORT:-5437}:5432"
    assert (ports[10].host_ip, ports[10].published, ports[10].target) == ("127.0.0.1", "13306", "3306")
    assert ports[2].host_ip == "::1"
    assert ports[3].published is None


def test_volumes_short_and_long_syntax():
    compose = compose_of("""
services:
  app:
    image: alpine:3.20
    volumes:
      - "${SOCK:-/var/run/docker.sock}:/var/run/docker.sock:ro"
      - data:/data
      - /cache
      - ./conf:/conf:ro,z
      - {type: bind, source: /srv, target: /srv, read_only: true}
      - {type: volume, source: named, target: /named}
""")
    vols = compose.services[0].volumes()
    assert [(v.source, v.target, v.read_only, v.is_bind) for v in vols] == [
        ("${SOCK:-/var/run/docker.sock}", "/var/run/docker.sock", True, True),
        ("data", "/data", False, False),
        ("", "/cache", False, False),
        ("./conf", "/conf", True, True),
        ("/srv", "/srv", True, True),
        ("named", "/named", False, False),
    ]
    assert vols[0].host_path == "/var/run/docker.sock"


def test_environment_list_and_mapping():
    compose = compose_of("""
x-env: &env
  SHARED: one
services:
  a:
    image: alpine:3.20
    environment:
      <<: *env
      DEBUG: true
      EMPTY:
      URL: "x=y"
  b:
    image: alpine:3.20
    environment: [A=1, B, "C=with=equals"]
""")
    a, b = compose.services
    env = {v.name: v.value for v in a.environment()}
    assert env == {"SHARED": "one", "DEBUG": "true", "EMPTY": None, "URL": "x=y"}
    assert [(v.name, v.value) for v in b.environment()] == [("A", "1"), ("B", None), ("C", "with=equals")]


# -- override files, extends, one-shot tasks --------------------------------------------

def test_complete_and_one_shot():
    compose = compose_of("""
services:
  base: {image: "alpine:3.20"}
  child: {extends: base}
  remote: {extends: {file: other.yml, service: x}}
  partial: {ports: ["80:80"]}
  built: {build: .}
  migrate: {image: "app:1.0"}
  api:
    image: app:1.0
    depends_on: {migrate: {condition: service_completed_successfully}}
  once: {image: "app:1.0", restart: "no"}
  once-bool: {image: "app:1.0", restart: no}
""")
    by_name = {s.name: s for s in compose.services}
    assert [n for n, s in by_name.items() if s.complete] == ["base", "child", "built", "migrate", "api", "once", "once-bool"]
    assert by_name["child"].image == "alpine:3.20"
    assert {n for n, s in by_name.items() if s.one_shot} == {"migrate", "once", "once-bool"}


def test_database_recognised_by_data_directory_or_server_command():
    compose = compose_of("""
services:
  vector: {image: "pgvector/pgvector:pg16", volumes: ["pgdata:/var/lib/postgresql/data"]}
  built: {build: ./db, command: ["postgres", "-c", "max_connections=200"]}
  maria: {image: "registry.example.com/maria:11", volumes: [{type: volume, source: m, target: /var/lib/mysql/}]}
  kv: {image: "registry.example.com/kv:7", command: redis-server --appendonly yes}
  backup: {image: "registry.example.com/pg-backup:2", volumes: ["pgdata:/var/lib/postgresql/data:ro"]}
  web: {image: "registry.example.com/web:1", volumes: ["./data:/data"], command: ["gunicorn", "postgres.wsgi"]}
  sql: {image: "mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04"}
  edge: {image: "registry.example.com/sql:1", environment: {ACCEPT_EULA: "Y", MSSQL_SA_PASSWORD: "${SA}"}}
""")
    kinds = {s.name: s.database_kind() for s in compose.services}
    assert kinds == {"vector": "postgres", "built": "postgres", "maria": "mysql", "kv": "redis",
                     "backup": None, "web": None, "sql": "mssql", "edge": "mssql"}
    assert [s.name for s in compose.services if s.is_database()] == ["vector", "built", "maria", "kv", "sql", "edge"]


def test_compose_service_fact_is_kept():
    parsed = parse("docker-compose.yml", load_documents("services:\n  web:\n    image: nginx:1.27\n    environment: [A=1]\n"))
    (fact,) = parsed.facts
    assert fact.topic == "compose:service" and fact.key == "web"
    assert fact.data.image == "nginx:1.27" and fact.data.env == ("A",)


# -- severities chosen per finding -------------------------------------------------------

def test_floating_tag_is_high_for_databases_and_medium_otherwise(tmp_path):
    engine = scan(tmp_path, "services:\n  db: {image: postgres}\n  web: {image: 'shop/web:latest'}\n")
    sev = {f.resource: f.severity for f in compose_findings(engine, "CMP006")}
    assert sev == {"service/db": Severity.HIGH, "service/web": Severity.MEDIUM}


def test_floating_tag_on_a_cache_or_a_key_value_store_is_medium(tmp_path):
    # Memcached never persists; a Redis, cache or not, is read back by any newer version (the
    # moving-tag model K8S004 and HELM003 use): only systems of record and core infra are high
    engine = scan(tmp_path, "services:\n  memcached: {image: 'memcached:alpine'}\n"
                            "  sessions: {image: 'redis:alpine', command: \"redis-server --save ''\"}\n"
                            "  queue: {image: 'redis:alpine'}\n  db: {image: 'postgres:latest'}\n"
                            "  files: {image: 'minio/minio'}\n  edge: {image: 'traefik:latest'}\n")
    sev = {f.resource: f.severity for f in compose_findings(engine, "CMP006")}
    assert sev == {"service/memcached": Severity.MEDIUM, "service/sessions": Severity.MEDIUM,
                   "service/queue": Severity.MEDIUM, "service/db": Severity.HIGH,
                   "service/files": Severity.HIGH, "service/edge": Severity.HIGH}


def test_disabled_confinement_on_a_host_controlling_service_is_medium(tmp_path):
    engine = scan(tmp_path, "services:\n"
                            "  api:\n    image: x:1\n    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n"
                            "    security_opt: ['label=disable']\n"
                            "  dbg:\n    image: x:1\n    privileged: true\n    security_opt: ['seccomp:unconfined']\n"
                            "  web:\n    image: x:1\n    volumes: ['./data:/data']\n    security_opt: ['label=disable']\n"
                            "  admin:\n    image: x:1\n    cap_add: [CAP_SYS_ADMIN]\n    security_opt: ['apparmor:unconfined']\n"
                            "  sniff:\n    image: x:1\n    network_mode: service:hostnet\n"
                            "    security_opt: ['seccomp=unconfined']\n"
                            "  hostnet:\n    image: x:1\n    network_mode: host\n")
    found = {f.resource: f for f in compose_findings(engine, "CMP020")}
    # capability-impact: the profiles guard what capabilities and host namespaces could do; with
    # Docker's defaults only (web), turning one off widens the kernel surface: medium
    assert {r: f.severity for r, f in found.items()} == {
        "service/api": Severity.MEDIUM, "service/dbg": Severity.MEDIUM, "service/web": Severity.MEDIUM,
        "service/admin": Severity.HIGH, "service/sniff": Severity.HIGH}
    assert "already reported: the runtime socket mount" in found["service/api"].message
    assert "already reported: privileged: true" in found["service/dbg"].message
    assert "already reported" not in found["service/web"].message
    assert "hands out nothing of the host by itself" in found["service/web"].message
    assert "beside cap_add CAP_SYS_ADMIN" in found["service/admin"].message
    assert "beside network_mode: host" in found["service/sniff"].message


@pytest.mark.parametrize(("service", "severity", "says"), [
    # capability-impact: NET_ADMIN and SYS_PTRACE act on the namespace the container runs in
    ("cap_add: [NET_ADMIN]\n    devices: ['/dev/kvm']", Severity.MEDIUM, "container's own network namespace"),
    ("cap_add: [NET_ADMIN]\n    network_mode: host", Severity.HIGH, None),
    ("cap_add: [NET_ADMIN]\n    network_mode: service:vpn", Severity.HIGH, None),         # vpn runs on the host's
    ("cap_add: [NET_ADMIN]\n    network_mode: service:db", Severity.MEDIUM, "of another container"),
    ("cap_add: [NET_ADMIN]\n    network_mode: ${NET_MODE}", Severity.HIGH, None),        # cannot tell: keep
    ("cap_add: [SYS_PTRACE]", Severity.LOW, "traces only the processes of its own container"),
    ("cap_add: [SYS_PTRACE]\n    pid: host", Severity.HIGH, None),
    ("cap_add: [SYS_PTRACE]\n    pid: 'service:db'", Severity.MEDIUM, "of another container"),
    ("cap_add: [SYS_ADMIN]", Severity.HIGH, None),                                           # not namespaced
])
def test_a_namespaced_capability_is_graded_by_the_namespace_it_acts_on(tmp_path, service, severity, says):
    text = ("services:\n  vm:\n    image: example/vm:1.0\n    " + service + "\n"
            "  vpn:\n    image: example/tunnel:1.0\n    network_mode: host\n  db:\n    image: postgres:16.4\n")
    (finding,) = [f for f in compose_findings(scan(tmp_path, text), "CMP018") if f.resource == "service/vm"]
    assert finding.severity == severity
    if says:
        assert says in finding.message
    else:
        assert "without" not in finding.message and "another container" not in finding.message


def test_privileged_beside_the_root_runtime_socket_is_one_way_to_the_host(tmp_path):
    engine = scan(tmp_path, (FIXTURES / "privileged-container" / "bad.yaml").read_text(encoding="utf-8"))
    found = {f.resource: f for f in compose_findings(engine, "CMP002")}
    assert found["service/manager"].severity == Severity.MEDIUM
    assert "already reported: the runtime socket mount (/var/run/docker.sock)" in found["service/manager"].message
    assert found["service/rootless"].severity == Severity.HIGH   # a rootless socket is not root on the host
    assert found["service/dind"].severity == Severity.HIGH
    assert "already reported" not in found["service/dind"].message


def test_a_socket_that_is_the_service_product_is_high_saying_how_to_contain_it(tmp_path):
    """by-design-required: container managers, CI runners, game-server daemons hold the socket as their
    product (high); a floating tag keeps critical; a socket proxy without writes is medium; a log view
    keeps critical."""
    engine = scan(tmp_path, (FIXTURES / "docker-socket-mount" / "bad-product.yaml").read_text(encoding="utf-8"))
    found = {f.resource.removeprefix("service/"): f for f in compose_findings(engine, "CMP001")}
    L, M, H, C = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL
    assert {name: f.severity for name, f in found.items()} == {
        "portainer": H, "runner": H, "wings": H, "github-runner": C, "proxy": M, "proxy-writes": H, "dozzle": C,
        "sharelatex": H, "shop": C}
    assert "sandbox runner" in found["sharelatex"].message and "SANDBOXED_COMPILES=true" in found["sharelatex"].message
    assert "by design for a container manager" in found["portainer"].message
    assert "socket proxy allowing only the calls it uses" in found["runner"].message
    assert "its image tag moves (latest)" in found["github-runner"].message
    assert "keeps the write API off" in found["proxy"].message and "POST=${POST:-1}" in found["proxy-writes"].message
    assert "by design" not in found["dozzle"].message
    (state,) = compose_findings(engine, "CMP019")
    assert state.severity == M and "game-server daemon" in state.message


def test_host_access_a_service_job_takes_by_design(tmp_path):
    """by-design-required: host networking of a tunnel connector or a LAN hub (medium), of a dynamic DNS
    updater (low); Chromium's sandbox and NetBird's eBPF SYS_ADMIN (medium); DinD's privileged (high, saying so)."""
    found = {}
    for fixture in ("host-network-mode/bad-by-design.yaml", "dangerous-capability-added/bad-by-design.yaml",
                    "privileged-container/bad.yaml"):
        folder = tmp_path / fixture.replace("/", "-")
        folder.mkdir()
        for f in compose_findings(scan(folder, (FIXTURES / fixture).read_text(encoding="utf-8"))):
            if f.code in ("CMP002", "CMP003", "CMP018"):
                found[(f.code, f.resource.removeprefix("service/"), f.evidence.split(":", 1)[-1].strip())] = f
    L, M, H = Severity.LOW, Severity.MEDIUM, Severity.HIGH
    sev = {key: f.severity for key, f in found.items() if key[1] in (
        "tunnel", "esphome", "ddns", "web", "browser", "anything-llm", "netbird", "dind")}
    assert sev == {
        ("CMP003", "tunnel", "host"): M, ("CMP003", "esphome", "host"): M, ("CMP003", "ddns", "host"): L,
        ("CMP003", "web", "host"): H,
        ("CMP018", "browser", "SYS_ADMIN"): M, ("CMP018", "browser", "SYS_MODULE"): H,
        ("CMP018", "anything-llm", "SYS_ADMIN"): M,
        ("CMP018", "netbird", "NET_ADMIN"): M, ("CMP018", "netbird", "SYS_ADMIN"): M, ("CMP003", "netbird", "host"): M,
        ("CMP002", "dind", "true"): H,
    }
    assert "Chromium's sandbox" in found[("CMP018", "browser", "SYS_ADMIN")].message
    assert "a Docker-in-Docker daemon" in found[("CMP002", "dind", "true")].message


def test_database_images_option_is_honoured(tmp_path):
    from auditui.checks.config import Config

    (tmp_path / "docker-compose.yml").write_text("services:\n  db: {image: 'acme/olap:latest'}\n  w: {image: web}\n")
    engine = Engine(tmp_path, pedantic(options={"CMP006": {"database_images": ("olap",)}}))
    engine.scan()
    sev = {f.resource: f.severity for f in compose_findings(engine, "CMP006")}
    assert sev["service/db"] == Severity.HIGH


def test_explicit_root_is_medium_unset_user_low(tmp_path):
    engine = scan(tmp_path, "services:\n  a: {image: 'x:1', user: root}\n  b: {image: 'x:1'}\n")
    sev = {f.resource: f.severity for f in compose_findings(engine, "CMP010")}
    assert sev == {"service/a": Severity.MEDIUM, "service/b": Severity.LOW}


def test_missing_healthcheck_is_low_for_built_images(tmp_path):
    engine = scan(tmp_path, "services:\n  a: {build: .}\n  b: {image: 'x:1'}\n")
    sev = {f.resource: f.severity for f in compose_findings(engine, "CMP014")}
    assert sev == {"service/a": Severity.LOW, "service/b": Severity.MEDIUM}


def test_read_only_sensitive_mount_is_low(tmp_path):
    engine = scan(tmp_path, "services:\n  a:\n    image: x:1\n    volumes: ['/proc:/host/proc:ro', '/etc:/host/etc']\n")
    assert sorted(f.severity for f in compose_findings(engine, "CMP019")) == [Severity.LOW, Severity.HIGH]


def test_list_settings_read_as_yaml_in_evidence(tmp_path):
    engine = scan(tmp_path, "services:\n  a:\n    image: x:1\n    cap_drop: [NET_RAW, CAP_MKNOD]\n"
                            "    security_opt: ['apparmor:unconfined', 'label=disable']\n")
    evidence = {f.code: f.evidence for f in compose_findings(engine) if f.code in ("CMP008", "CMP011")}
    assert evidence == {"CMP008": "cap_drop: [MKNOD, NET_RAW]",
                        "CMP011": "security_opt: [apparmor:unconfined, label=disable]"}


def test_image_messages_name_the_image_as_compose_resolves_it(tmp_path):
    engine = scan(tmp_path, """
services:
  a: {image: "${REGISTRY}/traefik"}
  b: {image: "ghcr.io/acme/app:${APP_VERSION:-release}"}
  c: {image: "${REGISTRY}/shop/api:1.4.0"}
  d: {image: "${REG:-ghcr.io/acme}/web:${TAG:-2.0.1}"}
""")
    messages = {f.resource: f.message for f in compose_findings(engine) if f.code in ("CMP006", "CMP007")}
    assert all("\x00" not in m for m in messages.values())  # no internal placeholder leaks
    assert "uses ${REGISTRY}/traefik with no tag (pulls latest)" in messages["service/a"]
    assert ("uses ghcr.io/acme/app with the moving tag 'release' (the fallback when its variable is unset)"
            in messages["service/b"])
    assert "pulls ${REGISTRY}/shop/api:1.4.0 by tag only" in messages["service/c"]
    assert "pulls ghcr.io/acme/web:2.0.1 by tag only" in messages["service/d"]


# -- the hardened stack, secrets, odd input ------------------------------------------------

def test_hardened_stack_produces_no_compose_finding_at_all(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "_hardened", root)
    engine = Engine(root, pedantic())
    engine.scan()
    assert {p for p, r in engine.records.items() if r.kind is not None and r.kind.value == "compose"} == {
        "docker-compose.yml", "docker-compose.prod.yml"}
    assert [f"{f.code} {f.location} {f.message}" for f in compose_findings(engine)] == []
    assert engine.check_errors == []


def test_secrets_are_never_printed(tmp_path):
    secret = "Sup3rS3cretValue!"
    engine = scan(tmp_path, f"""
services:
  a:
    image: x:1
    environment:
      DB_PASSWORD: {secret}
      TOKEN: "${{TOKEN:-{secret}}}"
      DATABASE_URL: postgres://u:{secret}@db/x
    build:
      args: [NPM_TOKEN={secret}]
""")
    found = compose_findings(engine, "CMP013")
    assert len(found) == 4
    for finding in found:
        assert secret not in finding.message and secret not in (finding.evidence or "")
        assert "17 chars" in (finding.evidence or "")


def test_shared_anchor_secret_is_one_finding(tmp_path):
    engine = scan(tmp_path, """
x-env: &env
  API_TOKEN: abcdefghijklmnop
services:
  a: {image: 'x:1', environment: *env}
  b: {image: 'x:1', environment: *env}
""")
    (finding,) = compose_findings(engine, "CMP013")
    assert finding.line == 3 and "'a', 'b'" in finding.message


@pytest.mark.parametrize("text", [
    "services: []\n",
    "services:\n  a:\n",
    "services:\n  a: [1, 2]\n  b: {image: 'x:1'}\n",
    "services:\n  a:\n    image: [x]\n    build: 3\n",
    "services:\n  a:\n    image: x:1\n    environment: 'A=1'\n    ports: [[1], null, true, {}]\n"
    "    volumes: [1, null, {}, [a]]\n    cap_add: {a: 1}\n    cap_drop: 7\n    security_opt: {x: 1}\n"
    "    healthcheck: 'nope'\n    deploy: [1]\n    networks: 5\n    extends: [1]\n    user: [0]\n",
    "services:\n  a: {image: 'x:1', extends: b}\n  b: {image: 'x:1', extends: a}\n",
    "services:\n  db:\n    image: postgres:16.4\n    ports: ['${P:-5432:5432']\n    network_mode: 5\n    pid: true\n",
    "x: 1\n---\nservices:\n  a: {image: 'x:1'}\n---\n- not a map\n",
])
def test_odd_but_parseable_input_never_breaks_a_check(tmp_path, text):
    engine = scan(tmp_path, text)
    assert [n.message for n in engine.check_errors] == []


def test_host_access_a_service_job_needs_is_medium_saying_why(tmp_path):
    root = Path(__file__).parent / "fixtures" / "compose"
    found = {}
    for fixture in ("host-network-mode/bad-host-function.yaml", "dangerous-capability-added/bad-host-function.yaml"):
        folder = tmp_path / fixture.split("/")[0]
        folder.mkdir()
        engine = scan(folder, (root / fixture).read_text(encoding="utf-8"))
        for f in compose_findings(engine):
            if f.code in ("CMP003", "CMP018"):
                what = f.message.split(" adds capability ")[-1].split(",")[0] if f.code == "CMP018" else ""
                found[(f.code, f.resource, what)] = f
    sev = {key: f.severity for key, f in found.items()}
    assert sev == {
        ("CMP003", "service/dnsmasq", ""): Severity.MEDIUM, ("CMP003", "service/firewall", ""): Severity.MEDIUM,
        ("CMP003", "service/banner", ""): Severity.MEDIUM, ("CMP003", "service/http", ""): Severity.HIGH,
        ("CMP003", "service/exporter", ""): Severity.HIGH,
        ("CMP018", "service/dnsmasq", "NET_ADMIN"): Severity.MEDIUM,
        ("CMP018", "service/banner", "NET_ADMIN"): Severity.MEDIUM, ("CMP018", "service/banner", "SYS_ADMIN"): Severity.HIGH,
        ("CMP018", "service/vpn", "NET_ADMIN"): Severity.MEDIUM, ("CMP018", "service/vpn", "SYS_MODULE"): Severity.HIGH,
        ("CMP018", "service/office", "SYS_ADMIN"): Severity.MEDIUM, ("CMP018", "service/editor", "SYS_ADMIN"): Severity.HIGH,
        ("CMP018", "service/office-packaged", "SYS_ADMIN"): Severity.MEDIUM,
    }
    assert "by design for a DHCP or PXE boot server" in found[("CMP003", "service/dnsmasq", "")].message
    assert "by design" not in found[("CMP003", "service/http", "")].message


def test_node_agent_host_access_its_job_takes_is_lowered_saying_which_agent(tmp_path):
    """node-agent-host-access: node-exporter, smartctl-exporter, a BGP router and eBPF profilers get
    what their documented deployment takes lowered (as Kubernetes node agents do); the rest stays."""
    engine = scan(tmp_path, (FIXTURES / "host-network-mode" / "bad-node-agent.yaml").read_text(encoding="utf-8"))
    found = {}
    for f in compose_findings(engine):
        if f.code in ("CMP001", "CMP002", "CMP003", "CMP004", "CMP018", "CMP019"):
            what = f.evidence.split(":", 1)[-1].strip() if f.code in ("CMP018",) else f.evidence.split(":")[0]
            found[(f.code, f.resource.removeprefix("service/"), what)] = f
    sev = {key: f.severity for key, f in found.items()}
    L, M, H, C = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL
    assert sev == {
        # node-exporter: host network and PID are upstream's deployment; privileged and SYS_ADMIN are not,
        # an over-grant on a pinned agent whose upstream runs unprivileged (medium); floating: high
        ("CMP003", "node-exporter", "network_mode"): L, ("CMP004", "node-exporter", "pid"): L,
        ("CMP002", "node-exporter", "privileged"): M, ("CMP018", "node-exporter", "SYS_ADMIN"): M,
        ("CMP019", "node-exporter", "/"): L,
        ("CMP002", "node-exporter-latest", "privileged"): H, ("CMP018", "node-exporter-latest", "SYS_ADMIN"): H,
        # smartctl-exporter privileged for SMART ioctls (image named through a variable's default)
        ("CMP002", "smart", "privileged"): M,
        # a BGP router: host network and NET_ADMIN are its job, SYS_ADMIN broad (medium), SYS_MODULE not its job
        ("CMP003", "router", "network_mode"): L, ("CMP018", "router", "NET_ADMIN"): L,
        ("CMP018", "router", "SYS_ADMIN"): M, ("CMP018", "router", "SYS_MODULE"): H,
        # an eBPF profiler: privileged medium, host PID low, tracefs/debugfs low (privileged reaches them),
        # the socket high (never lower: root on the host), a writable /etc is not its job
        ("CMP002", "profiler", "privileged"): M, ("CMP004", "profiler", "pid"): L,
        ("CMP001", "profiler", "/var/run/docker.sock"): H, ("CMP019", "profiler", "/sys/kernel/debug"): L,
        ("CMP019", "profiler", "/sys/kernel/tracing"): L, ("CMP019", "profiler", "/etc"): H,
        # an unprivileged eBPF agent: its debugfs mount is medium
        ("CMP004", "beyla", "pid"): L, ("CMP018", "beyla", "BPF"): L, ("CMP018", "beyla", "PERFMON"): L,
        ("CMP019", "beyla", "/sys/kernel/debug"): M,
        # a telemetry shipper's socket is not its job; a built service is never recognised by its name
        ("CMP001", "collector", "/var/run/docker.sock"): C,
        ("CMP003", "node-exporter-built", "network_mode"): H, ("CMP004", "node-exporter-built", "pid"): H,
        # host monitors: their host namespaces are their job (low); their socket is an optional container
        # view (critical); privileged beside that socket is medium (one way to the host); Netdata's
        # SYS_PTRACE and SYS_ADMIN (apps.plugin, eBPF) are documented (medium), SYS_MODULE is not: an
        # over-grant on a pinned agent that only reads the host (medium, saying so)
        ("CMP003", "beszel-agent", "network_mode"): L, ("CMP001", "beszel-agent", "/var/run/docker.sock"): C,
        ("CMP004", "glances", "pid"): L, ("CMP002", "glances", "privileged"): M,
        ("CMP001", "glances", "/var/run/docker.sock"): C,
        ("CMP004", "netdata", "pid"): L, ("CMP003", "netdata", "network_mode"): L,
        ("CMP018", "netdata", "SYS_PTRACE"): M, ("CMP018", "netdata", "SYS_ADMIN"): M,
        ("CMP018", "netdata", "SYS_MODULE"): M,
    }
    assert "over-grant" in found[("CMP018", "netdata", "SYS_MODULE")].message
    assert "already reported: the runtime socket mount" in found[("CMP002", "glances", "privileged")].message
    message = found[("CMP003", "node-exporter", "network_mode")].message
    assert "by design for node-exporter" in message and "host networking to report the host's network interfaces" in message
    assert "keep its port off untrusted networks" in message
    assert "root on the host" in found[("CMP001", "profiler", "/var/run/docker.sock")].message
    assert "privileged: true already reaches them" in found[("CMP019", "profiler", "/sys/kernel/debug")].message
    assert "over-grant" in found[("CMP002", "node-exporter", "privileged")].message
    assert "over-grant" not in found[("CMP002", "node-exporter-latest", "privileged")].message
    for key in (("CMP002", "node-exporter", "privileged"), ("CMP018", "router", "SYS_MODULE"),
                ("CMP019", "profiler", "/etc"), ("CMP001", "collector", "/var/run/docker.sock")):
        assert "by design" not in found[key].message


# -- a key two programs share to authenticate to each other (plane's LIVE_SERVER_SECRET_KEY class) --

_SHARED = """\
x-live: &live
  LIVE_SERVER_SECRET_KEY: ${LIVE_SERVER_SECRET_KEY:-2FiJk1U2aiVPEQtzLehYGlTSnTnrs7LW}
services:
  live:
    image: example/live:1.2.0
    environment: *live
  api:
    image: example/backend:1.2.0
    environment:
      LIVE_SERVER_SECRET_KEY: ${LIVE_SERVER_SECRET_KEY:-2FiJk1U2aiVPEQtzLehYGlTSnTnrs7LW}
%s"""
_PROXY = """\
  proxy:
    image: example/proxy:1.2.0
    ports: ["80:80"]
    depends_on: [api, live]
"""


_API_PUBLISHED = (_SHARED % "").replace("    image: example/backend:1.2.0\n",
                                           "    image: example/backend:1.2.0\n    ports: ['8000:8000']\n")


@pytest.mark.parametrize(("text", "severity", "says"), [
    (_SHARED % "", "medium", "no published service depends on them"),        # neither published, nothing in front
    (_SHARED % _PROXY, "high", "the published service 'proxy' depends on them"),  # a proxy in front: cannot tell
    (_API_PUBLISHED, "critical", "publishes a port beyond this host"),        # the checker is published
])
def test_service_to_service_key_is_judged_by_who_reaches_the_checker(tmp_path, text, severity, says):
    found = [f for f in compose_findings(scan(tmp_path, text), "CMP013") if "LIVE_SERVER" in (f.evidence or "")]
    assert len(found) == 2 and {f.severity.label for f in found} == {severity}
    assert all(says in f.message and "authenticate to each other" in f.message for f in found)


@pytest.mark.parametrize("text", [
    # one program's replicas (the same image): the key is that program's own
    _SHARED.replace("example/live:1.2.0", "example/backend:1.2.0") % "",
    # a signing key shared by two programs still signs what users hold
    (_SHARED % "").replace("LIVE_SERVER_SECRET_KEY", "SERVER_JWT_SECRET"),
    # a framework key without a peer word (Django SECRET_KEY)
    (_SHARED % "").replace("LIVE_SERVER_SECRET_KEY", "SECRET_KEY"),
])
def test_keys_that_are_not_service_to_service_stay_critical(tmp_path, text):
    found = compose_findings(scan(tmp_path, text), "CMP013")
    # one key restated in both services is one problem: one finding naming both (issue 12)
    assert len(found) == 1 and {f.severity.label for f in found} == {"critical"}
    assert "services 'live', 'api'" in found[0].message and "restated on line 10" in found[0].message
    assert not any("authenticate to each other" in f.message for f in found)


# -- a credential follows the port it guards, not any port of its service (issue 12) --------------

_BROKER = """\
services:
  app:
    image: example/flows:1.80.0
    ports: [%s]
    environment:
      APP_RUNNERS_AUTH_TOKEN: runner
  runner:
    image: example/runner:1.80.0
    environment:
      APP_RUNNERS_AUTH_TOKEN: runner
      APP_RUNNERS_TASK_BROKER_URI: http://app:5679
"""


@pytest.mark.parametrize(("ports", "severity", "says"), [
    ('"5678:5678"', "medium", "it guards app:5679 (APP_RUNNERS_TASK_BROKER_URI in service 'runner'), which is not "
                              "published beyond this host (only 5678:5678 is)"),
    ('"5678:5678", "5679:5679"', "high", "it guards app:5679 (APP_RUNNERS_TASK_BROKER_URI in service 'runner'), "
                                         "which is published beyond this host"),
    ('"127.0.0.1:5679:5679"', "medium", "which is not published beyond this host"),
])
def test_a_token_follows_the_port_its_component_names(tmp_path, ports, severity, says):
    found = compose_findings(scan(tmp_path, _BROKER % ports), "CMP013")
    assert len(found) == 1 and found[0].severity.label == severity
    assert says in found[0].message and "services 'app', 'runner'" in found[0].message


def test_restated_credential_is_one_finding_and_takes_the_worst_reach(tmp_path):
    text = (FIXTURES / "secret-in-environment" / "bad-restated.yaml").read_text()
    found = {f.line: f for f in compose_findings(scan(tmp_path, text), "CMP013")}
    assert set(found) == {9, 20}
    assert "services 'manager', 'dashboard'" in found[9].message and "restated on line 18" in found[9].message
    assert found[9].severity.label == "high" and "it guards indexer:9200" in found[9].message


def test_socket_holder_published_only_on_private_addresses_is_high(tmp_path):
    """exposure-target-private: a runtime-socket holder whose ports are all on private or loopback
    addresses of the host (bjw-s' Traefik on 10.1.6.21) is high, saying where; every interface, a
    public address, an address only a variable decides, or no published port keeps the critical."""
    text = (FIXTURES / "docker-socket-mount" / "bad-published.yaml").read_text(encoding="utf-8")
    found = {f.resource.removeprefix("service/"): f for f in compose_findings(scan(tmp_path, text)) if f.code == "CMP001"}
    assert {name: f.severity for name, f in found.items()} == {
        "lan-proxy": Severity.HIGH, "local-ui": Severity.HIGH, "open-proxy": Severity.CRITICAL,
        "public-proxy": Severity.CRITICAL, "bind-var": Severity.CRITICAL, "unpublished": Severity.CRITICAL}
    lan = found["lan-proxy"].message
    assert "published only on private addresses of the host (10.1.6.21, 127.0.0.1)" in lan
    assert "not the internet" in lan and "still root on the host" in lan
    assert "only on loopback of the host (127.0.0.1)" in found["local-ui"].message
    assert "not the internet" not in found["open-proxy"].message


def test_port_reach_vocabulary():
    from auditui.checks.models.compose import PortMapping

    def reach(host):
        return PortMapping("", host, "443", "443", 1, 1, ()).reach
    assert reach(None) == reach("") == reach("0.0.0.0") == reach("::") == "all"
    assert reach("198.51.100.7") == reach("proxy.example.com") == "all"
    assert reach("10.1.6.21") == reach("192.168.1.2") == reach("fd00::1") == "private"
    assert reach("127.0.0.1") == reach("[::1]") == reach("${BIND:-127.0.0.1}") == "loopback"
    assert reach("${BIND}") is None


def test_short_and_long_volume_syntax_agree_on_bind_mounts():
    """One rule says whether a volume's source is a host path, whatever the syntax."""
    text = """\
services:
  app:
    image: nginx:1.27
    volumes:
      - ./data:/a
      - C:\\\\data:/b
      - named:/c
      - {source: ./data, target: /d}
      - {source: 'C:\\\\data', target: /e}
      - {source: named, target: /f}
      - {type: volume, source: ./odd, target: /g}
"""
    service = parse("docker-compose.yml", load_documents(text)).units[0].services[0]
    kinds = {v.target: v.type for v in service.volumes()}
    assert kinds == {"/a": "bind", "/b": "bind", "/c": "volume", "/d": "bind", "/e": "bind", "/f": "volume",
                     "/g": "volume"}
    assert [v.is_bind for v in service.volumes()] == [True, True, False, True, True, False, False]


def test_a_game_server_credential_opens_an_application_role(tmp_path):
    """low-impact-credential: a game server's admin/RCON password is medium at most, its join
    password low; a store credential on it and an ordinary app's admin password keep theirs."""
    text = (FIXTURES / "secret-in-environment" / "bad-game-server.yaml").read_text(encoding="utf-8")
    found = {(f.resource.removeprefix("service/"), f.evidence.split("=")[0].split(":")[0].strip()): f
             for f in compose_findings(scan(tmp_path, text), "CMP013")}
    sev = {key: f.severity for key, f in found.items()}
    assert sev[("palworld", "ADMIN_PASSWORD")] == Severity.MEDIUM
    assert sev[("palworld", "RCON_PASSWORD")] == Severity.MEDIUM
    assert sev[("terraria", "PASSWORD")] == Severity.LOW
    assert sev[("palworld", "DB_PASSWORD")] >= Severity.MEDIUM and "join password" not in found[("palworld", "DB_PASSWORD")].message
    assert sev[("app", "ADMIN_PASSWORD")] == Severity.HIGH
    assert "lets its holder join and play, nothing more" in found[("terraria", "PASSWORD")].message
    assert "administrator or console (RCON) password" in found[("palworld", "ADMIN_PASSWORD")].message


def test_a_broker_published_with_the_deployers_login_is_medium(tmp_path):
    """published-with-strong-auth: the login comes from variables with no default in the file."""
    text = (FIXTURES / "database-port-published" / "bad-broker.yaml").read_text(encoding="utf-8")
    found = {f.resource.removeprefix("service/"): f for f in compose_findings(scan(tmp_path, text), "CMP017")}
    assert {name: f.severity for name, f in found.items()} == {
        "rabbitmq": Severity.MEDIUM, "rabbit-default": Severity.HIGH, "postgres": Severity.HIGH}
    assert "login comes from the deployer's variables (RABBITMQ_DEFAULT_PASS" in found["rabbitmq"].message


# -- a reverse proxy's routes reach the services it forwards to (held-out set 8, AppFlowy Cloud) --

_ROUTED = FIXTURES / "secret-in-environment" / "bad-routed"


def _routed_scan(tmp_path: Path, conf: str | None, mount: str = "./nginx/nginx.conf:/etc/nginx/nginx.conf:ro"):
    root = tmp_path / "repo"
    shutil.copytree(_ROUTED, root)
    compose = (root / "docker-compose.yml").read_text()
    (root / "docker-compose.yml").write_text(compose.replace("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro", mount))
    if conf is not None:
        (root / "nginx" / "nginx.conf").write_text(conf)
    engine = Engine(root, pedantic())
    engine.scan()
    return engine


def test_a_service_the_published_proxy_routes_to_is_reachable(tmp_path):
    found = {f.line: f for f in compose_findings(_routed_scan(tmp_path, None), "CMP013")}
    assert {f.severity.label for f in found.values()} == {"high"}
    assert "the reverse proxy 'nginx' routes /minio/ on its published port 80 to 'minio' port 9001 " \
           "(nginx/nginx.conf:14)" in found[15].message
    assert "routes /auth/ on its published port 80 to 'auth' port 9999" in found[19].message  # via upstream


_STATIC = "http {\n  server {\n    listen 80;\n    location / { root /srv/www; }\n  }\n" \
          "  server {\n    listen 8080;\n    location /minio/ { proxy_pass http://minio:9001; }\n  }\n}\n"


def test_a_proxy_that_serves_only_a_static_site_or_routes_from_an_unpublished_port_reaches_nothing(tmp_path):
    found = compose_findings(_routed_scan(tmp_path, _STATIC), "CMP013")
    assert len(found) == 2 and {f.severity.label for f in found} == {"medium"}
    assert all("publishes no port beyond this host" in f.message for f in found)


@pytest.mark.parametrize(("conf", "mount", "why"), [
    # envsubst template: the routes exist only after the container's entrypoint fills it
    ("server { listen 80; location / { proxy_pass http://${UPSTREAM}; } }\n",
     "./nginx/nginx.conf:/etc/nginx/templates/default.conf.template", "a template"),
    # a config from outside the repository
    (None, "/srv/proxy/nginx.conf:/etc/nginx/nginx.conf", "outside the repository"),
])
def test_an_unreadable_proxy_config_is_said_not_claimed_unpublished(tmp_path, conf, mount, why):
    engine = _routed_scan(tmp_path, conf, mount)
    found = compose_findings(engine, "CMP013")
    assert len(found) == 2 and {f.severity.label for f in found} == {"medium"}
    assert all("may forward to it" in f.message and "publishes no port beyond" not in f.message for f in found)
    assert any(why in n.message and "nginx" in n.message for n in engine.all_notices())


def test_a_proxy_of_an_included_file_routes_to_the_services_of_the_including_one(tmp_path):
    """AppFlowy Cloud's docker-compose-extras.yml includes docker-compose.yml, whose nginx
    routes /pgadmin/ to the pgadmin service the extras file defines."""
    root = tmp_path / "repo"
    shutil.copytree(_ROUTED, root)
    (root / "nginx" / "nginx.conf").write_text(
        "http { server { listen 80; location /pgadmin/ { proxy_pass http://pgadmin:80; } } }\n")
    (root / "extras.yml").write_text(
        "include:\n  - docker-compose.yml\nservices:\n  pgadmin:\n    image: dpage/pgadmin4:8.12\n"
        "    environment:\n      PGADMIN_DEFAULT_PASSWORD: password\n")
    engine = Engine(root, pedantic())
    engine.scan()
    (found,) = [f for f in compose_findings(engine, "CMP013") if f.path == "extras.yml"]
    assert found.severity.label == "high"
    assert "the reverse proxy 'nginx' routes /pgadmin/ on its published port 80 to 'pgadmin' port 80" in found.message
