"""Helm checks: charts in the repository and Helm values wherever they are written.

Values files (``values.yaml``, ``values-prod.yaml``...) and values written inline in Flux
HelmReleases, Argo CD Applications and Kustomize ``helmCharts`` are read the same way
(see ``models/helm.py``); findings point at the values line.
"""

from ..filetypes import FileType, NamedFile
from ..models import helm as _model
from ..models.base import Fact, FileKind
from ..models.topics import HELM_LOCK, HelmLockData
from . import (
    chart_dependency_floating,
    chart_without_app_version,
    values_database_persistence_disabled,
    values_floating_image_tag,
    values_ingress_without_tls,
    values_resources_unset,
    values_secret_literal,
    values_security_context_empty,
    values_single_replica_database,
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


# -- the files this domain reads (see checks/filetypes.py) --
FILE_TYPES = (
    # Helm: Chart.yaml by name; values files by name unless they hold objects or a compose file;
    # Helm 2 requirements.yaml by content (models/helm.py)
    FileType("helm-chart", FileKind.HELM_CHART, parse_yaml=_model.parse_chart, by_name=_model.is_chart_name, order=44),
    FileType("helm-values", FileKind.HELM_VALUES, parse_yaml=_model.parse_values, by_path_hint=_model.is_values_name,
             order=45),
    FileType("helm-requirements", FileKind.HELM_CHART, by_content=_model.is_requirements_doc, order=46,
             parse_yaml=lambda rel, docs: _model.parse_chart(rel, docs, requirements=True)),
)
NAMED_FILES = (
    # a chart's lock file: its dependencies are pinned (keyed by the chart's directory)
    NamedFile("helm-lock", lambda rel: rel.rsplit("/", 1)[-1] in ("Chart.lock", "requirements.lock"),
              lambda rel, text: Fact(HELM_LOCK, rel.rsplit("/", 1)[0] if "/" in rel else "",
                                     data=HelmLockData(path=rel))),
)
