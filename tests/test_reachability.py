"""GitOps reachability (models/k8s/reachability.py): a file no GitOps entry point deploys (an app
left out of the overlay that lists its peers, a retired folder) is ``undeployed`` and its
findings are lowered; a deployed one keeps them; nothing is claimed when a sync the entry
points reach cannot be followed, nor in a repository without GitOps entry points."""

from __future__ import annotations

from pathlib import Path

from helpers import pedantic, write
from auditui.checks.api import Severity
from auditui.checks.engine import Engine

PRIVILEGED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: apps}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/{name}:1.2.3
          securityContext: {{privileged: true}}
"""

FLUX_APP = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  path: ./apps/base/{name}/app
  sourceRef: {{kind: GitRepository, name: flux-system}}
"""


def _gitops(root: Path, listed=("web", "api"), left_out=("retired-app",), overlay_extra: str = "") -> None:
    # the bootstrap: a GitRepository and the Kustomization that applies clusters/prod (one file,
    # two documents); the cluster applies the overlay through a second Flux Kustomization
    write(root, "clusters/prod/flux-system/gotk-sync.yaml", """\
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: flux-system, namespace: flux-system}
        spec: {url: "ssh://git@example.com/org/fleet", ref: {branch: main}}
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: flux-system, namespace: flux-system}
        spec:
          path: ./clusters/prod
          sourceRef: {kind: GitRepository, name: flux-system}
        """)
    write(root, "clusters/prod/flux-system/kustomization.yaml", "resources: [gotk-sync.yaml]\n")
    write(root, "clusters/prod/apps.yaml", """\
        {apiVersion: kustomize.toolkit.fluxcd.io/v1, kind: Kustomization,
         metadata: {name: apps, namespace: flux-system},
         spec: {path: "./apps/overlays/prod", sourceRef: {kind: GitRepository, name: flux-system}}}
        """)
    lines = "".join(f"  - ../../base/{name}/ks.yaml\n" for name in listed)
    lines += "".join(f"  # - ../../base/{name}/ks.yaml\n" for name in left_out)
    write(root, "apps/overlays/prod/kustomization.yaml", f"resources:\n{lines}{overlay_extra}")
    for name in tuple(listed) + tuple(left_out):
        write(root, f"apps/base/{name}/ks.yaml", FLUX_APP.format(name=name))
        write(root, f"apps/base/{name}/app/kustomization.yaml", "resources: [deployment.yaml]\n")
        write(root, f"apps/base/{name}/app/deployment.yaml", PRIVILEGED.format(name=name))


def _privileged(root: Path) -> dict:
    engine = Engine(root, pedantic())
    engine.scan()
    assert engine.check_errors == []
    return {f.path: f for f in engine.findings if f.code == "K8S012"}


def test_an_app_left_out_of_the_overlay_is_not_deployed(tmp_path):
    _gitops(tmp_path)
    found = _privileged(tmp_path)
    for name in ("web", "api"):  # deployed: the overlay lists them
        kept = found[f"apps/base/{name}/app/deployment.yaml"]
        assert kept.severity is Severity.CRITICAL and kept.context == "production"
    lowered = found["apps/base/retired-app/app/deployment.yaml"]
    assert lowered.severity is Severity.MEDIUM and lowered.context == "undeployed"
    assert "no GitOps entry point deploys it" in lowered.context_reason
    assert "apps/overlays/prod/kustomization.yaml lists 2 files like it" in lowered.context_reason
    assert "lowered from critical" in lowered.context_reason


def test_a_retired_folder_is_not_deployed_and_a_deployed_one_keeps_its_findings(tmp_path):
    _gitops(tmp_path, left_out=())
    write(tmp_path, ".archive/old-web/deployment.yaml", PRIVILEGED.format(name="old-web"))
    write(tmp_path, "apps/base/web/app/old/deployment.yaml", PRIVILEGED.format(name="old-web"))
    write(tmp_path, "apps/base/web/app/kustomization.yaml", "resources: [deployment.yaml, old/deployment.yaml]\n")
    found = _privileged(tmp_path)
    archived = found[".archive/old-web/deployment.yaml"]
    assert archived.severity is Severity.MEDIUM and "in .archive/, a folder of retired files" in archived.context_reason
    # a folder named old/ that an entry point deploys is deployed: the name is the weaker signal
    assert found["apps/base/web/app/old/deployment.yaml"].severity is Severity.CRITICAL


def test_nothing_is_claimed_when_a_reached_sync_cannot_be_followed(tmp_path):
    _gitops(tmp_path)
    # an Argo CD Application of another repository, and a templated Flux path: not followed
    for rel, text in (("clusters/prod/argo.yaml", """\
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: addons, namespace: argocd}
            spec:
              source: {repoURL: "https://github.com/example/addons", path: charts/addons, targetRevision: v1.2.0}
              destination: {server: "https://kubernetes.default.svc", namespace: addons}
            """), ("clusters/prod/templated.yaml", FLUX_APP.format(name="tenant").replace("/tenant/", "/${TENANT}/"))):
        write(tmp_path, rel, text)
        found = _privileged(tmp_path)
        assert found["apps/base/retired-app/app/deployment.yaml"].severity is Severity.CRITICAL, rel
        (tmp_path / rel).unlink()


def test_plain_kustomize_overlays_claim_nothing(tmp_path):
    # no GitOps controller: every overlay is an entry point and a base they do not list is a
    # base for someone else's overlay, not a retired app
    for name in ("web", "api", "extra"):
        write(tmp_path, f"bases/{name}/kustomization.yaml", "resources: [deployment.yaml]\n")
        write(tmp_path, f"bases/{name}/deployment.yaml", PRIVILEGED.format(name=name))
    write(tmp_path, "overlays/prod/kustomization.yaml", "resources: [../../bases/web, ../../bases/api]\n")
    write(tmp_path, "overlays/dev/kustomization.yaml", "resources: [../../bases/web]\n")
    write(tmp_path, "attic/legacy.yaml", PRIVILEGED.format(name="legacy"))
    found = _privileged(tmp_path)
    assert all(found[f"bases/{name}/deployment.yaml"].severity is Severity.CRITICAL for name in ("web", "api", "extra"))
    # the retired folder still says so: nothing reaches it
    assert found["attic/legacy.yaml"].context == "undeployed"


def test_an_entry_point_the_list_leads_back_to_is_not_left_out(tmp_path):
    # the only root is a Flux Kustomization that sits among the apps (apps/base/root/ks.yaml)
    # and applies the overlay listing them: it is not one more app the overlay leaves out
    _gitops(tmp_path)
    for rel in ("clusters/prod/flux-system/gotk-sync.yaml", "clusters/prod/flux-system/kustomization.yaml",
                "clusters/prod/apps.yaml"):
        (tmp_path / rel).unlink()
    write(tmp_path, "apps/base/root/ks.yaml", FLUX_APP.format(name="root").replace(
        "./apps/base/root/app", "./apps/overlays/prod"))
    found = _privileged(tmp_path)
    assert found["apps/base/web/app/deployment.yaml"].severity is Severity.CRITICAL
    assert found["apps/base/retired-app/app/deployment.yaml"].context == "undeployed"


def _state(engine: Engine) -> list:
    return sorted((f.fingerprint, int(f.severity), f.path, f.line, f.context, f.context_reason)
                  for f in engine.findings)


def _fresh(root: Path) -> list:
    engine = Engine(root)
    engine.scan()
    return _state(engine)


def test_update_follows_kustomizations_and_flux_paths(tmp_path):
    _gitops(tmp_path)
    engine = Engine(tmp_path)
    engine.scan()
    before = _state(engine)
    # uncomment the app in the overlay: it is deployed now
    _gitops(tmp_path, listed=("web", "api", "retired-app"), left_out=())
    engine.update(["apps/overlays/prod/kustomization.yaml"])
    assert _state(engine) == _fresh(tmp_path) != before
    assert {c for _, _, p, _, c, _ in _state(engine) if p.startswith("apps/base/retired-app/")} == {"production"}
    # point the app's Flux Kustomization elsewhere: its deployment is reached by nothing now
    write(tmp_path, "apps/base/retired-app/ks.yaml", FLUX_APP.format(name="web"))
    engine.update(["apps/base/retired-app/ks.yaml"])
    assert _state(engine) == _fresh(tmp_path)
    # a file appearing where a sync path had nothing to resolve to
    write(tmp_path, "clusters/prod/later.yaml", FLUX_APP.format(name="later"))
    engine.update(["clusters/prod/later.yaml"])
    assert _state(engine) == _fresh(tmp_path)
    write(tmp_path, "apps/base/later/app/deployment.yaml", PRIVILEGED.format(name="later"))
    engine.update(["apps/base/later/app/deployment.yaml"])
    assert _state(engine) == _fresh(tmp_path)
    (tmp_path / "apps/overlays/prod/kustomization.yaml").unlink()
    engine.update(["apps/overlays/prod/kustomization.yaml"])
    assert _state(engine) == _fresh(tmp_path)


SECRET = """\
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: apps}
stringData:
  DATABASE_PASSWORD: "kT9#vQ2!xLm8@pZr4sWn"
"""


def test_a_committed_secret_counts_in_full_where_nothing_deploys_it(tmp_path):
    # a secret in the repository is exposed to whoever reads it, deployed or not
    _gitops(tmp_path, left_out=())
    write(tmp_path, "apps/base/web/app/secret.yaml", SECRET)
    write(tmp_path, "apps/base/web/app/kustomization.yaml", "resources: [deployment.yaml, secret.yaml]\n")
    # another value: copies of one value fold into one finding, wherever the first one is
    write(tmp_path, ".archive/old-web/secret.yaml", SECRET.replace("kT9#vQ2!xLm8@pZr4sWn", "Zp3#wE7!nB5@qR1%yU8h"))
    write(tmp_path, ".archive/old-web/deployment.yaml", PRIVILEGED.format(name="old-web"))
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    deployed = [f for f in engine.findings if f.path == "apps/base/web/app/secret.yaml"]
    archived = [f for f in engine.findings if f.path == ".archive/old-web/secret.yaml"]
    assert deployed and sorted((f.code, f.severity) for f in archived) == sorted((f.code, f.severity) for f in deployed)
    assert all("a secrets-management finding still applies" in f.context_reason for f in archived)
    privileged = [f for f in engine.findings if f.path == ".archive/old-web/deployment.yaml" and f.code == "K8S012"]
    assert privileged[0].severity is Severity.MEDIUM


def test_a_chart_template_folder_named_like_a_retired_one_is_rendered(tmp_path):
    write(tmp_path, "charts/app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n")
    write(tmp_path, "charts/app/values.yaml", "image: {tag: 1.0.0}\n")
    write(tmp_path, "charts/app/templates/deprecated/deployment.yaml", PRIVILEGED.format(name="app"))
    write(tmp_path, "old/charts/legacy/Chart.yaml", "apiVersion: v2\nname: legacy\nversion: 1.0.0\n")
    write(tmp_path, "old/charts/legacy/templates/deployment.yaml", PRIVILEGED.format(name="legacy"))
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    assert engine.context_of("charts/app/templates/deprecated/deployment.yaml").context.value == "production"
    assert engine.context_of("old/charts/legacy/templates/deployment.yaml").context.value == "undeployed"


def test_a_chart_whose_templates_deploy_is_followed_no_further(tmp_path):
    # app-of-apps as a Helm chart: the Applications it renders are unknown, so nothing is claimed
    _gitops(tmp_path)
    write(tmp_path, "clusters/prod/platform.yaml", FLUX_APP.format(name="platform").replace(
        "./apps/base/platform/app", "./charts/platform"))
    write(tmp_path, "charts/platform/Chart.yaml", "apiVersion: v2\nname: platform\nversion: 1.0.0\n")
    write(tmp_path, "charts/platform/templates/apps.yaml", """\
        {{- range .Values.apps }}
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: {{ .name }}}
        spec:
          source: {repoURL: "https://example.com/org/fleet", path: "apps/base/{{ .name }}/app"}
        {{- end }}
        """)
    found = _privileged(tmp_path)
    assert found["apps/base/retired-app/app/deployment.yaml"].severity is Severity.CRITICAL
    # a chart whose templates name no GitOps kind changes nothing
    write(tmp_path, "charts/platform/templates/apps.yaml", "apiVersion: v1\nkind: ConfigMap\n"
          "metadata: {name: {{ .Release.Name }}}\n")
    found = _privileged(tmp_path)
    assert found["apps/base/retired-app/app/deployment.yaml"].severity is Severity.MEDIUM


def test_a_flux_kustomization_patch_is_not_a_sync_of_the_repository_root(tmp_path):
    # the bootstrap kustomization patches postBuild values into the Kustomizations it applies: a
    # Kustomization without a path in a file it reads sets fields, it syncs nothing (read as a sync
    # of "./" it would reach every file and hide the app left out of the overlay)
    _gitops(tmp_path)
    write(tmp_path, "clusters/prod/flux-system/kustomization.yaml",
          "resources: [gotk-sync.yaml]\npatches:\n  - path: postbuild.yaml\n    target: {kind: Kustomization}\n")
    write(tmp_path, "clusters/prod/flux-system/postbuild.yaml", """\
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: not-used, namespace: flux-system}
        spec:
          postBuild: {substitute: {CLUSTER: prod}}
        """)
    found = _privileged(tmp_path)
    assert found["apps/base/web/app/deployment.yaml"].context == "production"
    lowered = found["apps/base/retired-app/app/deployment.yaml"]
    assert lowered.context == "undeployed" and lowered.severity is Severity.MEDIUM
