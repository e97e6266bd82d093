"""Which environments deploy a file (models/k8s/environments.py): a file that only the GitOps entry
points of non-production environments reach (sbox, dev, demo...) is ``staging``: its image may
follow the newest build (medium at most) and the rest is at most high; a file a production entry
point reaches keeps its severities; nothing is claimed when an entry point that may be production
cannot be followed whole, nor when no entry point is production."""

from __future__ import annotations

from pathlib import Path

from helpers import pedantic, write
from auditui.checks.api import Severity
from auditui.checks import configfile
from auditui.checks.engine import Engine

WORKLOAD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: mi}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/{name}:{tag}
          securityContext: {{privileged: true}}
"""

BOOTSTRAP = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: flux-system, namespace: flux-system}}
spec:
  path: ./clusters/{env}/00
  sourceRef: {{kind: GitRepository, name: flux-system}}
  postBuild:
    substitute:
      ENVIRONMENT: "{env}"
{cluster}"""


def _fleet(root: Path, envs=("prod", "sbox"), prod_cluster: bool = True) -> None:
    """An HMCTS-like fleet: clusters/<env>/00 patches in its own bootstrap (ENVIRONMENT, CLUSTER),
    the team's Flux Kustomization syncs apps/mi/${ENVIRONMENT}/${CLUSTER}; only the sbox overlay
    adds the SFTP server and a test patch, every overlay the shared app."""
    for env in envs:
        cluster = '      CLUSTER: "00"\n' if env != "prod" or prod_cluster else ""
        write(root, f"apps/flux-system/{env}/00/kustomize.yaml", BOOTSTRAP.format(env=env, cluster=cluster))
        write(root, f"clusters/{env}/00/kustomization.yaml",
              f"resources: [../base]\npatches:\n  - path: ../../../apps/flux-system/{env}/00/kustomize.yaml\n")
        write(root, f"clusters/{env}/base/kustomization.yaml", "resources: [../../../apps/mi/base/kustomize.yaml]\n")
        write(root, f"apps/mi/{env}/00/kustomization.yaml", "resources: [../base]\n")
        extra = "  - ../../sftp/sftp.yaml\npatches:\n  - path: ../../app/sbox.yaml\n" if env == "sbox" else ""
        write(root, f"apps/mi/{env}/base/kustomization.yaml", f"resources:\n  - ../../base\n{extra}")
    write(root, "apps/mi/base/kustomize.yaml", """\
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: mi, namespace: flux-system}
        spec:
          path: ./apps/mi/${ENVIRONMENT}/${CLUSTER}
          sourceRef: {kind: GitRepository, name: flux-system}
          postBuild: {substitute: {NAMESPACE: mi}}
        """)
    write(root, "apps/mi/base/kustomization.yaml", "resources: [../app/app.yaml]\n")
    write(root, "apps/mi/app/app.yaml", WORKLOAD.format(name="app", tag="1.2.3"))
    write(root, "apps/mi/app/sbox.yaml", WORKLOAD.format(name="app", tag="latest"))
    write(root, "apps/mi/sftp/sftp.yaml", WORKLOAD.format(name="sftp", tag="latest"))


def _scan(root: Path) -> dict:
    config = configfile.load(root)
    config.persona = pedantic().persona
    engine = Engine(root, config)
    engine.scan()
    assert engine.check_errors == []
    return {(f.code, f.path): f for f in engine.findings if f.code in ("K8S012", "K8S004")}


def test_a_file_only_non_production_environments_deploy_is_staging(tmp_path):
    _fleet(tmp_path)
    found = _scan(tmp_path)
    privileged = found[("K8S012", "apps/mi/sftp/sftp.yaml")]
    assert (privileged.context, privileged.severity) == ("staging", Severity.HIGH)  # critical in production
    assert privileged.context_reason.startswith("only entry points of non-production environments deploy it (sbox: ")
    assert "no production entry point (" in privileged.context_reason
    assert privileged.context_reason.endswith("lowered from critical, not a release stopper outside production")
    moving = found[("K8S004", "apps/mi/sftp/sftp.yaml")]
    assert (moving.context, moving.severity) == ("staging", Severity.MEDIUM)
    patch = found[("K8S004", "apps/mi/app/sbox.yaml")]  # the sbox overlay's patch
    assert (patch.context, patch.severity) == ("staging", Severity.MEDIUM)


def test_a_file_a_production_entry_point_reaches_keeps_its_severity(tmp_path):
    _fleet(tmp_path)
    shared = _scan(tmp_path)[("K8S012", "apps/mi/app/app.yaml")]
    assert (shared.context, shared.severity) == ("production", Severity.CRITICAL)


def test_nothing_is_claimed_when_the_production_path_cannot_be_resolved(tmp_path):
    _fleet(tmp_path, prod_cluster=False)  # prod gives no CLUSTER: apps/mi/prod/${CLUSTER} is unknown
    found = _scan(tmp_path)
    privileged = found[("K8S012", "apps/mi/sftp/sftp.yaml")]
    assert (privileged.context, privileged.severity) == ("production", Severity.CRITICAL)


def test_nothing_is_claimed_without_a_production_entry_point(tmp_path):
    _fleet(tmp_path, envs=("dev", "sbox"))
    privileged = _scan(tmp_path)[("K8S012", "apps/mi/sftp/sftp.yaml")]
    assert (privileged.context, privileged.severity) == ("production", Severity.CRITICAL)


def test_an_unknown_environment_counts_as_production_unless_configured(tmp_path):
    _fleet(tmp_path, envs=("prod", "sandpit"))
    # the sandpit overlay adds nothing here: give it the SFTP server
    write(tmp_path, "apps/mi/sandpit/base/kustomization.yaml", "resources:\n  - ../../base\n  - ../../sftp/sftp.yaml\n")
    privileged = _scan(tmp_path)[("K8S012", "apps/mi/sftp/sftp.yaml")]
    assert (privileged.context, privileged.severity) == ("production", Severity.CRITICAL)
    write(tmp_path, ".auditui/config.toml", '[environments]\nnonproduction = ["sandpit"]\n')
    privileged = _scan(tmp_path)[("K8S012", "apps/mi/sftp/sftp.yaml")]
    assert (privileged.context, privileged.severity) == ("staging", Severity.HIGH)
    assert "(sandpit: " in privileged.context_reason


def test_what_no_sync_deploys_is_undeployed_once_the_whole_graph_was_followed(tmp_path):
    _fleet(tmp_path)
    # a kustomization no kustomization lists and no sync's path reaches, and a manifest no kustomization
    # lists beside ones the syncs deploy
    write(tmp_path, "apps/mi/orphan/kustomization.yaml", "resources: [../rbac/rbac.yaml]\n")
    write(tmp_path, "apps/mi/rbac/rbac.yaml", WORKLOAD.format(name="rbac", tag="1.0.0"))
    write(tmp_path, "apps/mi/app/ithc.yaml", WORKLOAD.format(name="app", tag="2.0.0"))
    found = _scan(tmp_path)
    orphan = found[("K8S012", "apps/mi/rbac/rbac.yaml")]
    assert (orphan.context, orphan.severity) == ("undeployed", Severity.MEDIUM)
    assert orphan.context_reason.startswith("no GitOps sync deploys it: only apps/mi/orphan/kustomization.yaml "
                                            "reaches it, which no kustomization lists and no sync's path reaches")
    unlisted = found[("K8S012", "apps/mi/app/ithc.yaml")]
    assert (unlisted.context, unlisted.severity) == ("undeployed", Severity.MEDIUM)
    assert unlisted.context_reason.startswith("no GitOps sync deploys it: no kustomization lists it, while the "
                                              "syncs deploy apps/mi/app/app.yaml beside it")
    assert found[("K8S012", "apps/mi/app/app.yaml")].severity is Severity.CRITICAL


def test_nothing_is_called_undeployed_when_a_bootstrap_path_cannot_be_resolved(tmp_path):
    _fleet(tmp_path, prod_cluster=False)
    write(tmp_path, "apps/mi/orphan/kustomization.yaml", "resources: [../rbac/rbac.yaml]\n")
    write(tmp_path, "apps/mi/rbac/rbac.yaml", WORKLOAD.format(name="rbac", tag="1.0.0"))
    write(tmp_path, "apps/mi/app/ithc.yaml", WORKLOAD.format(name="app", tag="2.0.0"))
    found = _scan(tmp_path)
    for path in ("apps/mi/rbac/rbac.yaml", "apps/mi/app/ithc.yaml"):
        assert (found[("K8S012", path)].context, found[("K8S012", path)].severity) == ("production", Severity.CRITICAL)


def test_nothing_is_called_undeployed_when_a_sync_is_applied_from_outside_the_repository(tmp_path):
    _fleet(tmp_path)
    # a second cluster whose bootstrap is not committed: its sync file is an entry point no sync leads back to
    write(tmp_path, "clusters/edge/apps.yaml", """\
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, namespace: flux-system}
        spec:
          path: ./apps/edge
          sourceRef: {kind: GitRepository, name: flux-system}
        """)
    write(tmp_path, "apps/edge/kustomization.yaml", "resources: [app.yaml]\n")
    write(tmp_path, "apps/edge/app.yaml", WORKLOAD.format(name="edge", tag="1.0.0"))
    write(tmp_path, "apps/mi/orphan/kustomization.yaml", "resources: [../rbac/rbac.yaml]\n")
    write(tmp_path, "apps/mi/rbac/rbac.yaml", WORKLOAD.format(name="rbac", tag="1.0.0"))
    found = _scan(tmp_path)
    for path in ("apps/mi/rbac/rbac.yaml", "apps/edge/app.yaml"):
        assert (found[("K8S012", path)].context, found[("K8S012", path)].severity) == ("production", Severity.CRITICAL)
