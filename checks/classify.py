"""Which kind of file is this?  The predicates the domains' file types use.

Names decide for Dockerfiles, workflows, env files, kustomizations and scripts;
YAML is classified by what its documents contain (a Kubernetes object has
``apiVersion`` and ``kind``; a compose file has a top-level ``services`` mapping of
images or builds), so ``deploy/db.yml`` and ``stack.yaml`` are found wherever
they live.  Which predicate belongs to which file type, and in what order they are
asked, is declared by each domain (``FILE_TYPES``, see ``checks/filetypes.py``).
"""

from __future__ import annotations

import re
from typing import Any

from .models.yamlnodes import YMap

YAML_EXT = (".yaml", ".yml")
SHELL_EXT = (".sh", ".bash", ".ksh", ".zsh", ".dash")
SOURCE_EXT = (
    ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rb", ".php", ".java",
    ".kt", ".rs", ".cs", ".ex", ".exs",
)
_SHEBANG_RE = re.compile(rb"^#![ \t]*/(?:usr/)?(?:local/)?bin/(?:env[ \t]+(?:-S[ \t]+)?)?(?:ba|da|k|z)?sh\b")
_COMPOSE_NAME_RE = re.compile(r"^(docker-)?compose([.-][^/]*)?\.ya?ml$", re.IGNORECASE)
_DOCKERFILE_BASES = ("dockerfile", "containerfile")
#: files named after a Dockerfile that are something else: source code about Dockerfiles
#: (``dockerfile.go``), its docs, data, a script, BuildKit's per-Dockerfile ignore file
_NOT_DOCKERFILE_EXT = SOURCE_EXT + (
    ".md", ".txt", ".rst", ".adoc", ".json", ".yaml", ".yml", ".toml", ".xml", ".html", ".sh", ".bash", ".ps1",
    ".bat", ".cmd", ".dockerignore", ".patch", ".diff", ".snap", ".golden", ".pyc", ".c", ".h", ".cpp",
)
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


def is_dockerignore(rel: str) -> bool:
    lower = basename(rel).lower()
    return lower == ".dockerignore" or lower.endswith(".dockerignore")


def ci_tool(rel: str) -> str | None:
    """The CI system a file configures, by its name or folder (``gitlab``, ``circleci``...)."""
    lower = basename(rel).lower()
    if lower in _CI_NAMES or lower.startswith("jenkinsfile."):
        return _CI_NAMES.get(lower, "jenkins")
    parts = rel.split("/")
    if len(parts) >= 2 and parts[-2] in _CI_DIRS and lower.endswith(YAML_EXT):
        return _CI_DIRS[parts[-2]]
    if len(parts) >= 3 and parts[-3] in (".gitea", ".forgejo") and parts[-2] == "workflows" and lower.endswith(YAML_EXT):
        return parts[-3].lstrip(".")
    return None


def iac_tool(rel: str) -> str | None:
    """The infrastructure-as-code tool a file belongs to, by its name (``terraform``, ``pulumi``...)."""
    lower = basename(rel).lower()
    for suffix, tool in _IAC_SUFFIXES.items():
        if lower.endswith(suffix):
            return tool
    if lower in _IAC_NAMES or (lower.startswith("pulumi.") and lower.endswith(YAML_EXT)):
        return _IAC_NAMES.get(lower, "pulumi")
    return None


def is_workflow_path(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows" and parts[-1].endswith(YAML_EXT)


def is_dockerfile_name(rel: str) -> bool:
    """``Dockerfile``, ``Dockerfile.dev``, ``Containerfile-ci``, ``api.dockerfile`` (any case)."""
    name = basename(rel).lower()
    name = name[:-1] if name.endswith("\n") else name  # as the regex's ``$`` did
    if "\n" in name:
        return False
    if name.endswith(_NOT_DOCKERFILE_EXT):  # dockerfile.go, Dockerfile.md, Dockerfile.dockerignore
        return False
    for base in _DOCKERFILE_BASES:
        if name == base or (name.startswith(base) and len(name) > len(base) + 1 and name[len(base)] in ".-"):
            return True
        if name.endswith("." + base) and len(name) > len(base) + 1:
            return True
    return False


def is_env_path(rel: str) -> bool:
    return is_env_name(basename(rel))


def is_shell_name(rel: str) -> bool:
    return rel.lower().endswith(SHELL_EXT)


def is_source_name(rel: str) -> bool:
    return rel.lower().endswith(SOURCE_EXT)


def is_kustomization_name(rel: str) -> bool:
    return basename(rel) in _KUSTOMIZATION_NAMES


def is_compose_name(rel: str) -> bool:
    return bool(_COMPOSE_NAME_RE.match(basename(rel)))


def is_candidate(rel: str) -> bool:
    """Could this file be something we audit?  (See :func:`auditui.checks.parse.is_candidate`.)"""
    from .parse import is_candidate as candidate  # the registered file types decide

    return candidate(rel)


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
