"""Kubernetes and Kustomize checks: every module is listed here, in code order.

Two blocks, kept apart so they can grow independently: workloads (K8S001-K8S059:
pod templates, containers, per-object hygiene) and cluster (K8S060-K8S099: secrets,
ingress/TLS, RBAC, availability, network policy, monitoring, backups).
"""

from ..classify import is_kustomization_name
from ..filetypes import FileType
from ..models.base import FileKind, ParsedFile
from ..models.k8s import patchrefs
from ..models.k8s.objects import is_k8s_doc
from ..models.k8s.parse import parse_kustomization, parse_manifests
from ..models.k8s.patches import is_json6902_ops, json6902_file_facts

# -- workload imports --
# -- cluster imports --
from . import (  # noqa: E402  # noqa: E402
    backup_kept_in_cluster,
    cert_manager_without_controller,
    clusterrole_for_namespaced_access,
    committed_secret,
    container_capabilities_not_dropped,
    container_hardening_gaps,
    container_image_floating_tag,
    container_image_not_pinned,
    container_root_fs_writable,
    dangerous_capabilities,
    database_as_deployment,
    database_service_exposed,
    database_without_backup,
    database_without_persistent_storage,
    default_namespace,
    dev_hostname_in_base,
    fixed_replicas_without_autoscaler,
    gateway_plain_http,
    host_namespaces,
    host_path_volume,
    identity_provider_static_login,
    image_pull_policy_never,
    ingress_certificate_unmanaged,
    ingress_without_tls,
    jaeger_in_memory_storage,
    kustomize_image_override_floating,
    kustomize_remote_resource_floating,
    kustomize_secret_generator,
    missing_liveness_probe,
    missing_memory_limit,
    missing_pod_disruption_budget,
    missing_readiness_probe,
    missing_resource_requests,
    missing_seccomp_profile,
    monitor_without_prometheus,
    network_policy_unknown_namespace,
    no_alerting,
    no_network_policy,
    operator_database_single_instance,
    privilege_escalation_allowed,
    privileged_pod_container,
    prometheus_without_monitors,
    rbac_broad_delete,
    rbac_cluster_admin_binding,
    rbac_privilege_escalation,
    rbac_reads_secrets,
    rbac_wildcard,
    runs_as_root,
    rwo_volume_shared_by_pods,
    secret_in_manifest,
    service_account_token_automount,
    single_replica_database,
    vendored_upstream_bundle,
    workload_admin_plane_open,
    workload_host_port,
)

CHECKS = (
    # -- workloads (K8S001-K8S059) --
    database_as_deployment.CHECK,
    single_replica_database.CHECK,
    database_without_persistent_storage.CHECK,
    container_image_floating_tag.CHECK,
    container_image_not_pinned.CHECK,
    missing_readiness_probe.CHECK,
    missing_liveness_probe.CHECK,
    missing_resource_requests.CHECK,
    missing_memory_limit.CHECK,
    runs_as_root.CHECK,
    privilege_escalation_allowed.CHECK,
    privileged_pod_container.CHECK,
    dangerous_capabilities.CHECK,
    container_capabilities_not_dropped.CHECK,
    container_root_fs_writable.CHECK,
    missing_seccomp_profile.CHECK,
    host_path_volume.CHECK,
    host_namespaces.CHECK,
    service_account_token_automount.CHECK,
    image_pull_policy_never.CHECK,
    default_namespace.CHECK,
    dev_hostname_in_base.CHECK,
    operator_database_single_instance.CHECK,
    secret_in_manifest.CHECK,
    rwo_volume_shared_by_pods.CHECK,
    workload_host_port.CHECK,
    container_hardening_gaps.CHECK,  # K8S059 (emitted by the persona stage)
    # -- cluster (K8S060-K8S099) --
    committed_secret.CHECK,
    kustomize_secret_generator.CHECK,
    ingress_without_tls.CHECK,
    cert_manager_without_controller.CHECK,
    ingress_certificate_unmanaged.CHECK,
    clusterrole_for_namespaced_access.CHECK,
    rbac_wildcard.CHECK,
    rbac_privilege_escalation.CHECK,
    rbac_broad_delete.CHECK,
    rbac_reads_secrets.CHECK,
    missing_pod_disruption_budget.CHECK,
    fixed_replicas_without_autoscaler.CHECK,
    no_network_policy.CHECK,
    network_policy_unknown_namespace.CHECK,
    monitor_without_prometheus.CHECK,
    prometheus_without_monitors.CHECK,
    no_alerting.CHECK,
    jaeger_in_memory_storage.CHECK,
    database_without_backup.CHECK,
    rbac_cluster_admin_binding.CHECK,
    database_service_exposed.CHECK,
    vendored_upstream_bundle.CHECK,
    kustomize_remote_resource_floating.CHECK,
    kustomize_image_override_floating.CHECK,
    backup_kept_in_cluster.CHECK,
    workload_admin_plane_open.CHECK,
    gateway_plain_http.CHECK,
    identity_provider_static_login.CHECK,
)


def _json6902_patch(rel, docs) -> ParsedFile:
    """A file of JSON6902 operations: a Kustomize patch a kustomization applies to a target."""
    return ParsedFile(rel, FileKind.YAML, facts=json6902_file_facts(rel, docs))


# -- the files this domain reads (see checks/filetypes.py) --
FILE_TYPES = (
    FileType("kustomization", FileKind.KUSTOMIZATION, parse_yaml=parse_kustomization,
             by_name=is_kustomization_name, order=41, resolve=patchrefs.resolve_kustomization),
    # any YAML with an apiVersion/kind document, wherever it lives (before compose: order 42 < 43);
    # the resolve step reads the kustomizations above it: a file one names as a patch is a patch
    FileType("kubernetes", FileKind.KUBERNETES, parse_yaml=parse_manifests, by_content=is_k8s_doc, order=42,
             resolve=patchrefs.resolve),
    FileType("json6902-patch", FileKind.YAML, parse_yaml=_json6902_patch, by_content=is_json6902_ops, order=80),
)
