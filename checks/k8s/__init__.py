"""Kubernetes and Kustomize checks: every module is listed here, in code order.

Two blocks, kept apart so they can grow independently: workloads (K8S001-K8S059:
pod templates, containers, per-object hygiene) and cluster (K8S060-K8S099: secrets,
ingress/TLS, RBAC, availability, network policy, monitoring, backups).
"""

# -- workload imports --
from . import image_pull_policy_never

# -- cluster imports --
from . import (  # noqa: E402
    committed_secret,
    kustomize_secret_generator,
    ingress_without_tls,
    cert_manager_without_controller,
    ingress_certificate_unmanaged,
    clusterrole_for_namespaced_access,
    rbac_wildcard,
    rbac_privilege_escalation,
    rbac_broad_delete,
    rbac_reads_secrets,
    missing_pod_disruption_budget,
    fixed_replicas_without_autoscaler,
    no_network_policy,
    network_policy_unknown_namespace,
    monitor_without_prometheus,
    prometheus_without_monitors,
    no_alerting,
    jaeger_in_memory_storage,
    database_without_backup,
)

CHECKS = (
    # -- workloads (K8S001-K8S059) --
    image_pull_policy_never.CHECK,
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
)
