"""GHA013: the checkout's persisted token is uploaded with the workspace as an artifact."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Step, Workflow, is_expression, secret_names

CHECK = Check(
    code="GHA013",
    name="checkout-credentials-in-artifact",
    title="Checkout token uploaded with the workspace as an artifact",
    severity=Severity.MEDIUM,
    category=Category.CICD,
    rationale=(
        "`actions/checkout` keeps the token it used in `.git/config` of the workspace unless "
        "`persist-credentials: false` is set. A later `actions/upload-artifact` of the whole "
        "workspace (`path: .`) then ships that token in an artifact that anyone who can read "
        "the repository can download - for a public repository, anyone with an account. The "
        "GITHUB_TOKEN is only valid until the job ends, but artifacts are downloadable while it "
        "runs (medium); a personal access token or app token passed to the checkout (`token:`) "
        "stays valid for months (high). upload-artifact from v4.4 leaves hidden files out unless "
        "`include-hidden-files: true`; older versions upload `.git` as well. A checkout that only "
        "keeps its credentials, with nothing uploaded, is not reported."
    ),
    remediation=(
        "Set `persist-credentials: false` on every `actions/checkout` whose job does not push with git.",
        "Upload only the build output (`path: dist/`), never the workspace root.",
        "Use actions/upload-artifact v4.4 or later and leave `include-hidden-files` off.",
        "If a personal access token was uploaded, revoke it now.",
    ),
    effort="15m",
    references=(
        "https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/",
        "https://github.com/actions/checkout#usage",
        "https://github.com/actions/upload-artifact#uploading-hidden-files",
    ),
    peers=("zizmor artipacked",),
)

#: upload paths that take the whole workspace
_WHOLE_RE = re.compile(r"^(?:\.|\./|\*|\*\*|\./\*|\./\*\*|\*\*/\*|\$\{\{\s*github\.workspace\s*\}\}/?|\$GITHUB_WORKSPACE/?|"
                       r"\$\{GITHUB_WORKSPACE\}/?)$")
#: upload-artifact releases that upload hidden files (.git) by default: before v4.4.0
_OLD_REF_RE = re.compile(r"^v?(?:[0-3](?:\.\d+){0,2}|4\.[0-3](?:\.\d+)?)$")


def _false(value) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _norm(path: str) -> str:
    path = path.strip().strip("'\"")
    while path.startswith("./") and len(path) > 2:
        path = path[2:]
    return path.rstrip("/") or "."


def _covers(upload: Step, checkout_dir: str) -> str | None:
    """The upload path that takes the checkout's ``.git``, if one does."""
    w = upload.with_
    raw = w.get("path")
    if not isinstance(raw, str):
        return None
    lines = [line.strip() for line in raw.splitlines() if line.strip() and not line.strip().startswith("#")]
    if any(line.startswith("!") and ".git" in line for line in lines):
        return None
    action = upload.action
    ref = action.ref if action is not None else ""
    hidden = _true(w.get("include-hidden-files")) or bool(_OLD_REF_RE.match(ref))
    for line in lines:
        if line.startswith("!"):
            continue
        path = _norm(line)
        if ".git" in path.split("/"):
            return line
        if not hidden:
            continue
        if _WHOLE_RE.match(line) or _WHOLE_RE.match(path) or path == checkout_dir:
            return line
    return None


@CHECK.on(Workflow)
def checkout_credentials_in_artifact(wf: Workflow) -> Iterator[Finding]:
    for job in wf.jobs:
        kept: list[tuple[Step, str, list[str]]] = []  # (checkout, its folder, secrets its token comes from)
        for step in job.steps:
            action = step.action
            if action is None:
                continue
            if action.is_action("actions/checkout"):
                w = step.with_
                if _false(w.get("persist-credentials")):
                    continue
                path = w.get("path")
                folder = _norm(path) if isinstance(path, str) and not is_expression(path) else "."
                tokens = [n for n in secret_names(w.get("token")) if n.upper() != "GITHUB_TOKEN"]
                kept.append((step, folder, tokens))
                continue
            if not kept or not action.is_action("actions/upload-artifact"):
                continue
            for checkout, folder, tokens in kept:
                line = _covers(step, folder)
                if line is None:
                    continue
                if tokens:
                    what = f"the token from secret `{tokens[0]}` (long-lived)"
                else:
                    what = "the job's GITHUB_TOKEN"
                yield CHECK.finding(
                    checkout.node, "uses", resource=checkout.resource,
                    severity=Severity.HIGH if tokens else Severity.MEDIUM,
                    message=f"{checkout.label} of {job.label} keeps {what} in .git/config and "
                            f"{step.label} uploads the workspace (`path: {line}`) as an artifact",
                    evidence=f"uses: {checkout.uses}; upload path: {line}",
                )
                break
