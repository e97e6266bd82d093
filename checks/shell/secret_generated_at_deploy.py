"""SH009: a secret generated afresh each time the script runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript
from ..models.shell_ops import path_words

CHECK = Check(
    code="SH009",
    name="secret-generated-at-deploy",
    title="Secret is generated at deploy time instead of stored",
    severity=Severity.HIGH,
    category=Category.SECRETS,
    rationale=(
        "`JWT_SECRET=${JWT_SECRET:-$(openssl rand -hex 32)}` in a deploy script or entrypoint "
        "quietly replaces a missing secret with a random one: every deploy or restart signs "
        "with a new key, so all sessions, tokens and signed links die, replicas disagree with "
        "each other, and data encrypted with it cannot be read back. The real value is never "
        "stored anywhere, and nothing tells you it was missing."
    ),
    remediation=(
        "Generate the secret once, store it in the secret manager (or the server's protected env file).",
        "In the script, fail when it is missing: `: \"${JWT_SECRET:?JWT_SECRET is not set}\"`.",
        "If a bootstrap script must generate it, do it only when no stored value exists and persist it.",
    ),
    effort="1h",
    references=(
        "https://www.gnu.org/software/bash/manual/html_node/Shell-Parameter-Expansion.html",
        "https://12factor.net/config",
    ),
)

#: generators found as plain substrings (`/dev/urandom`, `secrets.token_hex`, `$RANDOM`)
_GENERATORS = ("/dev/random", "/dev/urandom", "secrets.token", "os.urandom", "randomBytes", "random/uuid",
               "gen-random", "$RANDOM", "token_hex", "token_urlsafe", "SecureRandom")
#: generators that are whole words, or `openssl rand`; every branch starts with a distinct literal
_GENERATOR_RE = re.compile(r"openssl\s+rand|\b(?:pwgen|uuidgen|mkpasswd|apg)\b")
#: parts of a variable name that make it a secret (substrings of the upper-cased name)
_SECRET_PARTS = ("SECRET", "TOKEN", "PASSWORD", "PASSWD", "_PASS", "PWD", "SALT", "PEPPER", "JWT", "HMAC",
                 "SIGNING", "CREDENTIAL", "PRIVATE")
_NOT_SECRET_RE = re.compile(r"(^|_)(ID|NONCE|REQUEST|RUN|TMP|TEMP|SUFFIX|NAME|TAG|PORT|BUILD|VERSION|FILE|PATH|DIR|LENGTH|LEN|SIZE)($|_)", re.IGNORECASE)
_ASSIGN_RE = re.compile(r"(?:^|[\s\"'{:=])([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]|=)")
#: one-time scripts where generating a secret (once) is their job
_SETUP_WORDS = {"setup", "bootstrap", "install", "init", "generate", "gen", "keygen", "provision", "first", "secrets",
                "test", "tests", "dev", "local", "ci", "e2e", "example", "examples", "fixtures"}


def _generator_at(word: str) -> int:
    """Where the first random generator in the word starts; -1 when there is none."""
    starts = [at for at in (word.find(needle) for needle in _GENERATORS) if at >= 0]
    match = _GENERATOR_RE.search(word)
    if match is not None:
        starts.append(match.start())
    return min(starts, default=-1)


def _names_a_secret(name: str) -> bool:
    """JWT_SECRET, DB_PASS, API_KEY, SIGNING_KEYS; not KEYBOARD or MONKEY."""
    upper = name.upper()
    if upper.endswith("PASS") or any(part in upper for part in _SECRET_PARTS):
        return True
    return any(part == "KEY" or part.startswith("KEYS") for part in upper.split("_"))


def _secret_name(word: str) -> str | None:
    """The secret-looking variable a word assigns/defaults from a generator, if any."""
    gen = _generator_at(word)
    if gen < 0:
        return None
    for match in _ASSIGN_RE.finditer(word[:gen]):
        name = match.group(1)
        if _names_a_secret(name) and not _NOT_SECRET_RE.search(name):
            return name
    return None


_FORMAT_ASSIGN_RE = re.compile(r"(?:^|[\s\"'])([A-Za-z_][A-Za-z0-9_]*)=%")


def _printf_name(argv: tuple[str, ...]) -> str | None:
    """The secret a `printf` format assigns from its arguments (`printf 'DB_PASSWORD=%s\\n' ...`)."""
    words = list(argv[1:])
    if words[:1] == ["-v"]:
        words = words[2:]
    if not words:
        return None
    for match in _FORMAT_ASSIGN_RE.finditer(words[0]):
        name = match.group(1)
        if _names_a_secret(name) and not _NOT_SECRET_RE.search(name):
            return name
    return None


def _tests_variable(condition: str, name: str) -> bool:
    """Does the condition only ask whether the variable itself is empty (`[ -z "$JWT_SECRET" ]`)?"""
    return bool(re.search(r"(-z|!\s*-n)\s+[\"']?\$\{?" + re.escape(name) + r"\b", condition))


def _persisted(script: ShellScript, name: str) -> bool:
    """Is the value written somewhere (`echo "X=$X" >> .env`, `sed -i`, a heredoc to a file, tee),
    also by a function whose output a call sends to a file (`render_config >> config.yaml`, where
    `render_config` prints the value in a heredoc)?"""
    ref = re.compile(r"\$\{?" + re.escape(name) + r"\b")
    to_file: set[str] | None = None
    for command in script.commands:
        text = command.text
        if not (ref.search(text) or ref.search(command.heredoc)):
            continue
        if ">" in text.replace(">&", "") or any(_stores(seg) for seg in command.segments):
            return True
        if to_file is None:
            to_file = _functions_writing_files(script)
        if any(seg.function in to_file and seg.name in _PRINTERS for seg in command.segments):
            return True
    return False


#: commands that print what they are given (a heredoc, their arguments) to standard output
_PRINTERS = frozenset(("cat", "echo", "printf", "envsubst"))


def _sends_to_file(command, seg) -> bool:
    """Does this call send its standard output to a file (`f > out`, `f >> out`, `f | tee out`)?"""
    words = seg.words
    for index, word in enumerate(words):
        target = ""
        if word in (">", ">>", ">|") and index + 1 < len(words):
            target = words[index + 1]
        elif word.startswith(">") and len(word) > 1 and word[1] not in "&|(":
            target = word.lstrip(">|")
        if target and target.strip("\"'") not in _NOT_FILES:
            return True
    segments = command.segments
    position = segments.index(seg)
    after = segments[position + 1] if position + 1 < len(segments) else None
    if after is not None and after.name == "tee" and after.op == "|":
        files = [w for w in after.argv[1:] if not w.startswith("-")]
        return bool(files) and files[0] not in _NOT_FILES
    return False


def _functions_writing_files(script: ShellScript) -> set[str]:
    """The functions of the script whose standard output ends in a file: a call of it sends its
    output to a file, or it is called (output not redirected elsewhere) by such a function."""
    defined = {seg.function for command in script.commands for seg in command.segments if seg.function}
    calls = [(command, seg) for command in script.commands for seg in command.segments if seg.name in defined]
    found = {seg.name for command, seg in calls if _sends_to_file(command, seg)}
    grown = True
    while grown:
        grown = False
        for command, seg in calls:
            if seg.function in found and seg.name not in found and ">" not in command.text.replace(">&", ""):
                found.add(seg.name)
                grown = True
    return found


def _stores(seg) -> bool:
    """A command that writes a value to a file or a secret store."""
    name, argv = seg.name, seg.argv
    if name in ("tee", "sed", "install"):
        return True
    if name in ("kubectl", "oc", "docker"):
        return "secret" in argv and "create" in argv
    if name == "vault":
        return any(a in ("put", "write") for a in argv)
    if name in ("aws", "gcloud", "az"):
        return any(a in ("secretsmanager", "ssm", "secrets", "keyvault") for a in argv)
    return False


#: where a redirection sends nothing that stays
_NOT_FILES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")


def _written_to(command, seg) -> tuple[str, str] | None:
    """When ``seg`` prints the generated value (`echo`/`printf`) and the command sends that
    output to a file: how (`append` for `>>` or `tee -a`, `overwrite` for `>` or `tee`) and where."""
    if seg.name not in ("echo", "printf"):
        return None
    for other in command.segments:
        words = other.words
        for index, word in enumerate(words):
            how, target = "", ""
            if word in (">", ">>", ">|") and index + 1 < len(words):
                how, target = ("append" if word == ">>" else "overwrite"), words[index + 1]
            elif word.startswith(">>") and len(word) > 2:
                how, target = "append", word[2:]
            elif word.startswith(">") and len(word) > 1 and word[1] not in "&|(":
                how, target = "overwrite", word[1:]
            if target and target not in _NOT_FILES:
                return how, target
        if other.name == "tee" and other.op == "|":
            files = [w for w in other.argv[1:] if not w.startswith("-")]
            if files and files[0] not in _NOT_FILES:
                flags = [w for w in other.argv[1:] if w.startswith("-")]
                return ("append" if "-a" in flags or "--append" in flags else "overwrite"), files[0]
    return None


def _same_file(a: str, b: str) -> bool:
    """`mailcow.conf` and `./mailcow.conf`, `"$DIR/.env"` and `$DIR/.env`."""
    a, b = a.strip("\"'"), b.strip("\"'")
    return a == b or a.removeprefix("./") == b.removeprefix("./")


def _checks_file(script: ShellScript, target: str, before: int) -> bool:
    """Does the script look into the file before it writes the secret there (`grep -q "^KEY=" conf`,
    `[ -f conf ]`, `[ -s conf ]`), so that it adds the value only when none is stored yet?"""
    for command in script.commands:
        if command.line > before:
            break
        for seg in command.segments:
            if seg.name in ("grep", "egrep", "fgrep", "rg", "test", "[", "[[", "awk") and \
                    any(_same_file(word, target) for word in seg.argv[1:]):
                return True
    return False


def _only_when_stored_elsewhere(script: ShellScript, segments, position: int, name: str) -> bool:
    """Generated under a condition: fine when the condition is about a file or the value is
    persisted; not when it only asks whether the variable is empty (a new value at every start)."""
    seg = segments[position]
    conditions = list(seg.guards)
    if seg.op in ("||", "&&") and position and segments[position - 1].name in ("[", "[[", "test"):
        previous = segments[position - 1].text
        conditions.append(previous if seg.op == "&&" else previous.replace("-n", "-z"))
    elif seg.op == "||":
        return True  # `load_secret || generate`: cannot tell, assume it is the fallback of a store
    if not conditions:
        return False
    if any(_tests_variable(c, name) for c in conditions):
        return _persisted(script, name)
    return True  # `if [ ! -f .env ]`: a one-time bootstrap


@CHECK.on(ShellScript)
def secret_generated_at_deploy(script: ShellScript) -> Iterator[Finding]:
    if script.embedded:
        return  # only deploy and start scripts are read for this
    if path_words(script.path) & _SETUP_WORDS:
        return
    for command in script.commands:
        segments = command.segments
        for position, seg in enumerate(segments):
            for word in seg.words:
                if "$(" not in word and "`" not in word and "$RANDOM" not in word:
                    continue
                name = _secret_name(word)
                if name is None and seg.name == "printf" and _generator_at(word) >= 0:
                    name = _printf_name(seg.argv)  # printf 'KEY=%s\n' "$(openssl rand -hex 32)"
                if name is None:
                    continue
                written = _written_to(command, seg)
                if written is not None and (seg.guards or _checks_file(script, written[1], command.line)):
                    break  # added to the file once, when it holds no value yet
                if _only_when_stored_elsewhere(script, segments, position, name):
                    break
                if written is not None:
                    how, target = written
                    if how == "append":
                        # a new line at every run: the last one wins, yet the script may only run once
                        yield CHECK.finding(
                            command.pos, resource=f"secret/{name}", symbol=(name,), severity=Severity.MEDIUM,
                            message=(f"a new {name} is appended to {target} every time the script runs, with no "
                                     f"check that the file already holds one: the last value wins, so it changes "
                                     f"on every run unless the script runs only once"),
                            evidence=command.evidence,
                        )
                        break
                    yield CHECK.finding(
                        command.pos, resource=f"secret/{name}", symbol=(name,),
                        message=(f"{name} is generated afresh and overwrites {target} every time the script runs, "
                                 f"with no check for a stored value: it changes on every deploy"),
                        evidence=command.evidence,
                    )
                    break
                if word.startswith(name + "=") and not seg.guards and _persisted(script, name):
                    # generated unconditionally and written to files: a per-start secret shared
                    # with other processes on purpose (an entrypoint's internal password), not a
                    # missing secret replaced
                    break
                yield CHECK.finding(
                    command.pos, resource=f"secret/{name}", symbol=(name,),
                    message=f"{name} is generated at run time when missing, so it changes on every deploy or restart and is never stored",
                    evidence=command.evidence,
                )
                break
