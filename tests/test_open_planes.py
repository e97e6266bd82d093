"""Admin planes and open services: one knowledge module, severity by exposure in compose and Kubernetes."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from auditui.checks.models.images import parse_image
from auditui.checks.models.open_planes import open_planes


def _severities(tmp_path: Path, files: dict[str, str], code: str) -> dict[str, str]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    return {f.resource: f.severity.name.lower() for f in engine.findings if f.code == code}


@pytest.mark.parametrize(("args", "env", "image", "product"), [
    (["--api.insecure"], {}, None, "Traefik"),
    (["--api.insecure=TRUE"], {}, None, "Traefik"),
    ([], {"TRAEFIK_API_INSECURE": "true"}, None, "Traefik"),
    ([], {"GF_AUTH_ANONYMOUS_ENABLED": "True", "GF_AUTH_ANONYMOUS_ORG_ROLE": "editor"}, None, "Grafana"),
    (["jupyter", "lab", "--ServerApp.token="], {}, None, "Jupyter"),
    (["dockerd", "--host=tcp://0.0.0.0:2375"], {}, None, "Docker API"),
    (["dockerd", "-H", "tcp://:2375"], {}, None, "Docker API"),
    ([], {"plugins.security.disabled": "true"}, "opensearchproject/opensearch:2.16.0", "Opensearch"),
    ([], {"CORS_ALLOW_ALL_ORIGINS": "1", "CORS_ALLOW_CREDENTIALS": "yes"}, None, "CORS"),
    ([], {}, "quay.io/prometheus/alertmanager:v0.27.0", "Alertmanager"),
    ([], {"XPACK_SECURITY_ENABLED": "false"}, "docker.elastic.co/kibana/kibana:7.17.24", "Kibana"),
    ([], {"DISABLE_SECURITY_DASHBOARDS_PLUGIN": "true"}, "opensearchproject/opensearch-dashboards:2", "OpenSearch Dashboards"),
    (["start-notebook.py", "--LabApp.token", "''"], {}, None, "Jupyter"),
])
def test_open_planes_recognises_the_well_known_set(args, env, image, product):
    found = open_planes(parse_image(image) if image else None, env, args)
    assert [p.product for p in found] == [product]


@pytest.mark.parametrize(("args", "env", "image"), [
    (["--api.insecure=false"], {}, None),
    ([], {"GF_AUTH_ANONYMOUS_ENABLED": "true"}, None),  # Viewer, the default role
    ([], {"GF_AUTH_ANONYMOUS_ENABLED": "false", "GF_AUTH_ANONYMOUS_ORG_ROLE": "Admin"}, None),
    (["--ServerApp.token=", "--ServerApp.password=sha1:abc"], {}, None),
    (["--ServerApp.token=${TOKEN}"], {}, None),
    (["dockerd", "-H", "tcp://127.0.0.1:2375"], {}, None),
    (["dockerd", "-H", "tcp://0.0.0.0:2376", "--tlsverify"], {}, None),
    ([], {"DOCKER_TLS_CERTDIR": ""}, "docker:27-cli"),  # only the dind daemon listens
    ([], {"xpack.security.enabled": "false"}, "kibana:8.15.0"),  # only search images read it
    ([], {"CORS_ORIGIN_ALLOW_ALL": "true"}, None),  # no credentials
    ([], {}, "grafana/grafana:11.2.0"),
    ([], {"XPACK_SECURITY_ENABLED": "false"}, "kibana:8.15.0"),  # Kibana 8 no longer reads it
    ([], {}, "kibana:8.15.0"),  # no mounts given: the domain could not tell, no absence is claimed
    ([], {"DISABLE_SECURITY_PLUGIN": "true"}, "opensearchproject/opensearch-dashboards:2"),  # the search node's switch
])
def test_hardened_settings_are_not_open_planes(args, env, image):
    assert open_planes(parse_image(image) if image else None, env, args) == []


@pytest.mark.parametrize(("env", "args", "mounts", "open_"), [
    ({"ELASTICSEARCH_HOSTS": "http://es:9200"}, [], [], True),
    ({"ELASTICSEARCH_USERNAME": "kibana_system", "ELASTICSEARCH_PASSWORD": None}, [], [], False),
    ({"elasticsearch.serviceAccountToken": "${TOKEN}"}, [], [], False),
    ({}, ["--elasticsearch.username=kibana_system"], [], False),
    ({}, [], ["/usr/share/kibana/config/kibana.yml"], False),
    ({}, [], ["/usr/share/kibana/data"], True),
    ({}, [], None, False),
])
def test_kibana_without_credentials_is_read_only_from_a_complete_container(env, args, mounts, open_):
    found = open_planes(parse_image("docker.elastic.co/kibana/kibana:8.15.0"), env, args, mounts)
    assert [(p.product, p.by_setting) for p in found] == ([("Kibana", False)] if open_ else [])


def test_compose_severity_follows_the_published_interface_and_dotenv(tmp_path: Path):
    compose = """services:
  public:
    image: grafana/grafana:11.2.0
    environment: [GF_AUTH_ANONYMOUS_ENABLED=true, GF_AUTH_ANONYMOUS_ORG_ROLE=Admin]
    ports: ["3000:3000"]
  local:
    image: grafana/grafana:11.2.0
    environment: [GF_AUTH_ANONYMOUS_ENABLED=true, GF_AUTH_ANONYMOUS_ORG_ROLE=Admin]
    ports: ["${GRAFANA_BIND:-0.0.0.0}:3001:3000"]
  internal:
    image: grafana/grafana:11.2.0
    environment: [GF_AUTH_ANONYMOUS_ENABLED=true, GF_AUTH_ANONYMOUS_ORG_ROLE=Admin]
  other-port:
    # published, but not the admin port: Prometheus's 9090 stays inside
    image: prom/prometheus:v2.54.1
    ports: ["9100:9100"]
  hostnet:
    image: prom/prometheus:v2.54.1
    network_mode: host
"""
    found = _severities(tmp_path, {"compose.yaml": compose, ".env": "GRAFANA_BIND=127.0.0.1\n"}, "CMP023")
    assert found == {"service/public": "high", "service/local": "low", "service/internal": "low",
                     "service/hostnet": "medium"}


def test_database_auth_disabled_follows_exposure(tmp_path: Path):
    compose = """services:
  published:
    image: postgres:16.4
    environment: {POSTGRES_HOST_AUTH_METHOD: trust}
    ports: ["5432:5432"]
  loopback:
    image: postgres:16.4
    environment: {POSTGRES_HOST_AUTH_METHOD: trust}
    ports: ["127.0.0.1:5433:5432"]
  internal:
    image: redis:7.4
    command: ["mongod", "--noauth"]
"""
    found = _severities(tmp_path, {"compose.yaml": compose}, "CMP021")
    assert found == {"service/published": "critical", "service/loopback": "medium", "service/internal": "medium"}


def test_database_auth_disabled_in_an_override_service_cannot_tell_its_ports(tmp_path: Path):
    files = {"deploy/compose.yaml": "services:\n  db:\n    image: postgres:16.4\n    ports: ['5432:5432']\n",
             "deploy/compose.prod.yaml": "services:\n  db:\n    environment: {POSTGRES_HOST_AUTH_METHOD: trust}\n"}
    assert _severities(tmp_path, files, "CMP021") == {"service/db": "high"}


def test_kubernetes_severity_follows_the_node_binding(tmp_path: Path):
    manifest = """apiVersion: apps/v1
kind: Deployment
metadata: {name: on-node}
spec:
  template:
    spec:
      containers:
        - name: dind
          image: docker:27-dind
          command: [dockerd, "--host=tcp://0.0.0.0:2375", "--tls=false"]
          ports: [{containerPort: 2375, hostPort: 2375}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: in-cluster}
spec:
  template:
    spec:
      containers:
        - name: dind
          image: docker:27-dind
          command: [dockerd, "--host=tcp://0.0.0.0:2375", "--tls=false"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus}
spec:
  template:
    spec:
      containers:
        - {name: prometheus, image: "prom/prometheus:v2.54.1", ports: [{containerPort: 9090}]}
"""
    found = _severities(tmp_path, {"deploy/app.yaml": manifest}, "K8S085")
    assert found == {"Deployment/on-node/container/dind": "critical",
                     "Deployment/in-cluster/container/dind": "high"}


def test_host_port_severity_follows_what_binds_it(tmp_path: Path):
    manifest = """apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - {name: web, image: "example/web:1.0", ports: [{containerPort: 8080, hostPort: 443}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: unknown-edge}
spec:
  template:
    spec:
      containers:
        - {name: edge, image: "example/edge:1.0", ports: [{containerPort: 8080, hostPort: 443}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kong}
spec:
  template:
    spec:
      containers:
        - {name: proxy, image: "kong:3.7", ports: [{containerPort: 8000, hostPort: 80}, {containerPort: 2379, hostPort: 2379}]}
"""
    found = _severities(tmp_path, {"cluster/apps.yaml": manifest}, "K8S026")
    assert found == {"Deployment/app/container/web": "medium", "DaemonSet/unknown-edge/container/edge": "low",
                     "DaemonSet/kong/container/proxy": "medium"}
