"""Kubernetes manifests and kustomization files, from YAML documents to a ParsedFile."""

from __future__ import annotations

from .. import gitops, vendored
from ..base import Fact, FileKind, ParsedFile
from ..shell_hosts import kubernetes_shells
from ..topics import KUSTOMIZATION, VENDORED_FILE, KustomizationData, VendoredFileData
from ..yamlnodes import YamlDoc, YList, YMap
from .facts import kustomize_facts, kustomize_image_facts, object_facts, workload_facts
from .node_agents import bootstrap_installer
from .objects import K8sObject, Kustomization, Workload, build_object, is_k8s_doc, is_kustomize_file_doc
from .patchrefs import replacement_facts


def parse_manifests(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.KUBERNETES)
    for doc in docs:
        data = doc.data
        if data is None:
            continue
        if is_k8s_doc(data):
            if is_kustomize_file_doc(data):
                parsed.units.append(Kustomization(path, data))
                parsed.facts.append(Fact(KUSTOMIZATION, path, data.line, data.ypath, data=KustomizationData()))
                parsed.facts.extend(kustomize_facts(parsed.units[-1]))
                parsed.facts.extend(kustomize_image_facts(parsed.units[-1]))
                parsed.facts.extend(replacement_facts(parsed.units[-1]))
                gitops.extend(parsed, gitops.kustomization_extras(parsed.units[-1]))
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
        if isinstance(obj, K8sObject) and obj.kind == "ConfigMap" and isinstance(cm_data := obj.doc.get("data"), YMap):
            config_maps.setdefault(obj.name, []).append((obj.namespace, cm_data))
    bootstrap_accounts: dict[tuple[str, str], tuple[str, str]] = {}
    for obj in parsed.units:
        if isinstance(obj, Workload):
            found = bootstrap_installer(obj)
            account = str(obj.pod_spec.get("serviceAccountName") or obj.pod_spec.get("serviceAccount") or "default")
            if found is not None and account != "default":
                bootstrap_accounts[(obj.namespace or "", account)] = (obj.resource, found.reason)
    if bootstrap_accounts:
        for obj in parsed.units:
            if isinstance(obj, K8sObject) and obj.kind in ("ClusterRoleBinding", "RoleBinding"):
                obj.file_bootstrap_accounts = bootstrap_accounts
    inline_values = []
    shells = []
    for obj in parsed.units:
        if isinstance(obj, Workload):
            obj.file_config_maps = config_maps
        if isinstance(obj, Workload):
            shells.extend(kubernetes_shells(obj, parsed.notices))
        if isinstance(obj, K8sObject):
            parsed.facts.extend(object_facts(obj))
            parsed.facts.extend(workload_facts(obj))
            facts, values = gitops.object_extras(obj)  # HelmRelease, Argo CD Application, Flux sources...
            parsed.facts.extend(facts)
            inline_values.extend(values)
    parsed.units.extend(inline_values)
    parsed.units.extend(shells)
    notice = gitops.unrendered_releases_notice(parsed.facts)
    if notice is not None:
        parsed.notices.append(notice)
    _mark_vendored(parsed)
    return parsed


def _mark_vendored(parsed: ParsedFile) -> None:
    """A vendored upstream bundle keeps its facts (what it installs counts); one
    ``vendored:file`` fact names it, which gives the file the ``vendored`` context (context.py):
    its findings are the vendor's, shown only to the ``auditor`` persona (see vendored.py)."""
    objects = [u for u in parsed.units if isinstance(u, K8sObject)]
    bundle = vendored.recognise(parsed.path, [
        vendored.ObjectInfo(o.kind, o.name, o.namespace, o.labels,
                            tuple(c.image for c in o.containers(include_init=True)) if isinstance(o, Workload) else ())
        for o in objects])
    if bundle is None:
        return
    parsed.facts.append(Fact(VENDORED_FILE, parsed.path, objects[0].line, (), VendoredFileData(
        component=bundle.component, version=bundle.version, reason=bundle.reason,
        resources=bundle.resources, signature=bundle.signature)))
    version = f" {bundle.version}" if bundle.version else ""
    parsed.notices.append(f"vendored upstream bundle ({bundle.component}{version}): {bundle.reason}; what it "
                          f"installs counts, but its {len(objects)} objects are not reported as this repository's own")


def parse_kustomization(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.KUSTOMIZATION)
    for doc in docs:
        if isinstance(doc.data, YMap):
            parsed.units.append(Kustomization(path, doc.data))
            parsed.facts.append(
                Fact(KUSTOMIZATION, path, doc.data.line, doc.data.ypath,
                     KustomizationData(resources=tuple(Kustomization(path, doc.data).resources),
                               components=tuple(str(c) for c in doc.data.list("components")) or None,
                               reads=tuple(Kustomization(path, doc.data).reads) or None))
            )
            parsed.facts.extend(kustomize_facts(parsed.units[-1]))
            parsed.facts.extend(kustomize_image_facts(parsed.units[-1]))
            parsed.facts.extend(replacement_facts(parsed.units[-1]))
            gitops.extend(parsed, gitops.kustomization_extras(parsed.units[-1]))
    return parsed

