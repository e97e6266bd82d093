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
