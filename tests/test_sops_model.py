"""The SOPS / secret-source model (checks/models/sops.py): what a file a generator reads holds."""

from __future__ import annotations

import pytest

from auditui.checks.models.sops import SopsRule, creation_rules, named_encrypted, read_source, rule_for

META = """\
sops:
  mac: ENC[AES256_GCM,data:bWFj,iv:AAAA,tag:BBBB,type:str]
  encrypted_regex: ^(data|stringData)$
  version: 3.9.0
"""


def test_sops_file_with_only_ciphertext_holds_nothing():
    source = read_source("data:\n  token: ENC[AES256_GCM,data:dG9r,type:str]\n" + META, "s.enc.yaml")
    assert source.sops and source.encrypted == 1 and source.secrets == ()


@pytest.mark.parametrize("body", [
    "providers:\n  openAI:\n    apiKey: PLACEHOLDER\n",   # a placeholder
    "auth:\n  password: ''\n  token: none\n",             # empty, a sentinel
    "minecraftServer:\n  ops: alice,bob\n",                # not a secret name
    "",                                                    # metadata only
])
def test_sops_file_with_nothing_secret_in_plain_text(body):
    source = read_source(body + META, "values.enc.age.yaml")
    assert source.sops and source.secrets == ()


def test_plaintext_value_the_regex_left_out_is_reported_with_its_line_and_cause():
    source = read_source("server:\n  passwordSSH: password\n" + META, "values.enc.yaml")
    (secret,) = source.secrets
    assert (secret.name, secret.line, secret.ypath) == ("passwordSSH", 2, ("server", "passwordSSH"))
    assert secret.verdict.kind == "weak" and secret.verdict.severity().label == "medium"
    assert source.rule is not None and source.rule.encrypts(secret.ypath) is False
    assert source.rule.encrypts(("stringData", "password")) is True


def test_dotenv_sops_file():
    text = "API_TOKEN=ENC[AES256_GCM,data:dG9r,type:str]\nsops_version=3.9.0\nsops_mac=ENC[AES256_GCM,data:x]\n"
    source = read_source(text, "app.enc.env", env=True)
    assert source.sops and source.encrypted == 1 and source.secrets == ()
    plain = read_source("API_TOKEN=q7Zt2Lw9Xk4Rp8Vn3Hs6Jd1Fb5Gm0Cy\n", "app.env", env=True)
    assert not plain.sops and [s.name for s in plain.secrets] == ["API_TOKEN"]


def test_multi_document_and_flow_yaml():
    text = "---\na: 1\n---\n{db: {password: \"q7Zt2Lw9Xk4Rp8Vn3Hs6\"}}\n"
    source = read_source(text, "x.yaml")
    assert [(s.name, s.line) for s in source.secrets] == [("password", 4)]


def test_one_value_files():
    key = read_source("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
                      "tls.key")
    assert key.secrets and key.secrets[0].verdict.kind == "token"
    assert read_source("\n", "empty.txt").secrets == ()
    assert read_source("ENC[AES256_GCM,data:x]", "pw.txt").sops


def test_creation_rules_first_match_wins_relative_to_the_config():
    rules = creation_rules("creation_rules:\n  - path_regex: apps/.*\\.enc\\.ya?ml$\n    encrypted_regex: ^data$\n"
                           "  - age: age1abc\n")
    assert rule_for(rules, "apps/a/v.enc.yaml").encrypted_regex == "^data$"
    assert rule_for(rules, "other.yaml").path_regex == ""  # the catch-all rule
    assert rule_for(creation_rules("creation_rules:\n  - path_regex: '['\n"), "x") is None  # a bad regex
    assert creation_rules("not: [valid") == ()


@pytest.mark.parametrize(("path", "named"), [
    ("values.enc.age.yaml", True), ("db.sops.env", True), ("secret.encrypted.yml", True), ("enc.yaml", True),
    ("values.yaml", False), ("encoder.yaml", False), ("secret.env", False), ("sops/values.yaml", False),
])
def test_named_encrypted(path, named):
    assert named_encrypted(path) is named


def test_rule_descriptions():
    assert SopsRule("metadata", encrypted_regex="^x$").describe() == "encrypted_regex '^x$'"
    assert SopsRule("metadata").encrypts(("a", "b")) is True
    assert SopsRule("metadata").encrypts(("a_unencrypted",)) is False
    assert SopsRule("metadata", encrypted_regex="(").encrypts(("a",)) is None
