"""Whose image is it: the repository's own build, or somebody else's release?

A moving tag on an image the repository itself builds (its CI pushes ``:latest`` and the
manifests deploy ``:latest``) is a continuous-deploy choice: what ran cannot be named for a
rollback, but nobody upstream can swap the image under the team.  A moving tag on a
third-party image is a release stream somebody else controls.  :mod:`.moving_tags` rates
the two differently; this module answers the question once for every domain.

An image is the repository's own when

* **the repository builds it**: a workflow job's ``docker/build-push-action`` tags
  (``workflow:image-build``), a ``docker build -t`` in a script (``image:use``), a compose
  service with ``build:`` and ``image:`` (``compose:service``), a Skaffold artifact or a Google
  Cloud Build config's ``-t``/``--tag``/``--destination`` and ``images:`` (``build:artifacts``)
  names it; or
* **its registry namespace is the repository's owner**: the owner is read from the clone's
  ``.git/config`` (the ``origin`` remote, or the only remote): ``ghcr.io/<owner>/app``,
  ``registry.gitlab.com/<owner>/site``, ``<owner>/app`` on Docker Hub.  Only that one file is
  read, never followed out of the repository (a ``.git`` that is a link or a file, as in a
  worktree, is not read), and only host, owner and name are kept (never credentials).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .image_uses import repository
from .images import ImageRef

__all__ = ["RepoIdentity", "repo_identity", "parse_git_config", "parse_remote_url", "built_images",
           "own_image"]

#: a ``.git/config`` larger than this is not read (real ones are a few hundred bytes)
MAX_CONFIG_BYTES = 64 * 1024

_SECTION = re.compile(r'^\s*\[\s*remote\s+"([^"\n]{1,200})"\s*\]\s*$')
_OTHER_SECTION = re.compile(r"^\s*\[")
_URL = re.compile(r"^\s*url\s*=\s*(\S{1,500})\s*$", re.IGNORECASE)
#: ``git@host:owner/name.git`` (scp-like syntax)
_SCP = re.compile(r"^(?:[A-Za-z0-9._-]{1,100}@)?([A-Za-z0-9.-]{1,253}):(?!//)(.{1,400})$")


@dataclass(frozen=True)
class RepoIdentity:
    """Where the scanned repository lives: ``github.com``, ``ricsanfre``, ``pi-cluster``."""

    host: str
    owner: str
    name: str
    how: str  # where it was read: ".git/config (remote origin)"


def parse_remote_url(url: str) -> tuple[str, str, str] | None:
    """(host, owner, name) of a git remote URL; None for a local path or a URL without both."""
    text = url.strip().strip("'\"")
    if not text:
        return None
    host = path = ""
    if "://" in text:
        scheme, _, rest = text.partition("://")
        if scheme.lower() not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git"):
            return None  # file://, a local path: no owner
        authority, _, path = rest.partition("/")
        host = authority.rsplit("@", 1)[-1]  # credentials before '@' are dropped, never kept
        host = host.split(":", 1)[0]
    else:
        scp = _SCP.match(text)
        if scp is None:
            return None
        host, path = scp.group(1), scp.group(2)
    parts = [p for p in path.split("/") if p]
    if not host or len(parts) < 2:
        return None
    owner, name = parts[0], parts[-1]
    if name.endswith(".git"):
        name = name[: -len(".git")]
    if not owner or not name or owner.startswith("~"):
        return None
    return host.lower(), owner, name


def parse_git_config(text: str) -> dict[str, str]:
    """Remote name -> URL (the first ``url`` of each ``[remote "name"]`` section)."""
    remotes: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section is not None:
            current = section.group(1)
            continue
        if _OTHER_SECTION.match(line):
            current = None
            continue
        url = _URL.match(line)
        if current is not None and url is not None:
            remotes.setdefault(current, url.group(1))
    return remotes


def identity_from_config(text: str) -> RepoIdentity | None:
    """The identity the ``origin`` remote names (or the only remote); None when ambiguous."""
    remotes = parse_git_config(text)
    if "origin" in remotes:
        name, url = "origin", remotes["origin"]
    elif len(remotes) == 1:
        name, url = next(iter(remotes.items()))
    else:
        return None
    parsed = parse_remote_url(url)
    if parsed is None:
        return None
    return RepoIdentity(parsed[0], parsed[1], parsed[2], f".git/config (remote {name})")


def repo_identity(root: str | os.PathLike | None) -> RepoIdentity | None:
    """The scanned repository's identity from ``<root>/.git/config``; None when there is no
    clone, the remote is ambiguous or the file is not a plain file inside a plain ``.git``."""
    if root is None:
        return None
    git = os.path.join(os.fspath(root), ".git")
    config = os.path.join(git, "config")
    try:
        if not stat.S_ISDIR(os.lstat(git).st_mode):
            return None  # a link (not followed) or a worktree's ``gitdir:`` file
        info = os.lstat(config)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CONFIG_BYTES:
        return None
    return _identity_at(config, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=64)
def _identity_at(config: str, mtime_ns: int, size: int) -> RepoIdentity | None:
    from .. import safeio

    try:
        text = safeio.read_text(config, root=os.path.dirname(config), limit=MAX_CONFIG_BYTES, errors="replace")
    except (OSError, ValueError):
        return None
    return identity_from_config(text)


# -- what the repository builds --------------------------------------------------------------

def built_images(index: Any) -> dict[str, str]:
    """Image names (see :func:`.image_uses.repository`) the repository builds -> where (a path).

    Reads ``workflow:image-build`` tags, ``image:use`` builds, ``compose:service`` with
    ``build:`` and ``image:``, and ``build:artifacts`` (Skaffold, Cloud Build)."""
    from .topics import BUILD_ARTIFACTS, COMPOSE_SERVICE, IMAGE_USE, WORKFLOW_IMAGE_BUILD

    out: dict[str, str] = {}

    def add(image: Any, path: str) -> None:
        name = repository(str(image or ""))
        if name and "$" not in name and "{" not in name:
            out.setdefault(name, path)

    for path, fact in index.facts(WORKFLOW_IMAGE_BUILD):
        for tag in fact.data.tags or ():
            add(tag, path)
    for path, fact in index.facts(IMAGE_USE):
        if fact.data.verb in ("build", "push", "tag"):
            add(fact.data.image, path.split("#", 1)[0])
    for path, fact in index.facts(COMPOSE_SERVICE):
        if fact.data.build and fact.data.image:
            add(fact.data.image, path)
    for path, fact in index.facts(BUILD_ARTIFACTS):
        for image in fact.data.images or ():
            add(image, path)
    return out


def _namespace(ref: ImageRef) -> str:
    parts = ref.repository.split("/")
    return parts[0] if len(parts) > 1 else ""


def own_image(ref: ImageRef, identity: RepoIdentity | None = None,
              built: dict[str, str] | None = None) -> str:
    """How ``ref`` was recognised as the repository's own image ("" when it was not), as a
    clause for a message."""
    if ref.templated:
        return ""
    if built:
        name = repository(ref.raw.rsplit("@", 1)[0])
        where = built.get(name) if name else None
        if where:
            return f"this repository builds it ({where})"
    namespace = _namespace(ref)
    if identity is not None and namespace and namespace.lower() == identity.owner.lower():
        return (f"its registry namespace {namespace!r} is the owner of this repository, "
                f"{identity.host}/{identity.owner}/{identity.name} by {identity.how}")
    return ""
