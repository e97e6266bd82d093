"""From bytes to a :class:`ParsedFile`: recognise, parse, and never raise.

Which parser reads a file is decided by the file types the domains register (see
``checks/filetypes.py``): by path, then, for YAML, by what the documents hold, then by
the first bytes.  This module only runs that table and owns what is common to every
YAML format (Helm templates, YAML errors, alias bombs).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import filetypes
from .classify import YAML_EXT, basename, in_helm_chart, looks_templated
from .filetypes import Comments, FileType
from .models import usage_docs
from .models.base import Fact, FileKind, ParsedFile, Problem
from .models.topics import DOC_DECLARED, HELM_TEMPLATE, HelmTemplateData
from .models.yamlnodes import YamlBombError, load_documents_partial


def parse_text(rel: str, text: str, head: bytes = b"",
               read: Callable[[str], str | None] | None = None) -> ParsedFile | None:
    """Parse one file's text; None when it is nothing we audit.

    Files known by name (CI pipelines other than GitHub's, Terraform/Pulumi/CDK, and
    CloudFormation templates by content) add a ``ci``/``iac`` fact for repository
    checks; a file that is nothing else we read is kept as a bare record for it.
    With ``read`` (repository path -> text or None), a file type's ``resolve`` step may
    read the files its tool reads beside it (compose: ``.env``, ``env_file:``); the paths
    it asked for are in ``parsed.reads``.
    """
    table = filetypes.table()
    parsed = _parse_known(rel, text, head, table)
    if parsed is not None and read is not None and parsed.units:
        resolver = table.resolver(parsed.kind)
        if resolver is not None:
            try:
                resolver(parsed, read)
            except Exception as exc:  # never raise: the file is still audited as written
                parsed.notices.append(f"could not read the files it refers to ({type(exc).__name__}); "
                                      f"audited as written")

    if parsed is not None and parsed.units:  # what the file's leading comment says it is for (context model)
        declared = usage_docs.declared_fact(rel, text, table.comments(parsed.kind).line)
        if declared is not None:  # it says more than a setting of the file (models/envfile.py)
            parsed.facts = [f for f in parsed.facts if f.topic != DOC_DECLARED] + [declared]

    named = table.named_fact(rel, text)  # (None when no named file matches)
    if named is not None:
        if parsed is None:
            parsed = ParsedFile(rel, FileKind.YAML)
        parsed.facts.append(named)
    return parsed


def kind_by_name(rel: str) -> FileKind | None:
    """The kind the file's path alone decides, if any."""
    ftype = filetypes.table().by_name(rel)
    return None if ftype is None else ftype.kind


def comments_of(kind: FileKind | None) -> Comments:
    """How files of this kind write comments (where suppression markers are read)."""
    return filetypes.table().comments(kind)


def is_candidate(rel: str) -> bool:
    """Could this file be something we audit?  (Cheap: looks at the path only.)"""
    name = basename(rel)
    if name.lower().endswith(YAML_EXT):
        return True
    table = filetypes.table()
    if table.by_name(rel) is not None or table.is_named(rel):
        return True
    # extensionless files may be scripts with a shebang
    return "." not in name.lstrip(".") and not name.startswith(".")


def worth_notice(rel: str) -> bool:
    """Skipped-file notices matter for files we would have audited, not for every blob."""
    if rel.lower().endswith(YAML_EXT):
        return True
    ftype = filetypes.table().by_name(rel)
    return ftype is not None and ftype.kind.infra


def _parse_known(rel: str, text: str, head: bytes, table: filetypes.FileTypes) -> ParsedFile | None:
    ftype = table.by_name(rel)
    try:
        if ftype is not None and ftype.parse is not None:
            return ftype.parse(rel, text)
        if ftype is not None or rel.lower().endswith(YAML_EXT):
            return _parse_yaml(rel, text, ftype, table)
        sniffed = table.by_head(head or text[:200].encode("utf-8", "replace"))
        if sniffed is not None and sniffed.parse is not None:
            return sniffed.parse(rel, text)
        return None
    except RecursionError:
        return _broken(rel, ftype.kind if ftype is not None else FileKind.YAML, "file nests too deeply to read")


def _broken(rel: str, kind: FileKind, message: str, line: int | None = None) -> ParsedFile:
    parsed = ParsedFile(rel, kind)
    parsed.problems.append(Problem(message, line))
    return parsed


def _parse_yaml(rel: str, text: str, ftype: FileType | None, table: filetypes.FileTypes) -> ParsedFile | None:
    templated = looks_templated(text)
    if templated and in_helm_chart(rel):
        return _helm(rel, text)
    docs, error = load_documents_partial(text)
    if error is not None and templated and not isinstance(error, YamlBombError) and in_helm_chart(rel):
        return _helm(rel, text)
    if error is not None and not isinstance(error, YamlBombError):
        language = _template_language(text, templated)
        if language is not None:
            return _templated(rel, text, language)
    if ftype is None:
        ftype = table.by_content(rel, docs)
    if ftype is not None and ftype.parse_yaml is not None:
        parsed = ftype.parse_yaml(rel, docs)
    else:
        parsed = ParsedFile(rel, FileKind.YAML)
    if error is not None:
        message = error.message if isinstance(error, YamlBombError) else f"invalid YAML: {error.message}"
        parsed.problems.append(Problem(message, error.line))
    return parsed


def _template_language(text: str, go_braces: bool) -> str | None:
    """The template language a YAML file is written in, judged from its markers, or None."""
    if "<%" in text and "%>" in text:
        return "ERB"
    if ("{%" in text and "%}" in text) or ("{#" in text and "#}" in text):
        return "Jinja"
    if go_braces:
        return "Helm/Go or Jinja"
    return None


def _templated(rel: str, text: str, language: str) -> ParsedFile:
    """YAML that only becomes YAML once a template engine renders it: a notice, not a parse error."""
    if language.startswith("Helm"):
        return _helm(rel, text)
    parsed = ParsedFile(rel, FileKind.YAML)
    parsed.notices.append(f"{language} template (does not parse as YAML before rendering); not rendered, not audited")
    return parsed


#: a GitOps kind in a template (``kind: Application``): it deploys what only rendering tells
_DEPLOYS = re.compile(r"^\s*kind:\s*[\"']?(Application|ApplicationSet|Kustomization|HelmRelease)\b", re.MULTILINE)


def _helm(rel: str, text: str = "") -> ParsedFile:
    parsed = ParsedFile(rel, FileKind.HELM_TEMPLATE)
    parsed.notices.append("Helm/Go template (contains {{ }}); not rendered, not audited")
    marker = f"/{rel}".rfind("/templates/")
    if marker >= 0:  # a chart's template: repository-wide absence findings name the chart as not read
        parsed.facts.append(Fact(HELM_TEMPLATE, f"/{rel}"[1:marker] if marker else "", data=HelmTemplateData(
            path=rel, app_version=".Chart.AppVersion" in text or None,
            deploys=bool(_DEPLOYS.search(text)) or None)))
    return parsed
