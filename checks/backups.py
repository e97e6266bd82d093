"""Backups in the repository: is there one at all, and which database objects does one cover.

The repository-level half of the one backup model (the objects' half, what a Velero schedule
selects or a backup job dumps, is :mod:`.models.k8s.backups`):

* :func:`backup_present` - any backup job or backup schedule anywhere (K8S078 asks it);
* :func:`documented_backup` - a backup procedure the documentation describes, done by hand
  (REPO003 and SH006 ask it: what the repository automates is missing, not every backup);
* :func:`cluster_wide_cover` - a Velero backup of every namespace and every object (HELM007 asks);
* :func:`backup_cover` - the backup that demonstrably takes *this* database's data: the
  operator's own backup section or a scheduled backup resource naming it (CloudNativePG
  ``ScheduledBackup``, a mariadb-operator ``Backup`` with a schedule), a Velero ``Schedule``/``Backup`` whose namespaces and label
  selectors select the pods and claims that hold the data, a k8up backup in its namespace, or
  a backup CronJob that dumps a host named as the database. Only a verified cover counts: a
  templated selector, a namespace the object does not state, labels the operator is not known
  to copy to its pods and claims, or a backup tool installed from outside cover nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .facts import RepoIndex
from .kustomize import same_namespace
from .models.k8s.backups import BACKUP_GROUPS, BACKUP_KINDS, scope_covers
from .models.k8s.operators import OPERATOR_BACKUP_FIELDS
from .models.topics import DOC_BACKUP, HELM_VALUES


def documented_backup(index: RepoIndex) -> str:
    """Where the repository documents a backup procedure its operators follow by hand (a docs page's
    Backups section), said in words; '' when none does. auditui cannot check it is followed."""
    found = index.sample(str(DOC_BACKUP), 1)
    if not found:
        return ""
    path, fact = found[0]
    return f"{path} documents a backup procedure (section {fact.data.heading!r})"


def backup_present(index: RepoIndex) -> bool:
    """Does any Job/CronJob take a backup, or any backup resource schedule one?"""
    for kind in ("CronJob", "Job"):
        for _, fact in index.k8s(kind):
            if fact.data.backup:
                return True
    for kind in BACKUP_KINDS:
        for _, fact in index.k8s(kind):
            api = str(fact.data.api or "")
            if kind in ("Schedule", "Backup") and not api.startswith(BACKUP_GROUPS):
                continue
            return True
    return False


#: the topics :func:`backup_present` reads (for ``index.derived``)
PRESENT_TOPICS = ("k8s:CronJob", "k8s:Job") + tuple(f"k8s:{kind}" for kind in BACKUP_KINDS)


def is_backup_present(index: RepoIndex) -> bool:
    return bool(index.derived("backups:present", PRESENT_TOPICS, backup_present))


@dataclass(frozen=True)
class Cover:
    """A backup that takes a database's data: what it is and where it is defined."""

    what: str       # "Velero Schedule velero/retain-weekly", "its own backup section (`spec.backup`)"
    path: str
    line: int
    own: bool = False  # the database's own resource configures it

    def describe(self) -> str:
        return self.what if self.own else f"{self.what} ({self.path}:{self.line})"


_SCOPE_TOPICS = ("k8s:Schedule", "k8s:Backup")
_DUMP_TOPICS = ("k8s:CronJob", "k8s:Job")
_INHERIT_TOPICS = ("k8s:OperatorConfiguration", "k8s:ConfigMap", str(HELM_VALUES))


def _scopes(index: RepoIndex) -> list[tuple[str, int, str, dict[str, Any]]]:
    out: list[tuple[str, int, str, dict[str, Any]]] = []
    for kind in ("Schedule", "Backup"):
        for path, fact in index.k8s(kind):
            if fact.data.backup_scope is None:
                continue
            scope = dict(fact.data.backup_scope)
            where = f"{fact.data.namespace}/{fact.data.name}" if fact.data.namespace else str(fact.data.name)
            out.append((path, fact.line or 0, f"{scope['tool']} {kind} {where}", scope))
    return sorted(out, key=lambda item: (item[0], item[1]))


def _dumps(index: RepoIndex) -> list[tuple[str, int, str, str | None, tuple[str, ...]]]:
    out: list[tuple[str, int, str, str | None, tuple[str, ...]]] = []
    for kind in ("CronJob", "Job"):
        for path, fact in index.k8s(kind):
            if fact.data.backup and fact.data.dump_hosts:
                out.append((path, fact.line or 0, f"{kind} {fact.data.name}", fact.data.namespace,
                            tuple(fact.data.dump_hosts)))
    return sorted(out, key=lambda item: (item[0], item[1]))


#: scheduled backup resources of an operator, and the kinds of store they name
_TARGET_KINDS = {"ScheduledBackup": ("Cluster",), "Backup": ("MariaDB",)}
_TARGET_TOPICS = tuple(f"k8s:{kind}" for kind in _TARGET_KINDS)


def _targets(index: RepoIndex) -> list[tuple[str, int, str, str | None, str, str]]:
    """(path, line, what, namespace, store kind, store name) of scheduled operator backups."""
    out: list[tuple[str, int, str, str | None, str, str]] = []
    for kind, stores in _TARGET_KINDS.items():
        for path, fact in index.k8s(kind):
            if fact.data.backup_target:
                group = str(fact.data.api or "").split("/", 1)[0]
                for store in stores:
                    out.append((path, fact.line or 0, f"{kind} {fact.data.name} ({group})", fact.data.namespace,
                                store, str(fact.data.backup_target)))
    return sorted(out, key=lambda item: (item[0], item[1]))


def _inherited(index: RepoIndex) -> frozenset[str]:
    keys: set[str] = set()
    for kind in ("OperatorConfiguration", "ConfigMap"):
        for _, fact in index.k8s(kind):
            keys.update(fact.data.inherited_labels or ())
    for _, values in index.facts(HELM_VALUES):
        keys.update(values.data.inherited_labels or ())
    return frozenset(keys)


def _data_labels(index: RepoIndex, fact) -> dict[str, str] | None:
    """The labels the pods and claims holding the data carry (None: not known)."""
    data = fact.data
    if data.members_line is None:  # a workload: its pods (Velero adds the claims a pod mounts)
        return dict(data.pod_labels) if data.pod_labels is not None else None
    if data.store_labels is None:
        return None  # an operator not known to copy labels to its pods and claims
    labels = dict(data.store_labels)
    if str(data.api or "").startswith("acid.zalan.do/"):  # Zalando copies only configured keys
        inherited = index.derived("backups:zalando-inherited", _INHERIT_TOPICS, _inherited)
        labels = {key: value for key, value in labels.items() if key in inherited}
    return labels


def _own_section(fact) -> str:
    api = str(fact.data.api or "")
    group = api.split("/", 1)[0] if "/" in api else ""
    kind = fact.topic.split(":", 1)[1]
    where = OPERATOR_BACKUP_FIELDS.get((group, kind))
    if group == "acid.zalan.do":
        return "its own logical backup or WAL archive settings (`spec.enableLogicalBackup`, `spec.env`)"
    return f"its own backup section (`{'.'.join(where)}`)" if where else "its own backup section"


def _host_names(name: str, operator: bool) -> set[str]:
    """Service names a client dials for a database (an operator's read-write service too)."""
    names = {name}
    if operator:
        names.update({f"{name}-rw", f"{name}-primary", f"{name}-master"})
    return names


def _dumps_host(hosts: tuple[str, ...], names: set[str], job_ns: str | None, store_ns: str | None) -> bool:
    for host in hosts:
        parts = host.split(".")
        if parts[0] not in names:
            continue
        host_ns = parts[1] if len(parts) > 1 and parts[1] != "svc" else None
        if host_ns is not None:
            if store_ns is not None and host_ns != store_ns:
                continue
            if store_ns is None and job_ns != host_ns:
                continue  # the host names a namespace the database does not state
            return True
        if same_namespace(job_ns, store_ns):
            return True
    return False


def cluster_wide_cover(index: RepoIndex) -> Cover | None:
    """A Velero backup of every namespace with no label selector (and volume data): it takes the
    data of any database of the cluster, including those whose objects auditui does not see
    (a chart's values, HELM007)."""
    for where, line, what, scope in index.derived("backups:scopes", _SCOPE_TOPICS, _scopes):
        if scope.get("namespaces") is None and not scope.get("excluded") and scope_covers(scope, None, None):
            return Cover(what, where, line)
    return None


def backup_cover(index: RepoIndex, path: str, fact) -> Cover | None:
    """The backup in the repository that takes this database's data (a ``k8s:<Kind>`` fact of a
    workload or an operator store), or None when none is verified."""
    data = fact.data
    operator = data.members_line is not None
    if operator and data.store_backup is True:
        return Cover(_own_section(fact), path, fact.line or 0, own=True)
    if operator:
        kind = fact.topic.split(":", 1)[1]
        for where, line, what, namespace, store, name in index.derived("backups:targets", _TARGET_TOPICS, _targets):
            if store == kind and name == data.name and same_namespace(namespace, data.namespace):
                return Cover(what, where, line)
    scopes = index.derived("backups:scopes", _SCOPE_TOPICS, _scopes)
    if scopes:
        labels = _data_labels(index, fact)
        for where, line, what, scope in scopes:
            if scope_covers(scope, data.namespace, labels):
                return Cover(what, where, line)
    dumps = index.derived("backups:dumps", _DUMP_TOPICS, _dumps)
    names = _host_names(str(data.name), operator)
    for where, line, what, namespace, hosts in dumps:
        if _dumps_host(hosts, names, namespace, data.namespace):
            return Cover(f"{what}, which dumps its host", where, line)
    return None
