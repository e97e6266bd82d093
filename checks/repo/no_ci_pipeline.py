"""REPO001: deployable infrastructure with no CI pipeline at all."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.base import FileKind
from ..models.topics import CI, IAC, SHELL_DEPLOY, WORKFLOW

CHECK = Check(
    code="REPO001",
    name="no-ci-pipeline",
    title="No CI pipeline for a deployable repository",
    severity=Severity.MEDIUM,
    category=Category.CICD,
    rationale=(
        "The repository builds images or deploys (Dockerfiles, compose or Kubernetes "
        "manifests, deploy scripts) but has no CI configuration of any kind (GitHub Actions, "
        "GitLab CI, Jenkins, CircleCI, ...). Every image and release is then built on "
        "someone's laptop or on the server: untested, unreproducible and unaudited, with no "
        "place to run these checks before production."
    ),
    remediation=(
        "Add a pipeline that runs the tests and builds the images on every push.",
        "Push images tagged with the commit from the pipeline, and deploy only those.",
        "Run `auditui scan --fail-on high` in the pipeline so regressions are caught in review.",
    ),
    effort="1d",
    references=(
        "https://docs.github.com/en/actions/get-started/quickstart",
        "https://docs.gitlab.com/ci/quick_start/",
    ),
)

_DEPLOYABLE = (FileKind.DOCKERFILE, FileKind.COMPOSE, FileKind.KUBERNETES, FileKind.KUSTOMIZATION, FileKind.HELM_TEMPLATE,
               FileKind.HELM_CHART)


@CHECK.on_repo
def no_ci_pipeline(index: RepoIndex) -> Iterator[Finding]:
    if index.has(WORKFLOW) or index.has(CI) or index.has_kind(FileKind.WORKFLOW):
        return
    what = [kind.value for kind in _DEPLOYABLE if index.has_kind(kind)]
    if index.has(SHELL_DEPLOY):
        what.append("deploy scripts")
    if index.has(IAC):
        what.append("infrastructure code")
    if not what:
        return  # nothing deployable: a library or docs repository
    yield CHECK.finding(
        resource="ci",
        message=f"no CI pipeline found, though the repository has {', '.join(what)}",
    )
