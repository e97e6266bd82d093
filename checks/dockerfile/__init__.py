"""Dockerfile checks: every module is listed here, in code order (DKR001-DKR029)."""

from ..classify import is_dockerfile_name, is_dockerignore
from ..filetypes import FileType, NamedFile
from ..models import dockerfile as _model
from ..models.base import Fact, FileKind
from ..models.topics import DOCKERIGNORE, SHELL_PRIVDROP, DockerignoreData, ShellPrivdropData
from ..models.users import config_drop, is_daemon_config
from . import (
    add_instead_of_copy,
    add_remote_url,
    apk_cache_kept,
    apt_get_upgrade,
    apt_install_recommends,
    apt_lists_not_removed,
    base_image_floating_tag,
    base_image_not_pinned_by_digest,
    build_context_not_ignored,
    build_toolchain_in_final_image,
    final_stage_runs_as_root,
    image_without_healthcheck,
    remote_script_piped_to_shell,
    secret_build_arg,
    secret_in_env_or_arg,
    sudo_in_run,
)

CHECKS = (
    final_stage_runs_as_root.CHECK,  # DKR001
    image_without_healthcheck.CHECK,  # DKR002
    base_image_floating_tag.CHECK,  # DKR003
    base_image_not_pinned_by_digest.CHECK,  # DKR004
    build_toolchain_in_final_image.CHECK,  # DKR005
    add_remote_url.CHECK,  # DKR006
    add_instead_of_copy.CHECK,  # DKR007
    secret_in_env_or_arg.CHECK,  # DKR008
    secret_build_arg.CHECK,  # DKR009
    remote_script_piped_to_shell.CHECK,  # DKR010
    apt_install_recommends.CHECK,  # DKR011
    apt_lists_not_removed.CHECK,  # DKR012
    apk_cache_kept.CHECK,  # DKR013
    sudo_in_run.CHECK,  # DKR014
    apt_get_upgrade.CHECK,  # DKR015
    build_context_not_ignored.CHECK,  # DKR016
)


# -- the files this domain reads (see checks/filetypes.py) --
FILE_TYPES = (
    FileType("dockerfile", FileKind.DOCKERFILE, parse=_model.parse, by_name=is_dockerfile_name, order=10,
             # then with the build arguments of the compose files that build it (FROM ${BASE})
             resolve=_model.resolve),
)


def _daemon_config(rel: str, text: str) -> Fact | None:
    """user/root model: a daemon configuration an image may ship that sets its run user (DKR001, CMP010)."""
    drop = config_drop(rel, text)
    return Fact(SHELL_PRIVDROP, rel, drop[1], (), ShellPrivdropData(tool=drop[0])) if drop else None


NAMED_FILES = (
    NamedFile("dockerignore", is_dockerignore,
              lambda rel, text: Fact(DOCKERIGNORE, rel, data=DockerignoreData(patterns=_model.ignore_patterns(text)))),
    NamedFile("daemon-config", is_daemon_config, _daemon_config),
)
