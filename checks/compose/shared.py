"""What several compose checks ask alike (a check never imports another check)."""

from __future__ import annotations

from collections.abc import Iterator

from ..models.compose import ComposeFile, Service, VolumeMount, interpolate
from ..models.images import ImageRef, floating_image, parse_image

#: socket file names that hand out control of the container runtime
RUNTIME_SOCKETS = ("docker.sock", "podman.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock")


def is_socket(path: str | None) -> bool:
    if not path:
        return False
    name = path.rstrip("/").replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in RUNTIME_SOCKETS


def socket_mounts(compose: ComposeFile, service: Service) -> Iterator[tuple[VolumeMount, str]]:
    """(volume, host path) of each runtime socket the service mounts: a bind of the socket, a
    bind whose host path a variable decides onto a socket target, or a named volume whose
    ``driver_opts.device`` is the socket."""
    for volume in service.volumes():
        source = interpolate(volume.source, "")
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
