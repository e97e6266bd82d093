"""The system inventory: what the repository runs, where, and how mature each area is.

Every audit report opens with one.  :func:`build` reads the facts index (no file is read
again) and returns an :class:`Inventory` of areas (IaC, runtime, workloads, data stores,
caches and queues, ingress/TLS/DNS, CI/CD, registries, observability, secrets, backups),
each a list of :class:`Item` (what, where: ``path:line``, the file's context, details, a
maturity) and a verdict for the area, tied to the production-readiness areas of
:mod:`.readiness` (their marks come from the findings when the caller passes the checklist).

Verdicts never claim an absence auditui did not verify: when something the repository
installs from elsewhere (an unrendered Helm chart, a remote Kustomize base, a remote
Terraform module) could hold what an area lacks, the area is **not verified** and names them.

Sources are small functions that yield items for any area (:data:`SOURCES`); Terraform's
``tf:resource`` facts add rows through :data:`TF_CATEGORIES` alone.  Strings from the
repository are kept as data here; renderers make them inert (:mod:`.report.inventory`).
"""

from __future__ import annotations

import enum
import posixpath
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .context import Context, FileContext
from .context import context_of as _context_of
from .context import uses as _uses
from .facts import RepoIndex
from .models.base import FileKind
from .models.components import CAPABILITIES, component_names, normalize
from .models.datastore import SYSTEMS_OF_RECORD, Role, classify, role_of
from .models.images import DATABASE_IMAGES, is_moving_tag, parse_image
from .models.k8s.operators import OPERATOR_STORE_KINDS, OPERATOR_STORES
from .models.topics import (
    CI,
    CODE_ENV_READ,
    COMPOSE_SERVICE,
    DOCKER_BASE,
    ENV_KEY,
    GITOPS_PLACEHOLDER_SECRET,
    GITOPS_SYNC,
    HELM_CHART,
    IAC,
    INSTALL,
    KUSTOMIZATION,
    KUSTOMIZE_DETAILS,
    KUSTOMIZE_IMAGES,
    SHELL_BACKUP,
    SHELL_CLOUD,
    SHELL_DEPLOY,
    SHELL_OFFSITE,
    SHELL_RETENTION,
    TF_BACKEND,
    TF_FILE,
    TF_MODULE_CALL,
    TF_RESOURCE,
    WORKFLOW,
    WORKFLOW_IMAGE_BUILD,
    WORKLOAD_IMAGE,
    WORKLOAD_POD,
)
from .scope import unaudited_infrastructure, unseen


class Maturity(str, enum.Enum):
    PRESENT = "present"
    PARTIAL = "partial"
    ABSENT = "absent"
    NOT_VERIFIED = "not verified"
    NA = "n/a"


@dataclass(frozen=True)
class AreaSpec:
    id: str
    title: str
    #: the production-readiness areas (``readiness.AREAS`` ids) this area bears on
    readiness: tuple[str, ...]
    question: str


AREA_SPECS: tuple[AreaSpec, ...] = (
    AreaSpec("iac", "Infrastructure as code", ("deployment",), "Is the infrastructure described in code?"),
    AreaSpec("runtime", "Runtime and orchestration", ("deployment", "resources"), "What runs the services?"),
    AreaSpec("workloads", "Workloads and images", ("runtime-hardening", "resources", "supply-chain"),
             "Which services run, from which images?"),
    AreaSpec("datastores", "Data stores", ("database-ha", "backup-dr"),
             "Which databases hold state, and are they persistent, replicated and backed up?"),
    AreaSpec("caches-queues", "Caches and queues", ("database-ha",), "Which caches, brokers and indexes run?"),
    AreaSpec("ingress", "Ingress, TLS and DNS", ("tls", "network-policy"), "How does traffic reach the services?"),
    AreaSpec("cicd", "CI/CD and deploy targets", ("ci-cd", "deployment"), "What builds, tests and deploys?"),
    AreaSpec("registries", "Registries", ("supply-chain",), "Where do images come from and go to?"),
    AreaSpec("observability", "Observability", ("monitoring", "alerting"),
             "What collects metrics, alerts, logs, traces and errors?"),
    AreaSpec("secrets", "Secrets management", ("secrets",), "How do secrets reach the services?"),
    AreaSpec("backups", "Backups and DR", ("backup-dr",), "What backs up the data, and where do backups go?"),
)
AREA_IDS = tuple(spec.id for spec in AREA_SPECS)


@dataclass(frozen=True)
class Item:
    """One thing of the inventory, found at ``path:line``."""

    area: str
    kind: str
    name: str
    path: str
    line: int | None = None
    context: str = Context.PRODUCTION.value
    details: str = ""
    maturity: Maturity = Maturity.PRESENT
    #: why the maturity (empty when there is nothing to say)
    why: str = ""
    #: a sub-kind the area's verdict reads (``metrics``, ``alerting``, ``database``...)
    tag: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def production(self) -> bool:
        return self.context == Context.PRODUCTION.value


@dataclass(frozen=True)
class ReadinessMark:
    id: str
    title: str
    mark: str


@dataclass(frozen=True)
class Area:
    spec: AreaSpec
    items: tuple[Item, ...]
    maturity: Maturity
    why: str
    #: what auditui did not read that could hold more of this area
    unseen: tuple[str, ...] = ()
    readiness: tuple[ReadinessMark, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title


@dataclass(frozen=True)
class Inventory:
    areas: tuple[Area, ...]

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def items(self) -> list[Item]:
        return [item for area in self.areas for item in area.items]

    def paths(self) -> set[str]:
        return {item.path for item in self.items() if item.path and item.path != "."}


ContextOf = Callable[[str], FileContext]


@dataclass
class _Ctx:
    index: RepoIndex
    context_of: ContextOf
    #: production data stores (names), for the backups verdict
    stores: list[str] = field(default_factory=list)
    #: readiness area id -> mark (PASS, PARTIAL, FAIL, N/A), when the caller gave the checklist
    marks: dict[str, str] = field(default_factory=dict)
    #: files with secret findings (None: no findings given, every Secret manifest counts as values in git)
    secret_paths: set[str] | None = None

    def secrets_in(self, path: str) -> bool:
        return self.secret_paths is None or path in self.secret_paths

    def first(self, paths: Iterable[str]) -> str:
        """The path a group of files is shown at: its first production file, else its first file."""
        ordered = sorted(paths)
        return next((p for p in ordered if self.context_of(p).production), ordered[0])

    def item(self, area: str, kind: str, name: object, path: str, line: int | None = None, **kw) -> Item:
        where = self.context_of(path) if path and path != "." else FileContext(Context.PRODUCTION)
        return Item(area, kind, str(name), path, line, where.context.value, **kw)


# -- vocabulary --------------------------------------------------------------------------------

#: image names (last path component) -> (area, sub-kind) for components that are not workloads of their own
_IMAGE_SIGNALS: dict[str, tuple[str, str]] = {
    **{name: ("observability", "metrics") for name in (
        "prometheus", "grafana", "grafana-agent", "alloy", "victoria-metrics", "victoriametrics", "vmagent",
        "vmsingle", "thanos", "mimir", "cortex", "netdata", "telegraf", "influxdb", "chronograf", "signoz",
        "opentelemetry-collector", "opentelemetry-collector-contrib", "otel-collector", "node-exporter",
        "cadvisor", "kube-state-metrics", "datadog-agent", "oneagent", "instana-agent", "zabbix-server-pgsql",
        "zabbix-server-mysql", "zabbix-agent", "zabbix-agent2", "checkmk", "nagios", "icinga2", "sensu",
        "apm-server")},
    **{name: ("observability", "alerting") for name in (
        "alertmanager", "vmalert", "kapacitor", "uptime-kuma", "gatus", "healthchecks", "statping", "karma")},
    **{name: ("observability", "logs") for name in (
        "loki", "promtail", "fluent-bit", "fluentbit", "fluentd", "vector", "filebeat", "logstash", "graylog",
        "kibana", "dozzle", "logspout")},
    **{name: ("observability", "tracing") for name in ("jaeger", "all-in-one", "tempo", "zipkin")},
    **{name: ("observability", "errors") for name in ("sentry", "glitchtip")},
    **{name: ("ingress", "proxy") for name in (
        "nginx", "traefik", "caddy", "haproxy", "envoy", "nginx-proxy", "nginx-proxy-manager", "swag",
        "ingress-nginx", "controller", "cloudflared", "oauth2-proxy")},
    "external-dns": ("ingress", "dns"),
    "cert-manager-controller": ("ingress", "tls"),
    "acme-companion": ("ingress", "tls"),
    "acme": ("ingress", "tls"),
    "watchdog": ("observability", "alerting"),
    "certbot": ("ingress", "tls"),
    **{name: ("secrets", "manager") for name in ("vault", "external-secrets", "sealed-secrets-controller", "infisical")},
    **{name: ("backups", "backup") for name in (
        "restic", "borgmatic", "velero", "k8up", "kopia", "duplicati", "duplicity", "autorestic", "resticker",
        "postgres-backup-local", "postgres-backup-s3", "pgbackrest", "wal-g", "barman", "litestream",
        "docker-volume-backup", "databasus")},
}
_AGENT_REPOS = ("grafana", "datadog")

#: installed component names (chart, remote base) -> (area, sub-kind)
_COMPONENTS: dict[str, tuple[str, str]] = {
    **{name: ("observability", "alerting") for name in CAPABILITIES["alerting"] - CAPABILITIES["monitoring"]},
    **{name: ("observability", "metrics+alerting") for name in CAPABILITIES["alerting"] & CAPABILITIES["monitoring"]},
    **{name: ("observability", "metrics") for name in CAPABILITIES["monitoring"] - CAPABILITIES["alerting"]},
    **{name: ("observability", "logs") for name in (
        "loki", "loki-stack", "promtail", "fluent-bit", "fluentd", "vector", "vector-agent", "logging-operator",
        "elastic-stack", "eck-operator", "graylog", "opensearch-dashboards", "victoria-logs", "victoria-logs-single",
        "victoria-logs-collector", "victoria-logs-cluster")},
    **{name: ("observability", "tracing") for name in ("tempo", "tempo-distributed", "jaeger", "jaeger-operator")},
    "sentry": ("observability", "errors"),
    **{name: ("backups", "backup") for name in CAPABILITIES["backup"] | {"kopiur", "volsync-operator"}},
    "cert-manager": ("ingress", "tls"),
    **{name: ("ingress", "controller") for name in (
        "ingress-nginx", "nginx-ingress", "traefik", "haproxy-ingress", "contour", "envoy-gateway", "gateway-helm",
        "kong", "emissary-ingress", "istio", "istiod", "istio-base", "ingress-nginx-controller", "cloudflared",
        "metallb", "kube-vip", "aws-load-balancer-controller", "gateway", "nginx-gateway-fabric")},
    "external-dns": ("ingress", "dns"),
    "k8s-gateway": ("ingress", "dns"),
    **{name: ("secrets", "manager") for name in (
        "sealed-secrets", "external-secrets", "external-secrets-operator", "vault", "vault-secrets-operator",
        "secrets-store-csi-driver", "infisical", "onepassword-connect", "connect", "doppler-kubernetes-operator",
        "sops-secrets-operator", "bitwarden-sdk-server")},
    **{name: ("cicd", "gitops") for name in ("argo-cd", "argocd", "flux2", "flux", "flux-operator", "flux-instance")},
    **{name: ("datastores", "operator") for name in (
        "cloudnative-pg", "cnpg", "postgres-operator", "pgo", "mariadb-operator", "mysql-operator",
        "percona-xtradb-cluster-operator", "psmdb-operator", "mongodb-operator", "community-operator")},
    **{name: ("caches-queues", "operator") for name in (
        "rabbitmq-cluster-operator", "strimzi-kafka-operator", "redis-operator", "dragonfly-operator", "eck-operator")},
}

#: Kubernetes kinds -> (area, sub-kind)
_KINDS: dict[str, tuple[str, str]] = {
    **{kind: ("observability", "metrics") for kind in (
        "ServiceMonitor", "PodMonitor", "Prometheus", "PrometheusAgent", "ScrapeConfig", "Probe", "VMServiceScrape",
        "VMPodScrape", "VMAgent", "VMSingle", "VMCluster", "GrafanaDashboard", "Grafana", "DatadogAgent",
        "PodMonitoring", "ClusterPodMonitoring")},
    **{kind: ("observability", "alerting") for kind in (
        "PrometheusRule", "Alertmanager", "AlertmanagerConfig", "VMRule", "VMAlert", "VMAlertmanager",
        "DatadogMonitor", "Rules", "ClusterRules", "GlobalRules")},
    **{kind: ("observability", "logs") for kind in ("PodLogs", "ClusterOutput", "ClusterFlow", "Flow", "Output",
                                                    "FluentBit", "ClusterFluentBitConfig")},
    **{kind: ("observability", "tracing") for kind in ("Instrumentation", "OpenTelemetryCollector")},
    **{kind: ("ingress", "route") for kind in (
        "Ingress", "IngressRoute", "IngressRouteTCP", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "Gateway",
        "VirtualService", "Route", "HTTPProxy")},
    **{kind: ("ingress", "tls") for kind in ("Certificate", "Issuer", "ClusterIssuer")},
    "DNSEndpoint": ("ingress", "dns"),
    **{kind: ("secrets", "manager") for kind in (
        "ExternalSecret", "ClusterExternalSecret", "SecretStore", "ClusterSecretStore", "SealedSecret",
        "VaultStaticSecret", "VaultDynamicSecret", "VaultAuth", "SecretProviderClass", "SopsSecret",
        "OnePasswordItem", "InfisicalSecret", "PushSecret")},
    "Secret": ("secrets", "plain"),
    # a VolumeSnapshotClass or a snapshot is no backup (it lives on the same storage)
    **{kind: ("backups", "backup") for kind in ("Schedule", "Backup", "ScheduledBackup", "ReplicationSource",
                                               "PgBackRest", "BackupSchedule")},
}
_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod", "Rollout", "DeploymentConfig",
                   "ReplicaSet", "ReplicationController")
_ENV_SIGNALS: tuple[tuple[str, str], ...] = (
    ("SENTRY_DSN", "errors"), ("DD_API_KEY", "metrics"), ("DATADOG_API_KEY", "metrics"),
    ("NEW_RELIC_LICENSE_KEY", "metrics"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "tracing"), ("HONEYCOMB_API_KEY", "tracing"),
    ("ELASTIC_APM_SERVER_URL", "tracing"), ("BUGSNAG_API_KEY", "errors"), ("ROLLBAR_ACCESS_TOKEN", "errors"),
    ("HONEYBADGER_API_KEY", "errors"), ("APPSIGNAL_PUSH_API_KEY", "errors"),
)
#: Terraform ``tf:resource`` categories -> (area, sub-kind)
TF_CATEGORIES: dict[str, tuple[str, str]] = {
    "datastore": ("datastores", "database"), "bucket": ("datastores", "object-store"),
    "storage": ("datastores", "volume"), "cache": ("caches-queues", "cache"), "queue": ("caches-queues", "broker"),
    "search": ("caches-queues", "search"), "cluster": ("runtime", "cluster"), "registry": ("registries", "registry"),
    "dns": ("ingress", "dns"), "edge": ("ingress", "edge"), "tls": ("ingress", "tls"), "network": ("ingress", "network"),
    "logging": ("observability", "logs"), "alerting": ("observability", "alerting"),
    "monitoring": ("observability", "metrics"), "backup": ("backups", "backup"), "secrets": ("secrets", "manager"),
}
_ROLE_AREA = {Role.DATABASE: "datastores", Role.OBJECT_STORE: "datastores"}


def _image_name(image: str) -> str:
    return parse_image(str(image)).name.lower()


def image_signal(image: str) -> tuple[str, str] | None:
    ref = parse_image(str(image))
    name = ref.name.lower()
    if name == "agent":
        repo = ref.repository.lower()
        return ("observability", "metrics") if any(word in repo for word in _AGENT_REPOS) else None
    return _IMAGE_SIGNALS.get(name)


def component_signal(names: Iterable[str]) -> tuple[str, str] | None:
    for name in names:
        hit = _COMPONENTS.get(normalize(str(name)))
        if hit is not None:
            return hit
    return None


def _store_of_names(names: Iterable[str]) -> tuple[str, Role] | None:
    """A data store a chart or component is known by (``postgresql``, ``bitnami/redis``)."""
    for name in names:
        text = normalize(str(name))
        head = text.split("-", 1)[0]
        for candidate in (text, head):
            if candidate in DATABASE_IMAGES:
                return text, role_of(candidate)
    return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(items: Iterable[str], limit: int = 3) -> str:
    items = list(dict.fromkeys(items))
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


# -- sources: each yields items of any area ----------------------------------------------------

def _iac(ctx: _Ctx) -> Iterator[Item]:
    by_dir: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path, fact in ctx.index.facts(IAC):
        tool = str(fact.data.tool or fact.data.source or "iac")
        by_dir[(tool, posixpath.dirname(path) or ".")].append(path)
    for (tool, folder), paths in sorted(by_dir.items()):
        yield ctx.item("iac", tool, f"{folder}/" if folder != "." else "(repository root)", ctx.first(paths),
                       details=_plural(len(paths), "file"), tag="iac")
    for path, backend in ctx.index.facts(TF_BACKEND):
        kind = str(backend.data.type or "backend")
        yield ctx.item("iac", "terraform state", kind, path, backend.line,
                       details=f"state kept in {kind}" + ("" if kind != "local" else " (on one machine)"),
                       maturity=Maturity.PARTIAL if kind == "local" else Maturity.PRESENT,
                       why="local state: no locking, lost with the machine" if kind == "local" else "", tag="backend")
    for path, call in ctx.index.facts(TF_MODULE_CALL):
        origin = str(call.data.origin or "")
        if origin and origin != "local":
            yield ctx.item("iac", "terraform module (remote)", call.data.name or call.key, path,
                           call.line, details=f"{origin} source {call.data.source or ''}".strip(),
                           maturity=Maturity.NOT_VERIFIED, why="remote module: not read", tag="remote")


def _runtime(ctx: _Ctx) -> Iterator[Item]:
    index = ctx.index
    manifests = index.files(FileKind.KUBERNETES)
    if manifests:
        by_top: dict[str, list[str]] = defaultdict(list)
        for path in manifests:
            by_top[path.split("/", 1)[0] if "/" in path else "."].append(path)
        for top, paths in sorted(by_top.items()):
            yield ctx.item("runtime", "kubernetes manifests", f"{top}/" if top != "." else "(repository root)",
                           ctx.first(paths), details=_plural(len(paths), "file"), tag="orchestrator")
    kustomizations = index.paths_with(KUSTOMIZATION)
    if kustomizations:
        overlays = [p for p in kustomizations if "overlay" in p or "/env" in p or "cluster" in p]
        yield ctx.item("runtime", "kustomize", _plural(len(kustomizations), "kustomization"), ctx.first(kustomizations),
                       details=(f"overlays such as {_short(posixpath.dirname(p) for p in overlays)}" if overlays else ""),
                       tag="orchestrator")
    for path, fact in index.facts(HELM_CHART):
        if fact.data.library:
            continue
        yield ctx.item("runtime", "helm chart", fact.data.name or fact.key, path, fact.line,
                       details=f"version {fact.data.version}" if fact.data.version else "",
                       maturity=Maturity.NOT_VERIFIED, why="templates are not rendered: what they run is not read",
                       tag="orchestrator")
    compose_files = index.paths_with(COMPOSE_SERVICE)
    for path in compose_files:
        services = index.facts_in(COMPOSE_SERVICE, path)
        yield ctx.item("runtime", "docker compose", posixpath.basename(path), path,
                       details=_plural(len(services), "service"), tag="orchestrator")
    controllers: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    for path, sync in index.facts(GITOPS_SYNC):
        controllers[str(sync.data.controller or "gitops")].append((path, sync.line))
    for controller, places in sorted(controllers.items()):
        label = {"flux": "Flux", "argo": "Argo CD"}.get(controller, controller)
        yield ctx.item("runtime", "gitops controller", label, places[0][0], places[0][1],
                       details=f"{_plural(len(places), 'sync')} (Kustomizations/Applications)", tag="orchestrator")
    dockerfiles = index.files(FileKind.DOCKERFILE)
    if dockerfiles:
        yield ctx.item("runtime", "dockerfiles", _plural(len(dockerfiles), "Dockerfile"), ctx.first(dockerfiles),
                       details=_short(dockerfiles), tag="images")


def _overridden(index: RepoIndex) -> dict[str, str]:
    """Image names a kustomization's ``images:`` pins: name -> tag or digest."""
    out: dict[str, str] = {}
    for _, fact in index.facts(KUSTOMIZE_IMAGES):
        for name, new_name, tag, digest in fact.data.images or ():
            if tag or digest:
                out[str(name)] = str(digest or tag)
                if new_name:
                    out[str(new_name)] = str(digest or tag)
    return out


def _floating(image: str, pinned: dict[str, str]) -> bool:
    ref = parse_image(str(image))
    if ref.templated or ref.digest:
        return False
    base = f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository
    if base in pinned or ref.repository in pinned:
        return False
    return is_moving_tag(ref.tag)


def _workloads(ctx: _Ctx) -> Iterator[Item]:
    index = ctx.index
    pinned = _overridden(index)
    for kind in _WORKLOAD_KINDS:
        for path, fact in index.k8s(kind):
            data = fact.data
            images = list(data.main_images or data.images or ())
            name = f"{data.namespace}/{data.name}" if data.namespace else str(data.name)
            floating = [i for i in images if _floating(i, pinned)]
            parts = [f"image {_short(images, 2)}" if images else "no image"]
            if data.replicas is not None:
                parts.append(f"replicas {data.replicas}")
            yield ctx.item("workloads", kind, name, path, fact.line, details="; ".join(parts),
                           maturity=Maturity.PARTIAL if floating else Maturity.PRESENT,
                           why=f"image {floating[0]} floats (no version tag or digest)" if floating else "",
                           tag="workload")
            yield from _store_items(ctx, path, fact.line, kind, name, images, data)
    for path, svc in index.facts(COMPOSE_SERVICE):
        svc_data = svc.data
        image = svc_data.image
        if image:
            details = f"image {image}"
        elif svc_data.build_files:
            details = f"built from {svc_data.build_files[1]}"
        else:
            details = "no image"
        floats = bool(image) and not svc_data.build and _floating(str(image), pinned)
        yield ctx.item("workloads", "compose service", svc.key, path, _service_line(svc), details=details,
                       maturity=Maturity.PARTIAL if floats else Maturity.PRESENT,
                       why=f"image {image} floats (no version tag or digest)" if floats else "", tag="workload")
        yield from _compose_store(ctx, path, svc)


def _store_items(ctx: _Ctx, path: str, line: int | None, kind: str, name: str, images: list[str], data) -> Iterator[Item]:
    """The data stores, caches and queues a Kubernetes workload runs."""
    if kind in ("CronJob", "Job"):
        return
    labels = dict(data.labels or ()) | dict(data.pod_labels or ())
    for image in data.servers or images:
        store = classify(image, names=(str(data.name),), labels=labels)
        if store is None:
            continue
        persistence = [c for c in (data.claim_templates or ())] + [c[0] for c in (data.claims or ())]
        replicas = data.replicas if data.replicas is not None else 1
        details = [f"{store.engine} ({store.role.value}{', cache' if store.cache and store.role is not Role.CACHE else ''})",
                   f"{kind}, replicas {replicas}",
                   f"volumes {_short(persistence, 2)}" if persistence else "no persistent volume"]
        if store.role in SYSTEMS_OF_RECORD:
            gaps = ([] if persistence else ["no persistent volume"]) + (["one replica"] if replicas < 2 else [])
            yield ctx.item("datastores", "database", name, path, line, details="; ".join(details),
                           maturity=Maturity.PARTIAL if gaps else Maturity.PRESENT, why=", ".join(gaps),
                           tag=store.role.value)
        else:
            yield ctx.item("caches-queues", store.role.value if not store.cache else "cache", name, path, line,
                           details="; ".join(details), why=store.cache_evidence or "", tag=store.role.value)


def _service_line(fact) -> int | None:
    """The line of a compose service's name (its fact points at the first key of its body)."""
    return dict(fact.data.run_as or ()).get("key_line") or fact.line


def _compose_store(ctx: _Ctx, path: str, fact) -> Iterator[Item]:
    store = fact.data.store
    if not store:
        return
    engine, role_value, cache = store
    role = Role(role_value)
    volumes = [target for kind, target in (fact.data.mounts or ()) if kind in ("volume", "bind")]
    details = [f"{engine} ({role.value}{', cache' if cache and role is not Role.CACHE else ''})", "one host (compose)",
               f"volume at {_short(volumes, 2)}" if volumes else "no volume"]
    if role in SYSTEMS_OF_RECORD:
        gaps = ([] if volumes else ["no volume: data lives in the container"])
        yield ctx.item("datastores", "database", fact.key, path, _service_line(fact), details="; ".join(details),
                       maturity=Maturity.PARTIAL if gaps else Maturity.PRESENT,
                       why=", ".join(gaps) or "single host: no failover", tag=role.value)
    else:
        yield ctx.item("caches-queues", "cache" if cache else role.value, fact.key, path, _service_line(fact),
                       details="; ".join(details), tag=role.value)


def _operators(ctx: _Ctx) -> Iterator[Item]:
    for kind in OPERATOR_STORE_KINDS:
        for path, fact in ctx.index.k8s(kind):
            data = fact.data
            if data.members_line is None:
                continue  # not an operator's store (Cluster API's Cluster...)
            group = str(data.api or "").split("/", 1)[0]
            engine = OPERATOR_STORES.get((group, kind), ((), None, "", kind))[3]
            backup = data.store_backup
            gaps = []
            if data.members is not None and data.members < 2:
                gaps.append("one member")
            if backup is False:
                gaps.append("no backup configured in the resource")
            details = [engine, f"members {data.members if data.members is not None else 'unknown'}",
                       {True: "backups configured", False: "no backup section",
                        "unknown": "backups set in the operator's settings"}.get(backup, "")]
            name = f"{data.namespace}/{data.name}" if data.namespace else str(data.name)
            yield ctx.item("datastores", "database (operator)", name, path, fact.line,
                           details="; ".join(d for d in details if d),
                           maturity=Maturity.PARTIAL if gaps else Maturity.PRESENT, why=", ".join(gaps), tag="database")
            if backup is True:
                yield ctx.item("backups", "operator backup", name, path, fact.line, details=engine, tag="backup")


def _k8s_kinds(ctx: _Ctx) -> Iterator[Item]:
    index = ctx.index
    placeholders = {(path, str(fact.data.name)) for path, fact in index.facts(GITOPS_PLACEHOLDER_SECRET)}
    for kind, (area, tag) in sorted(_KINDS.items()):
        for path, fact in index.k8s(kind):
            data = fact.data
            name = f"{data.namespace}/{data.name}" if data.namespace else str(data.name)
            api = str(data.api or "")
            if kind in ("Schedule", "Backup") and not any(w in api for w in ("velero", "k8up", "backup")):
                continue
            if kind == "Route" and "openshift" not in api:
                continue
            if kind in ("Rules", "ClusterRules", "GlobalRules") and "monitoring" not in api:
                continue
            details, maturity, why = api, Maturity.PRESENT, ""
            if kind == "Ingress":
                if data.tls:
                    details = f"TLS ({_short(data.tls_secrets or ('secret',), 2)})"
                else:
                    details, maturity = "no tls section", Maturity.PARTIAL
                    why = "served without TLS unless a proxy in front terminates it"
                issuer = [a for a in data.annotations or () if "cert-manager.io" in a]
                if issuer:
                    details += "; cert-manager annotation"
            elif kind == "Secret":
                if (path, str(data.name)) in placeholders:
                    details, tag = "a Secret of placeholders (its values are set elsewhere)", "placeholder"
                    yield ctx.item(area, kind, name, path, fact.line, details=details, tag=tag)
                    continue
                if not ctx.secrets_in(path):
                    yield ctx.item(area, kind, name, path, fact.line, tag="manifest",
                                   details="a Secret manifest; the secret checks find no secret value in it "
                                           "(references, placeholders or empty)")
                    continue
                details = "a Secret manifest in the repository (its values are in git)"
                maturity, why = Maturity.PARTIAL, "secret values live in git"
            yield ctx.item(area, kind, name, path, fact.line, details=details, maturity=maturity, why=why, tag=tag)
    for path, fact in index.k8s("Service"):
        data = fact.data
        if data.exposure:
            name = f"{data.namespace}/{data.name}" if data.namespace else str(data.name)
            internal = data.internal_lb
            yield ctx.item("ingress", f"Service ({data.exposure})", name, path, data.exposure_line or fact.line,
                           details="internal load balancer" if internal else
                           ("source ranges limited" if data.source_ranges else "reachable from outside the cluster"),
                           tag="exposure")
    for kind in ("CronJob", "Job"):
        for path, fact in index.k8s(kind):
            if fact.data.backup:
                name = f"{fact.data.namespace}/{fact.data.name}" if fact.data.namespace else str(fact.data.name)
                yield ctx.item("backups", f"backup {kind}", name, path, fact.line,
                               details=f"image {_short(fact.data.images or (), 2)}", tag="backup")
    for path, kdetails in index.facts(KUSTOMIZE_DETAILS):
        for generator in kdetails.data.secret_generators or ():
            gen = dict(generator)
            literals = gen.get("literals") or ()
            secret = [lit for lit in literals if not lit[1]]
            if secret:
                yield ctx.item("secrets", "secretGenerator literals", gen.get("name"), path, gen.get("line"),
                               details=f"{_plural(len(secret), 'secret value')} in git",
                               maturity=Maturity.PARTIAL, why="secret values live in git", tag="plain")


def _images(ctx: _Ctx) -> Iterator[Item]:
    """Components known by their image (monitoring, proxies, backup tools...), and where images come from."""
    index = ctx.index
    registries: dict[str, list[tuple[str, int | None, str]]] = defaultdict(list)
    seen_signal: set[tuple[str, str]] = set()
    for path, fact in index.facts(WORKLOAD_IMAGE):
        image = str(fact.data.image or "")
        if not image:
            continue
        _note_registry(registries, image, path, fact.line)
        signal = image_signal(image)
        resource = str(fact.data.resource or fact.key)
        if signal is not None and (resource, signal[1]) not in seen_signal:
            seen_signal.add((resource, signal[1]))
            yield ctx.item(signal[0], f"{signal[1]} ({_image_name(image)})", resource.split("/container/")[0], path,
                           fact.line, details=f"image {image}", tag=signal[1])
    for path, svc in index.facts(COMPOSE_SERVICE):
        service_image = svc.data.image
        line = _service_line(svc)
        if service_image:
            _note_registry(registries, str(service_image), path, line)
            signal = image_signal(str(service_image))
            if signal is not None:
                details = f"image {service_image}"
                if signal == ("ingress", "proxy"):
                    published = [raw for raw, _open in svc.data.published or ()]
                    details += f"; publishes {_short(published, 3)}" if published else "; publishes no port"
                    if any(raw.rstrip("/tcp").endswith("443") or ":443" in raw for raw in published):
                        yield ctx.item("ingress", "https port", f"service {svc.key}", path, line,
                                       details="publishes 443", tag="tls")
                yield ctx.item(signal[0], f"{signal[1]} ({_image_name(str(service_image))})", f"service {svc.key}", path,
                               line, details=details, tag=signal[1])
            elif any(word in f"{svc.key} {service_image}".lower() for word in ("backup", "restic", "borg", "dump")):
                yield ctx.item("backups", "backup service", f"service {svc.key}", path, line,
                               details=f"image {service_image}", tag="backup")
        elif any(word in svc.key.lower() for word in ("backup", "dump")):
            yield ctx.item("backups", "backup service", f"service {svc.key}", path, line, details="built here",
                           tag="backup")
        published = [(raw, open_) for raw, open_ in svc.data.published or ()]
        if published and (service_image is None or image_signal(str(service_image)) != ("ingress", "proxy")):
            fixed = [raw for raw, open_ in published if open_ and "$" not in raw]
            variable = [raw for raw, _ in published if "$" in raw]
            local = [raw for raw, open_ in published if not open_ and "$" not in raw]
            parts = ([f"on every interface: {_short(fixed, 3)}"] if fixed else []) + \
                ([f"set by variables: {_short(variable, 3)}"] if variable else []) + \
                ([f"bound to one address: {_short(local, 3)}"] if local else [])
            yield ctx.item("ingress", "published port", f"service {svc.key}", path, line, details="; ".join(parts),
                           tag="exposure")
            if any(raw.endswith(("443", "443/tcp")) for raw, _ in published):
                yield ctx.item("ingress", "https port", f"service {svc.key}", path, line,
                               details="publishes 443", tag="tls")
    for path, base in index.facts(DOCKER_BASE):
        _note_registry(registries, str(base.key), path, base.line, base=True)
    for registry, uses in sorted(registries.items()):
        pulled = sorted({image for _, _, image in uses})
        first = min(uses, key=lambda u: (not ctx.context_of(u[0]).production, u[0], u[1] or 0))
        yield ctx.item("registries", "pulled from", registry, first[0], first[1],
                       details=f"{_plural(len(pulled), 'image')}: {_short(pulled, 3)}", tag="pull")


def _note_registry(registries: dict, image: str, path: str, line: int | None, base: bool = False) -> None:
    ref = parse_image(image)
    if ref.templated or image.lower() == "scratch" or not ref.repository:
        return
    registry = ref.registry or "docker.io"
    if registry == "index.docker.io":
        registry = "docker.io"
    registries[registry].append((path, line, ref.repository))


def _cicd(ctx: _Ctx) -> Iterator[Item]:
    index = ctx.index
    for path, fact in index.facts(WORKFLOW):
        data = fact.data
        triggers = tuple(data.triggers or ())
        yield ctx.item("cicd", "github actions workflow", data.name or posixpath.basename(path), path, fact.line,
                       details=f"on {_short(triggers, 4)}" + ("; deploys" if data.deploys else ""),
                       tag="deploy" if data.deploys else "ci")
    for path, ci in index.facts(CI):
        yield ctx.item("cicd", f"{ci.data.tool} pipeline", posixpath.basename(path), path, tag="ci")
    for path, build in index.facts(WORKFLOW_IMAGE_BUILD):
        build_data = build.data
        yield ctx.item("registries" if build_data.push else "cicd", "image pushed by CI" if build_data.push else "image built by CI",
                       f"job {build_data.job}", path, build.line,
                       details=f"{build_data.dockerfile or 'Dockerfile'} (context {build_data.context or '.'})",
                       tag="push" if build_data.push else "build")
    for path in index.paths_with(SHELL_DEPLOY):
        yield ctx.item("cicd", "deploy script", posixpath.basename(path), path, tag="deploy")
    for path, cloud in index.facts(SHELL_CLOUD):
        if cloud.data.mutating:
            yield ctx.item("cicd", "cloud CLI script", posixpath.basename(path), path, cloud.line,
                           details=f"changes resources with {_short(cloud.data.mutating)}", tag="deploy")
    for path, sync in index.facts(GITOPS_SYNC):
        sync_data = sync.data
        target = sync_data.path or "."
        source = sync_data.repo or (sync_data.source_ref[2] if sync_data.source_ref else "")
        yield ctx.item("cicd", f"{'Argo CD' if sync_data.controller == 'argo' else 'Flux'} {sync_data.kind or 'sync'}",
                       f"{sync_data.namespace}/{sync_data.name}" if sync_data.namespace else str(sync_data.name), path, sync.line,
                       details=f"applies {target}" + (f" from {source}" if source else "")
                       + (f" into {sync_data.target_namespace}" if sync_data.target_namespace else ""), tag="deploy")


def _installs(ctx: _Ctx) -> Iterator[Item]:
    """Charts, remote bases and manifests the repository installs: each in the area it serves."""
    for path, fact in ctx.index.facts(INSTALL):
        data = fact.data
        names = tuple(data.names or ()) or (component_names(str(data.hint)) if data.hint else ())
        label = names[0] if names else str(data.release or data.chart or data.url or "?")
        if data.release:  # a chartRef'd release is usually named after its chart
            names += (str(data.release),)
        via = str(data.via or "install")
        version = f" {data.version}" if data.version else ""
        where = f"{via} of {label}{version}"
        signal = component_signal(names)
        store = _store_of_names(names) if signal is None else None
        why = "installed from outside: its templates are not rendered" if not data.local else \
            "chart in the repository: templates are not rendered"
        if signal is not None:
            area, tag = signal
            yield ctx.item(area, f"{tag} ({via})", data.release or label, path, fact.line, details=where,
                           why=why, tag=tag)
        elif store is not None:
            engine, role = store
            area = _ROLE_AREA.get(role, "caches-queues")
            yield ctx.item(area, f"{'database' if area == 'datastores' else role.value} ({via})",
                           data.release or label, path, fact.line, details=f"{engine}; {where}",
                           maturity=Maturity.NOT_VERIFIED, why=f"{why}: persistence, replicas and backups not verified",
                           tag=role.value)
        else:
            yield ctx.item("runtime", f"installed component ({via})", data.release or label, path, fact.line,
                           details=where, maturity=Maturity.NOT_VERIFIED, why=why, tag="install")


def _signals(ctx: _Ctx) -> Iterator[Item]:
    """Observability and secrets that env files, code and scripts show."""
    index = ctx.index
    for topic in (ENV_KEY, CODE_ENV_READ):
        for name, signal in _ENV_SIGNALS:
            for path, fact in index.facts(topic):
                if fact.key.upper() == name or fact.key.upper().endswith("_" + name):
                    yield ctx.item("observability", f"{signal} ({name.split('_')[0].lower()})", fact.key, path,
                                   fact.line, details="set in an env file" if topic == ENV_KEY else "read by the code",
                                   tag=signal)
                    break
    for path, fact in index.facts(WORKLOAD_POD):
        if fact.data.scrape:
            yield ctx.item("observability", "metrics (scrape annotations)", fact.data.resource or fact.key, path,
                           fact.line, details="prometheus.io/scrape", tag="metrics")
    # committed env files holding values (not examples)
    env_files: dict[str, list[str]] = defaultdict(list)
    for path, fact in index.facts(ENV_KEY):
        if not fact.data.example and not fact.data.empty:
            env_files[path].append(fact.key)
    for path, keys in sorted(env_files.items()):
        if not ctx.secrets_in(path):
            continue  # configuration, not secrets: the secret checks find none in it
        yield ctx.item("secrets", "env file in git", posixpath.basename(path), path,
                       details=f"{_plural(len(keys), 'value')} ({_short(keys, 3)})", maturity=Maturity.PARTIAL,
                       why="values live in the repository", tag="plain")
    if index.disk_file(".sops.yaml"):
        yield ctx.item("secrets", "sops", ".sops.yaml", ".sops.yaml", details="encrypted files (SOPS rules)",
                       tag="manager")
    # backups by script
    offsite = set(index.paths_with(SHELL_OFFSITE))
    retention = set(index.paths_with(SHELL_RETENTION))
    for path, fact in index.facts(SHELL_BACKUP):
        data = fact.data
        gaps = []
        if data.local and not data.handed_off and path not in offsite:
            gaps.append("kept on the same host")
        if path not in retention:
            gaps.append("no retention in the script")
        yield ctx.item("backups", f"backup script ({data.tool})", posixpath.basename(path), path, fact.line,
                       details=("copied off the host" if path in offsite else "local dump") +
                       ("; prunes old backups" if path in retention else ""),
                       maturity=Maturity.PARTIAL if gaps else Maturity.PRESENT, why=", ".join(gaps), tag="backup")


def _terraform(ctx: _Ctx) -> Iterator[Item]:
    """``tf:resource`` facts: one row per resource, in the area its category names."""
    for path, fact in ctx.index.facts(TF_RESOURCE):
        data = fact.data
        category = str(data.category or "")
        target = TF_CATEGORIES.get(category)
        if target is None:
            continue
        area, tag = target
        rtype = str(data.type or "")
        yield ctx.item(area, f"{category} ({rtype})", data.name or fact.key, path, fact.line,
                       details=" ".join(str(v) for v in (data.engine, f"in {data.dir}/" if data.dir else "") if v),
                       tag=tag)


#: every source of items; Terraform and other domains add one function here
SOURCES: tuple[Callable[[_Ctx], Iterator[Item]], ...] = (
    _iac, _runtime, _workloads, _operators, _k8s_kinds, _images, _cicd, _installs, _signals, _terraform,
)


# -- verdicts ----------------------------------------------------------------------------------

Verdict = tuple[Maturity, str]


def _tags(items: list[Item]) -> set[str]:
    return {tag for i in items for tag in i.tag.split("+")}


def _judge(spec: AreaSpec, items: list[Item], ctx: _Ctx, blind: tuple[str, ...]) -> Verdict:
    """The area's maturity, from its production items (other contexts are listed, not counted)."""
    prod = [i for i in items if i.production]
    tags = _tags(prod)
    unseen_clause = f"; {_plural(len(blind), 'source')} auditui does not read may hold more ({_short(blind, 3)})" \
        if blind else ""
    nothing = (Maturity.NOT_VERIFIED, f"none in the files auditui reads{unseen_clause}") if blind else None
    judge = _JUDGES.get(spec.id)
    if judge is not None:
        return judge(prod, tags, ctx, nothing, unseen_clause)
    return (Maturity.PRESENT, _plural(len(prod), "item")) if prod else (nothing or (Maturity.NA, "none found"))


def _j_iac(prod, tags, ctx, nothing, _u) -> Verdict:
    tools = sorted({i.kind for i in prod if i.tag == "iac"})
    if tools:
        local = [i for i in prod if i.tag == "backend" and i.maturity is Maturity.PARTIAL]
        if local:
            return Maturity.PARTIAL, f"{', '.join(tools)}; {local[0].why}"
        return Maturity.PRESENT, ", ".join(tools)
    clouds = [i for i in ctx.index.facts(SHELL_CLOUD) if i[1].data.mutating]
    if clouds:
        return Maturity.ABSENT, f"scripts change cloud resources ({clouds[0][0]}) and no infrastructure code exists"
    if ctx.index.has(COMPOSE_SERVICE) or ctx.index.has_kind(FileKind.KUBERNETES) or ctx.index.has_kind(FileKind.HELM_TEMPLATE):
        return (Maturity.ABSENT, "no Terraform, OpenTofu, Pulumi, CloudFormation or CDK in this repository "
                                 "(the hosts or cluster may be provisioned from another one)")
    return Maturity.NA, "no infrastructure in this repository"


def _j_runtime(prod, tags, ctx, nothing, _u) -> Verdict:
    kinds = sorted({i.kind for i in prod if i.tag in ("orchestrator", "cluster")})
    if kinds:
        return Maturity.PRESENT, ", ".join(kinds)
    if "images" in tags:
        return Maturity.PARTIAL, "images are built, but nothing here says where or how they run"
    return nothing or (Maturity.NA, "nothing in the repository runs services")


def _j_workloads(prod, tags, ctx, nothing, _u) -> Verdict:
    workloads = [i for i in prod if i.tag == "workload"]
    if not workloads:
        return nothing or (Maturity.NA, "no workload in the files auditui reads")
    floating = [i for i in workloads if i.maturity is Maturity.PARTIAL]
    if floating:
        return Maturity.PARTIAL, f"{len(floating)} of {_plural(len(workloads), 'workload')} run floating images"
    return Maturity.PRESENT, f"{_plural(len(workloads), 'workload')}, no floating image"


def _j_datastores(prod, tags, ctx, nothing, unseen_clause) -> Verdict:
    stores = [i for i in prod if i.tag in ("database", "object-store", "operator", "volume")]
    if not stores:
        return nothing or (Maturity.NA, "no database in the files auditui reads")
    partial = [i for i in stores if i.maturity is Maturity.PARTIAL]
    unverified = [i for i in stores if i.maturity is Maturity.NOT_VERIFIED]
    if partial:
        return Maturity.PARTIAL, f"{partial[0].name}: {partial[0].why}" + (
            f" (and {len(partial) - 1} more)" if len(partial) > 1 else "")
    if unverified and len(unverified) == len(stores):
        return Maturity.NOT_VERIFIED, f"{_plural(len(stores), 'store')} installed from charts: not rendered"
    return Maturity.PRESENT, f"{_plural(len(stores), 'store')}: {_short(sorted({i.name for i in stores}), 3)}"


def _j_caches(prod, tags, ctx, nothing, _u) -> Verdict:
    if not prod:
        return nothing or (Maturity.NA, "no cache, broker or index in the files auditui reads")
    return Maturity.PRESENT, _short(sorted({i.kind.split(' (')[0] for i in prod}), 4)


def _j_ingress(prod, tags, ctx, nothing, _u) -> Verdict:
    routes = [i for i in prod if i.tag in ("route", "exposure", "proxy", "edge", "controller")]
    if not routes:
        if prod:  # DNS zones, certificates, networks, but no entry point auditui reads
            return (Maturity.NOT_VERIFIED if nothing else Maturity.PRESENT,
                    f"{_short(sorted({i.kind for i in prod}), 3)}; no entry point in the files auditui reads")
        return nothing or (Maturity.NA, "nothing is exposed in the files auditui reads")
    plain = [i for i in routes if i.maturity is Maturity.PARTIAL]
    tls = "tls" in tags or any(i.kind == "Ingress" and i.maturity is Maturity.PRESENT for i in routes)
    if plain:
        return Maturity.PARTIAL, f"{plain[0].kind} {plain[0].name}: {plain[0].why}"
    if not tls:
        return Maturity.PARTIAL, "entry points found, but no TLS configuration (certificates, tls sections) in the files"
    return Maturity.PRESENT, f"{_plural(len(routes), 'entry point')} with TLS configured"


def _j_cicd(prod, tags, ctx, nothing, _u) -> Verdict:
    ci = "ci" in tags or "deploy" in tags and any(i.kind == "github actions workflow" for i in prod)
    deploy = "deploy" in tags or "gitops" in tags  # an installed Argo CD or Flux deploys what it syncs
    if ci and deploy:
        return Maturity.PRESENT, "CI and an automated deploy path"
    if ci:
        return Maturity.PARTIAL, "CI runs, but no automated deploy (workflow, GitOps sync or script) was found"
    if deploy:
        return Maturity.PARTIAL, "deploys by script or GitOps, but no CI pipeline tests changes"
    if ctx.index.has(COMPOSE_SERVICE) or ctx.index.has_kind(FileKind.KUBERNETES) or ctx.index.has_kind(FileKind.DOCKERFILE):
        return Maturity.ABSENT, "no CI pipeline and no deploy automation in the repository"
    return Maturity.NA, "nothing to build or deploy"


def _j_registries(prod, tags, ctx, nothing, _u) -> Verdict:
    if "push" in tags or "registry" in tags:
        return Maturity.PRESENT, "images are pushed to a registry by CI" if "push" in tags else "registry defined in IaC"
    if "pull" in tags:
        built = ctx.index.has_kind(FileKind.DOCKERFILE)
        if built:
            return Maturity.PARTIAL, "images are built here, but nothing here pushes them to a registry"
        return Maturity.PRESENT, "images are pulled; none is built here"
    return nothing or (Maturity.NA, "no images")


def _j_observability(prod, tags, ctx, nothing, unseen_clause) -> Verdict:
    have = [t for t in ("metrics", "alerting", "logs", "tracing", "errors") if t in tags]
    if "metrics" in tags and "alerting" in tags:
        return Maturity.PRESENT, ", ".join(have)
    if have:
        missing = [t for t in ("metrics", "alerting") if t not in tags]
        return Maturity.PARTIAL, f"{', '.join(have)}; no {' or '.join(missing)} found{unseen_clause}"
    if nothing is not None:
        return nothing
    if ctx.index.has(COMPOSE_SERVICE) or any(ctx.index.has(f"k8s:{k}") for k in _WORKLOAD_KINDS):
        return Maturity.ABSENT, "services run, and nothing collects metrics, alerts, logs or errors"
    return Maturity.NA, "no services"


def _j_secrets(prod, tags, ctx, nothing, unseen_clause) -> Verdict:
    plain = [i for i in prod if i.tag == "plain"]
    flagged = ctx.marks.get("secrets") in ("FAIL", "PARTIAL")
    if "manager" in tags:
        if plain:
            return Maturity.PARTIAL, (f"{_short(sorted({i.kind for i in prod if i.tag == 'manager'}), 3)}, "
                                      f"but {_plural(len(plain), 'place')} keep secrets in git ({plain[0].location})")
        return Maturity.PRESENT, _short(sorted({i.kind for i in prod if i.tag == "manager"}), 3)
    if plain:
        return Maturity.ABSENT, f"no secret manager; secrets live in git ({plain[0].location})"
    if flagged:
        return Maturity.ABSENT, ("no secret manager, and the secret checks find secrets written in the repository "
                                 f"(Secrets management {ctx.marks['secrets']})")
    if nothing is not None:
        return Maturity.NOT_VERIFIED, "no secret manager in the files auditui reads" + unseen_clause
    if ctx.index.has(COMPOSE_SERVICE) or any(ctx.index.has(f"k8s:{k}") for k in _WORKLOAD_KINDS):
        return Maturity.NOT_VERIFIED, ("no secret manager (Sealed Secrets, External Secrets, SOPS, Vault) in the files "
                                       "auditui reads: how secrets reach the services is decided outside them")
    return Maturity.NA, "no services"


def _j_backups(prod, tags, ctx, nothing, unseen_clause) -> Verdict:
    backups = [i for i in prod if i.tag == "backup"]
    stores = ctx.stores
    if backups:
        partial = [i for i in backups if i.maturity is Maturity.PARTIAL]
        if partial and len(partial) == len(backups):
            return Maturity.PARTIAL, f"{partial[0].name}: {partial[0].why}"
        return Maturity.PRESENT, _short(sorted({i.kind for i in backups}), 3)
    if nothing is not None:
        return nothing
    if stores:
        return Maturity.ABSENT, f"{_plural(len(stores), 'database')} ({_short(stores, 3)}) and no backup anywhere"
    return Maturity.NA, "no database to back up"


_JUDGES = {
    "iac": _j_iac, "runtime": _j_runtime, "workloads": _j_workloads, "datastores": _j_datastores,
    "caches-queues": _j_caches, "ingress": _j_ingress, "cicd": _j_cicd, "registries": _j_registries,
    "observability": _j_observability, "secrets": _j_secrets, "backups": _j_backups,
}

#: what auditui cannot read, per area: the capability scope.unseen is asked about (None: anything)
_BLIND: dict[str, str | None] = {
    "datastores": None, "caches-queues": None, "workloads": None, "observability": "monitoring",
    "backups": "backup", "ingress": "cert-manager", "secrets": None, "registries": None,
}


def _unread_iac(index: RepoIndex) -> list[str]:
    """Infrastructure-as-code folders no parser read (Pulumi, CDK...; Terraform until its facts say it was read)."""
    out: set[str] = set()
    for path, fact in index.facts(IAC):
        tool = str(fact.data.tool or "")
        if not tool or (tool in ("terraform", "opentofu") and index.facts_in(TF_FILE, path)):
            continue
        folder = posixpath.dirname(path)
        out.add(f"{tool} in {folder}/" if folder else f"{tool} at the root")
    return sorted(out)


def _remote_modules(index: RepoIndex) -> list[str]:
    out = []
    for _, fact in index.facts(TF_MODULE_CALL):
        origin = str(fact.data.origin or "")
        if origin and origin != "local":
            out.append(f"Terraform module {fact.data.name or fact.key}")
    return out


def build(index: RepoIndex, context_of: ContextOf | None = None, checklist: Iterable | None = None) -> Inventory:
    """The inventory of what ``index`` knows.

    ``context_of(path)`` gives a file's context (the engine's :meth:`Engine.context_of`;
    by default the conventions of :mod:`.context`); ``checklist`` (``readiness.production_checklist``)
    gives each area the marks of the readiness areas it bears on.
    """
    if context_of is None:
        used = _uses(index)
        context_of = lambda path: _context_of(path, None, used)  # noqa: E731
    ctx = _Ctx(index, context_of)
    checklist = list(checklist) if checklist is not None else None
    marks = {}
    if checklist is not None:
        marks = {c.area.id: ReadinessMark(c.area.id, c.area.title, c.mark.value) for c in checklist}
        ctx.marks = {area_id: mark.mark for area_id, mark in marks.items()}
        ctx.secret_paths = {f.path for c in checklist if c.area.id == "secrets" for f in c.findings}
    grouped: dict[str, list[Item]] = {area: [] for area in AREA_IDS}
    for source in SOURCES:
        for item in source(ctx):
            grouped[item.area].append(item)
    ctx.stores = sorted({i.name for i in grouped["datastores"] if i.production})
    modules = _remote_modules(index) + _unread_iac(index) + list(unaudited_infrastructure(index))
    areas = []
    for spec in AREA_SPECS:
        items = sorted(grouped[spec.id], key=lambda i: (not i.production, i.kind, i.path, i.line or 0, i.name))
        blind: tuple[str, ...] = ()
        if spec.id in _BLIND:
            hidden = unseen(index, _BLIND[spec.id])
            blind = tuple(hidden.charts) + tuple(hidden.releases) + tuple(hidden.remote)
        if spec.id in ("datastores", "caches-queues", "backups", "observability", "secrets", "ingress", "registries",
                       "runtime"):
            blind += tuple(modules)
        maturity, why = _judge(spec, items, ctx, blind)
        areas.append(Area(spec, tuple(items), maturity, why, blind,
                          tuple(marks[r] for r in spec.readiness if r in marks)))
    return Inventory(tuple(areas))
