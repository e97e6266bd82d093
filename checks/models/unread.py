"""Infrastructure written in languages auditui does not read: each such file is a notice.

A Jsonnet entry point, a Bicep template, a Pulumi project, a CDK app or a Serverless service
describes infrastructure auditui cannot see into (the manifests or resources it generates are
never audited). Without a notice the repository would look fully read, and an absence finding
("no NetworkPolicy", "no backup") could rest on files nobody read; the notice names the language
so the Notices screen and the report say what was left out. Jsonnet libraries (``.libsonnet``)
are read by an entry point and are not listed on their own.
"""

from __future__ import annotations

import posixpath

from .base import FileKind, ParsedFile

UNREAD = FileKind.define("unread-iac")

#: file name endings -> (language, what the file produces that is not audited)
_SUFFIXES = {
    ".jsonnet": ("Jsonnet", "the manifests it generates"),
    ".bicep": ("Bicep", "the Azure resources it declares"),
}
#: file names -> (language, what is not audited)
_NAMES = {
    "pulumi.yaml": ("Pulumi", "its program's resources"),
    "pulumi.yml": ("Pulumi", "its program's resources"),
    "cdk.json": ("AWS CDK", "the stacks its app synthesises"),
    "cdktf.json": ("CDK for Terraform", "the stacks its app synthesises"),
    "serverless.yml": ("Serverless Framework", "the functions and resources it declares"),
    "serverless.yaml": ("Serverless Framework", "the functions and resources it declares"),
}


def _language(rel: str) -> tuple[str, str] | None:
    name = posixpath.basename(rel).lower()
    if name in _NAMES:
        return _NAMES[name]
    for suffix, found in _SUFFIXES.items():
        if name.endswith(suffix):
            return found
    return None


def is_unread_iac(rel: str) -> bool:
    return _language(rel) is not None


def parse(path: str, text: str) -> ParsedFile:
    """A notice naming the language (never raises)."""
    parsed = ParsedFile(path, UNREAD)
    found = _language(path)
    if found is not None:
        language, what = found
        parsed.notices.append(f"{language}: auditui has no reader for it; {what} are not audited")
    return parsed


__all__ = ["UNREAD", "is_unread_iac", "parse"]
