"""Kubernetes and Kustomize checks: every module is listed here, in code order.

Two blocks, kept apart so they can grow independently: workloads (K8S001-K8S059:
pod templates, containers, per-object hygiene) and cluster (K8S060-K8S099: secrets,
ingress/TLS, RBAC, availability, network policy, monitoring, backups).
"""

# -- workload imports --
from . import image_pull_policy_never

# -- cluster imports --

CHECKS = (
    # -- workloads (K8S001-K8S059) --
    image_pull_policy_never.CHECK,
    # -- cluster (K8S060-K8S099) --
)
