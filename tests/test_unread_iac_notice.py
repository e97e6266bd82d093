"""Infrastructure in languages auditui does not read is a notice, never silence."""

from __future__ import annotations

from pathlib import Path

from auditui.checks.engine import Engine


def _scan(root: Path, files: dict[str, str]) -> Engine:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    engine = Engine(root)
    engine.scan()
    assert engine.check_errors == []
    return engine


def test_each_unread_language_is_a_notice_naming_it(tmp_path):
    engine = _scan(tmp_path, {
        "jsonnet/controller.jsonnet": 'local lib = import "lib.libsonnet";\nlib.controller\n',
        "jsonnet/lib.libsonnet": "{ controller: {} }\n",
        "infra/main.bicep": "param location string\n",
        "Pulumi.yaml": "name: app\nruntime: nodejs\n",
        "cdk/cdk.json": '{"app": "npx ts-node bin/app.ts"}\n',
        "fn/serverless.yml": "service: x\nprovider:\n  name: aws\n",
        "k8s/deploy.jsonnet.md": "# notes\n",
    })
    notices = {n.path: n.message for n in engine.all_notices()}
    assert notices["jsonnet/controller.jsonnet"].startswith("Jsonnet: auditui has no reader for it")
    assert notices["infra/main.bicep"].startswith("Bicep:")
    assert notices["Pulumi.yaml"].startswith("Pulumi:")
    assert notices["cdk/cdk.json"].startswith("AWS CDK:")
    assert notices["fn/serverless.yml"].startswith("Serverless Framework:")
    # a library is read by its entry point; a note about Jsonnet is not Jsonnet
    assert "jsonnet/lib.libsonnet" not in notices
    assert "k8s/deploy.jsonnet.md" not in notices


def test_a_repository_with_only_languages_auditui_reads_has_no_such_notice(tmp_path):
    engine = _scan(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
                              "package.json": '{"name": "x"}\n'})
    assert not [n for n in engine.all_notices() if "has no reader" in n.message]
