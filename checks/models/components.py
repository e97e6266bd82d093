"""Third-party components a repository installs, and what they provide.

One answer, for every check, to three questions:

* *Which component is this?* A chart name (``kube-prometheus-stack``), an OCI or Helm
  repository URL (``oci://quay.io/jetstack/charts/cert-manager``), a Kustomize remote
  resource or a release manifest URL
  (``https://github.com/cert-manager/cert-manager/releases/download/v1.15.3/cert-manager.yaml``)
  all name one: :func:`component_names`.
* *What does it provide?* Well-known components provide monitoring, alerting, backups,
  certificates or policies whatever the files of this repository show
  (:func:`provides`).  A Helm chart installed from this repository holds templates
  auditui does not render, so "no backup anywhere" is only true of the files it reads.
* *Does this version or Git reference move?* A chart version range or ``*``, a Git
  branch (``master``, ``main``, ``HEAD``), a release URL under ``latest``:
  :func:`version_floats`, :func:`git_ref_floats`, :func:`remote_ref`.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qs, urlsplit

#: capability -> component names that provide it (chart names, repository names, manifest stems)
CAPABILITIES: dict[str, frozenset[str]] = {
    "monitoring": frozenset({
        "kube-prometheus-stack", "kube-prometheus", "prometheus", "prometheus-operator",
        "prometheus-operator-crds", "prometheus-agent", "victoria-metrics-k8s-stack",
        "victoria-metrics-single", "victoria-metrics-cluster", "victoria-metrics-agent",
        "victoria-metrics-operator", "vmagent", "grafana", "grafana-agent", "grafana-agent-operator",
        "alloy", "k8s-monitoring", "mimir-distributed", "thanos", "cortex", "datadog",
        "datadog-operator", "newrelic-bundle", "nri-bundle", "newrelic-infrastructure",
        "dynatrace-operator", "signoz", "netdata", "opentelemetry-collector", "opentelemetry-operator",
        "opentelemetry-kube-stack", "elastic-agent", "zabbix", "checkmk", "gatus", "uptime-kuma",
        "sumologic", "splunk-otel-collector", "coroot", "coroot-operator", "instana-agent",
        "honeycomb", "vmks", "vm-k8s-stack",
    }),
    "alerting": frozenset({
        # kube-prometheus(-stack) and the prometheus chart ship Alertmanager and alert rules
        "kube-prometheus-stack", "kube-prometheus", "prometheus", "alertmanager",
        "victoria-metrics-k8s-stack", "victoria-metrics-alert", "vm-k8s-stack", "vmks",
        "mimir-distributed", "datadog", "datadog-operator", "newrelic-bundle", "nri-bundle",
        "dynatrace-operator", "signoz", "gatus", "uptime-kuma", "zabbix", "checkmk",
        "grafana-oncall", "karma", "coroot", "coroot-operator",
    }),
    "cert-manager": frozenset({"cert-manager"}),
    "backup": frozenset({
        "velero", "k8up", "stash", "kubestash", "kanister", "kanister-operator", "volsync",
        "k8s-backup", "cloudnative-pg-backup", "plugin-barman-cloud", "barman-cloud",
        "pgbackrest", "wal-g", "kopia", "restic", "borgmatic", "postgres-backup-local",
        "postgres-backup-s3", "mysql-backup", "mysql-backup-s3", "db-backup", "databasus",
        "backube", "gemini", "longhorn-backup", "trilio", "kasten", "k10",
    }),
}

#: well-known infrastructure components that provide none of the capabilities above (an
#: install of one is no unread place where a backup or an alert rule could hide)
INFRASTRUCTURE = frozenset({
    "ingress-nginx", "nginx-ingress", "traefik", "haproxy-ingress", "contour", "envoy-gateway", "gateway-helm",
    "kong", "emissary-ingress", "istio", "istiod", "istio-base", "gateway", "linkerd", "linkerd-control-plane",
    "linkerd-crds", "cilium", "calico", "tigera-operator", "flannel", "multus", "metallb", "kube-vip", "coredns",
    "external-dns", "metrics-server", "reloader", "stakater-reloader", "descheduler", "kured",
    "node-feature-discovery", "nvidia-device-plugin", "gpu-operator", "sealed-secrets", "external-secrets",
    "external-secrets-operator", "vault", "vault-secrets-operator", "kyverno", "kyverno-policies", "gatekeeper",
    "argo-cd", "argocd", "argocd-apps", "argocd-image-updater", "argo-workflows", "argo-events", "argo-rollouts",
    "flux2", "flux", "flux-operator", "flux-instance", "weave-gitops", "keda", "cluster-autoscaler", "karpenter",
    "aws-load-balancer-controller", "aws-ebs-csi-driver", "aws-efs-csi-driver", "csi-driver-nfs",
    "csi-driver-smb", "snapshot-controller", "external-snapshotter", "local-path-provisioner",
    "nfs-subdir-external-provisioner", "democratic-csi", "spegel", "cloudflared", "tailscale-operator",
    "oauth2-proxy", "dex", "authelia", "authentik", "keycloak", "kube-state-metrics", "prometheus-node-exporter",
    "loki", "promtail", "fluent-bit", "fluentd", "vector", "tempo", "jaeger", "headlamp", "kubernetes-dashboard",
    "trust-manager", "cert-manager-webhook-ovh", "cert-manager-csi-driver", "system-upgrade-controller",
    "intel-device-plugins-operator", "generic-device-plugin", "multus-cni", "whereabouts", "cluster-api",
    "crossplane", "capsule", "vcluster", "ingress-nginx-controller",
})


def is_known(name: str) -> bool:
    """A component whose capabilities the catalog knows (all of them, or none)."""
    text = normalize(name)
    return text in INFRASTRUCTURE or any(text in names for names in CAPABILITIES.values())


#: words in a component name that say it takes backups (``postgres-backup``, ``mariadb-dump``)
_BACKUP_WORD_RE = re.compile(r"(^|[-_.])(backups?|dump|snapshots?)($|[-_.])", re.IGNORECASE)

_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_VERSION_SEGMENT_RE = re.compile(r"^v?\d+(\.\d+)*([-+.][0-9A-Za-z.-]+)?$")
_HEX_RE = re.compile(r"^[0-9a-f]{7,64}$", re.IGNORECASE)
#: Git references that follow a branch rather than name one commit
MOVING_REFS = frozenset({
    "master", "main", "head", "develop", "development", "dev", "trunk", "stable", "latest",
    "release", "edge", "nightly", "next", "default",
})


def normalize(name: str) -> str:
    """A component name as the catalog spells it: lower case, no ``.git``, no version suffix."""
    text = name.strip().lower()
    if text.endswith(".git"):
        text = text[:-4]
    for suffix in (".yaml", ".yml", ".json"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def component_names(reference: str) -> tuple[str, ...]:
    """Names a chart, repository URL or manifest URL may be known by (most specific first).

    ``bitnami/postgresql`` and ``oci://registry-1.docker.io/bitnamicharts/postgresql``
    give ``postgresql``; ``github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2``
    gives ``argo-cd`` and ``cluster-install``; a release manifest
    ``.../cert-manager/cert-manager/releases/download/v1.15.3/cert-manager.yaml`` gives
    ``cert-manager``.
    """
    text = reference.strip()
    if not text:
        return ()
    if text.startswith("git::"):
        text = text[5:]
    if text.startswith("git@") and ":" in text:  # git@github.com:org/repo.git//path
        text = "ssh://" + text[4:].replace(":", "/", 1)
    if not _SCHEME_RE.match(text) and re.match(r"^[\w.-]+\.[a-z]{2,}/", text):
        text = "https://" + text  # github.com/org/repo//path
    if not _SCHEME_RE.match(text):
        last = text.rstrip("/").rsplit("/", 1)[-1]
        return (normalize(last),) if last else ()
    parts = urlsplit(text)
    path = parts.path
    repo_path, _, sub = path.partition("//")
    segments = [s for s in repo_path.split("/") if s]
    names: list[str] = []
    host = parts.netloc.lower()
    if host in ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org") and len(segments) >= 2:
        repo = segments[1]
        if "releases" in segments[2:] or sub:
            names.append(normalize(repo))
        tail = [s for s in (sub.split("/") if sub else segments[2:]) if s]
        for segment in reversed(tail):
            if segment in ("releases", "download", "tree", "blob", "raw", "latest") or _VERSION_SEGMENT_RE.match(segment):
                continue
            names.append(normalize(segment))
            break
        if repo not in names:
            names.append(normalize(repo))
    elif host == "raw.githubusercontent.com" and len(segments) >= 3:
        stem = normalize(segments[-1])
        names.extend([stem, normalize(segments[1])] if len(segments) > 3 else [normalize(segments[1])])
    else:
        for segment in reversed(segments):
            if _VERSION_SEGMENT_RE.match(segment) or segment in ("download", "releases", "latest", "charts"):
                continue
            names.append(normalize(segment.split(":", 1)[0]))
            break
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)


def provides(names, capability: str) -> bool:
    """Does a component known by any of ``names`` provide ``capability``?"""
    known = CAPABILITIES.get(capability, frozenset())
    for name in names:
        text = normalize(str(name))
        if text in known:
            return True
        if capability == "backup" and _BACKUP_WORD_RE.search(text):
            return True
        if capability == "cert-manager" and text == "cert-manager":
            return True
    return False


# -- versions and references that move ----------------------------------------

_RANGE_CHARS = ("^", "~", ">", "<", "*", "||", " x", ".x", ".X", "!=")


def version_floats(version) -> str | None:
    """Why a chart version (a Helm semver constraint) matches more than one release, or None.

    ``None``/empty means "the newest"; ``*``, ``>=1.2``, ``^1.2``, ``~1.2``, ``1.x`` and
    ``1.2 - 1.4`` are ranges; ``1`` or ``1.2`` (fewer than three numbers) match every
    patch release.  Exact versions (``1.2.3``, ``v1.2.3``, ``1.2.3-rc.1``) do not move.
    """
    if version is None or isinstance(version, bool):
        return "no version: the newest release is installed"
    text = str(version).strip()
    if not text:
        return "no version: the newest release is installed"
    if "{{" in text or text.startswith("$"):
        return None  # set by a template or a substitution we cannot read
    if text in ("*", "x", "X", "latest"):
        return f"version {text!r} takes whatever is newest"
    if any(mark in text for mark in _RANGE_CHARS) or re.search(r"\s-\s", text) or "," in text:
        return f"version {text!r} is a range"
    core = text[1:] if text[:1] in ("v", "V", "=") else text
    core = core.split("-", 1)[0].split("+", 1)[0]
    numbers = core.split(".")
    if all(n.isdigit() for n in numbers) and len(numbers) < 3:
        return f"version {text!r} matches every {text}.x release"
    return None


def git_ref_floats(ref) -> str | None:
    """Why a Git reference follows a branch (None when it names a tag, a version or a commit).

    Only branch names known to move (``master``, ``main``, ``HEAD``, ``develop``, ``stable``,
    ``latest``...) and an empty reference are reported: other names may be tags.
    """
    if ref is None:
        return "no reference: the default branch is tracked"
    text = str(ref).strip()
    if not text:
        return "no reference: the default branch is tracked"
    if "{{" in text or text.startswith("$"):
        return None
    lower = text.lower()
    for prefix in ("refs/heads/", "origin/"):
        if lower.startswith(prefix):
            return f"branch {text!r}"
    if lower == "head":
        return "HEAD moves with every commit"
    if lower == "latest":
        return "'latest' follows the newest release"
    if lower in MOVING_REFS:
        return f"branch {text!r} moves with every commit"
    return None


def remote_ref(url: str) -> tuple[str | None, bool]:
    """(reference, known) of a remote resource URL: the ``?ref=``/``?version=``, or the Git
    reference inside a raw or release-download URL.  ``known`` is False when the URL carries
    no reference at all (a Git URL then follows the default branch)."""
    text = url.strip()
    if text.startswith("git::"):
        text = text[5:]
    if text.startswith("git@"):
        text = "ssh://" + text[4:].replace(":", "/", 1)
    if not _SCHEME_RE.match(text) and re.match(r"^[\w.-]+\.[a-z]{2,}/", text):
        text = "https://" + text
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    for key in ("ref", "version"):
        if query.get(key):
            return query[key][0], True
    segments = [s for s in parts.path.split("/") if s]
    host = parts.netloc.lower()
    if host == "raw.githubusercontent.com" and len(segments) >= 3:
        if segments[2] == "refs" and len(segments) >= 5:
            return segments[4], True  # refs/heads/main/... or refs/tags/v1/...
        return segments[2], True
    if host in ("github.com", "gitlab.com") and len(segments) >= 4:
        if segments[2] == "releases":
            if segments[3] == "latest":
                return "latest", True
            if segments[3] == "download" and len(segments) >= 5:
                return segments[4], True
        if segments[2] in ("raw", "blob", "tree", "-") and len(segments) >= 4:
            index = 4 if segments[2] == "-" else 3
            if index < len(segments):
                return segments[index], True
    return None, False


def remote_ref_floats(url: str) -> str | None:
    """Why a remote Kustomize resource or manifest URL does not pin one version (None if it does)."""
    ref, known = remote_ref(url)
    if not known:
        if is_git_url(url):
            return "no ?ref=: the repository's default branch is read"
        path = urlsplit(url.strip()).path
        if any(_VERSION_SEGMENT_RE.match(s) and any(c.isdigit() for c in s) for s in path.split("/") if s):
            return None  # a versioned path (…/v1.2.3/install.yaml)
        return None  # an HTTP file whose version auditui cannot tell: not judged
    if ref is not None and (_HEX_RE.match(ref) or _VERSION_SEGMENT_RE.match(ref)):
        return None
    return git_ref_floats(ref)


def is_git_url(url: str) -> bool:
    """A Kustomize remote *directory* (a Git repository), as opposed to an HTTP file."""
    text = url.strip()
    if text.startswith(("git::", "git@", "ssh://", "git://")):
        return True
    lower = text.lower()
    if lower.endswith((".yaml", ".yml", ".json")) or "raw.githubusercontent.com" in lower or "/releases/download/" in lower:
        return False
    if "/raw/" in lower or "/-/raw/" in lower:
        return False
    host = urlsplit(text if _SCHEME_RE.match(text) else "https://" + text).netloc.lower()
    return host in ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org") or "//" in urlsplit(
        text if _SCHEME_RE.match(text) else "https://" + text).path or bool(re.search(r"\.git($|[/?])", lower))


_HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|io|org|net|dev|cloud|sh|ai|co|xyz|app)$")


def is_remote(entry: str) -> bool:
    """A Kustomize resource that lives outside the repository (a URL or a Git address).

    ``github.com/org/repo//path`` starts with a host; ``config.d/file.yaml`` is a folder.
    """
    text = entry.strip()
    if not text or text.startswith((".", "/")):
        return False
    if _SCHEME_RE.match(text) or text.startswith(("git@", "git::")):
        return True
    head = text.split("/", 1)[0].lower()
    return "/" in text and bool(_HOST_RE.match(head))


def short_url(url: str, limit: int = 90) -> str:
    """A URL shortened for a message (its credentials, if any, are scrubbed by the API)."""
    text = url.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def basename_of(path: str) -> str:
    return posixpath.basename(path.rstrip("/"))
