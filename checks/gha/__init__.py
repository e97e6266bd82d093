"""GitHub Actions workflow checks (GHA001-GHA029): every module is listed here, in code order."""

from ..classify import is_workflow_path
from ..filetypes import FileType
from ..models import workflow as _model
from ..models.base import FileKind
from . import (
    app_token_blanket_permissions,
    checkout_credentials_in_artifact,
    deploy_job_without_environment,
    deploy_without_concurrency,
    excessive_workflow_permissions,
    hardcoded_secret_in_workflow,
    image_built_in_several_jobs,
    insecure_commands_enabled,
    job_image_not_pinned,
    long_lived_cloud_credentials,
    missing_workflow_permissions,
    reusable_workflow_permissions,
    self_hosted_runner_on_pull_request,
    template_injection,
    unpinned_action,
    untrusted_checkout_in_called_workflow,
    untrusted_checkout_in_privileged_workflow,
)

CHECKS = (
    hardcoded_secret_in_workflow.CHECK,                 # GHA001
    missing_workflow_permissions.CHECK,                 # GHA002
    excessive_workflow_permissions.CHECK,               # GHA003
    long_lived_cloud_credentials.CHECK,                 # GHA004
    unpinned_action.CHECK,                              # GHA005
    untrusted_checkout_in_privileged_workflow.CHECK,    # GHA006
    template_injection.CHECK,                           # GHA007
    deploy_without_concurrency.CHECK,                   # GHA008
    deploy_job_without_environment.CHECK,               # GHA009
    image_built_in_several_jobs.CHECK,                  # GHA010
    insecure_commands_enabled.CHECK,                    # GHA011
    self_hosted_runner_on_pull_request.CHECK,           # GHA012
    checkout_credentials_in_artifact.CHECK,             # GHA013
    app_token_blanket_permissions.CHECK,                # GHA014
    job_image_not_pinned.CHECK,                         # GHA015
    reusable_workflow_permissions.CHECK,                # GHA016
    untrusted_checkout_in_called_workflow.CHECK,        # GHA017
)


# -- the files this domain reads (see checks/filetypes.py) --
FILE_TYPES = (
    FileType("workflow", FileKind.WORKFLOW, parse_yaml=_model.parse, by_name=is_workflow_path, order=40,
             resolve=_model.resolve),
    # action definitions (`action.yml` with `runs:`), wherever they are: a composite action's
    # steps are reported at their own line
    FileType("gha-action", _model.ACTION_KIND, parse_yaml=_model.parse_action, by_content=_model.is_action_doc,
             order=45),
)
