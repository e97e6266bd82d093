from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..availability import single_instance_severity
from ..backups import backup_cover
from ..facts import RepoIndex
from ..kustomize import (
    json6902_file_counts,
    kustomize_reach,
    overlay_applies,
    owning_kustomization,
    parent_dir,
    same_namespace,
)
from ..models.k8s.layout import in_patch_location
from ..models.k8s.operators import OPERATOR_STORE_KINDS, OPERATOR_STORES
from ..models.k8s.patches import ANY_NAME
from ..models.topics import KUSTOMIZE_DETAILS

CHECK = Check(
    code="K8S023",
    name="operator-database-single-instance",
    title="Operator-managed database runs a single instance",
    severity=Severity.CRITICAL,
    category=Category.DATABASE_HA,
    rationale=(
        "A database operator (CloudNativePG, Zalando or Crunchy postgres-operator, MySQL InnoDB "
        "Cluster, Percona, the MongoDB and MariaDB operators) only fails over when there is a "
        "replica to fail over to. With one instance, a node drain, an eviction or an upgrade "
        "stops the database, and every service that depends on it, until the pod is "
        "rescheduled and its volume re-attached. Most of these resources default to one "
        "instance when the count is left out. Severity follows the rule of K8S002: high when the "
        "data is on claims (an outage, the data is kept: every operator's default), critical when "
        "its only copy is on ephemeral storage (a Percona `volumeSpec.emptyDir`, mariadb-operator's "
        "`storage.ephemeral: true`), which the next reschedule deletes; medium when a backup demonstrably "
        "takes the data (the resource's own backup section, a Velero schedule selecting the labels the "
        "operator copies to its pods and claims, a k8up backup in its namespace) or the repository's "
        "README declares a home lab."
    ),
    remediation=(
        "Set the member count to at least 3 (or a primary and a standby where the operator "
        "supports it: `instances: 2` for CloudNativePG).",
        "Spread the instances across nodes or zones with the operator's affinity settings, so one "
        "node or zone failure does not take every instance.",
        "If a single instance is intended for a development overlay, raise the count in the "
        "production overlay (the check reads Kustomize patches) or suppress this finding there with a reason.",
    ),
    effort="2h",
    references=(
        "https://cloudnative-pg.io/documentation/current/replication/",
        "https://postgres-operator.readthedocs.io/en/latest/reference/cluster_manifest/",
        "https://dev.mysql.com/doc/mysql-operator/en/mysql-operator-properties.html",
    ),
)


def _definitions(kind: str):
    def build(index: RepoIndex) -> dict[str, list[tuple]]:
        """name -> [(path, owner kustomization dir, namespace, count, in a patch location)]."""
        reach = index.derived("kustomize:reach", ("kustomization",), kustomize_reach)
        out: dict[str, list[tuple]] = {}
        for topic, patch in ((f"k8s:{kind}", False), (f"k8s-patch:{kind}", True)):  # patch files: k8s-patch
            for path, fact in index.facts(topic):
                if fact.data.members_line is None:
                    continue
                out.setdefault(str(fact.data.name), []).append(
                    (path, owning_kustomization(path, reach), fact.data.namespace, fact.data.members,
                     patch or in_patch_location(path)))
        for kpath, details in index.facts(KUSTOMIZE_DETAILS):
            for pkind, name, count, *_ in details.data.patch_replicas or ():
                if pkind in (kind, ""):
                    out.setdefault(str(name), []).append((kpath, parent_dir(kpath), None, count, True))
            for ppath, name, count in json6902_file_counts(index, details, kind):
                out.setdefault(name, []).append((ppath, parent_dir(kpath), None, count, True))
        return out

    return build


def _count_key(api: str, kind: str) -> str:
    group = api.split("/", 1)[0] if "/" in api else ""
    where = OPERATOR_STORES[(group, kind)][0]
    return next(part for part in reversed(where) if part != "*")


def _store(api: str, kind: str) -> str:
    group = api.split("/", 1)[0] if "/" in api else ""
    return OPERATOR_STORES[(group, kind)][3]


@CHECK.on_each(*(f"k8s:{kind}" for kind in OPERATOR_STORE_KINDS))
def operator_database_single_instance(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    line = fact.data.members_line
    members = fact.data.members
    if line is None or members != 1 or isinstance(members, bool):
        return  # not an operator store (another group's `Cluster`), unknown, scaled to 0, or replicated
    kind, name, ns = fact.topic.split(":", 1)[1], str(fact.data.name), fact.data.namespace
    table = index.derived(f"K8S023:definitions:{kind}",
                          (f"k8s:{kind}", f"k8s-patch:{kind}", "kustomize:details", "kustomization",
                           "kustomize:json6902"),
                          _definitions(kind))
    others = [entry for entry in table.get(name, ()) if entry[0] != path and same_namespace(ns, entry[2])]
    patched = in_patch_location(path)
    if patched and any(not entry[4] for entry in others):
        return  # a patch of a base defined elsewhere: the base (with its overlays) is judged there
    # an inline patch whose target names no object raises every store of its kind it builds
    anyone = [(entry, True) for entry in table.get(ANY_NAME, ()) if same_namespace(ns, entry[2])]
    for (source, owner, _, count, is_patch), wildcard in [(entry, False) for entry in others] + anyone:
        if not is_patch or not isinstance(count, int) or isinstance(count, bool) or count < 2:
            continue
        if overlay_applies(index, path, source, owner, wildcard):
            return  # an overlay raises the count where it is deployed
    api, key = str(fact.data.api or ""), _count_key(str(fact.data.api or ""), kind)
    explicit = tuple(fact.data.members_ypath or ())[-1:] == (key,)
    ephemeral = bool(fact.data.members_ephemeral)
    severity, why = single_instance_severity(index, persistent=not ephemeral,
                                             cover=None if ephemeral else backup_cover(index, path, fact))
    yield CHECK.finding(
        Pos(line, line, tuple(fact.data.members_ypath or fact.ypath), path=path),
        resource=f"{kind}/{name}",
        message=f"{kind}/{name} runs {_store(api, kind)} with a single instance: no replica to fail over to, "
                f"{why}",
        evidence=f"{key}: 1" if explicit else f"{key}: (unset, defaults to 1)",
        severity=severity,
    )
