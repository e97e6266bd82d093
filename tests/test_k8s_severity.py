"""Severity follows impact and exposure for the Kubernetes checks whose severity depends on the
object: a single database on a persistent volume is an outage, on ephemeral storage a data loss."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import pedantic

from auditui.checks.api import Severity
from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures" / "k8s"


def _scan(tmp_path: Path, *parts: str) -> list:
    source = FIXTURES.joinpath(*parts)
    root = tmp_path / "repo"
    if source.is_dir():
        shutil.copytree(source, root)
    else:
        root.mkdir()
        shutil.copy(source, root / source.name)
    engine = Engine(root)
    engine.scan()
    return engine.findings


def _severities(findings, code: str) -> dict[str, Severity]:
    return {f.resource: f.severity for f in findings if f.code == code}


def test_single_database_on_a_persistent_volume_is_high(tmp_path):
    found = _severities(_scan(tmp_path, "single-replica-database", "bad-on-claim.yaml"), "K8S002")
    assert found == {"StatefulSet/pgsql": Severity.HIGH, "Deployment/redis-store": Severity.HIGH}


def test_single_database_on_ephemeral_storage_stays_critical(tmp_path):
    findings = _scan(tmp_path, "single-replica-database", "bad.yaml")
    assert set(_severities(findings, "K8S002").values()) == {Severity.CRITICAL}
    assert all("ephemeral storage" in f.message for f in findings if f.code == "K8S002")


def test_database_deployment_that_stops_before_it_starts_on_a_claim_is_medium(tmp_path):
    found = _severities(_scan(tmp_path, "database-as-deployment", "bad-recreate-on-claim.yaml"), "K8S001")
    assert found == {"Deployment/redis-store": Severity.MEDIUM, "Deployment/mariadb": Severity.MEDIUM,
                     "Deployment/postgres": Severity.HIGH}


def test_database_deployment_without_any_data_volume_is_medium_and_points_at_the_storage(tmp_path):
    # no volume: no rollout races for one; the storage finding (K8S003) carries the problem
    findings = [f for f in _scan(tmp_path, "database-as-deployment", "bad.yaml") if f.code == "K8S001"]
    assert len(findings) == 3 and {f.severity for f in findings} == {Severity.MEDIUM}
    assert all("mounts no data volume" in f.message and "volumeClaimTemplates" in f.message for f in findings)


def test_database_deployment_rolling_over_a_claim_stays_high(tmp_path):
    found = _severities(_scan(tmp_path, "database-as-deployment", "bad-recreate-on-claim.yaml"), "K8S001")
    assert found["Deployment/postgres"] == Severity.HIGH


def test_storage_finding_names_the_data_directory_not_a_scratch_mount(tmp_path):
    findings = {f.resource: f for f in _scan(tmp_path, "database-without-persistent-storage", "bad.yaml")
                if f.code == "K8S003"}
    carts = findings["Deployment/carts-db/container/carts-db"]
    assert "data directory (/data/db)" in carts.message and "'tmp-volume' at /tmp is scratch" in carts.message
    assert "StatefulSet/pg-moved/container/postgres" not in findings  # PGDATA below the home, on a claim
    assert "emptyDir volume 'data'" in findings["StatefulSet/postgres/container/postgres"].message


def test_latest_or_no_tag_is_high_and_a_named_channel_is_medium(tmp_path):
    findings = [f for f in _scan(tmp_path, "container-image-floating-tag", "bad.yaml") if f.code == "K8S004"]
    by_image = {f.evidence.split("image: ", 1)[1]: f.severity for f in findings}
    assert by_image["registry.example.com/api-migrations"] == Severity.HIGH
    assert by_image["registry.example.com/api:LATEST"] == Severity.HIGH
    assert by_image["busybox:latest"] == Severity.HIGH
    assert by_image["gcr.io/example/worker:stable"] == Severity.MEDIUM


def test_init_container_on_a_utility_image_is_low_and_the_apps_own_init_image_is_not(tmp_path):
    findings = [f for f in _scan(tmp_path, "container-image-floating-tag", "bad.yaml") if f.code == "K8S004"]
    by_resource = {f.resource: f for f in findings}
    assert by_resource["Deployment/web/container/wait-for-db"].severity == Severity.LOW
    assert by_resource["Deployment/web/container/clone"].severity == Severity.LOW
    assert "setup step" in by_resource["Deployment/web/container/wait-for-db"].message
    assert by_resource["Deployment/api/container/migrate"].severity == Severity.HIGH  # the app's own init
    assert by_resource["CronJob/report/container/report"].severity == Severity.HIGH  # busybox, but the job itself


def test_base_ingress_a_component_gives_tls_is_medium_and_names_the_patch(tmp_path):
    findings = [f for f in _scan(tmp_path, "ingress-without-tls", "bad-component-adds-tls") if f.code == "K8S062"]
    by_resource = {f.resource: f for f in findings}
    assert by_resource["Ingress/frontend"].severity == Severity.MEDIUM
    assert "components/tls/patches/frontend.Ingress.yaml" in by_resource["Ingress/frontend"].message
    assert by_resource["Ingress/debug"].severity == Severity.HIGH


def test_an_ingress_that_routes_only_health_endpoints_is_low(tmp_path):
    # hmcts sbox: an Ingress of Traefik's own /ping: nothing to protect with TLS; a health path beside
    # the application's is not enough
    found = {f.resource: f for f in _scan(tmp_path, "ingress-without-tls", "bad.yaml") if f.code == "K8S062"}
    assert found["Ingress/traefik-ping"].severity == Severity.LOW
    assert "only health endpoints (/ping)" in found["Ingress/traefik-ping"].message
    assert found["Ingress/app-and-health"].severity == Severity.HIGH
    assert found["Ingress/web"].severity == Severity.HIGH


def test_an_image_name_skaffold_builds_is_a_placeholder_and_the_engine_follows_skaffold_yaml(tmp_path):
    root = tmp_path / "repo"
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - {name: web, image: frontend}\n        - {name: cache, image: redis}\n")
    engine = Engine(root)
    engine.scan()
    assert {f.resource for f in engine.findings if f.code == "K8S004"} == {
        "Deployment/web/container/web", "Deployment/web/container/cache"}

    skaffold = root / "skaffold.yaml"
    skaffold.write_text("apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: frontend\n")
    engine.update([skaffold])
    assert {f.resource for f in engine.findings if f.code == "K8S004"} == {"Deployment/web/container/cache"}

    skaffold.unlink()
    engine.update([skaffold])
    assert "Deployment/web/container/web" in {f.resource for f in engine.findings if f.code == "K8S004"}


def test_single_instance_operator_store_follows_the_rule_of_k8s002(tmp_path):
    # one rule (checks/availability.single_instance_severity): data on claims is an outage, ephemeral a loss
    found = _severities(_scan(tmp_path, "operator-database-single-instance", "bad-ephemeral.yaml"), "K8S023")
    assert found == {"PerconaXtraDBCluster/shop-mysql": Severity.CRITICAL, "MariaDB/cache-db": Severity.CRITICAL,
                     "Cluster/directory-db": Severity.HIGH}
    (tmp_path / "b").mkdir()
    persistent = _severities(_scan(tmp_path / "b", "operator-database-single-instance", "bad.yaml"), "K8S023")
    assert persistent and set(persistent.values()) == {Severity.HIGH}


def test_single_database_whose_data_a_backup_takes_is_medium_and_names_the_backup(tmp_path):
    # Velero by pod label (orLabelSelectors), Velero by namespace, a CronJob dumping its host
    findings = [f for f in _scan(tmp_path, "single-replica-database", "bad-backed-up") if f.code == "K8S002"]
    assert {f.resource: f.severity for f in findings} == {
        "StatefulSet/orders-db": Severity.MEDIUM, "StatefulSet/catalog-db": Severity.MEDIUM,
        "StatefulSet/users-db": Severity.MEDIUM}
    said = {f.resource: f.message for f in findings}
    assert "backed up by Velero Schedule velero/retain-weekly (deploy/backups.yaml:1)" in said["StatefulSet/orders-db"]
    assert "Velero Backup velero/catalog-once (deploy/backups.yaml:16)" in said["StatefulSet/catalog-db"]
    assert "CronJob users-dump" in said["StatefulSet/users-db"]
    assert all(message.endswith("availability risk: medium") for message in said.values())


def test_single_database_with_a_backup_that_does_not_take_it_stays_high(tmp_path):
    # a schedule selecting other labels, other namespaces, a templated namespace, a dump of another
    # host, and a namespace-limited backup for a database that states no namespace
    found = _severities(_scan(tmp_path, "single-replica-database", "bad-backup-elsewhere"), "K8S002")
    assert found == {"StatefulSet/orders-db": Severity.HIGH, "StatefulSet/catalog-db": Severity.HIGH,
                     "StatefulSet/users-db": Severity.HIGH, "StatefulSet/audit-db": Severity.HIGH}


def test_operator_store_whose_data_a_backup_takes_is_medium(tmp_path):
    # its own section (CloudNativePG, Crunchy pgBackRest repo, Zalando logical backup), Velero selecting
    # labels the operator copies to pods and claims (Zalando inherited_labels, CNPG inheritedMetadata)
    findings = [f for f in _scan(tmp_path, "operator-database-single-instance", "bad-backed-up") if f.code == "K8S023"]
    assert {f.resource: f.severity for f in findings} == {
        "Cluster/app-db": Severity.MEDIUM, "PostgresCluster/orders": Severity.MEDIUM,
        "postgresql/acid-logical": Severity.MEDIUM, "postgresql/acid-labelled": Severity.MEDIUM,
        "Cluster/inherits": Severity.MEDIUM, "Cluster/plugin-db": Severity.MEDIUM, "MariaDB/wiki-db": Severity.MEDIUM}
    said = {f.resource: f.message for f in findings}
    assert "ScheduledBackup plugin-db-daily (postgresql.cnpg.io) (stores.yaml:" in said["Cluster/plugin-db"]
    assert "Backup wiki-db-nightly (k8s.mariadb.com)" in said["MariaDB/wiki-db"]
    assert "its own backup section (`spec.backups.pgbackrest.repos`)" in said["PostgresCluster/orders"]
    assert "Velero Schedule velero/retain-weekly (operator.yaml:10)" in said["postgresql/acid-labelled"]


def test_operator_store_with_an_unverified_backup_stays_high(tmp_path):
    # labels the operator does not copy, a backups section with no repository, a schedule without data,
    # a ScheduledBackup that cannot run (no backup section, no plugin), a one-off mariadb-operator Backup
    found = _severities(_scan(tmp_path, "operator-database-single-instance", "bad-backup-unverified"), "K8S023")
    assert found == {"postgresql/acid-labelled": Severity.HIGH, "Cluster/labelled-cluster": Severity.HIGH,
                     "PostgresCluster/orders": Severity.HIGH, "Cluster/snapshots-off": Severity.HIGH,
                     "Cluster/no-store": Severity.HIGH, "MariaDB/wiki-db": Severity.HIGH}


def test_home_lab_declared_in_the_readme_rates_single_instances_medium(tmp_path):
    findings = [f for f in _scan(tmp_path, "single-replica-database", "bad-home-lab") if f.code == "K8S002"]
    found = {f.resource: f for f in findings}
    assert found["StatefulSet/recipes-db"].severity == Severity.MEDIUM
    assert "README.md declares a home lab (\"Alice's Homelab\")" in found["StatefulSet/recipes-db"].message
    assert found["Deployment/notes-db"].severity == Severity.CRITICAL  # ephemeral: data loss, not lowered


def test_helm_single_instance_is_medium_in_a_home_lab_or_under_a_cluster_wide_backup(tmp_path):
    # home in passing, or no backup of the whole cluster: high
    helm = FIXTURES.parent / "helm" / "values-single-replica-database"
    for name, severity in (("bad-home-lab", Severity.MEDIUM), ("bad-home-in-passing", Severity.HIGH),
                           ("bad", Severity.HIGH), ("bad-cluster-backup", Severity.MEDIUM)):
        root = tmp_path / name
        shutil.copytree(helm / name, root)
        engine = Engine(root)
        engine.scan()
        assert {f.severity for f in engine.findings if f.code == "HELM007"} == {severity}, name


def test_database_load_balancer_on_a_private_address_is_medium_and_says_so(tmp_path):
    findings = [f for f in _scan(tmp_path, "database-service-exposed", "bad.yaml") if f.code == "K8S080"]
    found = {f.resource: f.severity for f in findings}
    assert found["Service/postgres-public"] == Severity.HIGH
    assert found["Service/postgres-static"] == Severity.HIGH  # a public requested address
    assert found["Service/postgres-lan"] == Severity.MEDIUM  # spec.loadBalancerIP 10.0.6.51
    assert found["Service/redis-lan"] == Severity.MEDIUM  # MetalLB annotation 192.168.1.20
    lan = next(f for f in findings if f.resource == "Service/postgres-lan")
    assert "private address 10.0.6.51" in lan.message and "not internet-facing" in lan.message


def test_private_address_model():
    from auditui.checks.models.addresses import is_private_address
    assert is_private_address("10.0.6.51") and is_private_address("192.168.1.20")
    assert is_private_address("100.64.1.1") and is_private_address("fd00::1")
    assert not is_private_address("203.0.113.7")  # documentation range: stands for a public one
    assert not is_private_address("8.8.8.8") and not is_private_address("db.example.com")
    assert not is_private_address("0.0.0.0")


def test_added_capability_of_a_non_root_container_follows_whether_it_can_be_effective(tmp_path):
    findings = [f for f in _scan(tmp_path, "dangerous-capabilities", "bad.yaml") if f.code == "K8S013"]
    by = {}
    for f in findings:
        by.setdefault(f.resource, set()).add(f.severity)
    # root, or the image decides: SYS_ADMIN critical, NET_ADMIN on the node's network high, SYS_PTRACE
    # without hostPID low (capability-impact: it traces its own container's processes)
    assert by["Deployment/vpn/container/vpn"] == {Severity.CRITICAL, Severity.LOW}
    assert by["Deployment/vpn/container/setup"] == {Severity.HIGH}
    # NET_ADMIN in the pod's own network namespace medium; SYS_PTRACE with hostPID high, with
    # shareProcessNamespace medium
    tunnel = {f.message.split(" adds capability ")[1].split(";")[0]: f for f in findings
              if f.resource == "Deployment/tunnel/container/client"}
    assert {cap: f.severity for cap, f in tunnel.items()} == {"NET_ADMIN": Severity.MEDIUM, "SYS_PTRACE": Severity.HIGH}
    assert "pod's own network namespace" in tunnel["NET_ADMIN"].message
    assert by["Deployment/debugger/container/tools"] == {Severity.MEDIUM}
    # a node agent's documented capabilities (ztunnel): low, or medium for SYS_ADMIN (close to root);
    # SYS_MODULE is not its job: high as for any root container
    ztunnel = {f.message.split(" adds capability ")[1].split(",")[0].split(";")[0]: f for f in findings
               if f.resource == "DaemonSet/ztunnel/container/istio-proxy"}
    assert {cap: f.severity for cap, f in ztunnel.items()} == {
        "NET_ADMIN": Severity.LOW, "SYS_ADMIN": Severity.MEDIUM, "NET_RAW": Severity.LOW, "SYS_MODULE": Severity.HIGH}
    assert "by design for a node agent" in ztunnel["SYS_ADMIN"].message
    assert "to enter the pods' network namespaces" in ztunnel["SYS_ADMIN"].message
    assert "by design" not in ztunnel["SYS_MODULE"].message
    # non-root with allowPrivilegeEscalation: false: the capability never becomes effective
    assert by["DaemonSet/node-exporter/container/exporter"] == {Severity.LOW}
    # non-root that may escalate: effective only through the image's file capabilities
    assert by["DaemonSet/node-exporter/container/agent"] == {Severity.MEDIUM}
    exporter = next(f for f in findings if f.resource.endswith("/exporter"))
    assert "never enters its effective set" in exporter.message


def test_root_in_a_privileged_container_is_low_and_points_at_the_privileged_finding(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(FIXTURES / "runs-as-root" / "bad.yaml", root / "bad.yaml")
    engine = Engine(root, pedantic())  # the default persona rolls low hardening items up
    engine.scan()
    findings = {f.resource: f for f in engine.findings if f.code == "K8S010"}
    dind = findings["StatefulSet/runner/container/dind"]
    assert dind.severity == Severity.LOW and "fix K8S012 first" in dind.message
    # root that is not privileged stays high
    assert findings["Deployment/legacy/container/a"].severity == Severity.HIGH


def test_an_identity_provider_users_weak_password_is_high(tmp_path):
    # held-out set 5 recall: a KeycloakUser created with password 'password'; the login page of an
    # identity provider is published to its users, so a guessable password there is high, and the
    # message names the user, never the password
    findings = [f for f in _scan(tmp_path, "secret-in-manifest", "bad.yaml") if f.code == "K8S024"
                and f.resource.startswith("KeycloakUser/")]
    assert [f.severity for f in findings] == [Severity.HIGH]
    assert "'ocpadmin'" in findings[0].message and "value: password" not in findings[0].message


def test_privileged_container_of_a_non_root_user_is_high_and_root_stays_critical(tmp_path):
    # a non-root process holds no capability until a set-user-ID binary, file capabilities or a kernel
    # bug makes it root (as K8S013 rates an added ALL in a non-root container); root, or the image's
    # user, keeps the critical. pando85's Forgejo runner (uid 1001) beside its DinD daemon (root): the
    # pod's way to the node is the daemon's, reported there, so the runner's flag is medium
    found = {f.resource: f for f in _scan(tmp_path, "privileged-pod-container", "bad.yaml") if f.code == "K8S012"}
    runner = found["StatefulSet/ci-runner/container/runner"]
    assert runner.severity == Severity.MEDIUM and "beside container 'dind'" in runner.message
    assert found["Deployment/probe/container/probe"].severity == Severity.HIGH
    assert "runAsNonRoot" in found["Deployment/probe/container/probe"].message
    assert found["StatefulSet/ci-runner/container/dind"].severity == Severity.CRITICAL
    assert found["Pod/debug/container/d"].severity == Severity.CRITICAL  # the image decides
