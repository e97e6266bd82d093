"""Kubernetes manifests and Kustomizations as typed objects.

Every document with ``apiVersion`` and ``kind`` becomes a :class:`K8sObject`;
objects that carry a pod template become a :class:`Workload` with their
:class:`Container` list.  A container's :meth:`Container.security` merges the
pod-level ``securityContext`` into the container's own (the container wins), which is
how the kubelet applies it: checks that read only the container's settings are the
commonest source of false positives in peer tools.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from ..api import redact
from .base import AtDoc, AtNode, Fact, FileKind, ParsedFile
from .datastore import DataStore, classify as classify_store, shell_words
from .images import DATABASE_IMAGES, ImageRef, parse_image
from .yamlnodes import YamlDoc, YamlError, YList, YMap, load_documents

WORKLOAD_KINDS = (
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
    "Job", "CronJob", "Pod", "DeploymentConfig", "Rollout",
)

#: pod-level securityContext fields that containers inherit
INHERITED_SECURITY = (
    "runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile",
    "windowsOptions", "appArmorProfile",
)


@dataclass(eq=False)
class K8sObject(AtDoc):
    path: str
    doc: YMap
    doc_index: int
    kind: str
    api_version: str
    name: str
    namespace: str | None

    @property
    def resource(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def metadata(self) -> YMap:
        return self.doc.map("metadata")

    @property
    def spec(self) -> YMap:
        return self.doc.map("spec")

    @property
    def labels(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.metadata.map("labels").items()}

    @property
    def annotations(self) -> YMap:
        return self.metadata.map("annotations")

    @property
    def group(self) -> str:
        return self.api_version.split("/", 1)[0] if "/" in self.api_version else ""


@dataclass(eq=False)
class Security:
    """The effective security context of one container."""

    values: dict[str, Any]
    sources: dict[str, YMap]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def source(self, key: str) -> YMap | None:
        """The mapping (pod or container securityContext) that set ``key``."""
        return self.sources.get(key)

    @property
    def runs_as_root(self) -> bool | None:
        """True when it certainly runs as root, None when the image decides."""
        user = self.values.get("runAsUser")
        if isinstance(user, int):
            return user == 0
        if self.values.get("runAsNonRoot") is True:
            return False
        return None

    @property
    def caps_add(self) -> list[str]:
        caps = self.values.get("capabilities")
        return [str(c) for c in (caps.list("add") if isinstance(caps, YMap) else [])]

    @property
    def caps_drop(self) -> list[str]:
        caps = self.values.get("capabilities")
        return [str(c) for c in (caps.list("drop") if isinstance(caps, YMap) else [])]


@dataclass(eq=False)
class Container(AtNode):
    node: YMap
    workload: "Workload"
    init: bool
    index: int

    @property
    def name(self) -> str:
        return str(self.node.get("name") or f"#{self.index}")

    @property
    def image(self) -> str:
        value = self.node.get("image")
        return "" if value is None else str(value)

    @property
    def image_ref(self) -> ImageRef:
        return parse_image(self.image)

    @property
    def resource(self) -> str:
        return f"{self.workload.resource}/container/{self.name}"


    def security(self) -> Security:
        values: dict[str, Any] = {}
        sources: dict[str, YMap] = {}
        pod_ctx = self.workload.pod_spec.get("securityContext")
        if isinstance(pod_ctx, YMap):
            for key in INHERITED_SECURITY:
                if key in pod_ctx:
                    values[key] = pod_ctx[key]
                    sources[key] = pod_ctx
        own = self.node.get("securityContext")
        if isinstance(own, YMap):
            for key, value in own.items():
                values[key] = value
                sources[key] = own
        return Security(values, sources)


@dataclass(eq=False)
class Workload(K8sObject):
    pod_spec: YMap = field(default=None)  # type: ignore[assignment]
    pod_meta: YMap = field(default=None)  # type: ignore[assignment]
    #: ConfigMaps of the same file, name -> [(namespace, data)]: what a mounted configuration says
    file_config_maps: dict = field(default_factory=dict)

    @property
    def replicas(self) -> int | None:
        """Declared replicas; None when unset (defaults to 1) or not applicable."""
        value = self.spec.get("replicas")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def effective_replicas(self) -> int:
        return 1 if self.replicas is None else self.replicas

    @property
    def pod_labels(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self.pod_meta.map("labels").items()}

    @property
    def long_running(self) -> bool:
        """Serves traffic or runs forever (not a Job/CronJob/bare Pod)."""
        return self.kind not in ("Job", "CronJob", "Pod")

    def containers(self, include_init: bool = False) -> Iterator[Container]:
        for index, node in self.pod_spec.list("containers").maps():
            yield Container(node, self, False, index)
        if include_init:
            for index, node in self.pod_spec.list("initContainers").maps():
                yield Container(node, self, True, index)


#: a database image run as one of these is a client (a dump, a wait loop), not a server
CLIENT_COMMANDS = frozenset({
    "psql", "pg_dump", "pg_dumpall", "pg_restore", "pg_isready", "mysql", "mysqldump", "mysqladmin",
    "mariadb", "mariadb-dump", "mongosh", "mongo", "mongodump", "mongorestore", "mongoexport",
    "mongoimport", "redis-cli", "redis-benchmark", "cqlsh", "etcdctl", "mc", "sleep", "true",
    "kafka-topics", "kafka-topics.sh", "kafka-console-consumer", "kafka-console-consumer.sh",
    "kafka-console-producer", "kafka-console-producer.sh", "clickhouse-client", "influx",
})

#: image-name endings of companions to a store (routers, sentinels, tools), not the store itself
COMPANION_SUFFIXES = ("-router", "-sentinel", "-cli", "-tools", "-shell", "-backup", "-init", "-migrate",
                      "-exporter", "-operator", "-proxy", "-ui", "-admin", "-client", "-connect")


def _runs_sentinel(container: "Container") -> bool:
    """A Redis Sentinel: the redis image started as a sentinel (it holds no data)."""
    if container.name.lower() == "sentinel" or container.name.lower().endswith("-sentinel"):
        return True
    words = []
    for key in ("command", "args"):
        words.extend(_str_list(container.node.get(key)))
    for _, env in container.node.list("env").maps():
        if str(env.get("name")) == "SENTINEL" and str(env.get("value")).lower() in ("true", "1", "yes"):
            return True
    return any("redis-sentinel" in w or w.strip() == "--sentinel" or w.strip().endswith("sentinel.conf")
               for w in words)


def server_containers(workload: "Workload") -> Iterator["Container"]:
    """Main containers that may run a server: not a client invocation, a companion or a template."""
    for container in workload.containers():
        ref = container.image_ref
        if not container.image or ref.templated or ref.name.lower().endswith(COMPANION_SUFFIXES):
            continue
        command = container.node.get("command")
        if isinstance(command, YList) and command and isinstance(command[0], str):
            if posixpath.basename(command[0].strip()) in CLIENT_COMMANDS:
                continue
        if _runs_sentinel(container):
            continue
        yield container


def _config_texts(container: "Container") -> list[str]:
    """Server configuration files (``*.conf``) the container mounts from ConfigMaps of its file."""
    workload = container.workload
    if not workload.file_config_maps:
        return []
    volumes = pod_volumes(workload)
    texts: list[str] = []
    for mount in volume_mounts(container):
        entry = volumes.get(str(mount.get("name")))
        if entry is None:
            continue
        volume = entry[1]
        sources = [volume.get("configMap")] + [src.get("configMap") for _, src in volume.map("projected").list("sources").maps()]
        for source in sources:
            if not isinstance(source, YMap) or source.get("name") is None:
                continue
            for namespace, data in workload.file_config_maps.get(str(source.get("name")), ()):
                if namespace not in (None, workload.namespace) and workload.namespace is not None:
                    continue
                texts.extend(str(text) for key, text in data.items()
                             if isinstance(text, str) and str(key).lower().endswith(".conf"))
    return texts


def container_store(container: "Container", known: tuple[str, ...] = DATABASE_IMAGES) -> DataStore | None:
    """The data store a container runs, with what its names, flags, env and mounted config say."""
    node = container.node
    workload = container.workload
    env = {str(e.get("name")): e.get("value") for _, e in node.list("env").maps() if "value" in e}
    return classify_store(
        container.image_ref, names=(workload.name, container.name),
        labels={**workload.labels, **workload.pod_labels},
        words=shell_words(_str_list(node.get("command")) + _str_list(node.get("args"))),
        env=env, configs=_config_texts(container), known=known,
    )


def stateful_stores(workload: "Workload", known: tuple[str, ...] = DATABASE_IMAGES) -> Iterator[tuple["Container", DataStore]]:
    """Server containers that run a store holding state (not a cache), with the store."""
    for container in server_containers(workload):
        store = container_store(container, known)
        if store is not None and store.holds_state:
            yield container, store


#: kinds whose apps/v1 (or Argo Rollouts) form requires ``spec.selector``
_SELECTOR_REQUIRED = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout")
#: operator custom resources that run a replicated data store:
#: (API group, kind) -> (where the member count is, its default when unset (None: required),
#: how counts of a list combine, what the resource runs).  ``*`` walks a list.
OPERATOR_STORES: dict[tuple[str, str], tuple[tuple[str, ...], int | None, str, str]] = {
    ("postgresql.cnpg.io", "Cluster"): (("spec", "instances"), 1, "sum", "PostgreSQL (CloudNativePG)"),
    ("acid.zalan.do", "postgresql"): (("spec", "numberOfInstances"), None, "sum", "PostgreSQL (Zalando postgres-operator)"),
    ("postgres-operator.crunchydata.com", "PostgresCluster"): (
        ("spec", "instances", "*", "replicas"), 1, "sum", "PostgreSQL (Crunchy PGO)"),
    ("mysql.oracle.com", "InnoDBCluster"): (("spec", "instances"), 1, "sum", "MySQL (InnoDB Cluster)"),
    ("pxc.percona.com", "PerconaXtraDBCluster"): (("spec", "pxc", "size"), None, "sum", "MySQL (Percona XtraDB Cluster)"),
    ("psmdb.percona.com", "PerconaServerMongoDB"): (("spec", "replsets", "*", "size"), None, "min", "MongoDB (Percona)"),
    ("mongodbcommunity.mongodb.com", "MongoDBCommunity"): (("spec", "members"), None, "sum", "MongoDB (Community operator)"),
    ("k8s.mariadb.com", "MariaDB"): (("spec", "replicas"), 1, "sum", "MariaDB (mariadb-operator)"),
    ("mariadb.mmontes.io", "MariaDB"): (("spec", "replicas"), 1, "sum", "MariaDB (mariadb-operator)"),
}
OPERATOR_STORE_KINDS = tuple(sorted({kind for _, kind in OPERATOR_STORES}))
#: where an operator store's own resource schedules backups; None: configured in the
#: operator's settings, outside the repository's view (not judged)
OPERATOR_BACKUP_FIELDS: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("postgresql.cnpg.io", "Cluster"): ("spec", "backup"),
    ("acid.zalan.do", "postgresql"): None,
    ("postgres-operator.crunchydata.com", "PostgresCluster"): ("spec", "backups"),
    ("mysql.oracle.com", "InnoDBCluster"): ("spec", "backupSchedules"),
    ("pxc.percona.com", "PerconaXtraDBCluster"): ("spec", "backup", "schedule"),
    ("psmdb.percona.com", "PerconaServerMongoDB"): ("spec", "backup", "tasks"),
    ("mongodbcommunity.mongodb.com", "MongoDBCommunity"): (),
    ("k8s.mariadb.com", "MariaDB"): (),
    ("mariadb.mmontes.io", "MariaDB"): (),
}


def operator_backup(api_version: str, kind: str, doc: YMap) -> bool | None:
    """Whether an operator store's resource configures backups (None: not knowable from it)."""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    where = OPERATOR_BACKUP_FIELDS.get((group, kind), ())
    if where is None:
        return None
    node: Any = doc
    for key in where:
        if not isinstance(node, YMap) or key not in node:
            return False
        node = node.get(key)
    return bool(where) and node not in (None, "", False) and node != [] and node != {}


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def operator_members(api_version: str, kind: str, doc: YMap,
                     explicit: bool = False) -> tuple[int | None, int, tuple] | None:
    """(member count, line, ypath) of an operator-managed store, or None for other objects.

    The count is None when it cannot be known (a required field left out, a templated
    value) or, with ``explicit`` (a patch), when the document does not set it; the line
    and ypath point at the count, or at ``spec`` when it is unset.
    """
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    entry = OPERATOR_STORES.get((group, kind))
    if entry is None:
        return None
    where, default, combine, _ = entry
    spec = doc.map("spec")
    at_spec = (doc.key_line("spec") if "spec" in doc else doc.line, tuple(doc.ypath) + ("spec",))

    def walk(node: Any, rest: tuple[str, ...]) -> list[tuple[Any, int, tuple]]:
        key, tail = rest[0], rest[1:]
        if key == "*":
            if not isinstance(node, YList):
                return []
            return [hit for item in node for hit in walk(item, tail)]
        if not isinstance(node, YMap):
            return []
        if not tail:
            value = node.get(key, _UNSET)
            line = node.key_line(key) if key in node else node.line
            return [(value, line, tuple(node.ypath) + ((key,) if key in node else ()))]
        return walk(node.get(key), tail)

    if explicit:
        default = None
    found = walk(spec, where[1:])
    if not found:
        return (default, *at_spec)
    counts = []
    for value, line, ypath in found:
        if ypath == at_spec[1]:
            line = at_spec[0]  # unset at the top of spec: point at `spec:` itself
        value = default if value is _UNSET else value
        if not _is_count(value):
            return (None, *at_spec)
        counts.append((value, line, ypath))
    pick = min(counts, key=lambda item: item[0])
    total = pick[0] if combine == "min" else sum(count for count, _, _ in counts)
    return (total, pick[1], pick[2])


_UNSET = object()

_OVERLAY_DIRS = ("overlays", "overlay")
_OVERLAY_PLACES = ("envs", "env", "environments", "environment", "variants", "components", "stages")
#: words of a folder name that name one environment (``prod-eu``, ``us_staging``)
_ENV_WORDS = frozenset({
    "prod", "production", "prd", "staging", "stage", "stg", "dev", "development", "qa", "uat", "test",
    "preprod", "nonprod", "sandbox", "local", "live", "integration",
})
_ENV_SPLIT_RE = re.compile(r"[-_.]")
_PATCH_RE = re.compile(r"(^|[-_.])patch(es)?($|[-_.])", re.IGNORECASE)


def looks_like_patch_file(path: str, doc: YMap, kind: str) -> bool:
    """A strategic-merge patch that carries an image, told from a manifest by where it lives.

    apps/v1 workloads cannot be applied without ``spec.selector``; one that has none and
    sits where overlays live is a Kustomize patch: an overlay or environment directory
    (``overlays/prod/api.yaml``, ``envs/prod-eu/version.yml``, ``variants/eu/region.yml``,
    ``staging/app.yaml``) or a file or folder named ``*patch*`` (``patches/replicas.yaml``).
    """
    if kind not in _SELECTOR_REQUIRED or "selector" in doc.map("spec"):
        return False
    return in_overlay_location(path)


def in_patch_location(path: str) -> bool:
    """The file lives in an overlay directory or a file or folder named ``*patch*``."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    return any(p.lower() in _OVERLAY_DIRS for p in parts[:-1]) or any(
        _PATCH_RE.search(p) for p in parts[:-1] + [stem]
    )


def in_overlay_location(path: str) -> bool:
    """:func:`in_patch_location`, or a folder named the way GitOps repositories name overlays.

    Those are ``envs``/``environments``, Kustomize ``variants``/``components``, and folders
    named after an environment (``prod``, ``prod-eu``, ``staging``, ``dev``, ``qa``...).
    Only a signal that confirms another one (a workload without its required selector):
    a full manifest may live in such a folder too.
    """
    return in_patch_location(path) or any(_overlay_dir(p) for p in path.split("/")[:-1])


def _overlay_dir(name: str) -> bool:
    lower = name.lower()
    if lower in _OVERLAY_PLACES:
        return True
    return any(word in _ENV_WORDS for word in _ENV_SPLIT_RE.split(lower))


@dataclass(eq=False)
class WorkloadPatch(K8sObject):
    """A partial workload (a Kustomize/strategic-merge patch): containers without images.

    It is not a :class:`Workload`, so checks for missing settings (probes, limits,
    securityContext) do not run on it: the base it patches carries those.
    """


@dataclass(eq=False)
class Kustomization(AtDoc):
    path: str
    doc: YMap


    @property
    def resources(self) -> list[str]:
        return [str(r) for r in self.doc.list("resources")] + [str(r) for r in self.doc.list("bases")]

    @property
    def is_overlay(self) -> bool:
        """Builds on another kustomization (a ``../base``-style resource)."""
        return any(r.startswith("..") for r in self.resources)


def _pod_template(doc: YMap, kind: str) -> tuple[YMap, YMap] | None:
    spec = doc.map("spec")
    if kind == "Pod":
        return spec, doc.map("metadata")
    if kind == "CronJob":
        template = spec.map("jobTemplate").map("spec").map("template")
    else:
        template = spec.map("template")
    if "spec" not in template and kind not in WORKLOAD_KINDS:
        return None
    return template.map("spec"), template.map("metadata")


def build_object(path: str, doc: YMap, index: int) -> K8sObject:
    kind = str(doc.get("kind"))
    meta = doc.map("metadata")
    name = meta.get("name")
    if name is None:
        name = meta.get("generateName") or f"(unnamed #{index + 1})"
    ns = meta.get("namespace")
    common = dict(
        path=path,
        doc=doc,
        doc_index=index,
        kind=kind,
        api_version=str(doc.get("apiVersion")),
        name=str(name),
        namespace=None if ns is None else str(ns),
    )
    if kind in WORKLOAD_KINDS:
        template = _pod_template(doc, kind)
        if template is not None:
            containers = template[0].get("containers")
            items = [c for c in containers if isinstance(c, YMap)] if isinstance(containers, YList) else []
            if not items or not any("image" in c for c in items) or looks_like_patch_file(path, doc, kind):
                return WorkloadPatch(**common)
            return Workload(pod_spec=template[0], pod_meta=template[1], **common)
    return K8sObject(**common)


def is_kustomize_file_doc(data: YMap) -> bool:
    """A Kustomize ``Kustomization`` (``kustomize.config.k8s.io``), not Flux's same-named resource.

    Flux's ``kustomize.toolkit.fluxcd.io`` Kustomization is an object the cluster runs
    (it installs a path of a source), so it is audited and counted like any other object.
    """
    if data.get("kind") != "Kustomization":
        return False
    return str(data.get("apiVersion") or "").startswith("kustomize.config.k8s.io/")


def _set_settings(node: Any, pod_level: bool) -> list[str]:
    """Hardening settings a (partial) container or pod spec sets to a safe value.

    Names, not check codes: ``checks/overlays.py`` maps checks to what fixes them.
    """
    if not isinstance(node, YMap):
        return []
    out: list[str] = []
    sec = node.get("securityContext")
    sec = sec if isinstance(sec, YMap) else YMap(0, 0, ())
    uid = sec.get("runAsUser")
    if sec.get("runAsNonRoot") is True or (isinstance(uid, int) and not isinstance(uid, bool) and uid > 0):
        out.append("nonroot")
    profile = sec.get("seccompProfile")
    if isinstance(profile, YMap) and str(profile.get("type") or "").lower() in ("runtimedefault", "localhost"):
        out.append("seccomp")
    if pod_level:
        return out
    for probe in ("readinessProbe", "livenessProbe"):
        if isinstance(node.get(probe), YMap):
            out.append(probe)
    resources = node.get("resources")
    if isinstance(resources, YMap):
        for section in ("requests", "limits"):
            values = resources.get(section)
            if isinstance(values, YMap):
                out.extend(f"{section}.{name}" for name in ("cpu", "memory") if values.get(name) not in (None, ""))
    if sec.get("allowPrivilegeEscalation") is False:
        out.append("noescalation")
    if sec.get("readOnlyRootFilesystem") is True:
        out.append("readonlyroot")
    caps = sec.get("capabilities")
    if isinstance(caps, YMap) and any(str(c).strip().upper() in ("ALL", "CAP_ALL") for c in caps.list("drop")):
        out.append("dropall")
    return out


def patch_settings(doc: YMap, kind: str) -> tuple:
    """((container name or "" for the pod, (settings...)), ...) a workload patch sets."""
    template = _pod_template(doc, kind)
    if template is None:
        return ()
    pod_spec = template[0]
    out = []
    pod = _set_settings(pod_spec, pod_level=True)
    if pod:
        out.append(("", tuple(pod)))
    for field_name in ("containers", "initContainers"):
        for _, container in pod_spec.list(field_name).maps():
            settings = _set_settings(container, pod_level=False)
            if settings and container.get("name") is not None:
                out.append((str(container.get("name")), tuple(settings)))
    return tuple(out)


def is_k8s_doc(data: Any) -> bool:
    return isinstance(data, YMap) and "apiVersion" in data and "kind" in data and isinstance(data.get("kind"), str)


def object_facts(obj: K8sObject) -> list[Fact]:
    """What the repository needs to know about one object."""
    data: dict[str, Any] = {
        "name": obj.name,
        "namespace": obj.namespace,
        "labels": obj.labels,
        "api": obj.api_version,
    }
    spec = obj.spec
    if isinstance(obj, Workload):
        data["images"] = [c.image for c in obj.containers(include_init=True)]
        data["pod_labels"] = obj.pod_labels
        data["replicas"] = obj.replicas
        # additive (K8S002): images that may run a server, and where `replicas` is or would go
        data["servers"] = [c.image for c in server_containers(obj)]
        # additive (data-store model): server images that run a cache, not a database
        caches = [c.image for c in server_containers(obj) if (store := container_store(c)) is not None and store.cache]
        data["caches"] = caches or None
        data["replicas_line"] = (spec.key_line("replicas") if "replicas" in spec
                                 else obj.doc.key_line("spec") if "spec" in obj.doc else obj.line)
        # additive (K8S025): claims the pod mounts, and how a Deployment rolls out
        claims = []
        for index, volume in obj.pod_spec.list("volumes").maps():
            claim = volume.map("persistentVolumeClaim").get("claimName")
            if claim is not None and "persistentVolumeClaim" in volume:
                claims.append((str(claim), obj.pod_spec.list("volumes").item_line(index),
                               tuple(obj.pod_spec.list("volumes").ypath) + (index,),
                               volume.map("persistentVolumeClaim").get("readOnly") is True))
        data["claims"] = tuple(claims) or None
        if obj.kind == "Deployment":
            strategy = spec.map("strategy")
            data["strategy"] = str(strategy.get("type") or "RollingUpdate")
            surge = strategy.map("rollingUpdate").get("maxSurge")
            # maxSurge 0 (or "0%"): each old pod stops before its replacement starts
            data["no_surge"] = surge is not None and not isinstance(surge, bool) and str(surge).strip() in ("0", "0%")
    if obj.kind in ("Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PodMonitor"):
        selector = spec.get("selector") if obj.kind == "Service" else spec.map("selector").get("matchLabels")
        if obj.kind == "NetworkPolicy":
            selector = spec.map("podSelector").get("matchLabels") or {}
        if isinstance(selector, dict):
            data["selector"] = {str(k): str(v) for k, v in selector.items()}
    members = operator_members(obj.api_version, obj.kind, obj.doc)
    if members is not None:  # additive (K8S023): an operator-managed data store
        data["members"], data["members_line"], data["members_ypath"] = members
        backup = operator_backup(obj.api_version, obj.kind, obj.doc)
        data["store_backup"] = "unknown" if backup is None else backup
    if obj.kind == "Service" and obj.api_version == "v1":  # additive (K8S080): how it is exposed
        svc_type = str(spec.get("type") or "ClusterIP")
        if svc_type in ("LoadBalancer", "NodePort") or spec.list("externalIPs"):
            data["exposure"] = svc_type if svc_type in ("LoadBalancer", "NodePort") else "externalIPs"
            data["exposure_line"] = spec.key_line("type" if "type" in spec else "externalIPs")
            data["exposure_ypath"] = tuple(spec.ypath) + ("type" if "type" in spec else "externalIPs",)
            data["ports"] = tuple(
                (port.get("port"), port.get("targetPort"), str(port.get("name") or ""))
                for _, port in spec.list("ports").maps())
            annotations = {str(k).lower(): str(v).lower() for k, v in obj.annotations.items()}
            data["internal_lb"] = any(
                ("internal" in key and value in ("true", "internal", "0.0.0.0/0") and "scheme" not in key)
                or (key.endswith("load-balancer-type") and value == "internal")
                or (key.endswith("aws-load-balancer-scheme") and value == "internal")
                for key, value in annotations.items())
            data["source_ranges"] = bool(spec.list("loadBalancerSourceRanges")) or any(
                key.endswith("load-balancer-source-ranges") for key in annotations)
    if obj.kind == "PersistentVolumeClaim":  # additive (K8S025)
        data["access_modes"] = tuple(str(mode) for mode in spec.list("accessModes")) or None
    if obj.kind == "HorizontalPodAutoscaler":
        target = spec.map("scaleTargetRef")
        data["target"] = f"{target.get('kind')}/{target.get('name')}"
    if obj.kind == "Ingress":
        data["tls"] = bool(spec.list("tls"))
        data["annotations"] = sorted(str(k) for k in obj.annotations)
    if isinstance(obj, WorkloadPatch):  # additive (overlay waivers): what the patch hardens
        data["settings"] = patch_settings(obj.doc, obj.kind) or None
    data.update(cluster_facts(obj))
    # patches describe changes to an object defined elsewhere, not an object of their own
    topic = f"k8s-patch:{obj.kind}" if isinstance(obj, WorkloadPatch) else f"k8s:{obj.kind}"
    return [Fact(topic, f"{obj.namespace or ''}/{obj.name}", obj.line, obj.ypath, Fact.pack(**data))]


# -- cluster-level facts (additive keys read by the K8S060-K8S099 repository checks) --

#: words in a Job/CronJob's name, images or command that say "this takes a backup"
BACKUP_WORDS = (
    "backup", "pg_dump", "pg_dumpall", "pg_basebackup", "pgbackrest", "wal-g", "walg",
    "mysqldump", "mariadb-dump", "mariabackup", "xtrabackup", "mongodump", "redis-cli --rdb",
    "restic", "velero", "borg", "kopia", "etcdctl snapshot", "bgsave", "snapshot save",
)


_PLACEHOLDER_RE = re.compile(
    r"^(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Z_][A-Z0-9_]*|<[^<>]*>|\{\{.*\}\}|%[A-Z_]+%|"
    r"(change[-_ ]?me|replace[-_ ]?me|todo|fixme|xxx+|\*+|redacted|placeholder|dummy|example|set[-_ ]?me))$",
    re.IGNORECASE,
)


_CREDENTIAL_KEY_RE = re.compile(r"pass|secret|token|key|credential|auth|private|dsn|url|uri", re.IGNORECASE)


def most_secret_first(keys: list[str]) -> list[int]:
    """Indexes of ``keys`` with credential-like names (password, token, url...) first.

    Evidence shows one redacted value: a password says more than the user name beside it.
    """
    return sorted(range(len(keys)), key=lambda i: (not _CREDENTIAL_KEY_RE.search(keys[i]), i))


def looks_like_placeholder(value: str) -> bool:
    """An empty value, a variable to substitute or an obvious placeholder: not a secret."""
    text = value.strip()
    return not text or bool(_PLACEHOLDER_RE.match(text)) or text.startswith("ENC[")


def _str_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    return []


def _label_selector(node: Any) -> dict[str, Any] | None:
    """A label selector as plain data: match_labels, match_expressions (None if absent)."""
    if not isinstance(node, YMap):
        return None
    labels = node.get("matchLabels")
    exprs = []
    for _, expr in node.list("matchExpressions").maps():
        exprs.append((str(expr.get("key")), str(expr.get("operator")), tuple(_str_list(expr.get("values")))))
    return {
        "match_labels": {str(k): str(v) for k, v in labels.items()} if isinstance(labels, YMap) else {},
        "match_expressions": exprs,
    }


def selector_matches(selector: Any, labels: dict) -> bool:
    """Does a packed label selector (from :func:`_label_selector`) select these labels?"""
    if selector is None:
        return False
    sel = dict(selector) if not isinstance(selector, dict) else selector
    match_labels = dict(sel.get("match_labels") or ())
    for key, value in match_labels.items():
        if labels.get(key) != value:
            return False
    for key, operator, values in sel.get("match_expressions") or ():
        op = operator.lower()
        if op == "in" and labels.get(key) not in values:
            return False
        if op == "notin" and key in labels and labels[key] in values:
            return False
        if op == "exists" and key not in labels:
            return False
        if op == "doesnotexist" and key in labels:
            return False
    return True


def _workload_text(obj: "Workload") -> str:
    parts = [obj.name]
    for container in obj.containers(include_init=True):
        parts.append(container.image)
        for key in ("command", "args"):
            parts.extend(_str_list(container.node.get(key)))
    return " ".join(parts).lower()


def cluster_facts(obj: K8sObject) -> dict[str, Any]:
    """Extra fact keys for cluster-level checks (RBAC, TLS, policies, backups)."""
    data: dict[str, Any] = {}
    spec = obj.spec
    kind = obj.kind
    if obj.kind in WORKLOAD_KINDS and not isinstance(obj, Workload):  # a patch: keep its replicas
        replicas = spec.get("replicas")
        if isinstance(replicas, int) and not isinstance(replicas, bool):
            data["replicas"] = replicas
            data["replicas_line"] = spec.key_line("replicas")
    if isinstance(obj, Workload):
        data["main_images"] = [c.image for c in obj.containers()]
        if kind in ("CronJob", "Job"):
            text = _workload_text(obj)
            data["backup"] = any(word in text for word in BACKUP_WORDS)
    if kind in ("PodDisruptionBudget", "NetworkPolicy"):
        key = "podSelector" if kind == "NetworkPolicy" else "selector"
        data["label_selector"] = _label_selector(spec.get(key))
    if kind == "NetworkPolicy":
        peers = []
        for direction, side in (("ingress", "from"), ("egress", "to")):
            for _, rule in spec.list(direction).maps():
                for _, peer in rule.list(side).maps():
                    sel = peer.get("namespaceSelector")
                    if isinstance(sel, YMap):
                        peers.append((sel.line, sel.ypath, _label_selector(sel)))
        data["namespace_selectors"] = peers
    if kind == "Ingress":
        data["tls_secrets"] = sorted({
            str(t.get("secretName")) for _, t in spec.list("tls").maps() if t.get("secretName")
        })
    if kind == "Certificate":
        data["secret_name"] = None if spec.get("secretName") is None else str(spec.get("secretName"))
    if kind in ("Role", "ClusterRole"):
        rules = []
        for _, rule in obj.doc.list("rules").maps():
            rules.append({
                "line": rule.line,
                "ypath": rule.ypath,
                "api_groups": _str_list(rule.get("apiGroups")),
                "resources": _str_list(rule.get("resources")),
                "verbs": [v.lower() for v in _str_list(rule.get("verbs"))],
                "resource_names": _str_list(rule.get("resourceNames")),
                "non_resource_urls": _str_list(rule.get("nonResourceURLs")),
            })
        data["rules"] = rules
        data["aggregated"] = isinstance(obj.doc.get("aggregationRule"), YMap)
    if kind in ("RoleBinding", "ClusterRoleBinding"):
        ref = obj.doc.map("roleRef")
        data["role_ref"] = f"{ref.get('kind')}/{ref.get('name')}"
        data["subjects"] = [
            f"{s.get('kind')}/{s.get('namespace') or ''}/{s.get('name')}" for _, s in obj.doc.list("subjects").maps()
        ]
    if kind == "Prometheus":
        data["scrape_configs"] = bool(spec.get("additionalScrapeConfigs")) or bool(spec.get("scrapeConfigSelector"))
    if kind == "HorizontalPodAutoscaler":
        data["min_replicas"] = spec.get("minReplicas") if isinstance(spec.get("minReplicas"), int) else None
    if kind == "ScaledObject":  # KEDA
        target = spec.map("scaleTargetRef")
        data["target"] = f"{target.get('kind') or 'Deployment'}/{target.get('name')}"
    return data


def kustomize_facts(k: "Kustomization") -> list[Fact]:
    """Secret generators and replica overrides of one kustomization (topic ``kustomize:details``)."""
    generators = []
    for index, gen in k.doc.list("secretGenerator").maps():
        entry = {"name": str(gen.get("name")), "line": k.doc.list("secretGenerator").item_line(index),
                 "ypath": gen.ypath, "literals": [], "files": []}
        for literal in _str_list(gen.get("literals")):
            key, _, value = literal.partition("=")
            value = value.strip().strip("'\"")
            # only a redacted form is kept: facts must never hold the secret itself
            entry["literals"].append((key.strip(), looks_like_placeholder(value), redact(value)))
        for field_name in ("files", "envs", "env"):
            for item in _str_list(gen.get(field_name)):
                source = item.partition("=")[2] if "=" in item else item
                entry["files"].append((field_name, source.strip()))
        generators.append(entry)
    replicas = []
    seq = k.doc.list("replicas")
    for index, item in seq.maps():
        count = item.get("count")
        if isinstance(count, int) and not isinstance(count, bool):
            replicas.append((str(item.get("name")), count, seq.item_line(index), item.ypath))
    patch_replicas = inline_patch_replicas(k)
    patch_settings_ = inline_patch_settings(k)
    patch_files = json6902_patch_files(k)
    if not generators and not replicas and not patch_replicas and not patch_settings_ and not patch_files:
        return []
    return [Fact("kustomize:details", k.path, k.line, k.ypath,
                 Fact.pack(secret_generators=generators, replicas=replicas, patch_replicas=patch_replicas or None,
                           patch_settings=patch_settings_ or None, patch_files=patch_files or None))]


def json6902_patch_files(k: "Kustomization") -> list[tuple[str, str, str]]:
    """(file, target kind, target name or ANY_NAME) of each patch file given with a ``target``.

    Those files hold JSON6902 operations (``- op: replace``); their facts (topic
    ``kustomize:json6902``) say what they set, and repository checks join the two.
    """
    out = []
    here = posixpath.dirname(k.path)
    for field_name in ("patches", "patchesJson6902"):
        for _, item in k.doc.list(field_name).maps():
            ref, target = item.get("path"), item.get("target")
            if not isinstance(ref, str) or not isinstance(target, YMap) or "://" in ref:
                continue
            name = target.get("name")
            out.append((posixpath.normpath(posixpath.join(here, ref.strip())), str(target.get("kind") or ""),
                        ANY_NAME if name is None else str(name)))
    return out


def is_json6902_ops(data: Any) -> bool:
    """A YAML document that is a list of JSON6902 operations (a Kustomize patch file)."""
    return (isinstance(data, list) and bool(data)
            and all(isinstance(op, dict) and "op" in op and "path" in op for op in data))


#: the pod spec's JSON pointer, by the kinds whose layout differs from a Deployment's
_SETTINGS_LAYOUTS = (("workload", "Deployment"), ("Pod", "Pod"), ("CronJob", "CronJob"))


def json6902_file_facts(path: str, docs: list[YamlDoc]) -> list[Fact]:
    """What a file of JSON6902 operations sets: integer counts by JSON pointer, hardening settings."""
    for doc in docs:
        ops = doc.data
        if not is_json6902_ops(ops):
            continue
        counts = _json6902_counts(ops)
        settings = tuple((layout, found) for layout, kind in _SETTINGS_LAYOUTS
                         if (found := _json6902_settings(ops, kind)))
        return [Fact("kustomize:json6902", path, doc.line, tuple(ops.ypath),
                     Fact.pack(counts=counts or None, settings=settings or None))]
    return []


def json6902_count(counts: Any, kind: str) -> int | None:
    """The replica (or operator member) count that a JSON6902 file's ``counts`` set for ``kind``."""
    paths = {"/spec/replicas"} | {"/" + "/".join(where) for (_, k), (where, *_) in OPERATOR_STORES.items()
                                  if k == kind and "*" not in where}
    return next((value for pointer, value in counts or () if pointer in paths), None)


def json6902_settings_for(settings: Any, kind: str) -> tuple:
    """The per-container settings of a JSON6902 file, read with ``kind``'s pod spec layout."""
    layout = kind if kind in ("Pod", "CronJob") else "workload"
    return next((found for key, found in settings or () if key == layout), ())


_INLINE_PATCH_LIMIT = 20_000


def _json6902_replicas(ops: Any, kind: str = "") -> int | None:
    """The replica (or, for an operator-managed store, member) count JSON6902 operations set."""
    return json6902_count(_json6902_counts(ops), kind) if isinstance(ops, list) else None


def _json6902_counts(ops: list) -> tuple[tuple[str, int], ...]:
    """(JSON pointer, integer) of each add/replace operation that sets a number."""
    return tuple(
        (str(op.get("path")), op.get("value")) for op in ops
        if isinstance(op, dict) and str(op.get("op")) in ("add", "replace")
        and isinstance(op.get("value"), int) and not isinstance(op.get("value"), bool)
    )


#: the name of an inline patch whose target names no object: it applies to every object of its kind
ANY_NAME = "*"


def inline_patch_documents(k: "Kustomization") -> Iterator[tuple[Any, Any, int, tuple]]:
    """(document, target, line, ypath) of every inline patch of a kustomization."""
    for field_name in ("patches", "patchesJson6902", "patchesStrategicMerge"):
        seq = k.doc.list(field_name)
        for index, item in enumerate(seq):
            target: Any = None
            if isinstance(item, YMap):
                text, target = item.get("patch"), item.get("target")
            else:
                text = item
            if not isinstance(text, str) or len(text) > _INLINE_PATCH_LIMIT:
                continue
            if "\n" not in text.strip() and not text.lstrip().startswith(("{", "[")):  # a file name
                continue
            try:
                docs = load_documents(text)
            except (YamlError, ValueError, RecursionError):
                continue
            for doc in docs:
                yield doc.data, target, seq.item_line(index), seq.ypath + (index,)


_POD_SPEC_POINTERS = {"Pod": "/spec/", "CronJob": "/spec/jobTemplate/spec/template/spec/"}


def _json6902_settings(ops: Any, kind: str) -> tuple:
    """Settings JSON6902 ``add``/``replace`` operations give a workload's pod or containers.

    Containers are addressed by position here (``#0``, ``#init0``), not by name.
    """
    if not isinstance(ops, list):
        return ()
    prefix = _POD_SPEC_POINTERS.get(kind, "/spec/template/spec/")
    pod = YMap(0, 0, ())
    containers: dict[str, YMap] = {}
    for op in ops:
        if not isinstance(op, dict) or str(op.get("op")) not in ("add", "replace"):
            continue
        pointer = str(op.get("path") or "")
        if not pointer.startswith(prefix):
            continue
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[len(prefix):].split("/")]
        node = pod
        if len(parts) >= 3 and parts[0] in ("containers", "initContainers") and parts[1].isdigit():
            key = ("#init" if parts[0] == "initContainers" else "#") + parts[1]
            node = containers.setdefault(key, YMap(0, 0, ()))
            parts = parts[2:]
        elif parts[0] in ("containers", "initContainers"):
            continue  # a whole list, or an append ("-"): which container it is, is unknown
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, YMap):
                child = node[part] = YMap(0, 0, ())
            node = child
        if parts and parts[-1]:
            node[parts[-1]] = op.get("value")
    out = []
    pod_settings = _set_settings(pod, pod_level=True)
    if pod_settings:
        out.append(("", tuple(pod_settings)))
    for key, fragment in sorted(containers.items()):
        settings = _set_settings(fragment, pod_level=False)
        if settings:
            out.append((key, tuple(settings)))
    return tuple(out)


def inline_patch_settings(k: "Kustomization") -> list[tuple]:
    """(kind, name, settings) for each inline patch of a workload (see patch_settings).

    Strategic-merge patches name their containers; JSON6902 operations address them by
    position (``#0``).
    """
    out = []
    for data, target, _, _ in inline_patch_documents(k):
        if isinstance(data, YMap) and str(data.get("kind")) in WORKLOAD_KINDS:
            settings = patch_settings(data, str(data.get("kind")))
            name = data.map("metadata").get("name")
            kind = str(data.get("kind"))
        elif isinstance(target, YMap) and str(target.get("kind") or "") in WORKLOAD_KINDS:
            kind = str(target.get("kind"))
            settings = _json6902_settings(data, kind)
            name = None
        else:
            continue
        if settings:
            if name is None and isinstance(target, YMap):
                name = target.get("name")
            out.append((kind, ANY_NAME if name is None else str(name), settings))
    return out


def inline_patch_replicas(k: "Kustomization") -> list[tuple]:
    """(kind, name, count, line, ypath) for each inline patch of this kustomization that sets replicas.

    Covers ``patches``/``patchesJson6902`` items with ``patch: |`` (a strategic-merge
    object or JSON6902 operations on a ``target``) and inline strings in
    ``patchesStrategicMerge``.  Patch files are objects of their own (``k8s-patch:*``).
    """
    out: list[tuple] = []
    for data, target, line, ypath in inline_patch_documents(k):
        if isinstance(data, YMap) and "kind" in data:
            count = data.map("spec").get("replicas")
            members = operator_members(str(data.get("apiVersion") or ""), str(data.get("kind")), data,
                                       explicit=True)
            if members is not None:
                count = members[0]
            if isinstance(count, int) and not isinstance(count, bool):
                name = data.map("metadata").get("name")
                if name is None and isinstance(target, YMap):
                    name = target.get("name")
                out.append((str(data.get("kind")), ANY_NAME if name is None else str(name), count, line, ypath))
        elif isinstance(target, YMap):
            count = _json6902_replicas(data, str(target.get("kind") or ""))
            if count is not None:
                # a target without a name (kind only, or a label selector) patches every match
                name = target.get("name")
                out.append((str(target.get("kind") or ""), ANY_NAME if name is None else str(name),
                            count, line, ypath))
    return out


def parse_manifests(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.KUBERNETES)
    for doc in docs:
        data = doc.data
        if data is None:
            continue
        if is_k8s_doc(data):
            if is_kustomize_file_doc(data):
                parsed.units.append(Kustomization(path, data))
                parsed.facts.append(Fact("kustomization", path, data.line, data.ypath))
                parsed.facts.extend(kustomize_facts(parsed.units[-1]))
                parsed.facts.extend(kustomize_image_facts(parsed.units[-1]))
                continue
            if data.get("kind") == "List" and isinstance(data.get("items"), YList):
                items = [item for _, item in data["items"].maps() if is_k8s_doc(item)]
            else:
                items = [data]
            for item in items:
                parsed.units.append(build_object(path, item, doc.index))
        elif isinstance(data, YMap):
            missing = [k for k in ("apiVersion", "kind") if k not in data]
            parsed.notices.append(
                f"line {doc.line}: document {doc.index + 1} is not a Kubernetes object "
                f"(no {' or '.join(missing)}); not audited"
            )
    config_maps: dict[str, list[tuple[str | None, YMap]]] = {}
    for obj in parsed.units:
        if isinstance(obj, K8sObject) and obj.kind == "ConfigMap" and isinstance(obj.doc.get("data"), YMap):
            config_maps.setdefault(obj.name, []).append((obj.namespace, obj.doc.get("data")))
    for obj in parsed.units:
        if isinstance(obj, Workload):
            obj.file_config_maps = config_maps
        if isinstance(obj, K8sObject):
            parsed.facts.extend(object_facts(obj))
            parsed.facts.extend(workload_facts(obj))
    return parsed


def parse_kustomization(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.KUSTOMIZATION)
    for doc in docs:
        if isinstance(doc.data, YMap):
            parsed.units.append(Kustomization(path, doc.data))
            parsed.facts.append(
                Fact("kustomization", path, doc.data.line, doc.data.ypath,
                     Fact.pack(resources=Kustomization(path, doc.data).resources,
                               components=[str(c) for c in doc.data.list("components")] or None))
            )
            parsed.facts.extend(kustomize_facts(parsed.units[-1]))
            parsed.facts.extend(kustomize_image_facts(parsed.units[-1]))
    return parsed


# -- workload helpers and facts (additive; read by the K8S001-K8S059 checks) --

#: volume sources whose data outlives the pod (an emptyDir or configMap does not)
PERSISTENT_VOLUME_SOURCES = (
    "persistentVolumeClaim", "hostPath", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk",
    "azureFile", "nfs", "cephfs", "rbd", "iscsi", "cinder", "glusterfs", "portworxVolume", "fc",
    "flocker", "quobyte", "storageos", "vsphereVolume", "photonPersistentDisk", "scaleIO",
)


def pod_volumes(workload: "Workload") -> dict[str, tuple[int, YMap]]:
    """The pod's volumes by name: (index in ``spec.volumes``, volume item)."""
    out: dict[str, tuple[int, YMap]] = {}
    for index, item in workload.pod_spec.list("volumes").maps():
        name = item.get("name")
        if name is not None:
            out.setdefault(str(name), (index, item))
    return out


def claim_template_names(workload: "Workload") -> set[str]:
    """Names of a StatefulSet's ``volumeClaimTemplates``."""
    names = set()
    for _, item in workload.spec.list("volumeClaimTemplates").maps():
        name = item.map("metadata").get("name")
        if name is not None:
            names.add(str(name))
    return names


def volume_mounts(container: "Container") -> list[YMap]:
    return [m for _, m in container.node.list("volumeMounts").maps()]


def is_native_sidecar(container: "Container") -> bool:
    """An init container with ``restartPolicy: Always`` runs for the pod's whole life."""
    return container.init and str(container.node.get("restartPolicy") or "") == "Always"


def long_lived_containers(workload: "Workload") -> Iterator["Container"]:
    """Main containers plus native sidecars: the ones that run as long as the pod."""
    for container in workload.containers(include_init=True):
        if not container.init or is_native_sidecar(container):
            yield container


_HOST_TOKEN_RE = re.compile(r"(?<![\w.-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*")
_LOOPBACK_RE = re.compile(r"^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$")
_BIND_WORD_RE = re.compile(r"bind|listen", re.IGNORECASE)
_USERINFO_RE = re.compile(r"//[^/@\s]+@")


def dev_hosts(text: str) -> list[tuple[str, str]]:
    """(host, category) for each development-only host in ``text``.

    Categories: ``loopback`` (localhost, 127.x), ``docker`` (``*.docker.internal``),
    ``mdns`` (``*.local`` but not the cluster's ``*.cluster.local``) and ``dev``
    (``*.localhost``).  Tokens that are part of a path (``/opt/app.local``) are skipped.
    """
    found: list[tuple[str, str]] = []
    for match in _HOST_TOKEN_RE.finditer(text):
        start = match.start()
        if start and text[start - 1] == "/" and text[max(0, start - 3):start] != "://":
            continue
        host = match.group(0).rstrip("-").lower()
        if _LOOPBACK_RE.match(host):
            category = "loopback"
        elif host.endswith(".docker.internal"):
            category = "docker"
        elif host.endswith(".localhost"):
            category = "dev"
        elif host.endswith(".local") and host != "cluster.local" and not host.endswith(".cluster.local"):
            category = "mdns"
        else:
            continue
        found.append((host, category))
    return found


def _connection_like(value: str, host: str) -> bool:
    """The value names a host to connect to (a URL, ``host:port`` or the bare host)."""
    text = value.strip().lower()
    if "://" in text or "@" + host in text:
        return True
    return bool(re.fullmatch(re.escape(host) + r"(:\d+)?(/\S*)?", text))


def _value_line(at: YMap | YList, key: Any, value: str, host: str) -> int:
    """The line of ``host`` inside the value at ``at[key]`` (block scalars span lines)."""
    if isinstance(at, YList):
        return at.item_line(key)
    line = at.key_line(key)
    first, last = at.value_span(key)
    if last > first and first == line:  # a block scalar: its text starts below the key
        lines = value.splitlines()
        offset = next((i for i, text in enumerate(lines) if host in text.lower()), 0)
        return min(line + 1 + offset, last)
    return first


def _devhost_facts(owner: str, resource: str, where: str, value: Any, at: YMap | YList, key: Any,
                   shared_loopback: bool, bind_key: str = "") -> list[Fact]:
    if not isinstance(value, str) or not value.strip():
        return []
    facts = []
    multiline = "\n" in value.strip()
    for host, category in dev_hosts(value):
        snippet = next((t.strip() for t in value.splitlines() if host in t.lower()), value.strip())
        facts.append(Fact(
            "workload:devhost", f"{owner}#{'/'.join(map(str, at.ypath + (key,)))}#{host}",
            _value_line(at, key, value, host), at.ypath + (key,),
            Fact.pack(host=host, category=category, where=where, resource=resource,
                      snippet=_USERINFO_RE.sub("//", snippet)[:120],
                      multiline=multiline, shared_loopback=shared_loopback,
                      bind=bool(_BIND_WORD_RE.search(bind_key)),
                      connection=_connection_like(value, host)),
        ))
    return facts


def _scraped(obj: "Workload") -> bool:
    """Annotation-based Prometheus scraping (``prometheus.io/scrape: "true"``) on the pod or object."""
    for meta in (obj.pod_meta, obj.metadata):
        annotations = meta.get("annotations") if isinstance(meta, YMap) else None
        if isinstance(annotations, YMap) and str(annotations.get("prometheus.io/scrape", "")).lower() == "true":
            return True
    return False


def workload_facts(obj: K8sObject) -> list[Fact]:
    """Facts the workload repository checks need, each with its own position.

    ``workload:pod`` (one per pod template with containers: service account, token automount),
    ``workload:image`` (one per container image), ``workload:sa`` (ServiceAccount token automount)
    and ``workload:devhost`` (development-only hosts in env values, args and ConfigMap data).
    """
    facts: list[Fact] = []
    owner = f"{obj.namespace or ''}/{obj.kind}/{obj.name}"
    if obj.kind == "ServiceAccount":
        automount = obj.doc.get("automountServiceAccountToken")
        facts.append(Fact("workload:sa", f"{obj.namespace or ''}/{obj.name}", obj.line, obj.ypath, Fact.pack(
            name=obj.name, namespace=obj.namespace, automount=automount if isinstance(automount, bool) else None)))
    if obj.kind == "ConfigMap":
        data = obj.doc.get("data")
        if isinstance(data, YMap):
            for key, value in data.items():
                facts.extend(_devhost_facts(owner, obj.resource, f"data key {key!r}", value, data, key,
                                            False, str(key)))
    if isinstance(obj, WorkloadPatch):
        # an overlay that sets an image deploys that image: keep it for the image checks
        template = _pod_template(obj.doc, obj.kind)
        if template is not None:
            for section, init in (("containers", False), ("initContainers", True)):
                for index, node in template[0].list(section).maps():
                    image = node.get("image")
                    if isinstance(image, str) and image.strip():
                        name = str(node.get("name") or f"#{index}")
                        facts.append(Fact("workload:image", f"{owner}/{name}", node.key_line("image"),
                                          node.ypath + ("image",),
                                          Fact.pack(image=image.strip(), resource=f"{obj.resource}/container/{name}",
                                                    init=init, patch=True)))
        return facts
    if not isinstance(obj, Workload):
        return facts
    containers = list(obj.containers(include_init=True))
    if not containers:  # a patch or a bare template: nothing runs from it
        return facts
    pod = obj.pod_spec
    automount = pod.get("automountServiceAccountToken")
    account = pod.get("serviceAccountName") or pod.get("serviceAccount") or "default"
    facts.append(Fact("workload:pod", owner, pod.line, pod.ypath, Fact.pack(
        kind=obj.kind, name=obj.name, namespace=obj.namespace, resource=obj.resource,
        service_account=str(account), automount=automount if isinstance(automount, bool) else None,
        automount_line=pod.key_line("automountServiceAccountToken") if "automountServiceAccountToken" in pod else None,
        scrape=_scraped(obj) or None,
    )))
    shared_loopback = pod.get("hostNetwork") is True or sum(1 for _ in long_lived_containers(obj)) > 1
    for container in containers:
        image = container.node.get("image")
        if isinstance(image, str) and image.strip():
            facts.append(Fact("workload:image", f"{owner}/{container.name}", container.node.key_line("image"),
                              container.ypath + ("image",),
                              Fact.pack(image=image.strip(), resource=container.resource, init=container.init)))
        for _, env in container.node.list("env").maps():
            if env.get("name") is not None:
                # variables the manifests document (ENV003 compares code reads with them)
                facts.append(Fact("workload:env", str(env.get("name")), env.line, env.ypath))
            if "value" in env:
                name = str(env.get("name"))
                facts.extend(_devhost_facts(owner, container.resource, f"env {name}", env.get("value"), env,
                                            "value", shared_loopback, name))
        if container.node.list("envFrom"):
            # names come from a ConfigMap/Secret we may not see: the env is not fully known
            facts.append(Fact("workload:env-from", f"{owner}/{container.name}", container.line, container.ypath))
        args = container.node.list("args")
        for index, arg in enumerate(args):
            if isinstance(arg, str):
                flag = arg.split("=", 1)[0] if "=" in arg else (str(args[index - 1]) if index else "")
                facts.extend(_devhost_facts(owner, container.resource, "args", arg, args, index,
                                            shared_loopback, flag))
    return facts


def kustomize_image_facts(k: "Kustomization") -> list[Fact]:
    """The ``images:`` overrides of one kustomization (topic ``kustomize:images``)."""
    images = []
    seq = k.doc.list("images")
    for _, item in seq.maps():
        name = item.get("name")
        if name is None:
            continue
        images.append((str(name),) + tuple(
            "" if item.get(key) is None else str(item.get(key)) for key in ("newName", "newTag", "digest")
        ))
    if not images:
        return []
    return [Fact("kustomize:images", k.path, seq.line, seq.ypath, Fact.pack(images=images))]
