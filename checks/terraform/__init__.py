"""Terraform checks: every module is listed here, in code order.

Files are read by ``models/terraform.py`` (one positioned HCL reader, ``models/hcl.py``);
the checks judge each file's resources under every configuration the repository gives its
module (``models/terraform_eval.py``: callers, variable files, defaults), so a value set in
``variables.tf``, a ``.tfvars`` file or a caller's ``module`` block counts where it applies.
"""

from ..filetypes import Comments, FileType
from ..models import terraform as _model
from . import (
    database_backups_off, literal_secret, open_admin_port, public_bucket, public_database, unencrypted_storage,
)

CHECKS = (
    public_bucket.CHECK,                  # TF001
    public_database.CHECK,                # TF002
    open_admin_port.CHECK,                # TF003
    literal_secret.CHECK,                 # TF005
    unencrypted_storage.CHECK,            # TF007
    database_backups_off.CHECK,           # TF008
)

FILE_TYPES = (
    FileType("terraform", _model.TERRAFORM, parse=_model.parse, by_name=_model.is_terraform_name,
             comments=Comments(("//", "#"), (("/*", "*/"),)), order=15),
)
