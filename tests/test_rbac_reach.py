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
    found = {f.resource + (" core" if "''" in f.evidence or "['']" in f.evidence else ""): f
             for f in _rbac(tmp_path, RBAC, "K8S066").values()}
    assert found["Role/tenant"].severity is Severity.MEDIUM
    assert "namespace-scoped (only in namespace team-a" in found["Role/tenant"].message
    # no namespace written: the one it is deployed to (never a guess such as 'default')
    assert "only in the namespace it is deployed to" in found["Role/operate"].message
    assert found["ClusterRole/cluster-tenant"].severity is Severity.HIGH
    assert found["ClusterRole/routes-edit"].severity is Severity.MEDIUM
    assert "scoped to the API groups gateway.networking.k8s.io" in found["ClusterRole/routes-edit"].message
    assert found["ClusterRole/routes-edit core"].severity is Severity.HIGH  # the core group stays high
    assert found["ClusterRole/routes-view"].severity is Severity.LOW
    # a named CRD group without aggregation: whoever is bound gets all of it, cluster-wide
    assert found["ClusterRole/workflows-rw"].severity is Severity.HIGH


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
