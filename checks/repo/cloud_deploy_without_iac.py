"""REPO002: cloud resources changed from scripts, with no infrastructure code anywhere."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.base import FileKind
from ..models.topics import IAC, KUSTOMIZATION, SHELL_CLOUD

CHECK = Check(
    code="REPO002",
    name="cloud-deploy-without-iac",
    title="Cloud infrastructure changed by scripts, with no infrastructure as code",
    severity=Severity.MEDIUM,
    category=Category.DEPLOYMENT,
    rationale=(
        "Scripts call cloud CLIs (aws, gcloud, az, doctl, ...) to create or change resources, "
        "but the repository has no Terraform, OpenTofu, Pulumi, CloudFormation, CDK, Bicep or "
        "Kubernetes manifests. The real infrastructure then lives in the console and in "
        "whoever last ran the script: it cannot be reviewed, diffed, rebuilt after a region "
        "or account loss, or reproduced for staging."
    ),
    remediation=(
        "Describe the resources the scripts create (services, buckets, instances, DNS) in an IaC tool.",
        "Import the existing resources into it, and review plans in pull requests.",
        "Keep scripts for deploying application versions only; the infrastructure comes from code.",
    ),
    effort="1d",
    references=(
        "https://developer.hashicorp.com/terraform/tutorials/state/state-import",
        "https://docs.aws.amazon.com/whitepapers/latest/introduction-devops-aws/infrastructure-as-code.html",
    ),
)


def _any_fact(_path: str, _fact) -> bool:
    return True


#: what the check looked for, named in its message (the "nothing anywhere" it claims)
LOOKED_FOR = ("Terraform/OpenTofu (.tf), Terragrunt, Pulumi, CDK/CDKTF, CloudFormation/SAM, Bicep, Serverless, "
              "Kubernetes manifests, Kustomize, Helm charts")


@CHECK.on_repo
def cloud_deploy_without_iac(index: RepoIndex) -> Iterator[Finding]:
    scripts: list[str] = []
    clis: set[str] = set()
    deploys: list[str] = []
    actions: set[str] = set()
    for path, fact in index.facts(SHELL_CLOUD):
        mutating = fact.data.mutating or ()
        if mutating:
            scripts.append(path)
            clis.update(mutating)
        elif fact.data.actions:
            deploys.append(path)
            actions.update(fact.data.actions)
    if not scripts and not deploys:
        return
    if index.has(IAC) or index.has(KUSTOMIZATION) or index.has_kind(FileKind.HELM_TEMPLATE):
        return
    if index.count_where("k8s-objects", ("k8s:",), _any_fact):
        return  # Kubernetes manifests describe (part of) the infrastructure; a count, not a listing of kinds
    if scripts:
        yield CHECK.finding(
            resource="iac",
            message=f"{', '.join(sorted(scripts)[:3])}{' and others' if len(scripts) > 3 else ''} "
                    f"change{'s' if len(scripts) == 1 else ''} cloud resources "
                    f"with {', '.join(sorted(clis))}, but no infrastructure-as-code files exist "
                    f"(looked for: {LOOKED_FOR})",
        )
        return
    # only application deploys to a cloud service: the service, its scaling, network and
    # permissions were made by hand or elsewhere; a gap, but not scripts changing infrastructure
    yield CHECK.finding(
        resource="iac", severity=Severity.LOW,
        message=f"{', '.join(sorted(deploys)[:3])}{' and others' if len(deploys) > 3 else ''} "
                f"deploy{'s' if len(deploys) == 1 else ''} with {', '.join(sorted(actions))}, but no file in the "
                f"repository defines the cloud services they deploy to (looked for: {LOOKED_FOR}); they may be "
                "defined in another repository",
    )
