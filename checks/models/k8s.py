"""Kubernetes manifests and Kustomizations as typed objects.

Every document with ``apiVersion`` and ``kind`` becomes a :class:`K8sObject`;
objects that carry a pod template become a :class:`Workload` with their
:class:`Container` list.  A container's :meth:`Container.security` merges the
pod-level ``securityContext`` into the container's own (the container wins), which is
how the kubelet applies it: checks that read only the container's settings are the
commonest source of false positives in peer tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from .base import Fact, FileKind, ParsedFile
from .images import ImageRef, parse_image
from .yamlnodes import YamlDoc, YList, YMap

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
class K8sObject:
    path: str
    doc: YMap
    doc_index: int
    kind: str
    api_version: str
    name: str
    namespace: str | None

    # -- positions (so a finding can point at the object itself) --------------
    @property
    def line(self) -> int:
        return self.doc.line

    @property
    def end_line(self) -> int:
        return self.doc.end_line

    @property
    def ypath(self) -> tuple:
        return self.doc.ypath

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
class Container:
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

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def end_line(self) -> int:
        return self.node.end_line

    @property
    def ypath(self) -> tuple:
        return self.node.ypath

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


@dataclass(eq=False)
class Kustomization:
    path: str
    doc: YMap

    @property
    def line(self) -> int:
        return self.doc.line

    @property
    def end_line(self) -> int:
        return self.doc.end_line

    @property
    def ypath(self) -> tuple:
        return self.doc.ypath

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
            return Workload(pod_spec=template[0], pod_meta=template[1], **common)
    return K8sObject(**common)


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
    if obj.kind in ("Service", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PodMonitor"):
        selector = spec.get("selector") if obj.kind == "Service" else spec.map("selector").get("matchLabels")
        if obj.kind == "NetworkPolicy":
            selector = spec.map("podSelector").get("matchLabels") or {}
        if isinstance(selector, dict):
            data["selector"] = {str(k): str(v) for k, v in selector.items()}
    if obj.kind == "HorizontalPodAutoscaler":
        target = spec.map("scaleTargetRef")
        data["target"] = f"{target.get('kind')}/{target.get('name')}"
    if obj.kind == "Ingress":
        data["tls"] = bool(spec.list("tls"))
        data["annotations"] = sorted(str(k) for k in obj.annotations)
    return [Fact(f"k8s:{obj.kind}", f"{obj.namespace or ''}/{obj.name}", obj.line, obj.ypath, Fact.pack(**data))]


def parse_manifests(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.KUBERNETES)
    for doc in docs:
        data = doc.data
        if data is None:
            continue
        if is_k8s_doc(data):
            if data.get("kind") == "Kustomization":
                parsed.units.append(Kustomization(path, data))
                parsed.facts.append(Fact("kustomization", path, data.line, data.ypath))
                continue
            if data.get("kind") == "List" and isinstance(data.get("items"), YList):
                items = [item for _, item in data["items"].maps() if is_k8s_doc(item)]
            else:
                items = [data]
            for item in items:
                obj = build_object(path, item, doc.index)
                parsed.units.append(obj)
                parsed.facts.extend(object_facts(obj))
        elif isinstance(data, YMap):
            missing = [k for k in ("apiVersion", "kind") if k not in data]
            parsed.notices.append(
                f"line {doc.line}: document {doc.index + 1} is not a Kubernetes object "
                f"(no {' or '.join(missing)}); not audited"
            )
    return parsed


def parse_kustomization(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.KUSTOMIZATION)
    for doc in docs:
        if isinstance(doc.data, YMap):
            parsed.units.append(Kustomization(path, doc.data))
            parsed.facts.append(
                Fact("kustomization", path, doc.data.line, doc.data.ypath,
                     Fact.pack(resources=Kustomization(path, doc.data).resources))
            )
    return parsed
