"""Where Kustomize overlays and patches live: path conventions of GitOps repositories."""

from __future__ import annotations

import re

from ..yamlnodes import YMap

#: kinds whose apps/v1 (or Argo Rollouts) form requires ``spec.selector``
_SELECTOR_REQUIRED = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout")


_OVERLAY_DIRS = ("overlays", "overlay")


_OVERLAY_PLACES = ("envs", "env", "environments", "environment", "variants", "components", "stages")


#: words of a folder name that name one environment (``prod-eu``, ``us_staging``)
_ENV_WORDS = frozenset({
    "prod", "production", "prd", "staging", "stage", "stg", "dev", "development", "qa", "uat", "test",
    "preprod", "nonprod", "sandbox", "local", "live", "integration",
})


_ENV_SPLIT_RE = re.compile(r"[-_.]")


_PATCH_RE = re.compile(r"(^|[-_.])patch(es)?($|[-_.])", re.IGNORECASE)


def looks_like_patch_file(path: str, doc: YMap, kind: str) -> bool:
    """A strategic-merge patch that carries an image, told from a manifest by where it lives.

    apps/v1 workloads cannot be applied without ``spec.selector``; one that has none and
    sits where overlays live is a Kustomize patch: an overlay or environment directory
    (``overlays/prod/api.yaml``, ``envs/prod-eu/version.yml``, ``variants/eu/region.yml``,
    ``staging/app.yaml``) or a file or folder named ``*patch*`` (``patches/replicas.yaml``).
    """
    if kind not in _SELECTOR_REQUIRED or "selector" in doc.map("spec"):
        return False
    return in_overlay_location(path)


def in_patch_location(path: str) -> bool:
    """The file lives in an overlay directory or a file or folder named ``*patch*``."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    return any(p.lower() in _OVERLAY_DIRS for p in parts[:-1]) or any(
        _PATCH_RE.search(p) for p in parts[:-1] + [stem]
    )


def in_overlay_location(path: str) -> bool:
    """:func:`in_patch_location`, or a folder named the way GitOps repositories name overlays.

    Those are ``envs``/``environments``, Kustomize ``variants``/``components``, and folders
    named after an environment (``prod``, ``prod-eu``, ``staging``, ``dev``, ``qa``...).
    Only a signal that confirms another one (a workload without its required selector):
    a full manifest may live in such a folder too.
    """
    return in_patch_location(path) or any(_overlay_dir(p) for p in path.split("/")[:-1])


def _overlay_dir(name: str) -> bool:
    lower = name.lower()
    if lower in _OVERLAY_PLACES:
        return True
    return any(word in _ENV_WORDS for word in _ENV_SPLIT_RE.split(lower))

