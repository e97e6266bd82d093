"""Helm checks: charts in the repository and Helm values wherever they are written.

Values files (``values.yaml``, ``values-prod.yaml``...) and values written inline in Flux
HelmReleases, Argo CD Applications and Kustomize ``helmCharts`` are read the same way
(see ``models/helm.py``); findings point at the values line.
"""

from . import (
    chart_dependency_floating,
    chart_without_app_version,
    values_floating_image_tag,
    values_secret_literal,
    values_ingress_without_tls,
    values_database_persistence_disabled,
    values_single_replica_database,
    values_resources_unset,
    values_security_context_empty,
)

CHECKS = (
    chart_dependency_floating.CHECK,              # HELM001
    chart_without_app_version.CHECK,              # HELM002
    values_floating_image_tag.CHECK,              # HELM003
    values_secret_literal.CHECK,                  # HELM004
    values_ingress_without_tls.CHECK,             # HELM005
    values_database_persistence_disabled.CHECK,   # HELM006
    values_single_replica_database.CHECK,         # HELM007
    values_resources_unset.CHECK,                 # HELM008
    values_security_context_empty.CHECK,          # HELM009
)
