"""What several compose checks ask alike (a check never imports another check)."""

from __future__ import annotations

from ..models.compose import Service, floating_image, interpolate
from ..models.images import ImageRef, parse_image


#: socket file names that hand out control of the container runtime
RUNTIME_SOCKETS = ("docker.sock", "podman.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "dockershim.sock")


def is_socket(path: str | None) -> bool:
    if not path:
        return False
    name = path.rstrip("/").replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name in RUNTIME_SOCKETS


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
