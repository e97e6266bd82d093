"""Vendored upstream bundles: recognised by name, labels, CRDs and folders; their objects
count as installed but are not audited as the repository's own; each bundle is reported once."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import pedantic
from auditui.checks.engine import Engine
from auditui.checks.models.vendored import ObjectInfo, recognise

FIXTURES = Path(__file__).parent / "fixtures" / "k8s" / "vendored-upstream-bundle"
FLUX = {"app.kubernetes.io/part-of": "flux", "app.kubernetes.io/version": "v2.3.0"}


def _objects(labels: dict, kinds=("Namespace", "ClusterRole", "Deployment"), images=()):
    return [ObjectInfo(kind, f"x{i}", None, labels, tuple(images) if kind == "Deployment" else ())
            for i, kind in enumerate(kinds)]


def test_recognised_bundles_and_their_versions():
    flux = recognise("clusters/prod/flux-system/gotk-components.yaml", _objects(FLUX))
    assert (flux.component, flux.version) == ("Flux", "v2.3.0")
    chart = recognise("istio/install.yaml", _objects({"helm.sh/chart": "istiod-1.29.1"}))
    assert (chart.component, chart.version) == ("Istio", "1.29.1")
    argo = recognise("argocd/install.yaml", _objects({"app.kubernetes.io/part-of": "argocd"},
                                                     images=["quay.io/argoproj/argocd:v2.10.1", "redis:7.0.14"]))
    assert (argo.component, argo.version) == ("Argo CD", "v2.10.1")  # the project's image, not redis's
    crds = recognise("crds.yaml", [ObjectInfo("CustomResourceDefinition", f"k{i}.monitoring.coreos.com", None, {})
                                   for i in range(4)])
    assert crds.component == "CRDs of monitoring.coreos.com"
    upstream = recognise("apps/katib/base/upstream/db.yaml", [ObjectInfo("Deployment", "db", None, {}, ("mysql:8.0",))])
    assert (upstream.component, upstream.version) == ("katib", None)


def test_the_teams_own_configuration_is_not_vendored():
    # an app label without an upstream version label; a chart of its own; too few objects;
    # nothing cluster-wide; GitOps declarations; a third-party/ folder of HelmReleases
    assert recognise("infra/traefik.yaml", _objects({"app": "traefik"})) is None
    assert recognise("deploy/shop.yaml", _objects({"helm.sh/chart": "shop-1.2.0"})) is None
    assert recognise("infra/cm.yaml", _objects(FLUX, kinds=("Namespace", "Deployment"))) is None
    assert recognise("infra/cm.yaml", _objects(FLUX, kinds=("Service", "Deployment", "ConfigMap"))) is None
    assert recognise("clusters/prod/flux-system/gotk-sync.yaml",
                     _objects(FLUX, kinds=("GitRepository", "Kustomization", "Namespace"))) is None
    assert recognise("components/third-party/cert-manager/helmRelease.yaml",
                     [ObjectInfo("HelmRelease", "cert-manager", "flux-system", {})]) is None
    assert recognise("components/third-party/issuers/issuer.yaml", [ObjectInfo("ClusterIssuer", "le", None, {})]) is None


def test_copies_are_reported_once_and_an_edit_that_makes_a_copy_the_teams_own_brings_its_findings_back(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "bad-flux-per-cluster", root)
    engine = Engine(root, pedantic())
    engine.scan()
    bundles = [f for f in engine.findings if f.code == "K8S081"]
    assert len(bundles) == 1 and "in 2 files across 2 folders" in bundles[0].message
    assert {f.path for f in engine.findings if f.code in ("K8S066", "K8S079", "K8S069")} == {"apps/rbac.yaml"}
    # the staging copy is edited into the team's own file (no upstream labels any more)
    copy = root / "clusters" / "staging" / "flux-system" / "gotk-components.yaml"
    own = root / "clusters" / "staging" / "flux-system" / "components.yaml"
    text = copy.read_text().replace("app.kubernetes.io/part-of: flux", "team: platform")
    own.write_text(text.replace("app.kubernetes.io/instance: flux-system", "team/instance: platform"))
    copy.unlink()
    engine.update([copy, own])
    assert {f.path for f in engine.findings if f.code == "K8S079"} == {"clusters/staging/flux-system/components.yaml"}
    fresh = Engine(root, pedantic())
    fresh.scan()
    assert sorted(f.fingerprint for f in engine.findings) == sorted(f.fingerprint for f in fresh.findings)
