"""What Kubernetes objects and kustomizations tell the repository (facts for repository checks)."""

from __future__ import annotations

from typing import Any

from ...api import redact
from ..addresses import is_private_address
from ..base import Fact
from ..gateway_api import gateway_facts
from ..moving_tags import k8s_container_use
from ..secrets import classify
from ..static_logins import dex_static_logins, hashed_keys
from ..topics import (
    KUSTOMIZE_DETAILS,
    KUSTOMIZE_IMAGES,
    WORKLOAD_ENV,
    WORKLOAD_ENV_FROM,
    WORKLOAD_IMAGE,
    WORKLOAD_POD,
    WORKLOAD_SA,
    K8sObjectData,
    KustomizeDetailsData,
    KustomizeImagesData,
    WorkloadEnvData,
    WorkloadEnvFromData,
    WorkloadImageData,
    WorkloadPodData,
    WorkloadServiceAccountData,
)
from ..yamlnodes import YMap
from .backups import BACKUP_WORDS, backup_scope, backup_target, dump_hosts, inherited_label_keys, store_labels
from .devhosts import devhost_facts
from .exposure import ROUTE_KINDS, container_endpoints, on_node_network, routed_services, secret_refs
from .ingress import tls_elsewhere
from .objects import (
    WORKLOAD_KINDS,
    K8sObject,
    Kustomization,
    Workload,
    claim_template_names,
    container_store,
    keeps_data_on_persistent_volume,
    long_lived_containers,
    pod_template,
    server_containers,
    str_list,
)
from .operators import operator_backup, operator_ephemeral, operator_members
from .patches import inline_patch_replicas, inline_patch_settings, json6902_patch_files, patch_settings
from .secret_literals import generator_facts, inline_facts, literal_facts


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
        servers = list(server_containers(obj))
        data["servers"] = [c.image for c in servers]
        # additive (data-store model): server images that run a cache, not a database
        caches = [c.image for c in servers if (store := container_store(c)) is not None and store.cache]
        data["caches"] = caches or None
        # additive (K8S002): server images whose data outlives the pod (a claim, a persistent volume)
        data["persistent_servers"] = [c.image for c in servers if keeps_data_on_persistent_volume(c)] or None
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
        # additive (inventory): the claims a StatefulSet makes per replica
        data["claim_templates"] = tuple(sorted(claim_template_names(obj))) or None
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
        data["members_ephemeral"] = operator_ephemeral(obj.api_version, obj.kind, obj.doc) or None
        backup = operator_backup(obj.api_version, obj.kind, obj.doc)
        data["store_backup"] = "unknown" if backup is None else backup
        # additive (backup cover): the labels the operator puts on the store's pods and claims
        data["store_labels"] = store_labels(obj.api_version, obj.kind, obj.doc)
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
            data["lb_private_ip"] = _private_lb_ip(spec.get("loadBalancerIP"), annotations)
            data["source_ranges"] = bool(spec.list("loadBalancerSourceRanges")) or any(
                key.endswith("load-balancer-source-ranges") for key in annotations)
    if obj.kind == "ConfigMap":  # additive (K8S087): an identity provider's static logins
        data["static_logins"] = dex_static_logins(obj.doc.map("data")) or None
    if obj.kind == "Secret":  # additive (K8S087): keys holding a password hash
        data["hashes"] = hashed_keys(obj.doc) or None
    if obj.kind == "PersistentVolumeClaim":  # additive (K8S025)
        data["access_modes"] = tuple(str(mode) for mode in spec.list("accessModes")) or None
    if obj.kind == "HorizontalPodAutoscaler":
        target = spec.map("scaleTargetRef")
        data["target"] = f"{target.get('kind')}/{target.get('name')}"
    if obj.kind == "Ingress":
        data["tls"] = bool(spec.list("tls"))
        data["annotations"] = sorted(str(k) for k in obj.annotations)
        # additive (K8S062): TLS another way, the hosts, and where the rules are
        data["tls_elsewhere"] = tls_elsewhere({str(k): v for k, v in obj.annotations.items()})
        data["hosts"] = tuple(sorted({str(r.get("host")) for _, r in spec.list("rules").maps() if r.get("host")})) or None
        at = spec if "spec" in obj.doc else obj.doc
        data["rules_line"] = at.key_line("rules") if "rules" in at else at.line
        data["rules_ypath"] = tuple(at.ypath) + (("rules",) if "rules" in at else ())
        data["paths"] = ingress_paths(spec)
    if obj.is_patch and obj.kind in WORKLOAD_KINDS:  # additive (overlay waivers): what the patch hardens
        data["settings"] = patch_settings(obj.doc, obj.kind) or None
    data.update(cluster_facts(obj))
    data.update(gateway_facts(obj))  # Gateway listeners, HTTPRoute parents (K8S086)
    # additive (models/k8s/exposure.py): who can reach what a committed credential opens
    if obj.kind in ROUTE_KINDS:
        data["backends"] = routed_services(obj) or None
        if obj.kind != "Ingress" and data.get("hosts") is None and isinstance(spec.get("host"), str):
            data["hosts"] = (str(spec.get("host")),)  # an OpenShift Route's one host
    if isinstance(obj, Workload) and not obj.is_patch:
        data["secret_refs"] = secret_refs(obj) or None
        data["endpoints"] = container_endpoints(obj.pod_spec) or None
        data["node_network"] = on_node_network(obj.pod_spec) or None
    # patches describe changes to an object defined elsewhere, not an object of their own
    topic = f"k8s-patch:{obj.kind}" if obj.is_patch else f"k8s:{obj.kind}"
    return [Fact(topic, f"{obj.namespace or ''}/{obj.name}", obj.line, obj.ypath, K8sObjectData(**data)),
            *literal_facts(obj),  # the values a Secret commits (K8S060, copies across files)
            *inline_facts(obj)]  # secrets written in env values, ConfigMaps, KeycloakUsers (K8S024)


def _label_selector(node: Any) -> dict[str, Any] | None:
    """A label selector as plain data: match_labels, match_expressions (None if absent)."""
    if not isinstance(node, YMap):
        return None
    labels = node.get("matchLabels")
    exprs = []
    for _, expr in node.list("matchExpressions").maps():
        exprs.append((str(expr.get("key")), str(expr.get("operator")), tuple(str_list(expr.get("values")))))
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


def _workload_text(obj: Workload) -> str:
    parts = [obj.name]
    for container in obj.containers(include_init=True):
        parts.append(container.image)
        for key in ("command", "args"):
            parts.extend(str_list(container.node.get(key)))
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
            if data["backup"]:  # additive (backup cover): the hosts it dumps
                data["dump_hosts"] = dump_hosts(obj) or None
    scope = backup_scope(obj)
    if scope is not None:  # additive (backup cover): what a Velero/k8up backup selects
        data["backup_scope"] = scope
    backs_up = backup_target(obj)
    if backs_up is not None:  # additive (backup cover): the operator store a scheduled backup names
        data["backup_target"] = backs_up
    inherited = inherited_label_keys(obj)
    if inherited is not None:  # additive (backup cover): Zalando labels copied to pods and claims
        data["inherited_labels"] = inherited
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
                "resources_line": rule.key_line("resources") if "resources" in rule else rule.line,
                "ypath": rule.ypath,
                "api_groups": str_list(rule.get("apiGroups")),
                "resources": str_list(rule.get("resources")),
                "verbs": [v.lower() for v in str_list(rule.get("verbs"))],
                "resource_names": str_list(rule.get("resourceNames")),
                "non_resource_urls": str_list(rule.get("nonResourceURLs")),
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
        data["max_replicas"] = spec.get("maxReplicas") if isinstance(spec.get("maxReplicas"), int) else None
    if kind == "ScaledObject":  # KEDA
        target = spec.map("scaleTargetRef")
        data["target"] = f"{target.get('kind') or 'Deployment'}/{target.get('name')}"
        data["min_replicas"] = spec.get("minReplicaCount") if isinstance(spec.get("minReplicaCount"), int) else None
        data["max_replicas"] = spec.get("maxReplicaCount") if isinstance(spec.get("maxReplicaCount"), int) else None
    return data


def kustomize_facts(k: Kustomization) -> list[Fact]:
    """Secret generators and replica overrides of one kustomization (topic ``kustomize:details``),
    and the secrets its ``configMapGenerator`` literals hold (``secret:inline``)."""
    inline = generator_facts(k)
    generators: list[dict[str, object]] = []
    for index, gen in k.doc.list("secretGenerator").maps():
        literals: list[tuple[str, bool, str, str]] = []
        files: list[tuple[str, str]] = []
        keys = [literal.partition("=")[0].strip() for literal in str_list(gen.get("literals"))]
        for literal in str_list(gen.get("literals")):
            key, _, value = literal.partition("=")
            value = value.strip().strip("'\"")
            # only a redacted form is kept: facts must never hold the secret itself
            # the flag says "not a secret" (the secrets model: a placeholder, a reference, empty);
            # the severity is the model's for this value
            verdict = classify(key.strip(), value, where="k8s-secret", beside=keys)
            literals.append((key.strip(), not verdict.is_secret, redact(value), verdict.severity().label))
        for field_name in ("files", "envs", "env"):
            for item in str_list(gen.get(field_name)):
                source = item.partition("=")[2] if "=" in item else item
                files.append((field_name, source.strip()))
        generators.append({"name": str(gen.get("name")), "line": k.doc.list("secretGenerator").item_line(index),
                           "ypath": gen.ypath, "literals": literals, "files": files})
    replicas: list[tuple[str, int, int, tuple]] = []
    seq = k.doc.list("replicas")
    for index, override in seq.maps():
        count = override.get("count")
        if isinstance(count, int) and not isinstance(count, bool):
            replicas.append((str(override.get("name")), count, seq.item_line(index), override.ypath))
    patch_replicas = inline_patch_replicas(k)
    patch_settings_ = inline_patch_settings(k)
    patch_files = json6902_patch_files(k)
    if not generators and not replicas and not patch_replicas and not patch_settings_ and not patch_files:
        return inline
    return inline + [Fact(KUSTOMIZE_DETAILS, k.path, k.line, k.ypath,
                 KustomizeDetailsData(secret_generators=tuple(generators), replicas=tuple(replicas),
                                      patch_replicas=tuple(patch_replicas) if patch_replicas else None,
                                      patch_settings=tuple(patch_settings_) if patch_settings_ else None,
                                      patch_files=tuple(patch_files) if patch_files else None))]


def _scraped(obj: Workload) -> bool:
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
        facts.append(Fact(WORKLOAD_SA, f"{obj.namespace or ''}/{obj.name}", obj.line, obj.ypath, WorkloadServiceAccountData(
            name=obj.name, namespace=obj.namespace, automount=automount if isinstance(automount, bool) else None)))
    if obj.kind == "ConfigMap":
        data = obj.doc.get("data")
        if isinstance(data, YMap):
            for key, value in data.items():
                facts.extend(devhost_facts(owner, obj.resource, f"data key {key!r}", value, data, key,
                                            False, str(key)))
    if obj.is_patch:
        # an overlay that sets an image deploys that image: keep it for the image checks
        template = pod_template(obj.doc, obj.kind)
        if template is not None:
            for section, init in (("containers", False), ("initContainers", True)):
                for index, node in template[0].list(section).maps():
                    image = node.get("image")
                    if isinstance(image, str) and image.strip():
                        name = str(node.get("name") or f"#{index}")
                        facts.append(Fact(WORKLOAD_IMAGE, f"{owner}/{name}", node.key_line("image"),
                                          node.ypath + ("image",),
                                          WorkloadImageData(image=image.strip(), resource=f"{obj.resource}/container/{name}",
                                                    init=init, patch=True,
                                                    role="init" if init else ("main" if index == 0 else "sidecar"))))
        return facts
    if not isinstance(obj, Workload):
        return facts
    containers = list(obj.containers(include_init=True))
    if not containers:  # a patch or a bare template: nothing runs from it
        return facts
    pod = obj.pod_spec
    automount = pod.get("automountServiceAccountToken")
    account = pod.get("serviceAccountName") or pod.get("serviceAccount") or "default"
    facts.append(Fact(WORKLOAD_POD, owner, pod.line, pod.ypath, WorkloadPodData(
        kind=obj.kind, name=obj.name, namespace=obj.namespace, resource=obj.resource,
        service_account=str(account), automount=automount if isinstance(automount, bool) else None,
        automount_line=pod.key_line("automountServiceAccountToken") if "automountServiceAccountToken" in pod else None,
        scrape=_scraped(obj) or None,
    )))
    shared_loopback = pod.get("hostNetwork") is True or sum(1 for _ in long_lived_containers(obj)) > 1
    for container in containers:
        image = container.node.get("image")
        if isinstance(image, str) and image.strip():
            use = k8s_container_use(container)
            facts.append(Fact(WORKLOAD_IMAGE, f"{owner}/{container.name}", container.node.key_line("image"),
                              container.ypath + ("image",),
                              WorkloadImageData(image=image.strip(), resource=container.resource, init=container.init,
                                                role=use.role, secrets=use.secrets, data=use.data,
                                                once=use.once or None, hardened=use.hardened or None)))
        for _, env in container.node.list("env").maps():
            if env.get("name") is not None:
                # variables the manifests document (ENV003 compares code reads with them)
                facts.append(Fact(WORKLOAD_ENV, str(env.get("name")), env.line, env.ypath, data=WorkloadEnvData()))
            if "value" in env:
                name = str(env.get("name"))
                facts.extend(devhost_facts(owner, container.resource, f"env {name}", env.get("value"), env,
                                            "value", shared_loopback, name))
        if container.node.list("envFrom"):
            # names come from a ConfigMap/Secret we may not see: the env is not fully known
            facts.append(Fact(WORKLOAD_ENV_FROM, f"{owner}/{container.name}", container.line, container.ypath, data=WorkloadEnvFromData()))
        args = container.node.list("args")
        for index, arg in enumerate(args):
            if isinstance(arg, str):
                flag = arg.split("=", 1)[0] if "=" in arg else (str(args[index - 1]) if index else "")
                facts.extend(devhost_facts(owner, container.resource, "args", arg, args, index,
                                            shared_loopback, flag))
    return facts


def kustomize_image_facts(k: Kustomization) -> list[Fact]:
    """The ``images:`` overrides of one kustomization (topic ``kustomize:images``)."""
    images: list[tuple[str, str, str, str]] = []
    seq = k.doc.list("images")
    for _, item in seq.maps():
        name = item.get("name")
        if name is None:
            continue
        new_name, new_tag, digest = ("" if item.get(key) is None else str(item.get(key))
                                     for key in ("newName", "newTag", "digest"))
        images.append((str(name), new_name, new_tag, digest))
    if not images:
        return []
    return [Fact(KUSTOMIZE_IMAGES, k.path, seq.line, seq.ypath, KustomizeImagesData(images=tuple(images)))]



#: annotations by which MetalLB, Cilium LB-IPAM, kube-vip and others are told which address to hand out
_LB_IP_ANNOTATIONS = ("metallb.universe.tf/loadbalancerips", "metallb.io/loadbalancerips",
                      "io.cilium/lb-ipam-ips", "lbipam.cilium.io/ips", "kube-vip.io/loadbalancerips",
                      "kube-vip.io/loadbalancerip")


def _private_lb_ip(requested, annotations: dict[str, str]) -> str | None:
    """The load balancer address a Service asks for, when every address it asks for is private
    (RFC 1918 and kin): such a load balancer is not internet-facing. None when it asks for none,
    or for any public one."""
    wanted = [str(requested).strip()] if requested not in (None, "") else []
    for key in _LB_IP_ANNOTATIONS:
        if key in annotations:
            wanted += [part.strip() for part in annotations[key].split(",") if part.strip()]
    if wanted and all(is_private_address(ip) for ip in wanted):
        return ", ".join(wanted)
    return None


def ingress_paths(spec: YMap) -> tuple[str, ...] | None:
    """The HTTP paths an Ingress's rules route, or None when a rule without paths or a default
    backend routes every path."""
    if spec.get("defaultBackend") is not None or spec.get("backend") is not None:
        return None
    paths: list[str] = []
    rules = list(spec.list("rules").maps())
    if not rules:
        return None
    for _, rule in rules:
        found = [entry.get("path") for _, entry in rule.map("http").list("paths").maps()]
        if not found or not all(isinstance(path, str) and path.strip() for path in found):
            return None
        paths.extend(str(path).strip() for path in found)
    return tuple(paths)

