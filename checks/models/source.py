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
from .topics import CODE_ENV_READ, CodeEnvReadData

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
#: a fallback operator right after a read (``|| "x"``, ``?? "x"``, `` or "x"``, ``.unwrap_or``),
#: matched where the blanks after the read end (a leading ``\s*`` would rescan every blank run)
_FALLBACK_OP = re.compile(r"\|\||\?\?|\bor\b|\?:|\.unwrap_or|\.or_else")
_BLANKS = re.compile(r"\s*")
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


#: line-comment openers by file extension (a name in a comment is not a read)
_HASH_COMMENTS = frozenset(("py", "pyi", "rb", "pl", "sh", "bash", "r", "ex", "exs", "cr", "nim"))
_SLASH_COMMENTS = frozenset(("js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "go", "java", "kt", "kts", "rs",
                             "c", "cc", "cpp", "h", "hpp", "cs", "swift", "scala", "groovy", "dart", "vue", "svelte"))


def _comment_start(text: str, start: int, end: int, lang: str) -> int:
    """Offset where a line comment starts on the line ``start:end`` (``end`` when none).

    Quotes are followed so ``"http://x"`` or ``'#fff'`` open no comment; a line inside a
    block comment (``/* ...``, `` * ...``) is all comment.
    """
    hashes = lang in _HASH_COMMENTS or lang == "php"
    slashes = lang in _SLASH_COMMENTS or lang == "php"
    if not hashes and not slashes:
        return end
    stripped = text[start:end].lstrip()
    if slashes and stripped.startswith(("/*", "*")):
        return start
    quote = ""
    i = start
    while i < end:
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif hashes and c == "#":
            return i
        elif slashes and c == "/" and text.startswith("//", i):
            return i
        i += 1
    return end


def env_reads(text: str, lang: str = "") -> list[tuple[str, int, bool]]:
    """(variable, line, has a default) for each read; cheap when no marker is present.

    A read written in a line comment (``# os.getenv("X")``, ``// process.env.X``) is
    documentation or dead code, not a read.
    """
    if not any(marker in text for marker in _MARKERS):
        return []
    found: list[tuple[str, int, bool]] = []
    line = 1
    previous = 0
    for start, end in _marked_lines(text):
        line += text.count("\n", previous, start)
        previous = start
        hits: list[tuple[int, str, bool]] = []
        end = _comment_start(text, start, end, lang)
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
                    blanks = _BLANKS.match(text, match.end())
                    default = _FALLBACK_OP.match(text, blanks.end() if blanks else match.end()) is not None
                hits.append((match.start(), name, default))
        found.extend((name, line, default) for _, name, default in sorted(hits))
    return found


def parse(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.SOURCE)
    lang = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    try:
        reads = env_reads(text, lang)
    except Exception:  # pragma: no cover - never raise on odd input
        return parsed
    for name, line, default in reads:
        parsed.facts.append(Fact(CODE_ENV_READ, name, line, ("env-read", name), CodeEnvReadData(default=default, lang=lang)))
    return parsed
