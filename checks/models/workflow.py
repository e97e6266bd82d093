"""GitHub Actions workflows as a :class:`Workflow` of :class:`Job` and :class:`Step`.

Everything is read defensively: a workflow is user-written YAML, so any field may
be missing, of the wrong type, or written in flow style.  Accessors return empty
containers (never raise) and keep the YAML nodes so findings point at real lines.

Besides the typed units, the parser emits facts the repository checks need:

* ``workflow`` (key: path) - ``triggers`` (sorted event names), ``deploys`` (some job
  deploys), ``jobs`` (number of jobs), ``name``;
* ``workflow:image-build`` (key: ``path#job``) - a job that builds a container image:
  ``job``, ``context``, ``dockerfile``, ``push``.

Heuristics shared by several checks (what is a deploy job, which ``${{ }}`` contexts
an outsider controls, how an image build is recognised) live here so that the checks
and the facts agree.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..api import Severity
from .base import AtDoc, AtNode, Fact, FileKind, ParsedFile
from .image_uses import image_command
from .shell_hosts import run_commands, workflow_shells
from .shell_ops import (
    cloud_segment,
    deploys,
    dry_run,
    redirections,
    runs_remotely,
    starts_cluster,
)
from .shell_ops import files_written as segment_writes
from .shell_ops import (
    publishes as publishes_command,
)
from .topics import (
    SHELL_CLOUD,
    WORKFLOW,
    WORKFLOW_CALL,
    WORKFLOW_COMPOSE_UP,
    WORKFLOW_IMAGE_BUILD,
    WORKFLOW_PR_JOB,
    WORKFLOW_REUSABLE,
    ShellCloudData,
    WorkflowCallData,
    WorkflowComposeUpData,
    WorkflowData,
    WorkflowImageBuildData,
    WorkflowPrJobData,
    WorkflowReusableData,
)
from .workflow_expr import BOT_AUTHOR, MEMBER_AUTHOR, MEMBER_COMMENTER, SAME_REPO, Guard, guard_for
from .yamlnodes import YamlDoc, YList, YMap, load_documents_partial

__all__ = [
    "Workflow",
    "Job",
    "Step",
    "ActionRef",
    "Permissions",
    "parse",
    "expressions",
    "is_expression",
    "untrusted_contexts",
    "parse_uses",
    "ImageBuild",
    "token_scopes_used",
    "secret_names",
    "deploy_secret",
    "deploy_secrets_of",
    "VENDOR_OWNERS",
    "token_exposure",
    "workflow_run_intake",
    "credential_use",
    "LocalAction",
    "ActionFile",
    "ACTION_KIND",
    "parse_action",
    "is_action_doc",
    "input_names",
    "local_action_folder",
    "resolve",
    "inert_workflow_run",
    "outsider_reason",
    "unpinned_third_party",
    "repository_names",
]

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
EXPR_RE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)

#: events whose workflows run with the base repository's token and secrets while
#: reacting to something an outsider controls: a pull request (pull_request_target), a
#: run of a fork's workflow (workflow_run), a comment anyone can post on a pull request
#: (issue_comment, the usual "/ok-to-test" trigger) and the dispatch such a comment
#: command sends on (repository_dispatch, whose payload names the pull request)
PRIVILEGED_EVENTS = frozenset({"pull_request_target", "workflow_run", "issue_comment", "repository_dispatch"})
#: of those, the events an outsider can start by themselves: ``repository_dispatch`` needs a
#: token with write access to the repository (a maintainer, a bot or another repository's
#: release workflow), so it only carries an outsider's data when a relay sends it on
OUTSIDER_EVENTS = PRIVILEGED_EVENTS - {"repository_dispatch"}
#: triggers only maintainers or the clock fire: no outsider can start the run
QUIET_TRIGGERS = frozenset(("schedule", "workflow_dispatch"))
#: how much a write scope of the GITHUB_TOKEN lets a compromised step do (GHA003, GHA016)
SCOPE_SEVERITY = {
    "actions": Severity.HIGH, "attestations": Severity.HIGH, "contents": Severity.HIGH,
    "deployments": Severity.HIGH, "id-token": Severity.HIGH, "packages": Severity.HIGH,
    "pages": Severity.HIGH, "pull-requests": Severity.HIGH, "issues": Severity.MEDIUM,
    "checks": Severity.MEDIUM, "discussions": Severity.MEDIUM, "repository-projects": Severity.MEDIUM,
    "security-events": Severity.MEDIUM, "statuses": Severity.LOW,
}
#: events whose run for a fork's pull request gets a read-only token and no secrets whatever the
#: workflow asks (the pull request's author can already change the code such a run executes)
FORK_READ_ONLY_EVENTS = frozenset({"pull_request", "pull_request_review", "pull_request_review_comment"})


# -- expressions -----------------------------------------------------------------


def expressions(text: Any) -> list[str]:
    """The bodies of every ``${{ ... }}`` expression in a string (stripped)."""
    if not isinstance(text, str) or "${{" not in text:
        return []
    # a scan, not EXPR_RE.finditer: that restarts at every unterminated `${{` and is
    # quadratic (50,000 of them on one run: line took minutes); this is linear
    found: list[str] = []
    pos = 0
    while True:
        begin = text.find("${{", pos)
        if begin < 0:
            return found
        end = text.find("}}", begin + 3)
        if end < 0:
            return found  # no expression closes after this point: none of the later ones either
        found.append(text[begin + 3:end].strip())
        pos = end + 2


def is_expression(value: Any) -> bool:
    """True when a scalar is (or contains) a ``${{ }}`` expression."""
    return isinstance(value, str) and "${{" in value


_LIST_SEL = r"(?:\.\*|\[\s*\d+\s*\]|\[\s*'\*'\s*\])?"
#: contexts an outsider (anyone who can open an issue, a PR, a comment or push a
#: branch to a fork) can fill with arbitrary text
_UNTRUSTED = [
    r"github\.head_ref",
    r"github\.event\.(?:issue|pull_request|discussion)\.(?:title|body)",
    r"github\.event\.(?:comment|review|review_comment)\.body",
    r"github\.event\.pages" + _LIST_SEL + r"\.page_name",
    r"github\.event\.(?:commits" + _LIST_SEL + r"|head_commit)\.(?:message|(?:author|committer)\.(?:email|name))",
    r"github\.event\.pull_request\.head\.(?:ref|label|repo\.default_branch)",
    r"github\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|(?:author|committer)\.(?:email|name)))",
    r"github\.event\.workflow_run\.pull_requests" + _LIST_SEL + r"\.head\.ref",
    r"github\.event\.merge_group\.head_commit\.(?:message|(?:author|committer)\.(?:email|name))",
    r"github\.event\.check_suite\.head_branch",
    r"github\.event(?=\s*[),}]|\s*$)",  # the whole event, e.g. toJSON(github.event)
    r"github(?=\s*[),}]|\s*$)",  # the whole context (it holds the event and head_ref), toJSON(github)
]
_UNTRUSTED_RE = re.compile(r"(?<![\w.])(?:" + "|".join(_UNTRUSTED) + r")(?![\w])")


def _normalise_context(expr: str) -> str:
    # github.event['pull_request']['title'] -> github.event.pull_request.title
    return re.sub(r"\[\s*['\"]([A-Za-z_][\w-]*)['\"]\s*\]", r".\1", expr)


def untrusted_contexts(text: Any) -> list[str]:
    """Outsider-controlled contexts used inside ``${{ }}`` in ``text``, in order, unique."""
    found: list[str] = []
    for expr in expressions(text):
        for match in _UNTRUSTED_RE.finditer(_normalise_context(expr)):
            value = match.group(0)
            if value not in found:
                found.append(value)
    return found


# -- uses: -------------------------------------------------------------------------

#: owners whose actions the platform or the vendor of the service they talk to publishes
#: (owner -> vendor).  A movable tag of theirs is the same mechanism as anyone's, but moving
#: it takes a compromise of the organisation the workflow already trusts with the credential
#: or the runner itself (GitHub for ``actions/*``, Google for ``google-github-actions/auth``
#: receiving a Google credential), so it is rated below a third party's tag.  Only
#: organisations that are the vendor itself belong here, never a popular third party.
VENDOR_OWNERS = {
    "actions": "GitHub", "github": "GitHub",
    "google-github-actions": "Google Cloud", "aws-actions": "AWS", "azure": "Microsoft Azure",
    "docker": "Docker", "hashicorp": "HashiCorp", "digitalocean": "DigitalOcean",
    "cloudflare": "Cloudflare", "oracle-actions": "Oracle Cloud", "pulumi": "Pulumi",
    "superfly": "Fly.io",
}
#: reusable workflows that must be called by an exact release tag: they verify their own
#: ref to produce provenance, and fail when called by a SHA (their documentation says so)
TAG_ONLY = frozenset({"slsa-framework/slsa-github-generator"})
_EXACT_RELEASE_RE = re.compile(r"^v\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class ActionRef:
    """A parsed ``uses:`` value."""

    raw: str
    kind: str  # "repo" | "local" | "docker" | "invalid"
    owner: str = ""
    repo: str = ""
    path: str = ""  # sub-path inside the repository (actions in sub-folders, reusable workflows)
    ref: str = ""  # the part after "@" ("" when missing)

    @property
    def name(self) -> str:
        """``owner/repo`` in lower case (GitHub names are case-insensitive)."""
        return f"{self.owner}/{self.repo}".lower() if self.kind == "repo" else self.raw

    @property
    def full_name(self) -> str:
        return f"{self.name}/{self.path}" if self.path else self.name

    @property
    def pinned_to_sha(self) -> bool:
        if self.kind == "repo":
            return bool(SHA_RE.match(self.ref))
        if self.kind == "docker":
            return "@sha256:" in self.raw
        return self.kind == "local"

    @property
    def github_owned(self) -> bool:
        return self.kind == "repo" and self.owner.lower() in ("actions", "github")

    @property
    def vendor(self) -> str | None:
        """Who publishes the action when it is the platform or a vendor (see :data:`VENDOR_OWNERS`)."""
        if self.kind != "repo":
            return None
        if self.github_owned:
            return "GitHub"
        return VENDOR_OWNERS.get(self.owner.lower())

    @property
    def pinned(self) -> bool:
        """Pinned to immutable code: a full commit SHA or digest, a local action, or an exact release
        tag of a reusable workflow that must be called by tag (see :data:`TAG_ONLY`)."""
        if self.pinned_to_sha:
            return True
        return self.kind == "repo" and self.name in TAG_ONLY and bool(_EXACT_RELEASE_RE.match(self.ref))

    def is_action(self, *names: str) -> bool:
        """True when this is one of the given ``owner/repo`` actions (any ref)."""
        return self.kind == "repo" and self.name in {n.lower() for n in names}


def parse_uses(value: Any) -> ActionRef | None:
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw:
        return None
    if raw.startswith("./") or raw.startswith("../") or raw == ".":
        return ActionRef(raw, "local")
    if raw.lower().startswith("docker://"):
        return ActionRef(raw, "docker")
    spec, _, ref = raw.partition("@")
    parts = [p for p in spec.split("/")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return ActionRef(raw, "invalid", ref=ref)
    return ActionRef(raw, "repo", parts[0], parts[1], "/".join(parts[2:]), ref.strip())


# -- permissions -------------------------------------------------------------------


@dataclass(frozen=True)
class Permissions:
    """A ``permissions:`` value at workflow or job level.

    ``kind`` is ``absent`` (the default token permissions apply), ``write-all``,
    ``read-all``, ``map`` (explicit scopes, ``{}`` meaning none) or ``other``
    (something GitHub would reject, or an expression).
    """

    kind: str
    node: YMap | None  # the mapping that holds the ``permissions`` key
    value: Any = None

    @property
    def present(self) -> bool:
        return self.kind != "absent"

    @property
    def scopes(self) -> dict[str, str]:
        if self.kind != "map" or not isinstance(self.value, YMap):
            return {}
        return {str(k).strip().lower(): str(v).strip().lower() for k, v in self.value.items() if v is not None}

    @property
    def writes(self) -> list[str]:
        if self.kind == "write-all":
            return ["*"]
        return [scope for scope, level in self.scopes.items() if level == "write"]


def _permissions(holder: YMap) -> Permissions:
    if "permissions" not in holder:
        return Permissions("absent", holder)
    value = holder.get("permissions")
    if isinstance(value, YMap):
        return Permissions("map", holder, value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("write-all", "read-all"):
            return Permissions(text, holder, value)
    if value is None:  # `permissions:` with nothing after it: GitHub reads it as {}
        return Permissions("map", holder, YMap(holder.key_line("permissions"), holder.key_line("permissions"),
                                                 holder.ypath + ("permissions",)))
    return Permissions("other", holder, value)


# -- what a job does with its token -----------------------------------------------------

#: actions whose use needs a write scope of the GITHUB_TOKEN (by scope)
_SCOPE_ACTIONS: dict[str, frozenset[str]] = {
    "contents": frozenset((
        "softprops/action-gh-release", "ncipollo/release-action", "peter-evans/create-pull-request",
        "stefanzweifel/git-auto-commit-action", "ad-m/github-push-action", "endbug/add-and-commit",
        "googleapis/release-please-action", "google-github-actions/release-please-action",
        "goreleaser/goreleaser-action", "peaceiris/actions-gh-pages", "jamesives/github-pages-deploy-action",
        "release-drafter/release-drafter", "actions/create-release", "actions/upload-release-asset",
        "svenstaro/upload-release-action", "changesets/action", "anothrnick/github-tag-action",
        "mathieudutour/github-tag-action", "rickstaa/action-create-tag", "cycjimmy/semantic-release-action",
        "test-room-7/action-update-file", "planetscale/ghcommit-action",
    )),
    "pull-requests": frozenset((
        "peter-evans/create-pull-request", "marocchino/sticky-pull-request-comment",
        "thollander/actions-comment-pull-request", "peter-evans/create-or-update-comment",
        "googleapis/release-please-action", "google-github-actions/release-please-action", "actions/labeler",
        "release-drafter/release-drafter", "changesets/action", "mshick/add-pr-comment",
        "peter-evans/enable-pull-request-automerge", "hmarr/auto-approve-action", "actions/stale",
        "amannn/action-semantic-pull-request", "dependabot/fetch-metadata",
    )),
    "issues": frozenset((
        "actions/stale", "peter-evans/create-issue-from-file", "peter-evans/create-or-update-comment",
        "jasonetco/create-an-issue", "actions/labeler", "dessant/lock-threads", "actions/first-interaction",
    )),
    "id-token": frozenset((
        "aws-actions/configure-aws-credentials", "google-github-actions/auth", "azure/login",
        "pypa/gh-action-pypi-publish", "sigstore/cosign-installer", "actions/attest-build-provenance",
        "actions/attest", "actions/attest-sbom", "hashicorp/vault-action", "slsa-framework/slsa-github-generator",
        "rubygems/release-gem", "sigstore/gh-action-sigstore-python", "ossf/scorecard-action",
        "octo-sts/action",
    )),
    "attestations": frozenset(("actions/attest-build-provenance", "actions/attest", "actions/attest-sbom")),
    "pages": frozenset(("actions/deploy-pages",)),
    "security-events": frozenset((
        "github/codeql-action", "ossf/scorecard-action", "aquasecurity/trivy-action", "anchore/scan-action",
        "snyk/actions", "microsoft/security-devops-action",
    )),
    "checks": frozenset((
        "dorny/test-reporter", "enricomi/publish-unit-test-result-action", "mikepenz/action-junit-report",
    )),
    "deployments": frozenset(("chrnorm/deployment-action", "chrnorm/deployment-status", "bobheadxi/deployments")),
    "statuses": frozenset((
        "myrotvorets/set-commit-status-action", "ouzi-dev/commit-status-updater", "sibz/github-status-action",
    )),
}
#: commands that need a write scope (by scope)
_SCOPE_COMMANDS: dict[str, re.Pattern] = {
    "contents": re.compile(r"\bgit\s+(?:[^\n;&|]{0,200}\s)?push\b|\bgh\s+release\b|\bgh\s+pr\s+(?:create|merge)\b"),
    # `gh pr view/list/diff/checks/status/checkout` read: pull-requests: read does for them
    "pull-requests": re.compile(r"\bgh\s+pr\b(?!\s+(?:view|list|ls|diff|checks|status|checkout)\b)"),
    "issues": re.compile(r"\bgh\s+(?:issue|label)\b"),
    "id-token": re.compile(r"ACTIONS_ID_TOKEN_REQUEST|\bcosign\s+(?:sign|attest)\b|--provenance\b"),
    "packages": re.compile(r"\b(?:ghcr\.io|docker\.pkg\.github\.com|(?:npm|maven|nuget|rubygems)\.pkg\.github\.com)\b"),
    "pages": re.compile(r"\bgh-pages\b"),
    "security-events": re.compile(r"\bupload-sarif\b|\bcode-scanning\b"),
    "statuses": re.compile(r"/statuses/"),
    "actions": re.compile(r"\bgh\s+(?:run|workflow|cache)\b|/actions/(?:runs|workflows|caches)\b"),
}
#: steps that may do anything with the token (a script against the API)
_ANY_SCOPE_ACTIONS = frozenset(("actions/github-script", "octokit/request-action", "octokit/graphql-action"))
_ANY_SCOPE_RE = re.compile(r"\bgh\s+api\b|api\.github\.com")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def token_scopes_used(job: Job) -> frozenset[str] | None:
    """The write scopes of the GITHUB_TOKEN a job visibly uses; None when it cannot be told.

    A job that calls a reusable workflow, runs an API script (``actions/github-script``,
    ``gh api``) may use any scope: None.  Otherwise the scopes come from known actions
    (``softprops/action-gh-release`` writes contents) and commands (``git push``, ``gh pr``,
    a registry login or push to ``ghcr.io`` needs ``packages``).
    """
    if job.reusable:
        return None
    used: set[str] = set()
    steps = job.all_steps()
    if any(isinstance(step.local_action, str) for step in steps):
        return None  # a local action that was not read may use anything
    # the workflow's env is part of what the job reads (`REGISTRY: ghcr.io` set at the top), and
    # so are the steps of the local composite actions the job runs
    inner = [step.node for step in steps if step.within is not None]
    text = "\n".join([*_strings(job.node), *_strings(job.workflow.env), *(t for n in inner for t in _strings(n))])
    for step in steps:
        action = step.action
        if action is None or action.kind != "repo":
            continue
        if action.name in _ANY_SCOPE_ACTIONS:
            return None
        for scope, names in _SCOPE_ACTIONS.items():
            if action.name in names:
                used.add(scope)
    if _ANY_SCOPE_RE.search(text):
        return None
    for scope, pattern in _SCOPE_COMMANDS.items():
        if pattern.search(text):
            used.add(scope)
    return frozenset(used)


# -- deploy secrets ----------------------------------------------------------------------

_SECRET_NAME_RE = re.compile(r"\bsecrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
_SECRET_ANY_RE = re.compile(r"\bsecrets\b")
#: what a name says a deploy secret is: (pattern over the upper-cased name, kind)
_DEPLOY_SECRET_NAMES = (
    (re.compile(r"KUBE_?CONFIG|KUBECONF|KUBE_?CONF(?:IG)?_DATA|K8S_?CONFIG|CLUSTER_?CONFIG"), "kubeconfig"),
    (re.compile(r"SSH.*(?:KEY|IDENTITY)|(?:KEY|IDENTITY).*SSH|ID_(?:RSA|ED25519|ECDSA)|DEPLOY_?KEY|"
                r"(?:SERVER|HOST|VPS|DEPLOY|REMOTE|DROPLET|EC2|PROD(?:UCTION)?|STAGING)_?PRIVATE_?KEY"), "SSH key"),
    (re.compile(r"AWS_?SECRET|AWS_?ACCESS_?KEY|GCP_?SA_?KEY|GCP_?(?:CREDENTIALS|KEY)|GCLOUD_?(?:AUTH|KEY|SERVICE)|"
                r"GOOGLE_?(?:APPLICATION_?)?CREDENTIALS|GKE_?(?:SA_?)?KEY|SERVICE_?ACCOUNT_?(?:KEY|JSON)|AZURE_?CREDENTIALS|"
                r"AZURE_?CLIENT_?SECRET|ARM_?CLIENT_?SECRET|PUBLISH_?PROFILE|DIGITALOCEAN_?(?:ACCESS_?)?TOKEN|DO_?TOKEN|"
                r"HCLOUD_?TOKEN|LINODE_?TOKEN|ALIYUN_?(?:AK|SK|SECRET)|ALICLOUD_?SECRET|CREDENTIALS_?JSON"), "cloud key"),
)
#: action inputs that take a deploy secret whatever the secret is called (input -> kind)
_DEPLOY_INPUTS = {
    "kubeconfig": "kubeconfig", "kube-config": "kubeconfig", "kube_config": "kubeconfig",
    "base64-kube-config": "kubeconfig",
    "ssh-private-key": "SSH key", "ssh_private_key": "SSH key", "ssh-key": "SSH key",
    "aws-secret-access-key": "cloud key", "credentials_json": "cloud key",
    "service_account_key": "cloud key", "publish-profile": "cloud key", "access-key-secret": "cloud key",
}
#: generic input names that take a deploy secret only in these actions
_ACTION_DEPLOY_INPUTS = {
    "appleboy/ssh-action": {"key": "SSH key"}, "appleboy/scp-action": {"key": "SSH key"},
    "shimataro/ssh-key-action": {"key": "SSH key"}, "cross-the-world/ssh-scp-ssh-pipelines": {"key": "SSH key"},
    "cross-the-world/ssh-pipeline": {"key": "SSH key"}, "garygrossgarten/github-action-ssh": {"privatekey": "SSH key"},
    "burnett01/rsync-deployments": {"remote_key": "SSH key"}, "azure/login": {"creds": "cloud key"},
    "azure/k8s-set-context": {"kubeconfig": "kubeconfig"}, "steebchen/kubectl": {"config": "kubeconfig"},
    "google-github-actions/auth": {"credentials_json": "cloud key"},
}


def secret_names(value: Any) -> list[str]:
    """Names of the secrets a value's ``${{ }}`` expressions read (``secrets.X``, ``secrets['X']``)."""
    names: list[str] = []
    for expr in expressions(value):
        for match in _SECRET_NAME_RE.finditer(expr):
            name = match.group(1) or match.group(2)
            if name and name not in names:
                names.append(name)
    return names


def deploy_secret(key: Any, value: Any, action: ActionRef | None = None) -> str | None:
    """What deploy credential ``key: value`` hands over ("SSH key", "kubeconfig", "cloud key"), or None.

    The value must read a secret (``${{ secrets.X }}``); the kind comes from the secret's
    name or from the input or variable that receives it (``ssh-private-key``, ``KUBECONFIG``).
    ``GITHUB_TOKEN`` is not a deploy secret.
    """
    names = [n for n in secret_names(value) if n.upper() != "GITHUB_TOKEN"]
    if not names:
        return None
    for name in names + [str(key)]:
        upper = name.strip().upper().replace("-", "_")
        for pattern, kind in _DEPLOY_SECRET_NAMES:
            if pattern.search(upper):
                return kind
    lowered = str(key).strip().lower()
    if action is not None and action.kind == "repo":
        by_input = _ACTION_DEPLOY_INPUTS.get(action.name, {}).get(lowered)
        if by_input is not None:
            return by_input
    return _DEPLOY_INPUTS.get(lowered)


def deploy_secrets_of(holder: Any, action: ActionRef | None = None) -> list[tuple[str, str]]:
    """(key, kind) of every deploy secret a ``with:`` or ``env:`` mapping hands over."""
    out = []
    if isinstance(holder, dict):
        for key, value in holder.items():
            kind = deploy_secret(key, value, action)
            if kind is not None:
                out.append((str(key), kind))
    return out


#: programs that use a deploy credential of each kind (where a job's later steps show what it reaches)
_CREDENTIAL_PROGRAMS = {
    "SSH key": frozenset(("ssh", "scp", "rsync", "sftp", "ansible-playbook", "ansible")),
    "kubeconfig": frozenset(("kubectl", "helm", "helmfile", "kustomize", "argocd", "flux", "kubeseal", "k9s")),
    "cloud key": frozenset(("aws", "gcloud", "gsutil", "az", "terraform", "terragrunt", "tofu", "pulumi", "doctl",
                            "eksctl", "hcloud", "linode-cli", "aliyun")),
}
def _segment_uses_credential(command: Any, seg: Any, kind: str) -> bool:
    """A simple command runs a program that uses a credential of ``kind`` (``git`` over SSH
    counts for an SSH key: ``git clone git@host:repo``).  A command run on another host over
    ``ssh`` uses that host's credentials, not the runner's (the ``ssh`` itself uses the key)."""
    if runs_remotely(command, seg) or not seg.name:
        return False
    program = seg.name
    if program in _CREDENTIAL_PROGRAMS.get(kind, frozenset()):
        return True
    return kind == "SSH key" and program == "git" and any("git@" in w or "ssh://" in w for w in seg.argv)


def _uses_credential(text: str, kind: str) -> bool:
    """A command of the script text runs a program that uses a credential of ``kind``."""
    return any(_segment_uses_credential(command, seg, kind)
               for command in run_commands(text) for seg in command.segments)


def credential_use(job: Job, step: Step, kind: str) -> str | None:
    """What a deploy credential handed to ``step`` reaches, as the job shows it: the remote
    script the step itself runs and on which host (an SSH action), else the first later step
    of the job that deploys or runs a command of that credential's kind, else why the job
    deploys.  None when the job shows nothing."""
    w = step.with_
    script = next((w.get(k) for k in ("script", "command", "args") if isinstance(w.get(k), str)), None)
    if isinstance(script, str) and script.strip():
        host = next((str(w.get(k)) for k in ("host", "hosts", "server", "remote_host") if w.get(k) is not None), None)
        first = next((command.text for command in run_commands(script)), "")
        return f"{step.label} itself runs `{_shorten(first)}`" + (f" on {_shorten(host, 40)}" if host else "")
    later = False
    for other in job.all_steps():
        if other is step or (other.node is step.node):
            later = True
            continue
        if not later or not other.run:
            continue
        joined = re.sub(r"\\[ \t]*\n", " ", other.run)  # continued lines are one command
        command = deploy_command(joined)
        if command is None:
            command = next((c.text for c in run_commands(other.run)
                            if any(_segment_uses_credential(c, seg, kind) for seg in c.segments)), None)
        if command is not None:
            return f"{other.label} then runs `{_shorten(command)}`"
    reason = job.deploy_reason()
    return f"{job.label} {reason}" if reason else None


# -- deploy and build heuristics --------------------------------------------------------

_DEPLOY_WORDS = {"deploy", "deploys", "deployment", "deployments", "rollout", "promote", "release-prod"}
_NOT_DEPLOY_WORDS = {
    "test", "tests", "testing", "lint", "linting", "validate", "validation", "check", "checks",
    "verify", "plan", "dry", "dryrun", "preview", "build", "e2e", "ci", "render", "diff",
}
_PROD_ENV_RE = re.compile(r"(?i)(^|[^a-z])(prod|production)([^a-z]|$)")
#: actions that start a throw-away cluster: `kubectl apply` there is a test, not a deploy
_EPHEMERAL_ACTIONS = {
    "helm/kind-action", "medyagh/setup-minikube", "nolar/setup-k3d-k3s", "abatilo/actions-k3d",
    "azure/setup-kind", "engineerd/setup-kind", "balchua/microk8s-actions", "jupyterhub/action-k3s-helm",
    "container-tools/kind-action", "manusa/actions-setup-minikube", "debianmaster/actions-k3s",
}
_DEPLOY_ACTION_RE = re.compile(r"deploy", re.IGNORECASE)
#: remote-shell actions (appleboy/ssh-action, ...) deploy when their script does
_REMOTE_SCRIPT_RE = re.compile(
    r"deploy|docker[- ]compose\b[^\n]*\bup\b|docker\s+stack\s+deploy|systemctl\s+(?:re)?start|"
    r"pm2\s+(?:re)?(?:start|load)|supervisorctl\s+restart|git\s+pull",
    re.IGNORECASE,
)
#: publishing a versioned package is a release, not a deployment to an environment
_PUBLISH_ACTIONS = {
    "pypa/gh-action-pypi-publish", "js-devtools/npm-publish", "rubygems/release-gem",
    "softprops/action-gh-release", "ncipollo/release-action", "goreleaser/goreleaser-action",
}
# what a run: command deploys, publishes or starts (deploy commands, publish commands, throw-away
# clusters) is the shell model's, asked of each simple command: shell_ops.deploys, publishes, starts_cluster


def _tokens(text: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", text.lower()) if t}


def deploy_name(text: str) -> bool:
    """A job id or name that says it deploys (and not that it tests a deploy)."""
    tokens = _tokens(text)
    if not tokens & _DEPLOY_WORDS:
        return False
    return not tokens & _NOT_DEPLOY_WORDS


def _shorten(command: str, limit: int = 60) -> str:
    """A command cut at a word boundary for a message (``terraform apply -auto-approve …``)."""
    command = " ".join(command.split())
    if len(command) <= limit:
        return command
    cut = command[:limit].rsplit(" ", 1)[0] if " " in command[:limit] else command[:limit]
    if cut.count("${{") > cut.count("}}"):  # never end inside an expression
        cut = cut[: cut.rfind("${{")].rsplit(" ", 1)[0] or cut
    return cut + " …"


def _any_command(script: Any, test: Callable[[Any], bool]) -> bool:
    """Whether ``test`` holds for a simple command of a ``run:`` script (read by the shell reader:
    comments, messages and heredoc text are not commands)."""
    return isinstance(script, str) and any(test(seg) for command in run_commands(script) for seg in command.segments)


def deploy_command(script: Any) -> str | None:
    """The first command of a script that deploys (not a dry run), if any: the command's text
    as the shell reader joins it (continuations joined, comments left out).

    Each simple command is matched on its own words (:func:`.shell_ops.deploys`), so a deploy
    named in a comment, an echoed string or a heredoc's text does not count.
    """
    if not isinstance(script, str):
        return None
    for command in run_commands(script):
        if not dry_run(command.text) and any(deploys(seg) for seg in command.segments):
            return command.text
    return None


#: actions that build an image with docker/build-push-action's inputs (context, file, build-args):
#: the action and drop-in forks of it
BUILD_ACTIONS = ("docker/build-push-action", "useblacksmith/build-push-action")


@dataclass(frozen=True)
class BuildArg:
    """A build argument a workflow's image build passes (``build-args: BASE=python:3.12``,
    ``--build-arg BASE=...``)."""

    name: str
    #: the value, None when the workflow cannot tell it (a ``${{ }}`` expression, a shell
    #: variable, ``--build-arg NAME`` taking it from the runner's environment)
    value: str | None
    #: as written, for a notice (an expression stays an expression)
    written: str
    line: int


_ENV_EXPR_RE = re.compile(r"\$\{\{\s*env\.([A-Za-z_][\w-]*)\s*\}\}")
_SHELL_REF_RE = re.compile(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")


def _build_arg(text: str, line: int, env: dict[str, str] | None = None, shell: bool = False) -> BuildArg | None:
    """``NAME=value`` (or a bare ``NAME``, the value taken from the environment) as a build
    argument. ``${{ env.X }}`` (and, in a script, ``$X``) take the literal value ``env`` gives X;
    any other expression or variable leaves the value unknown."""
    text = text.strip()
    name, eq, value = text.partition("=")
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name):
        return None
    env = env or {}
    if not eq:
        return BuildArg(name, env.get(name) if shell else None, f"{name} (from the environment)", line)
    value = _ENV_EXPR_RE.sub(lambda m: env.get(m.group(1), m.group(0)), value)
    if shell:
        value = _SHELL_REF_RE.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), value)
    known = None if "$" in value else value
    return BuildArg(name, known, text[:120], line)


@dataclass(frozen=True)
class ImageBuild:
    """A container image build in a step: where, from what, for which platforms."""

    step: Step
    context: str
    dockerfile: str
    platforms: str
    push: bool
    #: the literal names it gives the image (``tags:``, ``-t``); expressions left out
    tags: tuple = ()
    #: the build arguments it passes (``build-args:``, ``--build-arg``), in order
    args: tuple[BuildArg, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.context, self.dockerfile, self.platforms)

    @property
    def concrete(self) -> bool:
        """False when the build depends on a matrix or another expression."""
        return not any(is_expression(part) for part in self.key)


_BUILD_OPTS_WITH_VALUE = {
    "-t", "--tag", "-f", "--file", "--build-arg", "--target", "--platform", "--label",
    "--cache-from", "--cache-to", "--secret", "--ssh", "-o", "--output", "--network",
    "--progress", "--iidfile", "--metadata-file", "--add-host", "--builder", "--build-context",
    "--attest", "--annotation", "--provenance", "--sbom", "--shm-size", "--ulimit", "-m",
    "--memory", "--cpu-shares", "--isolation", "--allow", "--call",
}


def _literal_tags(value: Any) -> tuple:
    """The literal image names of a ``tags:`` input (lines, commas or a list); "" for expressions."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"[\n,]", str(value))
    return tuple(t for t in (str(i).strip() for i in items) if t and "${{" not in t and "$" not in t)


def _norm_path(text: str) -> str:
    text = text.strip().strip("'\"")
    while text.startswith("./"):
        text = text[2:]
    text = text.rstrip("/")
    return text or "."


def _docker_build_args(words: list[str] | tuple[str, ...], line: int = 0, cwd: str = "",
                       env: dict[str, str] | None = None) -> tuple[str, str, str, bool, tuple[BuildArg, ...]] | None:
    """(context, Dockerfile, platform, push, build arguments) of a ``docker build`` command's
    words after ``build`` (as the shell reader gives them: quotes removed, redirections apart);
    paths are joined to ``cwd`` (the step's working directory), "" for the repository's root."""
    words, _ = redirections(words)
    context = dockerfile = platform = ""
    push = False
    args: list[BuildArg] = []
    skip_next = None
    for word in words:
        if skip_next is not None:
            if skip_next in ("-f", "--file"):
                dockerfile = word
            elif skip_next == "--platform":
                platform = word
            elif skip_next == "--build-arg":
                arg = _build_arg(word, line, env, shell=True)
                if arg is not None:
                    args.append(arg)
            skip_next = None
            continue
        if word.startswith("-"):
            name, eq, value = word.partition("=")
            if name in ("-f", "--file") and eq:
                dockerfile = value
            elif name == "--platform" and eq:
                platform = value
            elif name == "--build-arg" and eq:
                arg = _build_arg(value, line, env, shell=True)
                if arg is not None:
                    args.append(arg)
            elif name == "--push" or (name == "--output" and "push=true" in value):
                push = True
            elif name in _BUILD_OPTS_WITH_VALUE and not eq:
                skip_next = name
            continue
        context = word
        break
    if not context:
        return None
    context = _in_folder(cwd, _norm_path(context))
    dockerfile = _in_folder(cwd, _norm_path(dockerfile)) if dockerfile else (
        "Dockerfile" if context == "." else f"{context}/Dockerfile")
    return context, dockerfile, platform, push, tuple(args)


def _build_words(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """The words after ``build`` of a ``docker``/``podman`` ``build``, ``buildx build`` or
    ``image build`` command; None for any other command."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in ("docker", "podman"):
        return None
    if argv[1:3] in (("buildx", "build"), ("image", "build")):
        return argv[3:]
    if argv[1:2] == ("build",):
        return argv[2:]
    return None


def _in_folder(cwd: str, path: str) -> str:
    """``path`` (relative to ``cwd``) relative to the repository's root; unchanged for an
    absolute path or an expression."""
    if not cwd or path.startswith("/") or "${{" in path:
        return path
    return _norm_path(posixpath.normpath(posixpath.join(cwd, path)))


def _changed_folder(cwd: str | None, seg: Any, stack: list[str | None]) -> str | None:
    """The folder (relative to the repository's root, "" the root) a step is in after a ``cd``,
    ``pushd`` or ``popd``; None once it is a folder auditui cannot tell (a variable, an
    absolute path, ``cd -``, ``cd`` alone: the home folder)."""
    name = seg.name
    if name == "popd":
        return stack.pop() if stack else None
    args = [w for w in redirections(seg.argv[1:])[0] if w != "--"]
    target = args[0] if args else ""
    if name == "pushd":
        stack.append(cwd)
    if cwd is None or not target or "$" in target or target.startswith(("/", "~", "-")):
        return None
    found = _in_folder(cwd, _norm_path(target))
    return "" if found == "." else found


def _working_directory(step: Step) -> str | None:
    """The folder a ``run:`` step starts in, relative to the repository's root ("" for the root),
    from the step's, the job's or the workflow's ``working-directory``; None when an expression
    or an absolute path decides it."""
    for holder in (step.node, step.job.node.map("defaults").map("run"),
                   step.job.workflow.doc.map("defaults").map("run")):
        value = holder.get("working-directory")
        if value is None:
            continue
        text = str(value).strip()
        if "${{" in text or "$" in text or text.startswith("/") or text.startswith("~"):
            return None
        return "" if _norm_path(text) == "." else _norm_path(text)
    return ""


# -- compose stacks a job brings up on its runner --------------------------------------

#: compose options that take a value (``-p name``), before the subcommand
_COMPOSE_VALUE_OPTIONS = frozenset(("-f", "--file", "-p", "--project-name", "--project-directory", "--env-file",
                                    "--profile", "--ansi", "--progress", "--parallel", "-c", "--context"))
#: compose subcommands that start containers
_COMPOSE_STARTS = frozenset(("up", "run", "create", "start"))
_SHELL_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _expand(word: str, env: dict[str, str]) -> str | None:
    """``word`` with ``$NAME``/``${NAME}`` replaced from the step's literal environment; None when a
    variable has no literal value there (or another expansion decides it)."""
    missing = False

    def value(match: re.Match) -> str:
        nonlocal missing
        name = match.group(1) or match.group(2)
        if name not in env:
            missing = True
            return ""
        return env[name]

    out = _SHELL_VAR_RE.sub(value, word)
    return None if missing or "$" in out or "`" in out else out


def _compose_start_files(argv: tuple[str, ...], env: dict[str, str]) -> list[str] | None:
    """The files a ``docker compose``/``docker-compose``/``podman-compose`` command that starts
    containers reads (``-f``, ``--file``, ``--file=``, else ``COMPOSE_FILE`` of the step's
    environment, ``:``-separated); [] for a command that starts nothing or names no file (compose's
    default names), None when a variable auditui cannot read names one."""
    words = list(argv)
    if words[:2] == ["docker", "compose"] or words[:2] == ["podman", "compose"]:
        words = words[2:]
    elif words[:1] in (["docker-compose"], ["podman-compose"]):
        words = words[1:]
    else:
        return []
    files: list[str] = []
    subcommand = ""
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in ("-f", "--file") and index + 1 < len(words):
            files.append(words[index + 1])
            skip = True
        elif word.startswith("--file="):
            files.append(word.split("=", 1)[1])
        elif word in _COMPOSE_VALUE_OPTIONS:
            skip = True
        elif word.startswith("-"):
            continue
        else:
            subcommand = word
            break
    if subcommand not in _COMPOSE_STARTS:
        return []
    if not files and env.get("COMPOSE_FILE"):
        files = [f for f in env["COMPOSE_FILE"].split(":") if f]
    out = []
    for file in files:
        expanded = _expand(file, env)
        if expanded is None:
            return None
        out.append(expanded)
    return out


def compose_starts(job: Job) -> list[tuple[Step, str]]:
    """(step, compose file relative to the repository's root) for each compose file the job's
    ``run:`` steps start containers from on the job's own runner (not over ssh); a file named
    through a variable the step's literal environment does not set, or after a ``cd`` auditui cannot
    follow, is left out."""
    out: list[tuple[Step, str]] = []
    for step in job.steps:
        script = step.run
        if not script or "compose" not in script:
            continue
        cwd = _working_directory(step)
        stack: list[str | None] = []
        env: dict[str, str] | None = None
        for command in run_commands(script):
            for seg in command.segments:
                if runs_remotely(command, seg) or seg.subshell and seg.name in ("cd", "pushd", "popd"):
                    continue
                if seg.name in ("cd", "pushd", "popd"):
                    if not seg.via:
                        cwd = _changed_folder(cwd, seg, stack)
                    continue
                if "compose" not in seg.name and "compose" not in seg.argv[1:2]:
                    continue
                env = step.literal_env() if env is None else env
                files = _compose_start_files(seg.argv, env)
                if not files or cwd is None:
                    continue
                for file in files:
                    if "${{" in file or file.startswith(("/", "~", "-")):
                        continue
                    out.append((step, _in_folder(cwd, _norm_path(file))))
    return out


def runs_on_hosted(job: Job) -> bool:
    """Every runner the job may run on lacks the ``self-hosted`` label (False when an expression
    decides ``runs-on`` and auditui cannot read it)."""
    sets = job.runner_label_sets()
    if not sets:
        return False
    return all(labels and not any(label.lower() == "self-hosted" for label in labels) for labels in sets)


#: events that run a workflow for a pull request, including one from a fork
PR_EVENTS = ("pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment")
#: job conditions that keep forks' pull requests away
_SAME_REPO_RE = re.compile(
    r"head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name"
    r"|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork"
    r"|github\.event_name\s*(?:!=\s*'pull_request|==\s*'(?:push|schedule|workflow_dispatch|release|merge_group)')"
)


def same_repository_only(condition: Any) -> bool:
    """A job condition that keeps forks' pull requests away (``head.repo.full_name == github.repository``)."""
    if not isinstance(condition, str):
        return False
    text = " ".join(expressions(condition)) or condition
    return bool(_SAME_REPO_RE.search(text))


_FORMAT_RE = re.compile(r"^\s*format\(\s*'((?:[^']|'')*)'\s*((?:,\s*[^,()]+)*)\)\s*$")


def _format_label_sets(runs_on: Any, job: Job) -> list[tuple[str, ...]] | None:
    """``runs-on: ${{ format('{0}-runner-{1}', github.event.repository.name, matrix.x) }}``: one
    label per matrix value, ``*`` for an argument auditui cannot read (the repository's name)."""
    if not isinstance(runs_on, str) or not runs_on.strip().startswith("${{") or not runs_on.strip().endswith("}}"):
        return None
    exprs = expressions(runs_on)
    match = _FORMAT_RE.match(exprs[0]) if len(exprs) == 1 else None
    if match is None:
        return None
    template = match.group(1).replace("''", "'")
    choices: list[list[str]] = []
    for arg in (a.strip() for a in match.group(2).split(",")[1:]):
        ref = _MATRIX_REF_RE.match(arg)
        if arg.startswith("'") and arg.endswith("'") and len(arg) >= 2:
            choices.append([arg[1:-1].replace("''", "'")])
        elif ref is not None:
            values = job.matrix_values(ref.group(1))
            if not values or any(isinstance(v, (dict, list)) or is_expression(v) for v in values):
                return None
            choices.append([str(v) for v in values])
        else:
            choices.append(["*"])
    labels: list[str] = [template]
    for index, options in enumerate(choices):
        labels = [label.replace("{" + str(index) + "}", option) for label in labels for option in options][:64]
    if any(re.search(r"\{\d+\}", label) for label in labels):
        return None
    return [(label,) for label in labels]


# -- the model ---------------------------------------------------------------------


_MATRIX_REF_RE = re.compile(r"^\s*matrix\.([A-Za-z_][\w-]*)\s*$")


def _labels(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value.strip(),)
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if isinstance(v, (str, int)))
    if isinstance(value, dict):  # {group: ..., labels: [...]}
        labels = value.get("labels")
        out = _labels(labels) if labels is not None else ()
        return out
    return None


def _label_sets(runs_on: Any, job: Job) -> list[tuple[str, ...]] | None:
    """Label sets of ``runs-on``, expanding ``${{ matrix.X }}`` (whole value or list item)."""
    items = runs_on if isinstance(runs_on, list) else [runs_on]
    expanded: list[list[tuple[str, ...]]] = []
    for item in items:
        if isinstance(item, str) and is_expression(item):
            exprs = expressions(item)
            match = _MATRIX_REF_RE.match(exprs[0]) if len(exprs) == 1 and item.strip().startswith("${{") \
                and item.strip().endswith("}}") else None
            if match is None:
                return None
            values = job.matrix_values(match.group(1))
            if values is None:
                return None
            options = [labels for labels in (_labels(v) for v in values) if labels is not None]
            expanded.append(options or [()])
        else:
            labels = _labels(item)
            if labels is None:
                return None if item is not None else [()]
            expanded.append([labels])
    sets: list[tuple[str, ...]] = [()]
    for options in expanded:
        sets = [done + option for done in sets for option in options][:64]
    return sets


@dataclass(eq=False)
class Step(AtNode):
    node: YMap
    job: Job
    index: int  # 0-based position in the job's steps list
    #: the local composite action this step is a step of (None: a step of the job itself)
    within: LocalAction | None = None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def resource(self) -> str:
        if self.within is not None:
            return f"{self.job.resource}/action/{self.within.folder}/step/{self.number}"
        return f"{self.job.resource}/step/{self.number}"

    @property
    def local_action(self) -> LocalAction | str | None:
        """The composite action of this repository a ``uses: ./path`` step runs (read by
        :func:`resolve`), a sentence saying why it was not read, or None (not a local action,
        or the workflow was parsed without its repository)."""
        action = self.action
        if action is None or action.kind != "local":
            return None
        folder = local_action_folder(action.raw)
        if folder is None:
            return "it names a folder outside the repository"
        return self.job.workflow.local_actions.get(folder)

    @property
    def name(self) -> str | None:
        value = self.node.get("name")
        return None if value is None else str(value)

    @property
    def id(self) -> str | None:
        value = self.node.get("id")
        return None if value is None else str(value)

    @property
    def label(self) -> str:
        """How to name the step in a message."""
        where = f" of local action {self.within.path}" if self.within is not None else ""
        if self.name and not is_expression(self.name):
            return f"step {self.number} ({self.name!r}){where}"
        return f"step {self.number}{where}"

    @property
    def uses(self) -> str | None:
        value = self.node.get("uses")
        return value.strip() if isinstance(value, str) else None

    @property
    def action(self) -> ActionRef | None:
        return parse_uses(self.node.get("uses"))

    @property
    def run(self) -> str | None:
        value = self.node.get("run")
        return value if isinstance(value, str) else None

    @property
    def with_(self) -> YMap:
        return self.node.map("with")

    @property
    def env(self) -> YMap:
        return self.node.map("env")

    def image_build(self) -> ImageBuild | None:
        """The container image this step builds, if it builds one (the first, for a script)."""
        builds = self.image_builds()
        return builds[0] if builds else None

    def image_builds(self) -> list[ImageBuild]:
        """Every container image build of this step: the build action's, or each ``docker
        build`` of its script (a ``cd`` to a literal folder before it is followed; after a ``cd``
        auditui cannot follow, the build's paths are left out)."""
        action = self.action
        if action is not None and action.is_action(*BUILD_ACTIONS):
            w = self.with_
            context = w.get("context")
            context = _norm_path(str(context)) if context is not None else "."
            file = w.get("file")
            dockerfile = _norm_path(str(file)) if file is not None else (
                "Dockerfile" if context == "." else f"{context}/Dockerfile")
            platforms = w.get("platforms")
            push = w.get("push")
            return [ImageBuild(self, context, dockerfile, "" if platforms is None else str(platforms).strip(),
                               push is True or (isinstance(push, str) and push.strip().lower() == "true")
                               or is_expression(push), _literal_tags(w.get("tags")), self._action_build_args())]
        script = self.run
        builds: list[ImageBuild] = []
        if script:
            cwd = _working_directory(self)
            stack: list[str | None] = []
            inner: dict[int, str | None] = {}  # the folder inside each ( ... ) subshell a cd changed
            line_no = self.node.key_line("run")
            env: dict[str, str] | None = None
            for command in run_commands(script):
                for seg in command.segments:
                    if runs_remotely(command, seg):
                        continue  # on another host: not a build of this repository's files
                    here = inner.get(seg.subshell, cwd) if seg.subshell else cwd
                    if seg.name in ("cd", "pushd", "popd"):
                        if seg.subshell:  # a ( ... ) subshell's cd ends with it
                            inner[seg.subshell] = _changed_folder(here, seg, stack)
                        elif not seg.via:  # nor does a substitution's or a command string's
                            cwd = _changed_folder(cwd, seg, stack)
                        continue
                    words = _build_words(seg.argv)
                    if words is None:
                        continue
                    env = self.literal_env() if env is None else env
                    parsed = _docker_build_args(words, line_no, here or "", env)
                    if parsed is None:
                        continue
                    context, dockerfile, platform, push, args = parsed
                    if here is None:  # a folder auditui cannot tell: the paths are not known
                        context, dockerfile = f"${{{{ {context} }}}}", f"${{{{ {dockerfile} }}}}"
                    named = image_command(seg.argv)
                    builds.append(ImageBuild(self, context, dockerfile, platform, push,
                                             _literal_tags(named.image if named else None), args))
        return builds

    def literal_env(self) -> dict[str, str]:
        """The variables the step's environment sets to a fixed value (``env:`` of the workflow,
        the job and the step, the nearest winning); a variable an expression sets, or that a
        script of the job writes to ``$GITHUB_ENV``, is left out."""
        out: dict[str, str] = {}
        for holder in (self.job.workflow.env, self.job.env, self.env):
            for key, value in holder.items():
                if isinstance(value, (str, int, float)) and not isinstance(value, bool) and "${{" not in str(value):
                    out[str(key)] = str(value)
                else:
                    out.pop(str(key), None)
        scripts = [s.run for s in self.job.steps if s.run and "GITHUB_ENV" in s.run]
        return {k: v for k, v in out.items() if not any(re.search(r"\b" + re.escape(k) + r"=", t) for t in scripts)}

    def _action_build_args(self) -> tuple[BuildArg, ...]:
        """``build-args:`` of a build action: one ``NAME=value`` a line (a YAML list read too)."""
        w = self.with_
        value = w.get("build-args")
        if value is None:
            return ()
        env = self.literal_env()
        line = w.key_line("build-args")
        items = [str(v) for v in value] if isinstance(value, list) else str(value).splitlines()
        out: list[BuildArg] = []
        for offset, item in enumerate(items):
            arg = _build_arg(item, line + (offset + 1 if isinstance(value, str) and "\n" in value else 0), env)
            if arg is not None:
                out.append(arg)
        return tuple(out)


@dataclass(eq=False)
class Job(AtNode):
    id: str
    node: YMap
    workflow: Workflow

    @property
    def line(self) -> int:  # the job's key line, not its first setting
        return self.workflow.jobs_node.key_line(self.id)

    @property
    def resource(self) -> str:
        return f"job/{self.id}"

    @property
    def name(self) -> str | None:
        value = self.node.get("name")
        return None if value is None else str(value)

    @property
    def label(self) -> str:
        return f"job {self.id!r}"

    @property
    def permissions(self) -> Permissions:
        return _permissions(self.node)

    @property
    def environment(self) -> str | None:
        """The environment's name (``environment: prod`` or ``{name: prod, url: ...}``)."""
        value = self.node.get("environment")
        if isinstance(value, YMap):
            value = value.get("name")
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    @property
    def needs(self) -> list[str]:
        value = self.node.get("needs")
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(v) for v in value if v is not None]
        return []

    @property
    def runs_on(self) -> Any:
        return self.node.get("runs-on")

    @property
    def uses(self) -> str | None:
        """The reusable workflow this job calls, if any."""
        value = self.node.get("uses")
        return value.strip() if isinstance(value, str) else None

    @property
    def action(self) -> ActionRef | None:
        return parse_uses(self.node.get("uses"))

    @property
    def reusable(self) -> bool:
        return self.uses is not None

    @property
    def with_(self) -> YMap:
        return self.node.map("with")

    @property
    def secrets(self) -> Any:
        return self.node.get("secrets")

    @property
    def env(self) -> YMap:
        return self.node.map("env")

    @property
    def concurrency(self) -> Any:
        return self.node.get("concurrency")

    @property
    def condition(self) -> Any:
        return self.node.get("if")

    @property
    def container(self) -> YMap | None:
        value = self.node.get("container")
        return value if isinstance(value, YMap) else None

    @property
    def services(self) -> list[tuple[str, YMap]]:
        return [(str(k), v) for k, v in self.node.map("services").items() if isinstance(v, YMap)]

    @property
    def steps(self) -> list[Step]:
        return [Step(node, self, index) for index, node in self.node.list("steps").maps()]

    def all_steps(self) -> list[Step]:
        """The job's steps with the steps of the local composite actions they run in place of
        the ``uses: ./path`` step (nested ones too), as the runner runs them.  A local action
        that was not read stays as its ``uses:`` step (:meth:`unread_actions` names it)."""
        out: list[Step] = []
        for step in self.steps:
            out.append(step)
            out.extend(_composite_steps(step, self, 0, ()))
        return out

    def unread_actions(self) -> list[tuple[Step, str]]:
        """(step, why) of each local action this job runs (nested ones too) that was not read."""
        return [(step, found) for step in self.all_steps() if isinstance(found := step.local_action, str)]

    def matrix_values(self, name: str) -> list[Any] | None:
        """Every value ``matrix.<name>`` takes (from the matrix and its ``include``); None
        when the matrix is an expression (``fromJSON(...)``) and cannot be read."""
        matrix = self.node.map("strategy").get("matrix")
        if matrix is None:
            return []
        if not isinstance(matrix, dict):
            return None
        values: list[Any] = []
        direct = matrix.get(name)
        if isinstance(direct, list):
            values.extend(direct)
        elif direct is not None:
            if is_expression(direct):
                return None
            values.append(direct)
        include = matrix.get("include")
        if isinstance(include, list):
            values.extend(entry.get(name) for entry in include if isinstance(entry, dict) and name in entry)
        elif include is not None:
            return None
        return values

    def runner_label_sets(self) -> list[tuple[str, ...]] | None:
        """The label sets this job may run on (one per matrix value it depends on); None when
        an expression decides and cannot be read."""
        return _label_sets(self.runs_on, self)

    # -- heuristics --------------------------------------------------------------
    def uses_ephemeral_cluster(self) -> bool:
        for step in self.steps:
            action = step.action
            if action is not None and action.kind == "repo" and action.name in _EPHEMERAL_ACTIONS:
                return True
            if _any_command(step.run, starts_cluster):
                return True
        return False

    def deploy_reason(self) -> str | None:
        """Why this job looks like a deployment (None when it does not).

        Reusable-workflow calls are not judged here: the called workflow is audited
        on its own.  Commands that would deploy to a throw-away cluster (kind,
        minikube, k3d) do not count.
        """
        if self.reusable:
            return None
        env = self.environment
        if env and _PROD_ENV_RE.search(env) and not is_expression(env):
            return f"deploys to environment {env!r}"
        named = deploy_name(self.id) or bool(self.name and not is_expression(self.name) and deploy_name(self.name))
        ephemeral = None
        publishes = False
        for step in self.steps:
            action = step.action
            if action is not None and action.kind == "repo":
                if action.name in _PUBLISH_ACTIONS:
                    publishes = True
                elif _DEPLOY_ACTION_RE.search(action.repo) and not _tokens(action.repo) & _NOT_DEPLOY_WORDS:
                    # `deploy-preview`, `deploy-check`: a throw-away preview or a test
                    return f"uses {action.name}"
                elif "ssh" in action.repo.lower():
                    remote = step.with_.get("script")
                    if isinstance(remote, str) and _REMOTE_SCRIPT_RE.search(remote):
                        return f"deploys over SSH with {action.name}"
            if _any_command(step.run, publishes_command):
                publishes = True
            command = deploy_command(step.run)
            if command is not None:
                if ephemeral is None:
                    ephemeral = self.uses_ephemeral_cluster()
                if not ephemeral:
                    return f"runs `{_shorten(command)}`"
        if named and not publishes:
            if self.name and not is_expression(self.name) and deploy_name(self.name):
                return f"is named {self.name!r}"
            return "is named like a deploy job"
        return None

    def image_builds(self) -> list[ImageBuild]:
        return [b for b in (step.image_build() for step in self.steps) if b is not None]


@dataclass(eq=False)
class Workflow(AtDoc):
    path: str
    doc: YMap
    doc_index: int = 0
    #: local composite actions its steps run, by repository folder (see :func:`resolve`): the
    #: action, or a sentence saying why it was not read
    local_actions: dict[str, LocalAction | str] = field(default_factory=dict)


    @property
    def stem(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    @property
    def resource(self) -> str:
        return f"workflow/{self.stem}"

    @property
    def name(self) -> str | None:
        value = self.doc.get("name")
        return None if value is None else str(value)

    @property
    def on(self) -> Any:
        # the loader keeps mapping keys as written, so `on:` is the string "on"
        return self.doc.get("on")

    @property
    def triggers(self) -> frozenset[str]:
        value = self.on
        if isinstance(value, str):
            return frozenset({value.strip()})
        if isinstance(value, list):
            return frozenset(str(v).strip() for v in value if isinstance(v, str))
        if isinstance(value, dict):
            return frozenset(str(k).strip() for k in value)
        return frozenset()

    @property
    def privileged_triggers(self) -> frozenset[str]:
        return self.triggers & PRIVILEGED_EVENTS

    @property
    def outsider_triggers(self) -> frozenset[str]:
        """The triggers an outsider can start by themselves (see :data:`OUTSIDER_EVENTS`)."""
        return self.triggers & OUTSIDER_EVENTS

    @property
    def outsider_reach(self) -> frozenset[str]:
        """The outsider triggers through which an outsider's data reaches the run's token.

        ``pull_request_target`` and ``issue_comment`` always count (their payload is the
        outsider's and the checks of what they do are GHA006/GHA007's).  ``workflow_run`` counts
        only when the workflow takes something from the triggering run (:func:`workflow_run_intake`):
        otherwise it runs the default branch's code on files that are only handed on.
        """
        reach = self.outsider_triggers
        if "workflow_run" in reach and workflow_run_intake(self) is None:
            reach = reach - {"workflow_run"}
        return reach

    @property
    def reusable_only(self) -> bool:
        return self.triggers == {"workflow_call"}

    @property
    def permissions(self) -> Permissions:
        return _permissions(self.doc)

    @property
    def env(self) -> YMap:
        return self.doc.map("env")

    @property
    def concurrency(self) -> Any:
        return self.doc.get("concurrency")

    @property
    def jobs_node(self) -> YMap:
        return self.doc.map("jobs")

    @property
    def jobs(self) -> list[Job]:
        return [Job(str(job_id), node, self) for job_id, node in self.jobs_node.items() if isinstance(node, YMap)]

    def job(self, job_id: str) -> Job | None:
        node = self.jobs_node.get(job_id)
        return Job(job_id, node, self) if isinstance(node, YMap) else None

    def deploy_jobs(self) -> list[tuple[Job, str]]:
        out = []
        for job in self.jobs:
            reason = job.deploy_reason()
            if reason is not None:
                out.append((job, reason))
        return out


# -- who a write token is exposed to (GHA003 and the checks that rate a grant) -------------


def unpinned_third_party(job: Job, own: frozenset[str] = frozenset()) -> ActionRef | None:
    """The first action (or remote reusable workflow) a job runs whose code a third party can
    change under it: not pinned (:attr:`ActionRef.pinned`) and published by neither the
    platform nor a vendor (:data:`VENDOR_OWNERS`); ``docker://`` images by tag count.  Local
    actions, and those of ``own`` (this repository, named remotely, or an owner without a slash:
    :func:`repository_owners`), are the repository's or its organisation's own code."""
    owners = {name for name in own if "/" not in name}
    actions = [job.action] + [step.action for step in job.all_steps()]
    for action in actions:
        if action is None or action.kind not in ("repo", "docker") or action.pinned:
            continue
        if action.vendor is None and action.name not in own and action.name.split("/")[0].lower() not in owners:
            return action
    return None


#: actions that download the artifacts of another run (with ``run-id``/``run_id``, or any workflow's)
_RUN_ARTIFACT_ACTIONS = frozenset((
    "dawidd6/action-download-artifact", "bettermarks/action-artifact-download",
    "aochmann/actions-download-artifact", "marcofaggian/action-download-multiple-artifacts",
))
#: a script that downloads another run's artifacts (``gh run download``, the REST API or github-script)
_RUN_DOWNLOAD_RE = re.compile(
    r"\bgh\s+run\s+download\b|/actions/runs/[^\s/]*/artifacts|/actions/artifacts/|"
    r"\b(?:listWorkflowRunArtifacts|downloadArtifact)\b"
)


def _downloads_run_artifact(step: Step) -> bool:
    """A step that fetches the artifacts of another workflow run (the triggering one, on workflow_run)."""
    action = step.action
    if action is not None and action.kind == "repo":
        if action.is_action("actions/download-artifact"):
            return any(str(k).strip().lower() in ("run-id", "run_id") for k in step.with_)
        if action.name in _RUN_ARTIFACT_ACTIONS:
            return True
        if action.name in _ANY_SCOPE_ACTIONS:
            return bool(_RUN_DOWNLOAD_RE.search(str(step.with_.get("script") or "")))
    return bool(step.run and _RUN_DOWNLOAD_RE.search(step.run))


def workflow_run_intake(wf: Workflow) -> str | None:
    """What a ``workflow_run`` workflow takes from the triggering run that can act in it, or None.

    The triggering run may be a fork's pull request; this workflow runs the default branch's
    code with its own token and secrets.  An outsider reaches that token only through what the
    workflow takes from the run: a checkout or fetch of its head (:func:`head_checkouts`), its
    branch name, title or commit message expanded into a script, a job calling a reusable
    workflow (not judged here), or its artifacts downloaded in a job that then runs a script
    or a local action (either may read or execute the files).  Artifacts handed only to
    published actions (a static site sent to a host) are files moved, not code run.
    """
    checkouts = head_checkouts(wf, ["workflow_run"])
    if checkouts:
        job, step, _ = checkouts[0]
        return f"{step.label} of {job.label} checks out the triggering run's head"
    for job in wf.jobs:
        if job.reusable:
            return f"{job.label} calls a reusable workflow with the triggering run's event"
        downloaded: Step | None = None
        for step in job.all_steps():
            scripts = [step.run] if step.run is not None else []
            action = step.action
            if action is not None and action.kind == "repo" and action.name in _ANY_SCOPE_ACTIONS:
                scripts.append(str(step.with_.get("script") or ""))
            found = [c for text in scripts for c in untrusted_contexts(text)]
            if found:
                return f"{step.label} of {job.label} expands {found[0]} into a script"
            if downloaded is not None and (scripts or (action is not None and action.kind == "local")):
                return (f"{downloaded.label} of {job.label} downloads the triggering run's artifacts and "
                        f"{step.label} then runs {'a local action' if not scripts else 'a script'} beside them")
            if downloaded is None and _downloads_run_artifact(step):
                downloaded = step
    return None


def outsider_reason(wf: Workflow) -> str:
    """Why outsiders reach the token of ``wf`` (its :attr:`Workflow.outsider_reach` is not empty)."""
    reach = sorted(wf.outsider_reach)
    why = f"the workflow runs on {', '.join(reach)}, which outsiders can trigger"
    if "workflow_run" in reach:
        why += f" ({workflow_run_intake(wf)})"
    return why


def inert_workflow_run(wf: Workflow) -> str | None:
    """Why a ``workflow_run`` trigger does not let outsiders reach the token (None when it does,
    or when the workflow does not run on workflow_run)."""
    if "workflow_run" not in wf.triggers or "workflow_run" in wf.outsider_reach:
        return None
    return ("it runs on workflow_run but takes nothing from the triggering run that could act in it (no head "
            "checked out, no branch name or title expanded into a script, no artifact next to a script)")


def outsider_guard(wf: Workflow, jobs: list[Job]) -> Guard | None:
    """The guard that keeps outsiders out of every one of ``jobs`` although the workflow runs on
    an event they start (a job ``if:`` admitting only this repository's branches, its members'
    or a bot's pull requests, or a member's comment), or None (no outsider event, or a job
    without such a guard)."""
    reach = wf.outsider_reach
    if not reach or not jobs:
        return None
    guards = [guard_for(reach, job.condition) for job in jobs]
    if any(g is None or not (g.strong or g.kind == MEMBER_COMMENTER) for g in guards):
        return None
    return guards[0]


def token_exposure(wf: Workflow, jobs: list[Job]) -> str | None:
    """Why a write token granted to ``jobs`` of ``wf`` reaches code nobody here controls, or None.

    Exposed: the workflow runs on an event outsiders start (:data:`OUTSIDER_EVENTS`:
    pull_request_target, workflow_run, issue_comment), or one of the jobs runs a third-party
    action by a movable ref (:func:`unpinned_third_party`).  ``pull_request`` does not count:
    GitHub gives a fork's pull request a read-only token whatever the workflow asks, so a grant
    there reaches only branches of people who can already push.  Not exposed (None): trusted
    triggers (push, a schedule, a maintainer) running pinned or vendor-published code.
    """
    outsider = sorted(wf.outsider_reach)
    if outsider and outsider_guard(wf, jobs) is None:
        return outsider_reason(wf)
    own = frozenset(repository_names(wf)) | frozenset(repository_owners(wf))
    for job in jobs:
        action = unpinned_third_party(job, own)
        if action is not None:
            return f"{job.label} runs the third-party {action.raw!r} by a movable ref with it"
    return None


#: contexts that relay values from elsewhere into a script (another job's or step's output, env,
#: inputs, a matrix, JSON of a context): they may carry an outsider's text
_RELAYED_RE = re.compile(r"\b(?:needs|steps|env|inputs|matrix|fromjson|tojson)\b", re.IGNORECASE)


def outsiders_only_trigger(wf: Workflow, jobs: list[Job]) -> str | None:
    """Why outsiders who start ``wf`` (a comment, a pull_request_target) cannot act through the token
    its ``jobs`` get, or None when they may.

    Each job is either started only at a maintainer's request (:func:`member_gate`, a strong head
    guard) or runs only this repository's fixed code: no pull request head checked out, no
    outsider-controlled context expanded into a script or an action's input, every action pinned
    or vendor-published, no reusable workflow called.  Outsiders then trigger the run but write
    none of what runs with the token: an over-broad grant, not an exposed one.  A workflow_run
    that takes something from the triggering run is never such a workflow."""
    reach = wf.outsider_reach
    if not reach or "workflow_run" in reach or not jobs:
        return None
    own = frozenset(repository_names(wf)) | frozenset(repository_owners(wf))
    gated, fixed = [], []
    taint: OutputTaint | None = None
    for job in jobs:
        guard = guard_for(reach, job.condition)
        if (guard is not None and guard.strong) or member_gate(job, reach):
            gated.append(job.id)
            continue
        if job.reusable or unpinned_third_party(job, own) is not None or head_checkouts_of(job, sorted(reach)):
            return None
        for step in job.steps:
            texts = [step.run] + [v for v in step.with_.values() if isinstance(v, str)]
            for text in texts:
                if not text:
                    continue
                if untrusted_contexts(text):
                    return None  # outsider text
                relayed = [e for e in expressions(text) if _RELAYED_RE.search(e)]
                if not relayed:
                    continue
                if taint is None:
                    taint = OutputTaint(wf)
                if not _fixed_step_outputs(job, step, text, relayed, taint):
                    return None  # values relayed from elsewhere (a branch name via an output)
        fixed.append(job.id)
    if not fixed:
        return "every job it reaches runs only at a maintainer's request"
    said = ", ".join(repr(j) for j in fixed[:3]) + (" ..." if len(fixed) > 3 else "")
    return (f"{said} run{'s' if len(fixed) == 1 else ''} only fixed code (pinned actions, no pull request "
            "code, no outsider text in scripts)" + (" and the other jobs only at a maintainer's request" if gated
                                                    else ""))


#: an action's output that is a credential it minted (a GitHub App token, a cloud login), not text
_CREDENTIAL_OUTPUT_RE = re.compile(r"(?:^|[-_])(?:token|password|secret|credentials?|key)$", re.IGNORECASE)


def _fixed_step_outputs(job: Job, step: Step, text: str, relayed: list[str], taint: OutputTaint) -> bool:
    """Do the relayed expressions of ``text`` (a script or an input of ``step``) name only outputs of
    earlier steps of ``job`` that carry no outsider's text?  A ``run:`` step's or github-script's
    outputs are followed through (:class:`OutputTaint`); another action's only when the output is
    a credential it mints from fixed inputs (``steps.app-token.outputs.token``). Any other relay
    (``needs``, ``env``, ``inputs``, a matrix, JSON of a context) is not followed."""
    if any(_RELAYED_RE.search(_OUTPUT_REF_RE.sub("", _normalise_context(e))) for e in relayed):
        return False
    refs = _output_refs(text)
    if not refs or any(kind != "steps" for kind, _, _, _ in refs):
        return False
    earlier = {}
    for other in job.steps:
        if other is step:
            break
        if other.id is not None:
            earlier[other.id] = other
    for _, ident, name, _ in refs:
        source = earlier.get(ident)
        if source is None:
            return False
        action = source.action
        if source.run or (action is not None and action.name in _ANY_SCOPE_ACTIONS):
            continue  # read below: OutputTaint follows what the script writes
        if action is None or not _CREDENTIAL_OUTPUT_RE.search(name):
            return False
        inputs = [v for v in source.with_.values() if isinstance(v, str)]
        if any(untrusted_contexts(v) or any(_RELAYED_RE.search(e) for e in expressions(v)) for v in inputs):
            return False
    return not taint.carried(text, job, step)


def head_checkouts_of(job: Job, events: list[str]) -> bool:
    """The job checks out or fetches the pull request head that ``events`` fill in."""
    return any(found[0].id == job.id for found in head_checkouts(job.workflow, events))


def is_workflow_doc(data: Any) -> bool:
    return isinstance(data, YMap) and ("jobs" in data or "on" in data)


_NAME = r"""['"]([A-Za-z0-9][\w.-]*/[\w.-]+)['"]"""
#: ``github.repository == 'owner/name'`` (either side, ``!=`` too): the workflow names its own repository
_REPO_NAME_RE = re.compile(r"\bgithub\.repository(?![\w.])\s*[!=]=\s*" + _NAME + "|" + _NAME + r"\s*[!=]=\s*github\.repository(?![\w.])")


#: ``github.repository_owner == 'owner'`` (either side): the workflow names its own organisation
_OWNER_NAME = r"""['"]([A-Za-z0-9][\w.-]*)['"]"""
_OWNER_RE = re.compile(r"\bgithub\.repository_owner(?![\w.])\s*[!=]=\s*" + _OWNER_NAME + "|"
                       + _OWNER_NAME + r"\s*[!=]=\s*github\.repository_owner(?![\w.])")


def repository_owners(wf: Workflow) -> list[str]:
    """The owners (lower case) a workflow names as its own: compared to ``github.repository_owner``,
    or the owner part of a name compared to ``github.repository``.  An action of that owner is the
    organisation's own code, not a third party's, whatever the ref."""
    owners = [name.split("/")[0] for name in repository_names(wf)]
    for text in _strings(wf.doc):
        if "github.repository_owner" not in text:
            continue
        for match in _OWNER_RE.finditer(text):
            owners.append((match.group(1) or match.group(2)).lower())
    return list(dict.fromkeys(owners))


def repository_names(wf: Workflow) -> list[str]:
    """The ``owner/name`` (lower case) a workflow's expressions compare ``github.repository`` to:
    the repository the workflow lives in (``if: github.repository == 'owner/name'`` keeps a job
    from running in forks), so ``uses: owner/name/...`` there is this repository's own code."""
    names: list[str] = []
    for text in _strings(wf.doc):
        if "github.repository" not in text:
            continue
        for match in _REPO_NAME_RE.finditer(text):
            name = (match.group(1) or match.group(2)).lower()
            if name not in names:
                names.append(name)
    return names


def remote_paths(wf: Workflow) -> list[str]:
    """``owner/name/path`` of every action or reusable workflow a workflow names remotely with a path."""
    found: list[str] = []
    for job in wf.jobs:
        for action in [job.action] + [step.action for step in job.steps]:
            if action is not None and action.kind == "repo" and action.path:
                ref = f"{action.name}/{action.path.strip('/')}"
                if ref not in found:
                    found.append(ref)
    return found


def _pr_job_fact(wf: Workflow, job: Job) -> Fact | None:
    """A job forks' pull requests run, with the runners it may run on (GHA012)."""
    events = tuple(e for e in PR_EVENTS if e in wf.triggers)
    if not events or job.reusable or same_repository_only(job.condition):
        return None
    sets = job.runner_label_sets()
    if sets is None:
        sets = _format_label_sets(job.runs_on, job)
    if not sets or not any(sets):
        return None
    node = job.node
    ypath = tuple(node.ypath) + ("runs-on",)
    line, end_line = node.value_span("runs-on") if "runs-on" in node else (node.line, node.line)
    line = node.key_line("runs-on") if "runs-on" in node else node.line
    runs_on = job.runs_on
    return Fact(WORKFLOW_PR_JOB, f"{wf.path}#{job.id}", line, ypath, WorkflowPrJobData(
        job=job.id, label=job.label, resource=job.resource, events=events, label_sets=tuple(sets),
        end_line=max(end_line or line, line),
        evidence=None if isinstance(runs_on, (dict, list)) else f"runs-on: {runs_on}"))


def workflow_facts(wf: Workflow) -> list[Fact]:
    jobs = wf.jobs
    facts: list[Fact] = [
        Fact(
            WORKFLOW, wf.path, wf.line, wf.ypath,
            WorkflowData(triggers=tuple(sorted(wf.triggers)), deploys=bool(wf.deploy_jobs()), jobs=len(jobs), name=wf.name,
                         repo_names=tuple(repository_names(wf)) or None, remote_paths=tuple(remote_paths(wf)) or None),
        )
    ]
    for job in jobs:
        for build in job.image_builds():
            facts.append(
                Fact(
                    WORKFLOW_IMAGE_BUILD, f"{wf.path}#{job.id}", build.step.line, build.step.ypath,
                    WorkflowImageBuildData(job=job.id, context=build.context, dockerfile=build.dockerfile, push=build.push,
                                           tags=build.tags or None),
                )
            )
            break
        pr_job = _pr_job_fact(wf, job)
        if pr_job is not None:
            facts.append(pr_job)
        starts = compose_starts(job) if not job.reusable else []
        if starts:
            deploys = job.deploy_reason() is not None
            hosted = runs_on_hosted(job)
            for step, file in dict((file, (step, file)) for step, file in starts).values():
                facts.append(
                    Fact(
                        WORKFLOW_COMPOSE_UP, f"{wf.path}#{job.id}#{file}", step.line, step.ypath,
                        WorkflowComposeUpData(job=job.id, file=file, deploys=deploys, hosted=hosted),
                    )
                )
    return facts


# -- outsider text carried through step and job outputs (GHA007) ------------------------

#: fields of a pull request or an issue its author writes (the head branch's name, the title,
#: the body), as an API answer names them (`gh api .../pulls/N | jq .head.ref`, `gh pr view
#: --json headRefName`, `pr.data.title` in a github-script); a SHA or a number is not text
_AUTHOR_FIELD_RE = re.compile(
    r"\.head\.(?:ref|label)\b|\bheadRefName\b|\bhead_ref\b|\bhead_branch\b|\.(?:title|body)\b"
    r"|--json\s+[\w,]*\b(?:title|body)\b"
)
#: commands that read a pull request or an issue from the API
_API_READ_RE = re.compile(r"\bgh\s+(?:api|pr\s+(?:view|list)|issue\s+(?:view|list))\b|\bjq\b|api\.github\.com")
_OUTPUT_REF_RE = re.compile(r"(?<![\w.])(steps|needs)\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)")
#: builtins whose ``NAME=value`` words set shell variables (``export REF=...``)
_DECLARE = frozenset(("export", "local", "readonly", "declare", "typeset"))


def _name(text: str, dash: bool = False) -> bool:
    """A shell variable's name (``[A-Za-z_][A-Za-z0-9_]*``; with ``dash``, an output's, which may
    hold ``-``).  No regex: linear on any input."""
    if not text or not text.isascii() or not (text[0].isalpha() or text[0] == "_"):
        return False
    return text.replace("_", "a").replace("-", "a" if dash else "-").isalnum()


def _file_entry(text: str) -> tuple[str, str | None, str | None] | None:
    """(name, value, None) of ``name=value`` or (name, None, delimiter) of ``name<<DELIMITER`` (a
    multi-line value), as an entry of a step's output or env file; None for anything else."""
    equal, heredoc = text.find("="), text.find("<<")
    if equal > 0 and (heredoc < 0 or equal < heredoc):
        return (text[:equal], text[equal + 1:], None) if _name(text[:equal], dash=True) else None
    if heredoc > 0:
        delimiter = text[heredoc + 2:].strip().strip("'\"")
        if _name(text[:heredoc], dash=True) and delimiter and delimiter.replace("_", "a").isalnum():
            return text[:heredoc], None, delimiter
    return None
_SET_OUTPUT_RE = re.compile(r"""\bcore\.setOutput\(\s*['"`]([\w-]+)['"`]\s*,(.*)""")
_SHELL_VAR_RE = re.compile(r"\$\{?([A-Za-z_]\w*)")
#: published actions whose outputs carry a pull request's branch name
_AUTHOR_TEXT_OUTPUTS = {
    "xt0rted/pull-request-comment-branch": (("head_ref", "branch"),),
    "tj-actions/branch-names": (("current_branch", "branch"), ("head_ref_branch", "branch")),
    # actions that output a file's content: an outsider's once the pull request head is checked out
    "juliangruber/read-file-action": (("content", "file"),),
    "andstor/file-reader-action": (("contents", "file"),),
    "igorskyflyer/action-readfile": (("content", "file"),),
}
#: ``${NAME//[!0-9]/}``: bash deletes every character but digits, letters, dots, dashes and
#: underscores, so what is left cannot break out of a script
_SANITISED_RE = re.compile(r"\$\{[A-Za-z_]\w*//\[[!^](?:[\w.-]|\[:(?:alnum|alpha|digit|lower|upper):\])*\]/?\}")
_ENV_REF_RE = re.compile(r"(?<![\w.])env\.([A-Za-z_][\w-]*)")
_JS_DECLARE_RE = re.compile(r"^\s*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=(.*)$")


def _assignments(seg: Any) -> list[tuple[str, str]]:
    """(name, value) of the shell variables a simple command sets: ``NAME=value`` words alone,
    or the words of ``export``/``local``/``readonly``/``declare`` (``NAME=value cmd`` sets it for
    ``cmd`` only: none)."""
    argv = seg.argv
    if argv and argv[0] not in _DECLARE:
        return []
    words = seg.words[:len(seg.words) - len(argv)] + tuple(argv[1:])
    pairs = [word.partition("=") for word in words]
    return [(name, value) for name, equal, value in pairs if equal and _name(name)]


def _written_file(segments: list[Any], index: int) -> str | None:
    """"output" or "env" when the simple command at ``index`` writes to ``$GITHUB_OUTPUT`` or
    ``$GITHUB_ENV`` (a ``>>``/``>`` redirection, or a ``| tee [-a]`` right after it)."""
    seg = segments[index]
    targets = [target for operator, target in redirections(seg.argv)[1] if operator.endswith(">")
               or operator.endswith(">>")]
    after = segments[index + 1] if index + 1 < len(segments) else None
    if after is not None and after.op == "|" and after.name == "tee":
        targets.extend(word for word in after.argv[1:] if not word.startswith("-"))
    for target in targets:
        if "GITHUB_OUTPUT" in target:
            return "output"
        if "GITHUB_ENV" in target:
            return "env"
    return None


def _prints_only(argv: list[str], word: str) -> bool:
    """The command is ``word`` alone or ``echo``/``printf`` of ``word`` (a multi-line value's end)."""
    if argv == [word]:
        return True
    return bool(argv) and argv[0] in ("echo", "printf") and [w for w in argv[1:] if not w.startswith("-")] == [word]


@dataclass(frozen=True)
class Carried:
    """A ``steps.X.outputs.Y`` or ``needs.J.outputs.O`` reference whose value an outsider writes."""

    ref: str  # as written: needs.get_pr_info.outputs.pr_head_ref
    origin: str  # where the outsider's text enters, for a message


#: ``fromJSON(steps.x.outputs.y)[0].number``: a field of a JSON output that GitHub's API types as a
#: number, a boolean, an ID, a SHA or a fixed enum, which an outsider's text can never fill
_TYPED_FIELD_RE = re.compile(
    r"fromjson\(\s*(?:steps|needs)\.[A-Za-z_][\w-]*\.outputs\.[A-Za-z_][\w-]*\s*\)"
    r"(?:\[\s*\d+\s*\]|\.[A-Za-z_][\w-]*)*"
    r"\.(?:number|id|node_id|databaseid|run_id|run_number|run_attempt|issue_number|pull_number|sha|"
    r"state|merged|draft|locked|comments|additions|deletions|changed_files|created_at|updated_at|"
    r"closed_at|merged_at)(?![\w.\[-])",
    re.IGNORECASE,
)


def _output_refs(text: str) -> list[tuple[str, str, str, str]]:
    """(kind, id, output, as written) of each step or job output a string's expressions name.
    An output read only for a typed field of its JSON (:data:`_TYPED_FIELD_RE`) carries no text."""
    return [(m.group(1), m.group(2), m.group(3), m.group(0))
            for expr in expressions(text)
            for m in _OUTPUT_REF_RE.finditer(_TYPED_FIELD_RE.sub("typed", _normalise_context(expr)))]


class OutputTaint:
    """Which step and job outputs of a workflow carry an outsider's text.

    A step output is tainted when the step writes it (``echo "name=..." >> $GITHUB_OUTPUT``,
    ``core.setOutput``) from an outsider's context (``github.head_ref``, a title, a body), from
    a pull request's or issue's author-written field read from the API (``gh api
    .../pulls/N | jq -r .head.ref``, ``gh pr view --json headRefName``), from a shell variable
    or an ``env:`` holding one, or from another tainted output; a job output is tainted when it
    maps to a tainted step output or ``needs`` output. Numbers, SHAs (``.head.sha``) and fixed
    strings are not.
    """

    def __init__(self, wf: Workflow) -> None:
        self.steps: dict[str, dict[tuple[str, str], str]] = {}
        self.jobs: dict[str, dict[str, str]] = {}
        #: job id -> id of a step's node -> variables earlier steps wrote to $GITHUB_ENV from an
        #: outsider's text (what the step sees)
        self.github_env: dict[str, dict[int, dict[str, str]]] = {}
        self.events = sorted(wf.triggers & set(HEAD_BY_EVENT))
        #: job id -> files the job's own scripts write (reading them back is not reading the head)
        self.made: dict[str, frozenset[str]] = {
            job.id: files_written([s.run for s in job.steps if s.run]) for job in wf.jobs} if self.events else {}
        jobs = wf.jobs
        for _ in range(len(jobs) + 1):  # needs chains: until nothing changes
            before = {k: dict(v) for k, v in self.jobs.items()}
            for job in jobs:
                self._job(job)
            if before == self.jobs:
                break

    def carried(self, text: Any, job: Job, step: Step | None = None) -> list[Carried]:
        """The tainted outputs ``text`` (a script, an ``env:`` value) expands in ``job``, and,
        given the ``step`` it belongs to, the tainted variables it expands as ``${{ env.X }}``
        (an ``env:`` of the workflow, the job or the step holding an outsider's text, or one an
        earlier step wrote to ``$GITHUB_ENV`` from such text)."""
        if not isinstance(text, str):
            return []
        found: list[Carried] = []
        for kind, ident, name, written in _output_refs(text):
            origin = (self.steps.get(job.id, {}).get((ident, name)) if kind == "steps"
                      else self.jobs.get(ident, {}).get(name))
            if origin is not None and all(c.ref != written for c in found):
                found.append(Carried(written, origin))
        if step is not None:
            names = [m.group(1) for expr in expressions(text) for m in _ENV_REF_RE.finditer(_normalise_context(expr))]
            if names:
                env = self._step_env(job, step)
                for name in names:
                    written = f"env.{name}"
                    if name in env and all(c.ref != written for c in found):
                        found.append(Carried(written, env[name]))
        return found

    def _step_env(self, job: Job, step: Step) -> dict[str, str]:
        """The tainted variables a step of ``job`` sees, by name, with why."""
        return {**self._env_taint(job.workflow.env, job), **self._env_taint(job.env, job),
                **self.github_env.get(job.id, {}).get(id(step.node), {}), **self._env_taint(step.env, job)}

    def _job(self, job: Job) -> None:
        outs = self.steps.setdefault(job.id, {})
        base = {**self._env_taint(job.workflow.env, job), **self._env_taint(job.env, job)}
        written: dict[str, str] = {}  # $GITHUB_ENV so far
        seen = self.github_env.setdefault(job.id, {})
        head: tuple[str, str] | None = None  # (folder, step) of the pull request head checked out so far
        for step in job.steps:
            seen[id(step.node)] = dict(written)
            tainted = {**base, **written, **self._env_taint(step.env, job)}
            where = f"{step.label} of {job.label}"
            reads = _reads_head(step, head)
            action = step.action
            if action is not None and action.kind == "repo":
                for name, what in _AUTHOR_TEXT_OUTPUTS.get(action.name, ()):
                    if step.id is not None and (what != "file" or reads is not None):
                        outs.setdefault((step.id, name), f"{where} ({action.name}) outputs "
                                        + ("the pull request's branch name" if what != "file" else
                                           f"a file of the pull request head that {reads} checked out"))
                if action.name == "mikefarah/yq" and step.id is not None and reads is not None:
                    why = self._why(str(step.with_.get("cmd") or ""), job, {}, reads=reads)
                    if why is not None:  # `yq '.version' chart/Chart.yaml` of the head
                        outs.setdefault((step.id, "result"), f"{where} (mikefarah/yq) outputs it {why}")
                if action.name in _ANY_SCOPE_ACTIONS and step.id is not None:
                    script = step.with_.get("script")
                    if isinstance(script, str):
                        for name, why in self._script_outputs(script, job, tainted, reads):
                            outs.setdefault((step.id, name), f"{where} sets it {why}")
            if step.run:
                for kind, name, why in self._run_outputs(step.run, job, tainted, reads):
                    if kind == "env":
                        written.setdefault(name, f"{where} writes it to $GITHUB_ENV {why}")
                    elif step.id is not None:
                        outs.setdefault((step.id, name), f"{where} writes it {why}")
            head = self._checkout(job, step, head)
        mapped = self.jobs.setdefault(job.id, {})
        for key, value in job.node.map("outputs").items():
            if str(key) in mapped:
                continue
            for carried in self.carried(value, job):
                mapped[str(key)] = carried.origin
                break
            else:
                found = untrusted_contexts(value)
                if found:
                    mapped[str(key)] = f"{job.label} maps it to {found[0]}"

    def _env_taint(self, env: YMap, job: Job) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in env.items():
            why = self._why(value, job, {})
            if why is not None:
                out[str(key)] = why
        return out

    def _checkout(self, job: Job, step: Step, head: tuple[str, str] | None) -> tuple[str, str] | None:
        """What the job has checked out after ``step``: (folder, step label) of the pull request
        head, or None once a step checks the base out again where the head was (or never was).
        A head a job's or step's ``if:`` keeps to this repository's branches, its members' or a
        bot's pull requests is not an outsider's."""
        if not self.events:
            return None
        found = checked_out_head(step, self.events)
        if found is None:
            action = step.action
            if head is not None and action is not None and action.is_action("actions/checkout") \
                    and _checkout_folder(step) == head[0]:
                return None  # the base (or another ref) checked out over the head
            return head
        guard = guard_for(self.events, job.condition, step.node.get("if"))
        if guard is not None and guard.kind in (SAME_REPO, MEMBER_AUTHOR, BOT_AUTHOR):
            return head
        return (found, step.label)

    def _why(self, text: str, job: Job, tainted: dict[str, str], api: bool = False,
             reads: str | None = None) -> str | None:
        """Why a piece of script or a value carries an outsider's text (None: it does not).
        ``reads``: the folder of the pull request head's checkout the step reads files of, as
        :func:`_reads_head` gives it."""
        if not isinstance(text, str):
            return None
        found = untrusted_contexts(text)
        if found:
            return f"from {found[0]}"
        carried = self.carried(text, job)
        if carried:
            return f"from {carried[0].ref} ({carried[0].origin})"
        for name in _SHELL_VAR_RE.findall(_SANITISED_RE.sub("", text) if "//" in text else text):
            if name in tainted:
                return tainted[name]
        match = _AUTHOR_FIELD_RE.search(text)
        if match and (api or _API_READ_RE.search(text)):
            return f"from the API's {match.group(0).strip('.')}"
        if reads is not None:
            command = head_file_read(text, self.made.get(job.id, frozenset()))
            if command is not None:
                return f"from the pull request head that {reads} checked out (`{command}`)"
        return None

    def _run_outputs(self, script: str, job: Job, env: dict[str, str],
                     reads: str | None = None) -> Iterator[tuple[str, str, str]]:
        """("output"|"env", name, why) of each step output and ``$GITHUB_ENV`` variable a script
        writes from an outsider's text, read by the one shell reader: shell variables set from
        such text (``REF="${{ github.head_ref }}"``, ``export``/``local``), ``echo``/``printf``
        of ``name=value`` written (``>>``, ``>``, ``| tee -a``) to ``$GITHUB_OUTPUT`` or
        ``$GITHUB_ENV``, the ``name<<DELIMITER`` multi-line form, and a heredoc written there."""
        tainted = dict(env)
        block: tuple[str, str, str] | None = None  # (kind, name, delimiter) of a multi-line value
        for command in run_commands(script):
            segments = [seg for seg in command.segments if not seg.via]  # not a substitution's
            for index, seg in enumerate(segments):
                argv = redirections(seg.argv)[0]
                if block is not None:
                    if _prints_only(argv, block[2]):
                        block = None
                        continue
                    why = self._why(seg.raw, job, tainted, reads=reads)
                    if why is not None:
                        yield block[0], block[1], why
                    continue
                assigned = _assignments(seg)
                if assigned:
                    for name, value in assigned:
                        why = self._why(value, job, tainted, reads=reads)
                        if why is not None:
                            tainted[name] = why
                        else:
                            tainted.pop(name, None)
                    continue
                kind = _written_file(segments, index)
                if kind is None:
                    continue
                if command.heredoc and any(w.startswith("<<") and not w.startswith("<<<") for w in seg.argv):
                    yield from self._file_lines(command.heredoc, kind, job, tainted, reads)
                    continue
                if not argv or argv[0] not in ("echo", "printf"):
                    continue
                words = list(argv[1:])
                while argv[0] == "echo" and words and words[0][:1] == "-" and len(words[0]) > 1:
                    words.pop(0)
                entry = _file_entry(words[0]) if words else None
                if entry is None:
                    continue
                key, written, delimiter = entry
                if delimiter is not None:
                    block = (kind, key, delimiter)
                    continue
                why = self._why(" ".join([written or "", *words[1:]]), job, tainted, reads=reads)
                if why is not None:
                    yield kind, key, why

    def _file_lines(self, text: str, kind: str, job: Job, tainted: dict[str, str],
                    reads: str | None) -> Iterator[tuple[str, str, str]]:
        """The entries of a heredoc written to ``$GITHUB_OUTPUT``/``$GITHUB_ENV`` (``name=value``
        lines and ``name<<DELIMITER`` blocks) that carry an outsider's text."""
        block: tuple[str, str] | None = None
        for line in text.splitlines():
            if block is not None:
                if line.strip() == block[1]:
                    block = None
                    continue
                why = self._why(line, job, tainted, reads=reads)
                if why is not None:
                    yield kind, block[0], why
                continue
            entry = _file_entry(line.strip())
            if entry is None:
                continue
            name, value, delimiter = entry
            if delimiter is not None:
                block = (name, delimiter)
                continue
            why = self._why(value or "", job, tainted, reads=reads)
            if why is not None:
                yield kind, name, why

    def _script_outputs(self, script: str, job: Job, env: dict[str, str],
                        reads: str | None = None) -> Iterator[tuple[str, str]]:
        local: dict[str, str] = {}  # JavaScript variables holding a file of the head
        for line in script.splitlines():
            match = _SET_OUTPUT_RE.search(line)
            if match:
                value = match.group(2)
            elif re.match(r"\s*return\b", line):
                value = line
            else:
                declared = _JS_DECLARE_RE.match(line)
                if declared and reads is not None:
                    why = self._why(declared.group(2), job, {}, reads=reads)
                    if why is not None:
                        local[declared.group(1)] = why
                continue
            why = self._why(value, job, {}, api=True, reads=reads)
            if why is None:
                names = re.findall(r"process\.env\.([A-Za-z_]\w*)", value)
                why = next((env[n] for n in names if n in env), None)
            if why is None:
                why = next((w for n, w in local.items() if re.search(r"(?<![\w.$])" + re.escape(n) + r"\b", value)),
                           None)
            if why is not None:
                yield (match.group(1) if match else "result"), why


def job_holds(job: Job) -> str | None:
    """What a job holds beyond a read token that injected code could take: an ``id-token: write``
    grant (cloud credentials by OIDC) or a secret other than the GITHUB_TOKEN; None otherwise."""
    grant = job.permissions if job.permissions.present else job.workflow.permissions
    writes = grant.writes
    if "id-token" in writes or "*" in writes:
        return "`id-token: write` (cloud credentials through OIDC)"
    texts = [*_strings(job.node), *_strings(job.workflow.env)]
    names = [n for text in texts for n in secret_names(text) if n.upper() != "GITHUB_TOKEN"]
    if names:
        return f"the secret {names[0]}"
    return None


# -- the head of a pull request (GHA006, and called workflows in a privileged caller) ------

#: expressions naming the head of a pull request, by the event that fills them in: an
#: expression only counts when the workflow runs on that (privileged) event, so a
#: `pull_request` run of the same file, which gets no secrets, is not reported
HEAD_BY_EVENT = {
    "pull_request_target": re.compile(
        r"github\.event\.pull_request\.head\.(?:sha|ref|repo\.full_name|repo\.clone_url|label)"
        r"|github\.head_ref|github\.event\.(?:pull_request\.)?number"
    ),
    "workflow_run": re.compile(
        r"github\.event\.workflow_run\.head_(?:sha|branch|repository\.full_name)"
        r"|github\.event\.workflow_run\.head_commit\.id|github\.event\.workflow_run\.pull_requests"
    ),
    # a comment on a pull request: the issue *is* the pull request
    "issue_comment": re.compile(r"github\.event\.issue\.number"),
    # slash-command-dispatch and hand-written dispatches pass the pull request along
    "repository_dispatch": re.compile(
        r"github\.event\.client_payload\.pull_request\.(?:head\.(?:sha|ref|label|repo\.full_name|repo\.clone_url)|number)"
    ),
}
REFS_PULL_RE = re.compile(r"refs/pull/|pull/\$\{\{")
#: git subcommands that fetch a commit, and those of them that also put its files in the working tree
GIT_FETCH_VERBS = frozenset(("fetch", "checkout", "switch", "pull", "clone"))
GIT_TREE_VERBS = frozenset(("checkout", "switch", "pull", "clone"))
#: git options before the subcommand that take the next word (``git -C repo fetch``)
_GIT_VALUE_OPTIONS = frozenset(("-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"))


def names_head(value: Any, events: list[str] | tuple[str, ...]) -> bool:
    """True when a value's expressions name the pull request head filled in by one of ``events``."""
    if not isinstance(value, str):
        return False
    patterns = [HEAD_BY_EVENT[e] for e in events if e in HEAD_BY_EVENT]
    if any(p.search(expr) for expr in expressions(value) for p in patterns):
        return True
    return bool(REFS_PULL_RE.search(value)) and "${{" in value



def trusted_head_only(condition: Any, events: Any = ("pull_request_target",)) -> bool:
    """True when a job's ``if:`` admits only pull requests from this repository or its members.

    The author of the pull request counts (``github.event.pull_request.author_association``); the
    author of a comment does not (``/ok-to-test``: the head can change after the comment), nor a
    label, nor ``github.actor``. Read with the expression model (:mod:`.workflow_expr`): a guard
    negated or OR-ed with a term an outsider can satisfy does not count.
    """
    guard = guard_for(events, condition)
    return guard is not None and guard.kind in (SAME_REPO, MEMBER_AUTHOR)


#: a script asking GitHub what a user may do in the repository (github-script, ``gh api``, curl)
_PERMISSION_API_RE = re.compile(r"\bgetCollaboratorPermissionLevel\b|/collaborators/[^/\s]{1,100}/permission\b")
#: the levels a permission check admits, when they are maintainers' (never read, triage or none alone)
_MAINTAINER_LEVEL_RE = re.compile(r"['\"](?:admin|maintain|write)['\"]")
_NEEDS_OUTPUT_RE = re.compile(r"\bneeds\s*\.\s*([A-Za-z_][\w-]*)\s*\.\s*outputs\s*\.\s*([A-Za-z_][\w-]*)")


def permission_gate(job: Job) -> str | None:
    """How a preceding job's permission check gates ``job``, or None.

    ``job``'s ``if:`` tests an output of a job it ``needs`` (and nothing is OR-ed with it), and a
    step of that job asks GitHub for the triggering user's permission (``getCollaboratorPermissionLevel``
    in a github-script, ``gh api .../collaborators/<user>/permission``) and compares it with admin,
    maintain or write: the job runs only when a maintainer asked for it.  The head of a pull request
    can still change after the maintainer's comment, so this is weaker than a head guard."""
    condition = job.condition
    if not isinstance(condition, str) or "||" in condition:
        return None
    needed = set(job.needs)
    for match in _NEEDS_OUTPUT_RE.finditer(condition):
        name = match.group(1)
        if name not in needed:
            continue
        other = next((j for j in job.workflow.jobs if j.id == name), None)
        for step in other.steps if other is not None else ():
            action = step.action
            script = step.with_.get("script") if action is not None and action.is_action("actions/github-script") \
                else step.run
            if isinstance(script, str) and _PERMISSION_API_RE.search(script) and _MAINTAINER_LEVEL_RE.search(script):
                return (f"job {name!r} checks the commenter's permission on the repository "
                        f"(needs.{name}.outputs.{match.group(2)})")
    return None


#: a status function in a job's ``if:``: the job may run although a job it needs failed
_STATUS_FUNCTION_RE = re.compile(r"\b(?:always|failure|cancelled)\s*\(", re.IGNORECASE)
#: names of guards that check who started a run (a reusable workflow, an action, a job name)
_GATE_NAME_RE = re.compile(
    r"permission|authori[sz]|membership|\bmember|collaborator|maintainer|approv|trusted[-_ ]?(?:user|actor|author)"
    r"|allow[-_ ]?list|check[-_ ]?(?:run|pr|user|actor|access|author)\b", re.IGNORECASE)
#: a script that ends the job when the check failed
_FAILS_RE = re.compile(r"\bexit\s+[1-9]|core\.setFailed|process\.exit\(\s*[1-9]")


def needs_gate(job: Job) -> str | None:
    """How a job ``job`` needs, and that must succeed first, keeps outsiders' runs out, or None.

    ``job`` runs only when every job it ``needs`` succeeded (no ``always()``, ``failure()`` or
    ``cancelled()`` in its ``if:``), and one of them fails unless the run was started by someone with
    rights on the repository: a step asks GitHub for the user's permission and exits, an action named
    for such a check (``check-permission``), a job that waits on an environment (an approval: auditui
    cannot see its required reviewers), or a reusable workflow of another repository named for such a
    check (``check-run.yml``: auditui cannot read it, and says so)."""
    condition = job.condition
    if isinstance(condition, str) and _STATUS_FUNCTION_RE.search(condition):
        return None
    for name in job.needs:
        other = next((j for j in job.workflow.jobs if j.id == name), None)
        if other is None:
            continue
        environment = other.environment
        if environment is not None:
            return (f"job {name!r}, which it needs, waits on environment {environment!r} (an approval; auditui "
                    "cannot see its required reviewers)")
        uses = other.uses
        if uses is not None and not uses.startswith("./"):
            target = uses.split("@", 1)[0].rsplit("/", 1)[-1]
            if _GATE_NAME_RE.search(target) or _GATE_NAME_RE.search(other.name or ""):
                return (f"job {name!r}, which it needs, runs {uses}, a guard of another repository that auditui "
                        "cannot read; its name says it checks who started the run")
            continue
        for step in other.steps:
            action = step.action
            if action is not None and action.kind == "repo" and _GATE_NAME_RE.search(action.name.rsplit("/", 1)[-1]):
                return f"job {name!r}, which it needs, runs {action.raw} (named for a check of who started the run)"
            script = step.with_.get("script") if action is not None and action.is_action("actions/github-script") \
                else step.run
            if isinstance(script, str) and _PERMISSION_API_RE.search(script) and _MAINTAINER_LEVEL_RE.search(script) \
                    and _FAILS_RE.search(script):
                return f"job {name!r}, which it needs, fails unless the user who started the run may write"
    return None


def member_gate(job: Job, events: Any) -> str | None:
    """What admits only maintainers' requests to ``job`` when no head guard does: its ``if:`` requires a
    member's comment (``github.event.comment.author_association``), or a preceding job's permission check."""
    guard = guard_for(events, job.condition)
    if guard is not None and guard.kind == MEMBER_COMMENTER:
        return f"its if: requires a member's comment ({guard.text})"
    return permission_gate(job)


_INPUT_RE = re.compile(r"\binputs\s*\.\s*([A-Za-z_][\w-]*)")


def head_checkouts(wf: Workflow, events: list[str] | tuple[str, ...]) -> list[tuple[Job, Step, str]]:
    """Steps that check out or fetch the pull request head that ``events`` fill in (job, step, evidence)."""
    out = []
    for job in wf.jobs:
        for step in job.steps:
            action = step.action
            if action is not None and action.is_action("actions/checkout"):
                w = step.with_
                key = next((k for k in ("ref", "repository") if k in w and names_head(w.get(k), events)), None)
                if key is not None:
                    out.append((job, step, f"{key}: {w.get(key)}"))
                continue
            command = head_fetch(step.run, events)
            if command is not None:
                out.append((job, step, command.text[:120]))
    return out


def _git_verb(argv: Sequence[str]) -> str:
    """The subcommand of a ``git`` command (``git -C repo fetch`` -> ``fetch``), ``pr checkout``
    for ``gh pr checkout``, "" for any other command."""
    if not argv:
        return ""
    name = argv[0].rsplit("/", 1)[-1]
    if name == "gh":
        return "pr checkout" if tuple(argv[1:3]) == ("pr", "checkout") else ""
    if name != "git":
        return ""
    index = 1
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] in _GIT_VALUE_OPTIONS else 1
    return argv[index] if index < len(argv) else ""


def _fetching_commands(script: str | None, verbs: frozenset[str]) -> Iterator[Any]:
    """The commands of a ``run:`` script (as the shell reader reads it) that run ``gh pr checkout``
    or ``git`` with one of ``verbs`` (on the runner, or on a host the step reaches over ssh: the
    head's code runs there as well)."""
    for command in run_commands(script or ""):
        if any(verb == "pr checkout" or verb in verbs for verb in (_git_verb(seg.argv) for seg in command.segments)):
            yield command


def head_fetch(script: str | None, events: list[str] | tuple[str, ...],
               verbs: frozenset[str] = GIT_FETCH_VERBS) -> Any:
    """The first command of a ``run:`` script that fetches (or, with :data:`GIT_TREE_VERBS`,
    checks out) the pull request head ``events`` fill in: ``gh pr checkout``, or a ``git
    fetch``/``checkout``/``clone``... in a command that names the head (an expression of those
    events, ``refs/pull/``); None when none does.  A string echoed or a heredoc's text is not a
    command; a command continued over several lines is one."""
    for command in _fetching_commands(script, verbs):
        if any(_git_verb(seg.argv) == "pr checkout" for seg in command.segments) or names_head(command.text, events):
            return command
    return None


def _checkout_folder(step: Step) -> str:
    """The folder ``actions/checkout`` writes to (``path:``), "" for the workspace's root."""
    value = step.with_.get("path")
    if value is None:
        return ""
    folder = _norm_path(str(value))
    return "" if folder == "." else folder


#: git commands that put the fetched head's files in the working tree


def checked_out_head(step: Step, events: list[str] | tuple[str, ...]) -> str | None:
    """The folder ("" the workspace's root) where a step puts the files of the pull request
    head that ``events`` fill in (``actions/checkout`` with ``ref:``/``repository:`` naming it,
    ``gh pr checkout``, ``git checkout``/``pull`` of it), or None when it checks out no head."""
    action = step.action
    if action is not None and action.is_action("actions/checkout"):
        w = step.with_
        if any(k in w and names_head(w.get(k), events) for k in ("ref", "repository")):
            return _checkout_folder(step)
        return None
    return "" if head_fetch(step.run, events, GIT_TREE_VERBS) is not None else None


def _reads_head(step: Step, head: tuple[str, str] | None) -> str | None:
    """The label of the step that checked out the pull request head when ``step`` runs where
    its files are (the workspace's root, or the checkout's ``path:`` named by the step's
    ``working-directory`` or a ``cd``), else None."""
    if head is None:
        return None
    folder, label = head
    if not folder:
        return label
    texts = [str(step.node.get("working-directory") or ""), step.run or "", str(step.with_.get("script") or ""),
             *(str(v) for v in step.with_.values() if isinstance(v, str))]
    pattern = re.compile(r"(?<![\w.-])(?:\./)?" + re.escape(folder) + r"(?![\w.-])")
    return label if any(pattern.search(text) for text in texts) else None


#: commands whose output is the content of every file they are given
_PRINT_FILES = frozenset(("cat", "head", "tail", "cut", "sort", "uniq", "tac", "base64", "strings", "xxd", "nl"))
#: commands whose first word that is not an option is a program, a filter or a pattern; files follow
_FILTER_FILES = frozenset(("jq", "yq", "grep", "egrep", "fgrep", "sed", "awk", "gawk", "dasel", "tomlq", "xq"))
#: options of those that take the next word (jq --arg NAME VALUE takes two)
_OPTION_WORDS = {"--arg": 2, "--argjson": 2, "--slurpfile": 2, "--rawfile": 2, "-f": 1, "--from-file": 1,
                 "-e": 1, "-F": 1, "-v": 1, "-o": 1, "--indent": 1, "-I": 1, "-p": 1}
_PATH_WORD_RE = re.compile(r"[\w.*][\w./*@+-]*")
#: ``git log``/``git show`` options that print what commits say (messages, authors)
_GIT_FORMAT = ("--format", "--pretty", "--oneline")
_JS_READ_RE = re.compile(r"\breadFileSync\s*\(|\brequire\s*\(\s*['\"`]\.{1,2}/")


def _file_word(word: str, made: frozenset[str] = frozenset()) -> bool:
    word = word.strip("'\"")
    for prefix in ("$GITHUB_WORKSPACE/", "${GITHUB_WORKSPACE}/"):
        if word.startswith(prefix):
            word = word[len(prefix):]
    return bool(_PATH_WORD_RE.fullmatch(word)) and not word.startswith("-") and "/dev/" not in word \
        and _norm_path(word) not in made


#: a relative path written literally (no variable, no expression)
_LITERAL_PATH_RE = re.compile(r"[\w.][\w./-]*")


def files_written(scripts: Iterator[str] | list[str]) -> frozenset[str]:
    """The relative paths scripts write themselves (``> out.json``, ``tee out``, ``-o out``,
    ``--output out``), as the shell reader reads them: reading them back reads the workflow's
    own data, not the checkout's.  Paths named by a variable or an expression are left out,
    and so are files written on another host (``ssh host 'cmd > f'``)."""
    return frozenset(_norm_path(target) for text in scripts for command in run_commands(text)
                     for seg in command.segments if not runs_remotely(command, seg)
                     for target in segment_writes(seg) if _LITERAL_PATH_RE.fullmatch(target))


def _git_text(argv: Sequence[str]) -> bool:
    """``git log``/``git show`` with a format, ``git diff --name-only``, ``git ls-files``: commands
    that print what an outsider's commits hold (messages, authors, file names)."""
    if not argv or argv[0].rsplit("/", 1)[-1] != "git":
        return False
    rest = list(argv[1:])
    while rest and rest[0] == "-C":
        rest = rest[2:]
    if not rest:
        return False
    verb, options = rest[0], rest[1:]
    if verb in ("log", "show"):
        return any(o.split("=", 1)[0] in _GIT_FORMAT for o in options)
    if verb in ("diff", "diff-tree"):
        return any(o in ("--name-only", "--name-status") for o in options)
    return verb == "ls-files"


def _prints_files(seg: Any, made: frozenset[str]) -> bool:
    """A simple command that prints what files of the working tree hold: one it reads on its
    standard input (``< VERSION``, ``$(< file)``), or ``cat``/``head``/``jq``/``yq``/``grep``...
    given a relative file.  Files in ``made`` do not count."""
    argv, redirects = redirections(seg.argv)
    if any(operator in ("<", "0<") and _file_word(target, made) for operator, target in redirects):
        return True
    if not argv:
        return False
    program = posixpath.basename(argv[0])
    if program not in _PRINT_FILES and program not in _FILTER_FILES:
        return False  # echo and printf print their words, not files
    rest = argv[1:]
    if program in ("yq",) and rest and rest[0] in ("e", "eval", "ea", "eval-all"):
        rest = rest[1:]
    skip = 0
    first = program in _FILTER_FILES
    for word in rest:
        if skip:
            skip -= 1
            continue
        if word.startswith("-"):
            skip = _OPTION_WORDS.get(word.split("=", 1)[0], 0) if "=" not in word else 0
            if program in _PRINT_FILES and word in ("-n", "-c", "-f", "-d"):
                skip = 1 if program in ("head", "tail", "cut") else 0
            continue
        if first:
            first = False  # the filter, the pattern or the program
            continue
        if _file_word(word, made):
            return True
    return False


def head_file_read(text: str, made: frozenset[str] = frozenset()) -> str | None:
    """The command of a piece of script that prints what files of the checkout hold (``cat
    VERSION``, ``$(< file)``, ``jq -r .version package.json``, ``yq .x values.yaml``, a
    ``require('./package.json')``), or that prints commit messages or file names of its history
    (``git log --format=%s``, ``git diff --name-only``); None when it reads none. Files in
    ``made`` (written by the job's own scripts) do not count.  The shell is read by the one
    shell reader: commands in substitutions count, words in strings and heredoc text do not."""
    if _JS_READ_RE.search(text):
        return _shorten(text.strip(), 60)
    for command in run_commands(text):
        for seg in command.segments:
            if _git_text(redirections(seg.argv)[0]) or _prints_files(seg, made):
                return _shorten(seg.raw.strip() or seg.text, 60)
    return None


def checkout_inputs(wf: Workflow) -> list[str]:
    """Inputs (``inputs.X``) a workflow checks out or fetches: what a caller's ``with:`` decides."""
    names: list[str] = []
    for job in wf.jobs:
        for step in job.steps:
            action = step.action
            if action is not None and action.is_action("actions/checkout"):
                texts = [str(step.with_.get(k)) for k in ("ref", "repository") if k in step.with_]
            else:
                texts = [command.text for command in _fetching_commands(step.run, GIT_FETCH_VERBS)]
            names.extend(n for text in texts for n in _INPUT_RE.findall(text) if n not in names)
    return names


# -- reusable workflows -----------------------------------------------------------------


def local_workflow_target(job: Job) -> str | None:
    """The repository-relative file a job's ``uses: ./.github/workflows/x.yml`` calls; None otherwise."""
    action = job.action
    if action is None or action.kind != "local" or not action.raw.startswith("./"):
        return None
    target = posixpath.normpath(action.raw.split("@", 1)[0][2:])
    return None if target.startswith("..") else target


def _grant(job: Job) -> tuple[Permissions, str] | None:
    """The permissions a job runs with (its own, else the workflow's) and where; None: the defaults."""
    if job.permissions.present:
        return job.permissions, "job"
    if job.workflow.permissions.present:
        return job.workflow.permissions, "workflow"
    return None


def _reported_at_top(wf: Workflow, caller: Job) -> tuple[str, ...]:
    """Scopes of the workflow-level grant that another inheriting job shows no use of (GHA003's)."""
    top = wf.permissions
    jobs = wf.jobs
    if top.kind != "map" or len(jobs) < 2 or wf.reusable_only:
        return ()
    others = [job for job in jobs if not job.permissions.present and job.id != caller.id]
    if wf.outsider_reach and others:
        return tuple(top.writes)
    used = [token_scopes_used(job) for job in others]
    return tuple(scope for scope in top.writes if any(u is not None and scope not in u for u in used))


def reusable_facts(wf: Workflow, notices: list[str]) -> list[Fact]:
    """What reusable workflows do with the caller's token, and who calls them with what.

    A called workflow of this repository is judged in the caller's context by a repository
    check (GHA016); one from another repository is never fetched: a notice says it was not read.
    """
    facts: list[Fact] = []
    if "workflow_call" in wf.triggers:
        inheriting = [] if wf.permissions.present else [job for job in wf.jobs if not job.permissions.present]
        used: set[str] | None = set()
        calls: list[str] = []
        for job in inheriting:
            target = local_workflow_target(job) if job.reusable else None
            if target is not None:
                calls.append(target)  # passes the caller's grant on: followed by the check, in the index
                continue
            scopes = token_scopes_used(job)
            if scopes is None or used is None:
                used = None
                break
            used |= scopes
        # write scopes the workflow or its other jobs declare: a caller must grant them (it can only narrow)
        declared = set(wf.permissions.writes) | {s for job in wf.jobs if job.permissions.present
                                                  for s in job.permissions.writes}
        # the `github` context of a called workflow is its caller's: a head it checks out is the
        # head of the caller's event (events it runs on itself are GHA006's, in this file)
        heads = {event: head_checkouts(wf, [event]) for event in sorted(PRIVILEGED_EVENTS - wf.triggers)}
        first = next((found[0] for found in heads.values() if found), None)
        facts.append(Fact(WORKFLOW_REUSABLE, wf.path, wf.line, wf.ypath, WorkflowReusableData(
            inheriting=tuple(job.id for job in inheriting), used=None if used is None else tuple(sorted(used)),
            calls=tuple(calls), declared=tuple(sorted(declared)),
            head_events=tuple(event for event, found in heads.items() if found),
            head_step=None if first is None else f"{first[1].label} of {first[0].label}",
            checkout_inputs=tuple(checkout_inputs(wf)))))
    remote = []
    for job in wf.jobs:
        if not job.reusable:
            continue
        target = local_workflow_target(job)
        action = job.action
        by_name = None
        if target is None:
            if action is None or action.kind != "repo":
                continue
            remote.append((job.line, f"{job.id!r} ({action.raw})"))
            path = posixpath.normpath(action.path) if action.path else ""
            if not path.startswith(".github/workflows/"):
                continue
            by_name = (action.name, path, action.ref)  # this repository's own file, perhaps: the checks decide
        grant = _grant(job)
        perms, where = grant if grant is not None else (None, None)
        holder = perms.node if perms is not None else None
        facts.append(Fact(WORKFLOW_CALL, f"{wf.path}#{job.id}", job.line, job.ypath, WorkflowCallData(
            job=job.id, target=target,
            writes=None if perms is None else tuple(perms.writes),
            grant=where,
            grant_line=holder.key_line("permissions") if holder is not None and "permissions" in holder else None,
            grant_ypath=tuple(holder.ypath) + ("permissions",) if holder is not None else None,
            reported=_reported_at_top(wf, job) if where == "workflow" else (),
            triggers=tuple(sorted(wf.triggers)), outsider=tuple(sorted(wf.outsider_triggers)),
            inherit_secrets=str(job.secrets).strip() == "inherit",
            passes_secrets=str(job.secrets).strip() == "inherit" or (isinstance(job.secrets, YMap) and bool(job.secrets)),
            privileged=tuple(sorted(wf.privileged_triggers)),
            trusted_only=trusted_head_only(job.condition, wf.privileged_triggers),
            member_gate=member_gate(job, wf.privileged_triggers) or needs_gate(job),
            head_inputs=tuple(str(k) for k, v in job.with_.items() if names_head(v, sorted(wf.privileged_triggers))),
            remote=by_name[0] if by_name else None, remote_path=by_name[1] if by_name else None,
            remote_ref=by_name[2] if by_name else None)))
    if remote:
        notices.append(
            f"line {remote[0][0]}: job{'s' if len(remote) > 1 else ''} {', '.join(r[1] for r in remote[:3])}"
            f"{' ...' if len(remote) > 3 else ''} call{'s' if len(remote) == 1 else ''} a reusable workflow of "
            "another repository: not read (never fetched), so the permissions and secrets it receives were not "
            "judged against what it does, unless it is a file of this repository called by its remote name "
            "(GHA016 and GHA017 then read the local file and say so)")
    return facts


# -- local composite actions (uses: ./path) ----------------------------------------------

#: how deep local actions that run local actions are followed, and how many one workflow reads
_ACTION_DEPTH = 4
_ACTIONS_READ = 32


@dataclass(eq=False)
class LocalAction:
    """An action of this repository (``uses: ./.github/actions/setup``): its ``action.yml``."""

    path: str  # the action file, repository-relative
    folder: str  # the folder ``uses:`` names
    doc: YMap

    @property
    def using(self) -> str:
        value = self.doc.map("runs").get("using")
        return str(value).strip().strip("'\"").lower() if value is not None else ""

    @property
    def composite(self) -> bool:
        return self.using == "composite"

    def step_nodes(self) -> list[tuple[int, YMap]]:
        """(index, mapping) of each step of a composite action (none for other kinds)."""
        if not self.composite:
            return []
        steps = self.doc.map("runs").get("steps")
        return list(steps.maps()) if isinstance(steps, YList) else []


@dataclass(eq=False)
class ActionFile(AtDoc):
    """An action definition file (``action.yml``/``action.yaml`` with ``runs:``) audited on its
    own: the steps of a composite action are reported at their line in it (GHA005)."""

    path: str
    doc: YMap

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path) or "."

    @property
    def resource(self) -> str:
        return f"action/{self.folder}"

    @property
    def composite(self) -> bool:
        value = self.doc.map("runs").get("using")
        return value is not None and str(value).strip().strip("'\"").lower() == "composite"

    def step_nodes(self) -> list[tuple[int, YMap]]:
        steps = self.doc.map("runs").get("steps")
        return list(steps.maps()) if self.composite and isinstance(steps, YList) else []


def is_action_doc(data: Any) -> bool:
    """A document that defines an action (``runs:`` with ``using:``)."""
    if not isinstance(data, YMap):
        return False
    runs = data.get("runs")
    return isinstance(runs, YMap) and "using" in runs


def parse_action(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, ACTION_KIND)
    for doc in docs[:1]:
        if is_action_doc(doc.data):
            parsed.units.append(ActionFile(path, doc.data))
    return parsed


#: the kind of action definition files (not workflows: they run only when a workflow uses them)
ACTION_KIND = FileKind.define("gha-action")


_INPUT_REF_RE = re.compile(r"\binputs\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")


def input_names(value: Any) -> list[str]:
    """Names of the action inputs a value's ``${{ }}`` expressions read (``inputs.key``)."""
    names: list[str] = []
    for expr in expressions(value):
        for match in _INPUT_REF_RE.finditer(expr):
            name = match.group(1) or match.group(2)
            if name and name not in names:
                names.append(name)
    return names


def local_action_folder(raw: str) -> str | None:
    """The repository folder ``uses: ./path`` names (``.`` for ``./``); None outside the repository."""
    text = raw.strip().split("@", 1)[0]
    if not text.startswith("./") and text != ".":
        return None
    folder = posixpath.normpath(text[2:] if text.startswith("./") else ".")
    if folder == ".." or folder.startswith("../") or folder.startswith("/"):
        return None
    return folder


def _composite_steps(step: Step, job: Job, depth: int, seen: tuple[str, ...]) -> list[Step]:
    found = step.local_action
    if not isinstance(found, LocalAction) or depth >= _ACTION_DEPTH or found.folder in seen:
        return []
    out: list[Step] = []
    for index, node in found.step_nodes():
        inner = Step(node, job, index, within=found)
        out.append(inner)
        out.extend(_composite_steps(inner, job, depth + 1, seen + (found.folder,)))
    return out


def _local_uses(nodes: list[tuple[int, YMap]]) -> list[tuple[str, int]]:
    """(folder, line) of each ``uses: ./path`` among step mappings (folder None: outside)."""
    out = []
    for _index, node in nodes:
        uses = node.get("uses")
        action = parse_uses(uses)
        if action is not None and action.kind == "local" and isinstance(uses, str):
            folder = local_action_folder(uses)
            if folder is not None:
                out.append((folder, node.line))
    return out


def _read_action(folder: str, read: Any, reads: set[str]) -> LocalAction | str:
    for name in ("action.yml", "action.yaml"):
        path = name if folder == "." else f"{folder}/{name}"
        reads.add(path)
        text = read(path)
        if text is None:
            continue
        docs, error = load_documents_partial(text)
        data = docs[0].data if docs else None
        if not isinstance(data, YMap) or (error is not None and not data):
            return f"{path} could not be read as an action definition"
        if not isinstance(data.get("runs"), YMap):
            return f"{path} has no `runs:` mapping"
        return LocalAction(path, folder, data)
    return f"no action.yml or action.yaml in {folder}/"


def resolve(parsed: ParsedFile, read: Any) -> None:
    """Read the local actions (``uses: ./path``) the workflows of a file run, nested ones too,
    so the checks judge a job with the steps of its composite actions (``Job.all_steps``).
    Only folders inside the repository are read; every action file asked for is recorded in
    ``parsed.reads`` (saving it re-checks the workflow).  One that is missing or unreadable
    is a notice, and the checks then never claim the job makes no use of something."""
    cache: dict[str, LocalAction | str] = {}
    unread: dict[str, tuple[int, str]] = {}
    for wf in (u for u in parsed.units if isinstance(u, Workflow)):
        pending = [(folder, line) for job in wf.jobs for folder, line in _local_uses(list(job.node.list("steps").maps()))]
        while pending and len(wf.local_actions) < _ACTIONS_READ:
            folder, line = pending.pop(0)
            if folder in wf.local_actions:
                continue
            found = cache.get(folder)
            if found is None:
                found = cache[folder] = _read_action(folder, read, parsed.reads)
            wf.local_actions[folder] = found
            if isinstance(found, LocalAction):
                pending.extend(_local_uses(found.step_nodes()))
            elif folder not in unread:
                unread[folder] = (line, found)
    for folder, (line, why) in unread.items():
        parsed.notices.append(f"line {line}: local action ./{folder} was not read ({why}): its steps were not judged "
                              "with the job (token use, actions it runs)")


def parse(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.WORKFLOW)
    for doc in docs:
        data = doc.data
        if data is None:
            continue
        if not isinstance(data, YMap):
            parsed.notices.append(f"line {doc.line}: document {doc.index + 1} is not a mapping; not a workflow")
            continue
        wf = Workflow(path, data, doc.index)
        if "jobs" not in data:
            parsed.notices.append(f"line {doc.line}: workflow has no jobs")
        elif not isinstance(data.get("jobs"), YMap):
            parsed.notices.append(f"line {doc.line}: `jobs` is not a mapping; no job audited")
        parsed.units.append(wf)
        parsed.facts.extend(workflow_facts(wf))
        parsed.facts.extend(reusable_facts(wf, parsed.notices))
        scripts = workflow_shells(wf, parsed.notices)
        parsed.units.extend(scripts)
        cloud = cloud_fact(wf, scripts)
        if cloud is not None:
            parsed.facts.append(cloud)
    return parsed


#: folders whose workflows a forge runs (GitHub's, and Gitea's and Forgejo's, which read the same syntax)
WORKFLOW_FOLDERS = (".github/workflows", ".gitea/workflows", ".forgejo/workflows")


@dataclass(frozen=True)
class PassedArgs:
    """The build arguments one image build of a workflow passes to the Dockerfile it builds."""

    dockerfile: str  # repository-relative, normalised
    args: tuple[BuildArg, ...]
    where: str  # ``path:line job J step N``, for a notice


@functools.lru_cache(maxsize=64)
def passed_build_args(path: str, text: str) -> tuple[PassedArgs, ...]:
    """The image builds of a workflow file's text that pass build arguments (``build-args:`` of
    docker/build-push-action, ``docker build --build-arg``), with the Dockerfile each builds.
    Builds whose Dockerfile an expression or an unknown folder decides are left out (which
    file they build is not known). Cached by content: every Dockerfile asks the same files."""
    docs, _ = load_documents_partial(text)
    out: list[PassedArgs] = []
    for doc in docs:
        if not isinstance(doc.data, YMap) or not isinstance(doc.data.get("jobs"), YMap):
            continue
        wf = Workflow(path, doc.data, doc.index)
        for job in wf.jobs:
            for step in job.steps:
                for build in step.image_builds():
                    if build.args and "${{" not in build.dockerfile:
                        out.append(PassedArgs(posixpath.normpath(build.dockerfile), build.args,
                                              f"{path}:{step.line} {step.label} of {job.label}"))
    return tuple(out)


#: actions that deploy an application to a cloud service (the service itself is made elsewhere)
CLOUD_DEPLOY_ACTIONS = {
    "aws-actions/amazon-ecs-deploy-task-definition": "Amazon ECS", "aws-actions/aws-lambda-deploy": "AWS Lambda",
    "einaregilsson/beanstalk-deploy": "Elastic Beanstalk", "appleboy/lambda-action": "AWS Lambda",
    "google-github-actions/deploy-cloudrun": "Cloud Run", "google-github-actions/deploy-appengine": "App Engine",
    "google-github-actions/deploy-cloud-functions": "Cloud Functions", "azure/webapps-deploy": "Azure App Service",
    "azure/functions-action": "Azure Functions", "azure/container-apps-deploy-action": "Azure Container Apps",
    "azure/static-web-apps-deploy": "Azure Static Web Apps", "digitalocean/app_action": "DigitalOcean App Platform",
}


def cloud_fact(wf: Workflow, scripts: list) -> Fact | None:
    """What the workflow does to a cloud: the CLIs its ``run:`` steps call (``mutating``: those
    that change resources), and the actions that deploy to a cloud service (``actions``)."""
    clis: set[str] = set()
    mutating: set[str] = set()
    line = None
    for script in scripts:
        for command in script.commands:
            for seg in command.segments:
                found = cloud_segment(seg)
                if found is None:
                    continue
                clis.add(found[0])
                if found[1]:
                    mutating.add(found[0])
                    line = line or command.line
    actions: list[str] = []
    for job in wf.jobs:
        for step in job.steps:
            action = step.action
            if action is not None and action.kind == "repo" and action.name in CLOUD_DEPLOY_ACTIONS:
                if action.name not in actions:
                    actions.append(action.name)
                line = line or step.line
    if not clis and not actions:
        return None
    return Fact(SHELL_CLOUD, wf.path, line, (), ShellCloudData(clis=tuple(sorted(clis)), mutating=tuple(sorted(mutating)),
                                                              actions=tuple(actions) or None))
