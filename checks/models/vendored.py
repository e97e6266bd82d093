"""Vendored upstream bundles: a controller's own install manifest copied into the repository.

Flux's ``gotk-components.yaml``, cert-manager's or Argo CD's install YAML, ingress-nginx's
``deploy.yaml``, kube-prometheus manifests, operator and CRD bundles are the vendor's
choices, often committed once per environment.  Their cluster-wide RBAC and missing probes
are not the team's findings, and one copy per folder must not multiply anything.

A file of Kubernetes documents is a vendored bundle (:func:`recognise`) when

* it is Flux's install manifest (``gotk-components.yaml`` with Flux's labels);
* most of its objects carry the labels of one upstream project
  (``app.kubernetes.io/part-of: argocd``, ``app.kubernetes.io/name: cert-manager``,
  ``helm.sh/chart: istiod-1.29.1``...) and it installs something cluster-wide (a
  CustomResourceDefinition, a ClusterRole or binding, a Namespace, a webhook);
* it is made of CustomResourceDefinitions (a CRD bundle); or
* it sits in a folder that says so (``upstream/``, ``vendor/``, ``third_party/``).

Its objects still count as evidence (cert-manager is installed, a Prometheus runs), but
they are not the repository's own configuration: the file gets the ``vendored`` context
(context.py), whose findings only the ``auditor`` persona shows, as information.
What the repository changes (Kustomize patches, HelmRelease values, its own manifests
beside the bundle) is audited as usual.  Each bundle is reported once, as information,
with its version and the folders it was copied to (K8S081).
"""

from __future__ import annotations

import hashlib
import posixpath
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .images import parse_image

#: upstream projects recognised by their labels: label value -> how messages name the project
UPSTREAM: dict[str, str] = {
    "flux": "Flux", "flux-system": "Flux",
    "argocd": "Argo CD", "argo-cd": "Argo CD", "argo-rollouts": "Argo Rollouts",
    "argo-workflows": "Argo Workflows", "argo-events": "Argo Events",
    "cert-manager": "cert-manager", "ingress-nginx": "ingress-nginx",
    "kube-prometheus": "kube-prometheus", "prometheus-operator": "prometheus-operator",
    "kube-state-metrics": "kube-state-metrics", "metrics-server": "metrics-server",
    "metallb": "MetalLB", "longhorn": "Longhorn",
    "knative-serving": "Knative Serving", "knative-eventing": "Knative Eventing",
    "istio": "Istio", "istiod": "Istio", "tekton-pipelines": "Tekton Pipelines",
    "tekton-triggers": "Tekton Triggers", "tekton-dashboard": "Tekton Dashboard",
    "kyverno": "Kyverno", "gatekeeper": "OPA Gatekeeper", "external-secrets": "External Secrets",
    "sealed-secrets": "Sealed Secrets", "velero": "Velero", "traefik": "Traefik", "contour": "Contour",
    "tigera-operator": "Calico (Tigera operator)", "calico": "Calico", "cilium": "Cilium",
    "kubernetes-dashboard": "Kubernetes Dashboard", "cluster-autoscaler": "Cluster Autoscaler",
    "external-dns": "ExternalDNS", "keda": "KEDA", "linkerd": "Linkerd",
    "opentelemetry-operator": "OpenTelemetry Operator", "jaeger-operator": "Jaeger Operator",
    "strimzi": "Strimzi", "cloudnative-pg": "CloudNativePG", "rook-ceph": "Rook Ceph",
    "local-path-provisioner": "local-path-provisioner", "crossplane": "Crossplane", "kubevirt": "KubeVirt",
    "secrets-store-csi-driver": "Secrets Store CSI Driver", "aws-load-balancer-controller": "AWS Load Balancer Controller",
    "aws-ebs-csi-driver": "AWS EBS CSI driver", "kube-vip": "kube-vip", "envoy-gateway": "Envoy Gateway",
    "kserve": "KServe", "spark-operator": "Spark Operator", "trivy-operator": "Trivy Operator",
    "descheduler": "Descheduler", "vertical-pod-autoscaler": "Vertical Pod Autoscaler",
    "mariadb-operator": "mariadb-operator", "minio-operator": "MinIO Operator", "cluster-api": "Cluster API",
    "snapshot-controller": "CSI snapshot controller", "reloader": "Reloader", "dex": "Dex",
    "nfs-subdir-external-provisioner": "NFS subdir provisioner", "vault-secrets-operator": "Vault Secrets Operator",
}
#: labels that name the project an object belongs to on their own
PROJECT_LABELS = ("app.kubernetes.io/part-of", "helm.sh/chart")
#: labels that name it when the object also carries ``app.kubernetes.io/version`` (as upstream
#: manifests do; a team's own ``app: traefik`` does not make its manifests the vendor's)
NAME_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/instance", "app", "k8s-app")
#: kinds that install something cluster-wide: a bundle has at least one
INSTALL_KINDS = frozenset({
    "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Namespace",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
})
#: folders that hold someone else's files (``third-party/`` often holds the team's own
#: HelmReleases and values for third-party components, so it is not one of them)
VENDOR_FOLDERS = frozenset({"upstream", "vendor", "vendored"})
#: GitOps declarations are always the team's: how it installs and configures things
GITOPS_KINDS = frozenset({
    "HelmRelease", "Kustomization", "GitRepository", "HelmRepository", "OCIRepository", "Bucket",
    "Application", "ApplicationSet", "AppProject", "ImageUpdateAutomation", "ImagePolicy", "ImageRepository",
})
#: folder names that say nothing about what a component is called
_GENERIC_FOLDERS = frozenset({"base", "overlays", "common", "components", "manifests", "deploy", "config",
                              "install", "kustomize", "k8s", "kubernetes", "resources", "default"})
#: file names of install manifests a controller generates
_KNOWN_FILES = {"gotk-components.yaml": "Flux", "gotk-components.yml": "Flux"}


def _version_char(c: str) -> bool:
    return c.isalnum() or c in "_.+-"


def split_chart_version(text: str) -> tuple[str, str] | None:
    """(name, version) of a ``helm.sh/chart`` label: ``istiod-1.29.1`` -> (``istiod``, ``1.29.1``),
    ``cert-manager-v1.14.4`` -> (``cert-manager``, ``1.14.4``); the version is the longest tail
    after a ``-`` (and an optional ``v``) that starts with a digit and holds only word characters,
    dots, ``+`` and ``-``.  Two linear scans (a regex with a lazy name rescans the tail at every ``-``)."""
    core = text[:-1] if text.endswith("\n") else text
    if "\n" in core:
        return None
    valid_from = len(core)  # core[valid_from:] holds only version characters
    while valid_from > 0 and _version_char(core[valid_from - 1]):
        valid_from -= 1
    for i in range(1, len(core) - 1):
        if core[i] != "-":
            continue
        j = i + 2 if core[i + 1] == "v" else i + 1
        if j < len(core) and core[j].isdecimal() and j + 1 >= valid_from:
            return core[:i], core[j:]
    return None


@dataclass(frozen=True)
class ObjectInfo:
    """What recognition needs of one object."""

    kind: str
    name: str
    namespace: str | None
    labels: dict
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bundle:
    component: str
    version: str | None
    #: why the file is taken for a vendored bundle, for messages
    reason: str
    #: ``Kind/name`` of its objects (repository findings about them are dropped)
    resources: tuple[str, ...]
    #: identical bundles (the same objects at the same version) share it, wherever they are copied
    signature: str


def _project(value: object) -> str | None:
    text = str(value or "").strip().lower()
    if text in UPSTREAM:
        return text
    chart = split_chart_version(text)  # helm.sh/chart: istiod-1.29.1
    if chart and chart[0] in UPSTREAM:
        return chart[0]
    return None


def projects_of(labels: dict) -> set[str]:
    """Upstream projects an object's labels name."""
    keys = PROJECT_LABELS + (NAME_LABELS if labels.get("app.kubernetes.io/version") else ())
    return {p for key in keys if (p := _project(labels.get(key))) is not None}


def _version(objects: list[ObjectInfo], project: str | None) -> str | None:
    versions = Counter(str(o.labels["app.kubernetes.io/version"]).strip() for o in objects
                       if o.labels.get("app.kubernetes.io/version"))
    if versions:
        return versions.most_common(1)[0][0]
    for obj in objects:
        chart = split_chart_version(str(obj.labels.get("helm.sh/chart") or "").strip())
        if chart:
            return chart[1]
    # the project's own image (ghcr.io/fluxcd/source-controller:v1.3.0), never a database it runs
    tags = [parse_image(image) for obj in objects for image in obj.images]
    for ref in tags:
        if project and project.split("-")[0] in ref.repository.lower() and ref.tag and not ref.templated:
            return ref.tag
    return None


def recognise(path: str, objects: Iterable[ObjectInfo]) -> Bundle | None:
    """The vendored bundle this file is, or None when it is the repository's own configuration."""
    items = list(objects)
    if not items or any(obj.kind in GITOPS_KINDS for obj in items):
        return None
    name = posixpath.basename(path).lower()
    folders = {part.lower() for part in path.split("/")[:-1]}
    counts = Counter(project for obj in items for project in projects_of(obj.labels))
    top, hits = counts.most_common(1)[0] if counts else (None, 0)
    installs = any(obj.kind in INSTALL_KINDS for obj in items)
    crds = sum(obj.kind == "CustomResourceDefinition" for obj in items)
    component = reason = None
    if name in _KNOWN_FILES and (top in ("flux", "flux-system") or not counts):
        component, reason = _KNOWN_FILES[name], f"{_KNOWN_FILES[name]}'s generated install manifest ({name})"
    elif top is not None and len(items) >= 3 and installs and hits * 10 >= len(items) * 6:
        component = UPSTREAM[top]
        reason = f"{hits} of its {len(items)} objects carry the labels of {component}"
    elif crds >= 3 and crds * 10 >= len(items) * 8:
        groups = Counter(obj.name.split(".", 1)[1] for obj in items
                         if obj.kind == "CustomResourceDefinition" and "." in obj.name)
        group = groups.most_common(1)[0][0] if groups else "custom resources"
        component = UPSTREAM[top] if top else f"CRDs of {group}"
        reason = f"a bundle of {crds} CustomResourceDefinitions"
    elif folders & VENDOR_FOLDERS:
        parts = path.split("/")
        at = next(i for i, part in enumerate(parts[:-1]) if part.lower() in VENDOR_FOLDERS)
        # upstream/ names what is above it (katib/upstream); vendor/ what is below (vendor/dex)
        around = reversed(parts[:at]) if parts[at].lower() == "upstream" else iter(parts[at + 1:-1])
        owner = next((part for part in around if part.lower() not in _GENERIC_FOLDERS), parts[at])
        component = UPSTREAM[top] if top else owner
        reason = f"it sits in the {parts[at]}/ folder"
    if component is None or reason is None:
        return None
    version = _version(items, top)
    resources = tuple(f"{obj.kind}/{obj.name}" for obj in items)
    digest = hashlib.blake2b(repr((component, version, sorted((o.kind, o.namespace or "", o.name) for o in items)))
                             .encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return Bundle(component, version, reason, resources, digest)


def covers(resources: Iterable[str], resource: str) -> bool:
    """Is a finding's resource (``ClusterRole/x``, ``Deployment/x/container/y``) one of the bundle's objects?"""
    head = "/".join(resource.split("/")[:2])
    return head in set(resources)


# -- an upstream project's default RBAC, wherever it is copied ---------------------------------


@dataclass(frozen=True)
class UpstreamGrant:
    """A grant an upstream project's own role ships by default: the vendor's choice, not the team's."""

    component: str
    #: core resources the vendor's role reads by default
    resources: frozenset[str]
    #: what the project does with them, for messages
    why: str
    #: how to trim it when it is not used
    fix: str


#: projects whose upstream role reads something sensitive by default (a read-only exporter's role)
UPSTREAM_GRANTS: dict[str, UpstreamGrant] = {
    "kube-state-metrics": UpstreamGrant(
        "kube-state-metrics", frozenset({"secrets"}),
        "its secrets collector lists every Secret (values included) to export their metadata "
        "(kube_secret_info, kube_secret_type, kube_secret_labels)",
        "trim 'secrets' from the role and from its --resources flag if you do not use the kube_secret_* metrics"),
}
#: labels that say which component an object belongs to (upstream labels, and kube-prometheus'
#: or a team's own ``component``/``k8s-app``)
_COMPONENT_LABELS = ("app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/instance",
                     "app", "k8s-app", "component")
#: write verbs an exporter's role may hold: delegating authentication and authorisation checks
#: (kube-rbac-proxy in front of its metrics port)
_DELEGATION = frozenset({"tokenreviews", "subjectaccessreviews"})


def upstream_grant(name: str, labels: dict, rules: Iterable[dict]) -> UpstreamGrant | None:
    """The upstream default a role's Secrets access is, when the role is a known project's own
    (its name, or a Helm release's ``<release>-<project>``, or a component label names the project)
    and keeps the project's shape: read-only (get/list/watch) apart from token and access reviews.
    A role of that name that writes anything else is the team's own, judged as written."""
    name = str(name or "").strip().lower()
    named = {str(labels.get(key) or "").strip().lower() for key in _COMPONENT_LABELS}
    project = next((p for p in UPSTREAM_GRANTS if name == p or name.endswith(f"-{p}") or p in named), None)
    if project is None:
        return None
    for rule in rules:
        verbs = {str(v).lower() for v in rule.get("verbs") or ()}
        resources = {str(r).lower() for r in rule.get("resources") or ()}
        if verbs <= {"get", "list", "watch"}:
            continue
        if verbs == {"create"} and resources and resources <= _DELEGATION:
            continue
        return None
    return UPSTREAM_GRANTS[project]
