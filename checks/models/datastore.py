"""What data store a container or service runs, and whether it keeps state.

One answer for every domain (Kubernetes workloads, compose services): the database
checks (StatefulSet, single replica, persistent storage, backups) ask :func:`classify`
and never decide on their own whether Redis "is a database".

* The **engine** comes from the image (:func:`~.images.is_database_image` names it).
* Its **role** says what the store is for: a system of record (PostgreSQL, MySQL,
  MongoDB...), a key-value store whose state depends on its persistence settings (Redis,
  Valkey, KeyDB, Dragonfly), a cache that never persists (Memcached), a broker, a search
  index, a coordination service or an object store.
* A key-value store is a **cache** when its settings say so (persistence off: ``save ""``
  with no append-only file, ``--cache_mode``; an eviction policy that may drop any key:
  ``maxmemory-policy allkeys-lru``) or, when no setting turns persistence on, when it is
  named or labelled as one (``redis-cache``, ``app.kubernetes.io/component: cache``).
  ``appendonly no`` alone is not evidence: it is the default, and RDB snapshots still
  persist the data set.  An explicit ``appendonly yes`` or ``save 60 1000`` beats a name.

A cache holds no state: it is not a database for the HA, StatefulSet, persistent-storage
and backup checks.  Only systems of record and object stores need backups
(:attr:`DataStore.system_of_record`); brokers, search indexes and coordination services
are rebuilt or replicated rather than restored.
"""

from __future__ import annotations

import enum
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .base import TRUE_WORDS
from .images import DATABASE_IMAGES, ImageRef, is_database_image, parse_image


class Role(str, enum.Enum):
    DATABASE = "database"
    KEY_VALUE = "key-value"
    CACHE = "cache"
    BROKER = "broker"
    SEARCH = "search"
    COORDINATION = "coordination"
    OBJECT_STORE = "object-store"


#: roles whose data nothing else can rebuild: they need backups
SYSTEMS_OF_RECORD = (Role.DATABASE, Role.OBJECT_STORE)


#: image-name heads by role; anything else :func:`is_database_image` accepts is a database
_ROLES: dict[str, Role] = {
    **dict.fromkeys(("redis", "valkey", "keydb", "dragonfly"), Role.KEY_VALUE),
    "memcached": Role.CACHE,
    **dict.fromkeys(("rabbitmq", "kafka", "nats", "redpanda"), Role.BROKER),
    **dict.fromkeys(("elasticsearch", "opensearch"), Role.SEARCH),
    **dict.fromkeys(("zookeeper", "etcd"), Role.COORDINATION),
    "minio": Role.OBJECT_STORE,
}
#: label keys whose value says what a component is for
ROLE_LABELS = (
    "app.kubernetes.io/component", "app.kubernetes.io/name", "app.kubernetes.io/instance",
    "app", "component", "role", "tier", "name", "k8s-app",
)
#: eviction policies that may drop any key when memory is full: what is stored is a cache
_EVICT_ANY = re.compile(r"^allkeys-(lru|lfu|random)$")
_TRUE = TRUE_WORDS
_FALSE = ("no", "false", "0", "off")


@dataclass(frozen=True)
class DataStore:
    """A data store a container or service runs, as far as its files show."""

    engine: str
    role: Role
    #: why it is a cache (a setting, a name), or None when it may hold state
    cache_evidence: str | None = None

    @property
    def cache(self) -> bool:
        return self.role is Role.CACHE or self.cache_evidence is not None

    @property
    def holds_state(self) -> bool:
        """Loses data worth keeping when its pod or volume goes (not a cache)."""
        return not self.cache

    @property
    def system_of_record(self) -> bool:
        """Holds data nothing else can rebuild, so it needs backups."""
        return self.role in SYSTEMS_OF_RECORD


#: a database image run as one of these is a client (a dump, a wait loop), not a server
CLIENT_PROGRAMS = frozenset({
    "psql", "pg_dump", "pg_dumpall", "pg_restore", "pg_isready", "mysql", "mysqldump", "mysqladmin",
    "mariadb", "mariadb-dump", "mariadb-admin", "mongosh", "mongo", "mongodump", "mongorestore", "mongoexport",
    "mongoimport", "redis-cli", "redis-benchmark", "valkey-cli", "cqlsh", "etcdctl", "mc", "sleep", "true",
    "kafka-topics", "kafka-topics.sh", "kafka-console-consumer", "kafka-console-consumer.sh",
    "kafka-console-producer", "kafka-console-producer.sh", "clickhouse-client", "influx",
})
#: file utilities and shell built-ins a setup step on a database image runs (fix ownership, print,
#: wait): none of them starts a server
_UTILITY_PROGRAMS = frozenset({
    "echo", "printf", "stat", "chown", "chmod", "chgrp", "mkdir", "ls", "test", "[", "[[", "cat", "false",
    "exit", "set", "cp", "mv", "rm", "touch", "id", "find", "export", "cd", "grep", "sed", "awk", "tr", "cut",
    "head", "tail", "date", "wc", "sort", "basename", "dirname", "tee", "xargs", "ln", "nc", "curl", "wget",
    "getent", "whoami", "hostname", "return", "wait", "unset", "local", "read", "shift",
})
#: programs that start a database server, or hand the container over to the image's own start
#: (its entrypoint script, ``exec "$@"``): a container running one of them runs the server
_STARTER_PROGRAMS = frozenset({
    "postgres", "postmaster", "pg_ctl", "pg_ctlcluster", "mysqld", "mysqld_safe", "mariadbd", "mariadbd-safe",
    "mongod", "mongos", "redis-server", "valkey-server", "keydb-server", "dragonfly", "docker-entrypoint.sh",
    "entrypoint.sh", "$@", "$*",
})


def helper_command(entrypoint: str | list[str] | None, command: str | list[str] | None) -> str | None:
    """What a container on a database image runs instead of the server, or None when it runs (or may
    run) the server.

    ``entrypoint`` replaces the image's start (compose ``entrypoint``, Kubernetes ``command``) and
    ``command`` its arguments (compose ``command``, Kubernetes ``args``): a list of words as written
    (exec form) or a string (compose's string form, split as shell words).  A container is a helper
    when what replaces the start runs only database clients, file utilities and shell built-ins: a
    one-shot ``chown`` of the data directory, an ``rs.initiate`` through ``mongosh``, a ``pg_dump``
    loop.  Flags alone (``command: --replSet rs0``) go to the image's server; a server program, the
    image's entrypoint script or ``exec "$@"`` anywhere in the script keeps it a server, and so does
    any program auditui does not know (a custom start script may well start the server).
    """
    from .shell_hosts import run_commands, shell_form  # local: the shell model imports far more than this one

    words, args = _argv(entrypoint), _argv(command)
    if not words and (not args or args[0].startswith("-")):
        return None  # the image's own start, with or without server flags
    argv = words + args
    found = shell_form(argv)
    if found is not None:
        programs = {seg.name for cmd in run_commands(argv[found[1]]) for seg in cmd.segments if seg.name}
    else:
        programs = {argv[0].rsplit("/", 1)[-1]}
    if not programs or programs & _STARTER_PROGRAMS:
        return None
    if programs <= CLIENT_PROGRAMS | _UTILITY_PROGRAMS:
        shown = sorted(programs & CLIENT_PROGRAMS) or sorted(programs - {"[", "[["})
        return "runs only " + ", ".join(shown[:4]) + (" ..." if len(shown) > 4 else "") + ", no server"
    return None


def _argv(value: str | list[str] | None) -> list[str]:
    if isinstance(value, str):
        return shell_words([value])
    return [str(word) for word in value or ()]


#: data directories only a database server writes (official and Bitnami images): a writable
#: mount on one of them says which server a container runs, whatever its image is called
SERVER_DATA_DIRECTORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("postgres", ("/var/lib/postgresql/data", "/var/lib/postgresql", "/bitnami/postgresql")),
    ("mysql", ("/var/lib/mysql", "/bitnami/mysql", "/bitnami/mariadb")),
    ("mongodb", ("/data/db", "/bitnami/mongodb")),
    ("elasticsearch", ("/usr/share/elasticsearch/data", "/usr/share/opensearch/data", "/bitnami/elasticsearch")),
    ("clickhouse", ("/var/lib/clickhouse",)),
    ("mssql", ("/var/opt/mssql",)),
    ("cassandra", ("/var/lib/cassandra", "/bitnami/cassandra")),
    ("influxdb", ("/var/lib/influxdb", "/var/lib/influxdb2")),
    ("redis", ("/bitnami/redis/data",)),
)
#: where each engine's official and Bitnami images keep their data by default (engine heads
#: as :func:`engine_of` names them); broader than the list above (``/data`` is Redis's, but
#: also anything's), so it answers "is the data directory a volume?", never "what is this?"
_DATA_HOMES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("postgres", "postgresql", "postgis", "timescaledb", "pgvector"),
                    ("/var/lib/postgresql", "/bitnami/postgresql", "/home/postgres/pgdata")),
    **dict.fromkeys(("mysql", "mariadb", "percona"), ("/var/lib/mysql", "/bitnami/mysql", "/bitnami/mariadb")),
    **dict.fromkeys(("mongo", "mongodb"), ("/data/db", "/data/configdb", "/bitnami/mongodb")),
    **dict.fromkeys(("redis", "valkey", "keydb"), ("/data", "/bitnami/redis")),
    "rabbitmq": ("/var/lib/rabbitmq", "/bitnami/rabbitmq"),
    "elasticsearch": ("/usr/share/elasticsearch/data", "/bitnami/elasticsearch"),
    "opensearch": ("/usr/share/opensearch/data",),
    "clickhouse": ("/var/lib/clickhouse",),
    "cassandra": ("/var/lib/cassandra", "/bitnami/cassandra"),
    "influxdb": ("/var/lib/influxdb", "/var/lib/influxdb2"),
    "couchdb": ("/opt/couchdb/data",),
    "neo4j": ("/data",),
    "kafka": ("/var/lib/kafka", "/bitnami/kafka"),
    "zookeeper": ("/data", "/datalog", "/bitnami/zookeeper"),
    "etcd": ("/var/lib/etcd", "/bitnami/etcd"),
}


def data_homes(engine: str) -> tuple[str, ...]:
    """Where ``engine``'s images keep their data by default; empty when unknown."""
    engine = engine.lower()
    head = re.split(r"[-_.]", engine, maxsplit=1)[0]
    return _DATA_HOMES.get(engine) or _DATA_HOMES.get(head) or ()


def overlaps(mount_path: str, directory: str) -> bool:
    """A volume mounted at ``mount_path`` holds (part of) ``directory``: the same path, a folder
    above it, or one below it (``/var/lib/postgresql/data`` for the home ``/var/lib/postgresql``,
    a ``PGDATA`` moved to ``.../data/pgdata``)."""
    mount = mount_path.rstrip("/") or "/"
    directory = directory.rstrip("/") or "/"
    return (mount == directory or directory.startswith(mount.rstrip("/") + "/")
            or mount.startswith(directory.rstrip("/") + "/"))


def engine_of(image: str | ImageRef | None, names: tuple[str, ...] = DATABASE_IMAGES) -> str | None:
    """The store an image runs (its name, lower-cased), or None when it is no known store."""
    if not image:
        return None
    ref = image if isinstance(image, ImageRef) else parse_image(str(image))
    if ref.templated:
        return None
    if not is_database_image(ref, tuple(names)):
        return None
    return ref.name.lower()


def role_of(engine: str) -> Role:
    head = re.split(r"[-_.]", engine.lower(), maxsplit=1)[0]
    return _ROLES.get(engine.lower()) or _ROLES.get(head) or Role.DATABASE


def classify(
    image: str | ImageRef | None,
    *,
    names: Iterable[str] = (),
    labels: Mapping[str, object] | None = None,
    words: Iterable[str] = (),
    env: Mapping[str, object] | None = None,
    configs: Iterable[str] = (),
    known: tuple[str, ...] = DATABASE_IMAGES,
) -> DataStore | None:
    """The store ``image`` runs and whether its settings or names make it a cache.

    ``names``: what the team calls it (workload, container, compose service); ``labels``:
    its labels; ``words``: its command and arguments (strings holding spaces are read as
    shell words, so ``sh -c "redis-server --save ''"`` counts); ``env``: its environment
    (Bitnami's ``REDIS_RDB_POLICY_DISABLED``...); ``configs``: texts of configuration files
    it mounts (a ConfigMap'd ``redis.conf``).  None when the image is no known store.
    """
    engine = engine_of(image, known)
    if engine is None:
        return None
    return describe(engine, names=names, labels=labels, words=words, env=env, configs=configs)


def describe(
    engine: str,
    *,
    names: Iterable[str] = (),
    labels: Mapping[str, object] | None = None,
    words: Iterable[str] = (),
    env: Mapping[str, object] | None = None,
    configs: Iterable[str] = (),
) -> DataStore:
    """A store known by its engine (``postgres``, ``redis``), judged like :func:`classify`."""
    role = role_of(engine)
    if role is not Role.KEY_VALUE:
        return DataStore(engine, role)
    return DataStore(engine, role, cache_evidence(engine, names=names, labels=labels or {}, words=words,
                                                  env=env or {}, configs=configs))


def cache_evidence(
    engine: str,
    *,
    names: Iterable[str] = (),
    labels: Mapping[str, object],
    words: Iterable[str] = (),
    env: Mapping[str, object],
    configs: Iterable[str] = (),
) -> str | None:
    """Why a key-value store is a cache, or None when nothing says so."""
    settings: dict[str, tuple[str, str]] = {}  # directive -> (value, where it was read)
    for text in configs:
        for directive, value in config_directives(text):
            settings[directive] = (value, "its mounted configuration")
    for directive, value in flag_directives(words):
        settings[directive] = (value, "its command line")
    for key, raw in env.items():
        name, value = str(key).upper(), "" if raw is None else str(raw).strip().lower()
        if name.endswith("_RDB_POLICY_DISABLED") and value in _TRUE:  # Bitnami images
            settings["save"] = ("", f"{key}={raw}")
        elif name.endswith("_AOF_ENABLED") and value in _TRUE + _FALSE:
            settings["appendonly"] = ("yes" if value in _TRUE else "no", f"{key}={raw}")
        elif name.endswith("_MAXMEMORY_POLICY") or name == "MAXMEMORY_POLICY":
            settings["maxmemory-policy"] = (value, f"{key}={raw}")
    policy = settings.get("maxmemory-policy")
    if policy is not None and _EVICT_ANY.match(policy[0].strip().lower()):
        return f"maxmemory-policy {policy[0]} in {policy[1]}: any key may be evicted, so it holds a cache"
    mode = settings.get("cache_mode")
    if mode is not None and mode[0].strip().lower() in _TRUE + ("",):
        return f"--cache_mode in {mode[1]}: Dragonfly runs as a cache"
    aof = settings.get("appendonly")
    aof_on = aof is not None and aof[0].strip().lower() in _TRUE
    save = settings.get("save")
    if save is None and _empty(settings.get("dbfilename")):
        save = settings["dbfilename"]  # Dragonfly: no file name, no snapshot
    save_off = _empty(save)
    if save_off and not aof_on and save is not None:
        return f"persistence is off (no snapshots and no append-only file, in {save[1]})"
    if aof_on or (save is not None and not save_off):
        return None  # persistence chosen explicitly: a name does not outweigh it
    for name in names:
        if _says_cache(name):
            return f"named {str(name)!r}"
    for label, said in labels.items():
        if str(label).lower() in ROLE_LABELS and _says_cache(said):
            return f"labelled {label}={said}"
    return None


def _empty(setting: tuple[str, str] | None) -> bool:
    return setting is not None and setting[0].strip().strip("\"'") == ""


def _says_cache(value: object) -> bool:
    return any("cache" in token for token in re.split(r"[^a-z0-9]+", str(value or "").lower()))


def shell_words(items: Iterable[object]) -> list[str]:
    """Command-line words: list items as they are; an item holding spaces read as shell words."""
    out: list[str] = []
    for item in items:
        if item is None or isinstance(item, (dict, list)):
            continue
        text = str(item)
        if any(char.isspace() for char in text.strip()):
            try:
                out.extend(shlex.split(text, comments=True))
            except ValueError:
                out.extend(text.split())
        else:
            out.append(text)
    return out


def flag_directives(words: Iterable[str]) -> list[tuple[str, str]]:
    """``--name value`` / ``--name=value`` pairs of a server command line (lower-cased names).

    A flag followed by another flag, or by nothing, is a boolean (value ``""``): only
    ``--cache_mode`` reads it so. ``--save ""`` (an empty word) turns snapshots off.
    """
    items = list(words)
    out: list[tuple[str, str]] = []
    for index, word in enumerate(items):
        if not word.startswith("-") or word in ("-", "--"):
            continue
        name, eq, value = word.lstrip("-").partition("=")
        if not eq:
            following = items[index + 1] if index + 1 < len(items) else None
            value = "" if following is None or (following.startswith("-") and following != "-") else following
        out.append((name.lower(), value))
    return out


def config_directives(text: str) -> list[tuple[str, str]]:
    """``directive value`` lines of a redis.conf-style file (comments and blanks skipped)."""
    out: list[tuple[str, str]] = []
    for line in str(text).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            parts = shlex.split(line)
        except ValueError:
            parts = line.split()
        if not parts:
            continue
        out.append((parts[0].lower(), " ".join(parts[1:]) if len(parts) > 1 else ""))
    return out


#: stateful stores by image name for the HA and storage checks; Memcached and NATS core keep
#: nothing worth persisting (a Redis-family store is judged by :func:`classify`)
STATEFUL_IMAGES = tuple(name for name in DATABASE_IMAGES if name not in ("memcached", "nats"))


def configured_images(value: object, default: tuple[str, ...] = STATEFUL_IMAGES) -> tuple[str, ...]:
    """A check's ``images`` option (a list, or one name) as lower-cased names; the default otherwise."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        value = default
    return tuple(str(v).strip().lower() for v in value if str(v).strip())
