"""docker-compose files as typed services, volumes, ports and environments.

A :class:`ComposeFile` is one YAML document with a top-level ``services`` mapping;
each :class:`Service` wraps its mapping.  Anchors and ``<<:`` merges are already
applied by the loader, so ``x-defaults: &defaults`` shared by several services reads
like settings written on each of them.

Compose-specific readings, each for a reason seen in real repositories:

* ``${VAR:-default}`` / ``${VAR-default}`` interpolate to their default and ``$$`` to
  ``$`` (:func:`interpolate`); a bare ``${VAR}`` / ``${VAR:?err}`` is unknown (None),
  so checks stay quiet on values decided at deploy time.
* ``environment`` may be a list (``- KEY=value``) or a mapping; both become
  :class:`EnvVar` (``value`` None when the name only passes the host's value through).
* Volumes and ports accept the short (``"/src:/dst:ro"``, ``"127.0.0.1:5432:5432"``)
  and the long (mapping) syntax.  A port entry always publishes: ``"5432"`` alone binds
  an ephemeral host port on every interface.
* Override files (``docker-compose.prod.yml``) often hold partial services (only
  ``ports`` or ``environment``).  :attr:`Service.complete` is True only for services
  that define ``image`` or ``build`` in this file (directly or through an ``extends``
  of a service of the same file): checks that report a *missing* setting only look at
  those, because the base file may provide what an override leaves out.
  Compose's own override file (``compose.override.yaml``, ``docker-compose.override.yml``)
  is merged into the base file by name, so all its services are partial, even those that
  swap the image for a local build (:attr:`ComposeFile.is_override`).
* An ``image:`` that a service of the same file builds (``build:`` plus ``image: app:dev``)
  names a local build result wherever it is used, so other services running it pull
  nothing (:meth:`ComposeFile.built_images`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from .addresses import is_loopback, is_private_address
from .base import AtDoc, AtNode, Fact, FileKind, ParsedFile
from .datastore import SERVER_DATA_DIRECTORIES, DataStore, Role, engine_of, helper_command, role_of, shell_words
from .datastore import describe as describe_store
from .exposure import (  # noqa: F401  (Reach and combine_reach: imported from here by the env checks)
    AT_REST_WORDS as _AT_REST_WORDS,
)
from .exposure import (
    ENDPOINT_WORDS as _ENDPOINT_WORDS,
)
from .exposure import (
    GLUED as _GLUED,
)
from .exposure import (
    HASHING_WORDS,
    ProxyRoute,
    Reach,
    combine_reach,
    engine_family,
    game_server_credential,
    named_families,
    proxy_kind,
    proxy_routes,
    templated,
)
from .exposure import (
    SESSION_WORDS as _SESSION_WORDS,
)
from .exposure import (
    STORE_WORDS as _STORE_WORDS,
)
from .exposure import (
    family as _family,
)
from .images import DATABASE_IMAGES, ImageRef, is_database_image, parse_image
from .shell import ShellScript
from .shell_hosts import compose_shells
from .topics import COMPOSE_SERVICE, ComposeServiceData, freeze
from .yamlnodes import YamlDoc, YList, YMap

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt}, $VAR, $$
_VAR_RE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: Any, unknown_as: str | None = None) -> str | None:
    """The text compose would use when no variable is set; None when it depends on one.

    ``${VAR:-default}`` and ``${VAR-default}`` become ``default`` (recursively),
    ``$$`` becomes ``$``; ``${VAR}``, ``$VAR``, ``${VAR:?err}`` and ``${VAR:+alt}``
    make the result unknown (None), or are replaced by ``unknown_as`` when given, so a
    caller can still read the parts of the value no variable decides.
    """
    if value is None:
        return None
    text = str(value)
    if "$" not in text:
        return text
    unknown = False

    def replace(match: re.Match) -> str:
        nonlocal unknown
        whole = match.group(0)
        if whole == "$$":
            return "$"
        if match.group(4) is not None or match.group(2) is None:
            unknown = True
            return ""
        op, default = match.group(2), match.group(3) or ""
        if op in (":-", "-"):
            inner = interpolate(default, unknown_as)
            if inner is None:
                unknown = True
                return ""
            return inner
        unknown = True  # :? / ? (required) and :+ / + (alternative) depend on the variable
        return ""

    out = _VAR_RE.sub(replace, text)
    if unknown and unknown_as is not None:
        return _VAR_RE.sub(lambda m: "$" if m.group(0) == "$$" else _known(m, unknown_as), text)
    return None if unknown else out


def _known(match: re.Match, unknown_as: str) -> str:
    if match.group(4) is None and match.group(2) in (":-", "-"):
        inner = interpolate(match.group(3) or "", unknown_as)
        return unknown_as if inner is None else inner
    return unknown_as


def is_variable_only(value: Any) -> bool:
    """True when the value is nothing but one variable reference with no literal default.

    ``${DB_PASSWORD}``, ``$DB_PASSWORD``, ``${DB_PASSWORD:?set it}``, ``${A:-${B}}`` and
    ``${A:-}`` qualify; ``${A:-hunter2}`` and ``prefix-${A}`` do not.
    """
    if value is None:
        return False
    text = str(value).strip()
    match = _VAR_RE.fullmatch(text)
    if match is None or text == "$$":
        return False
    op, default = match.group(2), match.group(3) or ""
    if op in (None, ":?", "?", ":+", "+") or match.group(4) is not None:
        return True
    return default == "" or is_variable_only(default)


def literal_default(value: Any) -> str | None:
    """The literal a value falls back to when its variables are unset (None if none)."""
    if value is None or is_variable_only(value):
        return None
    return interpolate(value)



@dataclass(frozen=True)
class KeyPos:
    """Where a setting is written, for findings: the value's own line for scalars.

    A key merged from an anchor (``<<: *hardening``) has no line of its own in the
    service; its value's line is where the author wrote it, inside the anchor.
    """

    line: int
    end_line: int
    ypath: tuple


def key_pos(mapping: YMap, key: str) -> KeyPos:
    line = mapping.key_line(key)
    end = line
    value = mapping.get(key)
    merged = not (mapping.line <= line <= mapping.end_line)
    if key in mapping.value_lines and (merged or not isinstance(value, (YMap, YList))):
        start, stop = mapping.value_span(key)
        if start >= line or merged:
            line, end = start, max(start, stop) if not isinstance(value, (YMap, YList)) else start
    return KeyPos(line, end, tuple(mapping.ypath) + (key,))


@dataclass(frozen=True)
class EnvVar:
    """One environment variable of a service, with where it was written."""

    name: str
    value: str | None  # None when only the name is given (passed through from the host)
    line: int
    end_line: int
    ypath: tuple
    #: the mapping or list that holds it and the key/index inside it (for findings)
    container: Any = None
    key: Any = None
    #: the value as YAML typed it (a bool for ``DEBUG: true``); the string form for lists
    raw: Any = None
    #: the text as written, when ``.env`` interpolation changed the value (see compose_project)
    written: str | None = None
    #: for a variable read from an ``env_file:``: that file and the line there
    env_file: str | None = None
    env_line: int | None = None

    @property
    def where(self) -> str:
        """``grafana.env:3`` for a variable of an env file, ``environment`` otherwise."""
        return f"{self.env_file}:{self.env_line}" if self.env_file else "environment"


def bind_source(source: str) -> bool:
    """Whether a volume's source is a host path (a bind mount), not a named volume: absolute,
    relative (``./data``), home (``~/x``), a variable (``${DATA_DIR}``) or a Windows path."""
    return source.startswith(("/", ".", "~", "$", "\\")) or re.match(r"^[A-Za-z]:[\\/]", source) is not None


@dataclass(frozen=True)
class VolumeMount:
    source: str
    target: str
    read_only: bool
    line: int
    end_line: int
    ypath: tuple
    #: ``bind``, ``volume``, ``tmpfs``... as written or inferred from the short syntax
    type: str = ""
    #: the list of volumes and the index of this entry (for findings)
    container: Any = None
    index: int | None = None

    @property
    def is_bind(self) -> bool:
        if self.type:
            return self.type == "bind"
        return bind_source(self.source)

    @property
    def host_path(self) -> str | None:
        """The host path of a bind mount with variables resolved to their defaults."""
        if not self.is_bind:
            return None
        return interpolate(self.source)


@dataclass(frozen=True)
class PortMapping:
    raw: str
    host_ip: str | None
    published: str | None
    target: str
    line: int
    end_line: int
    ypath: tuple
    container: Any = None
    index: int | None = None

    @property
    def all_interfaces(self) -> bool:
        """Published on every interface of the host (0.0.0.0 / ::)."""
        return self.published is not None and self.host_ip in (None, "", "0.0.0.0", "::", "[::]")

    @property
    def bound_to_all_interfaces(self) -> bool:
        """Reachable beyond the host's private networks (:attr:`reach` ``"all"``): every host
        interface, an ephemeral port (``- "5432"``), or a public address of the host.

        The host address is interpolated: ``${BIND:-127.0.0.1}:5432:5432`` is local; a private
        (LAN) address is not reachable from the internet; an address that only a variable
        decides is given the benefit of the doubt.
        """
        return self.reach == "all"

    @property
    def reach(self) -> str | None:
        """How far the port is published: ``"all"`` (every host interface, an ephemeral port, or a
        public address or a host name), ``"private"`` (a private address of the host: RFC 1918,
        CGNAT, link-local, IPv6 unique-local: its LAN), ``"loopback"`` (the host itself); None when
        only a variable decides the address."""
        if self.host_ip is None or self.host_ip == "":
            return "all"
        host = interpolate(self.host_ip)
        if host is None:
            return None
        host = host.strip().strip("[]")
        if host in ("", "0.0.0.0", "::"):
            return "all"
        if is_loopback(host):
            return "loopback"
        return "private" if is_private_address(host) else "all"


_ONE_SHOT_RESTARTS = ("no", "false")
#: repositories whose last name is too generic for the image list (``mssql/server``)
_SERVER_REPOSITORIES = (
    ("mssql", ("mssql/server", "mssql/rhel/server", "azure-sql-edge")),
)
#: programs that, as a service's command, start a database server
_SERVER_PROGRAMS = (
    ("postgres", ("postgres", "postmaster")),
    ("mysql", ("mysqld", "mariadbd")),
    ("mongodb", ("mongod",)),
    ("redis", ("redis-server", "valkey-server", "keydb-server")),
)
#: the file ``docker compose`` merges into the base file without being asked
_OVERRIDE_NAME = re.compile(r"^(docker-)?compose\.override\.ya?ml$")


@dataclass(eq=False)
class Service(AtNode):
    name: str
    node: YMap
    compose: ComposeFile


    @property
    def resource(self) -> str:
        return f"service/{self.name}"

    @property
    def image(self) -> str | None:
        value = self.lookup("image")[0]
        return None if value is None or isinstance(value, (YMap, YList)) else str(value)

    @property
    def image_ref(self) -> ImageRef | None:
        return parse_image(self.image) if self.image else None

    @property
    def resolved_image_ref(self) -> ImageRef | None:
        """The image with ``${VAR:-default}`` resolved; None when a variable decides it.

        A service of an override file (or one that extends a service of another file) that
        names no image runs its base's: that one (see :attr:`inherited`).
        """
        image = self.image
        if not image and not self.builds:
            for node in self.inherited:
                if "build" in node:
                    break
                value = node.get("image")
                if isinstance(value, str) and value.strip():
                    image = value
                    break
        if not image:
            return None
        resolved = interpolate(image)
        return parse_image(resolved) if resolved else None

    @property
    def inherited(self) -> tuple[YMap, ...]:
        """The services of other files this one completes (its base in the project's base file,
        the service an ``extends: {file: ...}`` names), nearest first; read by the resolve step.
        Only their identity (image, build) is used: their settings are judged in their own file."""
        return self.compose.inherited.get(self.name, ())

    def is_database(self, names: tuple[str, ...] | list[str] | None = None) -> bool:
        """The service runs a stateful store: by its image (defaults resolved), or, for
        images named after something else (``pgvector/pgvector``, ``tensorchord/pgvecto-rs``,
        a locally built ``db``), by a writable mount on a database's data directory or a
        command that starts a database server.  A one-shot helper on a database image (its entrypoint
        or command replaced by a ``chown`` of the data directory, a ``mongosh`` replica-set init) runs
        no server: not a database (:attr:`helper`)."""
        ref = self.resolved_image_ref
        if ref is not None and is_database_image(ref, tuple(names) if names else DATABASE_IMAGES):
            return not self.helper
        return self.database_kind() is not None and not self.helper

    def database_kind(self) -> str | None:
        """The database server this container evidently runs, whatever its image is called:
        ``postgres`` when it writes /var/lib/postgresql/data or runs ``postgres -c ...``."""
        ref = self.resolved_image_ref
        if ref is not None:
            repository = ref.repository.lower()
            for kind, names in _SERVER_REPOSITORIES:
                if any(repository == n or repository.endswith("/" + n) for n in names):
                    return kind
        env = {var.name.upper() for var in self.environment()}
        if "ACCEPT_EULA" in env and env & {"MSSQL_SA_PASSWORD", "SA_PASSWORD", "MSSQL_SA_PASSWORD_FILE"}:
            return "mssql"  # only SQL Server's images ask for both
        for volume in self.volumes():
            if volume.read_only:
                continue
            target = volume.target.rstrip("/") or "/"
            for kind, directories in SERVER_DATA_DIRECTORIES:
                if target in directories:
                    return kind
        command, _ = self.lookup("command")
        first = None
        if isinstance(command, YList) and command:
            first = str(command[0])
        elif isinstance(command, str) and command.strip():
            first = command.split()[0]
        if first is not None:
            program = first.rsplit("/", 1)[-1]
            for kind, programs in _SERVER_PROGRAMS:
                if program in programs:
                    return kind
        return None

    def store(self, names: tuple[str, ...] | list[str] | None = None) -> DataStore | None:
        """The data store the service runs (see :mod:`.datastore`), judged by its image or, for
        images named after something else, by what :meth:`database_kind` sees; with its name,
        labels, command and environment deciding whether a Redis-family store is a cache."""
        known = tuple(names) if names else DATABASE_IMAGES
        engine = engine_of(self.resolved_image_ref, known) or self.database_kind()
        if engine is None or self.helper:
            return None
        if role_of(engine) is not Role.KEY_VALUE:
            return describe_store(engine)  # only a key-value store's settings can make it a cache
        return describe_store(
            engine,
            names=[self.name] + [str(v) for v in (self.lookup("container_name")[0], self.lookup("hostname")[0]) if v],
            labels=self.labels(),
            words=shell_words(self.command_words("entrypoint") + self.command_words("command")),
            env={var.name: var.value for var in self.environment() if var.value is not None},
        )

    @property
    def helper(self) -> str | None:
        """Why the service runs a helper rather than the server of its image: its ``entrypoint`` or
        ``command`` (``$$`` unescaped) runs only clients and file utilities (see
        :func:`.datastore.helper_command`); None when it runs, or may run, the image's server."""
        def written(key: str) -> str | list[str] | None:
            value = self.lookup(key)[0]
            if isinstance(value, YList):
                return [str(v).replace("$$", "$") for v in value if isinstance(v, (str, int, float))]
            return value.replace("$$", "$") if isinstance(value, str) else None
        return helper_command(written("entrypoint"), written("command"))

    def command_words(self, key: str) -> list[str]:
        """``command``/``entrypoint`` as a list of strings (a string form stays one item)."""
        value, _ = self.lookup(key)
        if isinstance(value, YList):
            return [str(v) for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
        if isinstance(value, str):
            return [value]
        return []

    def labels(self) -> dict[str, str]:
        """``labels`` in mapping or ``- key=value`` list form."""
        value, _ = self.lookup("labels")
        if isinstance(value, YMap):
            return {str(k): "" if v is None else str(v) for k, v in value.items()}
        if isinstance(value, YList):
            out = {}
            for item in value:
                if isinstance(item, str):
                    key, _, text = item.partition("=")
                    out[key.strip()] = text.strip()
            return out
        return {}

    def scheduled_jobs(self) -> tuple[tuple[str, str], ...]:
        """Commands a label-driven scheduler runs for this service: ofelia and chadburn
        (``ofelia.job-exec.NAME.command``), deck-chores (``deck-chores.NAME.command``)."""
        jobs = []
        for key, text in self.labels().items():
            parts = key.split(".")
            if len(parts) >= 3 and parts[-1] == "command" and text.strip() and (
                    (parts[0] in ("ofelia", "chadburn") and parts[1].startswith("job-"))
                    or parts[0] == "deck-chores"):
                jobs.append((key, text.strip()))
        return tuple(sorted(jobs))

    @property
    def builds(self) -> bool:
        return self.lookup("build")[1] is not None

    # -- extends and override files --------------------------------------------
    def _chain(self) -> tuple[list[YMap], bool]:
        """This service's mapping and those it extends in this file; and whether the chain
        leaves the file (``extends: {file: ...}``), which makes missing keys unknown."""
        chain = [self.node]
        external = False
        seen = {id(self.node)}
        node = self.node
        services = self.compose.doc.map("services")
        while "extends" in node:
            ext = node.get("extends")
            if isinstance(ext, YMap):
                if ext.get("file"):
                    external = True
                    break
                parent_name = ext.get("service")
            else:
                parent_name = ext
            parent = services.get(str(parent_name)) if parent_name is not None else None
            if not isinstance(parent, YMap) or id(parent) in seen:
                external = parent is None
                break
            seen.add(id(parent))
            chain.append(parent)
            node = parent
        return chain, external

    def lookup(self, key: str) -> tuple[Any, YMap | None]:
        """(value, mapping that sets it) for ``key``, following ``extends`` in this file."""
        for node in self._chain()[0]:
            if key in node:
                return node.get(key), node
        return None, None

    @property
    def complete(self) -> bool:
        """Defines the container here (image or build), so a missing setting is missing.

        False for partial services of override files and for services that extend a
        service of another file: the settings they lack may come from there.
        """
        if self.compose.is_override:
            return False
        chain, external = self._chain()
        if external:
            return False
        return any("image" in node or "build" in node for node in chain)

    @property
    def one_shot(self) -> bool:
        """A task that runs to completion (migrations, seeders), not a long-running server.

        Recognised by ``restart: "no"``, a swarm ``restart_policy`` of ``none``, or another
        service waiting for it with ``condition: service_completed_successfully``.
        """
        restart = self.lookup("restart")[0]
        if restart is False or (isinstance(restart, str) and restart.strip().lower() in _ONE_SHOT_RESTARTS):
            return True
        deploy = self.lookup("deploy")[0]
        if isinstance(deploy, YMap):
            condition = deploy.map("restart_policy").get("condition")
            if isinstance(condition, str) and condition.strip().lower() == "none":
                return True
        for other in self.compose.services:
            if other.name == self.name:
                continue
            depends = other.node.get("depends_on")
            if isinstance(depends, YMap):
                spec = depends.get(self.name)
                if isinstance(spec, YMap) and str(spec.get("condition", "")).strip() == "service_completed_successfully":
                    return True
        return False

    # -- typed views -------------------------------------------------------------
    def environment(self) -> list[EnvVar]:
        """``environment:`` as compose passes it, ``.env`` interpolation applied (``written``
        keeps the text as written when interpolation changed it)."""
        out = _env_vars(self.node.get("environment"))
        if self.compose.interpolation is None:
            return out
        return [replace(var, written=self.compose.written(var.container, var.key)) for var in out]

    def container_env(self) -> list[EnvVar]:
        """Every variable the container receives: its ``env_file:`` files' first, then
        ``environment:``, which wins (as compose merges them).  Variables from an env file carry
        ``env_file`` (its path) and their line there; their position for a finding is the
        ``env_file:`` key of the service."""
        files = self.compose.env_files.get(self.name, ())
        own = self.environment()
        if not files:
            return own
        names = {var.name for var in own}
        pos = key_pos(self.node, "env_file")
        out = [EnvVar(item.name, item.value, pos.line, pos.end_line, pos.ypath + (item.name,), self.node, "env_file",
                      item.value, env_file=item.env_file, env_line=item.line)
               for item in files if item.name not in names]
        return out + own

    def build_files(self) -> tuple[str, str] | None:
        """(build context, Dockerfile), repository-relative, of a local build; None otherwise.

        Only plain local paths: a remote context (git URL), an inline ``dockerfile_inline``
        or a path that holds a variable is left unknown.
        """
        build = self.lookup("build")[0]
        if isinstance(build, str):
            context, dockerfile = build, "Dockerfile"
        elif isinstance(build, YMap):
            context = str(build.get("context") or ".")
            written = build.get("dockerfile")
            if written is None and "dockerfile_inline" in build:
                return None
            dockerfile = str(written or "Dockerfile")
        else:
            return None
        if "$" in context + dockerfile or "://" in context or context.startswith("git@"):
            return None
        here = posixpath.dirname(self.compose.path)
        root = posixpath.normpath(posixpath.join(here, context))
        if root.startswith("../") or root == ".." or posixpath.isabs(context):
            return None  # outside the repository
        root = "" if root == "." else root
        return root, posixpath.normpath(posixpath.join(root, dockerfile))

    def build_args(self) -> list[EnvVar]:
        """``build.args`` (list or mapping), read like an environment."""
        build = self.node.get("build")
        if not isinstance(build, YMap):
            return []
        return _env_vars(build.get("args"))

    def volumes(self) -> list[VolumeMount]:
        vols = self.node.list("volumes")
        out: list[VolumeMount] = []
        for index, item in enumerate(vols):
            line = vols.item_line(index)
            ypath = vols.ypath + (index,)
            if isinstance(item, str):
                parts = _split_volume(item)
                if len(parts) == 1:
                    out.append(VolumeMount("", parts[0], False, line, line, ypath, "volume", vols, index))
                    continue
                mode = parts[2] if len(parts) > 2 else ""
                source = parts[0]
                kind = "bind" if bind_source(source) else "volume"
                out.append(VolumeMount(source, parts[1], "ro" in mode.split(","), line, line, ypath, kind, vols, index))
            elif isinstance(item, YMap):
                kind = str(item.get("type") or "")
                source = str(item.get("source") or "")
                if not kind:
                    kind = "bind" if bind_source(source) else "volume"
                out.append(VolumeMount(source, str(item.get("target") or ""),
                                       item.get("read_only") is True, item.line, item.end_line, ypath,
                                       kind, vols, index))
        return out

    def ports(self) -> list[PortMapping]:
        ports = self.node.list("ports")
        out: list[PortMapping] = []
        for index, item in enumerate(ports):
            line = ports.item_line(index)
            ypath = ports.ypath + (index,)
            if isinstance(item, YMap):
                published = item.get("published")
                host_ip = item.get("host_ip")
                out.append(PortMapping(str(dict(item)), None if host_ip is None else str(host_ip),
                                       None if published is None else str(published),
                                       str(item.get("target")), item.line, item.end_line, ypath, ports, index))
                continue
            if isinstance(item, (YList, bool)) or item is None:
                continue
            raw = str(item)
            # compose interpolates before it reads the spec: ``${SQL_PORT:-127.0.0.1:13306}:3306``
            # binds loopback; what only a variable decides stays as written (judged leniently)
            resolved = interpolate(raw)
            text = (resolved if resolved is not None else raw).split("/", 1)[0]
            host_ip = None
            if text.startswith("["):  # [::1]:8080:80
                end = text.find("]")
                if end > 0:
                    host_ip, text = text[1:end], text[end + 2:]
            parts = _split_volume(text)  # brace-aware: ${PORT:-5432} stays whole
            if len(parts) == 1:
                out.append(PortMapping(raw, host_ip, None, parts[0], line, line, ypath, ports, index))
            elif len(parts) == 2 and host_ip is None:
                out.append(PortMapping(raw, None, parts[0], parts[1], line, line, ypath, ports, index))
            else:
                host = host_ip if host_ip is not None else ":".join(parts[:-2])
                out.append(PortMapping(raw, host, parts[-2], parts[-1], line, line, ypath, ports, index))
        return out

    @property
    def exposed(self) -> bool | None:
        """Reachable from beyond its host: True when a port is published on every host
        interface (``"5432:5432"``, an ephemeral ``"5432"``) or it uses the host network; False
        when it publishes nothing beyond loopback, so only containers of its networks and the
        host reach it; None when the file cannot tell (a partial service of an override file:
        its ports are in the base file). What the files compose merges over this one publish
        counts (``compose.override.yaml``: :attr:`ComposeFile.merged_over`)."""
        for service in (self,) + tuple(Service(self.name, node, self.compose)
                                      for node in self.compose.merged_over.get(self.name, ())):
            mode = service.node.get("network_mode") if service is not self else self.lookup("network_mode")[0]
            if str(interpolate(mode) or "").strip() == "host" or any(
                    port.bound_to_all_interfaces for port in service.ports()):
                return True
        return False if self.complete else None

    def published_reach(self) -> tuple[str | None, tuple[str, ...]]:
        """The widest reach of what the service publishes (:attr:`PortMapping.reach`), with the host
        addresses that decide it: ``"all"`` (a port on every interface or a public address, or the
        host network), ``"private"`` (only private addresses of the host, perhaps with loopback),
        ``"loopback"``, ``""`` (publishes nothing); None when the files cannot tell (a variable
        decides an address, a partial service of an override file). What the files compose merges
        over this one publish counts, as for :attr:`exposed`."""
        reaches: dict[str | None, list[str]] = {}
        for service in (self,) + tuple(Service(self.name, node, self.compose)
                                      for node in self.compose.merged_over.get(self.name, ())):
            mode = service.node.get("network_mode") if service is not self else self.lookup("network_mode")[0]
            if str(interpolate(mode) or "").strip() == "host":
                return "all", ("network_mode: host",)
            for port in service.ports():
                host = interpolate(port.host_ip) if port.host_ip else None
                reaches.setdefault(port.reach, []).append(host or port.host_ip or "")
        for reach in ("all", None) if self.complete else ("all",):
            if reach in reaches:
                return reach, tuple(dict.fromkeys(reaches[reach]))
        if not self.complete:
            return None, ()
        for reach in ("private", "loopback"):
            if reach in reaches:
                return reach, tuple(dict.fromkeys(a for r in ("private", "loopback") for a in reaches.get(r, ())))
        return "", ()

    def network_names(self) -> list[str] | None:
        """Networks the service joins (list or mapping form); None when not set."""
        value, _ = self.lookup("networks")
        if isinstance(value, YMap):
            return [str(k) for k in value]
        if isinstance(value, YList):
            return [str(v) for v in value if isinstance(v, (str, int))]
        return None

    def string_list(self, key: str) -> list[str]:
        """A list-of-strings setting (``cap_drop``, ``security_opt``); a lone string counts."""
        value, _ = self.lookup(key)
        if isinstance(value, YList):
            return [str(v) for v in value if isinstance(v, (str, int))]
        if isinstance(value, str):
            return [value]
        return []


def _split_volume(spec: str) -> list[str]:
    """Split ``src:dst[:mode]`` keeping ``${VAR:-/a}`` and ``C:\\`` drive letters whole."""
    parts: list[str] = []
    current = ""
    depth = 0
    for pos, char in enumerate(spec):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        drive = not parts and len(current) == 1 and current.isalpha() and (spec[pos + 1:pos + 2] == "\\" or (spec[pos + 1:pos + 2] == "/" and ":" in spec[pos + 1:]))
        if char == ":" and depth == 0 and not drive:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def _env_vars(env: Any) -> list[EnvVar]:
    out: list[EnvVar] = []
    if isinstance(env, YMap):
        for key, value in env.items():
            line = env.key_line(key)
            end = env.value_span(key)[1] if key in env.value_lines else line
            text = None if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            out.append(EnvVar(str(key), text, line, max(line, end), env.ypath + (key,), env, key, value))
    elif isinstance(env, YList):
        for index, item in enumerate(env):
            if not isinstance(item, str):
                continue
            name, eq, value = item.partition("=")
            line = env.item_line(index)
            out.append(EnvVar(name.strip(), value if eq else None, line, line,
                              env.ypath + (name.strip(),), env, index, value if eq else None))
    return out


def services_set_to_host(compose: ComposeFile, key: str) -> Iterator[tuple[Service, str]]:
    """(service, raw value) for every service whose ``key`` (pid, ipc, network_mode) is ``host``."""
    for service in compose.services:
        raw = service.node.get(key)
        if not isinstance(raw, str):
            continue
        value = interpolate(raw)
        if value is not None and value.strip().lower() == "host":
            yield service, raw


@dataclass(eq=False)
class ComposeFile(AtDoc):
    path: str
    doc: YMap
    #: what the resolve step (models/compose_project.py) learnt beside the file: the ``.env``
    #: interpolation, each service's ``env_file:`` variables and the base services it inherits
    #: its identity from.  Empty when the file is read on its own.
    interpolation: Any = None
    env_files: dict = field(default_factory=dict)
    inherited: dict = field(default_factory=dict)
    #: service name -> its mappings in the files compose merges over this one (override files)
    merged_over: dict = field(default_factory=dict)
    #: (proxy service, route) for each route of a reverse proxy's configuration a service of
    #: the file, or of a file it includes, mounts from the repository (:func:`read_proxy_routes`)
    routes: list = field(default_factory=list)
    #: proxy service name -> why its configuration could not be read (templated, outside the
    #: repository, a folder): what it forwards is unknown
    unread_proxies: dict = field(default_factory=dict)

    def written(self, container: Any, key: Any) -> str | None:
        """The text as written of a value that ``.env`` interpolation changed (None otherwise)."""
        if self.interpolation is None:
            return None
        return self.interpolation.written.get((id(container), key))

    def origins(self, container: Any, key: Any) -> tuple:
        """The ``.env`` values (:class:`.compose_project.Origin`) a value took."""
        if self.interpolation is None:
            return ()
        return self.interpolation.origins.get((id(container), key), ())

    def shown(self, container: Any, key: Any, value: Any = None) -> str:
        """A value for evidence: as written, with what ``.env`` made of it
        (``app:${TAG:-1.2} (TAG=latest from .env:4)``); the value itself when ``.env`` did not
        touch it."""
        written = self.written(container, key)
        if written is None:
            return str(container[key] if value is None else value)
        return written + self.origin_note(container, key)

    def origin_note(self, container: Any, key: Any) -> str:
        """`` (TAG=latest from .env:4)`` for a value ``.env`` decided; empty otherwise."""
        found = self.origins(container, key)
        if not found:
            return ""
        return " (" + ", ".join(f"{o.name}={o.value} from {o.where}" for o in found) + ")"


    @property
    def services(self) -> list[Service]:
        return [Service(str(name), node, self) for name, node in self.doc.map("services").items() if isinstance(node, YMap)]

    def service_items(self) -> Iterator[tuple[str, YMap]]:
        for name, node in self.doc.map("services").items():
            if isinstance(node, YMap):
                yield str(name), node

    @property
    def is_override(self) -> bool:
        """Compose's automatic override file, merged by service name into ``compose.yaml``."""
        return bool(_OVERRIDE_NAME.match(self.path.rsplit("/", 1)[-1].lower()))

    def built_images(self) -> set[str]:
        """Image names that services of this file build (``build:`` with ``image:``)."""
        out: set[str] = set()
        for service in self.services:
            if service.builds and service.image:
                out.add(service.image.strip())
        return out

    @property
    def services_map(self) -> YMap:
        return self.doc.map("services")

    def volume_definition(self, name: str) -> YMap | None:
        """The top-level definition of a named volume, if any."""
        value = self.doc.map("volumes").get(name)
        return value if isinstance(value, YMap) else None


_URL_HOST_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^@/\s]{0,500}@\[?([A-Za-z0-9_.\-]{1,253})")


_ENDPOINT_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]{0,30}://)?(?:[^@/\s]{0,500}@)?"
                          r"([A-Za-z0-9_][A-Za-z0-9_.\-]{0,252}):(\d{1,5})(?:[/?#].{0,2000})?$")
_PORT_RE = re.compile(r"^\d{1,5}$")


def _service_named(compose: ComposeFile, host: str) -> Service | None:
    for service in compose.services:
        names = {service.name, str(service.node.get("container_name") or ""), str(service.node.get("hostname") or "")}
        if host in names:
            return service
    return None


def _publishes(service: Service, port: str) -> bool | None:
    """Is container port ``port`` of the service published on every host interface (or is it on
    the host network)? None when the file cannot tell (a partial service of an override file)."""
    for one in (service,) + tuple(Service(service.name, node, service.compose)
                                  for node in service.compose.merged_over.get(service.name, ())):
        mode = one.node.get("network_mode") if one is not service else service.lookup("network_mode")[0]
        if str(interpolate(mode) or "").strip() == "host":
            return True
        for mapping in one.ports():
            target = str(interpolate(mapping.target) or mapping.target).split("/", 1)[0]
            if mapping.bound_to_all_interfaces and (target == port or (
                    "-" in target and _in_range(port, target))):
                return True
    return False if service.complete else None


def _in_range(port: str, span: str) -> bool:
    low, _, high = span.partition("-")
    return low.isdigit() and high.isdigit() and int(low) <= int(port) <= int(high)


def _published_ports(service: Service) -> str:
    shown = [m.raw for m in service.ports() if m.bound_to_all_interfaces][:3]
    return f" (only {', '.join(shown)} {'is' if len(shown) == 1 else 'are'})" if shown else ""


def guarded_port(compose: ComposeFile, name: str) -> tuple[Service, str, str] | None:
    """(service, port, "SETTING in service 'x'") of the endpoint a credential guards, when a
    service of the file that holds it names that endpoint in a setting of the same component:
    ``N8N_RUNNERS_AUTH_TOKEN`` beside ``N8N_RUNNERS_TASK_BROKER_URI=http://n8n:5679`` guards
    n8n's port 5679; ``*_PORT`` of the component in the service that holds it names its own
    listen port. None when no setting links them."""
    from .secrets import name_words

    family = _family(name)
    if not family:
        return None
    size = len(family)
    own_port: tuple[Service, str, str] | None = None
    for service in compose.services:
        variables = service.container_env()
        if not any(var.name == name for var in variables):
            continue
        for var in variables:
            if var.name == name or var.value is None:
                continue
            words = tuple(name_words(var.name))
            # a setting of the same component that says where it is reached: N8N_RUNNERS_*_URI
            # beside N8N_RUNNERS_AUTH_TOKEN; for a one-word component only COMPONENT_URL/_HOST
            if words[:size] != family or len(words) == size or words[-1] not in _ENDPOINT_WORDS:
                continue
            if size == 1 and len(words) != 2:
                continue
            value = str(interpolate(var.value) or "").strip()
            match = _ENDPOINT_RE.match(value)
            if match:
                target = _service_named(compose, match.group(1))
                if target is not None:
                    return target, match.group(2), f"{var.name} in service {service.name!r}"
            elif words[-1] == "PORT" and _PORT_RE.match(value) and own_port is None:
                own_port = (service, value, f"{var.name} in service {service.name!r}")
    return own_port


def _store_engine(service: Service) -> str | None:
    """The store engine a service's image runs, its ``${VAR:-default}`` tag resolved
    (``postgres:${POSTGRES_VERSION:-17}`` is Postgres); None when it runs no known store."""
    engine = engine_of(service.resolved_image_ref)
    if engine is None and service.image and is_database_image(service.image):
        engine = parse_image(service.image).name.lower()  # a variable decides only the tag: postgres:${TAG}
    return engine


def fronted_by(service: Service) -> list[Service]:
    """The services of the file published beyond the host that depend on ``service`` (a
    reverse proxy in front of an application): what they forward is not in this file."""
    out = []
    for other in service.compose.services:
        if other.name == service.name or not other.exposed:
            continue
        depends = other.node.get("depends_on")
        if isinstance(depends, dict):
            depends = list(depends)
        if isinstance(depends, list) and service.name in {str(d) for d in depends}:
            out.append(other)
    return out


def _proxy_sources(compose: ComposeFile, service: Service, here: str | None = None
                   ) -> Iterator[tuple[str, str, str | None]]:
    """(kind, repository path, why not readable) of each proxy configuration the service mounts
    (``./nginx/nginx.conf:/etc/nginx/nginx.conf``) or its local build copies into the image
    (``COPY nginx.conf /etc/nginx/conf.d/default.conf``); ``here``: the folder its paths are
    relative to (the file's own by default)."""
    if here is None:
        here = posixpath.dirname(compose.path)
    for mount in service.volumes():
        if mount.type != "bind":
            continue
        kind = proxy_kind(mount.target)
        if kind is None:
            continue
        source = interpolate(mount.source)
        if source is None or "$" in source:
            yield kind, mount.source, "its source is decided by a variable"
            continue
        if source.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", source):
            yield kind, source, "it is outside the repository"
            continue
        full = posixpath.normpath(posixpath.join(here, source))
        if full.startswith("../") or full == "..":
            yield kind, source, "it is outside the repository"
            continue
        yield kind, full, None
    files = service.build_files()
    if files is not None:
        yield from (("dockerfile", context, dockerfile) for context, dockerfile in (files,))


_COPY_RE = re.compile(r"^\s*(?:COPY|ADD)\s+(?:--\S+\s+)*(.+)$", re.IGNORECASE | re.MULTILINE)


def read_proxy_routes(compose: ComposeFile, read: Any, reads: set, notices: list) -> None:
    """Fill ``compose.routes`` and ``compose.unread_proxies`` from the proxy configurations its
    services mount or build in, read from the repository only (``read``: repository path ->
    text or None); an unreadable one is said in a notice. The services of the files it includes
    (``include: [docker-compose.yml]``) run in the same project: their proxies count too."""
    from .compose_project import _included_files, _services_of

    services: list[tuple[Service, str | None]] = [(service, None) for service in compose.services]
    if "include" in compose.doc:
        reads.add(compose.path)
        for included in _included_files(compose.path, read(compose.path)):
            reads.add(included)
            services.extend((Service(name, node, compose), posixpath.dirname(included))
                            for name, node in _services_of(read(included)).items()
                            if name not in compose.doc.map("services"))
    for service, here in services:
        for kind, path, why in _proxy_sources(compose, service, here):
            if kind == "dockerfile":
                reads.add(why)
                text = read(why)
                for match in _COPY_RE.finditer(text or ""):
                    words = match.group(1).split()
                    if len(words) < 2 or words[0].startswith("["):
                        continue
                    target_kind = proxy_kind(words[-1])
                    if target_kind is None:
                        continue
                    for source in words[:-1]:
                        if "$" in source or "*" in source:
                            continue
                        full = posixpath.normpath(posixpath.join(path, source))
                        if full.startswith("../"):
                            continue
                        _read_one(compose, service, target_kind, full, read, reads, notices if here is None else [])
                continue
            if why is not None:
                if here is not None:
                    continue  # the included file's own scan says so
                compose.unread_proxies.setdefault(service.name, f"its {kind} configuration {path!r}: {why}")
                notices.append(f"service {service.name!r} mounts a {kind} configuration {path!r} that was not read "
                               f"({why}): what it forwards to the services of {compose.path} is unknown")
                continue
            _read_one(compose, service, kind, path, read, reads, notices if here is None else [])


def _read_one(compose: ComposeFile, service: Service, kind: str, path: str, read: Any, reads: set,
              notices: list) -> None:
    reads.add(path)
    text = read(path)
    if text is None:
        # a folder (conf.d/) or a file missing from the repository
        compose.unread_proxies.setdefault(service.name, f"its {kind} configuration {path!r} is a folder or not in "
                                                        "the repository")
        notices.append(f"service {service.name!r} mounts a {kind} configuration {path!r} that is a folder or not in "
                       f"the repository: what it forwards to the services of {compose.path} is unknown")
        return
    routes = proxy_routes(kind, path, text)
    if templated(text) and not routes:
        compose.unread_proxies.setdefault(service.name, f"its {kind} configuration {path!r} is a template a tool "
                                                        "fills before the proxy starts")
        notices.append(f"service {service.name!r} reads the {kind} configuration {path!r}, a template filled before "
                       f"the proxy starts: what it forwards to the services of {compose.path} is unknown")
        return
    compose.routes.extend((service, route) for route in routes)


def routed_to(service: Service, port: str | None = None) -> tuple[Service, ProxyRoute, str] | None:
    """(proxy service, route, published port) of a route of a published reverse proxy of the
    file to ``service`` (to its ``port`` when given): what the proxy listens on beyond the host
    reaches the service. None when no read route does."""
    compose = service.compose
    names = {service.name, str(service.node.get("container_name") or ""), str(service.node.get("hostname") or "")}
    names.discard("")
    for proxy, route in compose.routes:
        if route.host not in names or proxy.name == service.name:
            continue
        if port is not None and route.port and route.port != port:
            continue
        for listen in route.listen or ():
            if _publishes(proxy, listen):
                return proxy, route, listen
        if not route.listen and proxy.exposed:
            return proxy, route, ""
    return None


def _routed_note(proxy: Service, route: ProxyRoute, listen: str) -> str:
    on = f" on its published port {listen}" if listen else ""
    target = f"{route.host!r}" + (f" port {route.port}" if route.port else "")
    return (f"; the reverse proxy {proxy.name!r} routes {route.path}{on} to {target} ({route.where}), "
            "which is reachable beyond this host")


def _unread_proxy_note(service: Service) -> tuple[str, str] | None:
    """(proxy service, note) of a published proxy of the file whose configuration was not read."""
    for name, why in service.compose.unread_proxies.items():
        proxy = _service_named(service.compose, name)
        if proxy is not None and proxy.exposed and name != service.name:
            return name, (f"; service {service.name!r} publishes no port itself, but the published proxy {name!r} "
                          f"may forward to it ({why}, so its routes were not read)")
    return None


def credential_reach(compose: ComposeFile, service: Service, name: str, value: Any) -> Reach:
    """Is what a credential given to ``service`` opens reachable from beyond the host?

    A URL with a password opens its host (a service of this file, or something elsewhere:
    unknown); a data store's own variables (POSTGRES_PASSWORD in the postgres service) open that
    store; a variable named for a store in another service (DB_PASSWORD in the app) opens the
    file's stores; a key that encrypts data at rest opens no port (unknown: whoever holds the
    data can use it); a credential whose component names an endpoint of the file
    (:func:`guarded_port`) opens that port; anything else (ADMIN_PASSWORD, APP_SECRET) opens the
    service that holds it, which a published proxy that depends on it may forward to (unknown).
    """
    from .secrets import name_words

    # the value as compose runs it: ``${DATABASE_URL:-postgresql://u:p@db/x}`` opens db
    match = _URL_HOST_RE.match(str(interpolate(value) or value or "").strip())
    if match:
        host = match.group(1)
        target = _service_named(compose, host)
        return _service_reach(target) if target is not None else Reach(None)
    if _store_engine(service) is not None:
        return _service_reach(service)
    words = set(name_words(name))
    words |= {w[:-len(end)] for w in words for end in _GLUED if w.endswith(end) and len(w) > len(end)}
    if words & _STORE_WORDS:  # DB_PASSWORD, REDIS_URL, PGPASSWORD
        # a name that says which store (POSTGRES_PASSWORD, CLICKHOUSE_PASSWORD) opens only the
        # stores of that engine; DB_PASSWORD may open any of the file's stores
        families = named_families(words)
        stores = [_service_reach(s) for s in compose.services
                  for engine in (_store_engine(s),) if engine is not None
                  and (not families or engine_family(engine) in families)]
        if not stores:
            return Reach(None)
        return combine_reach(stores)
    ref = service.resolved_image_ref
    game = game_server_credential(ref.repository, words, service.exposed) if ref is not None else None
    if game is not None:
        return game
    if words & HASHING_WORDS and not words & _SESSION_WORDS:
        return Reach(None, "; it salts the hashes the service stores and opens no port: it matters to whoever "
                           "holds a copy of those hashes")
    if words & _AT_REST_WORDS and not words & _SESSION_WORDS:
        return Reach(None, "; it encrypts stored data and opens no port: it matters to whoever holds a copy "
                           "of that data")
    guarded = guarded_port(compose, name)
    if guarded is not None:
        target, port, how = guarded
        exposed = _publishes(target, port)
        where = f"{target.name}:{port} ({how})"
        if exposed:
            return Reach(True, f"; it guards {where}, which is published beyond this host", guards=True)
        if exposed is False:
            routed = routed_to(target, port)
            if routed is not None:
                return Reach(True, f"; it guards {where}" + _routed_note(*routed), guards=True)
            return Reach(False, f"; it guards {where}, which is not published beyond this host"
                                f"{_published_ports(target)}", guards=True)
        return Reach(None, f"; it guards {where}", guards=True)
    exposed = service.exposed
    if exposed is False:
        reach = _service_reach(service)  # routed to by a published reverse proxy, or one auditui cannot read
        if reach.exposed is not False:
            return reach
        front = fronted_by(service)
        if front:
            return Reach(None, f"; service {service.name!r} publishes no port itself, but the published service "
                               f"{front[0].name!r} depends on it (what that forwards is not in this file)",
                         fronted=front[0].name)
    return Reach.plain(exposed)


def _service_reach(service: Service) -> Reach:
    """Is the service reachable beyond the host: published itself, or routed to by a published
    reverse proxy of the file (:func:`routed_to`)."""
    exposed = service.exposed
    if exposed is False:
        routed = routed_to(service)
        if routed is not None:
            return Reach(True, _routed_note(*routed))
        unread = _unread_proxy_note(service)
        if unread is not None:
            return Reach(None, unread[1], fronted=unread[0])
    return Reach.plain(exposed)


def _env_reach(service: Service) -> tuple[tuple[str, str, bool | None, str, bool, str], ...] | None:
    """(env file, variable, exposed, note, guards, fronted) for each variable this service takes from a file: its
    ``env_file:`` files, and the project ``.env`` values its ``environment:`` interpolates
    (``POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}``); ``exposed`` and ``note`` are
    :func:`credential_reach`'s. The env checks judge those files' secrets by what they open here."""
    out: dict[tuple[str, str], Reach] = {}

    def put(path: str, key: str, reach: Reach) -> None:
        known = out.get((path, key))
        out[(path, key)] = reach if known is None else combine_reach((known, reach))

    compose = service.compose
    for var in service.container_env():
        if var.env_file:
            put(var.env_file, var.name, credential_reach(compose, service, var.name, var.value))
        elif var.container is not None:
            for origin in compose.origins(var.container, var.key):
                reach = credential_reach(compose, service, var.name, var.value)
                # and the variables its .env value took (APPFLOWY_S3_SECRET_KEY=${AWS_SECRET})
                for name, where in ((origin.name, origin.where),) + origin.via:
                    put(where.rsplit(":", 1)[0], name, reach)
    return tuple((path, key, reach.exposed, reach.note, reach.guards, reach.fronted)
                 for (path, key), reach in sorted(out.items())) or None


def builds_by_dockerfile(facts: Iterable[tuple[str, Fact]]) -> dict[str, list[tuple[str, str]]]:
    """Dockerfile path -> [(build context, "compose-file service 'name'")] from ``compose:service``
    facts: where Docker takes the context a Dockerfile is built with."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path, fact in facts:
        files = fact.data.build_files
        if files:
            context, dockerfile = files
            out.setdefault(dockerfile, []).append((context, f"{path} service {fact.key!r}"))
    return out


def _run_as_fact(service: Service) -> dict[str, Any]:
    """``user`` as written in the service (None when unset), where it is, whether an ``extends``
    sets it, whether the service is complete, its image with defaults resolved, and the line
    of its name under ``services:``."""
    own = "user" in service.node
    pos = key_pos(service.node, "user") if own else None
    ref = service.resolved_image_ref
    return dict(
        user=None if not own or service.node.get("user") is None else str(service.node.get("user")),
        user_line=pos.line if pos else None,
        user_ypath=pos.ypath if pos else None,
        inherited=not own and service.lookup("user")[1] is not None,
        complete=service.complete,
        image=ref.raw if ref is not None else None,
        key_line=service.compose.services_map.key_line(service.name),
        key_ypath=tuple(service.compose.services_map.ypath) + (service.name,),
    )


def _debug_fact(service: Service) -> tuple | None:
    """(KEY, framework, production setting, line, ypath, exposed, fronted) for a framework debug
    switch the service's own ``environment:`` writes on (not one ``.env`` or an ``env_file:``
    decides: that file reports it) while its environment declares production (env model)."""
    from .envfile import debug_in_production

    variables = service.container_env()
    found = debug_in_production([(v.name, v.value) for v in variables if v.value is not None])
    for var in service.environment():
        if var.name not in found or var.value is None or var.written is not None:
            continue
        framework, marker = found[var.name]
        exposed = service.exposed
        front = fronted_by(service) if exposed is False else []
        return (var.name, framework, marker, var.line, var.ypath, exposed, front[0].name if front else "")
    return None


def _store_fact(service: Service) -> tuple[str, str, bool] | None:
    store = service.store()
    return None if store is None else (store.engine, store.role.value, store.cache)


def parse(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.COMPOSE)
    for doc in docs:
        if not isinstance(doc.data, YMap):
            continue
        compose = ComposeFile(path, doc.data)
        parsed.units.append(compose)
        parsed.facts.extend(service_facts(compose))
        parsed.units.extend(compose_shells(compose, parsed.notices))
    return parsed


def resolve(parsed: ParsedFile, read) -> None:
    """The engine's second step: the file as compose reads it (``.env``, ``env_file:``, base
    files; see :mod:`.compose_project`), and the facts again from what it now says."""
    from .compose_project import resolve as resolve_project

    resolve_project(parsed, read)
    for unit in parsed.units:
        if isinstance(unit, ComposeFile):
            read_proxy_routes(unit, read, parsed.reads, parsed.notices)
    parsed.facts = [f for f in parsed.facts if f.topic != COMPOSE_SERVICE]
    exposure: dict[str, bool | None] = {}
    for unit in parsed.units:
        if isinstance(unit, ComposeFile):
            parsed.facts.extend(service_facts(unit))
            exposure.update((f"service/{service.name}", service.exposed) for service in unit.services)
    for unit in parsed.units:  # what the files compose merges over this one publish counts
        if isinstance(unit, ShellScript) and unit.owner in exposure:
            unit.exposed = exposure[unit.owner]


def service_facts(compose: ComposeFile) -> list[Fact]:
    """The ``compose:service`` facts of a file's services."""
    return [Fact(COMPOSE_SERVICE, service.name, service.line, service.ypath, ComposeServiceData(
        image=service.image, build=service.builds,
        env=tuple(sorted(v.name for v in service.environment())),
        # additive (DKR016): where a local build's context and Dockerfile are
        build_files=service.build_files(),
        # additive (data-store model): (engine, role, cache) of a data store
        store=_store_fact(service),
        # additive (user/root model, CMP010): what decides its user
        run_as=freeze(_run_as_fact(service)),
        # additive (REPO003): label-scheduled jobs (ofelia...), which may be backups
        jobs=service.scheduled_jobs() or None,
        # additive (inventory): what it keeps on volumes and what it publishes
        mounts=tuple((v.type or "volume", v.target) for v in service.volumes() if v.type != "tmpfs") or None,
        published=tuple((p.raw, p.bound_to_all_interfaces) for p in service.ports() if p.published is not None) or None,
        # additive (env checks): what the secrets of env files this service loads open
        env_reach=_env_reach(service),
        # additive (ENV007): a framework debug switch written on beside a production setting
        debug_in_production=_debug_fact(service),
    )) for service in compose.services]
