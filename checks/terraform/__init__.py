"""Terraform checks: every module is listed here, in code order.

Files are read by ``models/terraform.py`` (one positioned HCL reader, ``models/hcl.py``);
the checks judge each file's resources under every configuration the repository gives its
module (``models/terraform_eval.py``: callers, variable files, defaults), so a value set in
``variables.tf``, a ``.tfvars`` file or a caller's ``module`` block counts where it applies.
"""

from ..filetypes import Comments, FileType
from ..models import terraform as _model
from . import (
    database_backups_off,
    edge_access_logs_off,
    git_module_floating_ref,
    iam_admin_policy,
    literal_secret,
    no_cloudtrail,
    no_deletion_protection,
    open_admin_port,
    public_bucket,
    public_cluster_endpoint,
    public_database,
    secret_not_sensitive,
    single_az_database,
    skip_final_snapshot,
    state_without_locking,
    unencrypted_storage,
    unpinned_version,
    vpc_flow_logs_off,
)

CHECKS = (
    public_bucket.CHECK,                  # TF001
    public_database.CHECK,                # TF002
    open_admin_port.CHECK,                # TF003
    public_cluster_endpoint.CHECK,        # TF004
    literal_secret.CHECK,                 # TF005
    secret_not_sensitive.CHECK,           # TF006
    unencrypted_storage.CHECK,            # TF007
    database_backups_off.CHECK,           # TF008
    skip_final_snapshot.CHECK,            # TF009
    no_deletion_protection.CHECK,         # TF010
    single_az_database.CHECK,             # TF011
    state_without_locking.CHECK,          # TF012
    unpinned_version.CHECK,               # TF013
    git_module_floating_ref.CHECK,        # TF014
    iam_admin_policy.CHECK,               # TF015
    edge_access_logs_off.CHECK,           # TF016
    vpc_flow_logs_off.CHECK,              # TF017
    no_cloudtrail.CHECK,                  # TF018
)

FILE_TYPES = (
    FileType("terraform", _model.TERRAFORM, parse=_model.parse, by_name=_model.is_terraform_name,
             comments=Comments(("//", "#"), (("/*", "*/"),)), order=15),
    FileType("terragrunt", _model.TERRAGRUNT, parse=_model.parse_terragrunt, by_name=_model.is_terragrunt_name,
             comments=Comments(("//", "#"), (("/*", "*/"),)), order=15),
)
