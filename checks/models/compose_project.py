"""A compose file as ``docker compose`` reads it: its ``.env``, its ``env_file:`` files, its base.

:mod:`.compose` reads one file on its own.  This module is the second step the engine
runs for compose files (``FileType.resolve``), with a reader for the other files of the
repository; it changes the parsed :class:`~.compose.ComposeFile` in place, once, so every
check judges what compose would run and none of them interpolates on its own:

* **Interpolation** (``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?err}``,
  ``${VAR?err}``, ``${VAR:+alt}``, ``${VAR+alt}``, ``$VAR``, ``$$``) from the ``.env`` of the
  project directory, which is the folder of the compose file (compose's default when the file
  is given with ``-f``).  ``.env`` values are themselves interpolated from the lines above them
  unless single-quoted, as compose's dotenv reader does.  Every string value of the document
  whose variables ``.env`` sets is replaced by the result; what no ``.env`` line decides is
  left as written, so :func:`.compose.interpolate` still resolves defaults and reports values
  that only the deploy environment decides as unknown.  Where each replaced value came from
  is kept (:meth:`ComposeFile.origin`, ``".env:4"``), and the text as written stays readable
  (:meth:`ComposeFile.written`): a secret that sits in ``.env`` is that file's finding, not
  the compose file's.  Variables used with no value and no default are named in a notice:
  their settings are decided at deploy time and were not judged.
* **Container environment** from ``env_file:`` (a list, a string, or ``path:``/``required:``
  entries), kept apart from interpolation as compose does: it never fills ``${VAR}`` in the
  file, it only reaches the container (:meth:`Service.container_env`).
* **Exposure from the files merged over it.**  The files a plain ``docker compose up`` merges
  over this one (``compose.override.yaml`` beside the base file, the files ``COMPOSE_FILE``
  lists after it) may publish a port the file itself does not: their services' settings are
  kept (:attr:`ComposeFile.merged_over`) so that :attr:`Service.exposed` never says "publishes
  no port" of a store that the merged project publishes.
* **Identity from the base file.**  Compose's override file (``compose.override.yaml``), a
  file listed after another in ``COMPOSE_FILE`` (in ``.env``), and ``extends: {file: ...}``
  describe services whose image lives in another file.  Those services learn the image and
  build of their base (:attr:`Service.inherited`) so a Redis published by an override is
  judged as Redis; the settings they write are still judged where they are written, and the
  settings they leave out are still the base file's business (``Service.complete`` stays False).

``--env-file`` given on the command line (``.env.prod`` named in a script or README) is not
followed: a ``.env`` beside the file is what a plain ``docker compose up`` reads.  The option
``compose_env_files`` of the configuration is the place to name others (not yet offered).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .envfile import parse_entries
from .secrets import is_secret_name
from .yamlnodes import YamlError, YList, YMap, load_documents_partial

Reader = Callable[[str], "str | None"]

# the same grammar as compose.py's: $$ | ${NAME[op default]} | $NAME
_VAR_RE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
#: compose's default file names, in the order it looks for them
BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERRIDE_NAMES = ("compose.override.yaml", "compose.override.yml",
                   "docker-compose.override.yaml", "docker-compose.override.yml")
#: how many variable names a notice lists before "and N more"
_NOTICE_NAMES = 8
#: a value longer than this is not shown in an origin note (it is data, not a setting)
_SHOWN = 60


@dataclass(frozen=True)
class EnvValue:
    """One variable of the project's ``.env``: its value (None when it refers to a variable
    nothing sets, so compose's result depends on the shell) and where it is written."""

    name: str
    value: str | None
    path: str
    line: int
    #: the earlier variables of the same file its value took (``APPFLOWY_S3_SECRET_KEY=${AWS_SECRET}``)
    via: tuple[EnvValue, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Origin:
    """A variable whose ``.env`` value a setting of the compose file took."""

    name: str
    value: str
    where: str
    #: (name, where) of the ``.env`` variables its own value took, and theirs
    via: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ContainerEnv:
    """One variable a container receives: from ``environment:`` (``env_file`` None) or from an
    ``env_file:`` (its path and line).  ``value`` None: passed through from the host."""

    name: str
    value: str | None
    env_file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.env_file}:{self.line}" if self.env_file else "environment"


def read_dotenv(path: str, text: str) -> dict[str, EnvValue]:
    """The variables of a ``.env`` as compose reads them (later lines win; values refer to
    earlier ones with the same syntax as the compose file; single quotes keep text literal)."""
    out: dict[str, EnvValue] = {}
    for entry in parse_entries(text):
        value: str | None = entry.value
        via: tuple[EnvValue, ...] = ()
        if entry.quoted != "'" and "$" in entry.value:
            value, via = _dotenv_value(entry.value, out)
        out[entry.key] = EnvValue(entry.key, value, path, entry.line, via)
    return out


def _dotenv_value(text: str, known: dict[str, EnvValue]) -> tuple[str | None, tuple[EnvValue, ...]]:
    from .compose import interpolate  # the defaults reader (compose.py imports this module late)

    result, used, unresolved = substitute(text, known)
    return (None if unresolved else interpolate(result)), tuple(used)


def _chain(value: EnvValue) -> tuple[tuple[str, str], ...]:
    out: dict[tuple[str, str], None] = {}
    todo = list(value.via)
    while todo and len(out) < 50:
        one = todo.pop()
        if (one.name, one.where) not in out:
            out[(one.name, one.where)] = None
            todo.extend(one.via)
    return tuple(out)


def substitute(text: str, env: dict[str, EnvValue]) -> tuple[str, list[EnvValue], list[str]]:
    """``text`` with every reference that ``env`` decides replaced, as compose would.

    Returns (text, the ``.env`` values used, names used with no value and no default).
    References ``env`` does not decide are left as written (defaults included), and a ``$``
    inside a replaced value is written ``$$``, so the result reads, with
    :func:`.compose.interpolate`, as compose's own result would.
    """
    used: list[EnvValue] = []
    unresolved: list[str] = []

    def known(name: str) -> EnvValue | None:
        found = env.get(name)
        return found if found is not None and found.value is not None else None

    def put(found: EnvValue) -> str:
        used.append(found)
        return str(found.value).replace("$", "$$")

    def inner(default: str) -> str:
        text, more_used, more_unresolved = substitute(default, env)
        used.extend(more_used)
        unresolved.extend(more_unresolved)
        return text

    def replace(match: re.Match) -> str:
        whole = match.group(0)
        if whole == "$$":
            return whole
        name = match.group(1) or match.group(4)
        op = match.group(2)
        default = match.group(3) or ""
        found = known(name)
        if op is None:  # ${VAR} / $VAR
            if found is not None:
                return put(found)
            if name not in env:
                unresolved.append(name)
            return whole
        if op in (":-", "-"):
            if found is not None and (found.value or op == "-"):
                return put(found)
            if found is None and name in env:  # set to something only the shell decides
                return whole
            if found is not None:
                used.append(found)  # set, but empty: ``:-`` takes the default
            return "${" + name + op + inner(default) + "}" if found is None else inner(default)
        if op in (":?", "?"):
            if found is not None and (found.value or op == "?"):
                return put(found)
            if name not in env:
                unresolved.append(name)
            return whole
        # :+ / + : the alternative when the variable is set (and, for :+, not empty)
        if found is not None:
            used.append(found)
            return inner(default) if (found.value or op == "+") else ""
        return whole

    return _VAR_RE.sub(replace, text), used, unresolved


class Interpolation:
    """The outcome of interpolating one compose document (kept on the ComposeFile)."""

    def __init__(self, env_path: str | None) -> None:
        self.env_path = env_path
        #: (id(container), key) -> the text as written, for values interpolation changed
        self.written: dict[tuple[int, Any], str] = {}
        #: (id(container), key) -> the .env values the new text took
        self.origins: dict[tuple[int, Any], tuple[Origin, ...]] = {}
        self.unresolved: dict[str, None] = {}

    def apply(self, node: Any, env: dict[str, EnvValue], secret: Callable[[str], bool]) -> None:
        seen: set[int] = set()
        stack = [node]
        while stack:
            container = stack.pop()
            if id(container) in seen:
                continue
            seen.add(id(container))
            items = list(container.items()) if isinstance(container, dict) else list(enumerate(container))
            for key, value in items:
                if isinstance(value, (YMap, YList)):
                    stack.append(value)
                    continue
                if not isinstance(value, str) or "$" not in value:
                    continue
                text, used, unresolved = substitute(value, env)
                for name in unresolved:
                    self.unresolved.setdefault(name, None)
                if not used:
                    continue
                container[key] = text
                self.written[(id(container), key)] = value
                self.origins[(id(container), key)] = tuple(
                    Origin(u.name, "(secret, not shown)" if secret(u.name) else _short(u.value or ""), u.where,
                           _chain(u))
                    for u in used)


def _short(value: str) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "..."


def _secret_name(name: str) -> bool:
    return is_secret_name(name)  # the one secrets model decides what not to show


def project_dir(path: str) -> str:
    return posixpath.dirname(path)


def _join(folder: str, rel: str) -> str | None:
    if posixpath.isabs(rel) or "$" in rel or "://" in rel:
        return None
    joined = posixpath.normpath(posixpath.join(folder, rel))
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


def compose_files(env: dict[str, EnvValue]) -> list[str] | None:
    """The files ``COMPOSE_FILE`` in ``.env`` names, in order (None when it is not set)."""
    found = env.get("COMPOSE_FILE")
    if found is None or not found.value:
        return None
    separator = env.get("COMPOSE_PATH_SEPARATOR")
    sep = separator.value if separator is not None and separator.value else ":"
    return [part.strip() for part in found.value.split(sep) if part.strip()]


def _services_of(text: str | None) -> dict[str, YMap]:
    if not text:
        return {}
    try:
        docs, _ = load_documents_partial(text)
    except YamlError:  # pragma: no cover - load_documents_partial reports, never raises
        return {}
    for doc in docs:
        if isinstance(doc.data, YMap) and isinstance(doc.data.get("services"), YMap):
            return {str(k): v for k, v in doc.data["services"].items() if isinstance(v, YMap)}
    return {}


def resolve(parsed: Any, read: Reader) -> None:
    """The engine's second step for a compose file (see the module's docstring)."""
    from .compose import ComposeFile  # compose.py registers this step: import late

    units = [unit for unit in parsed.units if isinstance(unit, ComposeFile)]
    if not units:
        return
    path = parsed.path
    folder = project_dir(path)
    env_path = posixpath.join(folder, ".env") if folder else ".env"
    for unit in units:
        _check_includes(unit, folder, read, parsed)
    included = _included_by(path, read, parsed.reads)
    if included is not None:
        # an included file is interpolated with its include entry's env_file (default: the .env
        # of its project_directory, itself by default the included file's folder)
        folder = included.project_dir
        env_path = included.env_files[0] if included.env_files else posixpath.join(folder, ".env") if folder else ".env"
        env = {}
        text = None
        for candidate in included.env_files or (env_path,):
            parsed.reads.add(candidate)
            found = read(candidate)
            if found is not None:
                text = found
                env.update(read_dotenv(candidate, found))
    else:
        parsed.reads.add(env_path)
        text = read(env_path)
        if text is None:
            template = env_template(folder, read, parsed, parsed.path)
            if template is not None:
                env_path, text = template
                parsed.notices.append(f"no .env beside the file: {env_path}, which says to copy it to .env, "
                                      "was read in its place (its values are what a deployment as shipped runs)")
        env = read_dotenv(env_path, text) if text is not None else {}
    bases = _base_files(path, env, read, parsed.reads)
    overrides = _override_files(path, env, read, parsed.reads)
    if included is not None:
        # the files merged over the project that includes this file merge over its services too
        top = project_dir(included.includer)
        top_env_path = posixpath.join(top, ".env") if top else ".env"
        parsed.reads.add(top_env_path)
        top_env_text = read(top_env_path)
        top_env = read_dotenv(top_env_path, top_env_text) if top_env_text is not None else {}
        overrides = overrides + [o for o in _override_files(included.includer, top_env, read, parsed.reads)
                                 if o not in overrides and o != path]
    file_cache: dict[str, dict[str, YMap]] = {}

    def services_in(rel: str) -> dict[str, YMap]:
        if rel not in file_cache:
            parsed.reads.add(rel)
            text = read(rel)
            found = _services_of(text)
            # a base file's project also holds the services of the files it includes
            for target in _included_files(rel, text):
                parsed.reads.add(target)
                for name, node in _services_of(read(target)).items():
                    found.setdefault(name, node)
            file_cache[rel] = found
        return file_cache[rel]

    unresolved: dict[str, None] = {}
    for compose in units:
        interpolation = Interpolation(env_path if text is not None else None)
        interpolation.apply(compose.doc, env, _secret_name)
        compose.interpolation = interpolation
        unresolved.update(interpolation.unresolved)
        for service in compose.services:
            _inherit(service, folder, bases, services_in)
            compose.env_files[service.name] = _env_files(service, folder, read, parsed.reads)
            merged = tuple(node for node in (services_in(o).get(service.name) for o in overrides) if node is not None)
            if merged:
                compose.merged_over[service.name] = merged
    if unresolved:
        names = list(unresolved)
        shown = ", ".join(names[:_NOTICE_NAMES]) + (f" and {len(names) - _NOTICE_NAMES} more"
                                                    if len(names) > _NOTICE_NAMES else "")
        where = f"in {env_path}" if text is not None else f"(no {env_path} beside the file)"
        parsed.notices.append(f"compose variables with no value {where} and no default: {shown}; "
                              f"the settings that use them are decided at deploy time and were not judged")


_COPY_TO_DOTENV = re.compile(r"\b(?:copy|rename|cp|mv)\b[^\n]{0,60}?(?:\bto\b|\s)\s*[`'\"]?\.env(?![\w.\-])",
                             re.IGNORECASE)


_DEV_WORDS = frozenset(("dev", "development", "local", "test", "testing", "ci", "e2e"))


def _dev_named(path: str) -> bool:
    return bool(set(re.split(r"[/._\-]+", path.lower())) & _DEV_WORDS)


def env_template(folder: str, read: Reader, parsed: Any, compose_path: str) -> tuple[str, str] | None:
    """(path, text) of the env file beside a compose file that says to copy it to ``.env``
    (AppFlowy Cloud's ``deploy.env``: "Copy this file to .env and change the values as
    needed") when no ``.env`` is there: what a deployment as shipped interpolates. Its own
    opening comment lines must say so; example files (``.env.example``) are not taken. When
    several say so, a development compose file (``docker-compose-dev.yml``) takes the one named
    for development (``dev.env``), any other compose file one that is not."""
    from .base import list_folder
    from .envfile import is_example_name

    names = list_folder(read, folder, parsed)
    dev = _dev_named(posixpath.basename(compose_path))
    for name in sorted(names or (), key=lambda n: (_dev_named(n) != dev, n)):
        low = name.lower()
        if low == ".env" or "env" not in re.split(r"[._\-]+", low) or is_example_name(name):
            continue
        rel = posixpath.join(folder, name) if folder else name
        parsed.reads.add(rel)
        text = read(rel)
        if text is None:
            continue
        head = []
        for line in text.splitlines()[:30]:
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                break
            head.append(stripped)
        if _COPY_TO_DOTENV.search("\n".join(head)):
            return rel, text
    return None


# -- include: (Compose 2.20+) ---------------------------------------------------------------

@dataclass(frozen=True)
class Include:
    """How a compose file is included by another: the includer, the project directory its
    relative paths resolve against, and the env files that interpolate it."""

    includer: str
    project_dir: str
    env_files: tuple[str, ...]


def _include_entries(doc: Any) -> list[tuple[Any, Any, Any]]:
    """(paths, project_directory, env_file) of each entry of a top-level ``include:``."""
    if not isinstance(doc, YMap):
        return []
    value = doc.get("include")
    if not isinstance(value, YList):
        return []
    out = []
    for entry in value:
        if isinstance(entry, str):
            out.append(([entry], None, None))
        elif isinstance(entry, YMap):
            paths = entry.get("path")
            paths = list(paths) if isinstance(paths, YList) else [paths]
            out.append(([p for p in paths if isinstance(p, str)], entry.get("project_directory"), entry.get("env_file")))
    return out


def _remote(rel: str) -> bool:
    return "://" in rel or rel.startswith(("git@", "oci:", "git:"))


def _check_includes(compose: Any, folder: str, read: Reader, parsed: Any) -> None:
    """Notices for the includes auditui does not follow: outside the repository, remote, missing."""
    for paths, _project, _env in _include_entries(compose.doc):
        for rel in paths:
            if _remote(rel):
                parsed.notices.append(f"include {rel!r} is remote; not read (its services were not audited)")
                continue
            target = _join(folder, rel)
            if target is None:
                parsed.notices.append(f"include {rel!r} is outside the repository or not a fixed path; not read "
                                      "(its services were not audited)")
                continue
            parsed.reads.add(target)
            if read(target) is None:
                parsed.notices.append(f"include {rel!r}: {target} is not in the repository; not read")


def _included_files(path: str, text: str | None) -> list[str]:
    """The files inside the repository that the compose file ``path`` includes."""
    if not text or "include" not in text:
        return []
    try:
        docs, _ = load_documents_partial(text)
    except YamlError:  # pragma: no cover - load_documents_partial reports, never raises
        return []
    folder = project_dir(path)
    out: list[str] = []
    for doc in docs:
        for paths, _project, _env in _include_entries(doc.data):
            out.extend(t for t in (_join(folder, rel) for rel in paths if not _remote(rel)) if t is not None)
    return out


def project_files_above(folder: str, read: Reader, reads: set[str], needle: str,
                        skip: str = "") -> Iterator[tuple[str, str, list]]:
    """(folder, path, YAML documents) of each compose project file (``compose.yaml``,
    ``docker-compose.yml``...) in ``folder`` and each folder above it, nearest first, whose
    text holds ``needle`` (a cheap filter before parsing). Every path asked for is recorded in
    ``reads``, so a later edit of one re-checks the file that looked."""
    parts = folder.split("/") if folder else []
    for depth in range(len(parts), -1, -1):
        here = "/".join(parts[:depth])
        for name in BASE_NAMES:
            candidate = posixpath.join(here, name) if here else name
            if candidate == skip:
                continue
            reads.add(candidate)
            text = read(candidate)
            if not text or needle not in text:
                continue
            try:
                docs, _ = load_documents_partial(text)
            except YamlError:  # pragma: no cover - load_documents_partial reports, never raises
                continue
            yield here, candidate, docs


def _included_by(path: str, read: Reader, reads: set[str]) -> Include | None:
    """The include entry of a compose project file in this folder or a folder above that
    includes ``path`` (the usual layouts: ``include: [db/compose.yaml]`` from the top, or a
    sibling file of the same folder), None when nothing does."""
    folder = project_dir(path)
    for here, candidate, docs in project_files_above(folder, read, reads, "include", skip=path):
        for doc in docs:
            for paths, project, env_file in _include_entries(doc.data):
                if path not in [_join(here, rel) for rel in paths if not _remote(rel)]:
                    continue
                project_folder = _join(here, project) if isinstance(project, str) else None
                if project_folder is None:
                    project_folder = folder
                if project_folder == ".":
                    project_folder = ""
                files = env_file if isinstance(env_file, YList) else [env_file] if env_file is not None else []
                env_files = tuple(f for f in (_join(here, e) for e in files if isinstance(e, str)) if f is not None)
                return Include(candidate, project_folder, env_files)
    return None


def _base_files(path: str, env: dict[str, EnvValue], read: Reader, reads: set[str]) -> list[str]:
    """The files whose services this file's services extend by name: for compose's override
    file, the project's base file; for a file ``COMPOSE_FILE`` lists, the files before it."""
    folder = project_dir(path)
    name = posixpath.basename(path)
    listed = compose_files(env)
    if listed:
        resolved = [_join(folder, rel) for rel in listed]
        if path in resolved:
            before = resolved[:resolved.index(path)]
            return [rel for rel in before if rel is not None]
    if name.lower() in _OVERRIDE_NAMES:
        for base in BASE_NAMES:
            candidate = posixpath.join(folder, base) if folder else base
            reads.add(candidate)
            if read(candidate) is not None:
                return [candidate]
    return []


def _override_files(path: str, env: dict[str, EnvValue], read: Reader, reads: set[str]) -> list[str]:
    """The files a plain ``docker compose up`` merges over this one: the files ``COMPOSE_FILE``
    lists after it, or, for the project's base file, compose's override file beside it."""
    folder = project_dir(path)
    listed = compose_files(env)
    if listed:
        resolved = [_join(folder, rel) for rel in listed]
        if path in resolved:
            return [rel for rel in resolved[resolved.index(path) + 1:] if rel is not None]
        return []
    if posixpath.basename(path).lower() not in BASE_NAMES:
        return []
    for name in _OVERRIDE_NAMES:
        candidate = posixpath.join(folder, name) if folder else name
        reads.add(candidate)
        if read(candidate) is not None:
            return [candidate]
    return []


def _inherit(service: Any, folder: str, bases: list[str], services_in: Callable[[str], dict[str, YMap]]) -> None:
    """Give a service that names no image the identity its base file gives it."""
    node = service.node
    if "image" in node or "build" in node:
        return
    chain: list[YMap] = []
    ext = node.get("extends")
    if isinstance(ext, YMap) and ext.get("file") and ext.get("service"):
        rel = _join(folder, str(ext.get("file")))
        if rel is not None:
            parent = services_in(rel).get(str(ext.get("service")))
            if parent is not None:
                chain.append(parent)
    for base in reversed(bases):  # the last file listed before this one wins
        parent = services_in(base).get(service.name)
        if parent is not None:
            chain.append(parent)
    service.compose.inherited[service.name] = tuple(chain)


def _env_files(service: Any, folder: str, read: Reader, reads: set[str]) -> tuple[ContainerEnv, ...]:
    value = service.node.get("env_file")
    if value is None:
        return ()
    entries = value if isinstance(value, YList) else [value]
    out: list[ContainerEnv] = []
    for entry in entries:
        rel = entry.get("path") if isinstance(entry, YMap) else entry
        if not isinstance(rel, str):
            continue
        path = _join(folder, rel)
        if path is None:
            continue
        reads.add(path)
        text = read(path)
        if text is None:
            continue
        for item in parse_entries(text):
            out.append(ContainerEnv(item.key, item.value, path, item.line))
    return tuple(out)
