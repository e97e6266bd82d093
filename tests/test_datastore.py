"""The data-store model: one answer to "what store is this, and does it hold state?",
asked the same way by Kubernetes workloads and compose services."""

from __future__ import annotations

import json
import textwrap

import pytest

from auditui.checks.models import compose, k8s
from auditui.checks.models.datastore import Role, classify, config_directives, flag_directives, shell_words
from auditui.checks.models.yamlnodes import load_documents

#: (image, name, labels, command words, env, expected: None = holds state, str = a word of the evidence)
CASES = [
    ("redis:7.2", "kv", {}, ["redis-server", "--save", "", "--appendonly", "no"], {}, "persistence is off"),
    ("redis:7.2", "kv", {}, ["sh", "-c", "redis-server --save '' --port 6379"], {}, "persistence is off"),
    ("valkey/valkey:8.0", "kv", {}, ["valkey-server", "--maxmemory-policy", "allkeys-lfu"], {}, "allkeys-lfu"),
    ("docker.dragonflydb.io/dragonflydb/dragonfly:v1.21", "kv", {}, ["--cache_mode"], {}, "cache_mode"),
    ("docker.dragonflydb.io/dragonflydb/dragonfly:v1.21", "kv", {}, ["--dbfilename="], {}, "persistence is off"),
    ("bitnami/redis:7.2", "kv", {}, [], {"REDIS_RDB_POLICY_DISABLED": "yes", "REDIS_AOF_ENABLED": "no"}, "persistence is off"),
    ("redis:7.2", "redis-cache", {}, [], {}, "named"),
    ("eqalpha/keydb:latest", "kv", {"app.kubernetes.io/component": "cache"}, [], {}, "labelled"),
    # holds state: explicit persistence outweighs a name; appendonly no alone keeps RDB
    ("redis:7.2", "cache", {}, ["redis-server", "--appendonly", "yes"], {}, None),
    ("redis:7.2", "cache", {}, ["redis-server", "--save", "60", "1"], {}, None),
    ("redis:7.2", "kv", {}, ["redis-server", "--appendonly", "no"], {}, None),
    ("redis:7.2", "kv", {}, ["redis-server", "--maxmemory-policy", "volatile-lru"], {}, None),
    ("redis:7.2", "kv", {"team": "cache-platform"}, [], {}, None),  # not a role label
    ("redis:7.2", "cachet", {}, [], {}, "named"),  # any word holding "cache" in a key-value store's name
]


def _k8s_store(image, name, labels, words, env):
    # JSON is YAML: build the objects as data, not as text
    container = {"name": "main", "image": image, "args": words,
                 "env": [{"name": k, "value": v} for k, v in env.items()]}
    doc = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels},
           "spec": {"template": {"spec": {"containers": [container]}}}}
    parsed = k8s.parse_manifests("x.yaml", load_documents(json.dumps(doc)))
    workload = next(u for u in parsed.units if isinstance(u, k8s.Workload))
    return k8s.container_store(next(workload.containers()))


def _compose_store(image, name, labels, words, env):
    service = {"image": image, "command": words, "labels": labels, "environment": env}
    parsed = compose.parse("docker-compose.yml", load_documents(json.dumps({"services": {name: service}})))
    return parsed.units[0].services[0].store()


@pytest.mark.parametrize(("image", "name", "labels", "words", "env", "expected"), CASES)
@pytest.mark.parametrize("domain", [_k8s_store, _compose_store], ids=["kubernetes", "compose"])
def test_every_domain_gets_the_same_verdict(domain, image, name, labels, words, env, expected):
    store = domain(image, name, labels, words, env)
    assert store is not None and store.role is Role.KEY_VALUE
    if expected is None:
        assert store.holds_state, store.cache_evidence
    else:
        assert store.cache and expected in store.cache_evidence


def test_roles_and_what_needs_backups():
    assert classify("memcached:1.6").cache and not classify("memcached:1.6").holds_state
    assert classify("postgres:16", names=["cache"]).holds_state  # only key-value stores can be caches
    assert classify("postgres:16").system_of_record and classify("minio/minio").system_of_record
    for image in ("redis:7", "rabbitmq:3", "bitnami/kafka:3", "elasticsearch:8.15.0", "quay.io/coreos/etcd:v3.5"):
        store = classify(image)
        assert store is not None and store.holds_state and not store.system_of_record, image
    assert classify("registry.example.com/api:1.0") is None
    assert classify("${REDIS_IMAGE}") is None
    assert classify("oliver006/redis_exporter:v1.62.0") is None


def test_command_and_configuration_readers():
    assert shell_words(["sh", "-c", "redis-server --save '' --appendonly no"]) == [
        "sh", "-c", "redis-server", "--save", "", "--appendonly", "no"]
    assert shell_words(["unbalanced 'quote"]) == ["unbalanced", "'quote"]
    assert dict(flag_directives(["--save", "", "--cache_mode", "--port=6379"])) == {
        "save": "", "cache_mode": "", "port": "6379"}
    assert config_directives('# c\nsave ""\nsave 900 1\nappendonly yes\n') == [
        ("save", ""), ("save", "900 1"), ("appendonly", "yes")]


def test_a_configmap_mounted_from_the_same_file_counts_and_one_not_mounted_does_not():
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: conf}
        data:
          redis.conf: |
            save ""
          notes.txt: "appendonly yes"
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a}
        spec:
          template:
            spec:
              containers:
                - {name: redis, image: "redis:7", volumeMounts: [{name: c, mountPath: /usr/local/etc/redis}]}
              volumes:
                - name: c
                  projected: {sources: [{configMap: {name: conf}}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: b}
        spec:
          template:
            spec:
              containers: [{name: redis, image: "redis:7"}]
              volumes: [{name: c, configMap: {name: conf}}]
        """)
    parsed = k8s.parse_manifests("x.yaml", load_documents(text))
    stores = {u.name: k8s.container_store(next(u.containers())) for u in parsed.units if isinstance(u, k8s.Workload)}
    assert stores["a"].cache and "mounted configuration" in stores["a"].cache_evidence
    assert stores["b"].holds_state  # the volume is declared but never mounted
    facts = {f.key: f for f in parsed.facts if f.topic == "k8s:Deployment"}
    assert facts["/a"].data.caches == ("redis:7",) and facts["/b"].data.caches is None


def test_compose_store_facts_and_images_named_after_something_else():
    text = textwrap.dedent("""\
        services:
          vectors:
            image: pgvector/pgvector:pg16
            volumes: [data:/var/lib/postgresql/data]
          cache:
            image: ${REDIS_IMAGE:-redis:7.4}
            labels: ["com.example.role=x", "component=cache"]
          app:
            image: registry.example.com/app:1.0
        """)
    parsed = compose.parse("compose.yaml", load_documents(text))
    facts = {f.key: f.data.store for f in parsed.facts}
    assert facts == {"vectors": ("postgres", "database", False), "cache": ("redis", "key-value", True), "app": None}


#: (entrypoint, command) replacing a database image's start, and whether the container still runs the server
HELPER_CASES = [
    (["sh", "-c", "chown -R 1001 /data/db"], None, False),
    (["sh", "-xc", "until mongosh mongodb://db --eval 'db.adminCommand(1)'; do sleep 5; done; mongosh --eval 'rs.initiate()'"],
     None, False),
    (None, ["mongodump", "--out", "/out"], False),
    (["bash", "-c"], ["pg_dump -h db app > /b/app.sql; sleep 86400"], False),
    (None, ["sleep", "infinity"], False),
    # the server, however it is started
    (None, None, True),
    (None, ["--replSet", "rs0"], True),
    (None, ["mongod", "--replSet", "rs0"], True),
    (["sh", "-c", "chown -R 999 /var/lib/postgresql/data && exec docker-entrypoint.sh postgres"], None, True),
    (["sh", "-c", 'chown 1 /d; exec "$@"', "--"], ["mongod"], True),
    (None, ["bash", "-c", "sleep 3 && mongod --bind_ip_all"], True),
    # a program auditui does not know may start the server
    (["/opt/start.sh"], None, True),
    (["sh", "-c", "/opt/prepare.sh && sleep 1"], None, True),
]


def _k8s_servers(image, entrypoint, command):
    container = {"name": "main", "image": image}
    if entrypoint is not None:
        container["command"] = entrypoint
    if command is not None:
        container["args"] = command
    doc = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "db"},
           "spec": {"template": {"spec": {"containers": [container]}}}}
    parsed = k8s.parse_manifests("x.yaml", load_documents(json.dumps(doc)))
    workload = next(u for u in parsed.units if isinstance(u, k8s.Workload))
    return [c.image for c in k8s.server_containers(workload)] == [image]


def _compose_server(image, entrypoint, command):
    service = {"image": image, "volumes": ["data:/data/db"]}
    if entrypoint is not None:
        service["entrypoint"] = entrypoint
    if command is not None:
        service["command"] = command
    parsed = compose.parse("docker-compose.yml", load_documents(json.dumps({"services": {"db": service}})))
    found = parsed.units[0].services[0]
    assert found.is_database() is (found.store() is not None)
    return found.store() is not None


@pytest.mark.parametrize(("entrypoint", "command", "server"), HELPER_CASES)
@pytest.mark.parametrize("domain", [_k8s_servers, _compose_server], ids=["kubernetes", "compose"])
def test_a_helper_on_a_database_image_runs_no_server(domain, entrypoint, command, server):
    assert domain("mongo:7.0", entrypoint, command) is server


def test_helper_reason_names_what_it_runs_and_compose_string_forms_unescape():
    text = textwrap.dedent("""\
        services:
          init:
            image: mongo:7.0
            entrypoint: |
              sh -xc '
                owner="$$(stat -c %u /data/db)";
                if [ "$$owner" != "1001" ]; then chown -R 1001 /data/db; fi
              '
        """)
    service = compose.parse("compose.yaml", load_documents(text)).units[0].services[0]
    assert service.helper == "runs only chown, stat, no server"
    assert service.store() is None and not service.is_database()
