"""Which kind of file is this?  By name first, then by content.

Names decide for Dockerfiles, workflows, env files, kustomizations and scripts;
YAML is classified by what its documents contain (a Kubernetes object has
``apiVersion`` and ``kind``; a compose file has a top-level ``services`` mapping of
images or builds), so ``deploy/db.yml`` and ``stack.yaml`` are found wherever
they live.
"""

from __future__ import annotations

import re
from typing import Any

from .models.base import FileKind
from .models.helm import is_chart_name, is_values_name
from .models.yamlnodes import YMap

YAML_EXT = (".yaml", ".yml")
SHELL_EXT = (".sh", ".bash", ".ksh", ".zsh", ".dash")
SOURCE_EXT = (
    ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rb", ".php", ".java",
    ".kt", ".rs", ".cs", ".ex", ".exs",
)
_SHEBANG_RE = re.compile(rb"^#![ \t]*/(?:usr/)?(?:local/)?bin/(?:env[ \t]+(?:-S[ \t]+)?)?(?:ba|da|k|z)?sh\b")
_COMPOSE_NAME_RE = re.compile(r"^(docker-)?compose([.-][^/]*)?\.ya?ml$", re.IGNORECASE)
_DOCKERFILE_RE = re.compile(r"^(Dockerfile|Containerfile)([.-].+)?$|.+\.(dockerfile|containerfile)$", re.IGNORECASE)
_KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_TEMPLATE_RE = re.compile(r"(?<![$\\]){{")


def basename(rel: str) -> str:
    return rel.rsplit("/", 1)[-1]


def is_env_name(name: str) -> bool:
    lower = name.lower()
    return (lower == ".env" or lower.startswith(".env.") or (lower.endswith(".env") and len(lower) > 4)
            or lower.endswith(_ENV_EXAMPLE_SUFFIXES))


#: ``app.env.example`` and friends: example env files whose name does not start with .env
_ENV_EXAMPLE_SUFFIXES = (".env.example", ".env.sample", ".env.template", ".env.dist", ".env.tmpl", ".env.tpl")

# -- files known by name alone, for repository facts (CI systems, infrastructure as code) --

_CI_NAMES = {
    ".gitlab-ci.yml": "gitlab", ".gitlab-ci.yaml": "gitlab", "jenkinsfile": "jenkins",
    "azure-pipelines.yml": "azure", "azure-pipelines.yaml": "azure", "bitbucket-pipelines.yml": "bitbucket",
    ".drone.yml": "drone", ".travis.yml": "travis", ".woodpecker.yml": "woodpecker", "cloudbuild.yaml": "cloudbuild",
    "cloudbuild.yml": "cloudbuild", "appveyor.yml": "appveyor", "codefresh.yml": "codefresh", ".cirrus.yml": "cirrus",
    "buildspec.yml": "codebuild", "buildspec.yaml": "codebuild",
}
_CI_DIRS = {".circleci": "circleci", ".buildkite": "buildkite", ".woodpecker": "woodpecker",
            ".gitea": "gitea", ".forgejo": "forgejo", ".tekton": "tekton"}
_IAC_SUFFIXES = {".tf": "terraform", ".tf.json": "terraform", ".tofu": "opentofu", ".bicep": "bicep",
                 ".cfn.yaml": "cloudformation", ".cfn.yml": "cloudformation", ".cfn.json": "cloudformation"}
_IAC_NAMES = {"pulumi.yaml": "pulumi", "pulumi.yml": "pulumi", "cdk.json": "cdk", "cdktf.json": "cdktf",
              "terragrunt.hcl": "terragrunt", "samconfig.toml": "sam", "serverless.yml": "serverless",
              "serverless.yaml": "serverless"}


def name_fact(rel: str) -> tuple[str, str] | None:
    """(topic, tool) for files whose name alone says what they are.

    CI pipelines, infrastructure as code, and Docker build-context ignore files.
    """
    name = basename(rel)
    lower = name.lower()
    if lower == ".dockerignore" or lower.endswith(".dockerignore"):
        return "dockerignore", "docker"
    if name in ("Chart.lock", "requirements.lock"):
        return "helm:lock", "helm"
    if lower in _CI_NAMES or lower.startswith("jenkinsfile."):
        return "ci", _CI_NAMES.get(lower, "jenkins")
    parts = rel.split("/")
    if len(parts) >= 2 and parts[-2] in _CI_DIRS and lower.endswith(YAML_EXT):
        return "ci", _CI_DIRS[parts[-2]]
    if len(parts) >= 3 and parts[-3] in (".gitea", ".forgejo") and parts[-2] == "workflows" and lower.endswith(YAML_EXT):
        return "ci", parts[-3].lstrip(".")
    for suffix, tool in _IAC_SUFFIXES.items():
        if lower.endswith(suffix):
            return "iac", tool
    if lower in _IAC_NAMES or (lower.startswith("pulumi.") and lower.endswith(YAML_EXT)):
        return "iac", _IAC_NAMES.get(lower, "pulumi")
    return None


def is_workflow_path(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows" and parts[-1].endswith(YAML_EXT)


def kind_by_name(rel: str) -> FileKind | None:
    """The kind the file's name alone decides, if any."""
    name = basename(rel)
    lower = name.lower()
    if _DOCKERFILE_RE.match(name):
        return FileKind.DOCKERFILE
    if is_env_name(name):
        return FileKind.ENV
    if lower.endswith(SHELL_EXT):
        return FileKind.SHELL
    if lower.endswith(YAML_EXT):
        if is_workflow_path(rel):
            return FileKind.WORKFLOW
        if name in _KUSTOMIZATION_NAMES:
            return FileKind.KUSTOMIZATION
        if _COMPOSE_NAME_RE.match(name):
            return FileKind.COMPOSE
        if is_chart_name(rel):
            return FileKind.HELM_CHART
        if is_values_name(rel):
            return FileKind.HELM_VALUES
        return None
    if name == "Kustomization":
        return FileKind.KUSTOMIZATION
    if lower.endswith(SOURCE_EXT):
        return FileKind.SOURCE
    return None


def is_candidate(rel: str) -> bool:
    """Could this file be something we audit?  (Cheap: looks at the name only.)"""
    name = basename(rel)
    lower = name.lower()
    if lower.endswith(YAML_EXT) or kind_by_name(rel) is not None:
        return True
    if name_fact(rel) is not None:
        return True
    # extensionless files may be scripts with a shebang
    return "." not in name.lstrip(".") and not name.startswith(".")


def is_shell_shebang(head: bytes) -> bool:
    return bool(_SHEBANG_RE.match(head[:200]))


def looks_templated(text: str) -> bool:
    """Go/Helm template markers outside GitHub's ``${{ }}`` expressions."""
    return "{{" in text and bool(_TEMPLATE_RE.search(text))


#: keys only a compose service has: an override or extension file (``hwaccel.yml`` with
#: ``devices:`` and ``security_opt:``) is a compose file even without ``image``/``build``
_COMPOSE_SERVICE_KEYS = frozenset({
    "image", "build", "extends", "devices", "security_opt", "cap_add", "cap_drop", "privileged",
    "network_mode", "depends_on", "healthcheck", "env_file", "container_name", "restart",
})


def is_compose_doc(data: Any) -> bool:
    if not isinstance(data, YMap):
        return False
    services = data.get("services")
    if not isinstance(services, YMap) or not services:
        return False
    if "apiVersion" in data or "kind" in data:
        return False
    return any(isinstance(s, YMap) and bool(_COMPOSE_SERVICE_KEYS.intersection(s)) for s in services.values())


def in_helm_chart(rel: str) -> bool:
    return "/templates/" in f"/{rel}" or rel.startswith("templates/")
