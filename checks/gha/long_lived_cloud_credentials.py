"""GHA004: static cloud keys from secrets where the cloud's OIDC federation would do."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.workflow import Workflow, expressions, is_expression

CHECK = Check(
    code="GHA004",
    name="long-lived-cloud-credentials",
    title="Workflow authenticates to a cloud with long-lived keys",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    rationale=(
        "An AWS access key, a GCP service-account JSON key, an Azure client secret or publish "
        "profile, or an Alibaba Cloud AccessKey stored "
        "as a GitHub secret never expires on its own: whoever exfiltrates it once (a "
        "compromised action, a debug log, a fork) keeps access until someone notices. "
        "GitHub's OIDC tokens let the cloud issue short-lived credentials to this "
        "repository, branch or environment only, with nothing to steal or rotate."
    ),
    remediation=(
        "Create an OIDC identity provider / workload identity pool for token.actions.githubusercontent.com.",
        "Create a role bound to this repository (and branch or environment) with only the rights the job needs.",
        "Grant the job `permissions: id-token: write` and use the role (`role-to-assume`, "
        "`workload_identity_provider`, or azure/login with `client-id`/`tenant-id`/`subscription-id`).",
        "Delete the static key from the cloud account and from the repository secrets.",
    ),
    effort="4h",
    references=(
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect",
        "https://github.com/aws-actions/configure-aws-credentials#oidc",
        "https://github.com/google-github-actions/auth#preferred-direct-workload-identity-federation",
        "https://github.com/Azure/login#login-with-openid-connect-oidc-recommended",
    ),
    peers=("scorecard Token-Permissions", "zizmor use-trusted-publishing"),
)

#: environment variables the cloud SDKs and Terraform providers read a static key from
_ENV_KEYS = {
    "AWS_SECRET_ACCESS_KEY": "AWS",
    "AWS_ACCESS_KEY_ID": "AWS",
    "ARM_CLIENT_SECRET": "Azure",
    "AZURE_CLIENT_SECRET": "Azure",
    "GOOGLE_CREDENTIALS": "GCP",
    "GOOGLE_CLOUD_KEYFILE_JSON": "GCP",
    "GCP_SA_KEY": "GCP",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "Alibaba Cloud",
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "Alibaba Cloud",
    "ALICLOUD_SECRET_KEY": "Alibaba Cloud",
    "ALICLOUD_ACCESS_KEY": "Alibaba Cloud",
}
#: (action, input) pairs that take a static key
_ACTION_INPUTS = (
    ("aws-actions/configure-aws-credentials", ("aws-secret-access-key", "aws-access-key-id"), "AWS"),
    ("google-github-actions/auth", ("credentials_json",), "GCP"),
    ("google-github-actions/setup-gcloud", ("service_account_key",), "GCP"),
    ("azure/login", ("creds",), "Azure"),
    # a publish profile holds the app's deployment (basic-auth) credentials
    ("azure/webapps-deploy", ("publish-profile",), "Azure"),
    ("azure/functions-action", ("publish-profile",), "Azure"),
    ("aliyun/configure-aliyun-credentials-action", ("access-key-secret", "access-key-id"), "Alibaba Cloud"),
    ("aliyun/ack-set-context", ("access-key-secret", "access-key-id"), "Alibaba Cloud"),
    ("aliyun/acr-login", ("access-key-secret", "access-key-id"), "Alibaba Cloud"),
)
_SECRET_REF_RE = re.compile(r"\bsecrets\s*(?:\.|\[)")


def _from_secret(value) -> bool:
    return any(_SECRET_REF_RE.search(expr) for expr in expressions(value))


@CHECK.on(Workflow)
def long_lived_cloud_credentials(wf: Workflow) -> Iterator[Finding]:
    scopes = [(wf.env, wf.resource)]
    for job in wf.jobs:
        scopes.append((job.env, job.resource))
        scopes.extend((step.env, step.resource) for step in job.steps)
    seen: set[int] = set()
    for env, resource in scopes:
        if id(env) in seen:
            continue  # one env mapping shared through a YAML anchor is reported once
        seen.add(id(env))
        # one finding per cloud in a mapping: a key pair is one credential, but an AWS
        # key and an Azure client secret side by side are two
        by_cloud: dict[str, list] = {}
        for k in env:
            cloud = _ENV_KEYS.get(str(k).strip().upper())
            if cloud is not None and _from_secret(env.get(k)):
                by_cloud.setdefault(cloud, []).append(k)
        for cloud, keys in by_cloud.items():
            key = next((k for k in keys if "SECRET" in str(k).upper()), keys[0])
            yield CHECK.finding(
                env, key, resource=resource,
                message=f"{cloud} static credentials passed as `{key}` from a secret; use OIDC instead",
                evidence=f"{key}: {env.get(key)}",
            )
    for job in wf.jobs:
        for step in job.steps:
            action = step.action
            if action is None or id(step.node) in seen:
                continue
            seen.add(id(step.node))
            for name, inputs, cloud in _ACTION_INPUTS:
                if not action.is_action(name):
                    continue
                given = {str(k).strip(): k for k in step.with_}
                # literal keys are GHA001's business (hard-coded secret)
                used = [given[i] for i in inputs if i in given and is_expression(step.with_.get(given[i]))]
                if used:
                    key = min(used, key=step.with_.key_line)  # the first one written
                    yield CHECK.finding(
                        step.with_, key, resource=step.resource,
                        message=f"{step.label} of {job.label} logs in to {cloud} with a static key "
                                f"(`{key}`); use OIDC federation instead",
                        evidence=f"{action.name} with {key}",
                    )
