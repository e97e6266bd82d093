"""A file of chart releases says that the charts' templates are not rendered (scope truth)."""

from __future__ import annotations

from auditui.checks.parse import parse_text

RELEASES = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: radarr
spec:
  chartRef:
    kind: OCIRepository
    name: app-template
  values:
    controllers:
      radarr:
        containers:
          app:
            image:
              repository: ghcr.io/home-operations/radarr
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cert-manager
spec:
  chart:
    spec:
      chart: cert-manager
      version: v1.16.2
      sourceRef:
        kind: HelmRepository
        name: jetstack
"""

ARGO = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ingress-nginx
spec:
  source:
    repoURL: https://kubernetes.github.io/ingress-nginx
    chart: ingress-nginx
    targetRevision: 4.11.3
  destination:
    namespace: ingress-nginx
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: apps
spec:
  source:
    repoURL: https://github.com/example/gitops
    path: apps
    targetRevision: v1.2.0
"""


def _notices(rel: str, text: str) -> list[str]:
    return [n for n in parse_text(rel, text).notices if "chart templates not rendered" in n]


def test_a_file_of_helm_releases_gets_one_notice_naming_each_release():
    notices = _notices("apps/media/release.yaml", RELEASES)
    assert len(notices) == 1
    assert "HelmRelease/radarr" in notices[0] and "HelmRelease/cert-manager" in notices[0]
    assert "inline values are" in notices[0]


def test_an_argo_application_of_a_chart_is_named_and_one_of_a_git_path_is_not():
    notices = _notices("argocd/apps.yaml", ARGO)
    assert len(notices) == 1
    assert "Application/ingress-nginx" in notices[0] and "Application/apps" not in notices[0]


def test_many_releases_are_shown_three_and_counted():
    many = "\n---\n".join(RELEASES.split("---\n")[1].replace("cert-manager\nspec", f"r{i}\nspec", 1)
                          for i in range(5))
    notices = _notices("apps/many.yaml", many)
    assert len(notices) == 1 and "and 2 more" in notices[0]


def test_a_file_without_releases_gets_no_such_notice():
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  chart: cert-manager\n"
    assert _notices("deploy/cm.yaml", config_map) == []
