"""DKR016: the whole build context is copied into the image, .env files and .git included."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..models.base import FileKind
from ..models.compose import builds_by_dockerfile
from ..models.dockerfile import is_ignored
from ..models.envfile import is_example_name
from ..models.topics import COMPOSE_SERVICE, DOCKER_FILE, DOCKERIGNORE

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
    return {path: tuple(fact.data.patterns or ()) for path, fact in index.facts(DOCKERIGNORE)}


def _compose_contexts(index: RepoIndex) -> dict[str, list[tuple[str, str]]]:
    return builds_by_dockerfile(index.facts(COMPOSE_SERVICE))


def _leaked(index: RepoIndex, context: str, patterns) -> list[str]:
    """Real env files inside ``context`` that these ignore rules let into the build."""
    prefix = context + "/" if context else ""
    return sorted(
        rel for rel in index.files(FileKind.ENV)
        if rel.startswith(prefix) and not is_example_name(posixpath.basename(rel))
        and not is_ignored(rel[len(prefix):], patterns)
    )


@CHECK.on_each(DOCKER_FILE)
def build_context_not_ignored(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    copy = fact.data.context_copy
    if not copy:
        return
    line, ypath, text, resource = copy
    ignores = index.derived("DKR016:ignores", ("dockerignore",), _ignores)
    builds = index.derived("DKR016:compose", ("compose:service",), _compose_contexts).get(path, ())
    own = f"{path}.dockerignore"
    if builds:  # compose says where the context is: Docker reads only that context's ignore file
        options = []
        for context, who in builds:
            ignore = own if own in ignores else posixpath.join(context, ".dockerignore") if context else ".dockerignore"
            found = (ignore, context) if ignore in ignores else None
            options.append((found, context, f" (built by {who} with context {context or '.'})"))
    else:
        found = _ignore_file(path, ignores)
        options = [(found, found[1] if found else posixpath.dirname(path), "")]
    where = Pos(line, line, tuple(ypath), path=path)
    for found, context, how in options:
        leaked = _leaked(index, context, ignores[found[0]] if found else ())
        if leaked:
            shown = ", ".join(leaked[:3]) + (f" and {len(leaked) - 3} more" if len(leaked) > 3 else "")
            why = f"{found[0]} does not exclude it" if found else "there is no .dockerignore"
            yield CHECK.finding(
                where, resource=resource,
                message=f"`{text}` copies the build context{how}, env file{'s' if len(leaked) > 1 else ''} "
                        f"{shown} included, into the image: {why}",
                evidence=f"{text}",
            )
            return
    how = options[0][2]
    if all(found is None for found, _, _ in options):
        yield CHECK.finding(
            where, resource=resource, severity=Severity.LOW,
            message=f"`{text}` copies the whole build context{how} and there is no .dockerignore: .git and any "
                    f"local .env or build output go into the image",
            evidence=f"{text}",
        )
