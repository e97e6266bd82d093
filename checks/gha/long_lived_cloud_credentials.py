"""GHA004: static cloud keys from secrets where the cloud's OIDC federation would do."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..models.shell_hosts import block_first_line
from ..models.workflow import ActionRef, Workflow, deploy_secret, expressions, is_expression, secret_names
from ..models.yamlnodes import YMap

CHECK = Check(
    code="GHA004",
    name="long-lived-cloud-credentials",
    title="Workflow authenticates with long-lived keys where short-lived ones exist",
    severity=Severity.MEDIUM,
    category=Category.SECRETS,
    rationale=(
        "An AWS access key, a GCP service-account JSON key, an Azure client secret or publish "
        "profile, or an Alibaba Cloud AccessKey stored "
        "as a GitHub secret never expires on its own: whoever exfiltrates it once (a "
        "compromised action, a debug log, a fork) keeps access until someone notices. "
        "GitHub's OIDC tokens let the cloud issue short-lived credentials to this "
        "repository, branch or environment only, with nothing to steal or rotate. A kubeconfig "
        "kept as a secret is the same kind of key to a cluster (medium); an SSH private key "
        "kept as a secret is reported at low: short-lived SSH certificates or a cloud session "
        "manager replace it, but need more than a setting. Each such secret is reported once "
        "per workflow file, listing where it is used."
    ),
    remediation=(
        "Create an OIDC identity provider / workload identity pool for token.actions.githubusercontent.com.",
        "Create a role bound to this repository (and branch or environment) with only the rights the job needs.",
        "Grant the job `permissions: id-token: write` and use the role (`role-to-assume`, "
        "`workload_identity_provider`, or azure/login with `client-id`/`tenant-id`/`subscription-id`).",
        "Delete the static key from the cloud account and from the repository secrets.",
        "For a cluster: fetch a short-lived kubeconfig after the OIDC login (`aws eks update-kubeconfig`, "
        "google-github-actions/get-gke-credentials, azure/aks-set-context) or trust GitHub's issuer in the "
        "API server's OIDC authentication.",
        "For SSH: issue short-lived SSH certificates after OIDC (Vault, step-ca, Teleport) or use the cloud's "
        "session manager (AWS SSM, GCP IAP); at least keep the key as an environment secret behind reviewers.",
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
    yield from _other_deploy_keys(wf)


#: the kinds of deploy secret reported besides cloud keys, and their severity
_OTHER_KINDS = {"kubeconfig": Severity.MEDIUM, "SSH key": Severity.LOW}
_ADVICE = {
    "kubeconfig": "a long-lived cluster credential; fetch a short-lived one after an OIDC login",
    "SSH key": "a long-lived SSH private key; short-lived SSH certificates issued after OIDC replace it",
}


def _other_deploy_keys(wf: Workflow) -> Iterator[Finding]:
    """Kubeconfigs and SSH keys read from secrets: one finding per secret and file."""
    places: list[tuple[YMap, str, ActionRef | None]] = [(wf.env, "the workflow env", None)]
    for job in wf.jobs:
        places.append((job.env, f"the env of {job.label}", None))
        for step in job.steps:
            places.append((step.env, f"the env of {step.label} of {job.label}", None))
            if step.action is not None:
                places.append((step.with_, f"an input of {step.label} of {job.label}", step.action))
    seen: set[int] = set()
    for holder, where, action in places:
        if id(holder) in seen:
            continue
        seen.add(id(holder))
        for key in holder:
            value = holder.get(key)
            kind = deploy_secret(key, value, action)
            if kind not in _OTHER_KINDS:
                continue
            for name in secret_names(value)[:1]:
                yield CHECK.finding(
                    holder, key, resource=wf.resource, severity=_OTHER_KINDS[kind], repeats=(kind, name),
                    message=f"{kind} read from secret `{name}` as `{key}` ({where}): {_ADVICE[kind]}",
                    evidence=f"{key}: ${{{{ secrets.{name} }}}}",
                )
    for job in wf.jobs:
        for step in job.steps:
            script = step.run
            if not script or id(step.node) in seen:
                continue
            seen.add(id(step.node))
            first = block_first_line(step.node, "run", script)
            for offset, line in enumerate(script.splitlines()):
                for name in secret_names(line):
                    kind = deploy_secret(name, "${{ secrets." + name + " }}")
                    if kind not in _OTHER_KINDS:
                        continue
                    yield CHECK.finding(
                        Pos(first + offset, first + offset, step.ypath + ("run",)), resource=wf.resource,
                        severity=_OTHER_KINDS[kind], repeats=(kind, name),
                        message=f"{kind} read from secret `{name}` in the script of {step.label} of {job.label}: "
                                f"{_ADVICE[kind]}",
                        evidence=f"${{{{ secrets.{name} }}}}",
                    )
