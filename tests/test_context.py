"""File contexts: production, development, test, tooling, example; from conventions, from how
files are used and from the configuration; findings outside production are never critical or high."""

from __future__ import annotations

import json

import pytest

from auditui.checks import configfile
from auditui.checks.api import Severity
from auditui.checks.context import Context, by_convention
from auditui.checks.engine import Engine
from helpers import write

DIGEST = "sha256:4c7f1a3d9e2b8f6a0c5d7e9b1a3f5c7d9e1b3a5c7f9d1e3b5a7c9f1d3e5b7a9c"
#: a Dockerfile DKR010 reports high (an installer fetched over plain http piped to a shell)
HIGH_DOCKERFILE = (f"FROM python:3.12.4-slim@{DIGEST}\nRUN curl -fsSL http://get.example.com/install.sh | sh\n"
                   "USER 10001\nCMD [\"python\", \"-m\", \"app\"]\n")
#: a compose file with a critical finding (the Docker socket)
SOCKET = "services:\n  agent:\n    image: registry.example.com/agent:1.0.0\n    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n"


@pytest.mark.parametrize(("path", "context"), [
    ("Dockerfile", Context.PRODUCTION), ("deploy/k8s/app.yaml", Context.PRODUCTION),
    ("docker-compose.prod.yml", Context.PRODUCTION), (".github/workflows/ci.yml", Context.PRODUCTION),
    (".gitlab-ci.yml", Context.PRODUCTION), ("local-path-provisioner.yaml", Context.PRODUCTION),
    ("k8s/test-runner.yaml", Context.PRODUCTION),  # only conventional names are read word by word
    ("tests/e2e/Dockerfile", Context.TEST), ("checks/raw/testdata/Dockerfile-curl-sh", Context.TEST),
    ("docker-compose.test.yml", Context.TEST), ("Dockerfile.ci", Context.TEST), (".env.test", Context.TEST),
    (".devcontainer/docker-compose.yml", Context.DEVELOPMENT), ("docker-compose-local.yml", Context.DEVELOPMENT),
    ("compose.override.yaml", Context.DEVELOPMENT), ("apps/api/Dockerfile.dev", Context.DEVELOPMENT),
    ("deploy/overlays/dev/patch.yaml", Context.DEVELOPMENT), ("values-dev.yaml", Context.DEVELOPMENT),
    ("hack/tools.Dockerfile", Context.TOOLING), (".github/dockerfiles/Dockerfile.clang", Context.TOOLING),
    ("src/go/tools/validation/docker-compose.yml", Context.TOOLING),
    ("examples/compose.yaml", Context.EXAMPLE), ("docs/k8s/deployment.yaml", Context.EXAMPLE),
    (".env.example", Context.EXAMPLE), ("compose.template.yaml", Context.EXAMPLE),
    ("docker-compose.sample.yml", Context.EXAMPLE), (".env.tmpl", Context.EXAMPLE),
])
def test_conventions(path, context):
    assert by_convention(path).context is context


def _scan(root) -> Engine:
    engine = Engine(root, configfile.load(root))
    engine.scan()
    assert engine.check_errors == []
    return engine


def _by_path(engine: Engine, code: str) -> dict:
    return {f.path: f for f in engine.findings if f.code == code}


def test_findings_outside_production_are_lowered_and_say_why(tmp_path):
    write(tmp_path, "Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, "tests/fixtures/Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, "docker-compose.yml", SOCKET)
    write(tmp_path, "examples/docker-compose.yml", SOCKET)
    found = _by_path(_scan(tmp_path), "DKR010")
    assert (found["Dockerfile"].severity, found["Dockerfile"].context) == (Severity.HIGH, "production")
    test = found["tests/fixtures/Dockerfile"]
    assert (test.severity, test.context) == (Severity.MEDIUM, "test")
    assert test.context_reason == "in a tests/ folder; lowered from high"
    sockets = _by_path(_scan(tmp_path), "CMP001")
    assert sockets["docker-compose.yml"].severity is Severity.CRITICAL
    assert (sockets["examples/docker-compose.yml"].severity, sockets["examples/docker-compose.yml"].context) == (
        Severity.MEDIUM, "example")


def test_how_a_dockerfile_is_used_beats_where_it_lives(tmp_path):
    # tests/Dockerfile is built by the production compose file: production;
    # Dockerfile at the root is built only by docker-compose.test.yml: test
    write(tmp_path, "tests/Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, "Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, "docker-compose.yml", "services:\n  api: {build: {context: tests}}\n")
    write(tmp_path, "docker-compose.test.yml", "services:\n  sut: {build: .}\n")
    found = _by_path(_scan(tmp_path), "DKR010")
    assert (found["tests/Dockerfile"].severity, found["tests/Dockerfile"].context) == (Severity.HIGH, "production")
    assert found["Dockerfile"].context == "test"
    assert "built only by service 'sut' of docker-compose.test.yml" in found["Dockerfile"].context_reason


def test_a_workflow_that_builds_a_dockerfile_makes_it_production(tmp_path):
    write(tmp_path, "hack/release/Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, ".github/workflows/release.yml", """\
        on: {push: {tags: ["v*"]}}
        permissions: {contents: read}
        jobs:
          image:
            runs-on: ubuntu-24.04
            steps:
              - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75
                with: {context: ., file: hack/release/Dockerfile, push: true}
        """)
    found = _by_path(_scan(tmp_path), "DKR010")
    assert found["hack/release/Dockerfile"].context == "production"


def test_a_compose_file_beside_a_standalone_production_one_is_for_development(tmp_path):
    write(tmp_path, "app/docker-compose.yml", SOCKET)
    write(tmp_path, "app/docker-compose.prod.yml", "services:\n  api: {image: registry.example.com/api:1.0.0}\n")
    # a production file that only overrides the base: the base runs in production too
    write(tmp_path, "web/docker-compose.yml", SOCKET)
    write(tmp_path, "web/docker-compose.prod.yml", "services:\n  agent: {restart: always}\n")
    found = _by_path(_scan(tmp_path), "CMP001")
    assert found["app/docker-compose.yml"].context == "development"
    assert "app/docker-compose.prod.yml beside it" in found["app/docker-compose.yml"].context_reason
    assert found["web/docker-compose.yml"].context == "production"


def test_the_configuration_moves_paths_between_contexts(tmp_path):
    write(tmp_path, "tests/Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, "qa/Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, ".auditui/config.toml", '[contexts]\nproduction = ["tests/**"]\ntest = ["qa/"]\n')
    found = _by_path(_scan(tmp_path), "DKR010")
    assert found["tests/Dockerfile"].context == "production" and found["tests/Dockerfile"].severity is Severity.HIGH
    assert found["qa/Dockerfile"].context == "test"
    assert found["qa/Dockerfile"].context_reason.startswith("configured: [contexts] test = 'qa/'")


@pytest.mark.parametrize(("text", "error"), [
    ('[contexts]\nstaging = ["x/"]\n', "unknown context 'staging'"),
    ('[contexts]\ntest = "x/"\n', "must be a list of path globs"),
    ('[contexts]\ntest = [""]\n', "must be a list of path globs"),
    ('contexts = ["x"]\n', "must be a table"),
])
def test_context_configuration_is_validated(tmp_path, text, error):
    write(tmp_path, ".auditui/config.toml", text)
    with pytest.raises(configfile.ConfigError, match=error):
        configfile.load(tmp_path)


def test_a_context_that_changes_shows_as_changed_findings_and_matches_a_fresh_scan(tmp_path):
    write(tmp_path, "Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, "docker-compose.yml", "services:\n  api: {image: registry.example.com/api:1.0.0}\n")
    engine = _scan(tmp_path)
    assert _by_path(engine, "DKR010")["Dockerfile"].context == "production"
    # a test compose file now builds the Dockerfile, and the only one
    write(tmp_path, "docker-compose.test.yml", "services:\n  sut: {build: .}\n")
    delta = engine.update([tmp_path / "docker-compose.test.yml"])
    changed = {f.path: f for f in delta.changed}
    assert changed["Dockerfile"].context == "test" and changed["Dockerfile"].severity is Severity.MEDIUM
    fresh = _scan(tmp_path)
    key = lambda f: (f.fingerprint, f.severity, f.context, f.context_reason)  # noqa: E731
    assert sorted(map(key, engine.findings)) == sorted(map(key, fresh.findings))


def test_json_and_sarif_carry_the_context(tmp_path):
    from auditui.checks.report import AuditResult, json_report, sarif

    write(tmp_path, "tests/Dockerfile", HIGH_DOCKERFILE)
    engine = _scan(tmp_path)
    result = AuditResult(root=str(tmp_path), findings=engine.findings, notices=[], summary=engine.summary())
    row = next(r for r in json.loads(json_report.render(result))["findings"] if r["check_id"] == "DKR010")
    assert (row["context"], row["context_reason"]) == ("test", "in a tests/ folder; lowered from high")
    run = sarif.to_dict(result)["runs"][0]
    props = next(r["properties"] for r in run["results"] if r["ruleId"] == "DKR010")
    assert props["context"] == "test" and props["contextReason"].startswith("in a tests/ folder")
