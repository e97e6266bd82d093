"""shell checks: every module is listed here, in code order."""

from ..classify import is_shell_name, is_shell_shebang
from ..filetypes import FileType, NamedFile
from ..models import shell as _model
from ..models.base import Fact, FileKind, ParsedFile
from ..models.shell_hosts import CRONTAB, crontab_script, is_crontab_name
from ..models.topics import SHELL_PRIVDROP, ShellPrivdropData
from ..models.users import privilege_drop
from . import (
    backup_not_offsite,
    backup_without_retention,
    compose_build_on_deploy,
    credential_fallback_in_script,
    curl_pipe_shell,
    drop_database_live_connections,
    git_pull_deploy,
    git_reset_rollback,
    hardcoded_password_in_script,
    hardcoded_production_url,
    no_strict_mode,
    public_read_upload,
    rm_rf_unguarded_variable,
    secret_generated_at_deploy,
    ssh_host_key_checking_disabled,
    tls_verification_disabled,
    world_writable_chmod,
)

CHECKS = (
    no_strict_mode.CHECK,                   # SH001
    git_pull_deploy.CHECK,                  # SH002
    git_reset_rollback.CHECK,               # SH003
    compose_build_on_deploy.CHECK,          # SH004
    drop_database_live_connections.CHECK,   # SH005
    backup_not_offsite.CHECK,               # SH006
    backup_without_retention.CHECK,         # SH007
    hardcoded_production_url.CHECK,         # SH008
    secret_generated_at_deploy.CHECK,       # SH009
    curl_pipe_shell.CHECK,                  # SH010
    world_writable_chmod.CHECK,             # SH011
    rm_rf_unguarded_variable.CHECK,         # SH012
    ssh_host_key_checking_disabled.CHECK,   # SH013
    hardcoded_password_in_script.CHECK,     # SH014
    tls_verification_disabled.CHECK,        # SH015
    credential_fallback_in_script.CHECK,    # SH016
    public_read_upload.CHECK,               # SH017
)


# -- the files this domain reads (see checks/filetypes.py) --
def _parse(rel: str, text: str) -> ParsedFile:
    parsed = _model.parse(rel, text)
    drop = privilege_drop(text)  # user/root model: an entrypoint that steps down (DKR001, CMP010)
    if drop is not None and parsed.kind is FileKind.SHELL:
        parsed.facts.append(Fact(SHELL_PRIVDROP, rel, drop[1], (), ShellPrivdropData(tool=drop[0])))
    return parsed


def _parse_crontab(rel: str, text: str) -> ParsedFile:
    """A crontab's entries, read as the shell cron runs on the host (backups and deploys it
    schedules count like a script's)."""
    parsed = ParsedFile(rel, CRONTAB)
    script = crontab_script(rel, text, parsed.notices)
    if script is not None:
        parsed.units.append(script)
        parsed.facts.extend(_model.script_facts(script))
    return parsed


FILE_TYPES = (
    FileType("shell", FileKind.SHELL, parse=_parse, by_name=is_shell_name, by_head=is_shell_shebang, order=30),
    FileType("crontab", CRONTAB, parse=_parse_crontab, by_name=is_crontab_name, order=29),
)


NAMED_FILES = (
    # a program named for backups that runs restic/borg/kopia: backups leave the host (SH006)
    NamedFile("backup-program", _model.is_backup_program, _model.backup_program_fact),
)

