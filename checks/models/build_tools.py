"""Images a local build tool builds and substitutes into manifests at deploy time.

Skaffold (``skaffold.yaml``, ``apiVersion: skaffold/...``) builds each ``build.artifacts[].image``
(also under ``profiles[].build``) and rewrites every manifest image with that name to the image it
just built, tag and digest included. In the manifests such a name (``image: frontend``) is a
placeholder, not an image pulled as written: K8S004 does not call it a floating tag.

Fact ``build:artifacts`` (key: path): the tool and the image names it substitutes.
"""

from __future__ import annotations

from typing import Any

from .base import Fact
from .topics import BUILD_ARTIFACTS, BuildArtifactsData
from .yamlnodes import load_documents

__all__ = ["is_build_tool_config", "build_artifacts_fact"]


def is_build_tool_config(rel: str) -> bool:
    return rel.lower().endswith((".yml", ".yaml"))


def build_artifacts_fact(rel: str, text: str) -> Fact | None:
    if "skaffold/" not in text or "artifacts" not in text:
        return None
    try:
        docs = load_documents(text)  # positioned and bounded (no alias bombs)
    except Exception:  # not YAML we can read: not a Skaffold config we know
        return None
    images: set[str] = set()
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict) or not str(data.get("apiVersion") or "").startswith("skaffold/"):
            continue
        images.update(_artifacts(data.get("build")))
        profiles = data.get("profiles")
        for profile in profiles if isinstance(profiles, list) else ():
            if isinstance(profile, dict):
                images.update(_artifacts(profile.get("build")))
    if not images:
        return None
    return Fact(BUILD_ARTIFACTS, rel, data=BuildArtifactsData(tool="skaffold", images=tuple(sorted(images))))


def _artifacts(build: Any) -> list[str]:
    if not isinstance(build, dict) or not isinstance(build.get("artifacts"), list):
        return []
    return [str(a["image"]).strip() for a in build["artifacts"]
            if isinstance(a, dict) and isinstance(a.get("image"), str) and a["image"].strip()]
