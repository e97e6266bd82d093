"""One moving-tag severity model (checks/models/moving_tags.py) for K8S004, HELM003 and CMP006:
the same container gets the same severity whatever file holds it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from auditui.checks.models.images import parse_image
from auditui.checks.models.moving_tags import ContainerUse, moving_tag, tag_kind

FIXTURES = Path(__file__).parent / "fixtures"
LOW, MEDIUM, HIGH = Severity.LOW, Severity.MEDIUM, Severity.HIGH


@pytest.mark.parametrize(("image", "kind"), [
    ("app", "none"), ("app:latest", "latest"), ("app:latest-alpine", "latest"), ("redis:alpine", "variant"),
    ("app:master", "branch"), ("app:nightly", "branch"), ("app:stable", "channel"), ("app:lts", "channel"),
    ("app:prod", "channel"), ("app:1.2", None), ("app@sha256:" + "a" * 64, None), ("debian:bookworm", None),
])
def test_tag_kinds(image, kind):
    assert tag_kind(parse_image(image)) == kind


@pytest.mark.parametrize(("image", "use", "pulls", "expected"), [
    # utility images in a helper role: low, medium when they can touch a Secret or persistent data
    ("busybox:latest", ContainerUse("init"), True, LOW),
    ("alpine/git", ContainerUse("init"), True, LOW),
    ("busybox:latest", ContainerUse("sidecar"), True, LOW),
    ("busybox:latest", ContainerUse("sidecar", data=True), True, MEDIUM),
    ("curlimages/curl", ContainerUse("init", secrets=True), True, MEDIUM),
    # a utility image as the workload itself is judged like any image
    ("busybox:latest", ContainerUse("main"), True, HIGH),
    # a utility name on another registry is somebody's image
    ("ghcr.io/acme/busybox:latest", ContainerUse("init"), True, HIGH),
    # application images: a branch or channel is a chosen stream (medium), latest/none is high where
    # the runtime pulls by itself and medium where only an explicit pull updates it
    ("ghcr.io/acme/data:master", ContainerUse("init"), True, MEDIUM),
    ("ghcr.io/acme/app:stable", ContainerUse("main"), True, MEDIUM),
    ("ghcr.io/acme/app:latest", ContainerUse("main"), True, HIGH),
    ("ghcr.io/acme/migrate", ContainerUse("init"), True, HIGH),
    ("ghcr.io/acme/app:latest", ContainerUse("main"), False, MEDIUM),
    # databases and core infrastructure: a surprise major version can refuse the data
    ("postgres:alpine", ContainerUse("main"), False, HIGH),
    ("minio/minio:latest", ContainerUse("main"), False, HIGH),
    ("traefik:stable", ContainerUse("main"), True, HIGH),
    ("memcached:alpine", ContainerUse("main"), False, MEDIUM),
])
def test_severity_table(image, use, pulls, expected):
    verdict = moving_tag(parse_image(image), use, pulls_itself=pulls)
    assert verdict is not None and verdict.severity == expected, verdict


def test_a_pinned_image_has_no_verdict():
    assert moving_tag(parse_image("busybox:1.37.0"), ContainerUse("init")) is None


def _scan(tmp_path: Path, files: dict[str, str]) -> list:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    return engine.findings


MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: game}
spec:
  template:
    spec:
      initContainers:
        - {name: wait-db, image: "busybox:latest"}
        - {name: client-data, image: "ghcr.io/acme/client-data:master"}
      containers:
        - name: app
          image: ghcr.io/acme/server:latest
          volumeMounts: [{name: cores, mountPath: /cores}]
        - name: housekeeping
          image: busybox:latest
          volumeMounts: [{name: cores, mountPath: /cores}]
      volumes:
        - {name: cores, persistentVolumeClaim: {claimName: cores}}
"""

RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: game, namespace: games}
spec:
  chartRef: {kind: OCIRepository, name: app-template}
  values:
    controllers:
      game:
        initContainers:
          wait-db: {image: {repository: busybox, tag: latest}}
          client-data: {image: {repository: ghcr.io/acme/client-data, tag: master}}
        containers:
          app: {image: {repository: ghcr.io/acme/server, tag: latest}}
          housekeeping: {image: {repository: busybox, tag: latest}}
    persistence:
      cores:
        existingClaim: cores
        advancedMounts:
          game:
            app: [{path: /cores}]
            housekeeping: [{path: /cores}]
"""


def test_the_same_containers_get_the_same_severity_in_a_manifest_and_in_helm_values(tmp_path):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "flux").mkdir()
    findings = _scan(tmp_path, {"k8s/game.yaml": MANIFEST, "flux/game.yaml": RELEASE})
    manifest = {f.resource.rsplit("/", 1)[-1]: f.severity for f in findings if f.code == "K8S004"}
    values = {f.resource.split(".")[-2]: f.severity for f in findings if f.code == "HELM003"}
    expected = {"wait-db": LOW, "client-data": MEDIUM, "app": HIGH, "housekeeping": MEDIUM}
    assert manifest == expected
    assert values == expected


def test_a_global_mount_reaches_every_container_of_an_app_template_release(tmp_path):
    release = RELEASE.replace("""        advancedMounts:
          game:
            app: [{path: /cores}]
            housekeeping: [{path: /cores}]""", "        globalMounts: [{path: /cores}]")
    findings = _scan(tmp_path, {"game.yaml": release})
    values = {f.resource.split(".")[-2]: f.severity for f in findings if f.code == "HELM003"}
    assert values["wait-db"] == MEDIUM  # the claim is mounted into the init container too


def test_compose_follows_the_same_model_with_its_own_pull_behaviour(tmp_path):
    findings = _scan(tmp_path, {"docker-compose.yml": (
        "services:\n"
        "  app: {image: 'ghcr.io/acme/server:latest'}\n"
        "  poller: {image: 'ghcr.io/acme/server:latest', pull_policy: always}\n"
        "  data: {image: 'ghcr.io/acme/client-data:master', pull_policy: always}\n"
        "  db: {image: 'postgres:alpine'}\n")})
    sev = {f.resource: f.severity for f in findings if f.code == "CMP006"}
    assert sev == {"service/app": MEDIUM, "service/poller": HIGH, "service/data": MEDIUM, "service/db": HIGH}
    by = {f.resource: f.message for f in findings if f.code == "CMP006"}
    assert "pull_policy: always" in by["service/poller"]


def test_helper_roles_in_manifests(tmp_path):
    source = FIXTURES / "k8s" / "container-image-floating-tag" / "bad-helpers.yaml"
    shutil.copy(source, tmp_path / source.name)
    engine = Engine(tmp_path)
    engine.scan()
    sev = {f.resource.rsplit("/", 1)[-1]: f for f in engine.findings if f.code == "K8S004"}
    assert {name: f.severity for name, f in sev.items()} == {
        "seed": MEDIUM, "log-shipper": LOW, "housekeeping": MEDIUM, "tail": LOW}
    assert "a Secret" in sev["seed"].message and "persistent data" in sev["housekeeping"].message


def test_helper_roles_in_helm_values_layouts():
    engine = Engine(FIXTURES / "helm" / "values-floating-image-tag" / "bad")
    engine.scan()
    sev = {f.line: f.severity for f in engine.findings if f.code == "HELM003" and f.path == "app-template.yaml"}
    assert sev == {19: LOW, 22: MEDIUM, 24: MEDIUM, 33: HIGH, 37: MEDIUM, 42: LOW, 68: MEDIUM, 71: LOW, 75: HIGH}


# -- the repository's own images (models/image_provenance.py) -----------------------------------

from auditui.checks.models.image_provenance import (  # noqa: E402
    identity_from_config,
    own_image,
    parse_remote_url,
    repo_identity,
)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://github.com/acme/shop.git", ("github.com", "acme", "shop")),
    ("https://user:tok3n@github.com/acme/shop", ("github.com", "acme", "shop")),   # credentials dropped
    ("git@github.com:acme/shop.git", ("github.com", "acme", "shop")),
    ("ssh://git@gitlab.example.com:2222/group/sub/shop.git", ("gitlab.example.com", "group", "shop")),
    ("/srv/git/shop.git", None),
    ("file:///srv/git/acme/shop.git", None),
    ("https://github.com/acme", None),
])
def test_remote_urls(url, expected):
    assert parse_remote_url(url) == expected


def test_identity_needs_origin_or_a_single_remote():
    one = '[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@github.com:acme/shop.git\n'
    assert identity_from_config(one).owner == "acme"
    two = one + '[remote "fork"]\n\turl = https://github.com/me/shop.git\n'
    assert identity_from_config(two) is None  # ambiguous: which one is "this repository"?
    both = two + '[remote "origin"]\n\turl = https://github.com/me/shop.git\n'
    assert identity_from_config(both).owner == "me"
    assert identity_from_config('[branch "main"]\n\turl = https://github.com/x/y\n') is None


def _clone(tmp_path: Path, url: str = "https://github.com/acme/shop.git") -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(f'[remote "origin"]\n\turl = {url}\n')


def test_only_a_plain_git_directory_is_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/shop.git\n')
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").symlink_to(elsewhere)  # a link: not followed
    assert repo_identity(repo) is None
    worktree = tmp_path / "worktree"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {elsewhere}\n")  # a worktree's pointer: not followed
    assert repo_identity(worktree) is None
    _clone(tmp_path / "elsewhere")
    assert repo_identity(elsewhere).name == "shop"


def test_own_image_by_namespace_is_exact():
    identity = identity_from_config('[remote "origin"]\n\turl = https://github.com/acme/shop.git\n')
    assert "acme" in own_image(parse_image("ghcr.io/acme/shop:latest"), identity)
    assert "acme" in own_image(parse_image("registry.gitlab.com/ACME/site"), identity)
    assert own_image(parse_image("ghcr.io/acme-labs/shop:latest"), identity) == ""
    assert own_image(parse_image("acme:latest"), identity) == ""          # no namespace: an official image
    assert own_image(parse_image("ghcr.io/other/acme:latest"), identity) == ""
    assert "builds it" in own_image(parse_image("shop:latest"), None, {"shop": "Makefile"})


OWN = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  template:
    spec:
      containers:
        - name: shop
          image: ghcr.io/acme/shop:latest
          imagePullPolicy: Always
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: site}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 65534}
      containers:
        - name: site
          image: registry.gitlab.com/acme/site
          securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 65534}
      containers:
        - name: api
          image: ghcr.io/acme/api:latest
          securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: api, key: token}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vendor}
spec:
  template:
    spec:
      containers:
        - {name: vendor, image: "ghcr.io/acme-labs/tool:latest"}
        - {name: built, image: "registry.example.com/ops/builder:latest"}
"""


def test_own_images_are_medium_or_low_and_third_party_keeps_high(tmp_path):
    _clone(tmp_path)
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "release.yaml").write_text(
        "steps:\n- name: gcr.io/cloud-builders/docker\n"
        "  args: [build, ., -t, 'registry.example.com/ops/builder:$SHORT_SHA', -t, registry.example.com/ops/builder:latest]\n")
    findings = _scan(tmp_path, {"apps.yaml": OWN})
    sev = {f.resource.rsplit("/", 1)[-1]: f for f in findings if f.code == "K8S004"}
    assert {name: f.severity for name, f in sev.items()} == {
        "shop": MEDIUM,    # own namespace (origin remote), not hardened
        "site": LOW,       # own namespace, hardened and no Secret
        "api": MEDIUM,     # hardened but reads a Secret
        "vendor": HIGH,    # a look-alike namespace is somebody else's
        "built": MEDIUM}   # the repository's Cloud Build config builds it
    assert "github.com/acme/shop" in sev["shop"].message and ".git/config" in sev["shop"].message
    assert "ci/release.yaml" in sev["built"].message


def test_without_a_clone_the_namespace_proves_nothing(tmp_path):
    findings = _scan(tmp_path, {"apps.yaml": OWN})
    sev = {f.resource.rsplit("/", 1)[-1]: f.severity for f in findings if f.code == "K8S004"}
    assert sev["shop"] == HIGH and sev["site"] == HIGH


def test_a_utility_image_as_the_main_container_of_a_job(tmp_path):
    job = """\
apiVersion: batch/v1
kind: Job
metadata: {name: setup}
spec:
  template:
    spec:
      containers:
        - name: setup
          image: alpine/curl:latest
          env: [{name: PASSWORD, valueFrom: {secretKeyRef: {name: es, key: elastic}}}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: ping}
spec:
  template:
    spec:
      containers:
        - {name: ping, image: "curlimages/curl:latest"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: poller}
spec:
  template:
    spec:
      containers:
        - {name: poller, image: "curlimages/curl:latest"}
"""
    findings = _scan(tmp_path, {"jobs.yaml": job})
    sev = {f.resource.rsplit("/", 1)[-1]: f.severity for f in findings if f.code == "K8S004"}
    assert sev == {"setup": MEDIUM, "ping": LOW, "poller": HIGH}  # a service on curl:latest is still high


@pytest.mark.parametrize(("image", "versioned"), [
    ("registry.redhat.io/rhel8/postgresql-10:latest", "postgresql-10"),
    ("registry.redhat.io/rh-sso-7/sso74-openshift-rhel8:latest", "sso74"),
    ("centos/mysql-80-centos7", "mysql-80"),
    ("example.org/postgres13", "postgres13"),
    # no version in the product word: a protocol name, the base OS after the product, no digits
    ("quay.io/oauth2-proxy/oauth2-proxy:latest", None),
    ("registry.redhat.io/openshift4/ose-cli:latest", None),
    ("postgres:latest", None),
    ("ghcr.io/acme/k8s-sidecar:latest", None),
    ("minio/minio", None),
])
def test_version_in_the_repository_name(image, versioned):
    from auditui.checks.models.moving_tags import version_in_name

    assert version_in_name(parse_image(image)) == versioned


def test_a_version_in_the_name_moves_only_within_that_version():
    # held-out set 5: rhel8/postgresql-10:latest was high "a surprise major version can refuse to
    # start on existing data"; the major version is the repository name, :latest cannot leave it
    for image in ("registry.redhat.io/rhel8/postgresql-10:latest", "registry.redhat.io/rh-sso-7/sso74-openshift-rhel8"):
        verdict = moving_tag(parse_image(image), ContainerUse("main", data=True), pulls_itself=True)
        assert verdict is not None and verdict.severity == LOW, verdict
        assert "major version" not in verdict.why and "carries the version" in verdict.why
    # the same database without a version in its name keeps its row
    assert moving_tag(parse_image("registry.redhat.io/rhel8/postgresql:latest"), ContainerUse("main")).severity == HIGH
    # a branch of a versioned repository is still a chosen stream (medium), not a major-version risk
    assert moving_tag(parse_image("quay.io/acme/postgresql-10:nightly"), ContainerUse("main")).severity == MEDIUM


def test_the_clusters_own_image_streams_and_cli_jobs():
    # held-out set 5 (controller-semantics): OpenShift's openshift/* ImageStreams follow the release
    # payload; a vendor CLI image in a one-shot Job is a setup step (medium), not an application (high)
    stream = parse_image("image-registry.openshift-image-registry.svc:5000/openshift/cli:latest")
    verdict = moving_tag(stream, ContainerUse("main", secrets=True, once=True))
    assert verdict is not None and verdict.severity == LOW and "cluster upgrade" in verdict.why
    assert moving_tag(parse_image("image-registry.openshift-image-registry.svc:5000/openshift/tools:latest"),
                      ContainerUse("main")).severity == LOW
    # a team's own namespace in the same registry is a pushed image: judged as any application
    assert moving_tag(parse_image("image-registry.openshift-image-registry.svc:5000/shop/api:latest"),
                      ContainerUse("main")).severity == HIGH
    cli = parse_image("registry.redhat.io/openshift4/ose-cli")
    assert moving_tag(cli, ContainerUse("main", once=True)).severity == MEDIUM
    assert moving_tag(parse_image("bitnami/kubectl:latest"), ContainerUse("main", once=True)).severity == MEDIUM
    # the same CLI image as a long-running service keeps the application row
    assert moving_tag(cli, ContainerUse("main")).severity == HIGH
