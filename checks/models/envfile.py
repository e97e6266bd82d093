"""``.env`` files as key/value pairs.

Understands what dotenv loaders (python-dotenv, dotenv for Node, docker compose) accept:
``KEY=value``, ``export KEY=value``, spaces around ``=``, single- and double-quoted
values (double-quoted ones may span lines), inline comments after unquoted values
(`` # ...``), empty values and ``${VAR}`` references.  Lines that are not
assignments are ignored, never raised on.

"Example" files (``.env.example``, ``.env.sample``, ``.env.template``, ``.env.dist``,
``production.env.example``, ``example.env`` ...) document the keys; the others hold
values.  Every key becomes a ``Fact("env:key", KEY, line, data=(example, file))``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..api import Pos
from .base import TRUE_WORDS, Fact, FileKind, ParsedFile
from .topics import DOC_DECLARED, ENV_KEY, DocDeclaredData, EnvKeyData

__all__ = ["EnvEntry", "EnvFile", "parse", "is_example_name", "example_base"]

_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=(.*)$")
EXAMPLE_WORDS = ("example", "sample", "template", "dist", "tmpl", "tpl", "defaults-example", "skel")


@dataclass(frozen=True)
class EnvEntry:
    key: str
    value: str
    line: int
    end_line: int
    quoted: str = ""  # the quote character, if the value was quoted
    exported: bool = False

    @property
    def pos(self) -> Pos:
        return Pos(self.line, self.end_line, ("env", self.key))

    @property
    def ypath(self) -> tuple:
        return ("env", self.key)


@dataclass(eq=False)
class EnvFile:
    path: str
    entries: list[EnvEntry] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def directory(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def example(self) -> bool:
        return is_example_name(self.name)

    @property
    def line(self) -> int | None:
        return None

    @property
    def end_line(self) -> int | None:
        return None

    @property
    def ypath(self) -> tuple:
        return ("envfile",)

    def keys(self) -> dict[str, EnvEntry]:
        """Each key's last assignment (what a loader ends up with)."""
        return {entry.key: entry for entry in self.entries}


def is_example_name(name: str) -> bool:
    """``.env.example``, ``.env.sample``, ``app.env.template``, ``example.env``, ``.env.dist``..."""
    parts = [p for p in name.lower().split(".") if p]
    return any(p in EXAMPLE_WORDS or p.endswith(("-example", "_example", "-sample", "_sample")) for p in parts)


def example_base(name: str) -> str:
    """The env file an example documents: ``.env.example`` -> ``.env``, ``prod.env.sample`` -> ``prod.env``."""
    kept = [p for p in name.split(".") if p.lower() not in EXAMPLE_WORDS]
    base = ".".join(kept)
    if name.startswith(".") and not base.startswith("."):
        base = "." + base
    return base if base not in ("", ".", "env") else ".env"


def _unquote_double(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_entries(text: str) -> list[EnvEntry]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    entries: list[EnvEntry] = []
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        if "=" not in raw:
            continue
        stripped = raw.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE_RE.match(raw)
        if match is None:
            continue
        key, rest = match.group(1), match.group(2)
        exported = stripped.startswith("export")
        start = index
        rest = rest.lstrip()
        quote = rest[:1] if rest[:1] in ("'", '"', "`") else ""
        if quote:
            body = rest[1:]
            # find the closing quote (double quotes may escape it and span lines)
            while True:
                pos = 0
                end = -1
                while pos < len(body):
                    c = body[pos]
                    if c == "\\" and quote == '"' and pos + 1 < len(body):
                        pos += 2
                        continue
                    if c == quote:
                        end = pos
                        break
                    pos += 1
                if end >= 0 or index >= len(lines):
                    break
                if index - start > 200:  # unterminated: stop looking
                    break
                body += "\n" + lines[index]
                index += 1
            if end < 0:
                # unterminated quote: take the first line as written
                index = start
                value = rest[1:]
            else:
                value = body[:end]
                if quote == '"':
                    value = _unquote_double(value)
        else:
            value = rest
            hash_at = value.find(" #")
            tab_at = value.find("\t#")
            cut = min(p for p in (hash_at, tab_at, len(value)) if p >= 0)
            if value.startswith("#") and match.group(2)[:1].isspace():
                cut = 0  # `KEY= # comment`: an empty value
            value = value[:cut].strip()
        entries.append(EnvEntry(key, value, start, index, quote, exported))
    return entries


def _secrets(entries: list[EnvEntry]) -> dict[str, list[tuple]]:
    """KEY -> (line, end_line, kind, purpose, phrase, evidence, label) of each assignment holding a
    secret (secrets model), and of each placeholder under a secret name that works as written
    (kind ``placeholder``: a secret only where a service of the project checks it); the value
    itself is never kept."""
    from .secrets import SecretVerdict, asks_to_be_replaced, classify, is_secret_name, redact

    out: dict[str, list[tuple]] = {}
    for entry in entries:
        # a single-quoted value is read as written: no ${VAR} or $(cmd) in it
        verdict = classify(entry.key, entry.value, where="env", interpolate=entry.quoted != "'")
        if verdict.is_secret:
            out.setdefault(entry.key, []).append((entry.line, entry.end_line, verdict.kind, verdict.purpose,
                                                  verdict.describe(), verdict.evidence(entry.key), verdict.label))
        elif verdict.kind == "placeholder" and is_secret_name(entry.key) and asks_to_be_replaced(entry.value):
            shown = SecretVerdict("weak", "placeholder used as the real value", entry.value)
            out.setdefault(entry.key, []).append((entry.line, entry.end_line, "placeholder", "password",
                                                  shown.describe(), f"{entry.key}={redact(entry.value)}",
                                                  shown.label))
    return out


#: debug switches of web frameworks (their error pages show settings, environment and source)
DEBUG_KEYS = frozenset(("APP_DEBUG", "DEBUG", "DJANGO_DEBUG", "FLASK_DEBUG"))
#: settings that say "this is production": (framework, the debug switches they pair with)
_PRODUCTION_KEYS = {
    "APP_ENV": ("Laravel/Symfony", ("APP_DEBUG",)),
    "DJANGO_SETTINGS_MODULE": ("Django", ("DEBUG", "DJANGO_DEBUG")),
    "DJANGO_ENV": ("Django", ("DEBUG", "DJANGO_DEBUG")),
    "FLASK_ENV": ("Flask", ("FLASK_DEBUG",)),
    "ENVIRONMENT": ("the application's", ("DEBUG", "DJANGO_DEBUG", "FLASK_DEBUG", "APP_DEBUG")),
    "ENV": ("the application's", ("DEBUG", "DJANGO_DEBUG", "FLASK_DEBUG", "APP_DEBUG")),
}
_PRODUCTION_WORDS = frozenset(("production", "prod"))


def is_production_setting(key: str, value: str) -> bool:
    """``APP_ENV=production``, ``DJANGO_SETTINGS_MODULE=config.settings.production``."""
    text = value.strip().strip("\"'").lower()
    if key == "DJANGO_SETTINGS_MODULE":
        return bool(set(re.split(r"[._]", text)) & _PRODUCTION_WORDS)
    return text in _PRODUCTION_WORDS


def is_debug_on(key: str, value: str) -> bool:
    return key in DEBUG_KEYS and value.strip().strip("\"'").lower() in TRUE_WORDS


def debug_in_production(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """KEY -> (framework, production setting) for each debug switch that is on in a set of
    variables that also declares production (the last assignment of each key counts)."""
    values = dict(pairs)
    out: dict[str, tuple[str, str]] = {}
    for key, value in values.items():
        if not is_debug_on(key, value):
            continue
        for marker, (framework, pairs_with) in _PRODUCTION_KEYS.items():
            if key in pairs_with and marker in values and is_production_setting(marker, values[marker]):
                out[key] = (framework, f"{marker}={values[marker].strip()[:60]}")
                break
    return out


def parse(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.ENV)
    try:
        entries = parse_entries(text)
    except Exception as exc:  # pragma: no cover - never raise on odd input
        parsed.notices.append(f"could not read as an env file ({type(exc).__name__}); not audited")
        return parsed
    env = EnvFile(path, entries)
    parsed.units.append(env)
    example = env.example
    secrets = {} if example else _secrets(entries)
    debug = {} if example else debug_in_production([(e.key, e.value) for e in entries])
    seen: set[str] = set()
    for entry in entries:
        if entry.key in seen:
            continue
        seen.add(entry.key)
        parsed.facts.append(Fact(ENV_KEY, entry.key, entry.line, entry.ypath,
                                 EnvKeyData(example=example, empty=not entry.value,
                                            secrets=tuple(secrets.get(entry.key, ())) or None,
                                            debug_in_production=debug.get(entry.key))))
    if not example:  # `_APP_ENV=development`: the file is a development environment's (context model)
        from .usage_docs import declared_setting  # usage_docs reads secrets, which imports this module's neighbours

        setting = declared_setting([(e.key, e.value) for e in entries])
        if setting is not None:
            parsed.facts.append(Fact(DOC_DECLARED, path, data=DocDeclaredData(context=setting[0], phrase=setting[1],
                                                                                source="setting")))
    if example:  # `# SMTP_PASSWORD=` in an example documents an optional key
        for key, line in commented_keys(text):
            if key not in seen:
                seen.add(key)
                parsed.facts.append(Fact(ENV_KEY, key, line, ("env", key),
                                         EnvKeyData(example=True, empty=True, commented=True)))
    return parsed


_COMMENTED_KEY_RE = re.compile(r"^[ \t]*#+[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=", re.MULTILINE)


def commented_keys(text: str) -> list[tuple[str, int]]:
    """(KEY, line) of each ``# KEY=value`` comment line: a key documented but left unset."""
    out: list[tuple[str, int]] = []
    line = 1
    previous = 0
    for match in _COMMENTED_KEY_RE.finditer(text):
        line += text.count("\n", previous, match.start())
        previous = match.start()
        out.append((match.group(1), line))
    return out
