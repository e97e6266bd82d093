"""How far an RBAC grant reaches decides its severity: a namespaced Role or a wildcard limited to
named CRD groups aggregated into edit/view (K8S066), people rather than service accounts holding
cluster-admin (K8S079) or a role that reads every Secret (K8S069). "Should keep" cases sit beside
each "should lower" one."""

from __future__ import annotations

from helpers import pedantic, write
from auditui.checks.api import Severity
from auditui.checks.engine import Engine


RBAC = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: tenant, namespace: team-a}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: operate}
rules: [{apiGroups: [argoproj.io], resources: [workflows], verbs: ['*']}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-tenant}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: routes-edit
  labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
rules:
  - {apiGroups: [gateway.networking.k8s.io, gateway.networking.x-k8s.io], resources: ["*"], verbs: [create, delete]}
  - {apiGroups: [""], resources: ["*"], verbs: [create, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: routes-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules: [{apiGroups: [gateway.networking.k8s.io], resources: ["*"], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: workflows-rw}
rules: [{apiGroups: [argoproj.io], resources: ["*"], verbs: [create, delete, get]}]
"""


def _rbac(tmp_path, text, code):
    write(tmp_path, "deploy/rbac.yaml", text)
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    assert engine.check_errors == []
    return {(f.resource, f.line): f for f in engine.findings if f.code == code}


def test_wildcards_are_graded_by_how_far_they_reach(tmp_path):
    found = {f.resource: f for f in _rbac(tmp_path, RBAC, "K8S066").values()}
    assert found["Role/tenant"].severity is Severity.MEDIUM
    assert "namespace-scoped (only in namespace team-a" in found["Role/tenant"].message
    # no namespace written: the one it is deployed to (never a guess such as 'default')
    assert "only in the namespace it is deployed to" in found["Role/operate"].message
    assert found["ClusterRole/cluster-tenant"].severity is Severity.HIGH
    assert found["ClusterRole/routes-view"].severity is Severity.LOW
    # one role, one finding: routes-edit's two wildcard rules are listed together, at the most
    # severe (the core group stays high even when aggregated)
    assert len([f for f in _rbac(tmp_path, RBAC, "K8S066").values() if f.resource == "ClusterRole/routes-edit"]) == 1
    assert found["ClusterRole/routes-edit"].severity is Severity.HIGH
    assert "in 2 rules" in found["ClusterRole/routes-edit"].message
    assert "'gateway.networking.k8s.io'" in found["ClusterRole/routes-edit"].message
    # Argo's group without aggregation: its Workflows run pod templates, so all of it is all that runs
    assert found["ClusterRole/workflows-rw"].severity is Severity.HIGH
    assert "argoproj.io is no ordinary CRD group" in found["ClusterRole/workflows-rw"].message


CRD_GROUPS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: multus}
rules:
  - {apiGroups: ["k8s.cni.cncf.io"], resources: ["*"], verbs: ["*"]}
  - {apiGroups: [""], resources: [pods, pods/status], verbs: [get, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: runner}
rules:
  - {apiGroups: [kustomize.toolkit.fluxcd.io], resources: ["*"], verbs: ["*"]}
  - {apiGroups: [helm.toolkit.fluxcd.io], resources: ["*"], verbs: ["*"]}
  - {apiGroups: [notification.toolkit.fluxcd.io], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: mixed}
rules: [{apiGroups: [cert-manager.io, pkg.crossplane.io], resources: ["*"], verbs: [create, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: snapshots}
rules: [{apiGroups: [snapshot.storage.k8s.io, apps], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: certs}
rules: [{apiGroups: [cert-manager.io, acme.cert-manager.io], resources: ["*"], verbs: ["*"]}]
"""


def test_wildcard_on_custom_groups_is_medium_unless_they_deploy(tmp_path):
    found = {f.resource: f for f in _rbac(tmp_path, CRD_GROUPS, "K8S066").values()}
    assert len(found) == 5  # one finding per role
    assert found["ClusterRole/multus"].severity is Severity.MEDIUM
    assert "custom resource group k8s.cni.cncf.io" in found["ClusterRole/multus"].message
    assert found["ClusterRole/certs"].severity is Severity.MEDIUM
    # Flux's groups deploy whatever they point to: high, once for the role, listing its three rules
    runner = found["ClusterRole/runner"]
    assert runner.severity is Severity.HIGH and "in 3 rules" in runner.message
    assert "Flux applies what its objects point to" in runner.message
    assert runner.line == 12  # its first rule (the most severe rules tie)
    assert found["ClusterRole/mixed"].severity is Severity.HIGH  # one deploying group is enough
    assert found["ClusterRole/snapshots"].severity is Severity.HIGH  # built-in groups are not CRD groups


def test_one_role_one_fingerprint_whatever_its_rule_order(tmp_path):
    first = {f.resource: f.fingerprint for f in _rbac(tmp_path, CRD_GROUPS, "K8S066").values()}
    moved = CRD_GROUPS.replace(
        "  - {apiGroups: [kustomize.toolkit.fluxcd.io], resources: [\"*\"], verbs: [\"*\"]}\n",
        "  - {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n"
        "  - {apiGroups: [kustomize.toolkit.fluxcd.io], resources: [\"*\"], verbs: [\"*\"]}\n")
    assert moved != CRD_GROUPS
    second = {f.resource: f for f in _rbac(tmp_path, moved, "K8S066").values()}
    assert second["ClusterRole/runner"].line == 13
    assert {r: f.fingerprint for r, f in second.items()} == first


BINDINGS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sso-admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "sso:platform/administrator"}, {kind: User, name: alice@example.com}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: admins}, {kind: ServiceAccount, name: runner, namespace: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sa-as-user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: "system:serviceaccount:ci:runner"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: "system:serviceaccounts"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: anyone}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: "system:unauthenticated"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: devs-edit}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: Group, name: developers}]
"""


def test_cluster_admin_for_people_is_not_a_workload_over_grant(tmp_path):
    found = {f.resource: f for f in _rbac(tmp_path, BINDINGS, "K8S079").values()}
    people = found["ClusterRoleBinding/sso-admins"]
    assert people.severity is Severity.MEDIUM and "not service accounts" in people.message
    # one service account among the subjects is enough to keep it high
    assert found["ClusterRoleBinding/ci-admin"].severity is Severity.HIGH
    assert found["ClusterRoleBinding/sa-as-user"].severity is Severity.HIGH
    assert found["ClusterRoleBinding/all-sas"].severity is Severity.MEDIUM
    assert found["ClusterRoleBinding/anyone"].severity is Severity.CRITICAL
    assert found["ClusterRoleBinding/devs-edit"].severity is Severity.LOW


SECRETS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: people-secrets}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: people-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: people-secrets}
subjects: [{kind: Group, name: platform-admins}, {kind: User, name: svc-credentials}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-secrets}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: unbound-secrets}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: joined-secrets
  labels: {rbac.example.com/aggregate-to-ops: "true"}
rules: [{apiGroups: [""], resources: [secrets], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: joined-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: joined-secrets}
subjects: [{kind: Group, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: app}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: User, name: alice}]
"""

# the pod-secrets role is bound in another file, to a service account and a group
SECRETS_BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pod-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-secrets}
subjects: [{kind: Group, name: admins}, {kind: ServiceAccount, name: exporter, namespace: monitoring}]
"""


def test_reading_every_secret_is_graded_by_who_holds_the_role(tmp_path):
    write(tmp_path, "deploy/bindings/pod-secrets.yaml", SECRETS_BINDING)
    found = {f.resource: f for f in _rbac(tmp_path, SECRETS, "K8S069").values()}
    people = found["ClusterRole/people-secrets"]
    assert people.severity is Severity.MEDIUM and "held only by users or groups" in people.message
    pods = found["ClusterRole/pod-secrets"]
    assert pods.severity is Severity.HIGH and "held by service account monitoring/exporter" in pods.message
    # bound nowhere auditui sees, or aggregated into another role: judged as written
    assert found["ClusterRole/unbound-secrets"].severity is Severity.HIGH
    assert found["ClusterRole/joined-secrets"].severity is Severity.HIGH
    assert found["Role/reader"].severity is Severity.LOW


def test_a_binding_added_later_moves_the_finding(tmp_path):
    write(tmp_path, "deploy/rbac.yaml", SECRETS)
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    before = {f.resource: f.severity for f in engine.findings if f.code == "K8S069"}
    assert before["ClusterRole/unbound-secrets"] is Severity.HIGH
    write(tmp_path, "deploy/late.yaml", SECRETS_BINDING.replace("pod-secrets", "unbound-secrets")
          .replace("{kind: Group, name: admins}, ", ""))
    engine.update(["deploy/late.yaml"])
    after = {f.resource: f for f in engine.findings if f.code == "K8S069"}
    assert after["ClusterRole/unbound-secrets"].severity is Severity.HIGH
    assert "monitoring/exporter" in after["ClusterRole/unbound-secrets"].message


SEVERAL_RULES = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
rules:
  - {apiGroups: [""], resources: [secrets], verbs: [get]}
  - {apiGroups: [""], resources: [configmaps, secrets], verbs: [list, watch]}
  - {apiGroups: [""], resources: [namespaces], verbs: [delete]}
  - {apiGroups: [""], resources: [persistentvolumes], verbs: [deletecollection]}
  - {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view]}
  - {apiGroups: [""], resources: [users], verbs: [impersonate]}
"""


def test_every_rbac_check_reports_a_role_once(tmp_path):
    for code in ("K8S067", "K8S068", "K8S069"):
        found = list(_rbac(tmp_path, SEVERAL_RULES, code).values())
        assert len(found) == 1, code
    secrets = list(_rbac(tmp_path, SEVERAL_RULES, "K8S069").values())[0]
    assert secrets.severity is Severity.HIGH and secrets.line == 6  # the rule that lists them, the most severe
    assert "get/list/watch every Secret" in secrets.message and "(2 rules)" in secrets.message
    delete = list(_rbac(tmp_path, SEVERAL_RULES, "K8S068").values())[0]
    assert "namespaces, persistentvolumes" in delete.message and "delete/deletecollection" in delete.message
    escalate = list(_rbac(tmp_path, SEVERAL_RULES, "K8S067").values())[0]
    assert escalate.severity is Severity.HIGH and escalate.line == 10  # the unscoped impersonate
    assert "bind on clusterroles (limited by resourceNames)" in escalate.message


CONTROLLER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: creds-controller}
rules:
  - {apiGroups: [iam.example.com], resources: [cloudroles, cloudroles/status], verbs: [get, list, watch, %s]}
  - {apiGroups: [""], resources: [secrets], verbs: [get, list, watch, create, update, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: creds-controller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: creds-controller}
subjects: [{kind: ServiceAccount, name: creds-controller, namespace: kube-system}]
"""


def test_a_controller_turning_its_resources_into_secrets_reads_them_by_design(tmp_path):
    found = list(_rbac(tmp_path, CONTROLLER % "update", "K8S069").values())
    assert [f.severity for f in found] == [Severity.MEDIUM]
    assert "iam.example.com cloudroles" in found[0].message and "by design" in found[0].message


def test_a_reader_of_its_resources_that_lists_every_secret_stays_high(tmp_path):
    # reads its custom resources without writing their status: a reader of Secrets, not their producer
    found = list(_rbac(tmp_path, CONTROLLER % "list", "K8S069").values())
    assert [f.severity for f in found] == [Severity.HIGH]


KSM = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: %s
  labels: {%s}
rules:
  - {apiGroups: [""], resources: [configmaps, secrets, nodes, pods, services], verbs: [list, watch]}
  - {apiGroups: [apps], resources: [deployments, statefulsets], verbs: [list, watch]}
  - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
  - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
"""


def test_kube_state_metrics_upstream_role_listing_secrets_is_medium_saying_how_to_trim_it(tmp_path):
    # vendored-bundle: upstream kube-state-metrics RBAC copied by zalando and kube-prometheus, known by
    # its name (or a Helm release's <release>-kube-state-metrics) or a component label, read-only
    for name, labels in (("kube-state-metrics", "component: kube-state-metrics"),
                         ("monitoring-kube-state-metrics", "app.kubernetes.io/name: kube-state-metrics"),
                         ("metrics-reader", "app.kubernetes.io/name: kube-state-metrics")):
        found = list(_rbac(tmp_path, KSM % (name, labels), "K8S069").values())
        assert [f.severity for f in found] == [Severity.MEDIUM], name
        assert "kube-state-metrics's upstream default RBAC" in found[0].message
        assert "trim 'secrets' from the role and from its --resources flag" in found[0].message


def test_a_kube_state_metrics_role_that_writes_or_another_exporter_stays_high(tmp_path):
    # the name alone does not make it upstream's: a role of that name that writes Secrets is the team's
    writes = KSM.replace("verbs: [list, watch]}\n  - {apiGroups: [apps]", "verbs: [list, watch, update]}\n  - {apiGroups: [apps]")
    found = list(_rbac(tmp_path, writes % ("kube-state-metrics", "app: kube-state-metrics"), "K8S069").values())
    assert [f.severity for f in found] == [Severity.HIGH] and "upstream" not in found[0].message
    found = list(_rbac(tmp_path, KSM % ("my-exporter", "app: my-exporter"), "K8S069").values())
    assert [f.severity for f in found] == [Severity.HIGH] and "upstream" not in found[0].message


INSIDE_ADMIN = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: certs}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list, create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: certs}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: certs}
subjects: [{kind: ServiceAccount, name: job-sa, namespace: certs}%s]
"""
ADMIN_BINDING = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: job-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: job-sa, namespace: certs}]
"""


def test_reading_secrets_inside_a_cluster_admin_grant_to_the_same_account_is_low(tmp_path):
    # one-problem-many (gitops-catalog letsencrypt-certs): RBAC adds up per subject; the cluster-admin
    # binding (K8S079, high) is the one to fix, wherever it is in the repository
    write(tmp_path, "deploy/admin.yaml", ADMIN_BINDING)
    found = list(_rbac(tmp_path, INSIDE_ADMIN % "", "K8S069").values())
    assert [f.severity for f in found] == [Severity.LOW]
    assert "also binds to cluster-admin (ClusterRoleBinding/job-admin, deploy/admin.yaml:1)" in found[0].message
    assert "K8S079" in found[0].message


def test_reading_secrets_stays_high_when_a_holder_is_not_cluster_admin(tmp_path):
    write(tmp_path, "deploy/admin.yaml", ADMIN_BINDING)
    found = list(_rbac(tmp_path, INSIDE_ADMIN % ", {kind: ServiceAccount, name: app, namespace: certs}",
                       "K8S069").values())
    assert [f.severity for f in found] == [Severity.HIGH] and "cluster-admin" not in found[0].message
    # the same account name in another namespace is another subject
    write(tmp_path, "deploy/admin.yaml", ADMIN_BINDING.replace("namespace: certs", "namespace: other"))
    found = list(_rbac(tmp_path, INSIDE_ADMIN % "", "K8S069").values())
    assert [f.severity for f in found] == [Severity.HIGH]


def test_a_cluster_admin_binding_added_later_folds_the_secrets_grant(tmp_path):
    write(tmp_path, "deploy/rbac.yaml", INSIDE_ADMIN % "")
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    assert [f.severity for f in engine.findings if f.code == "K8S069"] == [Severity.HIGH]
    write(tmp_path, "deploy/admin.yaml", ADMIN_BINDING)
    engine.update(["deploy/admin.yaml"])
    assert [f.severity for f in engine.findings if f.code == "K8S069"] == [Severity.LOW]


def test_star_verbs_on_the_kinds_a_controller_manages_are_low_and_the_rest_keeps_its_grade(tmp_path):
    # rbac-wildcard-own-group (kube-prometheus' prometheus-operator): '*' verbs on named resources are the
    # resources' own verbs; for a controller's role on the kinds it manages, what listing them would grant
    from pathlib import Path
    text = (Path(__file__).parent / "fixtures" / "k8s" / "rbac-wildcard" / "bad.yaml").read_text(encoding="utf-8")
    found = {f.resource: f for f in _rbac(tmp_path, text, "K8S066").values()}
    operator = found["ClusterRole/cache-operator"]
    assert operator.severity is Severity.LOW
    assert "a controller's role (it writes the status of its own cache.example.com caches)" in operator.message
    assert "none of them takes escalate, bind or impersonate" in operator.message
    assert found["ClusterRole/tenant-operator"].severity is Severity.HIGH  # '*' on roles: escalate, bind
    assert found["ClusterRole/app-operator"].severity is Severity.MEDIUM  # Flux's group is not its own
    assert "a controller's role" not in found["ClusterRole/app-operator"].message
    assert found["ClusterRole/scaler"].severity is Severity.HIGH  # no controller
    # its Secrets access is K8S069's: the operator pattern (it creates Secrets), medium by design
    secrets = {f.resource: f for f in _rbac(tmp_path, text, "K8S069").values()}
    assert secrets["ClusterRole/cache-operator"].severity is Severity.MEDIUM
    assert "by design" in secrets["ClusterRole/cache-operator"].message
    # a role whose '*' resources cover the core group reads Secrets too: K8S066's high, not a second finding
    assert "ClusterRole/deployer" not in secrets


STAR_SECRETS = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: vault-sync}
rules: [{apiGroups: [""], resources: [secrets], verbs: ["*"]}]
"""


def test_star_verbs_on_secrets_are_reported_by_the_secrets_check(tmp_path):
    # Secrets access in any spelling of the verbs is K8S069's (it knows who holds the role); the wildcard
    # finding stays, one grade lower than the access it leaves to K8S069
    secrets = list(_rbac(tmp_path, STAR_SECRETS, "K8S069").values())
    assert [f.severity for f in secrets] == [Severity.HIGH] and "get/list/watch every Secret" in secrets[0].message
    assert [f.severity for f in _rbac(tmp_path, STAR_SECRETS, "K8S066").values()] == [Severity.MEDIUM]
