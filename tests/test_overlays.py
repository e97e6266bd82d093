"""Container settings added by Kustomize overlays mark the base's findings as fixed there."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import pedantic
from auditui.checks.engine import Engine

BASE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
          ports: [{containerPort: 8080}]
        - name: sidecar
          image: registry.example.com/proxy:2.0.1
"""

PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {memory: 512Mi}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
"""

INLINE = """\
resources: [../../base]
patches:
  - path: api-resources.yaml
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: api
      spec:
        template:
          spec:
            securityContext:
              runAsNonRoot: true
"""


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("deploy/base", "deploy/overlays/prod", "other/base"):
        (root / folder).mkdir(parents=True)
    (root / "deploy/base/kustomization.yaml").write_text("resources: [api.yaml]\n")
    (root / "deploy/base/api.yaml").write_text(BASE)
    (root / "deploy/overlays/prod/kustomization.yaml").write_text(INLINE)
    (root / "deploy/overlays/prod/api-resources.yaml").write_text(PATCH)
    # a workload of the same name in another project, which no overlay builds
    (root / "other/base/api.yaml").write_text(BASE)
    return root


def _marks(engine: Engine, path: str) -> dict[tuple[str, str], str | None]:
    return {(f.code, f.resource): f.suppressed_by for f in engine.findings if f.path == path}


def test_settings_an_overlay_adds_mark_the_base_findings_as_fixed_there(tmp_path):
    engine = Engine(_repo(tmp_path), pedantic())
    engine.scan()
    marks = _marks(engine, "deploy/base/api.yaml")
    api = "Deployment/api/container/api"
    for code in ("K8S006", "K8S008", "K8S009"):
        assert marks[(code, api)] == ("overlay: deploy/overlays/prod/api-resources.yaml sets it where it "
                                      "deploys this workload")
    # a pod-level runAsNonRoot in an inline patch covers every container
    assert marks[("K8S010", api)].startswith("overlay: deploy/overlays/prod/kustomization.yaml")
    assert marks[("K8S010", "Deployment/api/container/sidecar")] is not None
    # what no overlay sets stays open, and so does the other container's
    assert marks[("K8S007", api)] is None
    assert marks[("K8S015", api)] is None
    assert marks[("K8S009", "Deployment/api/container/sidecar")] is None
    # the same name in a project no overlay builds is untouched
    assert all(reason is None for reason in _marks(engine, "other/base/api.yaml").values())


def test_editing_or_deleting_the_overlay_reopens_the_findings_incrementally(tmp_path):
    root = _repo(tmp_path)
    engine = Engine(root, pedantic())
    engine.scan()
    patch = root / "deploy/overlays/prod/api-resources.yaml"
    patch.write_text(PATCH.replace("            limits: {memory: 512Mi}\n", ""))
    delta = engine.update([patch])
    reopened = {(f.code, f.path) for f in delta.changed}
    assert reopened == {("K8S009", "deploy/base/api.yaml")}
    assert _marks(engine, "deploy/base/api.yaml")[("K8S009", "Deployment/api/container/api")] is None

    kustomization = root / "deploy/overlays/prod/kustomization.yaml"
    kustomization.write_text("resources: [../../base]\npatches:\n  - path: api-resources.yaml\n")
    delta = engine.update([kustomization])
    assert {(f.code, f.resource) for f in delta.changed} == {
        ("K8S010", "Deployment/api/container/api"), ("K8S010", "Deployment/api/container/sidecar")}

    patch.unlink()
    engine.update([patch])
    assert all(reason is None for reason in _marks(engine, "deploy/base/api.yaml").values())
    # and the incremental result is what a cold scan finds
    fresh = Engine(root, pedantic())
    fresh.scan()
    assert _marks(fresh, "deploy/base/api.yaml") == _marks(engine, "deploy/base/api.yaml")


def test_editing_the_base_keeps_the_overlay_marks(tmp_path):
    root = _repo(tmp_path)
    engine = Engine(root, pedantic())
    engine.scan()
    base = root / "deploy/base/api.yaml"
    base.write_text("# sized per environment in the overlays\n" + BASE)
    engine.update([base])
    marks = _marks(engine, "deploy/base/api.yaml")
    assert marks[("K8S009", "Deployment/api/container/api")].startswith("overlay: ")


def test_a_users_own_suppression_wins_over_the_overlay_mark(tmp_path):
    root = _repo(tmp_path)
    base = root / "deploy/base/api.yaml"
    base.write_text(BASE.replace("        - name: api\n",
                                 "        - name: api  # auditui: ignore[K8S009] sized by the platform team\n"))
    engine = Engine(root, pedantic())
    engine.scan()
    reason = _marks(engine, "deploy/base/api.yaml")[("K8S009", "Deployment/api/container/api")]
    assert reason is not None and not reason.startswith("overlay: ")


def test_the_base_is_flagged_as_before_without_overlays(tmp_path):
    root = tmp_path / "alone"
    shutil.copytree(_repo(tmp_path) / "deploy/base", root / "deploy/base")
    engine = Engine(root, pedantic())
    engine.scan()
    assert all(reason is None for reason in _marks(engine, "deploy/base/api.yaml").values())


def test_json6902_operations_address_containers_by_position(tmp_path):
    root = _repo(tmp_path)
    (root / "deploy/overlays/prod/kustomization.yaml").write_text("""\
resources: [../../base]
patches:
  - target: {kind: Deployment, name: api}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/1/resources
        value: {limits: {memory: 128Mi}}
      - op: add
        path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem
        value: true
      - op: add
        path: /spec/template/spec/containers/-
        value: {name: extra, image: x, readinessProbe: {exec: {command: [true]}}}
""")
    (root / "deploy/overlays/prod/api-resources.yaml").unlink()
    engine = Engine(root, pedantic())
    engine.scan()
    marks = _marks(engine, "deploy/base/api.yaml")
    assert marks[("K8S009", "Deployment/api/container/sidecar")].startswith("overlay: ")
    assert marks[("K8S015", "Deployment/api/container/api")].startswith("overlay: ")
    # position 1 is the sidecar, not the api container; an appended container is no one's
    assert marks[("K8S009", "Deployment/api/container/api")] is None
    assert marks[("K8S006", "Deployment/api/container/api")] is None


def test_json6902_patch_files_count_and_follow_edits(tmp_path):
    root = _repo(tmp_path)
    (root / "deploy/overlays/prod/api-resources.yaml").unlink()
    (root / "deploy/overlays/prod/kustomization.yaml").write_text("""\
resources: [../../base]
patchesJson6902:
  - target: {group: apps, version: v1, kind: Deployment, name: api}
    path: limits.yaml
""")
    ops = root / "deploy/overlays/prod/limits.yaml"
    ops.write_text("- op: add\n  path: /spec/template/spec/containers/0/resources\n"
                   "  value: {limits: {memory: 512Mi}}\n")
    engine = Engine(root, pedantic())
    engine.scan()
    api = ("K8S009", "Deployment/api/container/api")
    assert _marks(engine, "deploy/base/api.yaml")[api] == ("overlay: deploy/overlays/prod/limits.yaml sets it where "
                                                           "it deploys this workload")
    ops.write_text("- op: add\n  path: /spec/template/spec/containers/0/resources\n  value: {requests: {cpu: 1}}\n")
    delta = engine.update([ops])
    assert ("K8S009", "deploy/base/api.yaml") in {(f.code, f.path) for f in delta.changed}
    assert _marks(engine, "deploy/base/api.yaml")[api] is None
