"""A file a kustomization names as a patch is a patch: judged for what it sets, never as a whole
object, and the engine follows the kustomization when it is added, edited or removed."""

from __future__ import annotations

from pathlib import Path

from auditui.checks.engine import Engine

PATCH_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
"""

PRIVILEGED_PATCH = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - name: agent
          image: example/agent:1.2.3
          securityContext: {privileged: true}
"""

ROLE_PATCH = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
"""


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _codes(engine: Engine, path: str) -> set[str]:
    return {f.code for f in engine.findings if f.path == path}


def test_a_named_patch_file_is_not_judged_as_a_whole_object_and_the_engine_follows_the_kustomization(tmp_path):
    _write(tmp_path, "deploy/prod/edits/web-ingress.yaml", PATCH_INGRESS)
    engine = Engine(tmp_path)
    engine.scan()
    assert "K8S062" in _codes(engine, "deploy/prod/edits/web-ingress.yaml")  # nothing names it: an Ingress

    kustomization = _write(tmp_path, "deploy/kustomization.yaml",
                           "resources: [../base]\npatches:\n  - path: prod/edits/web-ingress.yaml\n")
    engine.update([kustomization])
    assert "K8S062" not in _codes(engine, "deploy/prod/edits/web-ingress.yaml")
    assert any("Kustomize patch" in n.message for n in engine.all_notices()
               if n.path == "deploy/prod/edits/web-ingress.yaml")

    kustomization.unlink()
    engine.update([kustomization])
    assert "K8S062" in _codes(engine, "deploy/prod/edits/web-ingress.yaml")


def test_what_a_patch_sets_is_still_reported(tmp_path):
    _write(tmp_path, "overlays/prod/kustomization.yaml", (
        "resources: [../../base]\n"
        "patchesStrategicMerge:\n  - agent.yaml\n  - role.yaml\n"))
    _write(tmp_path, "overlays/prod/agent.yaml", PRIVILEGED_PATCH)
    _write(tmp_path, "overlays/prod/role.yaml", ROLE_PATCH)
    engine = Engine(tmp_path)
    engine.scan()
    agent = _codes(engine, "overlays/prod/agent.yaml")
    assert "K8S012" in agent  # privileged: true, set by the patch
    assert not agent & {"K8S006", "K8S007", "K8S008", "K8S009"}  # probes, requests, limits: the base's business
    assert "K8S066" in _codes(engine, "overlays/prod/role.yaml")  # the wildcard rule the patch writes


def test_replacement_targets_are_named_in_a_notice(tmp_path):
    _write(tmp_path, "component/kustomization.yaml", (
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
        "replacements:\n  - path: images.yaml\n"))
    _write(tmp_path, "component/images.yaml", (
        "- source: {kind: StatefulSet, name: db, fieldPath: spec.template.spec.initContainers.0.image}\n"
        "  targets:\n    - select: {kind: Deployment, name: web}\n"
        "      fieldPaths: [spec.template.spec.initContainers.0.image]\n"))
    engine = Engine(tmp_path)
    engine.scan()
    notices = [n.message for n in engine.all_notices() if n.path == "component/kustomization.yaml"]
    assert any("Deployment/web" in message and "placeholder" in message for message in notices)
