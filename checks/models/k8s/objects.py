"""Kubernetes objects as typed models: objects, workloads, containers, kustomizations.

Every document with ``apiVersion`` and ``kind`` becomes a :class:`K8sObject`;
objects that carry a pod template become a :class:`Workload` with their
:class:`Container` list.  A container's :meth:`Container.security` merges the
pod-level ``securityContext`` into the container's own (the container wins), which is
how the kubelet applies it: checks that read only the container's settings are the
commonest source of false positives in peer tools.  Also here: what a pod runs
(server containers, native sidecars) and mounts (volumes, claims).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from ..base import AtDoc, AtNode
from ..datastore import DataStore, Role, engine_of, helper_command, role_of, shell_words
from ..datastore import describe as describe_store
from ..images import DATABASE_IMAGES, ImageRef, parse_image
from ..users import uid_of
from ..yamlnodes import YList, YMap
from .layout import looks_like_patch_file

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
    #: a Kustomize patch (a partial object merged into one defined elsewhere), not an object of
    #: its own: see :mod:`.patchrefs`.  Checks judge what it sets only when they declare so
    #: (``CHECK.on(..., patches=True)``); its facts are ``k8s-patch:<Kind>``, not ``k8s:<Kind>``
    is_patch: bool = False
    #: service accounts of one-shot bootstrap Jobs of the same file, (namespace or "", name) ->
    #: (the Job, why it is bootstrap): see :func:`.node_agents.bootstrap_installer`
    file_bootstrap_accounts: dict = field(default_factory=dict)

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
        user = uid_of(self.values.get("runAsUser"))
        if user is not None:
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
    workload: Workload
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
    #: the containers that may run a server, once read (see :func:`server_containers`)
    _servers: list[Container] | None = field(default=None, init=False, repr=False)
    _containers: tuple[tuple[Container, ...], tuple[Container, ...]] | None = field(default=None, init=False, repr=False)

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
        """The main containers, then the init containers with ``include_init`` (made once: most
        checks ask, and the document under them does not change)."""
        if self._containers is None:
            self._containers = (
                tuple(Container(node, self, False, index) for index, node in self.pod_spec.list("containers").maps()),
                tuple(Container(node, self, True, index) for index, node in self.pod_spec.list("initContainers").maps()),
            )
        yield from self._containers[0]
        if include_init:
            yield from self._containers[1]


#: image-name endings of companions to a store (routers, sentinels, tools), not the store itself
COMPANION_SUFFIXES = ("-router", "-sentinel", "-cli", "-tools", "-shell", "-backup", "-init", "-migrate",
                      "-exporter", "-operator", "-proxy", "-ui", "-admin", "-client", "-connect")


def _runs_sentinel(container: Container) -> bool:
    """A Redis Sentinel: the redis image started as a sentinel (it holds no data)."""
    if container.name.lower() == "sentinel" or container.name.lower().endswith("-sentinel"):
        return True
    words = []
    for key in ("command", "args"):
        words.extend(str_list(container.node.get(key)))
    for _, env in container.node.list("env").maps():
        if str(env.get("name")) == "SENTINEL" and str(env.get("value")).lower() in ("true", "1", "yes"):
            return True
    return any("redis-sentinel" in w or w.strip() == "--sentinel" or w.strip().endswith("sentinel.conf")
               for w in words)


def _written(value: Any) -> list[str] | None:
    return [str(v) for v in value if isinstance(v, (str, int, float))] if isinstance(value, YList) else None


def server_containers(workload: Workload) -> Iterator[Container]:
    """Main containers that may run a server: not a client invocation, a companion or a template.

    Read once per workload (its facts and two checks ask; a shell form is parsed to tell a
    helper from a server) and kept on it, as the document under it does not change."""
    if workload._servers is None:
        workload._servers = list(_server_containers(workload))
    return iter(workload._servers)


def _server_containers(workload: Workload) -> Iterator[Container]:
    for container in workload.containers():
        ref = container.image_ref
        if not container.image or ref.templated or ref.name.lower().endswith(COMPANION_SUFFIXES):
            continue
        if helper_command(_written(container.node.get("command")), _written(container.node.get("args"))):
            continue  # a client or setup step on the image (a dump, a wait loop): no server
        if _runs_sentinel(container):
            continue
        yield container


def _config_texts(container: Container) -> list[str]:
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


def container_store(container: Container, known: tuple[str, ...] = DATABASE_IMAGES) -> DataStore | None:
    """The data store a container runs, with what its names, flags, env and mounted config say."""
    engine = engine_of(container.image_ref, known)
    if engine is None:
        return None
    if role_of(engine) is not Role.KEY_VALUE:
        return describe_store(engine)  # only a key-value store's settings can make it a cache
    node = container.node
    workload = container.workload
    return describe_store(
        engine, names=(workload.name, container.name),
        labels={**workload.labels, **workload.pod_labels},
        words=shell_words(str_list(node.get("command")) + str_list(node.get("args"))),
        env={str(e.get("name")): e.get("value") for _, e in node.list("env").maps() if "value" in e},
        configs=_config_texts(container),
    )


def stateful_stores(workload: Workload, known: tuple[str, ...] = DATABASE_IMAGES) -> Iterator[tuple[Container, DataStore]]:
    """Server containers that run a store holding state (not a cache), with the store."""
    for container in server_containers(workload):
        store = container_store(container, known)
        if store is not None and store.holds_state:
            yield container, store


@dataclass(eq=False)
class WorkloadPatch(K8sObject):
    """A partial workload (a Kustomize/strategic-merge patch): containers without images.

    It is not a :class:`Workload`, so checks for missing settings (probes, limits,
    securityContext) do not run on it: the base it patches carries those.
    """

    is_patch: bool = True


@dataclass(eq=False)
class Kustomization(AtDoc):
    path: str
    doc: YMap


    @property
    def resources(self) -> list[str]:
        return [str(r) for r in self.doc.list("resources")] + [str(r) for r in self.doc.list("bases")]

    @property
    def reads(self) -> list[str]:
        """The other local files it reads (patches, generator sources, chart values, CRDs,
        transformer configurations), as written: relative to its folder."""
        out: list[str] = []
        for field_name in ("patches", "patchesJson6902"):
            out.extend(str(item.get("path")) for _, item in self.doc.list(field_name).maps()
                       if isinstance(item.get("path"), str))
        for field_name in ("patchesStrategicMerge", "crds", "configurations", "transformers", "generators",
                           "validators"):
            out.extend(str(entry) for entry in self.doc.list(field_name)
                       if isinstance(entry, str) and "\n" not in entry and ":" not in entry)
        for field_name in ("configMapGenerator", "secretGenerator"):
            for _, gen in self.doc.list(field_name).maps():
                for source in ("files", "envs", "env"):
                    value = gen.get(source)
                    items = [value] if isinstance(value, str) else [v for v in gen.list(source) if isinstance(v, str)]
                    out.extend(item.partition("=")[2] if "=" in item else item for item in items)
        out.extend(str(item.get("valuesFile")) for _, item in self.doc.list("helmCharts").maps()
                   if isinstance(item.get("valuesFile"), str))
        return [entry.strip() for entry in out if entry.strip()]

    @property
    def is_overlay(self) -> bool:
        """Builds on another kustomization (a ``../base``-style resource)."""
        return any(r.startswith("..") for r in self.resources)


def pod_template(doc: YMap, kind: str) -> tuple[YMap, YMap] | None:
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


class _ObjectFields(TypedDict):
    """The fields :func:`build_object` gives every kind of :class:`K8sObject` it builds."""

    path: str
    doc: YMap
    doc_index: int
    kind: str
    api_version: str
    name: str
    namespace: str | None
    is_patch: NotRequired[bool]


def build_object(path: str, doc: YMap, index: int) -> K8sObject:
    kind = str(doc.get("kind"))
    meta = doc.map("metadata")
    name = meta.get("name")
    # no name (nor generateName): no API server accepts it; a fragment merged into a named
    # object (a Kustomize patch whose target selects by kind or label, a patch template)
    fragment = name is None and meta.get("generateName") is None
    if name is None:
        name = meta.get("generateName") or f"(unnamed #{index + 1})"
    ns = meta.get("namespace")
    common: _ObjectFields = {
        "path": path,
        "doc": doc,
        "doc_index": index,
        "kind": kind,
        "api_version": str(doc.get("apiVersion")),
        "name": str(name),
        "namespace": None if ns is None else str(ns),
    }
    if fragment:
        common["is_patch"] = True
    if kind in WORKLOAD_KINDS:
        template = pod_template(doc, kind)
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


def is_k8s_doc(data: Any) -> bool:
    return isinstance(data, YMap) and "apiVersion" in data and "kind" in data and isinstance(data.get("kind"), str)


def str_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    return []


#: volume sources whose data outlives the pod (an emptyDir or configMap does not)
PERSISTENT_VOLUME_SOURCES = (
    "persistentVolumeClaim", "hostPath", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk",
    "azureFile", "nfs", "cephfs", "rbd", "iscsi", "cinder", "glusterfs", "portworxVolume", "fc",
    "flocker", "quobyte", "storageos", "vsphereVolume", "photonPersistentDisk", "scaleIO",
)


def pod_volumes(workload: Workload) -> dict[str, tuple[int, YMap]]:
    """The pod's volumes by name: (index in ``spec.volumes``, volume item)."""
    out: dict[str, tuple[int, YMap]] = {}
    for index, item in workload.pod_spec.list("volumes").maps():
        name = item.get("name")
        if name is not None:
            out.setdefault(str(name), (index, item))
    return out


def claim_template_names(workload: Workload) -> set[str]:
    """Names of a StatefulSet's ``volumeClaimTemplates``."""
    names = set()
    for _, item in workload.spec.list("volumeClaimTemplates").maps():
        name = item.map("metadata").get("name")
        if name is not None:
            names.add(str(name))
    return names


def volume_mounts(container: Container) -> list[YMap]:
    return [m for _, m in container.node.list("volumeMounts").maps()]


def is_native_sidecar(container: Container) -> bool:
    """An init container with ``restartPolicy: Always`` runs for the pod's whole life."""
    return container.init and str(container.node.get("restartPolicy") or "") == "Always"


def long_lived_containers(workload: Workload) -> Iterator[Container]:
    """Main containers plus native sidecars: the ones that run as long as the pod."""
    for container in workload.containers(include_init=True):
        if not container.init or is_native_sidecar(container):
            yield container



def keeps_data_on_persistent_volume(container: Container) -> bool:
    """Whether the container mounts a volume that outlives the pod (a claim, a claim template,
    or a persistent source such as a cloud disk or NFS): its data survives a reschedule.

    False when it mounts only ephemeral volumes (``emptyDir``, ``ephemeral``, config) or none,
    in which case the data lives and dies with the pod.
    """
    workload = container.workload
    volumes = pod_volumes(workload)
    claims = claim_template_names(workload)
    for mount in volume_mounts(container):
        name = str(mount.get("name"))
        if name in claims:
            return True
        entry = volumes.get(name)
        if entry is not None and any(source in entry[1] for source in PERSISTENT_VOLUME_SOURCES):
            return True
    return False
