"""Container settings that Kustomize overlays add to a base workload.

A common layout keeps the base lean and lets each overlay add what differs per
environment: resources sized for production, probes, a hardened securityContext.
The per-file checks (K8S006-K8S016) see the base alone and would report each of those
settings as missing.  Here the engine asks, for each such finding, whether an overlay
that builds the base sets what the check asks for (in a patch file or an inline
strategic-merge patch).  If one does, the finding is kept but marked as suppressed,
with the overlay that fixes it, so it stays visible under the "suppressed" filter and
no longer fails CI.

As with replica counts (K8S002, K8S070), an overlay counts when its kustomization
builds the base's directory, or, where no kustomization says so, when the patch lives
in the same project directory as the base.
"""

from __future__ import annotations

from .api import Finding
from .facts import RepoIndex
from .kustomize import kustomize_reach, overlay_applies, owning_kustomization, parent_dir
from .models.k8s.objects import WORKLOAD_KINDS
from .models.k8s.patches import ANY_NAME, json6902_settings_for
from .models.topics import KUSTOMIZE_DETAILS, KUSTOMIZE_JSON6902
from .pipeline import evolve

#: what an overlay must set for a finding of a check to count as fixed there: every
#: group must be satisfied, a group by any of its settings (see models.k8s.patches.patch_settings)
FIXED_BY: dict[str, tuple[tuple[str, ...], ...]] = {
    "K8S006": (("readinessProbe",),),
    "K8S007": (("livenessProbe",),),
    "K8S008": (("requests.cpu", "limits.cpu"), ("requests.memory", "limits.memory")),
    "K8S009": (("limits.memory",),),
    "K8S010": (("nonroot",),),
    "K8S011": (("noescalation",),),
    "K8S014": (("dropall",),),
    "K8S015": (("readonlyroot",),),
    "K8S016": (("seccomp",),),
}
#: settings that a pod-level securityContext gives every container
POD_LEVEL = frozenset({"nonroot", "seccomp"})
#: the topics overlay waivers read: the engine re-evaluates them when one changes
TOPICS = tuple(f"k8s-patch:{kind}" for kind in WORKLOAD_KINDS) + (
    "kustomize:details", "kustomization", "kustomize:json6902")
PREFIX = "overlay: "


def settings_table(index: RepoIndex) -> dict[tuple[str, str], list[tuple]]:
    """(kind, name) -> [(source, owner dir, {container or "": settings})] of every overlay patch."""
    reach = index.derived("kustomize:reach", ("kustomization",), kustomize_reach)
    out: dict[tuple[str, str], list[tuple]] = {}
    for kind in WORKLOAD_KINDS:
        for path, patch in index.facts(f"k8s-patch:{kind}"):
            settings = patch.data.settings
            if settings:
                out.setdefault((kind, str(patch.data.name)), []).append(
                    (path, owning_kustomization(path, reach), {name: frozenset(values) for name, values in settings}))
    for kpath, details in index.facts(KUSTOMIZE_DETAILS):
        for kind, name, settings in details.data.patch_settings or ():
            out.setdefault((str(kind), str(name)), []).append(
                (kpath, parent_dir(kpath), {cname: frozenset(values) for cname, values in settings}))
        for ppath, kind, name in details.data.patch_files or ():  # JSON6902 operations in a file
            if kind not in WORKLOAD_KINDS:
                continue
            for fact in index.facts_in(KUSTOMIZE_JSON6902, ppath):
                settings = json6902_settings_for(fact.data.settings, kind)
                if settings:
                    out.setdefault((kind, str(name)), []).append(
                        (ppath, parent_dir(kpath), {cname: frozenset(values) for cname, values in settings}))
    return out


def _parse_resource(resource: str) -> tuple[str, str, str | None] | None:
    """``Kind/name[/container/cname]`` -> (kind, name, container or None)."""
    parts = resource.split("/")
    if len(parts) >= 4 and parts[2] == "container":
        return parts[0], parts[1], "/".join(parts[3:])
    if len(parts) == 2:
        return parts[0], parts[1], None
    return None


def _position(finding: Finding) -> str:
    """``#N`` / ``#initN``: the container's position, as JSON6902 patches address it."""
    path = tuple(finding.ypath or ())
    for index, part in enumerate(path[:-1]):
        if part in ("containers", "initContainers") and isinstance(path[index + 1], int):
            return ("#init" if part == "initContainers" else "#") + str(path[index + 1])
    return ""


def _satisfied(code: str, settings: frozenset[str]) -> bool:
    return all(any(option in settings for option in group) for group in FIXED_BY[code])


def waiver(finding: Finding, index: RepoIndex) -> str | None:
    """Why an overlay fixes this finding of a base workload (None when none does)."""
    groups = FIXED_BY.get(finding.code)
    if groups is None or not finding.path:
        return None
    parsed = _parse_resource(finding.resource or "")
    if parsed is None:
        return None
    kind, name, container = parsed
    table = index.derived("overlays:settings", TOPICS, settings_table)
    entries = [(entry, False) for entry in table.get((kind, name), ())]
    entries += [(entry, True) for entry in table.get((kind, ANY_NAME), ())]
    if not entries:
        return None
    for (source, owner, by_container), wildcard in sorted(entries, key=lambda item: item[0][0]):
        if source == finding.path or not overlay_applies(index, finding.path, source, owner, wildcard):
            continue
        pod = by_container.get("", frozenset())
        own: frozenset[str] = frozenset()
        if container is not None:
            own = by_container.get(container, frozenset()) | by_container.get(_position(finding), frozenset())
        settings = own | (pod & POD_LEVEL)
        if _satisfied(finding.code, settings):
            return f"{PREFIX}{source} sets it where it deploys this workload"
    return None


def mark(findings: list[Finding], index: RepoIndex) -> list[Finding]:
    """The findings with the overlay step applied: those an overlay fixes are marked, those
    it no longer fixes unmarked (new values; the others are returned as they are).

    Only findings that are not suppressed otherwise (inline marker, per-path ignore)
    are touched, so a user's own suppression always wins.
    """
    out = findings
    for position, finding in enumerate(findings):
        if finding.code not in FIXED_BY:
            continue
        current = finding.suppressed_by
        if current is not None and not current.startswith(PREFIX):
            continue
        reason = waiver(finding, index)
        if reason != current:
            if out is findings:
                out = list(findings)
            out[position] = evolve(finding, suppressed_by=reason)
    return out
