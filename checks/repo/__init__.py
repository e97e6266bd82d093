"""repo checks: every module is listed here, in code order."""

from ..classify import YAML_EXT, ci_tool, iac_tool
from ..filetypes import NamedFile
from ..models import build_tools, usage_docs
from ..models.base import Fact
from ..models.topics import CI, IAC, CiData, IacData
from . import cloud_deploy_without_iac, compose_database_without_backup, no_ci_pipeline, no_monitoring

CHECKS = (
    no_ci_pipeline.CHECK,             # REPO001
    cloud_deploy_without_iac.CHECK,   # REPO002
    compose_database_without_backup.CHECK,   # REPO003
    no_monitoring.CHECK,              # REPO004
)


# -- files known by name alone: CI systems and infrastructure as code (see checks/filetypes.py) --
NAMED_FILES = (
    NamedFile("ci", lambda rel: ci_tool(rel) is not None,
              lambda rel, text: Fact(CI, rel, data=CiData(tool=ci_tool(rel)))),
    NamedFile("iac", lambda rel: iac_tool(rel) is not None,
              lambda rel, text: Fact(IAC, rel, data=IacData(tool=iac_tool(rel)))),
    # CloudFormation templates by content (any YAML file holding a template version)
    NamedFile("cloudformation", lambda rel: rel.lower().endswith(YAML_EXT),
              lambda rel, text: Fact(IAC, rel, data=IacData(tool="cloudformation"))
              if "AWSTemplateFormatVersion" in text else None),
    # how files are used, for the context model: a folder's README calling it a demo, the repository's
    # README presenting it as a sample application, Ansible playbooks
    NamedFile("readme", usage_docs.is_readme, usage_docs.readme_fact),
    # the scale the repository's README declares (a home lab), for availability-only findings
    NamedFile("readme-scale", usage_docs.is_root_readme, usage_docs.scale_fact),
    NamedFile("ansible-playbook", usage_docs.is_playbook_name, usage_docs.playbook_fact),
    # a documented backup procedure (a docs page's Backups section), for the backup checks' severity
    NamedFile("doc-backup", usage_docs.is_doc_page, usage_docs.backup_doc_fact),
    # images a build tool (Skaffold) substitutes into manifests: placeholders, not pulled as written
    NamedFile("build-tool", build_tools.is_build_tool_config, build_tools.build_artifacts_fact),
)
