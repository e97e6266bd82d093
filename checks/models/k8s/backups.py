"""What Kubernetes objects say about backups: the object-level half of the one backup model.

* :data:`BACKUP_WORDS` - words in a Job/CronJob that say "this takes a backup";
* :func:`backup_scope` - what a Velero ``Schedule``/``Backup`` or a k8up ``Schedule``/``Backup``
  selects: its namespaces, its label selectors, and whether volume data is included;
* :func:`backup_target` - the operator store a scheduled backup resource names (a CloudNativePG
  ``ScheduledBackup`` through a plugin, a mariadb-operator ``Backup`` with a schedule);
* :func:`dump_hosts` - the hosts a backup Job/CronJob dumps (``pg_dump -h pgsql``, ``PGHOST``,
  ``mongodb://db:27017``);
* :func:`store_labels` - the labels a database operator copies from its resource to the pods and
  claims that hold the data (CloudNativePG ``spec.inheritedMetadata``, Crunchy ``spec.metadata``;
  Zalando the keys its operator configuration lists in ``inherited_labels``);
* :func:`inherited_label_keys` - those keys, from a Zalando ``OperatorConfiguration``, the
  operator's ConfigMap, or the postgres-operator chart's ``configKubernetes`` values;
* :func:`scope_covers` - does a backup scope select a store in this namespace with these labels.

Operator backup sections (CloudNativePG ``spec.backup``, Crunchy ``spec.backups.pgbackrest.repos``,
Zalando ``enableLogicalBackup`` or WAL-E/WAL-G settings, Percona ``spec.backup``) are read by
:func:`.operators.operator_backup`. The repository-level questions ("is there a backup at all",
"which backup covers this database") are in ``checks/backups.py``.
"""

from __future__ import annotations

import re
from typing import Any

from ..yamlnodes import YList, YMap
from .objects import K8sObject, Workload, str_list

#: words in a Job/CronJob's name, images or command that say "this takes a backup"
BACKUP_WORDS = (
    "backup", "pg_dump", "pg_dumpall", "pg_basebackup", "pgbackrest", "wal-g", "walg",
    "mysqldump", "mariadb-dump", "mariabackup", "xtrabackup", "mongodump", "redis-cli --rdb",
    "restic", "velero", "borg", "kopia", "etcdctl snapshot", "bgsave", "snapshot save",
    "barman", "litestream", "mydumper", "pg_probackup", "gitea dump", "forgejo dump", "arangodump",
    "influx backup", "nodetool snapshot", "kc.sh export", "document_exporter", "mmctl export",
)

#: custom resources that schedule backups (Velero, operators, k8up, Stash)
BACKUP_KINDS = (
    "Schedule", "Backup", "ScheduledBackup", "BackupSchedule", "BackupConfiguration",
    "PerconaServerMongoDBBackup", "PerconaXtraDBClusterBackup", "MySQLBackup", "PostgresBackup",
)
#: API groups whose ``Schedule``/``Backup`` kinds are backups (other groups reuse the names)
BACKUP_GROUPS = ("velero.io/", "k8up.io/", "backup.appuio.ch/", "k8s.mariadb.com/", "mariadb.mmontes.io/")

#: resources whose inclusion brings a volume's data into a Velero backup (pods bring the claims
#: they mount as additional items, claims bring their volumes)
_DATA_RESOURCES = frozenset({"*", "pods", "pod", "persistentvolumeclaims", "persistentvolumeclaim", "pvc",
                             "persistentvolumes", "persistentvolume", "pv"})


def _templated(value: Any) -> bool:
    text = repr(value)
    return "{{" in text or "${" in text or "$(" in text


def _selector(node: Any) -> tuple | None:
    """A label selector as (match_labels pairs, match_expressions), None if not a mapping."""
    if not isinstance(node, YMap):
        return None
    labels = node.get("matchLabels")
    exprs = tuple((str(e.get("key")), str(e.get("operator")), tuple(str_list(e.get("values"))))
                  for _, e in node.list("matchExpressions").maps())
    pairs = tuple(sorted((str(k), str(v)) for k, v in labels.items())) if isinstance(labels, YMap) else ()
    return (pairs, exprs)


def backup_scope(obj: K8sObject) -> dict[str, Any] | None:
    """What a Velero or k8up backup (scheduled or one-off) selects, or None for other objects.

    ``namespaces``: the included namespaces (None: every namespace; k8up: its own namespace);
    ``excluded``: excluded namespaces; ``selectors``: label selectors of which any one must match
    (empty: every object); ``data``: volume data is included (snapshots or file-system backup,
    claims not excluded); ``verifiable``: False when a value is templated (it lowers nothing)."""
    api = obj.api_version
    if obj.kind not in ("Schedule", "Backup"):
        return None
    if api.startswith("velero.io/"):
        spec = obj.spec.map("template") if obj.kind == "Schedule" else obj.spec
        included = [str(n) for n in str_list(spec.get("includedNamespaces"))]
        resources = {str(r).lower() for r in str_list(spec.get("includedResources"))
                     + str_list(spec.get("includedNamespaceScopedResources"))}
        excluded_resources = {str(r).lower() for r in str_list(spec.get("excludedResources"))
                              + str_list(spec.get("excludedNamespaceScopedResources"))}
        selectors = [sel for sel in (_selector(spec.get("labelSelector")),) if sel is not None]
        selectors += [sel for _, item in spec.list("orLabelSelectors").maps() if (sel := _selector(item)) is not None]
        snapshots = spec.get("snapshotVolumes") is not False
        fs_backup = spec.get("defaultVolumesToFsBackup") is True or spec.get("defaultVolumesToRestic") is True
        data = ((snapshots or fs_backup) and (not resources or bool(resources & _DATA_RESOURCES))
                and not excluded_resources & {"persistentvolumeclaims", "persistentvolumes", "pods"})
        return {
            "tool": "Velero",
            "namespaces": None if not included or "*" in included else tuple(included),
            "excluded": tuple(str(n) for n in str_list(spec.get("excludedNamespaces"))),
            "selectors": tuple(selectors),
            "data": bool(data),
            "paused": obj.spec.get("paused") is True,
            "verifiable": not _templated(spec) and not _templated(obj.namespace),
        }
    if api.startswith(("k8up.io/", "backup.appuio.ch/")):
        if obj.kind == "Schedule" and "backup" not in obj.spec:
            return None  # a schedule of checks or prunes only
        return {
            "tool": "k8up",
            "namespaces": (obj.namespace,) if obj.namespace else (),
            "excluded": (),
            "selectors": (),
            "data": True,
            "paused": False,
            "verifiable": bool(obj.namespace) and not _templated(obj.namespace),
        }
    return None


def backup_target(obj: K8sObject) -> str | None:
    """The operator store a scheduled backup resource names: a CloudNativePG ``ScheduledBackup``
    through a plugin (``method: plugin``, the barman-cloud plugin; ``spec.cluster.name``, not
    suspended) or a mariadb-operator ``Backup`` with a ``schedule`` (``spec.mariaDbRef.name``); None
    for other objects and for one-off backups. A CloudNativePG ``ScheduledBackup`` of the default
    methods works only with the cluster's own ``spec.backup``, which covers it by itself."""
    group = obj.api_version.split("/", 1)[0] if "/" in obj.api_version else ""
    spec = obj.spec
    if (group, obj.kind) == ("postgresql.cnpg.io", "ScheduledBackup") and spec.get("suspend") is not True \
            and spec.get("method") == "plugin":
        name = spec.map("cluster").get("name")
    elif group in ("k8s.mariadb.com", "mariadb.mmontes.io") and obj.kind == "Backup" and "schedule" in spec:
        name = spec.map("mariaDbRef").get("name")
    else:
        return None
    return str(name) if isinstance(name, str) and name and not _templated(name) else None


def _label_matches(selector: Any, labels: dict[str, str]) -> bool:
    pairs, exprs = selector
    if any(labels.get(key) != value for key, value in pairs):
        return False
    for key, operator, values in exprs:
        op = operator.lower()
        if (op == "in" and labels.get(key) not in values) or (op == "notin" and labels.get(key) in values) \
                or (op == "exists" and key not in labels) or (op == "doesnotexist" and key in labels):
            return False
        if op not in ("in", "notin", "exists", "doesnotexist"):
            return False  # an operator we do not know: not verified
    return True


def scope_covers(scope: dict[str, Any], namespace: str | None, labels: dict[str, str] | None) -> bool:
    """Does this backup scope (:func:`backup_scope`) take the data of a store in ``namespace``
    whose pods and claims carry ``labels`` (None: not known)? Only what is verified counts: a
    templated scope, a namespace list that needs a namespace the object does not state, or a
    label selector when the labels the data carries are not known, cover nothing."""
    if not scope.get("verifiable") or scope.get("paused") or not scope.get("data"):
        return False
    included, excluded = scope.get("namespaces"), tuple(scope.get("excluded") or ())
    if included is not None or excluded:
        if not namespace:
            return False
        if included is not None and namespace not in included:
            return False
        if namespace in excluded:
            return False
    selectors = tuple(scope.get("selectors") or ())
    if not selectors:
        return True
    if labels is None:
        return False
    return any(_label_matches(selector, labels) for selector in selectors)


# -- backup jobs: which hosts they dump ----------------------------------------------------------

_HOST_FLAG = re.compile(r"(?:^|\s)(?:-h|--host|--hostname)(?:=|\s+)['\"]?([A-Za-z0-9][\w.\-]*)")
_HOST_URI = re.compile(r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss)://"
                       r"(?:[^@/\s'\"]*@)?([A-Za-z0-9][\w.\-]*)")
_HOST_ENV = re.compile(r"(?:^|_)(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS)$")


def dump_hosts(workload: Workload) -> tuple[str, ...]:
    """The hosts a backup Job/CronJob names (``-h``/``--host``, a ``*_HOST`` variable, a database
    URI), lower-cased; values made of variables are left out (not known)."""
    hosts: set[str] = set()
    for container in workload.containers(include_init=True):
        node = container.node
        text = " ".join(str(word) for key in ("command", "args") for word in str_list(node.get(key)))
        hosts.update(match.group(1) for match in _HOST_FLAG.finditer(text))
        hosts.update(match.group(1) for match in _HOST_URI.finditer(text))
        for _, item in node.list("env").maps():
            name, value = str(item.get("name") or "").upper(), item.get("value")
            if not isinstance(value, str):
                continue
            if _HOST_ENV.search(name) and re.fullmatch(r"[A-Za-z0-9][\w.\-]*(:\d+)?", value):
                hosts.add(value.split(":", 1)[0])
            hosts.update(match.group(1) for match in _HOST_URI.finditer(value))
    return tuple(sorted(host.lower().rstrip(".") for host in hosts))


# -- operator stores: the labels their pods and claims carry -------------------------------------

def store_labels(api_version: str, kind: str, doc: YMap) -> dict[str, str] | None:
    """Labels an operator puts on the pods and claims of a store because its resource asks for
    them (CloudNativePG ``spec.inheritedMetadata.labels``, Crunchy ``spec.metadata.labels``), or,
    for Zalando, the resource's own labels (the operator copies those its configuration lists in
    ``inherited_labels``). None for other resources."""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    spec = doc.map("spec")
    if (group, kind) == ("postgresql.cnpg.io", "Cluster"):
        labels = spec.map("inheritedMetadata").get("labels")
    elif (group, kind) == ("postgres-operator.crunchydata.com", "PostgresCluster"):
        labels = spec.map("metadata").get("labels")
    elif (group, kind) == ("acid.zalan.do", "postgresql"):
        labels = doc.map("metadata").get("labels")
    else:
        return None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, YMap) else {}


def _keys(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, YList)):
        return tuple(str(item).strip() for item in value if str(item).strip())
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, YMap):  # the chart's older map form {key: value}
        return tuple(str(key) for key in value)
    return ()


def inherited_label_keys(obj: K8sObject) -> tuple[str, ...] | None:
    """The label keys a Zalando postgres-operator configuration (an ``OperatorConfiguration`` or
    the operator's ConfigMap) copies from a cluster's resource to its pods and claims."""
    if obj.kind == "OperatorConfiguration" and obj.api_version.startswith("acid.zalan.do/"):
        return _keys(obj.doc.map("configuration").map("kubernetes").get("inherited_labels"))
    if obj.kind == "ConfigMap" and "inherited_labels" in obj.doc.map("data"):
        return _keys(obj.doc.map("data").get("inherited_labels"))
    return None


def values_inherited_label_keys(root: YMap) -> tuple[str, ...] | None:
    """The same keys from Helm values of the postgres-operator chart: ``configKubernetes`` at the
    top, or under a subchart key (``postgres-operator: {configKubernetes: ...}``)."""
    candidates = [root] + [value for value in root.values() if isinstance(value, YMap)]
    for node in candidates:
        config = node.get("configKubernetes")
        if isinstance(config, YMap) and "inherited_labels" in config:
            return _keys(config.get("inherited_labels"))
    return None
