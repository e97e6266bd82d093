"""SH009: a secret generated afresh each time the script runs."""

from __future__ import annotations

import re
from typing import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.shell import ShellScript, path_words

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

_GENERATOR_RE = re.compile(
    r"openssl\s+rand|/dev/u?random|\bpwgen\b|\buuidgen\b|secrets\.token|os\.urandom|randomBytes|random/uuid|"
    r"gen-random|\bmkpasswd\b|\bapg\b|\$RANDOM|token_hex|token_urlsafe|SecureRandom"
)
_SECRET_NAME_RE = re.compile(r"(SECRET|TOKEN|PASSWORD|PASSWD|PASS\b|_PASS|PWD|SALT|PEPPER|JWT|HMAC|SIGNING|CREDENTIAL|PRIVATE|(^|_)KEY($|_|S))", re.IGNORECASE)
_NOT_SECRET_RE = re.compile(r"(^|_)(ID|NONCE|REQUEST|RUN|TMP|TEMP|SUFFIX|NAME|TAG|PORT|BUILD|VERSION|FILE|PATH|DIR|LENGTH|LEN|SIZE)($|_)", re.IGNORECASE)
_ASSIGN_RE = re.compile(r"(?:^|[\s\"'{:=])([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]|=)")
#: one-time scripts where generating a secret (once) is their job
_SETUP_WORDS = {"setup", "bootstrap", "install", "init", "generate", "gen", "keygen", "provision", "first", "secrets",
                "test", "tests", "dev", "local", "ci", "e2e", "example", "examples", "fixtures"}


def _secret_name(word: str) -> str | None:
    """The secret-looking variable a word assigns/defaults from a generator, if any."""
    gen = _GENERATOR_RE.search(word)
    if gen is None:
        return None
    for match in _ASSIGN_RE.finditer(word[:gen.start()]):
        name = match.group(1)
        if _SECRET_NAME_RE.search(name) and not _NOT_SECRET_RE.search(name):
            return name
    return None


@CHECK.on(ShellScript)
def secret_generated_at_deploy(script: ShellScript) -> Iterator[Finding]:
    if path_words(script.path) & _SETUP_WORDS:
        return
    for command in script.commands:
        segments = command.segments
        for position, seg in enumerate(segments):
            if seg.guards or seg.op == "||":
                continue  # inside `if [ -z ... ]` / after `[ -f .env ] ||`: generated only when missing
            if position and seg.op == "&&" and segments[position - 1].name in ("[", "[[", "test"):
                continue
            for word in seg.words:
                if "$(" not in word and "`" not in word and "$RANDOM" not in word:
                    continue
                name = _secret_name(word)
                if name is None:
                    continue
                yield CHECK.finding(
                    command.pos, resource=f"secret/{name}", symbol=(name,),
                    message=f"{name} is generated at run time when missing, so it changes on every deploy and is never stored",
                    evidence=command.evidence,
                )
                break
