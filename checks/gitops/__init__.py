"""GitOps checks: what Flux, Argo CD, Kustomize and install scripts pull from outside the repository.

Facts come from ``models/gitops.py`` (``install``, ``gitops:source``, ``gitops:sync``); which
sources are this repository's own is decided once, in ``scope.py``.
"""

from . import (
    chart_version_floating,
    controllers_overlap,
    placeholder_secret_applied,
    source_tracks_branch,
)

CHECKS = (
    chart_version_floating.CHECK,       # GITOPS001
    source_tracks_branch.CHECK,         # GITOPS002
    controllers_overlap.CHECK,          # GITOPS003
    placeholder_secret_applied.CHECK,   # GITOPS004
)
