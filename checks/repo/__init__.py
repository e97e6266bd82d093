"""repo checks: every module is listed here, in code order."""

from . import cloud_deploy_without_iac, compose_database_without_backup, no_ci_pipeline, no_monitoring

CHECKS = (
    no_ci_pipeline.CHECK,             # REPO001
    cloud_deploy_without_iac.CHECK,   # REPO002
    compose_database_without_backup.CHECK,   # REPO003
    no_monitoring.CHECK,              # REPO004
)
