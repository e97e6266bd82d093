"""Which user a container runs as: one answer for Dockerfiles, compose and Kubernetes.

* :func:`is_root_user` reads a ``USER``, a compose ``user:`` or a ``runAsUser`` the way
  the runtime does: a numeric uid is compared as a number (``00`` and ``0:0`` are root), a
  name is case-sensitive (``ROOT`` is a missing user, not root; only Windows'
  ``ContainerAdministrator`` ignores case), and a variable leaves the answer unknown.
* :func:`image_user` knows what well-known images do when nothing sets a user: run as a
  non-root user of their own (Bitnami, Grafana, Elasticsearch, Chainguard, distroless
  ``:nonroot``), start as root and step down in their own entrypoint (the official
  PostgreSQL, MySQL/MariaDB, MongoDB, Redis/Valkey, ClickHouse, RabbitMQ images), or keep
  only a master process as root to bind ports while the workers run unprivileged (nginx,
  httpd, php-fpm).  An image not listed here is unknown: the image decides, often root.
* :func:`privilege_drop` finds, in an entrypoint or service script, the command that
  starts the real program as another user (``exec gosu app``, ``su-exec``,
  ``s6-setuidgid``, ``setpriv --reuid``, ``chroot --userspec``, ``runuser -u``, ``chpst -u``).
"""

from __future__ import annotations

import enum
import posixpath
import re
from dataclasses import dataclass

from .images import ImageRef, parse_image


def is_root_user(value: object) -> bool | None:
    """True for root (uid 0, any group), False for another user, None when a variable decides.

    ``0``, ``00``, ``"0:0"``, ``root``, ``root:root``, ``0:1000`` are root; ``1000``,
    ``app``, ``ROOT`` (user names are case-sensitive) are not; ``${UID}`` and ``:1000`` (no
    user part) are unknown.  Windows' ``ContainerAdministrator`` is root in any case.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value == 0
    text = str(value).strip().strip("\"'").strip()
    if not text or "$" in text or "{{" in text:
        return None
    name = text.split(":", 1)[0].strip()
    if not name:
        return None
    if name.isdigit():
        return int(name) == 0
    return name == "root" or name.lower() == "containeradministrator"


def uid_of(value: object) -> int | None:
    """A numeric uid (``runAsUser: 1000`` or ``"1000"``); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class Default(str, enum.Enum):
    """What an image does when nothing sets a user."""

    NONROOT = "nonroot"  # its own USER is not root
    DROPS = "drops"  # starts as root, its entrypoint steps down to its own user
    MASTER = "master"  # a root master process binds ports; workers run unprivileged


@dataclass(frozen=True)
class ImageUser:
    default: Default
    #: how it runs, for messages ("its entrypoint runs postgres as the postgres user")
    note: str


#: official (Docker Hub library) images whose entrypoint steps down to their own user
_DROPS_OFFICIAL = {
    "postgres": "postgres", "mysql": "mysql", "mariadb": "mysql", "mongo": "mongodb",
    "redis": "redis", "rabbitmq": "rabbitmq", "cassandra": "cassandra", "couchdb": "couchdb",
    "neo4j": "neo4j", "zookeeper": "zookeeper", "influxdb": "influxdb",
}
#: vendor images (repository) whose entrypoint steps down to their own user
_DROPS_VENDOR = {
    "valkey/valkey": "valkey", "postgis/postgis": "postgres", "timescale/timescaledb": "postgres",
    "pgvector/pgvector": "postgres", "clickhouse/clickhouse-server": "clickhouse",
    "yandex/clickhouse-server": "clickhouse",
}
#: official images whose own ``USER`` is not root
_NONROOT_OFFICIAL = frozenset({"memcached", "elasticsearch", "solr", "sonarqube", "eclipse-mosquitto"})
#: vendor namespaces (``bitnami/``) or repositories whose images run as a non-root user of their own
_NONROOT_VENDOR = (
    "bitnami/", "grafana/grafana", "grafana/loki", "grafana/tempo", "grafana/mimir", "prom/", "prometheus/",
    "elasticsearch/elasticsearch", "opensearchproject/opensearch", "opensearchproject/opensearch-dashboards",
    "kibana/kibana", "keycloak/keycloak", "jenkins/jenkins",
)
#: official images whose master process stays root to bind ports, and the user of their workers
_MASTER_OFFICIAL = {"nginx": "nginx", "httpd": "daemon", "wordpress": "www-data", "nextcloud": "www-data",
                    "drupal": "www-data", "joomla": "www-data"}
_MASTER_VENDOR = {"openresty/openresty": "nobody"}
_NONROOT_NAME_WORDS = ("unprivileged", "rootless")


def _official(ref: ImageRef) -> str | None:
    """The library name of a Docker Hub official image (``postgres``, ``library/postgres``)."""
    if ref.registry not in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
        return None
    repository = ref.repository.lower()
    if repository.startswith("library/"):
        repository = repository[len("library/"):]
    return None if "/" in repository else repository


def image_user(image: str | ImageRef | None) -> ImageUser | None:
    """What a well-known image does about its user, or None when auditui does not know it."""
    if not image:
        return None
    ref = image if isinstance(image, ImageRef) else parse_image(str(image))
    if ref.templated:
        return None
    tag = (ref.tag or "").lower()
    repository = ref.repository.lower()
    full = f"{ref.registry.lower()}/{repository}" if ref.registry else repository
    official = _official(ref)
    if "nonroot" in tag or any(word in repository for word in _NONROOT_NAME_WORDS):
        return ImageUser(Default.NONROOT, f"{ref.repository} runs as a non-root user")
    if full.startswith("cgr.dev/chainguard/") and "-dev" not in tag and tag != "dev":
        return ImageUser(Default.NONROOT, "Chainguard images run as a non-root user (65532) except their -dev variants")
    if official in _NONROOT_OFFICIAL or any(_listed(repository, entry) for entry in _NONROOT_VENDOR):
        return ImageUser(Default.NONROOT, f"{ref.repository} runs as a non-root user of its own")
    user = _DROPS_OFFICIAL.get(official or "") or next(
        (who for entry, who in _DROPS_VENDOR.items() if _listed(repository, entry)), None)
    if user is not None:
        return ImageUser(Default.DROPS, f"its entrypoint starts the server as the {user} user")
    if official == "php" and ("fpm" in tag or "apache" in tag):
        return ImageUser(Default.MASTER, "only the php-fpm/Apache master process runs as root; workers run as www-data")
    name, worker = (official, _MASTER_OFFICIAL.get(official or "")) if official else (None, None)
    if worker is None:
        name, worker = next(((entry, who) for entry, who in _MASTER_VENDOR.items() if _listed(repository, entry)),
                            (None, None))
    if worker is not None:
        return ImageUser(Default.MASTER, f"only the {name} master process runs as root, to bind its ports; "
                                         f"workers run as {worker}")
    return None


def _listed(repository: str, entry: str) -> bool:
    """``entry`` names this repository (``grafana/grafana``) or its namespace (``bitnami/``)."""
    if entry.endswith("/"):
        return repository.startswith(entry) or f"/{entry}" in f"/{repository}"
    return repository == entry or repository.endswith("/" + entry)


# -- entrypoints that step down -------------------------------------------------------

#: a command that runs the rest of its line as another user, replacing the shell (``exec``)
#: or becoming the command line the script execs (``set -- gosu app "$@"``); the tool's path
#: (``/usr/local/bin/``) is bounded (16 folders of 128 characters) so that a long word without a
#: ``/`` is not rescanned from each of its characters
_DROP_RE = re.compile(
    r"(?<![\w./-])(?P<lead>exec\s+|set\s+--\s+)?(?:[^\s/]{0,128}/){0,16}"
    r"(?P<tool>gosu|su-exec|s6-setuidgid|s6-applyuidgid|setpriv|chroot|runuser|chpst|su)"
    r"(?P<args>(?:\s+[^\s;&|]+)+)"
)
_NOT_A_DROP = re.compile(r"^\s+(--version|-v|--help|-h)\b|^\s+nobody\s+true\b")
#: supervisors' tools: a service's run script calls them as its last step, with or without exec
SUPERVISOR_TOOLS = ("s6-setuidgid", "s6-applyuidgid", "chpst")


def privilege_drop(text: str) -> tuple[str, int] | None:
    """(tool, 1-based line) of the first command in a script that starts its program as another user.

    ``exec gosu postgres "$@"``, ``set -- su-exec app "$@"``, ``exec s6-setuidgid abc cmd``,
    ``exec setpriv --reuid=1000 ...``, ``exec chroot --userspec=1000:1000 / cmd``,
    ``exec runuser -u app -- cmd``, ``chpst -u app cmd``, ``exec su app -c "cmd"``. A tool that
    runs one command as another user and comes back (``gosu app migrate`` without ``exec``),
    installing one (``apk add su-exec``), testing it (``gosu nobody true``) and comments are not.
    """
    for number, raw in enumerate(str(text).splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        for match in _DROP_RE.finditer(line):
            tool, args = match.group("tool"), match.group("args")
            if not match.group("lead") and tool not in SUPERVISOR_TOOLS:
                continue  # runs one command and comes back: the script goes on as root
            if _NOT_A_DROP.match(args):
                continue
            words = args.split()
            if tool in ("gosu", "su-exec", "s6-setuidgid", "s6-applyuidgid") and len(words) >= 2:
                if words[0] not in ("root", "0", "0:0", "root:root"):
                    return tool, number
            elif tool == "setpriv" and any(w.startswith("--reuid") for w in words):
                return tool, number
            elif tool == "chroot" and any(w.startswith("--userspec") for w in words):
                return tool, number
            elif tool == "runuser" and any(w in ("-u", "-l") or w.startswith("--user") for w in words):
                return tool, number
            elif tool == "chpst" and "-u" in words:
                return tool, number
            elif tool == "su" and "-c" in words and words[0] not in ("-c", "root", "-"):
                return tool, number
    return None


# -- the verdict on an image built from a Dockerfile -----------------------------------

#: operating-system and language-runtime images whose default user is root: without a USER
#: of its own, a stage built on one of these certainly runs as root.  Application images
#: often set a user of their own, which a Dockerfile built on them cannot show.
ROOT_DEFAULT_IMAGES = frozenset({
    "alpine", "debian", "ubuntu", "centos", "fedora", "rockylinux", "almalinux", "oraclelinux",
    "amazonlinux", "archlinux", "opensuse", "leap", "busybox", "ubi", "ubi-minimal", "ubi8",
    "ubi9", "ubi8-minimal", "ubi9-minimal", "python", "node", "golang", "ruby", "php", "perl",
    "openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine", "rust",
    "gcc", "maven", "gradle", "elixir", "erlang", "haskell", "julia", "r-base", "swift", "dart",
    "bash", "buildpack-deps", "sdk", "aspnet", "runtime", "runtime-deps", "mono", "clojure",
    "nginx", "httpd", "tomcat", "jetty", "docker", "bun", "deno", "static", "base", "cc",
    "base-debian11", "base-debian12", "static-debian11", "static-debian12", "cc-debian12",
})


class Level(enum.IntEnum):
    """How sure auditui is that a container runs as root."""

    NONE = 0  # it does not, as far as the files show
    HEDGED = 1  # root only to start or bind; it steps down (low)
    LIKELY = 2  # the image or an unverified entrypoint decides (medium)
    CERTAIN = 3  # USER root, or a root-default base with nothing that steps down (high)


@dataclass(frozen=True)
class Verdict:
    level: Level
    message: str
    #: "user" when the finding belongs on the USER instruction, "from" on the FROM
    at: str = "from"


def judge_image(run_as: dict, scripts: dict[str, tuple[str, int]], context: str | None,
                nonroot_images: tuple[str, ...] = (), root_default: frozenset[str] = ROOT_DEFAULT_IMAGES) -> Verdict:
    """How the final stage of a Dockerfile runs, from its ``run_as`` facts (see
    :func:`~.dockerfile.run_as_facts`), the scripts of the repository that step down
    (path -> (tool, line)) and its build context (the Dockerfile's folder when unknown).

    ``root_default`` are image names whose default user is root (OS and language bases):
    without USER, a stage on one of them certainly runs as root; an application image not
    known to :func:`image_user` may set a user of its own (LIKELY).
    """
    label = run_as.get("label")
    user = run_as.get("user")
    step_down = _script_drop(run_as, scripts, context)
    entry_drop = run_as.get("entry_drop")
    if user is not None:
        root = is_root_user(user)
        if not root:
            return Verdict(Level.NONE, "")
        where = " (inherited from the stage it builds FROM)" if run_as.get("inherited") else ""
        if entry_drop or (step_down and step_down[0] == "entrypoint"):
            how = f"its ENTRYPOINT/CMD runs the program with {entry_drop}" if entry_drop else (
                f"its entrypoint {step_down[1]} steps down with {step_down[2]} (line {step_down[3]})")
            return Verdict(Level.HEDGED, f"the last USER of the final stage {label} is {user!r}{where}: the "
                                         f"container starts as root, and {how}; only that first step runs as root", "user")
        return Verdict(Level.CERTAIN, f"the last USER of the final stage {label} is {user!r}{where}: "
                                      f"the container runs as root", "user")
    if not run_as.get("runs"):
        return Verdict(Level.NONE, "")  # a scratch stage with nothing to run: files exported with --output
    base = run_as.get("base")
    ref = parse_image(base) if base else None
    if ref is not None and ref.templated:
        return Verdict(Level.NONE, "")  # a base we cannot resolve may set its own user
    if ref is not None and _configured(ref, nonroot_images):
        return Verdict(Level.NONE, "")
    known = image_user(ref) if ref is not None else None
    if known is not None and known.default is Default.NONROOT:
        return Verdict(Level.NONE, "")
    never = f"the final stage {label} never sets USER"
    if entry_drop:
        return Verdict(Level.HEDGED, f"{never}: the container starts as root and its ENTRYPOINT/CMD runs the "
                                     f"program as another user with {entry_drop}")
    if step_down and step_down[0] == "entrypoint":
        return Verdict(Level.HEDGED, f"{never}: the container starts as root and its entrypoint {step_down[1]} "
                                     f"steps down to another user with {step_down[2]} (line {step_down[3]})")
    if known is not None and known.default is Default.DROPS:
        if not run_as.get("entry_set"):
            return Verdict(Level.NONE, "")  # the base image's own entrypoint steps down
        return Verdict(Level.LIKELY, f"{never} and replaces the ENTRYPOINT of {ref.repository}, whose own entrypoint "
                                     f"steps down ({known.note}); this one may keep running as root")
    if step_down:
        return Verdict(Level.HEDGED, f"{never}: the container starts as root; {step_down[1]}, copied into the "
                                     f"image, runs its service as another user with {step_down[2]} (line "
                                     f"{step_down[3]}), so only the supervisor runs as root")
    if known is not None and known.default is Default.MASTER:
        return Verdict(Level.HEDGED, f"{never}: {known.note}; an unprivileged variant (or USER with a port "
                                     f"above 1024) removes root entirely")
    if run_as.get("installs_drop"):
        tool = run_as["installs_drop"]
        return Verdict(Level.LIKELY, f"{never}: the container starts as root and relies on its entrypoint "
                                     f"dropping privileges with {tool}; make sure every path does, or set USER")
    if ref is None or ref.name.lower() in root_default:
        return Verdict(Level.CERTAIN, f"the final stage {label} (FROM {base or 'scratch'}) never sets USER, so "
                                      f"the container runs as root")
    return Verdict(Level.LIKELY, f"{never}: the container runs as whatever user {ref.repository} sets, root "
                                 f"unless that image chose another")


def scripts_that_step_down(facts) -> dict[str, tuple[str, int]]:
    """``shell:privdrop`` facts as path -> (tool, line): the scripts :func:`judge_image` reads."""
    return {path: (str(fact.data.tool), fact.line or 0) for path, fact in facts}


def _configured(ref: ImageRef, extra: tuple[str, ...]) -> bool:
    full = f"{ref.registry}/{ref.repository}".lower() if ref.registry else ref.repository.lower()
    for item in extra:
        text = str(item).lower().rstrip("/")
        if text and (full == text or full.startswith(text + "/") or ref.raw.lower().startswith(text)):
            return True
    return False


_WHOLE_CONTEXT = {".", "./", "*", "./*", "./."}


def _script_drop(run_as: dict, scripts: dict[str, tuple[str, int]],
                 context: str | None) -> tuple[str, str, str, int] | None:
    """("entrypoint" | "copied", script path, tool, line) of a script that steps down and that
    the image copies from its build context; the entrypoint (started by ENTRYPOINT/CMD) first.

    A file copied on its own is the entrypoint when ENTRYPOINT/CMD name its base name; a
    script inside a copied folder when they name its path within that folder
    (``COPY docker/ /app/docker/`` + ``ENTRYPOINT ["/app/docker/start.sh"]``). Other
    stepping-down scripts of a copied folder (an s6 ``rootfs/``) count as "copied"; those
    of a copy of the whole context do not (it holds every script of the repository).
    """
    if not scripts:
        return None
    words = [w.strip("\"'") for w in run_as.get("entry_words") or ()]
    names = {posixpath.basename(w) for w in words}
    found = None
    for source in run_as.get("copies") or ():
        whole = source in _WHOLE_CONTEXT
        root = posixpath.normpath(posixpath.join(context or "", source.lstrip("/")))
        root = "" if root == "." else root
        for path, (tool, line) in scripts.items():
            if path == root:
                if posixpath.basename(path) in names:
                    return ("entrypoint", path, tool, line)
                continue
            if root and not path.startswith(root + "/"):
                continue
            inner = path[len(root) + 1:] if root else path
            if any(w == inner or w.endswith("/" + inner) or w == "./" + inner for w in words):
                return ("entrypoint", path, tool, line)
            if found is None and not whole and tool in SUPERVISOR_TOOLS + ("gosu", "su-exec"):
                found = ("copied", path, tool, line)  # a service's run script (s6, runit)
    return found
