"""From bytes to a :class:`ParsedFile`: classify, parse, and never raise."""

from __future__ import annotations

from .classify import (
    in_helm_chart,
    is_compose_doc,
    is_shell_shebang,
    kind_by_name,
    looks_templated,
    name_fact,
)
from .models import compose, dockerfile, envfile, helm, shell, source, workflow
from .models.base import Fact, FileKind, ParsedFile, Problem
from .models.k8s.objects import is_k8s_doc
from .models.k8s.parse import parse_kustomization, parse_manifests
from .models.k8s.patches import json6902_file_facts
from .models.users import privilege_drop
from .models.yamlnodes import YamlBombError, load_documents_partial
from .classify import YAML_EXT


def parse_text(rel: str, text: str, head: bytes = b"") -> ParsedFile | None:
    """Parse one file's text; None when it is nothing we audit.

    Files known by name (CI pipelines other than GitHub's, Terraform/Pulumi/CDK, and
    CloudFormation templates by content) add a ``ci``/``iac`` fact for repository
    checks; a file that is nothing else we read is kept as a bare record for it.
    """
    parsed = _parse_known(rel, text, head)
    if parsed is not None and parsed.kind is FileKind.SHELL:
        drop = privilege_drop(text)  # user/root model: an entrypoint that steps down (DKR001, CMP010)
        if drop is not None:
            parsed.facts.append(Fact("shell:privdrop", rel, drop[1], (), Fact.pack(tool=drop[0])))
    named = name_fact(rel)
    if named is None and rel.lower().endswith(_CFN_EXT) and "AWSTemplateFormatVersion" in text:
        named = ("iac", "cloudformation")
    if named is not None:
        if parsed is None:
            parsed = ParsedFile(rel, FileKind.YAML)
        if named[0] == "helm:lock":
            parsed.facts.append(Fact(named[0], rel.rsplit("/", 1)[0] if "/" in rel else "", data=Fact.pack(path=rel)))
        elif named[0] == "dockerignore":
            parsed.facts.append(Fact(named[0], rel, data=Fact.pack(patterns=dockerfile.ignore_patterns(text))))
        else:
            parsed.facts.append(Fact(named[0], rel, data=Fact.pack(tool=named[1])))
    return parsed


_CFN_EXT = (".yaml", ".yml", ".json", ".template")


def _parse_known(rel: str, text: str, head: bytes = b"") -> ParsedFile | None:
    kind = kind_by_name(rel)
    try:
        if kind is FileKind.DOCKERFILE:
            return dockerfile.parse(rel, text)
        if kind is FileKind.ENV:
            return envfile.parse(rel, text)
        if kind is FileKind.SHELL:
            return shell.parse(rel, text)
        if kind is FileKind.SOURCE:
            return source.parse(rel, text)
        if kind is not None or rel.lower().endswith(YAML_EXT):
            return _parse_yaml(rel, text, kind)
        if is_shell_shebang(head or text[:200].encode("utf-8", "replace")):
            return shell.parse(rel, text)
        return None
    except RecursionError:
        return _broken(rel, kind or FileKind.YAML, "file nests too deeply to read")


def _broken(rel: str, kind: FileKind, message: str, line: int | None = None) -> ParsedFile:
    parsed = ParsedFile(rel, kind)
    parsed.problems.append(Problem(message, line))
    return parsed


def _parse_yaml(rel: str, text: str, kind: FileKind | None) -> ParsedFile | None:
    templated = looks_templated(text)
    if templated and in_helm_chart(rel):
        return _helm(rel, text)
    docs, error = load_documents_partial(text)
    if error is not None and templated and not isinstance(error, YamlBombError):
        return _helm(rel, text)
    parsed = _from_docs(rel, docs, kind)
    if error is not None:
        message = error.message if isinstance(error, YamlBombError) else f"invalid YAML: {error.message}"
        parsed.problems.append(Problem(message, error.line))
    return parsed


def _from_docs(rel: str, docs: list, kind: FileKind | None) -> ParsedFile:
    if kind is FileKind.WORKFLOW:
        return workflow.parse(rel, docs)
    if kind is FileKind.KUSTOMIZATION:
        return parse_kustomization(rel, docs)
    if kind is FileKind.COMPOSE:
        return compose.parse(rel, docs)
    if kind is FileKind.HELM_CHART:
        return helm.parse_chart(rel, docs)
    if any(is_k8s_doc(doc.data) for doc in docs):
        return parse_manifests(rel, docs)
    if any(is_compose_doc(doc.data) for doc in docs):
        return compose.parse(rel, docs)
    if kind is FileKind.HELM_VALUES:
        return helm.parse_values(rel, docs)
    if any(helm.is_requirements_doc(doc.data) for doc in docs):
        return helm.parse_chart(rel, docs, requirements=True)
    parsed = ParsedFile(rel, FileKind.YAML)
    parsed.facts.extend(json6902_file_facts(rel, docs))  # a Kustomize patch of JSON6902 operations
    return parsed


def _helm(rel: str, text: str = "") -> ParsedFile:
    parsed = ParsedFile(rel, FileKind.HELM_TEMPLATE)
    parsed.notices.append("Helm/Go template (contains {{ }}); not rendered, not audited")
    marker = f"/{rel}".rfind("/templates/")
    if marker >= 0:  # a chart's template: repository-wide absence findings name the chart as not read
        parsed.facts.append(Fact("helm:template", f"/{rel}"[1:marker] if marker else "", data=Fact.pack(
            path=rel, app_version=".Chart.AppVersion" in text or None)))
    return parsed
