"""SH017: an upload made readable by anyone (``aws s3 cp --acl public-read``, ``gsutil -a public-read``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import Segment, ShellScript
from ..models.shell_ops import path_words

CHECK = Check(
    code="SH017",
    name="public-read-upload",
    title="Upload made readable by anyone",
    severity=Severity.LOW,
    category=Category.SECRETS,
    rationale=(
        "`aws s3 cp/sync --acl public-read`, `gsutil cp -a public-read`, `gsutil acl ch -u AllUsers:R` "
        "and `gcloud storage cp --predefined-acl=publicRead` give every object they touch to the "
        "whole internet. For the files of a public static site that is the point (info); behind a "
        "CDN (a CloudFront invalidation in the same file) the objects stay reachable directly, "
        "around the CDN's logs, WAF and cache rules (low). It is a leak when what is uploaded "
        "looks secret (an env file, a database dump, a backup archive, keys, Terraform state: "
        "high) or is the whole workspace (`sync .`: the `.git` folder, with the checkout's token "
        "when it persists, and any `.env` go too: medium)."
    ),
    remediation=(
        "Drop the ACL flag: keep the bucket private (Block Public Access, uniform bucket-level access).",
        "Serve a site through the CDN with an origin access control (CloudFront OAC, a GCS backend bucket) "
        "instead of public objects.",
        "Upload a folder built for publishing (`dist/`), never the workspace; exclude dotfiles (`--exclude '.*'`).",
        "If a secret or dump was uploaded public, delete the object and rotate what it holds.",
    ),
    effort="30m",
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl",
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html",
        "https://cloud.google.com/storage/docs/access-control/making-data-public",
    ),
)

_ACL_FLAGS = frozenset(("--acl", "-a", "--predefined-acl", "--canned-acl"))
_PUBLIC_ACLS = frozenset(("publicread", "publicreadwrite"))
_ALL_USERS = ("allusers", "allauthenticatedusers", "acs.amazonaws.com/groups/global/allusers")
#: words of a path that looks secret: env files, dumps, backups, keys, state
_SECRET_WORDS = frozenset(("env", "sql", "dump", "backup", "backups", "bak", "pem", "key", "p12", "pfx",
                           "tfstate", "credentials", "secrets", "secret", "id_rsa", "kubeconfig", "htpasswd"))
_VERBS = frozenset(("cp", "sync", "mv", "rsync", "s3", "storage"))
_WORKSPACE = frozenset((".", "./", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}", "$PWD", "${PWD}", "$(pwd)"))


def _public_acl(seg: Segment) -> str | None:
    """The words that make the upload public, as written, or None."""
    argv = seg.argv
    for i, word in enumerate(argv):
        low = word.lower()
        flag, eq, value = low.partition("=")
        if flag in _ACL_FLAGS and (eq or flag != "-a" or seg.name == "gsutil"):
            value = value if eq else (argv[i + 1].lower() if i + 1 < len(argv) else "")
            if value.replace("-", "").replace("_", "") in _PUBLIC_ACLS:
                return word if eq else f"{word} {argv[i + 1]}"
        elif low in ("public-read", "public-read-write") and seg.name == "gsutil" and "set" in argv[:i]:
            return f"acl set {word}"
        elif any(who in low for who in _ALL_USERS):
            return word
    return None


def _sources(seg: Segment) -> list[str]:
    """The local path an upload reads: the word before the first bucket URL
    (``aws s3 cp SRC s3://...``, ``gsutil cp -a public-read SRC gs://...``)."""
    argv = seg.argv
    for i, word in enumerate(argv[2:], 2):
        if "://" in word:
            before = argv[i - 1]
            if before.startswith("-") or before in _VERBS or argv[i - 2].lower() in _ACL_FLAGS:
                return []
            return [before]
    return []


def _secret_looking(path: str) -> bool:
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    return name.startswith(".env") or bool(path_words(path) & _SECRET_WORDS)


def _behind_cdn(script: ShellScript) -> bool:
    for command in script.commands:
        for seg in command.segments:
            argv = [a.lower() for a in seg.argv]
            if seg.name == "aws" and "cloudfront" in argv and "create-invalidation" in argv:
                return True
            if seg.name == "gcloud" and "cdn" in argv and "invalidate-cdn-cache" in argv:
                return True
    return False


@CHECK.on(ShellScript)
def public_read_upload(script: ShellScript) -> Iterator[Finding]:
    cdn: bool | None = None
    for command in script.commands:
        for seg in command.segments:
            if seg.name not in ("aws", "gsutil", "gcloud"):
                continue
            acl = _public_acl(seg)
            if acl is None:
                continue
            sources = _sources(seg)
            exclusions = any(a.startswith("--exclude") or a == "-x" for a in seg.argv)
            secret = [src for src in sources if _secret_looking(src)]
            key: tuple[str, ...]
            if secret:
                severity, what, key = Severity.HIGH, f"{secret[0]!r} (it looks secret)", ("secret", secret[0])
            elif any(src in _WORKSPACE for src in sources) and not exclusions:
                severity, what, key = Severity.MEDIUM, "the whole workspace (.git and any .env included)", ("workspace",)
            else:
                if cdn is None:
                    cdn = _behind_cdn(script)
                severity = Severity.LOW if cdn else Severity.INFO
                what, key = ("the uploaded objects (reachable around the CDN that serves them)" if cdn else
                             "the uploaded objects (a public site's files, by design?)"), ("objects",)
            yield CHECK.finding(
                command.at(seg), resource=script.resource, severity=severity, repeats=key,
                message=f"`{acl}` makes {what} readable by anyone on the internet",
                evidence=command.evidence,
            )
