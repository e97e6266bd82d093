"""TF001: an object storage bucket anyone on the internet can read or write."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import Node, Scope, as_list, known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE, TF_RESOURCE
from .shared import Hit, document_statements, is_false, is_true, public_statement, report

CHECK = Check(
    code="TF001",
    name="public-bucket",
    title="Bucket is readable or writable by anyone",
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "A bucket ACL of public-read/public-read-write (or a grant to AllUsers/AuthenticatedUsers), "
        "a bucket policy that allows Principal \"*\" with no condition, an IAM binding to allUsers or "
        "an anonymous container puts every object in the bucket on the internet. Public buckets are "
        "the most common cause of cloud data leaks: backups, exports and logs end up in them later. "
        "A bucket that serves a static website is low; a bucket policy whose public statements grant "
        "only `s3:GetObject` on the bucket's objects (no listing, no writes) is medium: it is written to "
        "publish downloads (release artifacts, mirrors), and what is left is making sure nothing else "
        "is put there. So is read-only public access to a bucket whose name or Name/Purpose tag says it "
        "publishes (`*-mirrors`, `releases`, `downloads`, `static`, `cdn`, `public`)."
    ),
    remediation=(
        "Remove the public ACL, grant or policy statement; grant access to named principals or "
        "roles instead.",
        "Turn on S3 Block Public Access for the bucket (aws_s3_bucket_public_access_block with all four "
        "settings true) and for the account, or GCS public access prevention (`public_access_prevention "
        "= \"enforced\"`), or `allow_nested_items_to_be_public = false` on the Azure storage account.",
        "Serve public content through a CDN with origin access control (CloudFront OAC, Cloud CDN) "
        "rather than a public bucket.",
    ),
    effort="2h",
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        "https://cloud.google.com/storage/docs/public-access-prevention",
        "https://learn.microsoft.com/en-us/azure/storage/blobs/anonymous-read-access-prevent",
    ),
    peers=("checkov CKV_AWS_20", "checkov CKV_AWS_57", "checkov CKV_AWS_70", "checkov CKV_GCP_28",
           "checkov CKV_AZURE_34", "tfsec aws-s3-no-public-access-with-acl", "trivy AVD-AWS-0092",
           "trivy AVD-GCP-0001", "trivy AVD-AZU-0007"),
)

_PUBLIC_ACLS = {"public-read": "anyone can read it", "public-read-write": "anyone can read and write it",
                "authenticated-read": "any AWS account can read it"}
_PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
_GCP_PUBLIC = ("allUsers", "allAuthenticatedUsers")
_GCP_PUBLIC_ACLS = ("publicRead", "publicReadWrite", "authenticatedRead")


def _account_block(_path: str, fact) -> bool:
    return fact.data.type == "aws_s3_account_public_access_block"


def _acl_grants(node: Node) -> list[str]:
    """Public grants of an ACL: canned ACL or grants to the AllUsers/AuthenticatedUsers groups."""
    out = []
    acl = node.get("acl")
    if isinstance(acl, str) and acl in _PUBLIC_ACLS:
        out.append(f'acl = "{acl}": {_PUBLIC_ACLS[acl]}')
    grants = list(node.blocks("grant"))
    for policy in node.blocks("access_control_policy"):
        grants.extend(policy.blocks("grant"))
    for grant in grants:
        uris = [grant.get("uri")] + [g.get("uri") for g in grant.blocks("grantee")]
        for uri in uris:
            if isinstance(uri, str) and uri in _PUBLIC_GROUPS:
                out.append(f"a grant to {uri.rsplit('/', 1)[-1]}")
    return out


def _blocked(pabs: list[Node], *settings: str) -> bool | None:
    """True when a public access block turns all of ``settings`` on; False when one is off or
    there is none; None when not known."""
    if not pabs:
        return False
    verdict: bool | None = False
    for pab in pabs:
        values = [pab.get(s) for s in settings]
        if all(is_true(v) for v in values):
            return True
        if any(not known(v) for v in values):
            verdict = None
    return verdict


@CHECK.on_each(TF_FILE)
def public_bucket(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.data.vars or not any(b.type == "resource" for b in fact.data.blocks or ()):
        return
    scope = scope_of(index, path)
    account_block = index.count_where("tf:account-public-access-block", (str(TF_RESOURCE),), _account_block) > 0
    yield from _aws(scope, account_block)
    yield from _gcp(scope)
    yield from _azure(scope)


def _aws(scope: Scope, account_block: bool) -> Iterator[Finding]:
    for resource in scope.resources("aws_s3_bucket", "aws_s3_bucket_acl", "aws_s3_bucket_policy"):
        hits: list[Hit] = []
        unlinked = False
        reads: list[bool] = []  # per instance: every public statement grants only reads of objects by key
        read_only: list[bool] = []  # per public instance: its grants and statements only read
        bucket_of: tuple[str, str] | None = None
        for node in resource.instances:
            bucket: tuple[str, str] | None
            if resource.type == "aws_s3_bucket":
                bucket = (resource.type, resource.name)
            else:
                bucket = scope.target(node, "bucket", "aws_s3_bucket")
            acl = _acl_grants(node) if resource.type != "aws_s3_bucket_policy" else []
            policy: list[str] = []
            if resource.type in ("aws_s3_bucket", "aws_s3_bucket_policy") and node.has("policy"):
                found = document_statements(scope, node, "policy")
                public = [s for s in found or () if public_statement(s)]
                if public:
                    policy.append('a policy statement allows Principal "*" with no condition')
                    reads.append(all(_object_reads_only(s) for s in public) and not _public_acl(scope, node, bucket))
            if not acl and not policy:
                continue
            bucket_of = bucket_of or bucket
            read_only.append(_acl_reads_only(node) and all(_reads_only(s) for s in found or () if public_statement(s))
                             if policy else _acl_reads_only(node))
            if bucket is None:
                unlinked = True
                hits.append(Hit(node, "; ".join(acl + policy), "acl" if acl else "policy"))
                continue
            pabs = scope.linked(node, "aws_s3_bucket_public_access_block", "bucket", bucket)
            problems = []
            if acl and _blocked(pabs, "block_public_acls", "ignore_public_acls") is not True:
                problems.extend(acl)
            if policy and _blocked(pabs, "block_public_policy", "restrict_public_buckets") is not True:
                problems.extend(policy)
            if not problems:
                continue
            explicit_off = any(is_false(p.get("block_public_policy")) or is_false(p.get("block_public_acls"))
                               or is_false(p.get("ignore_public_acls")) or is_false(p.get("restrict_public_buckets"))
                               for p in pabs)
            detail = "; ".join(problems)
            if explicit_off:
                detail += "; its public access block is turned off"
            hits.append(Hit(node, detail, "acl" if acl else "policy"))
        if not hits:
            continue
        severity = CHECK.severity
        notes = []
        if _website(scope, resource, hits[0].node):
            severity = Severity.LOW
            notes.append("it serves a static website, so public reads may be intended: keep nothing else in it")
        elif reads and all(reads) and resource.type == "aws_s3_bucket_policy":
            severity = Severity.MEDIUM
            notes.append("the policy grants only s3:GetObject on its objects, no listing and no writes: the way a "
                         "bucket publishes downloads; confirm it holds only what is meant to be published")
        purpose = _publishing_word(scope, resource, hits[0].node, bucket_of) if read_only and all(read_only) else None
        if purpose and severity > Severity.MEDIUM:
            severity = Severity.MEDIUM
            notes.append(f"its name says it publishes ({purpose!r}) and anyone may only read: public reads look "
                         "intended; make sure it holds only what is meant to be published")
        if unlinked:
            severity = min(severity, Severity.MEDIUM)
            notes.append("the bucket is not defined in this module, so its public access block was not checked")
        if account_block and severity > Severity.MEDIUM:
            severity = Severity.MEDIUM
            notes.append("an account-level public access block in the repository may override this")
        message = f"{hits[0].detail}" + (f" ({'; '.join(notes)})" if notes else "")
        finding = report(CHECK, scope, resource, hits, message, severity=severity, evidence=hits[0].detail)
        if finding is not None:
            yield finding


def _public_acl(scope: Scope, node: Node, bucket: tuple[str, str] | None) -> bool:
    """The bucket (or its ``aws_s3_bucket_acl``) also has a public ACL or grant; True when unknown."""
    if bucket is None:
        return True
    owner = scope.node_of(node.evaluator, bucket)
    acls = scope.linked(node, "aws_s3_bucket_acl", "bucket", bucket) + ([owner] if owner is not None else [])
    return any(_acl_grants(acl) for acl in acls)


#: words of a bucket's name or tags that say its content is published on purpose (downloads,
#: mirrors, release artifacts, static assets): read-only public access there is the design
_PUBLISHING_WORDS = frozenset(("mirror", "mirrors", "release", "releases", "download", "downloads", "dist",
                               "distribution", "static", "cdn", "public", "www", "website", "assets"))
_WRITE_PERMISSIONS = frozenset(("WRITE", "WRITE_ACP", "FULL_CONTROL"))


def _acl_reads_only(node: Node) -> bool:
    """The node's canned ACL and grants (if any) give only reads."""
    acl = node.get("acl")
    if isinstance(acl, str) and acl not in ("public-read", "authenticated-read", "private"):
        return False
    grants = list(node.blocks("grant"))
    for policy in node.blocks("access_control_policy"):
        grants.extend(policy.blocks("grant"))
    for grant in grants:
        permissions = [grant.get("permission")] + (as_list(grant.get("permissions")) or [])
        if any(not isinstance(p, str) or p.upper() in _WRITE_PERMISSIONS for p in permissions if p is not None):
            return False
    return True


def _reads_only(statement) -> bool:
    """A statement that grants only reads (``s3:Get*``/``s3:List*``, no wildcard, no writes)."""
    actions = statement.actions
    return not statement.not_actions and bool(actions) and all(
        str(a).lower().startswith(("s3:get", "s3:list")) and "*" not in str(a) for a in actions or ())


def _publishing_word(scope: Scope, resource, node: Node, bucket: tuple[str, str] | None) -> str | None:
    """A word of the bucket's name, prefix, Terraform name or tags that says it publishes."""
    owner = node if resource.type == "aws_s3_bucket" else (
        scope.node_of(node.evaluator, bucket) if bucket is not None else None)
    texts = [bucket[1] if bucket is not None else ""]
    if owner is not None:
        texts += [owner.get("bucket"), owner.get("bucket_prefix")]
        tags = owner.get("tags")
        if isinstance(tags, dict):
            texts += [v for k, v in tags.items() if str(k).lower() in ("name", "purpose", "description", "usage")]
    for text in texts:
        if isinstance(text, str):
            for word in re.split(r"[^a-z0-9]+", text.lower()):
                if word in _PUBLISHING_WORDS:
                    return word
    return None


#: actions that read one object by its key (no listing, no ACL or policy reads, no writes)
_OBJECT_READS = frozenset(("s3:getobject", "s3:getobjectversion"))


def _object_reads_only(statement) -> bool:
    """A statement that grants only reads of objects by key (``s3:GetObject`` applies to objects
    whatever ``Resource`` says: no listing, no writes, no ACL or policy reads)."""
    actions = statement.actions
    return not statement.not_actions and bool(actions) and all(str(a).lower() in _OBJECT_READS for a in actions or ())


def _website(scope: Scope, resource, node: Node) -> bool:
    if resource.type == "aws_s3_bucket":
        bucket: tuple[str, str] | None = (resource.type, resource.name)
        if node.blocks("website"):
            return True
    else:
        bucket = scope.target(node, "bucket", "aws_s3_bucket")
    if bucket is None:
        return False
    return bool(scope.linked(node, "aws_s3_bucket_website_configuration", "bucket", bucket))


def _gcp(scope: Scope) -> Iterator[Finding]:
    for resource in scope.resources("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding",
                                    "google_storage_bucket_acl", "google_storage_default_object_acl",
                                    "google_storage_object_access_control"):
        hits: list[Hit] = []
        for node in resource.instances:
            members = [node.get("member"), node.get("entity")] + (as_list(node.get("members")) or [])
            members += [str(r).split(":", 1)[-1] for r in (as_list(node.get("role_entity")) or []) if isinstance(r, str)]
            public = [m for m in members if isinstance(m, str) and m in _GCP_PUBLIC]
            acl = node.get("predefined_acl")
            if isinstance(acl, str) and acl in _GCP_PUBLIC_ACLS:
                public.append(f"predefined_acl {acl}")
            if not public:
                continue
            role = node.get("role")
            if isinstance(role, str) and not _gcp_role_reads(role):
                continue
            attr = "member" if node.has("member") else "members" if node.has("members") else (
                "predefined_acl" if node.has("predefined_acl") else "role_entity" if node.has("role_entity") else "entity")
            hits.append(Hit(node, f"grants {public[0]}" + (f" {role}" if isinstance(role, str) else ""), attr))
        if hits:
            finding = report(CHECK, scope, resource, hits, f"the bucket {hits[0].detail}: anyone on the internet has it")
            if finding is not None:
                yield finding


def _gcp_role_reads(role: str) -> bool:
    lower = role.lower()
    return any(word in lower for word in ("objectviewer", "objectadmin", "objectuser", "legacybucketreader",
                                          "legacyobjectreader", "legacybucketowner", "legacybucketwriter",
                                          "storage.admin", "objectcreator", "roles/viewer", "roles/editor",
                                          "roles/owner"))


def _azure(scope: Scope) -> Iterator[Finding]:
    for resource in scope.resources("azurerm_storage_container"):
        hits: list[Hit] = []
        for node in resource.instances:
            access = node.get("container_access_type")
            if isinstance(access, str) and access in ("blob", "container"):
                what = "lists and reads" if access == "container" else "reads"
                account = scope.target(node, "storage_account_name", "azurerm_storage_account") or \
                    scope.target(node, "storage_account_id", "azurerm_storage_account")
                if account is not None:
                    account_node = scope.node_of(node.evaluator, account)
                    if account_node is not None and is_false(account_node.get("allow_nested_items_to_be_public",
                                                                             account_node.get("allow_blob_public_access"))):
                        continue  # the account forbids anonymous access
                hits.append(Hit(node, f'container_access_type = "{access}": anyone {what} its blobs',
                                "container_access_type"))
        if hits:
            finding = report(CHECK, scope, resource, hits, hits[0].detail)
            if finding is not None:
                yield finding
