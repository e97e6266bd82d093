"""What several compose checks ask alike (a check never imports another check)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..models.compose import ComposeFile, Service, VolumeMount, interpolate
from ..models.host_paths import RUNTIME_SOCKETS, is_socket, user_runtime_dir  # noqa: F401  (compose checks import them from here)
from ..models.images import ImageRef, floating_image, parse_image
from ..models.yamlnodes import YList


def is_privileged(service: Service) -> bool:
    """``privileged: true`` (or a YAML 1.1 truthy string) on the service."""
    value = service.node.get("privileged")
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes", "on"))


def socket_mounts(compose: ComposeFile, service: Service) -> Iterator[tuple[VolumeMount, str]]:
    """(volume, host path) of each runtime socket the service mounts: a bind of the socket, a
    bind whose host path a variable decides onto a socket target, or a named volume whose
    ``driver_opts.device`` is the socket."""
    for volume in service.volumes():
        source = interpolate(user_runtime_dir(volume.source), "")  # $XDG_RUNTIME_DIR: a user's runtime directory
        hit = volume.is_bind and is_socket(source)
        if not hit and volume.is_bind and interpolate(volume.source) is None and is_socket(volume.target):
            # the host path is left to a variable (``${DOCKER_SOCKET_LOCATION}``): the
            # target a runtime socket is mounted at says what the container gets
            hit, source = True, f"{volume.target} (host path from {volume.source})"
        if not hit and volume.type == "volume" and volume.source:
            definition = compose.volume_definition(volume.source)
            if definition is not None:
                source = interpolate(definition.map("driver_opts").get("device"), "")
                hit = is_socket(source)
        if hit:
            yield volume, str(source)


def namespace_reach(compose: ComposeFile, service: Service, key: str) -> str:
    """Whose ``key`` namespace (``network_mode`` or ``pid``) the service runs in: ``host`` (the
    host's), ``shared`` (another container's, ``service:db``/``container:x``, whose own setting is
    not host) or ``own`` (its own, the default). A ``service:`` chain is followed to its end; a
    value a variable decides without a default counts as ``host`` (auditui cannot tell)."""
    seen: set[str] = set()
    current = service
    while True:
        raw = current.node.get(key)
        if raw is None:
            return "own" if current is service else "shared"
        if not isinstance(raw, str):
            return "own"
        value = interpolate(raw)
        if value is None:
            return "host"
        value = value.strip().lower()
        if value == "host":
            return "host"
        kind, _, target = value.partition(":")
        if kind == "service" and target and target not in seen:
            seen.add(target)
            found = next((s for s in compose.services if s.name.lower() == target), None)
            if found is None:
                return "shared"
            current = found
            continue
        return "shared" if kind in ("service", "container") else "own"


_UNKNOWN = "\x00var\x00"


def image_tag_state(service: Service) -> tuple[ImageRef, str] | None:
    """(reference, state) of a pulled image: state is ``floating``, ``tagged`` or ``digest``.

    None when the service builds its image (``image:`` only names the build result), when
    another service of the file builds it (``worker`` reusing ``app``'s build), or when
    a variable decides the name or tag (``app:${TAG}``): we cannot judge those.  Variables
    with defaults are resolved; a variable in the registry part alone does not matter.
    """
    if service.builds:
        return None
    image = service.image
    if not image or not image.strip():
        return None
    if image.strip() in service.compose.built_images():
        return None  # another service of this file builds it: a local image, never pulled
    resolved = interpolate(image, _UNKNOWN)
    if resolved is None:
        return None
    ref = parse_image(resolved.strip())
    if ref.digest is not None:
        return (ref, "unknown") if _UNKNOWN in ref.digest else (ref, "digest")
    if _UNKNOWN in ref.name or (ref.tag is not None and _UNKNOWN in ref.tag):
        return None
    if ref.tag is None and _UNKNOWN in ref.raw.rsplit("/", 1)[-1]:
        return None
    return (ref, "floating") if floating_image(ref) else (ref, "tagged")


def pinned_image(service: Service) -> bool:
    """The service pulls its image by a version tag or a digest (not a floating tag, not one a variable decides)."""
    return (image_tag_state(service) or (None, ""))[1] in ("tagged", "digest")


def image_name(service, ref: ImageRef) -> str:
    """The image's registry and repository for a message, variables resolved to their
    defaults; a part only a variable decides is shown as written (``${REGISTRY}/traefik``)."""
    name = f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository
    if _UNKNOWN not in name:
        return name
    written = str(service.image).strip().split("@", 1)[0]
    head, _, last = written.rpartition("/")
    last = last.split(":", 1)[0]  # drop the tag, keep the name as written
    return f"{head}/{last}" if head else last


# -- a database told to accept any client (CMP021; CMP017 leaves such a store's published port to it) --

#: variable -> values that disable authentication (compared lowercased)
_DISABLING = {
    "POSTGRES_HOST_AUTH_METHOD": {"trust"},
    "MYSQL_ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD": {"yes", "true", "1", "on"},
    "MARIADB_ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "ALLOW_EMPTY_PASSWORD": {"yes", "true", "1", "on"},
    "NEO4J_AUTH": {"none"},
}
#: the same for variables only a search engine reads (``kibana`` also knows
#: ``xpack.security.enabled``, where it only hides the login page): judged on search images
_SEARCH_DISABLING = {
    "XPACK.SECURITY.ENABLED": {"false", "no", "0", "off"},
    "XPACK_SECURITY_ENABLED": {"false", "no", "0", "off"},
    "PLUGINS.SECURITY.DISABLED": {"true", "yes", "1", "on"},
    "DISABLE_SECURITY_PLUGIN": {"true", "yes", "1", "on"},
}
_SEARCH_IMAGES = ("elasticsearch", "opensearch")
#: server flags that switch authentication off, whatever the image is called
_DISABLING_FLAGS = {
    "--noauth": "MongoDB runs without access control and accepts any client",
    "--skip-grant-tables": "MySQL/MariaDB ignores every account and privilege, so any client is a superuser",
}


def _is_search_engine(service: Service) -> bool:
    ref = service.resolved_image_ref
    return ref is not None and any(ref.name.lower().startswith(name) for name in _SEARCH_IMAGES)


def _command_words(service: Service) -> list[str]:
    value, _ = service.lookup("command")
    if isinstance(value, YList):
        words: list[str] = []
        for item in value:
            if isinstance(item, str):
                words.extend(item.split())
        return words
    return value.split() if isinstance(value, str) else []


@dataclass(frozen=True)
class AuthSwitch:
    """One setting that turns a store's authentication off: an environment variable (``var``,
    its interpolated ``value``) or a server flag of the command (``flag``, ``why``)."""

    var: Any = None
    value: str = ""
    flag: str = ""
    why: str = ""


def auth_switches(service: Service) -> Iterator[AuthSwitch]:
    """The settings of a service that make its database accept connections without a password
    (``POSTGRES_HOST_AUTH_METHOD=trust``, ``MYSQL_ALLOW_EMPTY_PASSWORD``, ``mongod --noauth``...)."""
    search = _is_search_engine(service)
    for var in service.container_env():
        accepted = _DISABLING.get(var.name.upper())
        if accepted is None and search:
            accepted = _SEARCH_DISABLING.get(var.name.upper())
        if accepted is None or var.value is None:
            continue
        value = interpolate(var.raw if var.raw is not None else var.value)
        if value is None or str(value).strip().lower() not in accepted:
            continue
        yield AuthSwitch(var=var, value=str(value))
    words = _command_words(service)
    for flag, why in _DISABLING_FLAGS.items():
        if any(word == flag or word.startswith(flag + "=") for word in words):
            yield AuthSwitch(flag=flag, why=why)
