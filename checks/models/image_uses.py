"""How container images are built and run, read from commands: one answer for every domain.

``docker build -t NAME DIR`` says which image a Dockerfile becomes; ``docker run --rm NAME``
says an image is run once, on demand, and removed (a tool: ``jq``, ``tar`` of a volume), where
``docker run -d NAME`` runs a service.  The context model (``checks/context.py``) links the
two: a Dockerfile whose image is only ever run once is a tool, not a long-running service.

The program may be written as a variable (``$CONTAINER_ENGINE run``, ``$dbuild -t NAME DIR``
where ``dbuild="docker build"``); a command kept in a variable (``jq="docker run --rm -i
NAME"``) is read from the assignment's value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .images import parse_image

__all__ = ["ImageCommand", "image_command", "repository", "split_words"]

#: programs that build or run container images
ENGINES = frozenset({"docker", "podman", "nerdctl", "finch"})
#: ``docker run`` options that take no value
_RUN_FLAGS = frozenset({
    "--rm", "-i", "-t", "-d", "--detach", "--interactive", "--tty", "--init", "--privileged",
    "--read-only", "-P", "--publish-all", "--no-healthcheck", "--oom-kill-disable", "-q", "--quiet",
})
#: ``docker build`` options that take no value
_BUILD_FLAGS = frozenset({"--pull", "--no-cache", "--push", "--load", "-q", "--quiet", "--rm", "--force-rm",
                          "--squash", "--compress"})
_SHORT_CLUSTER = re.compile(r"^-[dit]{2,3}$")
_VARIABLE = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")


@dataclass(frozen=True)
class ImageCommand:
    """One build or run of an image by a command."""

    #: "build" or "run"
    verb: str
    #: the image named (``-t`` of a build, the image of a run), as written
    image: str
    #: a run that removes its container when it exits and is not detached (``--rm``, no ``-d``)
    once: bool = False
    #: a build's context directory and ``-f`` Dockerfile, as written
    context: str = ""
    dockerfile: str = ""


def split_words(text: str) -> list[str]:
    """The words of a command kept in a string (quotes dropped, no expansion)."""
    return [w.strip("'\"") for w in text.split() if w.strip("'\"")]


def _engine(word: str) -> bool:
    """``docker``, ``/usr/bin/podman``; a variable (``$CONTAINER_ENGINE run``, ``$DOCKER build``,
    ``$dbuild`` holding "docker build"): what follows it decides."""
    return word.rsplit("/", 1)[-1] in ENGINES or _VARIABLE.match(word) is not None


def image_command(argv: list[str] | tuple[str, ...]) -> ImageCommand | None:
    """The image a command builds or runs (``docker build``, ``podman run``, ``docker buildx
    build``, ``$ENGINE run``, ``$dbuild -t NAME DIR``), or None."""
    words = list(argv)
    if not words or not _engine(words[0]):
        return None
    rest = words[1:]
    variable = _VARIABLE.match(words[0])
    if rest[:2] in (["buildx", "build"], ["image", "build"], ["builder", "build"]):
        return _build(rest[2:])
    if rest[:1] == ["build"]:
        return _build(rest[1:])
    if rest[:1] == ["run"] or rest[:2] == ["container", "run"]:
        return _run(rest[1:] if rest[:1] == ["run"] else rest[2:])
    if variable is not None and "build" in variable.group(1).lower() and any(w in ("-t", "--tag") for w in rest):
        return _build(rest)
    return None


def _build(words: list[str]) -> ImageCommand | None:
    tag = context = dockerfile = ""
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-t", "--tag", "-f", "--file") and i + 1 < len(words):
            if word in ("-t", "--tag"):
                tag = tag or words[i + 1]
            else:
                dockerfile = words[i + 1]
            i += 2
            continue
        if word.startswith(("--tag=", "-t=")):
            tag = tag or word.split("=", 1)[1]
        elif word.startswith(("--file=", "-f=")):
            dockerfile = word.split("=", 1)[1]
        elif word.startswith("-"):
            if "=" not in word and word not in _BUILD_FLAGS and not word.startswith("--no-"):
                i += 1  # its value
        else:
            context = word
        i += 1
    if not tag:
        return None
    return ImageCommand("build", tag, context=context, dockerfile=dockerfile)


def _run(words: list[str]) -> ImageCommand | None:
    remove = detach = False
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            i += 1
            break
        if not word.startswith("-"):
            break
        if word == "--rm":
            remove = True
        elif word in ("-d", "--detach") or (_SHORT_CLUSTER.match(word) and "d" in word):
            detach = True
        if "=" in word or word in _RUN_FLAGS or _SHORT_CLUSTER.match(word):
            i += 1
        else:
            i += 2  # an option and its value
    if i >= len(words):
        return None
    return ImageCommand("run", words[i], once=remove and not detach)


def repository(image: str) -> str:
    """An image reference without default registry, tag or digest: ``ghcr.io/org/tool:1`` ->
    ``ghcr.io/org/tool``, ``docker.io/library/alpine:3`` -> ``alpine``; "" when it is computed."""
    ref = parse_image(image.strip().strip("'\""))
    if not ref.repository or ref.templated:
        return ""
    name = ref.repository.lower()
    if ref.registry is None or ref.registry in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        return name[len("library/"):] if name.startswith("library/") else name
    return f"{ref.registry.lower()}/{name}"


_ASSIGNED_COMMAND = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=(.+)$")


def script_image_facts(script) -> list:
    """``image:use`` facts of a shell script (a :class:`~.shell.ShellScript`): the images it
    builds and runs, by commands or by commands kept in variables; ``${VAR}`` images are read
    through the variables the script sets to one literal."""
    from .base import Fact
    from .topics import IMAGE_USE, ImageUseData

    facts = []
    seen = set()
    for command in script.commands:
        if command.via:
            continue  # run on another host
        for seg in command.segments:
            candidates = [seg.argv]
            for word in seg.words[:len(seg.words) - len(seg.argv)]:  # ``jq="docker run --rm -i IMAGE"``
                assigned = _ASSIGNED_COMMAND.match(word)
                if assigned:
                    candidates.append(tuple(split_words(assigned.group(1))))
            for argv in candidates:
                found = image_command(argv)
                if found is None:
                    continue
                image = _resolve(found.image, script.literals)
                key = (found.verb, image, found.once, found.context, found.dockerfile)
                if not image or key in seen:
                    continue
                seen.add(key)
                facts.append(Fact(IMAGE_USE, f"{script.path}#{seg.line or command.line}", seg.line or command.line,
                                  command.ypath, ImageUseData(verb=found.verb, image=image, once=found.once,
                                                              context=found.context or None,
                                                              dockerfile=found.dockerfile or None)))
    return facts


def _resolve(image: str, literals: dict) -> str:
    variable = _VARIABLE.match(image)
    if variable is not None:
        value = literals.get(variable.group(1))
        return value[0] if value else ""
    return "" if "$" in image else image
