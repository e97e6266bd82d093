"""Application source: only the environment variables it reads (for env drift).

Emits ``Fact("code:env-read", VAR, line, data=(default=bool, lang=...))`` for

* Python ``os.environ["X"]``, ``os.environ.get("X")``, ``os.getenv("X")``, ``environ.get``;
* JavaScript/TypeScript ``process.env.X``, ``process.env["X"]``, ``import.meta.env.X``;
* Go ``os.Getenv("X")``, ``os.LookupEnv("X")``;
* Ruby ``ENV["X"]``, ``ENV.fetch("X")``;
* PHP ``getenv('X')``, ``$_ENV['X']``; Java/Kotlin ``System.getenv("X")``; Rust ``env::var("X")``.

``default`` is True when the read supplies a fallback (``os.getenv("X", "d")``,
``process.env.X || "d"``, ``ENV.fetch("X", "d")``, ``os.LookupEnv``), i.e. the variable
is optional.  Files are only searched when they contain one of a few marker strings,
so most source files cost one substring test per marker.
"""

from __future__ import annotations

import re

from .base import Fact, FileKind, ParsedFile

_MARKERS = ("environ", "getenv", "Getenv", "LookupEnv", "process.env", "import.meta.env", "ENV[", "ENV.fetch", "$_ENV", "env::var")
_NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
_Q = r"[\"'`]"
_PATTERNS = (
    # os.environ["X"] / environ["X"]
    re.compile(r"\benviron\[\s*" + _Q + _NAME + _Q + r"\s*\]"),
    # os.environ.get("X"[, d]) / os.getenv("X"[, d]) / getenv('X') / System.getenv("X") / os.Getenv("X")
    re.compile(r"(?:\benviron\.get|\bgetenv|\bGetenv|\bLookupEnv|\benv::var(?:_os)?|\bENV\.fetch)\(\s*" + _Q + _NAME + _Q + r"\s*([,)])?"),
    # process.env.X / import.meta.env.X
    re.compile(r"(?:process|import\.meta)\.env\.([A-Za-z_][A-Za-z0-9_]*)"),
    # process.env["X"] / ENV["X"] / $_ENV['X']
    re.compile(r"(?:process\.env|import\.meta\.env|\bENV|\$_ENV)\[\s*" + _Q + _NAME + _Q + r"\s*\]"),
)
_FALLBACK_AFTER = re.compile(r"\s*(\|\||\?\?|\bor\b|\?:|\.unwrap_or|\.or_else|\|\|=)")
_NOT_VARS = frozenset(("NODE_ENV",))


def _marked_lines(text: str) -> list[tuple[int, int]]:
    """(start offset, end offset) of every line holding a marker, in order."""
    starts: set[int] = set()
    for marker in _MARKERS:
        pos = text.find(marker)
        while pos >= 0:
            starts.add(text.rfind("\n", 0, pos) + 1)
            pos = text.find(marker, pos + len(marker))
    out = []
    for start in sorted(starts):
        end = text.find("\n", start)
        out.append((start, len(text) if end < 0 else end))
    return out


def env_reads(text: str) -> list[tuple[str, int, bool]]:
    """(variable, line, has a default) for each read; cheap when no marker is present."""
    if not any(marker in text for marker in _MARKERS):
        return []
    found: list[tuple[str, int, bool]] = []
    line = 1
    previous = 0
    for start, end in _marked_lines(text):
        line += text.count("\n", previous, start)
        previous = start
        hits: list[tuple[int, str, bool]] = []
        for number, pattern in enumerate(_PATTERNS):
            for match in pattern.finditer(text, start, end):
                name = match.group(1)
                default = False
                if number == 1:
                    fn = match.group(0)
                    default = match.group(2) == "," or "LookupEnv" in fn
                    if "ENV.fetch" in fn and match.group(2) == ")":
                        default = text[match.end():match.end() + 3].lstrip().startswith("{")
                if not default:
                    default = bool(_FALLBACK_AFTER.match(text, match.end()))
                hits.append((match.start(), name, default))
        found.extend((name, line, default) for _, name, default in sorted(hits))
    return found


def parse(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.SOURCE)
    try:
        reads = env_reads(text)
    except Exception:  # pragma: no cover - never raise on odd input
        return parsed
    lang = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    for name, line, default in reads:
        parsed.facts.append(Fact("code:env-read", name, line, ("env-read", name), Fact.pack(default=default, lang=lang)))
    return parsed
