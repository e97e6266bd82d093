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
from .tokens import KNOWN_TOKENS
from .base import Fact, FileKind, ParsedFile

__all__ = ["EnvEntry", "EnvFile", "parse", "is_example_name", "example_base", "looks_like_placeholder", "looks_like_secret"]

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


# -- placeholders and secrets (shared by the env checks) --------------------------------

_PLACEHOLDER_RE = re.compile(
    r"^(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^<>]*>|\[[^\[\]]*\]|\{\{.*\}\}|%[A-Za-z_]+%|\.\.\.+|"
    r"x+|\*+|-+|_+|0+|1234(5678?)?|your.*|.*(change[-_ ]?(me|this|it)|replace[-_ ]?(me|this)|"
    r"fill[-_ ]?(me|in)|placeholder|example|sample|dummy|redacted|insert[-_ ]|todo|fixme|notset|not[-_ ]set|"
    r"put[-_ ]your|enter[-_ ]your|set[-_ ]me|xxxx|secret[-_ ]?here|key[-_ ]?here|token[-_ ]?here).*|"
    r"none|null|nil|true|false|yes|no|on|off|secret|password|passwd|pass|token|key|test|testing|dev|local|"
    r"localhost|admin|root|user|guest|default|changeit|foo|bar|baz|foobar|abc|abc123|qwerty|letmein|"
    # a default word with a counter: secret1234, password123, admin_2024 (documented, never a real secret)
    r"(secret|password|passwd|pass|admin|root|user|test|demo|guest|changeme|default)[-_]?\d{1,6})$",
    re.IGNORECASE,
)

#: well-known token shapes, any key name (one catalogue for every check)
TOKEN_PATTERNS = KNOWN_TOKENS
SECRET_KEY_RE = re.compile(
    r"(SECRET|PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS($|_)|(^|_)PWD($|_)|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|"
    r"SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|APP_?KEY|AUTH_?KEY|CLIENT_?SECRET|CREDENTIALS?|(^|_)SALT($|_)|"
    r"(^|_)PEPPER($|_)|WEBHOOK_?SECRET|LICENSE_?KEY|(^|_)KEY$)",
    re.IGNORECASE,
)
_NOT_SECRET_KEY_RE = re.compile(
    r"(_ID|_IDS|_NAME|_USER|_USERNAME|_FILE|_PATH|_DIR|_URL_PATH|_LENGTH|_LEN|_SIZE|_TTL|_EXPIRY|_EXPIRES|_EXPIRES_IN|"
    r"_TIMEOUT|_ALGORITHM|_ALG|_TYPE|_HEADER|_FIELD|_PREFIX|_REGION|_ENABLED|_COUNT|_MAX|_MIN|_ROUNDS|_COST|_VERSION)$",
    re.IGNORECASE,
)
#: ``scheme://user:password@``; the user may be empty (``redis://:password@host``) and documentation
#: brackets are not part of the password (``redis://[:password]@host``)
_URL_CRED_RE = re.compile(r"^[a-z][a-z0-9+.\-]*://\[?[^:/@\s\[]*:([^@/\s]+?)\]?@", re.IGNORECASE)


def looks_like_placeholder(value: str) -> bool:
    text = value.strip()
    if not text or len(text) < 4:
        return True
    if "${" in text or text.startswith("$") or ("<" in text and ">" in text) or "{{" in text:
        return True
    if "..." in text or "\u2026" in text:
        return True  # an elided value (`sk_test_...`, `eyJhbGciOi...`): documentation, never a key
    return bool(_PLACEHOLDER_RE.match(text))


#: runs that only a person typing a sample value writes (`re_123456789`, `whsec_abcdef`, `abc123`)
_FILLER_RE = re.compile(r"0123456|123456|234567|abcdef|bcdefg|abc123|qwerty|asdfgh", re.IGNORECASE)
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "5": "s", "7": "t", "!": ""})


def _sample_value(text: str) -> bool:
    """A made-up value that shows the shape of a secret in an example file: a filler run
    (`123456`, `abcdef`) or a default word in leetspeak (`P@ssw0rd`, `s3cr3t!`)."""
    if _FILLER_RE.search(text):
        return True
    plain = text.translate(_LEET)
    return plain != text and bool(_PLACEHOLDER_RE.match(plain))


def _classes(text: str) -> int:
    return sum((any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text),
                any(not c.isalnum() for c in text)))


def _wordy(text: str) -> bool:
    """Lower-case words joined by separators, a number at most at the end of a word or as a
    word of its own (``dev-secret-key``, ``redis123``, ``generate-with-openssl-rand-base64-32``):
    a made-up local value, not generated randomness."""
    return bool(re.fullmatch(r"[a-z]{2,}\d{0,4}([-_. ]([a-z]{2,}\d{0,4}|\d{1,4}))*", text))


def looks_like_secret(key: str, value: str, example: bool = False) -> str | None:
    """Why this key/value looks like a real secret (a short label), or None.

    ``example``: the value comes from an example file, where sample values (`re_123456789`,
    `P@ssw0rd`) illustrate the shape of a secret; in a real env file the same value is the
    one in use, weak or not.
    """
    text = value.strip()
    if not text:
        return None
    if example and (_sample_value(text) or "..." in text or "\u2026" in text):
        return None
    for label, pattern in TOKEN_PATTERNS:
        found = pattern.search(text)
        if found and not looks_like_placeholder(found.group(0)) and "EXAMPLE" not in text.upper() and "..." not in text:
            return label
    cred = _URL_CRED_RE.match(text)
    if cred:
        password = cred.group(1)
        if not looks_like_placeholder(password) and not _wordy(password) and "$" not in password:
            return "password in a connection URL"
        return None
    if not SECRET_KEY_RE.search(key) or _NOT_SECRET_KEY_RE.search(key):
        return None
    if looks_like_placeholder(text) or _wordy(text) or "://" in text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?[smhd]?", text):
        return None  # a number or a duration
    if len(text) < 8 or (len(set(text)) < 4):
        return None
    if _classes(text) >= 2 or len(text) >= 20:
        return "secret value"
    return None


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
    seen: set[str] = set()
    for entry in entries:
        if entry.key in seen:
            continue
        seen.add(entry.key)
        parsed.facts.append(Fact("env:key", entry.key, entry.line, entry.ypath,
                                 Fact.pack(example=example, empty=not entry.value)))
    return parsed
