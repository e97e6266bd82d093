"""docker-compose checks: every module is listed here, in code order.

Checks that report a *missing* setting (healthcheck, limits, user, ...) only look at
services that define ``image`` or ``build`` in the file (``Service.complete``), so the
partial services of override files (``docker-compose.prod.yml`` adding only ``ports``)
are not blamed for what their base file provides.
"""

from ..classify import is_compose_doc, is_compose_name
from ..filetypes import FileType
from ..models import compose as _model
from ..models.base import FileKind
from . import (
    admin_plane_open,
    capabilities_not_dropped,
    container_runs_as_root,
    dangerous_capability_added,
    database_auth_disabled,
    database_on_default_network,
    database_port_published,
    docker_socket_mount,
    floating_image_tag,
    host_ipc_namespace,
    host_network_mode,
    host_pid_namespace,
    image_not_pinned_by_digest,
    missing_healthcheck,
    missing_resource_limits,
    missing_restart_policy,
    no_new_privileges_missing,
    privileged_container,
    secret_in_environment,
    security_profile_disabled,
    sensitive_host_mount,
    service_hardening_gaps,
    writable_root_filesystem,
)

CHECKS = (
    docker_socket_mount.CHECK,          # CMP001
    privileged_container.CHECK,         # CMP002
    host_network_mode.CHECK,            # CMP003
    host_pid_namespace.CHECK,           # CMP004
    host_ipc_namespace.CHECK,           # CMP005
    floating_image_tag.CHECK,           # CMP006
    image_not_pinned_by_digest.CHECK,   # CMP007
    capabilities_not_dropped.CHECK,     # CMP008
    writable_root_filesystem.CHECK,     # CMP009
    container_runs_as_root.CHECK,       # CMP010
    no_new_privileges_missing.CHECK,    # CMP011
    database_on_default_network.CHECK,  # CMP012
    secret_in_environment.CHECK,        # CMP013
    missing_healthcheck.CHECK,          # CMP014
    missing_restart_policy.CHECK,       # CMP015
    missing_resource_limits.CHECK,      # CMP016
    database_port_published.CHECK,      # CMP017
    dangerous_capability_added.CHECK,   # CMP018
    sensitive_host_mount.CHECK,         # CMP019
    security_profile_disabled.CHECK,    # CMP020
    database_auth_disabled.CHECK,       # CMP021
    service_hardening_gaps.CHECK,       # CMP022 (emitted by the persona stage)
    admin_plane_open.CHECK,             # CMP023
)


# -- the files this domain reads (see checks/filetypes.py) --
FILE_TYPES = (
    # by name (docker-compose.prod.yml), or any YAML with a services mapping of containers
    FileType("compose", FileKind.COMPOSE, parse_yaml=_model.parse, by_name=is_compose_name,
             by_content=is_compose_doc, order=43,
             # then as compose reads it: .env interpolation, env_file:, base files
             resolve=_model.resolve),
)
