from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.k8s.objects import K8sObject, Workload
from ..models.yamlnodes import YMap

CHECK = Check(
    code="K8S077",
    name="jaeger-in-memory-storage",
    title="Jaeger keeps traces in memory (all-in-one / memory storage)",
    severity=Severity.MEDIUM,
    category=Category.MONITORING,
    rationale=(
        "Jaeger's all-in-one distribution and its `memory` span store are meant for trying "
        "Jaeger out: every trace is lost when the pod restarts, memory grows until the pod is "
        "OOM-killed, and it cannot run more than one replica. The traces are gone exactly when "
        "an incident needs them."
    ),
    remediation=(
        "Use the production strategy (separate collector and query) with a persistent span store "
        "(Elasticsearch/OpenSearch, Cassandra, or a remote store).",
        "For a small installation, at least use Badger on a persistent volume.",
    ),
    effort="4h",
    references=(
        "https://www.jaegertracing.io/docs/latest/deployment/",
        "https://www.jaegertracing.io/docs/latest/operator/#deployment-strategies",
    ),
)


def _env(container) -> dict:
    out = {}
    for _, item in container.node.list("env").maps():
        if item.get("name") is not None and not isinstance(item.get("value"), (YMap, list)):
            out[str(item.get("name"))] = item
    return out


@CHECK.on(K8sObject)
def jaeger_in_memory_storage(obj: K8sObject) -> Iterator[Finding]:
    if obj.kind == "Jaeger" and obj.api_version.startswith("jaegertracing.io/"):
        spec = obj.spec
        strategy = str(spec.get("strategy") or "allInOne")
        storage = spec.get("storage")
        storage_type = str(storage.get("type") or "memory") if isinstance(storage, YMap) else "memory"
        if storage_type.lower() == "memory":
            at, key = (storage, "type") if isinstance(storage, YMap) and "type" in storage else (obj.doc, "spec")
            yield CHECK.finding(
                at, key, resource=obj.resource,
                message=f"{obj.resource} stores spans in memory (strategy {strategy}): traces are lost on restart",
                evidence=f"strategy: {strategy}, storage.type: {storage_type}",
            )
        return
    if not isinstance(obj, Workload) or not obj.long_running:
        return
    for container in obj.containers():
        ref = container.image_ref
        env = _env(container)
        storage = env.get("SPAN_STORAGE_TYPE")
        value = str(storage.get("value") or "") if storage is not None else ""
        jaeger = "jaeger" in ref.repository.lower()
        if storage is not None and value.lower() == "memory":
            yield CHECK.finding(
                storage, "value", resource=container.resource,
                message=f"container {container.name!r} of {obj.resource} keeps Jaeger spans in memory",
                evidence="SPAN_STORAGE_TYPE=memory",
            )
        elif jaeger and ref.name.lower() == "all-in-one" and (storage is None or not value):
            yield CHECK.finding(
                container.node, "image", resource=container.resource,
                message=f"container {container.name!r} of {obj.resource} runs Jaeger all-in-one with its "
                        f"default in-memory span storage",
                evidence=f"image: {container.image}",
            )
