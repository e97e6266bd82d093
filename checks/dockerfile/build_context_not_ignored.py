"""DKR016: the whole build context is copied into the image, .env files and .git included."""

from __future__ import annotations

import posixpath
from typing import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.base import FileKind
from ..models.dockerfile import is_ignored
from ..models.envfile import is_example_name

CHECK = Check(
    code="DKR016",
    name="build-context-not-ignored",
    title="COPY of the whole build context without a .dockerignore that keeps secrets out",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "`COPY . .` copies everything the build context holds. Without a `.dockerignore`, that "
        "is the `.git` folder (the whole history, including secrets once committed and then "
        "removed), local `.env` files with real credentials, and local build output; anyone who "
        "can pull the image can read them from its layers. An image built on a developer's "
        "machine is the usual way such a `.env` ends up in a registry."
    ),
    remediation=(
        "Add a `.dockerignore` beside the Dockerfile (or at the root of the build context) that "
        "leaves out `.git`, `.env*` (re-include `!.env.example` if the build needs it), and "
        "local build and dependency folders.",
        "Better still, copy only what the image needs (`COPY package*.json ./`, `COPY src/ src/`).",
        "If a `.env` was already baked into a pushed image, rotate its secrets and delete the image tags.",
    ),
    effort="30m",
    references=(
        "https://docs.docker.com/build/concepts/context/#dockerignore-files",
        "https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore",
    ),
)


def _ignore_file(dockerfile: str, ignores: dict[str, tuple]) -> tuple[str, str] | None:
    """(ignore file, context directory) Docker would use for this Dockerfile, if any exists.

    ``<Dockerfile>.dockerignore`` beside the Dockerfile wins (BuildKit); otherwise the
    nearest ``.dockerignore`` in the Dockerfile's folder or above it (a build run from
    there with ``-f``).
    """
    folder = posixpath.dirname(dockerfile)
    own = f"{dockerfile}.dockerignore"
    if own in ignores:
        return own, folder
    while True:
        candidate = posixpath.join(folder, ".dockerignore") if folder else ".dockerignore"
        if candidate in ignores:
            return candidate, folder
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _ignores(index: RepoIndex) -> dict[str, tuple]:
    return {path: tuple(fact.get("patterns") or ()) for path, fact in index.facts("dockerignore")}


@CHECK.on_each("docker:file")
def build_context_not_ignored(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    copy = fact.get("context_copy")
    if not copy:
        return
    line, ypath, text, resource = copy
    ignores = index.derived("DKR016:ignores", ("dockerignore",), _ignores)
    found = _ignore_file(path, ignores)
    context = found[1] if found else posixpath.dirname(path)
    patterns = ignores[found[0]] if found else ()
    prefix = context + "/" if context else ""
    leaked = sorted(
        rel for rel in index.files(FileKind.ENV)
        if rel.startswith(prefix) and not is_example_name(posixpath.basename(rel))
        and not is_ignored(rel[len(prefix):], patterns)
    )
    where = Pos(line, line, tuple(ypath), path=path)
    if leaked:
        shown = ", ".join(leaked[:3]) + (f" and {len(leaked) - 3} more" if len(leaked) > 3 else "")
        why = f"{found[0]} does not exclude it" if found else "there is no .dockerignore"
        yield CHECK.finding(
            where, resource=resource,
            message=f"`{text}` copies the build context, env file{'s' if len(leaked) > 1 else ''} {shown} "
                    f"included, into the image: {why}",
            evidence=f"{text}",
        )
    elif found is None:
        yield CHECK.finding(
            where, resource=resource, severity=Severity.LOW,
            message=f"`{text}` copies the whole build context and there is no .dockerignore: .git and any "
                    f"local .env or build output go into the image",
            evidence=f"{text}",
        )
