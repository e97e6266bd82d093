"""The same name/value pair gets the same verdict in every file type that can hold it.

Each row goes through every domain's secret check (compose ``environment``, Dockerfile
``ENV`` and ``ARG``, workflow ``env:``, Kubernetes container env, ConfigMap and Secret,
``.env`` files, shell assignments, Helm values): reported everywhere with the same
severity, or nowhere (issue 11: ``PGPASSWORD=Xk9vQ2mLp7Rt`` used to be reported in compose
and not in a Dockerfile; ``SIGNING_KEY`` and ``DB_PASS`` in compose and not in a workflow).
A domain added later (Terraform) adds one writer to ``DOMAINS``.
"""

from __future__ import annotations

import json
from typing import Callable

import pytest

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.secrets import classify


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def compose(name, value):
    return {"docker-compose.yml": f"services:\n  app:\n    image: app:1.0\n    environment:\n      {name}: {_q(value)}\n"}


def dockerfile_env(name, value):
    return {"Dockerfile": f"FROM alpine:3.20\nENV {name}={_q(value)}\nUSER 10001\n"}


def dockerfile_arg(name, value):
    return {"Dockerfile": f"FROM alpine:3.20\nARG {name}={_q(value)}\nUSER 10001\n"}


def workflow(name, value):
    return {".github/workflows/ci.yml": (
        "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
        f"    env:\n      {name}: {_q(value)}\n    steps:\n      - run: make\n")}


def k8s_env(name, value):
    return {"deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n"
        f"      containers:\n        - name: app\n          image: app:1.0\n          env:\n"
        f"            - name: {name}\n              value: {_q(value)}\n")}


def configmap(name, value):
    return {"cm.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app}}\ndata:\n  {name}: {_q(value)}\n"}


def k8s_secret(name, value):
    return {"secret.yaml": f"apiVersion: v1\nkind: Secret\nmetadata: {{name: app}}\nstringData:\n  {name}: {_q(value)}\n"}


def env_file(name, value):
    return {".env": f"{name}='{value}'\n"}


def shell(name, value):
    return {"deploy.sh": f"#!/bin/sh\nset -eu\nexport {name}='{value}'\n./run\n"}


def helm_values(name, value):
    return {"values-prod.yaml": f"app:\n  config:\n    {name}: {_q(value)}\n"}


#: domain -> (writer, the check that reports literal secrets there)
DOMAINS: dict[str, tuple[Callable, str]] = {
    "compose": (compose, "CMP013"),
    "dockerfile-env": (dockerfile_env, "DKR008"),
    "dockerfile-arg": (dockerfile_arg, "DKR008"),
    "workflow": (workflow, "GHA001"),
    "k8s-env": (k8s_env, "K8S024"),
    "configmap": (configmap, "K8S024"),
    "k8s-secret": (k8s_secret, "K8S060"),
    "env-file": (env_file, "ENV004"),
    "shell": (shell, "SH014"),
    "helm-values": (helm_values, "HELM004"),
}

#: name, value, expected severity (None: reported nowhere); no file here says whether what a
#: password opens is reachable, so random passwords are high and keys and tokens critical
ROWS = [
    ("PGPASSWORD", "Xk9vQ2mLp7Rt", Severity.HIGH),
    ("SIGNING_KEY", "Xk9vQ2mLp7Rt", Severity.CRITICAL),
    ("DB_PASS", "Xk9vQ2mLp7Rt", Severity.HIGH),
    ("API_TOKEN", "ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE", Severity.CRITICAL),
    ("DATABASE_URL", "postgres://app:Xk29pLm4Qw8z@db:5432/app", Severity.HIGH),
    ("JWT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", Severity.CRITICAL),
    # a key that only encrypts what the app stores or hands out (Laravel's APP_KEY): using it takes a
    # copy of the data or a cookie first: high wherever it is, not the critical of a signing key
    ("APP_KEY", "base64:Xk9vQ2mLp7RtQw8zXk29pLm4Qw8zXk29pLm4Xk9vQ2o=", Severity.HIGH),
    ("ENCRYPTION_KEY", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", Severity.HIGH),
    ("SECRET_KEY", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", Severity.CRITICAL),
    # an OAuth/OIDC login client's secret opens nobody's account by itself; a service principal's does
    ("OIDC_CLIENT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", Severity.MEDIUM),
    ("AZURE_CLIENT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", Severity.CRITICAL),
    # a change-me word works as written in most applications (some refuse it at start: auditui
    # cannot read which): a guessable default everywhere, never a placeholder in one file type only
    ("SECRET_KEY", "change-me", Severity.MEDIUM),
    # weak or well-known defaults used as the real value: medium where reach is not known
    ("DB_PASSWORD", "postgres", Severity.MEDIUM),
    ("ADMIN_PASSWORD", "admin", Severity.MEDIUM),
    ("JWT_SECRET", "supersecret", Severity.MEDIUM),
    ("DB_PASSWORD", "changeme", Severity.MEDIUM),
    ("DB_PASSWORD", "password123", Severity.MEDIUM),
    # not secrets: sentinels, references, placeholders, identifiers, names of secrets
    ("API_KEY", "${API_KEY:-invalid}", None),
    ("API_KEY", "disabled", None),
    ("API_KEY", "none", None),
    ("DB_PASSWORD", "${DB_PASSWORD}", None),
    ("DB_PASSWORD", "op://shop/db/password", None),
    ("KEYVAULT_SECRETS", "BW-GHAPP-ID,BW-GHAPP-KEY", None),  # names of secrets to fetch, not values
    ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", None),
    ("API_KEY", "<your-api-key>", None),
    ("AWS_ACCESS_KEY_ID", "AKIAZ3MBQ7VRT5NKP2XD", None),
    ("AZURE_CLIENT_ID", "0f8fad5b-d9cb-469f-a165-70867728950e", None),
    ("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47", None),
    ("KMS_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890ab", None),
    ("SSH_KEY_NAME", "deploy-key", None),
    ("DB_SECRET_NAME", "prod/shop/db", None),
    ("VAPID_PUBLIC_KEY", "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u", None),
    # an OAuth consumer key is the client's public identifier (its secret half is the *_SECRET)
    ("WIKIMEDIA_OAUTH2_KEY", "11dec83f263af1b9f480488512556cb1", None),
    ("OAUTH_CONSUMER_KEY", "11dec83f263af1b9f480488512556cb1", None),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None),
]


def _scan(tmp_path, files: dict[str, str]) -> Engine:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    assert engine.check_errors == []
    return engine


@pytest.mark.parametrize(("name", "value", "severity"), ROWS, ids=lambda v: str(v)[:24])
@pytest.mark.parametrize("domain", list(DOMAINS))
def test_same_verdict_in_every_domain(tmp_path, domain, name, value, severity):
    writer, code = DOMAINS[domain]
    engine = _scan(tmp_path, writer(name, value))
    found = [f for f in engine.findings if f.code == code]
    if severity is None:
        assert found == [], f"{domain}: {[f.message for f in found]}"
        return
    assert len(found) == 1, f"{domain}: {name}={value!r} -> {[f.message for f in found]}"
    assert found[0].severity == severity, f"{domain}: {found[0].message}"
    texts = f"{found[0].message} {found[0].evidence}"
    assert value not in texts or classify(name, value).well_known


def test_every_domain_agrees_with_the_model():
    """The table's expectations are the model's own verdicts (so the table cannot drift)."""
    for name, value, severity in ROWS:
        verdict = classify(name, value)
        assert verdict.is_secret == (severity is not None), (name, value, verdict)
        if severity is not None:
            assert verdict.severity() == severity


# -- exposure: compose is the one domain that can tell whether what a password opens is published

def _compose_severity(tmp_path, text: str, name: str) -> Severity | None:
    engine = _scan(tmp_path, {"docker-compose.yml": text})
    found = [f for f in engine.findings if f.code == "CMP013" and name in f.message]
    return found[0].severity if found else None


@pytest.mark.parametrize(("ports", "value", "severity"), [
    ('["5432:5432"]', "Xk9vQ2mLp7Rt", Severity.CRITICAL),          # random password, published database
    ('["127.0.0.1:5432:5432"]', "Xk9vQ2mLp7Rt", Severity.MEDIUM),  # loopback only
    ("[]", "Xk9vQ2mLp7Rt", Severity.MEDIUM),                        # not published
    ('["5432:5432"]', "postgres", Severity.HIGH),                    # weak and published
    ("[]", "postgres", Severity.MEDIUM),                             # weak, internal only
])
def test_compose_password_severity_follows_what_it_opens(tmp_path, ports, value, severity):
    text = (f"services:\n  db:\n    image: postgres:16\n    ports: {ports}\n"
            f"    environment:\n      POSTGRES_PASSWORD: {_q(value)}\n"
            f"  app:\n    image: shop:1.0\n    ports: [\"8080:8080\"]\n"
            f"    environment:\n      DATABASE_URL: {_q('postgres://shop:' + value + '@db:5432/shop')}\n"
            f"      DB_PASSWORD: {_q(value)}\n")
    # the database's own variable, the app's URL to it and the app's DB_PASSWORD all open the database
    for name in ("POSTGRES_PASSWORD", "DATABASE_URL", "DB_PASSWORD"):
        assert _compose_severity(tmp_path, text, name) == severity, name


def test_compose_keys_and_app_logins_follow_the_holder(tmp_path):
    text = ("services:\n  app:\n    image: shop:1.0\n    ports: [\"8080:8080\"]\n    environment:\n"
            "      SECRET_KEY: Xk9vQ2mLp7Rt\n      ADMIN_PASSWORD: admin\n")
    assert _compose_severity(tmp_path, text, "SECRET_KEY") == Severity.CRITICAL  # a key: usable anywhere
    assert _compose_severity(tmp_path, text, "ADMIN_PASSWORD") == Severity.HIGH  # weak login to a published app


# -- Secret references in maps that name them (envFromSecret, *SecretRefs, valueFrom) ------------

def helm_release(under, name, value):
    return {"release.yaml": (
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: app, namespace: apps}\n"
        "spec:\n  chart: {spec: {chart: app, version: 1.2.3, sourceRef: {kind: HelmRepository, name: charts}}}\n"
        f"  values:\n    agent:\n      {under}:\n        {name}: {_q(value)}\n")}


def helm_values_under(under, name, value):
    return {"values-prod.yaml": f"agent:\n  {under}:\n    {name}: {_q(value)}\n"}


REFERENCE_DOMAINS = {"helm-values": helm_values_under, "helm-release": helm_release}

#: (key of the map, name, value, a secret?): under a key that names Secret references, a
#: ``<secret>`` or ``<secret>/<key>`` value is a reference; anything else is judged as a value
REFERENCE_ROWS = [
    ("envFromSecret", "NB_SETUP_KEY", "agent-setup-key/NB_SETUP_KEY", False),
    ("envFromSecret", "COTURN_PASSWORD", "coturn-credentials/COTURN_PASSWORD", False),
    ("extraSecretRefs", "DB_PASSWORD", "shop-db/password", False),
    ("existingSecrets", "ADMIN_TOKEN", "admin-token", False),
    ("envFromSecret", "API_TOKEN", "Xk9vQ2mLp7Rt/8ab#Zq", True),     # not a Secret name: a value
    ("env", "COTURN_PASSWORD", "coturn-credentials/COTURN_PASSWORD", True),  # no reference key
]


@pytest.mark.parametrize(("under", "name", "value", "secret"), REFERENCE_ROWS, ids=lambda v: str(v)[:24])
@pytest.mark.parametrize("domain", list(REFERENCE_DOMAINS))
def test_secret_references_in_every_domain_that_nests_maps(tmp_path, domain, under, name, value, secret):
    engine = _scan(tmp_path, REFERENCE_DOMAINS[domain](under, name, value))
    found = [f for f in engine.findings if f.code == "HELM004"]
    assert bool(found) == secret, f"{domain}: {[f.message for f in found]}"
    assert classify(name, value, where="helm", under=under).is_secret == secret
