"""How serious one instance of a database is: the one rule K8S002, K8S023 and HELM007 follow.

* its only copy of the data on ephemeral storage: the next reschedule loses it (critical);
* on a persistent volume: an outage until the pod is rescheduled (high), unless
  - a backup in the repository demonstrably takes its data (:func:`.backups.backup_cover`):
    the data is safe, one instance is an availability risk only (medium);
  - the repository's README declares a home lab (:func:`home_lab`): availability-only findings
    are rated at the scale declared (medium). Confidentiality and integrity findings (secrets,
    exposure, RBAC) never ask this.
"""

from __future__ import annotations

from .api import Severity
from .backups import Cover
from .facts import RepoIndex
from .models.topics import DOC_SCALE


def home_lab(index: RepoIndex) -> tuple[str, str] | None:
    """(README path, the words) when the repository's README declares a home lab."""
    for path, fact in sorted(index.facts(DOC_SCALE), key=lambda item: item[0]):
        if fact.data.scale == "home-lab":
            return path, str(fact.data.phrase or "")
    return None


def home_lab_reason(index: RepoIndex) -> str | None:
    """Why an availability-only finding is medium here, or None when no home lab is declared."""
    found = home_lab(index)
    if found is None:
        return None
    path, phrase = found
    return (f"{path} declares a home lab ({phrase!r}), where one instance is an availability choice "
            f"of its owner: medium")


def availability_only(index: RepoIndex | None, cover: Cover | None) -> str | None:
    """Why one instance of a database whose data outlives its pod is medium here (a backup takes
    the data, or the README declares a home lab), or None (high)."""
    if cover is not None:
        return f"its data is backed up by {cover.describe()}, so this is an availability risk: medium"
    return home_lab_reason(index) if index is not None else None


def single_instance_severity(index: RepoIndex | None, persistent: bool,
                             cover: Cover | None = None) -> tuple[Severity, str]:
    """The severity of one database instance and why (see the module's rule)."""
    if not persistent:
        return Severity.CRITICAL, "its data is on ephemeral storage, so a reschedule loses it"
    outage = "an outage until the pod is rescheduled (the data is on a persistent volume)"
    reason = availability_only(index, cover)
    if reason is not None:
        return Severity.MEDIUM, f"{outage}; {reason}"
    return Severity.HIGH, outage
