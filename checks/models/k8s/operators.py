"""Operator-managed data stores (CloudNativePG, Percona, MariaDB...): members and backups."""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from ..yamlnodes import YList, YMap

#: operator custom resources that run a replicated data store:
#: (API group, kind) -> (where the member count is, its default when unset (None: required),
#: how counts of a list combine, what the resource runs).  ``*`` walks a list.
OPERATOR_STORES: dict[tuple[str, str], tuple[tuple[str, ...], int | None, str, str]] = {
    ("postgresql.cnpg.io", "Cluster"): (("spec", "instances"), 1, "sum", "PostgreSQL (CloudNativePG)"),
    ("acid.zalan.do", "postgresql"): (("spec", "numberOfInstances"), None, "sum", "PostgreSQL (Zalando postgres-operator)"),
    ("postgres-operator.crunchydata.com", "PostgresCluster"): (
        ("spec", "instances", "*", "replicas"), 1, "sum", "PostgreSQL (Crunchy PGO)"),
    ("mysql.oracle.com", "InnoDBCluster"): (("spec", "instances"), 1, "sum", "MySQL (InnoDB Cluster)"),
    ("pxc.percona.com", "PerconaXtraDBCluster"): (("spec", "pxc", "size"), None, "sum", "MySQL (Percona XtraDB Cluster)"),
    ("psmdb.percona.com", "PerconaServerMongoDB"): (("spec", "replsets", "*", "size"), None, "min", "MongoDB (Percona)"),
    ("mongodbcommunity.mongodb.com", "MongoDBCommunity"): (("spec", "members"), None, "sum", "MongoDB (Community operator)"),
    ("k8s.mariadb.com", "MariaDB"): (("spec", "replicas"), 1, "sum", "MariaDB (mariadb-operator)"),
    ("mariadb.mmontes.io", "MariaDB"): (("spec", "replicas"), 1, "sum", "MariaDB (mariadb-operator)"),
}


OPERATOR_STORE_KINDS = tuple(sorted({kind for _, kind in OPERATOR_STORES}))


#: where an operator store's own resource schedules backups; None: configured in the
#: operator's settings, outside the repository's view (not judged)
OPERATOR_BACKUP_FIELDS: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("postgresql.cnpg.io", "Cluster"): ("spec", "backup"),
    ("acid.zalan.do", "postgresql"): None,
    ("postgres-operator.crunchydata.com", "PostgresCluster"): ("spec", "backups", "pgbackrest", "repos"),
    ("mysql.oracle.com", "InnoDBCluster"): ("spec", "backupSchedules"),
    ("pxc.percona.com", "PerconaXtraDBCluster"): ("spec", "backup", "schedule"),
    ("psmdb.percona.com", "PerconaServerMongoDB"): ("spec", "backup", "tasks"),
    ("mongodbcommunity.mongodb.com", "MongoDBCommunity"): (),
    ("k8s.mariadb.com", "MariaDB"): (),
    ("mariadb.mmontes.io", "MariaDB"): (),
}


#: Zalando settings of a cluster's own resource that turn on a backup: environment variables
#: naming a WAL-E/WAL-G archive (``WAL_S3_BUCKET``, ``WALG_...``, ``USE_WALG_BACKUP``)
_ZALANDO_WAL_ENV = re.compile(r"^(?:WAL_(?:S3|GS|AZ|AZURE)_BUCKET|WALG_\w+|WALE_\w+|USE_WALG_BACKUP)$")


def operator_backup(api_version: str, kind: str, doc: YMap) -> bool | None:
    """Whether an operator store's resource configures backups (None: not knowable from it).

    A Zalando cluster is backed up when its resource turns on the logical backup
    (``enableLogicalBackup: true``) or names a WAL-E/WAL-G archive in ``spec.env``; otherwise
    its backups are the operator configuration's business (None). A Crunchy cluster needs a
    pgBackRest repository (``spec.backups.pgbackrest.repos``)."""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    where = OPERATOR_BACKUP_FIELDS.get((group, kind), ())
    if (group, kind) == ("acid.zalan.do", "postgresql"):
        spec = doc.map("spec")
        if spec.get("enableLogicalBackup") is True:
            return True
        for _, item in spec.list("env").maps():
            if _ZALANDO_WAL_ENV.match(str(item.get("name") or "")) and item.get("value") not in (None, "", "false"):
                return True
        return None
    if where is None:
        return None
    node: Any = doc
    for key in where:
        if not isinstance(node, YMap) or key not in node:
            return False
        node = node.get(key)
    return bool(where) and node not in (None, "", False) and node != [] and node != {}


def _is_count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def operator_members(api_version: str, kind: str, doc: YMap,
                     explicit: bool = False) -> tuple[int | None, int, tuple] | None:
    """(member count, line, ypath) of an operator-managed store, or None for other objects.

    The count is None when it cannot be known (a required field left out, a templated
    value) or, with ``explicit`` (a patch), when the document does not set it; the line
    and ypath point at the count, or at ``spec`` when it is unset.
    """
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    entry = OPERATOR_STORES.get((group, kind))
    if entry is None:
        return None
    where, default, combine, _ = entry
    spec = doc.map("spec")
    at_spec = (doc.key_line("spec") if "spec" in doc else doc.line, tuple(doc.ypath) + ("spec",))

    def walk(node: Any, rest: tuple[str, ...]) -> list[tuple[Any, int, tuple]]:
        key, tail = rest[0], rest[1:]
        if key == "*":
            if not isinstance(node, YList):
                return []
            return [hit for item in node for hit in walk(item, tail)]
        if not isinstance(node, YMap):
            return []
        if not tail:
            value = node.get(key, _UNSET)
            line = node.key_line(key) if key in node else node.line
            return [(value, line, tuple(node.ypath) + ((key,) if key in node else ()))]
        return walk(node.get(key), tail)

    if explicit:
        default = None
    found = walk(spec, where[1:])
    if not found:
        return (default, *at_spec)
    counts: list[tuple[int, int, tuple]] = []
    for value, line, ypath in found:
        if ypath == at_spec[1]:
            line = at_spec[0]  # unset at the top of spec: point at `spec:` itself
        value = default if value is _UNSET else value
        if not _is_count(value):
            return (None, *at_spec)
        counts.append((value, line, ypath))
    pick = min(counts, key=lambda item: item[0])
    total = pick[0] if combine == "min" else sum(count for count, _, _ in counts)
    return (total, pick[1], pick[2])


_UNSET = object()


def operator_ephemeral(api_version: str, kind: str, doc: YMap) -> bool:
    """An operator store whose data lives on ephemeral storage: a Percona ``volumeSpec`` of
    ``emptyDir`` (``spec.pxc``, a MongoDB replset), mariadb-operator's ``storage.ephemeral: true``.
    The other operators always put their data on claims."""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    if (group, kind) not in OPERATOR_STORES:
        return False
    spec = doc.map("spec")
    if kind == "MariaDB":
        return spec.map("storage").get("ephemeral") is True
    if kind == "PerconaXtraDBCluster":
        return "emptyDir" in spec.map("pxc").map("volumeSpec")
    if kind == "PerconaServerMongoDB":
        sets = [item for _, item in spec.list("replsets").maps()]
        return bool(sets) and any("emptyDir" in item.map("volumeSpec") for item in sets)
    return False

