"""Images a local build tool builds and substitutes into manifests at deploy time.

Skaffold (``skaffold.yaml``, ``apiVersion: skaffold/...``) builds each ``build.artifacts[].image``
(also under ``profiles[].build``) and rewrites every manifest image with that name to the image it
just built, tag and digest included. In the manifests such a name (``image: frontend``) is a
placeholder, not an image pulled as written: K8S004 does not call it a floating tag.

Google Cloud Build (a config with ``steps:`` whose builders are ``gcr.io/cloud-builders/docker``
or Kaniko, any file name) builds and pushes the images its steps tag (``-t``/``--tag``,
``--destination``) and its ``images:`` list: it does not substitute them into manifests, but it
tells :mod:`.image_provenance` that they are the repository's own build (tool ``cloudbuild``).

Fact ``build:artifacts`` (key: path): the tool and the image names it builds (Skaffold: and
substitutes).
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
    if "steps" in text and ("cloud-builders/" in text or "kaniko-project/" in text):
        return _cloudbuild_fact(rel, text)
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


#: builder images of Cloud Build steps that build and push an image
_BUILDERS = ("gcr.io/cloud-builders/docker", "gcr.io/kaniko-project/executor", "gcr.io/cloud-builders/gcloud")
_TAG_FLAGS = ("-t", "--tag", "--destination", "-d")


def _cloudbuild_fact(rel: str, text: str) -> Fact | None:
    try:
        docs = load_documents(text)
    except Exception:  # not YAML we can read
        return None
    images: set[str] = set()
    for doc in docs:
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            continue
        built = False
        for step in data["steps"]:
            if not isinstance(step, dict) or not str(step.get("name") or "").startswith(_BUILDERS):
                continue
            args = step.get("args")
            words = [str(a) for a in args] if isinstance(args, list) else []
            for i, word in enumerate(words):
                flag, eq, value = word.partition("=")
                if flag in _TAG_FLAGS and eq:
                    images.add(value.strip())
                    built = True
                elif word in _TAG_FLAGS and i + 1 < len(words):
                    images.add(words[i + 1].strip())
                    built = True
        listed = data.get("images")
        if built and isinstance(listed, list):
            images.update(str(i).strip() for i in listed if isinstance(i, str))
    images.discard("")
    if not images:
        return None
    return Fact(BUILD_ARTIFACTS, rel, data=BuildArtifactsData(tool="cloudbuild", images=tuple(sorted(images))))
