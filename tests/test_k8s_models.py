"""The effective securityContext of a container, and the workload helpers checks rely on."""

from __future__ import annotations

import textwrap

from auditui.checks.models.k8s import (
    Workload,
    dev_hosts,
    long_lived_containers,
    parse_kustomization,
    parse_manifests,
)
from auditui.checks.models.yamlnodes import load_documents


def _workloads(text: str) -> list[Workload]:
    parsed = parse_manifests("x.yaml", load_documents(textwrap.dedent(text)))
    return [u for u in parsed.units if isinstance(u, Workload)]


def _containers(text: str) -> dict[str, object]:
    return {c.name: c for w in _workloads(text) for c in w.containers(include_init=True)}


POD_LEVEL = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
        fsGroup: 2000
      initContainers:
        - {name: init, image: "busybox:1.36"}
      containers:
        - name: inherits
          image: registry.example.com/api:1.4.2
        - name: overrides
          image: registry.example.com/tool:1.0.0
          securityContext: {runAsUser: 0, allowPrivilegeEscalation: false}
"""


def test_pod_level_settings_are_inherited_by_main_and_init_containers():
    containers = _containers(POD_LEVEL)
    for name in ("inherits", "init"):
        sec = containers[name].security()
        assert sec.get("runAsNonRoot") is True
        assert sec.get("runAsUser") == 1000
        assert sec.get("seccompProfile") == {"type": "RuntimeDefault"}
        assert sec.runs_as_root is False
        # the pod's securityContext is where the value came from
        assert sec.source("runAsUser").ypath == ("spec", "template", "spec", "securityContext")


def test_container_settings_win_over_the_pod():
    sec = _containers(POD_LEVEL)["overrides"].security()
    assert sec.get("runAsUser") == 0
    assert sec.runs_as_root is True
    assert sec.source("runAsUser").ypath[-1] == "securityContext"
    assert sec.source("runAsUser").ypath[:-1] == ("spec", "template", "spec", "containers", 1)
    assert sec.get("allowPrivilegeEscalation") is False


def test_pod_only_fields_are_not_inherited():
    # fsGroup applies to volumes, not to a container's context; it must not leak in
    assert _containers(POD_LEVEL)["inherits"].security().get("fsGroup") is None


def test_container_only_fields_are_not_read_from_the_pod():
    text = """
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
      containers: [{name: c, image: "busybox:1.36"}]
    """
    sec = _containers(text)["c"].security()
    assert sec.get("allowPrivilegeEscalation") is None
    assert sec.get("readOnlyRootFilesystem") is None


def test_unknown_root_when_nothing_is_set_and_nested_cronjob_template():
    text = """
    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: report}
    spec:
      jobTemplate:
        spec:
          template:
            spec:
              securityContext: {runAsNonRoot: true}
              containers: [{name: report, image: "registry.example.com/report:1.0.0"}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: bare}
    spec: {template: {spec: {containers: [{name: bare, image: "busybox:1.36"}]}}}
    """
    containers = _containers(text)
    assert containers["report"].security().runs_as_root is False
    assert containers["bare"].security().runs_as_root is None


def test_odd_types_do_not_raise():
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: odd}
    spec:
      template:
        spec:
          securityContext: "not a mapping"
          containers:
            - {name: a, image: "busybox:1.36", securityContext: [1, 2]}
            - "not a container"
    """
    containers = _containers(text)
    assert list(containers) == ["a"]
    sec = containers["a"].security()
    assert sec.values == {} and sec.caps_add == [] and sec.caps_drop == []


def test_native_sidecars_are_long_lived_but_plain_init_containers_are_not():
    text = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api}
    spec:
      template:
        spec:
          initContainers:
            - {name: migrate, image: "a:1"}
            - {name: shipper, image: "b:1", restartPolicy: Always}
          containers: [{name: api, image: "c:1"}]
    """
    (workload,) = _workloads(text)
    assert [c.name for c in long_lived_containers(workload)] == ["api", "shipper"]


def test_dev_hosts():
    assert dev_hosts("postgres://u:p@db.local:5432/x") == [("db.local", "mdns")]
    assert dev_hosts("http://host.docker.internal:9000") == [("host.docker.internal", "docker")]
    assert dev_hosts("localhost:8080 and 127.0.0.1") == [("localhost", "loopback"), ("127.0.0.1", "loopback")]
    assert dev_hosts("api.localhost") == [("api.localhost", "dev")]
    # the cluster's own DNS, paths and look-alikes are not development hosts
    assert dev_hosts("redis.cache.svc.cluster.local cluster.local /opt/app.local/x .env.local") == []
    assert dev_hosts("localhost.example.com mylocalhost") == []


def test_kustomize_image_overrides_become_facts():
    text = "resources: [../base]\nimages:\n  - name: ghcr.io/acme/api\n    newTag: '2.3.1'\n  - {name: nginx, digest: 'sha256:abc'}\n"
    parsed = parse_kustomization("overlays/prod/kustomization.yaml", load_documents(text))
    (fact,) = [f for f in parsed.facts if f.topic == "kustomize:images"]
    assert fact.data.images == (("ghcr.io/acme/api", "", "2.3.1", ""), ("nginx", "", "", "sha256:abc"))


SELECTORLESS = """
apiVersion: {api}
kind: Deployment
metadata: {{name: shop}}
spec:
  template:
    spec:
      containers:
        - {{name: web, image: "shop:1.5.0"}}
"""


def _kinds(path: str, api: str = "apps/v1") -> list[str]:
    parsed = parse_manifests(path, load_documents(SELECTORLESS.format(api=api)))
    return [type(u).__name__ for u in parsed.units]


def test_selectorless_workloads_in_environment_folders_are_patches():
    for path in ("envs/prod-eu/version.yml", "environments/staging/app.yaml", "variants/eu/region.yml",
                 "components/gpu/node.yaml", "apps/prod/image.yaml", "clusters/us-staging/web.yaml",
                 "overlays/dev/api.yaml", "k8s/patches/replicas.yaml", "web-patch.yaml"):
        assert _kinds(path) == ["WorkloadPatch"], path
    # a terse manifest elsewhere is still a workload (words must be whole: "productivity", "devices")
    for path in ("deploy/web.yaml", "productivity/web.yaml", "k8s/devices/web.yaml"):
        assert _kinds(path) == ["Workload"], path


def test_flux_kustomization_is_an_object_and_kustomize_one_a_kustomization():
    text = """
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {path: ./apps/production, sourceRef: {kind: GitRepository, name: flux-system}}
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
"""
    parsed = parse_manifests("clusters/production/apps.yaml", load_documents(text))
    assert [type(u).__name__ for u in parsed.units] == ["K8sObject", "Kustomization"]
    topics = [f.topic for f in parsed.facts]
    assert "k8s:Kustomization" in topics and topics.count("kustomization") == 1
