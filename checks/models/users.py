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
  ``s6-setuidgid``, ``setpriv --reuid``, ``chroot --userspec``, ``runuser -u``, ``chpst -u``), or
  a daemon that drops to its own user: by a flag naming it (``rspamd -u _rspamd``,
  ``gunicorn --user app``, ``dhcpd -user dhcp``) or by design (postfix, dovecot, sshd, dnsmasq,
  unbound, nginx, httpd/apache2, squid, exim: a root master whose workers run unprivileged, or a
  daemon whose default user is not root).
* :func:`config_drop` finds, in a configuration file the image ships, the line that sets the
  run user of its daemon (supervisord programs' ``user=``, clamd ``User``, unbound
  ``username:``, nginx ``user``, dnsmasq ``user=``, httpd ``User``, php-fpm pools' ``user =``).
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

#: daemons started with an option that names the user they switch to after start-up
DAEMON_USER_FLAGS: dict[str, tuple[str, ...]] = {
    "rspamd": ("-u", "--user"), "dnsmasq": ("-u", "--user"), "memcached": ("-u", "--user"),
    "named": ("-u",), "ntpd": ("-u", "--user"), "chronyd": ("-u",), "gunicorn": ("-u", "--user"),
    "uwsgi": ("--uid",), "openvpn": ("--user",), "dhcpd": ("-user",), "pdns_server": ("--setuid",),
    "pdns_recursor": ("--setuid",), "tor": ("--User",), "proftpd": ("-u",), "squid": (),
}
#: daemons that drop to their own user by design: a root master whose workers run unprivileged
#: (postfix, dovecot, nginx, httpd, exim, squid, sshd's privilege separation) or a daemon whose
#: default user is not root (dnsmasq: nobody; unbound: unbound); words that must follow the
#: program for it to be the daemon (``postfix start``, ``exim -bd``)
DROPS_BY_DESIGN: dict[str, tuple[str, tuple[str, ...]]] = {
    "postfix": ("the postfix master forks its services as the postfix user", ("start", "start-fg")),
    "dovecot": ("the dovecot master runs its login and mail processes unprivileged", ()),
    "sshd": ("sshd separates privileges: the network-facing part runs unprivileged", ()),
    "dnsmasq": ("dnsmasq switches to nobody after binding its ports", ()),
    "unbound": ("unbound switches to the unbound user after start-up", ()),
    "nginx": ("only the nginx master runs as root, to bind ports; workers run unprivileged", ()),
    "httpd": ("only the httpd master runs as root, to bind ports; workers run unprivileged", ()),
    "apache2": ("only the apache2 master runs as root, to bind ports; workers run unprivileged", ()),
    "apache2-foreground": ("only the apache2 master runs as root, to bind ports; workers run unprivileged", ()),
    "apachectl": ("only the httpd master runs as root, to bind ports; workers run unprivileged", ()),
    "apache2ctl": ("only the apache2 master runs as root, to bind ports; workers run unprivileged", ()),
    "squid": ("squid runs its workers as its cache_effective_user", ()),
    "exim": ("exim drops to its own user for deliveries", ("-bd",)),
    "exim4": ("exim drops to its own user for deliveries", ("-bd",)),
}
_DAEMON_RE = re.compile(
    r"(?:^|(?<=[\s;&|]))(?P<lead>exec\s+)?(?:[^\s/]{0,128}/){0,16}"
    r"(?P<prog>" + "|".join(sorted(map(re.escape, set(DAEMON_USER_FLAGS) | set(DROPS_BY_DESIGN)),
                                    key=len, reverse=True)) + r")(?![^\s;&|])"
    r"(?P<args>(?:[ \t]+[^\s;&|]+){0,40})"
)
_ROOT_NAMES = ("root", "0", "0:0", "root:root", "")


def daemon_drop(words: list[str] | tuple[str, ...]) -> str | None:
    """How a daemon's command line drops to another user (``rspamd -u _rspamd``, ``postfix start``:
    by design), or None; ``words[0]`` is the program (a path is fine)."""
    if not words:
        return None
    prog = str(words[0]).rsplit("/", 1)[-1]
    args = [str(w) for w in words[1:]]
    flags = DAEMON_USER_FLAGS.get(prog, ())
    for index, word in enumerate(args):
        for flag in flags:
            value = None
            if word == flag and index + 1 < len(args):
                value = args[index + 1]
            elif flag.startswith("--") and word.startswith(flag + "="):
                value = word.split("=", 1)[1]
            if value is not None:
                if value.strip("\"'") in _ROOT_NAMES or value.startswith("-"):
                    return None  # told to stay root
                return f"{prog} {flag} {value}"
    design = DROPS_BY_DESIGN.get(prog)
    if design is not None and (not design[1] or any(w in args for w in design[1])):
        if any(w in _NOT_A_START for w in args):
            return None  # a configuration test, a signal or a version query, not the daemon
        return f"{prog} ({design[0]})"
    return None


#: arguments that make a daemon's command something else than starting it
_NOT_A_START = frozenset(("-t", "-T", "-v", "-V", "-h", "-?", "--help", "--version", "-s", "--test", "configtest",
                          "-S", "stop", "reload", "status", "check", "-M", "-l"))


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
        for match in _DAEMON_RE.finditer(line):
            # the daemon is the script's program (exec), a supervisor's run line (the first word),
            # or one that forks into the background as a master (postfix start)
            first = match.start() == 0 or line[:match.start()].strip() in ("", "exec")
            if not (match.group("lead") or first):
                continue
            how = daemon_drop([match.group("prog")] + match.group("args").split())
            if how is not None:
                return how, number
    return None


# -- configuration files that set a daemon's run user -----------------------------------

#: (file names, regex of the line that sets a non-empty run user, the words to report it with)
_CONFIG_USERS: tuple[tuple[tuple[str, ...], re.Pattern, str], ...] = (
    (("clamd.conf", "freshclam.conf", "clamav-milter.conf"), re.compile(r"^\s*(?:User|DatabaseOwner)\s+(\S+)"), "User"),
    (("unbound.conf",), re.compile(r"^\s*username:\s*\"?([^\s\"]+)"), "username:"),
    (("nginx.conf",), re.compile(r"^\s*user\s+([^\s;]+)"), "user"),
    (("dnsmasq.conf",), re.compile(r"^\s*user\s*=\s*(\S+)"), "user="),
    (("httpd.conf", "apache2.conf"), re.compile(r"^\s*User\s+(\S+)"), "User"),
    (("squid.conf",), re.compile(r"^\s*cache_effective_user\s+(\S+)"), "cache_effective_user"),
    (("haproxy.cfg",), re.compile(r"^\s*(?:user|uid)\s+(\S+)"), "user"),
    (("www.conf", "php-fpm.conf"), re.compile(r"^\s*user\s*=\s*(\S+)"), "user ="),
)
_SECTION_RE = re.compile(r"^\s*\[(?P<name>[^\]]+)\]")
_INI_RE = re.compile(r"^\s*(?P<key>[A-Za-z_]+)\s*=\s*(?P<value>.*?)\s*$")


def is_supervisor_config(path: str) -> bool:
    """A supervisord configuration by its name: ``supervisord.conf``, ``supervisor.conf``, or a
    ``.conf``/``.ini`` inside a ``supervisor``/``supervisord``/``supervisor.d`` folder."""
    parts = path.replace("\\", "/").lower().split("/")
    name = parts[-1]
    if name.startswith(("supervisord", "supervisor")) and name.endswith((".conf", ".ini")):
        return True
    return name.endswith((".conf", ".ini")) and any(p in ("supervisor", "supervisord", "supervisor.d",
                                                          "supervisord.d") for p in parts[:-1])


def is_daemon_config(path: str) -> bool:
    """A configuration file :func:`config_drop` reads, by its name."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return is_supervisor_config(path) or any(name in names for names, _, _ in _CONFIG_USERS)


def config_drop(path: str, text: str) -> tuple[str, int] | None:
    """(how, 1-based line) where a configuration file the image may ship sets its daemon's run
    user to someone other than root: a supervisord ``[program:x]`` with ``user=`` (or whose
    command is a daemon that drops, :func:`daemon_drop`), clamd ``User clamav``, unbound
    ``username: unbound``, nginx ``user nginx;``... None when it sets none, or root."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    lines = str(text).splitlines()
    if is_supervisor_config(path):
        section = ""
        for number, raw in enumerate(lines, 1):
            line = raw.split(";", 1)[0] if raw.lstrip().startswith(";") else raw
            head = _SECTION_RE.match(line)
            if head:
                section = head.group("name").strip()
                continue
            if not section.startswith("program:"):
                continue
            pair = _INI_RE.match(line)
            if pair is None:
                continue
            key, value = pair.group("key").lower(), pair.group("value").strip("\"'")
            if key == "user" and "%(" not in value and is_root_user(value) is False:
                return f"supervisord [{section}] user={value}", number
            if key == "command":
                words = value.split()
                how = privilege_drop("exec " + value) if words else None
                if how is not None:
                    return f"supervisord [{section}] runs {how[0]}", number
        return None
    for names, pattern, word in _CONFIG_USERS:
        if name not in names:
            continue
        for number, raw in enumerate(lines, 1):
            match = pattern.match(raw)
            if match and is_root_user(match.group(1).strip("\"';")) is False:
                return f"{name} {word} {match.group(1).strip(chr(34) + chr(39) + ';')}", number
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
            if entry_drop or step_down is None:
                how = f"its ENTRYPOINT/CMD runs the program with {entry_drop}"
            else:
                how = f"its entrypoint {step_down[1]} steps down with {step_down[2]} (line {step_down[3]})"
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
    if known is not None and ref is not None and known.default is Default.DROPS:
        if not run_as.get("entry_set"):
            return Verdict(Level.NONE, "")  # the base image's own entrypoint steps down
        return Verdict(Level.LIKELY, f"{never} and replaces the ENTRYPOINT of {ref.repository}, whose own entrypoint "
                                     f"steps down ({known.note}); this one may keep running as root")
    if step_down:
        return Verdict(Level.HEDGED, f"{never}: the container starts as root; {step_down[1]}, copied into the "
                                     f"image, has its service run as another user ({step_down[2]}, line "
                                     f"{step_down[3]}); root stays with the process that starts it and "
                                     f"anything else that process runs")
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
    supervised = bool(names & _SUPERVISORS)
    found = None
    for source in run_as.get("copies") or ():
        whole = source in _WHOLE_CONTEXT
        root = posixpath.normpath(posixpath.join(context or "", source.lstrip("/")))
        root = "" if root == "." else root
        for path, (tool, line) in scripts.items():
            if path == root:
                if posixpath.basename(path) in names:
                    return ("entrypoint", path, tool, line)
                # a file copied on its own: the daemon configuration it ships (clamd.conf User,
                # a supervisord program's user=), or a program script a supervisor runs
                if found is None and (is_daemon_config(path) or (supervised and _service_tool(tool))):
                    found = ("copied", path, tool, line)
                continue
            if root and not path.startswith(root + "/"):
                continue
            inner = path[len(root) + 1:] if root else path
            if any(w == inner or w.endswith("/" + inner) or w == "./" + inner for w in words):
                return ("entrypoint", path, tool, line)
            if found is None and not whole and (_service_tool(tool) or is_daemon_config(path)):
                found = ("copied", path, tool, line)  # a service's run script (s6, runit), a daemon's config
    return found


#: programs that start and watch other programs: the container's first process when it runs several
_SUPERVISORS = frozenset(("supervisord", "runsvdir", "runit", "s6-svscan", "init", "my_init", "boot"))


def _service_tool(tool: str) -> bool:
    """A step-down that belongs to a service a supervisor runs (s6, runit, gosu, a daemon's own drop)."""
    return tool in SUPERVISOR_TOOLS + ("gosu", "su-exec") or tool.split(" ", 1)[0] in DAEMON_USER_FLAGS \
        or tool.split(" ", 1)[0] in DROPS_BY_DESIGN
