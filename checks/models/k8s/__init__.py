"""The Kubernetes model, one room per layer.

- :mod:`.objects`: typed objects (``K8sObject``, ``Workload``, ``Container``, ``Kustomization``),
  what a pod runs and mounts;
- :mod:`.layout`: where overlays and patches live (path conventions);
- :mod:`.operators`: operator-managed data stores (member counts, backups);
- :mod:`.backups`: what backups select (Velero, k8up), the hosts backup jobs dump, the labels operators copy;
- :mod:`.patches`: what Kustomize patches set (inline, strategic-merge, JSON6902);
- :mod:`.facts`: what objects and kustomizations tell the repository (``k8s:*``, ``workload:*``,
  ``kustomize:*`` topics);
- :mod:`.devhosts`: development-only hosts in values;
- :mod:`.gitops_graph`: what the repository's Flux, Argo CD and Kustomize entry points reach, file
  by file (with Flux's substitutions), asked by :mod:`.reachability` (is a file deployed at all?) and
  :mod:`.environments` (which environments deploy it?);
- :mod:`.node_agents`: DaemonSets and static pods whose job is the node, and the host access it needs;
- :mod:`.secrets`: placeholders and credential-like keys;
- :mod:`.parse`: YAML documents to a ``ParsedFile``.

Import from the module that holds a name; the names below are re-exported so that code
written against the former single module keeps working.
"""

from __future__ import annotations

from .devhosts import (  # noqa: F401
    dev_hosts,
    devhost_facts,
)
from .facts import (  # noqa: F401
    BACKUP_WORDS,
    cluster_facts,
    kustomize_facts,
    kustomize_image_facts,
    object_facts,
    selector_matches,
    workload_facts,
)
from .layout import (  # noqa: F401
    in_overlay_location,
    in_patch_location,
    looks_like_patch_file,
)
from .objects import (  # noqa: F401
    COMPANION_SUFFIXES,
    INHERITED_SECURITY,
    PERSISTENT_VOLUME_SOURCES,
    WORKLOAD_KINDS,
    Container,
    K8sObject,
    Kustomization,
    Security,
    Workload,
    WorkloadPatch,
    build_object,
    claim_template_names,
    container_store,
    is_k8s_doc,
    is_kustomize_file_doc,
    is_native_sidecar,
    long_lived_containers,
    pod_template,
    pod_volumes,
    server_containers,
    stateful_stores,
    str_list,
    volume_mounts,
)
from .operators import (  # noqa: F401
    OPERATOR_BACKUP_FIELDS,
    OPERATOR_STORE_KINDS,
    OPERATOR_STORES,
    operator_backup,
    operator_members,
)
from .parse import (  # noqa: F401
    parse_kustomization,
    parse_manifests,
)
from .patches import (  # noqa: F401
    ANY_NAME,
    inline_patch_documents,
    inline_patch_replicas,
    inline_patch_settings,
    is_json6902_ops,
    json6902_count,
    json6902_file_facts,
    json6902_patch_files,
    json6902_settings_for,
    patch_settings,
)
