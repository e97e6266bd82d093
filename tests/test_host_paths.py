"""Host paths (checks/models/host_paths.py): one answer to "what does mounting this host path
give a container?", asked by compose (CMP019) and Kubernetes (K8S017) alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import pedantic
from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.host_paths import classify

# (path, kind): every kind, each spelling of a home directory, and the data-folder class
CASES = [
    ("/", "root"), ("//", "root"), ("/var/run/docker.sock", "runtime-socket"), ("/run/podman/podman.sock", "runtime-socket"),
    ("/run/user/1000/podman/podman.sock", "runtime-socket"), ("${XDG_RUNTIME_DIR}/docker.sock", "runtime-socket"),
    ("/etc/shadow", "credentials"), ("/etc/ssh/", "credentials"), ("/root/../etc/sudoers.d/x", "credentials"),
    ("~/.ssh", "credentials"), ("/root/.aws/credentials", "credentials"), ("/home/deploy/.kube", "credentials"),
    ("/home/deploy/.bashrc", "credentials"), ("/root/.docker/config.json", "credentials"),
    ("/proc", "kernel"), ("/sys/kernel/debug", "kernel"), ("/dev", "kernel"), ("/boot/grub", "kernel"),
    ("/dev/dri", "device"), ("/dev/disk/by-id", "device"),
    ("/var/lib/docker/volumes", "runtime-state"), ("/etc/kubernetes/pki", "runtime-state"),
    ("/var/lib/kubelet", "runtime-state"), ("/run/containerd", "runtime-state"),
    ("/root", "home"), ("/root/", "home"), ("~", "home"), ("/home", "home"), ("/home/deploy", "home"),
    ("/etc", "system"), ("/usr", "system"), ("/var/run", "system"), ("/var/log", "system"),
    ("/etc/localtime", "system-subtree"), ("/usr/share/zoneinfo", "system-subtree"), ("/lib/modules", "system-subtree"),
    # data folders: a service's own directory, wherever the project keeps it
    ("/root/n8n//.n8n", "data"), ("/root/n8n/letsencrypt", "data"), ("/home/ops/stacks/app/.cache", "data"),
    ("~/stacks/traefik", "data"), ("/srv/app/uploads", "data"), ("/opt/app", "data"), ("/mnt/tank/media", "data"),
    ("/var/lib/app-data", "data"), ("/data", "data"),
]


@pytest.mark.parametrize(("path", "kind"), CASES)
def test_what_a_host_path_is(path, kind):
    what = classify(path)
    assert what is not None and what.kind == kind, what


@pytest.mark.parametrize(("path", "rootless"), [
    ("${XDG_RUNTIME_DIR}/podman/podman.sock", True), ("$XDG_RUNTIME_DIR/docker.sock", True),
    ("${XDG_RUNTIME_DIR:-/run/user/1000}/podman/podman.sock", True), ("/run/user/1000/docker.sock", True),
    ("/run/user/0/podman/podman.sock", False),  # uid 0's runtime directory: root's own runtime
    ("/var/run/docker.sock", False), ("/run/podman/podman.sock", False), ("/run/user/1000/app.sock", False),
])
def test_a_runtime_socket_in_a_users_runtime_directory_is_rootless(path, rootless):
    what = classify(path)
    assert what is not None and what.rootless is rootless, what


@pytest.mark.parametrize("path", ["", "./data", "../config", "app-data", "${DATA_DIR}", "C:\\data"])
def test_project_paths_and_named_volumes_are_not_host_paths(path):
    assert classify(path) is None


def _scan(root: Path) -> Engine:
    engine = Engine(root, pedantic())
    engine.scan()
    assert engine.check_errors == []
    return engine


# paths on which both domains report, and how
DOMAINS = [
    ("/root/.ssh", True, Severity.HIGH), ("/home/ops/.aws", True, Severity.HIGH), ("/root", True, Severity.HIGH),
    ("/proc", True, Severity.HIGH), ("/", True, Severity.CRITICAL), ("/var/lib/docker", True, Severity.HIGH),
    # the data-folder class: compose says nothing, Kubernetes keeps its plain-hostPath medium
    ("/root/n8n/.n8n", False, Severity.MEDIUM), ("/home/ops/stacks/app", False, Severity.MEDIUM),
    ("/srv/app", False, Severity.MEDIUM),
    # a rootless runtime's per-user socket: the user's rights, high (not the node's root, critical)
    ("/run/user/1000/podman/podman.sock", True, Severity.HIGH), ("/var/run/docker.sock", True, Severity.CRITICAL),
]


@pytest.mark.parametrize(("path", "compose_reports", "k8s_severity"), DOMAINS)
def test_compose_and_kubernetes_ask_the_same_model(tmp_path, path, compose_reports, k8s_severity):
    (tmp_path / "docker-compose.yml").write_text(
        f"services:\n  app:\n    image: registry.example.com/app:1.0.0\n    volumes: ['{path}:/mnt/host']\n",
        encoding="utf-8")
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: app, image: registry.example.com/app:1.0.0,"
        " volumeMounts: [{name: host, mountPath: /mnt/host}]}]\n"
        f"      volumes: [{{name: host, hostPath: {{path: '{path}'}}}}]\n", encoding="utf-8")
    engine = _scan(tmp_path)
    compose = [f for f in engine.findings if f.code in ("CMP019", "CMP001")]
    k8s = [f for f in engine.findings if f.code == "K8S017"]
    assert bool(compose) is compose_reports
    if compose:
        assert compose[0].severity in (Severity.HIGH, Severity.CRITICAL)
    assert [f.severity for f in k8s] == [k8s_severity]


def test_compose_rates_a_rootless_socket_high_and_the_root_socket_critical(tmp_path):
    (tmp_path / "podman.yml").write_text(
        "services:\n"
        "  collector:\n    image: otel/opentelemetry-collector-contrib:0.116.0\n"
        "    volumes: ['${XDG_RUNTIME_DIR}/podman/podman.sock:/var/run/docker.sock:Z']\n"
        "  rootful:\n    image: otel/opentelemetry-collector-contrib:0.116.0\n"
        "    volumes: ['/var/run/podman/podman.sock:/var/run/docker.sock']\n", encoding="utf-8")
    found = {f.resource: f for f in _scan(tmp_path).findings if f.code == "CMP001"}
    assert found["service/collector"].severity == Severity.HIGH
    assert "${XDG_RUNTIME_DIR}/podman/podman.sock" in found["service/collector"].message
    assert "not root on the host" in found["service/collector"].message
    assert found["service/rootful"].severity == Severity.CRITICAL
