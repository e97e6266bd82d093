"""GITOPS002: a Flux source or Argo CD Git source of another repository that follows a branch or a moving tag."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.components import git_ref_floats, short_url, version_floats
from ..models.images import is_moving_tag
from ..scope import is_own_source, is_own_sync

CHECK = Check(
    code="GITOPS002",
    name="source-tracks-branch",
    title="GitOps source follows a branch or moving tag of another repository",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A Flux GitRepository on `branch: master`, an OCIRepository on `latest` or a semver range, "
        "or an Argo CD Application of another repository at `HEAD`/`main` deploys every commit "
        "pushed there, at the next reconcile, with no review in this repository and nothing to "
        "roll back to. (This repository's own branch is how GitOps works and is not reported.)"
    ),
    remediation=(
        "Track a tag or a commit (`ref: {tag: v1.4.2}`, `ref: {commit: ...}`, "
        "`targetRevision: v1.4.2`), or an OCI digest.",
        "Let Renovate bump the reference in a reviewed pull request.",
    ),
    effort="30m",
    references=(
        "https://fluxcd.io/flux/components/source/gitrepositories/#reference",
        "https://fluxcd.io/flux/components/source/ocirepositories/#reference",
        "https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/",
    ),
)


def _source_why(fact) -> str | None:
    kind, ref_kind, ref = fact.data.kind, fact.data.ref_kind, fact.data.ref
    if kind == "GitRepository":
        if ref_kind in ("commit", "tag", "semver"):
            return None if ref_kind != "semver" else version_floats(ref)
        return git_ref_floats(ref if ref_kind else None) if ref_kind in (None, "branch", "name") else None
    if kind == "OCIRepository":
        if ref_kind == "digest":
            return None
        if ref_kind == "semver":
            return version_floats(ref)
        if ref_kind == "tag":
            return f"tag {ref!r} moves" if is_moving_tag(str(ref)) else None
        return "no reference: the `latest` tag is tracked"
    return None


@CHECK.on_each("gitops:source", "gitops:sync")
def source_tracks_branch(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if fact.topic == "gitops:source":
        if fact.data.kind not in ("GitRepository", "OCIRepository"):
            return
        why = _source_why(fact)
        if why is None or is_own_source(index, str(fact.data.kind), str(fact.data.name)):
            return
        line = fact.data.ref_line or fact.line
        url = short_url(str(fact.data.url or "?"))
        yield CHECK.finding(
            Pos(line, line, tuple(fact.data.ref_ypath or fact.ypath), path=path),
            resource=f"{fact.data.kind}/{fact.data.name}",
            message=f"{fact.data.kind}/{fact.data.name} follows {url}: {why}",
            evidence=f"ref: {fact.data.ref_kind}: {fact.data.ref}" if fact.data.ref_kind else "ref: (none)",
        )
        return
    if fact.data.controller != "argo" or is_own_sync(index, fact):
        return
    revision = fact.data.revision
    why = git_ref_floats(revision)
    if why is None or "{{" in str(revision or ""):
        return
    line = fact.data.revision_line or fact.line
    yield CHECK.finding(
        Pos(line, line, tuple(fact.data.revision_ypath or fact.ypath), path=path),
        resource=f"{fact.data.kind}/{fact.data.name}/source",
        message=f"{fact.data.kind} {fact.data.name!r} deploys {short_url(str(fact.data.repo))} "
                f"(path {fact.data.path}): {why}",
        evidence=f"targetRevision: {revision}" if revision else "targetRevision: (none)",
    )
