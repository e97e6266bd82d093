"""File contexts: production, development, test, tooling, example; from conventions, from how
files are used and from the configuration; findings outside production are never critical or high."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditui.checks import configfile
from auditui.checks.api import Severity
from auditui.checks.context import Context, by_convention
from auditui.checks.engine import Engine
from auditui.checks.models.usage_docs import home_lab_lead, sample_lead
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
    # any file's name is read for its first and last word only (test, tests, kind), nothing inside
    ("k8s/test-runner.yaml", Context.TEST), ("templates/test-database-detection.yaml", Context.TEST),
    ("scripts/smoke_test.sh", Context.TEST), ("kind-cluster.yaml", Context.DEVELOPMENT),
    ("k8s/latest-runner.yaml", Context.PRODUCTION), ("attestation.yaml", Context.PRODUCTION),
    ("policies/allow-hostpath-parsoid-testing.yaml", Context.PRODUCTION), ("kindle-sync.yaml", Context.PRODUCTION),
    ("test-runner/deploy.yaml", Context.PRODUCTION),  # a folder's first word says nothing
    # a local kind cluster; Docker Desktop on a workstation (compose files only)
    ("kind-values.yaml", Context.DEVELOPMENT), ("values-kind.yaml", Context.DEVELOPMENT),
    ("docker-compose.windows.yml", Context.DEVELOPMENT), ("compose.docker-desktop.yaml", Context.DEVELOPMENT),
    ("Dockerfile.windows", Context.PRODUCTION), ("templates/compose/windows.yaml", Context.PRODUCTION),
    ("ansible/playbooks/dev-desktop.yml", Context.PRODUCTION),
    ("contrib/busybox.yml", Context.TOOLING), ("kind/cluster.yaml", Context.DEVELOPMENT),
    ("tests/e2e/Dockerfile", Context.TEST), ("checks/raw/testdata/Dockerfile-curl-sh", Context.TEST),
    ("docker-compose.test.yml", Context.TEST), ("Dockerfile.ci", Context.TEST), (".env.test", Context.TEST),
    (".devcontainer/docker-compose.yml", Context.DEVELOPMENT), ("docker-compose-local.yml", Context.DEVELOPMENT),
    ("compose.override.yaml", Context.DEVELOPMENT), ("apps/api/Dockerfile.dev", Context.DEVELOPMENT),
    ("deploy/overlays/dev/patch.yaml", Context.DEVELOPMENT), ("values-dev.yaml", Context.DEVELOPMENT),
    ("hack/tools.Dockerfile", Context.TOOLING), (".github/dockerfiles/Dockerfile.clang", Context.TOOLING),
    ("src/go/tools/validation/docker-compose.yml", Context.TOOLING),
    ("examples/compose.yaml", Context.EXAMPLE), ("docs/k8s/deployment.yaml", Context.EXAMPLE),
    ("walkthroughs/backup/ingress.yaml", Context.EXAMPLE),
    ("docker/devenv/docker-compose.infra.yml", Context.DEVELOPMENT), ("dev-env/compose.yaml", Context.DEVELOPMENT),
    ("debug/docker-compose.yaml", Context.DEVELOPMENT),  # a debugging stack (dlv, seccomp:unconfined)
    ("devenvironments/Dockerfile", Context.PRODUCTION), ("debugger-proxy/Dockerfile", Context.PRODUCTION),
    (".env.example", Context.EXAMPLE), ("compose.template.yaml", Context.EXAMPLE),
    ("docker-compose.sample.yml", Context.EXAMPLE), (".env.tmpl", Context.EXAMPLE),
    # the last word of a folder's name (split on _ - .) names its context; words inside other words do not
    ("image/discourse_dev/Dockerfile", Context.DEVELOPMENT), ("image/discourse_test/Dockerfile", Context.TEST),
    ("services/api-e2e/compose.yaml", Context.TEST), ("otel.demo/docker-compose.yaml", Context.EXAMPLE),
    ("devops/Dockerfile", Context.PRODUCTION), ("device/Dockerfile", Context.PRODUCTION),
    ("images/latest/Dockerfile", Context.PRODUCTION), ("contest/Dockerfile", Context.PRODUCTION),
    ("test-runner/Dockerfile", Context.PRODUCTION), ("app-devops/Dockerfile", Context.PRODUCTION),
    ("local-path-provisioner/deploy.yaml", Context.PRODUCTION), ("my-testing-ground/app.yaml", Context.PRODUCTION),
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
    ('[contexts]\nqa = ["x/"]\n', "unknown context 'qa'"),
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


#: a build-time supply-chain problem (DKR010, high over plain http): it counts wherever the image is used
PIPED = "RUN curl -fsSL http://get.example.com/install.sh | sh\n"
#: an image that runs as root (DKR001, a runtime finding)
ROOT_DOCKERFILE = f"FROM debian:12.6-slim@{DIGEST}\nCMD [\"/usr/local/bin/app\"]\n"


@pytest.mark.parametrize("name", ["Dockerfile.base", "docker/build-base.Dockerfile", "Dockerfile.builder",
                                  "ci/builder.Dockerfile"])
def test_a_base_or_builder_image_nothing_runs_is_built_on_and_keeps_its_supply_chain(tmp_path, name):
    write(tmp_path, name, ROOT_DOCKERFILE + PIPED)
    engine = _scan(tmp_path)
    root = _by_path(engine, "DKR001")[name]
    assert (root.severity, root.context) == (Severity.MEDIUM, "build")
    assert root.context_reason.startswith("its name says") and "not run as a service" in root.context_reason
    piped = _by_path(engine, "DKR010")[name]
    assert (piped.severity, piped.context) == (Severity.HIGH, "build")
    assert piped.context_reason.endswith("a supply-chain finding still applies")


def test_a_base_image_a_workflow_pushes_is_still_built_on(tmp_path):
    write(tmp_path, "Dockerfile.base", ROOT_DOCKERFILE)
    write(tmp_path, "Dockerfile.build", ROOT_DOCKERFILE)
    write(tmp_path, ".github/workflows/images.yml", """\
        on: {push: {branches: [main]}}
        permissions: {contents: read}
        jobs:
          base:
            runs-on: ubuntu-24.04
            steps:
              - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75
                with: {context: ., file: Dockerfile.base, push: true}
          app:
            runs-on: ubuntu-24.04
            steps:
              - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75
                with: {context: ., file: Dockerfile.build, push: true}
        """)
    found = _by_path(_scan(tmp_path), "DKR001")
    assert found["Dockerfile.base"].context == "build"
    assert "job 'base' of .github/workflows/images.yml builds and pushes it" in found["Dockerfile.base"].context_reason
    # 'build' alone may name the release build: pushed by a workflow, it stays production
    assert found["Dockerfile.build"].context == "production"


def test_a_base_named_image_a_compose_service_runs_stays_production(tmp_path):
    write(tmp_path, "Dockerfile.base", ROOT_DOCKERFILE)
    write(tmp_path, "tests/Dockerfile.base", ROOT_DOCKERFILE)
    write(tmp_path, "Dockerfile.production-base", ROOT_DOCKERFILE)
    write(tmp_path, "docker-compose.yml", "services:\n  api: {build: {context: ., dockerfile: Dockerfile.base}}\n")
    found = _by_path(_scan(tmp_path), "DKR001")
    assert found["Dockerfile.base"].context == "production"
    assert found["tests/Dockerfile.base"].context == "test"  # the folder still says test
    assert found["Dockerfile.production-base"].context == "production"


def test_the_configuration_can_name_the_build_context(tmp_path):
    # in the build context a runtime finding (the socket, critical) is lowered, a secret is not
    write(tmp_path, "images/ci/compose.yaml", SOCKET.replace("    volumes:", "    environment: {AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMIK7MDENGbPxRfiCYzQ4tK9pLmV2s}\n    volumes:"))
    write(tmp_path, ".auditui/config.toml", '[contexts]\nbuild = ["images/ci/"]\n')
    engine = _scan(tmp_path)
    socket = _by_path(engine, "CMP001")["images/ci/compose.yaml"]
    assert (socket.severity, socket.context) == (Severity.MEDIUM, "build")
    assert socket.context_reason == "configured: [contexts] build = 'images/ci/'; lowered from critical"
    secret = [f for f in engine.findings if f.path == "images/ci/compose.yaml" and f.check.category.value == "secrets-management"]
    assert secret and all(f.severity >= Severity.HIGH and f.context == "build" for f in secret)


TOOL_DOCKERFILE = f"FROM debian:12.6-slim@{DIGEST}\nRUN apt-get update && apt-get install -y --no-install-recommends jq \\\n    && rm -rf /var/lib/apt/lists/*\nENTRYPOINT [\"jq\"]\n"
#: the install scripts build the tool image and keep the command that runs it in a variable
INSTALL_SCRIPT = """\
    #!/usr/bin/env bash
    set -euo pipefail
    dbuild="docker build"
    $dbuild -t acme-jq-local --platform="$DOCKER_PLATFORM" jq
    jq="$CONTAINER_ENGINE run --rm -i acme-jq-local"
    echo '{}' | $jq .
    """


def test_an_image_only_run_once_by_scripts_is_a_tool(tmp_path):
    write(tmp_path, "jq/Dockerfile", TOOL_DOCKERFILE + PIPED)
    write(tmp_path, "install/format.sh", INSTALL_SCRIPT)
    engine = _scan(tmp_path)
    root = _by_path(engine, "DKR001")["jq/Dockerfile"]
    assert root.context == "tooling"
    assert root.context_reason.startswith("its image acme-jq-local is only run once, on demand "
                                          "('docker run --rm' in install/format.sh)")
    assert _by_path(engine, "DKR010")["jq/Dockerfile"].severity is Severity.HIGH  # its supply chain counts


@pytest.mark.parametrize(("extra", "why"), [
    ({"deploy/run.sh": "#!/bin/sh\ndocker run -d --restart always acme-jq-local\n"}, "a detached run is a service"),
    ({"docker-compose.yml": "services:\n  jq: {image: acme-jq-local, restart: always}\n"}, "a compose service runs it"),
    ({"jq/Dockerfile": TOOL_DOCKERFILE + "EXPOSE 8080\n"}, "it serves a port"),
    ({"install/format.sh": "#!/bin/sh\ndocker build -t acme-jq-local jq\n",
      "tests/smoke.sh": "#!/bin/sh\ndocker run --rm acme-jq-local --version\n"}, "only a test script runs it"),
])
def test_an_image_also_run_as_a_service_or_serving_stays_production(tmp_path, extra, why):
    write(tmp_path, "jq/Dockerfile", TOOL_DOCKERFILE)
    write(tmp_path, "install/format.sh", INSTALL_SCRIPT)
    for name, text in extra.items():
        write(tmp_path, name, text)
    found = _by_path(_scan(tmp_path), "DKR001")["jq/Dockerfile"]
    assert found.context == "production", why


def test_a_pushed_image_a_backup_script_runs_with_rm_is_a_tool(tmp_path):
    write(tmp_path, "images/backup/Dockerfile", TOOL_DOCKERFILE)
    write(tmp_path, "images/api/Dockerfile", TOOL_DOCKERFILE)
    write(tmp_path, ".github/workflows/images.yml", """\
        on: {schedule: [{cron: "0 0 * * 0"}]}
        permissions: {contents: read, packages: write}
        jobs:
          backup:
            runs-on: ubuntu-24.04
            steps:
              - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75
                with:
                  file: images/backup/Dockerfile
                  push: true
                  tags: |
                    ghcr.io/acme/backup:latest
                    ghcr.io/acme/backup:${{ github.sha }}
          api:
            runs-on: ubuntu-24.04
            steps:
              - run: docker build -t ghcr.io/acme/api:1 -f images/api/Dockerfile . && docker push ghcr.io/acme/api:1
        """)
    write(tmp_path, "scripts/backup.sh", """\
        #!/bin/bash
        BACKUP_IMAGE="ghcr.io/acme/backup:latest"
        docker run --name acme-backup --rm -v data:/data:ro -v "$PWD":/out ${BACKUP_IMAGE} tar -czf /out/data.tgz /data
        """)
    # the api image: one 'docker run --rm' and one long-running service
    write(tmp_path, "scripts/migrate.sh", "#!/bin/sh\ndocker run --rm ghcr.io/acme/api:1 migrate\n")
    write(tmp_path, "docker-compose.yml", "services:\n  api: {image: 'ghcr.io/acme/api:1', restart: always}\n")
    found = _by_path(_scan(tmp_path), "DKR001")
    assert found["images/backup/Dockerfile"].context == "tooling"
    assert "ghcr.io/acme/backup is only run once" in found["images/backup/Dockerfile"].context_reason
    assert found["images/api/Dockerfile"].context == "production"


def test_an_image_kubernetes_runs_only_as_an_init_container_or_job_is_a_tool(tmp_path):
    write(tmp_path, "images/init/Dockerfile", TOOL_DOCKERFILE)
    write(tmp_path, "images/migrate/Dockerfile", TOOL_DOCKERFILE)
    write(tmp_path, "images/web/Dockerfile", TOOL_DOCKERFILE)
    write(tmp_path, "images/alpine/Dockerfile", TOOL_DOCKERFILE)
    # nothing builds them here: their folder names the image (org/<folder> or org/<prefix>-<folder>)
    write(tmp_path, "deploy/app.yaml", """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              initContainers:
                - {name: volumes, image: "registry.example.com/acme/app-init:1.0", command: [chown, "1000", /data]}
                - {name: base, image: "alpine:3.20"}
              containers:
                - {name: web, image: "registry.example.com/acme/web:1.0"}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - {name: migrate, image: "registry.example.com/acme/migrate:1.0"}
        """)
    found = _by_path(_scan(tmp_path), "DKR001")
    assert found["images/init/Dockerfile"].context == "tooling"
    assert "init container of Deployment/web in deploy/app.yaml" in found["images/init/Dockerfile"].context_reason
    assert found["images/migrate/Dockerfile"].context == "tooling"
    assert found["images/web/Dockerfile"].context == "production"  # the main container: a service
    assert found["images/alpine/Dockerfile"].context == "production"  # library alpine is not this folder's image


@pytest.mark.parametrize(("command", "verb", "image", "once"), [
    ("docker run --rm -i acme/jq:1 .", "run", "acme/jq:1", True),
    ("podman run -it --rm -v a:/a:ro --name x alpine:3 sh", "run", "alpine:3", True),
    ("docker run -d --rm nginx", "run", "nginx", False),  # detached: a service, even with --rm
    ("docker run --restart=always -p 80:80 nginx", "run", "nginx", False),
    ("$CONTAINER_ENGINE run --rm tool", "run", "tool", True),
    ("docker container run --rm -- tool", "run", "tool", True),
    ("docker build -t acme/tool:1 -f tools/Dockerfile tools", "build", "acme/tool:1", False),
    ("docker buildx build --platform linux/amd64 --tag=acme/tool --push .", "build", "acme/tool", False),
    ("$dbuild -t acme-tool tool", "build", "acme-tool", False),
])
def test_image_commands_are_read(command, verb, image, once):
    from auditui.checks.models.image_uses import image_command, split_words

    found = image_command(split_words(command))
    assert (found.verb, found.image, found.once) == (verb, image, once)


@pytest.mark.parametrize("command", ["docker ps", "docker build .", "echo docker run --rm x", "docker run --rm",
                                     "$dbuild ."])
def test_other_commands_name_no_image(command):
    from auditui.checks.models.image_uses import image_command, split_words

    assert image_command(split_words(command)) is None


#: a workload on a floating tag (K8S004, high) that also runs privileged (K8S012, critical)
def _workload(name: str, image: str = "registry.example.com/acme/worker:latest") -> str:
    return f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: {name}}}
        spec:
          selector: {{matchLabels: {{app: {name}}}}}
          template:
            metadata: {{labels: {{app: {name}}}}}
            spec:
              containers:
                - name: worker
                  image: {image}
                  securityContext: {{privileged: true}}
        """


@pytest.mark.parametrize(("path", "names"), [
    ("k8s/worker.release.yaml", ["worker-releasetest", "controller-releasetest-v2"]),
    ("deploy/overlays/staging/worker.yaml", ["worker"]),
    ("k8s/worker-stg.yaml", ["worker"]),  # not a conventional name: its workloads' names decide
    ("deploy/docker-compose.staging.yml", None),
])
def test_a_staging_deployment_lowers_only_the_image_version(tmp_path, path, names):
    if names is None:  # a conventional name that says staging
        write(tmp_path, "deploy/docker-compose.staging.yml",
              "services:\n  db: {image: 'postgres:latest', privileged: true}\n")
        engine = _scan(tmp_path)
        tag = _by_path(engine, "CMP006")["deploy/docker-compose.staging.yml"]
        privileged = _by_path(engine, "CMP002")["deploy/docker-compose.staging.yml"]
    else:
        if path == "k8s/worker-stg.yaml":
            names = ["worker-stg"]
        write(tmp_path, path, "---\n".join(_workload(n) for n in names))
        engine = _scan(tmp_path)
        tag = _by_path(engine, "K8S004")[path]
        privileged = _by_path(engine, "K8S012")[path]
    assert (tag.context, tag.severity) == ("staging", Severity.MEDIUM)
    assert "lowered from high" in tag.context_reason
    assert privileged.context == "staging" and privileged.severity >= Severity.HIGH  # audited in full
    assert privileged.context_reason.endswith("it still applies")


@pytest.mark.parametrize(("path", "names"), [
    ("k8s/worker.yaml", ["worker", "controller-releasetest"]),  # one production workload: production
    ("k8s/stage/worker.yaml", ["worker"]),  # 'stage' alone is not staging (build stages, Ansible stages)
    ("k8s/staging-worker.yaml", ["staging-worker"]),  # a first word says nothing
])
def test_production_manifests_with_similar_names_stay_production(tmp_path, path, names):
    write(tmp_path, path, "---\n".join(_workload(n) for n in names))
    found = _by_path(_scan(tmp_path), "K8S004")[path]
    assert (found.context, found.severity) == ("production", Severity.HIGH)


DEV_SERVICES = """\
    services:
      redis:
        image: redis
        ports: ["127.0.0.1:6379:6379"]
      postgres:
        image: postgres
        ports: ["127.0.0.1:5432:5432"]
        environment: {POSTGRES_PASSWORD: pass}
    """


def test_backing_services_published_on_loopback_without_volumes_are_for_development(tmp_path):
    write(tmp_path, "docker-compose.yml", DEV_SERVICES)
    found = _by_path(_scan(tmp_path), "CMP006")["docker-compose.yml"]
    assert (found.context, found.severity) == ("development", Severity.MEDIUM)
    assert found.context_reason.startswith("only data stores (postgres, redis), published on the loopback interface")


@pytest.mark.parametrize(("change", "why"), [
    (lambda t: t + "      app:\n        image: registry.example.com/acme/app:1.0\n        ports: ['127.0.0.1:3000:3000']\n",
     "an application service runs beside them"),
    (lambda t: t.replace('"127.0.0.1:5432:5432"', '"5432:5432"'), "published on every interface"),
    (lambda t: t + "        volumes: [pgdata:/var/lib/postgresql/data]\n    volumes: {pgdata: {}}\n", "keeps its data"),
    (lambda t: t.replace('    ports: ["127.0.0.1:6379:6379"]\n', ""), "a store nothing outside reaches"),
])
def test_a_compose_file_that_keeps_or_serves_data_stays_production(tmp_path, change, why):
    write(tmp_path, "docker-compose.yml", change(DEV_SERVICES))
    found = [f for f in _scan(tmp_path).findings if f.path == "docker-compose.yml"]
    assert found and all(f.context == "production" for f in found), why


#: a compose file with a critical (the socket) and a high (host network) finding
HELPER = """\
    services:
      dhcp:
        image: registry.example.com/acme/dnsmasq:2.90
        network_mode: host
        volumes: [/var/run/docker.sock:/var/run/docker.sock]
    """


def test_a_folder_whose_readme_calls_it_a_demo_is_an_example(tmp_path):
    write(tmp_path, "otel/README.md", "# Tracing & Logging Demo\n\nSample collector configuration.\n")
    write(tmp_path, "otel/docker-compose.yaml", SOCKET)
    write(tmp_path, "otel/grafana/compose.yaml", SOCKET)  # below the folder too
    found = _by_path(_scan(tmp_path), "CMP001")
    for path in ("otel/docker-compose.yaml", "otel/grafana/compose.yaml"):
        assert (found[path].context, found[path].severity) == ("example", Severity.MEDIUM)
        assert found[path].context_reason.startswith("otel/README.md calls it a demo ('Tracing & Logging Demo')")



@pytest.mark.parametrize(("lead", "test"), [
    # held-out set 8: longhorn deploy/backupstores
    ("This directory provides manifest templates to deploy **test-ready backup targets** for Longhorn.", True),
    ("This folder contains fixtures used by the integration tests.", True),
    ("This directory holds the stack for the end-to-end tests.", True),
    # not a declaration about the folder's purpose, or also about production
    ("This directory provides the production stack; run the tests before deploying it.", False),
    ("We test this stack weekly before each release.", False),
    ("This directory is not for tests: it deploys the service.", False),
])
def test_a_folder_whose_readme_lead_says_it_is_for_tests_is_test(tmp_path, lead, test):
    write(tmp_path, "deploy/targets/README.md", f"# Backup targets\n\n{lead}\n\n- MinIO\n")
    write(tmp_path, "deploy/targets/minio/compose.yaml", SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")["deploy/targets/minio/compose.yaml"]
    if test:
        assert found.context == "test"
        assert found.context_reason.startswith("deploy/targets/README.md says it holds things for tests")
    else:
        assert found.context == "production"

@pytest.mark.parametrize(("readme", "where"), [
    ("# Ingress\n\nFor example, set the host name below.\n", "stack"),  # 'example' in the text, not the heading
    ("Deploy the demo stack with make.\n", "stack"),  # no heading
    ("# Demo Corp platform\n", "."),  # the repository's own README is not read
    ("# Production stack\n\n## Example\n", "stack"),  # a later heading
])
def test_readmes_that_do_not_title_a_demo_leave_production_alone(tmp_path, readme, where):
    write(tmp_path, f"{where}/README.md" if where != "." else "README.md", readme)
    write(tmp_path, "stack/docker-compose.yaml", SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")["stack/docker-compose.yaml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


PLAYBOOKS = {
    "metal/boot.yml": "- name: Start PXE server\n  hosts: localhost\n  roles:\n    - pxe_server\n",
    "metal/cluster.yml": "- name: Install k3s\n  hosts: metal\n  roles:\n    - role: k3s\n    - {role: automatic_upgrade}\n",
}


def test_an_ansible_role_applied_only_to_localhost_is_a_workstation_helper(tmp_path):
    for path, text in PLAYBOOKS.items():
        write(tmp_path, path, text)
    write(tmp_path, "metal/roles/pxe_server/files/docker-compose.yml", HELPER)
    write(tmp_path, "metal/roles/k3s/files/docker-compose.yml", HELPER)
    found = _by_path(_scan(tmp_path), "CMP001")
    helper = found["metal/roles/pxe_server/files/docker-compose.yml"]
    assert (helper.context, helper.severity) == ("tooling", Severity.MEDIUM)
    assert helper.context_reason.startswith("Ansible role 'pxe_server' is applied only to localhost "
                                            "(the machine running metal/boot.yml)")
    # a role the inventory hosts get is production
    assert found["metal/roles/k3s/files/docker-compose.yml"].context == "production"


@pytest.mark.parametrize("playbooks", [
    # ansible-pull: every play is local, the playbook runs on the server itself
    {"local.yml": "- hosts: localhost\n  connection: local\n  roles: [pxe_server]\n"},
    # the role is also applied to inventory hosts
    {**PLAYBOOKS, "metal/site.yml": "- hosts: all\n  roles: [pxe_server]\n"},
])
def test_a_local_role_that_may_run_on_a_server_stays_production(tmp_path, playbooks):
    for path, text in playbooks.items():
        write(tmp_path, path, text)
    write(tmp_path, "metal/roles/pxe_server/files/docker-compose.yml", HELPER)
    found = _by_path(_scan(tmp_path), "CMP001")["metal/roles/pxe_server/files/docker-compose.yml"]
    assert found.context == "production"


# -- CI stacks, files that declare their use, sample repositories -----------------------------

@pytest.mark.parametrize("path", [".ci/compose.cypress.yaml", ".woodpecker/docker-compose.yml", ".circleci/stack.yml",
                                  ".buildkite/compose/e2e.yaml", "app/.ci/compose.yaml"])
def test_a_compose_file_in_a_ci_systems_folder_is_a_test_stack(tmp_path, path):
    write(tmp_path, path, SOCKET)
    write(tmp_path, "docker-compose.yml", SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")
    assert (found[path].context, found[path].severity) == ("test", Severity.MEDIUM)
    assert "a CI system's folder: a stack CI brings up to test" in found[path].context_reason
    assert found["docker-compose.yml"].severity is Severity.CRITICAL


BUILT_SOCKET = ("services:\n  app:\n    build: .\n    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n")
CI_START = """\
    on: [push, pull_request]
    permissions: {{contents: read}}
    jobs:
      test-docker-build:
        runs-on: {runner}
        env:
          DOCKER_COMPOSE_FILE: docker-compose.build.yml
        steps:
          - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
          - run: |
              (set +e; docker compose -f "$DOCKER_COMPOSE_FILE" up -d --wait postgres > /tmp/up.log 2>&1) &
              docker compose -f "$DOCKER_COMPOSE_FILE" build --print > /tmp/bake.json
          - run: cd stacks && docker-compose --file=compose.stack.yml run --rm app make test
          - run: {extra}
    """


def test_a_compose_file_only_ci_test_jobs_start_is_a_test_stack(tmp_path):
    # sweep7 (a tracing product's docker-compose.build.yml): the file CI's test job starts through a
    # job env variable, built from the checkout; also one started after a cd, with --file=
    write(tmp_path, "docker-compose.build.yml", BUILT_SOCKET)
    write(tmp_path, "stacks/compose.stack.yml", BUILT_SOCKET)
    write(tmp_path, "docker-compose.yml", BUILT_SOCKET)  # the default name: CI starting it says nothing
    write(tmp_path, "compose.images.yml", SOCKET)  # published images only: a deployable stack
    write(tmp_path, ".github/workflows/ci.yml", CI_START.format(
        runner="ubuntu-24.04", extra="docker compose -f docker-compose.yml -f compose.images.yml up -d"))
    found = _by_path(_scan(tmp_path), "CMP001")
    for path in ("docker-compose.build.yml", "stacks/compose.stack.yml"):
        assert (found[path].context, found[path].severity) == ("test", Severity.MEDIUM), path
        assert "started only by CI on hosted runners (job 'test-docker-build' of .github/workflows/ci.yml" \
            in found[path].context_reason
    for path in ("docker-compose.yml", "compose.images.yml"):
        assert (found[path].context, found[path].severity) == ("production", Severity.CRITICAL), path


@pytest.mark.parametrize("runner", ["[self-hosted, linux]", "${{ inputs.runner }}"])
def test_a_compose_file_a_self_hosted_runner_starts_stays_production(tmp_path, runner):
    # a self-hosted runner (or one auditui cannot read) may be the server the stack runs on
    write(tmp_path, "docker-compose.build.yml", BUILT_SOCKET)
    write(tmp_path, ".github/workflows/ci.yml", CI_START.format(runner=runner, extra="make test"))
    found = _by_path(_scan(tmp_path), "CMP001")["docker-compose.build.yml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


def test_a_ci_server_a_self_hosted_stack_runs_stays_production(tmp_path):
    write(tmp_path, "ci/docker-compose.yml", SOCKET)  # a plain ci/ folder: the CI server's own stack
    found = _by_path(_scan(tmp_path), "CMP001")["ci/docker-compose.yml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


def test_what_a_ci_folder_delivers_stays_production(tmp_path):
    # a Dockerfile a workflow pushes from .ci/ and a deploy script of ci/ are production;
    # a Dockerfile only the CI stack builds is the stack's
    write(tmp_path, ".ci/Dockerfile", HIGH_DOCKERFILE)
    write(tmp_path, ".ci/Dockerfile.cypress", HIGH_DOCKERFILE)
    write(tmp_path, ".ci/compose.e2e.yaml", "services:\n  cypress:\n    build: {context: ., dockerfile: Dockerfile.cypress}\n")
    write(tmp_path, ".github/workflows/release.yml", """\
        on: {push: {branches: [main]}}
        permissions: {contents: read}
        jobs:
          image:
            runs-on: ubuntu-24.04
            steps:
              - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75  # v6.9.0
                with: {context: ., file: .ci/Dockerfile, push: true, tags: "ghcr.io/acme/app:1.0"}
        """)
    write(tmp_path, "ci/deploy.sh", "#!/bin/sh\nset -eu\ncurl -fsSL http://get.example.com/install.sh | sh\n")
    engine = _scan(tmp_path)
    found = _by_path(engine, "DKR010")
    assert found[".ci/Dockerfile"].context == "production"
    assert found[".ci/Dockerfile.cypress"].context == "test"
    assert engine.context_of("ci/deploy.sh").production


@pytest.mark.parametrize(("header", "context"), [
    ("# This configuration file is for the **development** setup.\n"
     "# For a production example please refer to acme/setup on GitHub.\n", "development"),
    ("#!/usr/bin/env docker compose\n# Used for local development only\n", "development"),
    ("---\n# This stack is meant only for testing.\n", "test"),
    ("# For testing purposes only\n", "test"),
    ("# This is a demo: do not rely on it\n", "example"),
    ("# NOT FOR PRODUCTION USE\n", "development"),
    ("# Do not use this file in production.\n", "development"),
    ("# Docker compose file for local development\n", "development"),  # a title
    ("# Overrides for the e2e tests\n", "test"),
    # a harness for a piece of software, the sentence running on into the next comment line
    ("# This file is used to test the acme/setup utility\n# Deployment files can be found elsewhere\n", "test"),
    ("# Used to try out the CLI\n", "test"),
    # a title naming the file's kind
    ("# Test Compose File for Database Detection Logic\n# This file contains various services\n", "test"),
    ("# Example configuration file\n", "example"),
])
def test_a_file_whose_leading_comment_declares_its_use_takes_that_context(tmp_path, header, context):
    write(tmp_path, "compose.yaml", header + SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")["compose.yaml"]
    assert (found.context, found.severity) == (context, Severity.MEDIUM)
    assert found.context_reason.startswith("its leading comment says so (")


@pytest.mark.parametrize("header", [
    "# Production stack. For local development use compose.dev.yaml\n",  # points elsewhere
    "# This file is used for development and production\n",  # speaks of production too
    "# This is not a demo: it runs the shop\n",  # denied
    "# It is for testing an upgrade of the database cluster\n",  # testing *something*: a real resource
    "# This file is used to test an upgrade of the database cluster\n",  # an operation on a real resource
    "# This stack is used to test and deploy the shop service\n",  # and deploys it
    "# Acme services: the healthcheck is used to test the service\n",  # mentions testing
    "# Acme services\n",
    "# For development, run `make dev` instead\n",  # an instruction, not a title
    "# Note: for development use compose.dev.yaml\n",
    "# Example configuration for production: replace the passwords\n",  # speaks of production
    "# Run the test file with make check\n",  # not a title of the file's kind
    "# Example stack (postgres variant)\n",  # a stack shown as an example may be the one users deploy
    "services:\n  web:\n    image: registry.example.com/web:1.0.0\n# for development only\n",  # not leading
])
def test_comments_that_do_not_declare_development_leave_production_alone(tmp_path, header):
    write(tmp_path, "compose.yaml", header + SOCKET if not header.startswith("services:") else
          SOCKET + "  web:\n    image: registry.example.com/web:1.0.0\n# for development only\n")
    found = _by_path(_scan(tmp_path), "CMP001")["compose.yaml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


SAMPLE_README = """\
    # Bank of Acme

    <!-- a comment -->
    [![Website](https://img.shields.io/website?url=https%3A%2F%2Fexample.com&label=live%20demo
    )](https://example.com)

    **Bank of Acme** is a sample HTTP-based web app that simulates a bank's payment network, with fake users.

    ## Architecture
    """


def test_a_repository_whose_readme_presents_a_sample_application_is_an_example(tmp_path):
    write(tmp_path, "README.md", SAMPLE_README)
    write(tmp_path, "kubernetes-manifests/compose.yaml", SOCKET)
    write(tmp_path, "tests/compose.yaml", SOCKET)
    write(tmp_path, ".github/workflows/ci.yml", "on: pull_request_target\npermissions: write-all\njobs:\n"
          "  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ok\n")
    engine = _scan(tmp_path)
    found = _by_path(engine, "CMP001")
    sample = found["kubernetes-manifests/compose.yaml"]
    assert (sample.context, sample.severity) == ("example", Severity.MEDIUM)
    assert sample.context_reason.startswith("README.md presents the repository as a sample application (")
    assert "Bank of Acme is a sample HTTP-based web app" in sample.context_reason
    assert found["tests/compose.yaml"].context == "test"  # conventions still come first
    assert engine.context_of(".github/workflows/ci.yml").production  # its own CI is real


@pytest.mark.parametrize("readme", [
    "# Acme\n\nAcme is an open source analytics platform. Try the live demo at demo.example.com.\n",
    "# Acme Demo\n\nThis repository contains the infrastructure definition of the Acme Official Demo.\n",
    "# Acme\n\nAcme is a reference architecture for running Acme in production.\n",
    "# Acme\n\nAcme is not a demo application: it is the platform our customers run.\n",
    "# Acme\n\nSee the examples folder for a sample application.\n",
])
def test_a_readme_that_only_mentions_a_demo_leaves_production_alone(tmp_path, readme):
    write(tmp_path, "README.md", readme)
    write(tmp_path, "stack/docker-compose.yaml", SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")["stack/docker-compose.yaml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


def test_the_configuration_audits_a_sample_repository_as_production(tmp_path):
    write(tmp_path, "README.md", SAMPLE_README)
    write(tmp_path, "deploy/compose.yaml", SOCKET)
    write(tmp_path, ".auditui/config.toml", '[contexts]\nproduction = ["deploy/**"]\n')
    found = _by_path(_scan(tmp_path), "CMP001")["deploy/compose.yaml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


DEMO_FIXTURES = Path(__file__).parent / "fixtures" / "context" / "readme-declares-demo"


@pytest.mark.parametrize(("fixture", "path", "reason"), [
    # a folder's README whose lead (not its heading) declares a demo app, or opens with what it demonstrates
    ("bad-folder-readme", "sockshop/base/carts-db.yaml", "sockshop/README.md calls it a demo ('A microservices demo app"),
    ("bad-folder-readme", "sync-waves/manifests.yaml", "sync-waves/README.md calls it a demo ('Demonstrates Acme CD"),
    # the repository's README: a collection of example applications, a system intended to illustrate
    ("bad-repository-readme", "shop/carts-db.yaml", "README.md presents the repository as an example application "
     "('This repository contains example applications for demoing Acme CD functionality.')"),
    ("bad-illustrates", "kubernetes/carts-db.yaml", "README.md presents the repository as a demo application "
     "('This repository contains the Acme Tracing Shop, a microservice-based distributed system intended to illustrate"),
    # a README opening with YAML front matter (a samples gallery's page_type/description): its first
    # paragraph of prose after it, whose subject is the sample app itself
    ("bad-front-matter", "shop/carts-db.yaml", "README.md presents the repository as a sample application "
     "('This sample demo app consists of a group of containerized microservices"),
])
def test_a_readme_that_declares_a_demo_makes_its_files_examples(fixture, path, reason, tmp_path):
    root = tmp_path / fixture
    shutil.copytree(DEMO_FIXTURES / fixture, root)
    found = _by_path(_scan(root), "K8S002")[path]  # critical in production (good-live-demo)
    assert (found.context, found.severity) == ("example", Severity.MEDIUM)
    assert found.context_reason.startswith(reason)
    assert found.context_reason.endswith("lowered from critical")


@pytest.mark.parametrize(("fixture", "path"), [
    ("good-live-demo", "deploy/carts-db.yaml"),  # a live-demo badge and link, a demo instance, compose for demo purposes
    ("good-demo-section", "k8s/carts-db.yaml"),  # a '## Demo' section; 'examples' among what a folder holds
    ("good-front-matter", "deploy/carts-db.yaml"),  # front matter mentioning a sample; 'This demo app is hosted at'
])
def test_a_product_readme_that_mentions_a_demo_stays_production(fixture, path, tmp_path):
    root = tmp_path / fixture
    shutil.copytree(DEMO_FIXTURES / fixture, root)
    found = _by_path(_scan(root), "K8S002")[path]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


@pytest.mark.parametrize(("lead", "word"), [
    ("This repository contains example applications for demoing Acme CD.", "example"),
    ("This repo holds several sample apps for the Acme SDK.", "sample"),
    ("This folder contains a set of examples of Kustomize overlays.", "example"),
    ("Acme Recipes is a collection of examples for Kubernetes operators.", "example"),
    ("This project is intended to illustrate how to run Acme on Kubernetes.", "demo"),
    ("This example demonstrates how to implement blue-green deployment.", "example"),
    ("This example application demonstrates how an upstream chart is pinned.", "example"),
    ("Demonstrates Acme CD sync waves with hooks.", "demo"),
    ("A microservices demo app (https://example.com).", "demo"),
    ("This sample demo app consists of a group of containerized microservices.", "sample"),
    ("This demo application shows how orders flow through a queue.", "demo"),
])
def test_leads_that_declare_a_demo(lead, word):
    found = sample_lead(f"# Title\n\n{lead}\n")
    assert found is not None and found[0] == word


@pytest.mark.parametrize(("title", "word"), [
    ("Example Voting App", "example"), ("Spring PetClinic Sample Application", "sample"),
    ("**Microservices Demo Store**", "demo"), ("A sample app", "sample"),
])
def test_titles_that_name_a_sample(title, word):
    found = sample_lead(f"# {title}\n\nA simple distributed application running across containers.\n")
    assert found is not None and found[0] == word


@pytest.mark.parametrize("title", ["Acme Demo Server", "Demo Days", "Demo", "Examples of nothing in particular",
                                   "Acme", "Online Boutique", "Sample size calculator service for labs"])
def test_titles_that_only_hold_a_demo_word_declare_nothing(title):
    assert sample_lead(f"# {title}\n\nAcme runs the shop.\n") is None


@pytest.mark.parametrize("lead", [
    "Acme is a self-hosted wiki. A demo instance is available at https://demo.acme.example.",
    "Acme is a self-hosted wiki. This demo instance is reset every hour.",
    "This repository contains Acme, a self-hosted wiki. It ships a docker-compose file for demo purposes.",
    "This repository contains the Acme server and a docker-compose file for demo purposes.",
    "This repository contains the source code, examples and documentation of Acme.",
    "This repository contains the Helm charts, examples and docs of Acme.",
    "This repository contains our production infrastructure. It demonstrates our commitment to IaC.",
    "This project is not meant to demonstrate anything: it runs our shop.",
    "Acme is a platform that helps teams demo their products to customers.",
    "Acme is a mail server. Try the demo at https://demo.acme.example.",
    "Acme is a self-hosted wiki. This demo app is hosted at https://demo.acme.example.",
    "Acme is a self-hosted wiki. This demo application is available at https://demo.acme.example.",
])
def test_leads_that_only_mention_a_demo_declare_nothing(lead):
    assert sample_lead(f"# Title\n\n{lead}\n") is None


def test_what_a_readme_or_comment_says_is_shown_as_inert_data_without_secrets(tmp_path):
    token = "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789"
    write(tmp_path, "README.md", f"# Acme\n\nAcme is a demo app \x1b]0;owned\x07 that signs with {token}.\n")
    write(tmp_path, "stack/compose.yaml", SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")["stack/compose.yaml"]
    assert found.context == "example"
    assert "\x1b" not in found.context_reason and "\x07" not in found.context_reason
    assert token not in found.context_reason and "abcdefghijklmnop" not in found.context_reason


@pytest.mark.parametrize(("text", "declared"), [
    ("# Pando85's Homelab\n\nThis project automates the self-hosted services in my homelab.\n", True),
    ("<div align=\"center\">\n\n# \U0001faa8 Homelab \U0001f3e1\n\n</div>\n", True),
    ("<div align=\"center\">\n\n## My Home Operations repository\n\n</div>\n", True),
    ("# Infra\n\nRepository for home infrastructure and Kubernetes cluster using GitOps practices.\n", True),
    ("# Pi Cluster\n\n**K3S Kubernetes Cluster at home automated with Ansible and FluxCD**\n", True),
    ("# Platform\n\nThe GitOps configuration of our personal infrastructure across two sites.\n", True),
    # home in passing, a tool for home labs, a negation: not a declaration
    ("# Recipes\n\nKeep the recipes you cook at home, with a home page and Home Assistant support.\n", False),
    ("# Homer\n\nA dead simple static dashboard for your homelab and your server.\n", False),
    ("# Homer - a dashboard for your homelab\n\nServe it from any web server, here or there.\n", False),
    ("# Shop\n\nThis is not my homelab: it runs the shop's production cluster on three zones.\n", False),
    ("# Dotfiles\n\nMy home directory configuration, managed with chezmoi and a few scripts.\n", False),
])
def test_home_lab_is_read_from_the_readme_title_or_lead(text, declared):
    assert (home_lab_lead(text) is not None) is declared


LOCAL_LOOP = """\
# Order service

## Running the app locally

### Running the app

The app relies on the queue. A docker-compose file is provided to make this easy:

```bash
docker compose up
```
"""

FROM_SOURCE = """\
# Order service

## Message queue options

To run the necessary services, run:

```bash
docker compose up
```

With the services running, open a new terminal and run:

```bash
npm install
npm run dev
```
"""


@pytest.mark.parametrize(("readme", "why"), [
    (LOCAL_LOOP, "it brings the folder's compose file up under 'Running the app locally'"),
    (FROM_SOURCE, "it brings the folder's compose file up, then runs the app from source ('npm run dev')"),
])
def test_a_folder_readme_that_runs_its_compose_file_as_a_local_loop_makes_it_development(tmp_path, readme, why):
    write(tmp_path, "src/orders/README.md", readme)
    write(tmp_path, "src/orders/docker-compose.yml", SOCKET)
    write(tmp_path, "src/orders/compose.cloud.yaml", SOCKET)  # not a file 'docker compose up' reads
    found = _by_path(_scan(tmp_path), "CMP001")
    local = found["src/orders/docker-compose.yml"]
    assert (local.context, local.severity) == ("development", Severity.MEDIUM)
    assert local.context_reason == (f"src/orders/README.md shows a developer's local loop: {why}; "
                                    "lowered from critical")
    assert found["src/orders/compose.cloud.yaml"].severity is Severity.CRITICAL


@pytest.mark.parametrize("readme", [
    # a self-hosted product's deploy folder: compose up is how it runs for real
    "# Deploy\n\n## Installation\n\n```bash\ndocker compose up -d\n```\n\n## Upgrading\n\n"
    "```bash\ndocker compose pull\ndocker compose up -d\n```\n",
    # a local section that brings up another file, and a later section that runs the real one
    "# Stack\n\n## Running locally\n\n```bash\ndocker compose -f compose.dev.yml up\n```\n\n## Production\n\n"
    "```bash\ndocker compose up -d\n```\n",
    # running production locally is not a developer's loop
    "# Stack\n\n## Running production locally\n\n```bash\ndocker compose up -d\n```\n",
    # compose up, then an admin command inside the container (not the app from source)
    "# Stack\n\n## Setup\n\n```bash\ndocker compose up -d\ndocker compose exec app python manage.py migrate\n```\n",
])
def test_a_folder_readme_that_runs_its_compose_file_for_real_leaves_it_production(tmp_path, readme):
    write(tmp_path, "deploy/README.md", readme)
    write(tmp_path, "deploy/docker-compose.yml", SOCKET)
    found = _by_path(_scan(tmp_path), "CMP001")["deploy/docker-compose.yml"]
    assert (found.context, found.severity) == ("production", Severity.CRITICAL)


@pytest.mark.parametrize(("env", "context", "why"), [
    ("_APP_ENV=development\n", "development", "it sets _APP_ENV=development"),
    ("NODE_ENV=dev\nDEBUG=true\n", "development", "it sets NODE_ENV=dev"),
    ("RAILS_ENV='test'\n", "test", "it sets RAILS_ENV=test"),
    ("ASPNETCORE_ENVIRONMENT=Development\n", "development", "it sets ASPNETCORE_ENVIRONMENT=development"),
])
def test_an_env_file_that_names_a_development_environment_is_development(tmp_path, env, context, why):
    write(tmp_path, ".env", env + "DB_PASSWORD=Xq7vR2mK9pL4sT8wZ3nB\n")
    write(tmp_path, "compose.yaml", "services:\n  api:\n    image: registry.example.com/api:1.0.0\n"
          "    env_file: .env\n")
    engine = _scan(tmp_path)
    found = engine.context_of(".env")
    assert (found.context.value, found.reason.split(":")[0]) == (context, why)
    assert all(f.severity <= Severity.MEDIUM for f in engine.findings if f.path == ".env")


@pytest.mark.parametrize("env", [
    "APP_ENV=production\n",
    "NODE_ENV=development\nAPP_ENV=production\n",  # another setting says production
    "ENVIRONMENT=staging\n",
    "VIRTUAL_ENV=/opt/venv\n",  # a path, not an environment's name
    "DEV_MODE=development\n",  # not an environment setting
    "NODE_ENV=${NODE_ENV:-development}\n",  # decided where it runs
])
def test_env_files_that_do_not_name_a_development_environment_stay_production(tmp_path, env):
    write(tmp_path, ".env", env + "DB_PASSWORD=Xq7vR2mK9pL4sT8wZ3nB\n")
    engine = _scan(tmp_path)
    assert engine.context_of(".env").production
    assert any(f.severity >= Severity.HIGH for f in engine.findings if f.path == ".env")


LATEST_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: controller, namespace: kserve}
spec:
  selector: {matchLabels: {app: controller}}
  template:
    metadata: {labels: {app: controller}}
    spec:
      containers:
        - name: manager
          image: kserve/kserve-controller:latest
"""


@pytest.mark.parametrize(("chart", "context"), [(True, "vendored"), (False, "production")])
def test_a_manifest_a_chart_loads_from_files_is_a_vendored_base(tmp_path, chart, context):
    if chart:
        write(tmp_path, "charts/kserve/Chart.yaml", "apiVersion: v2\nname: kserve\nversion: 1.0.0\n")
        write(tmp_path, "charts/kserve/templates/resources.yaml",
              '{{ .Files.Get "files/kserve/resources.yaml" | replace ":latest" .Values.tag }}\n')
    write(tmp_path, "charts/kserve/files/kserve/resources.yaml", LATEST_DEPLOYMENT)
    engine = _scan(tmp_path)
    where = engine.context_of("charts/kserve/files/kserve/resources.yaml")
    assert where.context.value == context
    if chart:
        assert "files/ folder" in where.reason
        assert not any(f.severity >= Severity.HIGH for f in engine.findings if "/files/" in f.path)
