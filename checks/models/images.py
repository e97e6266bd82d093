"""Container image references: parsing and a few questions checks ask of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: image names (last path component, or the whole repository) that are stateful stores
DATABASE_IMAGES = (
    "postgres", "postgresql", "postgis", "timescaledb", "mysql", "mariadb", "percona",
    "mongo", "mongodb", "redis", "valkey", "keydb", "kafka", "zookeeper", "cassandra",
    "scylla", "elasticsearch", "opensearch", "rabbitmq", "etcd", "clickhouse",
    "clickhouse-server", "cockroach", "cockroachdb", "couchdb", "neo4j", "influxdb",
    "memcached", "nats", "minio", "mssql-server", "oracle", "db2", "questdb", "redpanda",
    "dragonfly",
)

_DIGEST_RE = re.compile(r"@(sha256:[0-9a-fA-F]{32,})$")
_VAR_RE = re.compile(r"\$\{?[A-Za-z_]")


#: tags that name a channel, not a version: the image behind them changes with each release
MOVING_TAGS = frozenset({
    "latest", "stable", "edge", "main", "master", "release", "nightly", "dev", "develop",
    "canary", "beta", "rc", "testing", "unstable", "current", "lts", "mainline", "rolling", "next",
    "prod", "production", "trunk", "development", "head",
})
#: variant words that, without any version next to them, mean "the latest release, in this
#: variant" (``redis:alpine``, ``nextcloud:apache``, ``php:fpm``)
VARIANT_TAGS = frozenset({
    "alpine", "slim", "apache", "fpm", "cli", "perl", "otel", "jdk", "jre", "musl", "glibc",
    "debian", "ubuntu", "windowsservercore", "nanoserver", "full", "minimal",
})


def is_moving_tag(tag: str | None) -> bool:
    """True when a tag follows releases instead of naming one.

    No tag, ``latest``/``stable``/``release``/``lts`` and the like, and bare variants
    (``alpine``, ``lts-alpine``, ``apache``) move; anything with a digit in it
    (``16.4``, ``14-alpine``, ``2024.08.2``) or a distribution codename (``bookworm``)
    is treated as a version.
    """
    if tag is None:
        return True
    text = tag.strip().lower()
    if not text:
        return True
    if any(char.isdigit() for char in text):
        return False
    words = [w for w in re.split(r"[-_.]+", text) if w]
    if not words:
        return True
    if words[0] in MOVING_TAGS:
        return all(w in MOVING_TAGS or w in VARIANT_TAGS for w in words)
    return all(w in VARIANT_TAGS for w in words)


def floating_image(ref: ImageRef) -> bool:
    """No digest, and a tag that moves (see :func:`is_moving_tag`)."""
    return ref.digest is None and is_moving_tag(ref.tag)


#: Docker Hub images that carry no application: a shell and a few tools, run by an init or
#: helper container for a wait-for loop, a chown, a git clone or a curl (``alpine/*`` too)
UTILITY_IMAGES = frozenset(("busybox", "alpine", "bash", "curlimages/curl", "debian", "ubuntu"))


@dataclass(frozen=True)
class ImageRef:
    raw: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The last path component of the repository (``bitnami/postgresql`` -> ``postgresql``)."""
        return self.repository.rsplit("/", 1)[-1]

    @property
    def templated(self) -> bool:
        """True when the reference uses variables we cannot resolve (``${TAG}``)."""
        return bool(_VAR_RE.search(self.raw)) or "{{" in self.raw

    @property
    def floating(self) -> bool:
        """No digest, and a tag that moves with releases (see :func:`is_moving_tag`)."""
        return self.digest is None and is_moving_tag(self.tag)

    @property
    def pinned(self) -> bool:
        return self.digest is not None

    @property
    def utility(self) -> bool:
        """A general-purpose public image used for a shell step (``busybox``, ``alpine``,
        ``curlimages/curl``), not an application: see :data:`UTILITY_IMAGES`."""
        if self.registry not in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
            return False
        repository = self.repository.lower().removeprefix("library/")
        return repository in UTILITY_IMAGES or repository.split("/", 1)[0] == "alpine"


@lru_cache(maxsize=8192)
def parse_image(raw: str) -> ImageRef:
    text = str(raw).strip()
    digest = None
    match = _DIGEST_RE.search(text)
    if match:
        digest = match.group(1)
        text = text[: match.start()]
    elif "@" in text:
        text, _, digest = text.partition("@")
    registry = None
    first, sep, rest = text.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, text = first, rest
    tag = None
    name, colon, maybe_tag = text.rpartition(":")
    if colon and "/" not in maybe_tag:
        text, tag = name, maybe_tag
    return ImageRef(str(raw), registry, text, tag or None, digest)


def is_database_image(image: str | ImageRef, names: tuple[str, ...] = DATABASE_IMAGES) -> bool:
    return _is_database(image if isinstance(image, str) else image.raw, tuple(names))


@lru_cache(maxsize=8192)
def _is_database(image: str, names: tuple[str, ...]) -> bool:
    ref = parse_image(image)
    base = ref.name.lower()
    # tolerate vendor prefixes/suffixes: "bitnami/postgresql-repmgr", "postgres-exporter" is not a db
    if base.endswith(("-exporter", "_exporter", "-operator", "-ui", "-admin", "-client", "-proxy")):
        return False
    if base in names:
        return True
    head = re.split(r"[-_.]", base, maxsplit=1)[0]
    return head in names and not base.startswith(("redis-commander", "mongo-express"))
