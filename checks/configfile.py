"""Loading and validating the project configuration.

Two places are read, both optional, both with the same keys:

* ``[tool.auditui]`` in the repository's ``pyproject.toml``;
* the top level of ``.auditui/config.toml`` (next to the triage state).

They are merged key by key, ``.auditui/config.toml`` winning: it is the file that
exists only for auditui, so when both set a key the more specific file is the one
the team meant.  Command-line flags win over both (the CLI applies them with
:func:`override`).  Tables (``severity``, ``per-path-ignores``, ``options``) merge
entry by entry, lists and scalars are replaced whole.

Every mistake is a :class:`ConfigError` whose one-line message names the file and
the key: unknown keys, unknown check codes, bad severities, wrong types, unknown
check options.  Nothing is silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .api import Category, Check, Severity
from .config import Config
from .context import CONTEXT_NAMES
from .persona import PERSONAS

__all__ = ["ConfigError", "load", "load_file", "override", "describe", "KEYS", "PYPROJECT", "CONFIG_FILE"]

PYPROJECT = "pyproject.toml"
CONFIG_FILE = ".auditui/config.toml"

#: every key a configuration file may set, with a one-line description
KEYS = {
    "select": "checks to run: codes, names or categories (empty: all)",
    "ignore": "checks to skip: codes, names or categories",
    "exclude": "paths not audited (gitignore-style globs)",
    "severity": "severity overrides: CODE-or-name = critical|high|medium|low|info",
    "fail-on": "lowest severity that makes 'auditui scan' exit 1 (or none)",
    "per-path-ignores": "glob = [CODE-or-name, ...]: findings there are suppressed ('*' for all)",
    "options": "per-check options: [options.CODE-or-name] option = value",
    "persona": "how much is shown: regular (default), pedantic (every item) or auditor (everything)",
    "contexts": "where files are used: [contexts] production|development|test|tooling|example = [globs]",
    "environments": "environment names of GitOps entry points' folders: [environments] production|nonproduction = "
                    "[names] (added to the well-known ones)",
}


class ConfigError(Exception):
    """A mistake in a configuration file; the message names the file and key."""


@dataclass
class _Layer:
    origin: str  # file name shown to the user, e.g. "pyproject.toml [tool.auditui]"
    file: str  # file name for error messages
    prefix: str  # key prefix for error messages ("tool.auditui." or "")
    table: dict


def _catalog(checks: Iterable[Check] | None) -> tuple[Check, ...]:
    if checks is not None:
        return tuple(checks)
    from . import registry

    return registry.ALL_CHECKS


#: a configuration file (or a pyproject.toml) is a few KiB; a larger one is refused
MAX_CONFIG_BYTES = 1024 * 1024


def _read_toml(path: Path, shown: str, root: Path | None = None) -> dict:
    """A TOML file, read through :mod:`safeio`: a regular file of at most 1 MiB that, when
    ``root`` is given, does not lead out of the repository."""
    import tomllib  # imported when a configuration file exists (most repositories have none)

    from . import safeio

    try:
        data = safeio.read_bytes(path, root=root, limit=MAX_CONFIG_BYTES)
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{shown}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: invalid TOML: values nested too deeply") from None


def _layers(root: Path, explicit: Path | None) -> list[_Layer]:
    layers: list[_Layer] = []
    if explicit is not None:
        shown = str(explicit)
        if not explicit.exists():
            raise ConfigError(f"{shown}: no such configuration file")
        data = _read_toml(explicit, shown)
        if explicit.name == PYPROJECT:
            table = data.get("tool", {}).get("auditui", {}) if isinstance(data.get("tool"), dict) else {}
            layers.append(_Layer(f"{shown} [tool.auditui]", shown, "tool.auditui.", _table(table, shown, "tool.auditui")))
        else:
            layers.append(_Layer(shown, shown, "", data))
        return layers
    pyproject = root / PYPROJECT
    if pyproject.is_file():
        data = _read_toml(pyproject, PYPROJECT, root)
        tool = data.get("tool")
        if isinstance(tool, dict) and "auditui" in tool:
            table = _table(tool["auditui"], PYPROJECT, "tool.auditui")
            layers.append(_Layer(f"{PYPROJECT} [tool.auditui]", PYPROJECT, "tool.auditui.", table))
    own = root / CONFIG_FILE
    if own.is_file():
        layers.append(_Layer(CONFIG_FILE, CONFIG_FILE, "", _read_toml(own, CONFIG_FILE, root)))
    return layers


def _table(value: Any, file: str, key: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{file}: '{key}' must be a table, not {_type(value)}")
    return value


def _type(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _hint(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Validator:
    def __init__(self, checks: tuple[Check, ...]) -> None:
        self.checks = checks
        self.by_code = {c.code: c for c in checks}
        self.by_name = {c.name: c for c in checks}
        self.categories = {c.value for c in Category}

    def check(self, word: str) -> Check | None:
        return self.by_code.get(word.strip().upper()) or self.by_name.get(word.strip().lower())

    def names(self) -> list[str]:
        return [*self.by_code, *self.by_name]

    def selector(self, word: str, where: str, allow_star: bool = False) -> str:
        if allow_star and word.strip() == "*":
            return "*"
        check = self.check(word)
        if check is not None:
            return check.code
        if word.strip().lower() in self.categories:
            return word.strip().lower()
        raise ConfigError(f"{where}: unknown check or category '{word}'"
                          f"{_hint(word, [*self.names(), *self.categories])} (see 'auditui checks')")

    def words(self, value: Any, where: str, allow_star: bool = False, resolve: bool = True) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, not {_type(value)}")
        if not resolve:
            return tuple(value)
        return tuple(self.selector(v, where, allow_star) for v in value)


def _apply_layer(config: Config, layer: _Layer, v: _Validator) -> None:
    table = layer.table

    def where(key: str) -> str:
        return f"{layer.file}: '{layer.prefix}{key}'"

    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{layer.file}: unknown key '{layer.prefix}{key}'{_hint(key, KEYS)}")
        if key in ("select", "ignore"):
            setattr(config, key, v.words(value, where(key)))
            config.origins[key] = layer.origin
        elif key == "exclude":
            config.exclude = v.words(value, where(key), resolve=False)
            for glob in config.exclude:
                _check_glob(glob, where(key))
            config.origins[key] = layer.origin
        elif key == "fail-on":
            if not isinstance(value, str):
                raise ConfigError(f"{where(key)} must be a string, not {_type(value)}")
            if value.strip().lower() == "none":
                config.fail_on = None
            else:
                try:
                    config.fail_on = Severity.parse(value)
                except ValueError as exc:
                    raise ConfigError(f"{where(key)}: {exc} or none") from None
            config.origins[key] = layer.origin
        elif key == "severity":
            for name, level in _table(value, layer.file, layer.prefix + key).items():
                check = v.check(name)
                if check is None:
                    raise ConfigError(f"{where(f'{key}.{name}')}: unknown check '{name}'{_hint(name, v.names())}")
                if not isinstance(level, str):
                    raise ConfigError(f"{where(f'{key}.{name}')} must be a severity string, not {_type(level)}")
                try:
                    config.severity[check.code] = Severity.parse(level)
                except ValueError as exc:
                    raise ConfigError(f"{where(f'{key}.{name}')}: {exc}") from None
                config.origins[f"severity.{check.code}"] = layer.origin
        elif key == "per-path-ignores":
            for glob, codes in _table(value, layer.file, layer.prefix + key).items():
                if not glob.strip():
                    raise ConfigError(f"{where(key)}: empty path glob")
                _check_glob(glob, where(key))
                config.per_path_ignores[glob] = v.words(codes, where(f'{key}."{glob}"'), allow_star=True)
                config.origins[f"per-path-ignores.{glob}"] = layer.origin
        elif key == "persona":
            config.persona = _persona(value, where(key))
            config.origins[key] = layer.origin
        elif key == "contexts":
            for name, globs in _table(value, layer.file, layer.prefix + key).items():
                here = where(f"{key}.{name}")
                if name not in CONTEXT_NAMES:
                    raise ConfigError(f"{here}: unknown context '{name}' (expected one of: "
                                      f"{', '.join(CONTEXT_NAMES)}){_hint(name, CONTEXT_NAMES)}")
                if not isinstance(globs, list) or not all(isinstance(g, str) and g.strip() for g in globs):
                    raise ConfigError(f"{here} must be a list of path globs, not {_type(globs)}")
                config.contexts[name] = tuple(globs)
                config.__dict__.pop("_context_matchers", None)
                config.origins[f"contexts.{name}"] = layer.origin
        elif key == "environments":
            for name, words in _table(value, layer.file, layer.prefix + key).items():
                here = where(f"{key}.{name}")
                if name not in ("production", "nonproduction"):
                    raise ConfigError(f"{here}: unknown list '{name}' (expected production or nonproduction)")
                if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                    raise ConfigError(f"{here} must be a list of environment names, not {_type(words)}")
                config.environments[name] = tuple(w.strip() for w in words)
                config.origins[f"environments.{name}"] = layer.origin
        elif key == "options":
            for name, opts in _table(value, layer.file, layer.prefix + key).items():
                check = v.check(name)
                if check is None:
                    raise ConfigError(f"{where(f'{key}.{name}')}: unknown check '{name}'{_hint(name, v.names())}")
                opts = _table(opts, layer.file, f"{layer.prefix}{key}.{name}")
                for opt, val in opts.items():
                    here = where(f"{key}.{name}.{opt}")
                    if opt not in check.options:
                        known = ", ".join(sorted(check.options)) or "none"
                        raise ConfigError(f"{here}: {check.code} has no option '{opt}' (options: {known})")
                    config.options.setdefault(check.code, {})[opt] = _option_value(val, check.options[opt], here)
                    config.origins[f"options.{check.code}.{opt}"] = layer.origin


def _check_glob(glob: str, where: str) -> None:
    from .globs import check_pattern

    problem = check_pattern(glob)
    if problem is not None:
        raise ConfigError(f"{where}: {problem.replace('; ignored', '')}")


def _persona(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, not {_type(value)}")
    name = value.strip().lower()
    if name not in PERSONAS:
        raise ConfigError(f"{where}: unknown persona '{value}' (expected one of: {', '.join(PERSONAS)})"
                          f"{_hint(name, PERSONAS)}")
    return name


def _option_value(value: Any, default: Any, where: str) -> Any:
    """Check a value against the type of the option's default."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, (list, tuple)):
        strings = all(isinstance(item, str) for item in default)
        ok = isinstance(value, list) and (not strings or all(isinstance(item, str) for item in value))
        if ok:
            return tuple(value) if isinstance(default, tuple) else list(value)
    elif isinstance(default, dict):
        ok = isinstance(value, dict)
    else:
        ok = True
    if not ok:
        expected = "a list of strings" if isinstance(default, (list, tuple)) else _type(default)
        raise ConfigError(f"{where} must be {expected}, not {_type(value)}")
    return value


def load(root: str | Path, explicit: str | Path | None = None, checks: Iterable[Check] | None = None) -> Config:
    """The configuration of the repository at ``root`` (defaults when there is none).

    ``explicit`` (``--config FILE``) replaces the discovery of both files.
    """
    root = Path(root)
    layers = _layers(root, Path(explicit) if explicit is not None else None)
    config = Config()
    validator = _Validator(_catalog(checks))
    for layer in layers:
        _apply_layer(config, layer, validator)
    config.source = ", ".join(layer.origin for layer in layers) or None
    return config


def load_file(path: str | Path, checks: Iterable[Check] | None = None) -> Config:
    """One file only (``.auditui/config.toml`` shape, or a ``pyproject.toml``)."""
    path = Path(path)
    return load(path.parent, path, checks)


def override(
    config: Config,
    *,
    select: tuple[str, ...] | None = None,
    ignore: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] | None = None,
    fail_on: Severity | None | str = "unset",
    persona: str | None = None,
    checks: Iterable[Check] | None = None,
) -> Config:
    """Apply command-line flags (they win over every file); validates codes."""
    v = _Validator(_catalog(checks))
    if select is not None:
        config.select = tuple(v.selector(word, "--select") for word in select)
        config.origins["select"] = "command line"
    if ignore is not None:
        config.ignore = tuple(v.selector(word, "--ignore") for word in ignore)
        config.origins["ignore"] = "command line"
    if exclude is not None:
        config.exclude = tuple(exclude)
        config.origins["exclude"] = "command line"
    if fail_on != "unset":
        config.fail_on = fail_on  # type: ignore[assignment]
        config.origins["fail-on"] = "command line"
    if persona is not None:
        config.persona = _persona(persona, "--persona")
        config.origins["persona"] = "command line"
    return config


def _toml_value(value: Any) -> str:
    import tomli_w

    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def describe(config: Config, checks: Iterable[Check] | None = None) -> list[tuple[str, Any, str]]:
    """(key, value, origin) for every setting, in file order; the data behind ``auditui config``.

    Check options are listed for every check that has any, with their defaults.
    """
    rows: list[tuple[str, Any, str]] = [
        ("select", list(config.select), config.origin("select")),
        ("ignore", list(config.ignore), config.origin("ignore")),
        ("exclude", list(config.exclude), config.origin("exclude")),
        ("fail-on", config.fail_on.label if config.fail_on is not None else "none", config.origin("fail-on")),
        ("persona", config.persona, config.origin("persona")),
    ]
    for code, level in sorted(config.severity.items()):
        rows.append((f"severity.{code}", level.label, config.origin(f"severity.{code}")))
    for name, globs in config.contexts.items():
        rows.append((f"contexts.{name}", list(globs), config.origin(f"contexts.{name}")))
    for name, words in config.environments.items():
        rows.append((f"environments.{name}", list(words), config.origin(f"environments.{name}")))
    for glob, codes in config.per_path_ignores.items():
        rows.append((f'per-path-ignores."{glob}"', list(codes), config.origin(f"per-path-ignores.{glob}")))
    for check in _catalog(checks):
        for opt, default in check.options.items():
            value = config.options.get(check.code, {}).get(opt, default)
            rows.append((f"options.{check.code}.{opt}", value, config.origin(f"options.{check.code}.{opt}")))
    return rows


def render(config: Config, root: str, checks: Iterable[Check] | None = None) -> str:
    """The effective configuration as TOML, each line commented with where it came from."""
    lines = [
        f"# effective auditui configuration for {root}",
        f"# read from: {config.source or 'no configuration file (defaults)'}",
        "# precedence: command line > .auditui/config.toml > pyproject.toml [tool.auditui] > defaults",
        "",
    ]
    current_table = None
    for key, value, origin in describe(config, checks):
        if "." in key:
            table, leaf = key.rsplit(".", 1) if not key.startswith("per-path-ignores.") else key.split(".", 1)
            if key.startswith("per-path-ignores."):
                table = "per-path-ignores"
            if table != current_table:
                lines.extend(["", f"[{table}]"])
                current_table = table
        else:
            leaf = key
        lines.append(f"{leaf} = {_toml_value(value)}  # {origin}")
    return "\n".join(lines) + "\n"
