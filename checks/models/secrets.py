"""One secrets model: is this value a secret, how bad is it, and how to hide it.

Every domain asks the same questions here, so ``PGPASSWORD=Xk9vQ2mLp7Rt`` gets the same
answer in a compose file, a Dockerfile ``ENV``, a workflow ``env:``, a Kubernetes env
var, ConfigMap or Secret, an env file, a shell script and (later) Helm values.

**Names** (:func:`is_secret_name`): the last word of a name decides (``DB_PASSWORD``,
``PGPASSWORD``, ``apiKey``, ``spring.datasource.password``); a final word that describes
the secret instead of holding it (``_FILE``, ``_NAME``, ``_ID``, ``_REF``, ``_URL``,
``_LENGTH``, ``_ENABLED``...) makes it no secret; ``*_KEY`` needs a qualifier
(``API_KEY``, ``SIGNING_KEY``); a ``*_KEY`` with another qualifier (``MAILGUN_KEY``) is a
*weak* name that only counts with a random-looking value, and public material
(``*_PUBLIC_KEY``, ``*_PUBLISHABLE_KEY``, ``NEXT_PUBLIC_*``, ``ANON_KEY``, ``SITE_KEY``)
is not secret.

**Values** (:func:`classify`), in this order:

1. a known credential format (provider tokens, private keys) is a secret whatever the
   name (``token``); an AWS access key *ID* alone is an identifier (AWS documents it as
   the user-name half of the pair: the secret access key is the secret);
2. public material (SSH/PEM public keys, certificates, Stripe publishable keys) is not;
3. references are not: ``${VAR}``, ``$VAR``, ``$(VAR)``, ``${{ expr }}``, ``{{ tpl }}``,
   deploy markers (``#{Name}#``, ``__NAME__``), secret-manager URIs (``vault:``,
   ``ref+``, ``sm://``, ``op://``, ``arn:aws:secretsmanager:``...), encrypted values
   (``ENC[...]``, ``$ANSIBLE_VAULT``) and paths (``/run/secrets/db``); a
   ``${VAR:-default}`` is judged by its default (``${API_KEY:-invalid}`` is a sentinel,
   ``${DB_PASSWORD:-postgres}`` a weak default);
4. a URL with a password (``postgres://app:pw@db``) is judged by its password, any name;
5. sentinels that disable a feature (empty, ``disabled``, ``none``, ``false``,
   ``invalid``...) and placeholders that ask to be filled in (``<your-key>``,
   ``your-token-here``, ``xxxx``, ``HF_TOKEN``) are not;
6. under a secret name, what is left is a literal: ``random`` when it looks generated
   (entropy, mixed character classes, no words), else ``weak`` (a well-known default such
   as ``postgres``, ``admin``, ``changeme``, ``password123``, or another guessable word).

In an *example* file (``where="env-example"``) weak values are placeholders: an example
shows the shape of a value, only a random-looking or real token there is a leak.

**Severity** (:meth:`SecretVerdict.severity`) follows what the value is and who can reach
what it opens: a provider token or a random-looking value committed to a file that is
deployed is ``critical`` (it was generated to be secret and is now in every clone); a weak
value is not a leak of anything unknown, so it is ``high`` where the holder is reachable from
outside its host (a compose service publishing a port beyond loopback) and ``medium`` where
it is not or where the file cannot tell (an unpublished database, a Kubernetes env var).

**Redaction**: :func:`redact` shows a secret in a recognisable but useless form;
:func:`scrub` is the last line of defence over any message, evidence or context text:
known tokens, URL passwords, JWTs, private-key blocks (BEGIN line *and* body lines,
see :func:`scrub_lines`), command-line passwords (``docker login -p``, ``sshpass -p``,
``redis-cli -a``, ``mysql -pXXX``, ``--password``/``--token`` values) and the values of
secret-named assignments (``DB_PASS: x``, ``API_KEY=x``, ``"token": "x"``).

Every pattern here is bounded or anchored so that matching is linear in the input
(tests run each against generated 10-100 KB adversarial inputs).
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..api import Severity

__all__ = [
    "SecretVerdict", "classify", "classify_value", "is_secret_name", "name_words", "token_kind",
    "KNOWN_TOKENS", "ANY_TOKEN", "argv_secrets", "PASSWORD_ENV", "PASSWORD_PROGRAMS",
    "redact", "scrub", "scrub_line", "scrub_lines", "find_credentials", "SECRET_MASK", "WHERE",
    "most_secret_first", "secret_name_strength", "says_not_secret", "find_token", "fallbacks",
]

#: the places a value can come from (``where``); three change the verdict:
#: ``env-example`` (sample values are placeholders), ``sample`` (a compose file or manifest
#: that shows how to deploy, in ``examples/`` or named ``*.example.yml``: a placeholder there
#: asks to be replaced, it is not the value anything runs with; literals still count, a copied
#: sample runs with them) and ``k8s-secret``/``argv`` (every value is a secret whatever its
#: name, as in a Secret's data or a password option's value)
WHERE = frozenset((
    "compose", "dockerfile", "workflow", "k8s", "configmap", "k8s-secret", "env", "env-example",
    "shell", "argv", "helm", "text", "sample",
))
_EXAMPLE_PLACES = frozenset(("env-example",))
_NAMELESS_PLACES = frozenset(("k8s-secret", "argv"))

# ============================================================================ names

_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
#: last words that hold a secret
_SECRET_WORDS = frozenset((
    "PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "TOKENS",
    "APIKEY", "APIKEYS", "CREDENTIAL", "CREDENTIALS", "CREDS", "AUTHTOKEN", "PRIVATEKEY", "SECRETKEY",
    "ACCESSTOKEN", "HTPASSWD", "SALT", "PEPPER", "PASSCODE",
))
#: endings of a glued last word that hold a secret (PGPASSWORD, DBSECRET, GHTOKEN)
_SECRET_ENDINGS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY")
#: qualifiers that make a final KEY a secret key (API_KEY, SIGNING_KEY, SECRET_ACCESS_KEY)
_KEY_QUALIFIERS = frozenset((
    "API", "PRIVATE", "SECRET", "ENCRYPTION", "SIGNING", "SIGN", "MASTER", "CLIENT", "HMAC", "AUTH",
    "SESSION", "LICENSE", "ENC", "CRYPT", "CRYPTO", "JWT", "WEBHOOK", "APP", "ACCOUNT", "SERVICE", "SSH", "TLS", "SSL", "DEPLOY", "ADMIN", "ROOT", "SERVER", "SHARED", "HASH", "COOKIE", "CSRF", "OTP", "TOTP",
    "DECRYPTION", "WRAPPING", "UNSEAL", "RECOVERY", "BOT", "SIGNATURE", "INTEGRATION", "WRITE", "READ",
))
#: qualifiers of KEY that name public or non-secret keys (publishable keys; cache and lookup keys and
#: the parts they are built from: rust-cache's ``prefix-key``, actions/cache's ``restore-keys``)
_PUBLIC_KEY_QUALIFIERS = frozenset((
    "PUBLIC", "PUB", "PUBLISHABLE", "ANON", "ANONYMOUS", "SITE", "PARTITION", "SORT", "PRIMARY", "FOREIGN",
    "CACHE", "PREFIX", "SUFFIX", "RESTORE", "RANGE", "ROUTING", "IDEMPOTENCY", "DEDUP", "DEDUPLICATION", "LOOKUP", "OBJECT", "BUCKET", "REDIS", "S3",
    "MAP", "GROUP", "SHARD", "HOTKEY", "GPG", "PGP", "GNUPG", "I18N", "TRANSLATION", "LOCK", "HOST", "KNOWN", "RECAPTCHA",
    # an OAuth consumer key (OAuth 1's, python-social-auth's SOCIAL_AUTH_<X>_KEY, WIKIMEDIA_OAUTH2_KEY): the client's
    # public identifier, sent in every authorisation URL; its secret half is the *_SECRET
    "CONSUMER", "OAUTH", "OAUTH1", "OAUTH2",
))
#: last words that describe a secret rather than hold it (DB_PASSWORD_FILE, TOKEN_TTL, KEY_ID)
_NOT_VALUE_WORDS = frozenset((
    "FILE", "FILES", "PATH", "PATHS", "DIR", "DIRECTORY", "FOLDER", "URL", "URLS", "URI", "ENDPOINT", "HOST",
    "HOSTNAME", "SERVER", "PORT", "NAME", "NAMES", "USER", "USERNAME", "LOGIN", "EMAIL", "ID", "IDS", "UID",
    "LENGTH", "LEN", "SIZE", "BITS", "TTL", "EXPIRY", "EXPIRES", "EXPIRATION", "EXPIRE", "LIFETIME", "AGE",
    "TIMEOUT", "INTERVAL", "DAYS", "SECONDS", "HOURS", "MINUTES", "TYPE", "TYPES", "KIND", "MODE", "ENABLED",
    "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "HEADER", "FIELD", "PREFIX", "SUFFIX", "ENV", "VAR", "REF",
    "REFS", "VERSION", "POLICY", "MIN", "MAX", "COUNT", "ROUNDS", "COST", "ALGORITHM", "ALGO", "ALG", "CIPHER",
    "FORMAT", "ENCODING", "LOCATION", "ARN", "HASH", "HASHED", "COMMAND", "CMD", "HELPER", "STORE", "PROVIDER",
    "SOURCE", "BACKEND", "MOUNT", "AUDIENCE", "ISSUER", "REGION", "SCOPE", "SCOPES", "PARAM", "PARAMETER",
    "VAULT", "MANAGER", "ALIAS", "STRENGTH", "COMPLEXITY", "PATTERN", "REGEX", "FINGERPRINT", "THUMBPRINT",
    "CHECKSUM", "ENCRYPTED", "PERMISSIONS", "PERMISSION", "OWNER", "GROUP", "ROLE", "STDIN", "KEYRING",
    "RESET", "ROTATION", "CHANGED", "UPDATED", "CREATED", "LABEL", "ANNOTATION", "SELECTOR", "SECRETREF",
    "DATABASE", "DB", "BUCKET", "SCHEME", "PROTOCOL", "DOMAIN", "ORG", "ORGANIZATION", "TENANT", "PROJECT",
    "KEYREF", "RESOURCE", "REFERENCE", "TEMPLATE", "SET", "GENERATOR", "NAMESPACE", "PROFILE", "HELP",
))
#: first words that make the name a switch about a secret (USE_TOKEN, NO_PASSWORD, WITH_TOKEN)
_FLAG_FIRST_WORDS = frozenset((
    "NO", "SKIP", "DISABLE", "ENABLE", "USE", "REQUIRE", "ALLOW", "SHOW", "HIDE", "IS", "HAS", "WITH", "ASK",
    "PROMPT", "ENCRYPTED", "HASHED", "FORCE", "RESET",
))
#: names that are not secrets whatever their words
_NOT_SECRET_NAMES = frozenset(("PWD", "OLDPWD"))
#: full names that hold secrets whatever their last word
_SECRET_NAMES = frozenset((
    "SECRET_KEY_BASE", "APP_KEY", "RABBITMQ_ERLANG_COOKIE", "ERLANG_COOKIE", "RELEASE_COOKIE",
))
_NAME_CAP = 200


def name_words(name: str) -> list[str]:
    """The upper-cased words of a name: ``dbPassword`` -> DB, PASSWORD; ``db.api-key`` -> DB, API, KEY."""
    return [w.upper() for w in _WORD_RE.findall(str(name)[:_NAME_CAP])]


@lru_cache(maxsize=8192)
def _strength(name: str) -> int:
    return _name_strength(name)


def secret_name_strength(name: str | None) -> int:
    """2 for a name that holds a secret, 1 for a weak one (``MAILGUN_KEY``: only a
    random-looking value counts), 0 for a name that does not hold a secret."""
    return max(0, _strength(str(name)[:_NAME_CAP])) if name else 0


def says_not_secret(name: str | None) -> bool:
    """The name says its value is not a secret (``username``, ``DB_HOST``, ``KMS_KEY_ID``,
    ``VAPID_PUBLIC_KEY``, ``passwordKey``), even where every value is one (a Secret's data)."""
    return bool(name) and _strength(str(name)[:_NAME_CAP]) < 0


#: qualifiers of a final KEY that make it the *name* of a key in a Secret (Helm's passwordKey)
_KEY_NAMING_QUALIFIERS = frozenset(("PASSWORD", "PASSWD", "TOKEN", "CREDENTIAL", "CREDENTIALS", "USER", "USERNAME"))


#: first words of a two-word name that is the password of the login named after it (passwordSSH)
_PASSWORD_FIRST_WORDS = frozenset(("PASSWORD", "PASSWD", "PASS", "PASSPHRASE"))
#: logins a password is named after
_LOGIN_TARGETS = frozenset((
    "SSH", "SFTP", "FTP", "VNC", "RDP", "RCON", "CONSOLE", "ADMIN", "ROOT", "SUPERUSER", "MASTER", "DB", "MYSQL",
    "POSTGRES", "REDIS", "MONGO", "LDAP", "SMTP", "MAIL", "WEB", "UI",
))


def _name_strength(name: str) -> int:
    """2: holds a secret; 1: weak (only a random-looking value counts); 0: says nothing;
    -1: says its value is not a secret."""
    words = name_words(name)
    while words and words[-1].isdigit():
        words.pop()  # API_KEY_2, PASSWORD1
    if not words:
        return 0
    joined = "_".join(words)
    if joined in _SECRET_NAMES:
        return 2
    if joined in _NOT_SECRET_NAMES:
        return -1
    if words[0] in _FLAG_FIRST_WORDS and len(words) > 1:
        return -1
    if "EXISTING" in words[:-1]:
        return -1  # Helm's existingSecret/auth.existingSecret names a Secret that holds it
    if words[:2] in (["NEXT", "PUBLIC"], ["EXPO", "PUBLIC"], ["VITE", "PUBLIC"]) or words[0] == "PUBLIC":
        return -1
    last = words[-1]
    if ("GTM" in words or ("TAG" in words and "MANAGER" in words) or "ANALYTICS" in words) and not (
            last in _SECRET_WORDS or last.endswith(_SECRET_ENDINGS)
            or (len(words) > 1 and last in ("KEY", "KEYS") and words[-2] in _KEY_QUALIFIERS)):
        # Google Tag Manager's gtm_auth and analytics site keys are served to every browser;
        # a password or an API key of an analytics service (ANALYTICS_DB_PASSWORD) is still one
        return -1
    if last in _NOT_VALUE_WORDS:
        return -1
    if last in _SECRET_WORDS or last.endswith(_SECRET_ENDINGS):
        return 2
    if len(words) == 2 and words[0] in _PASSWORD_FIRST_WORDS and last in _LOGIN_TARGETS:
        return 2  # passwordSSH, PASSWORD_ADMIN, password_root: the password of that login
    if last in ("KEY", "KEYS"):
        if len(words) == 1:
            return 1
        before = next((w for w in reversed(words[:-1]) if not w.isdigit()), words[-2])  # OAUTH2_KEY: OAUTH
        if before in _PUBLIC_KEY_QUALIFIERS or before in _KEY_NAMING_QUALIFIERS:
            return -1
        if before in _KEY_QUALIFIERS or before.endswith(_SECRET_ENDINGS) or before in _SECRET_WORDS:
            return 2
        return 1
    if last in ("AUTH", "DSN", "COOKIE", "SIGNATURE"):
        return 1
    return 0


def is_secret_name(name: str | None) -> bool:
    """A variable or key name whose value is a secret (DB_PASSWORD, API_KEY, PGPASSWORD...)."""
    return secret_name_strength(name) > 0


# ============================================================================ known formats

#: (label, pattern) for each well-known credential format; any name
KNOWN_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("AWS access key ID", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,255}")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,255}")),
    ("GitLab token", re.compile(r"\bgl(?:pat|dt|rt|ptt|ft|soat)-[A-Za-z0-9_\-]{20,255}")),
    ("Slack token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,255}")),
    ("Slack app token", re.compile(r"\bxapp-\d-[A-Za-z0-9-]{20,255}")),
    ("Slack webhook", re.compile(r"hooks\.slack\.com/(?:services|workflows)/T[0-9A-Z]{6,32}/[0-9A-Z]{6,32}/[0-9A-Za-z]{20,64}")),
    ("Discord webhook", re.compile(r"discord(?:app)?\.com/api/webhooks/\d{5,32}/[A-Za-z0-9_\-]{40,100}")),
    ("Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,255}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")),
    ("private key", re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")),
    ("SendGrid key", re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,64}\.[A-Za-z0-9_\-]{16,64}(?![A-Za-z0-9_\-])")),
    ("OpenAI key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{32,255}")),
    ("Anthropic key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{32,255}")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("PyPI token", re.compile(r"\bpypi-AgE[A-Za-z0-9_\-]{50,255}")),
    ("Docker Hub token", re.compile(r"\bdckr_pat_[A-Za-z0-9_\-]{20,64}")),
    ("HashiCorp Vault token", re.compile(r"\bhv[sb]\.[A-Za-z0-9_\-]{24,255}")),
    ("Hugging Face token", re.compile(r"\bhf_[A-Za-z]{34,40}(?![A-Za-z])")),
    ("Grafana token", re.compile(r"\bgl(?:c|sa)_[A-Za-z0-9_=+/\-]{32,255}")),
    ("Shopify token", re.compile(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b")),
    ("DigitalOcean token", re.compile(r"\bdo[opr]_v1_[a-f0-9]{64}\b")),
    ("Twilio key", re.compile(r"\bSK[0-9a-fA-F]{32}\b")),
    ("Mailgun key", re.compile(r"\bkey-[0-9a-z]{32}\b")),
    ("Telegram bot token", re.compile(r"\b\d{8,10}:AA[A-Za-z0-9_\-]{33}(?![A-Za-z0-9_\-])")),
    ("age secret key", re.compile(r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b")),
)
#: literal text every catalogue entry starts with (or holds): a fast test before the full search
_TOKEN_HINTS = ("AKIA", "ASIA", "gh", "github_pat_", "gl", "xox", "xapp-", "hooks.slack.com", "discord", "k_live_",
                "AIza", "-----BEGIN ", "SG.", "sk-", "npm_", "pypi-", "dckr_pat_", "hv", "hf_", "shp", "do", "SK",
                "key-", ":AA", "AGE-SECRET-KEY-1")


def _may_hold_token(text: str) -> bool:
    return any(hint in text for hint in _TOKEN_HINTS)


#: formats that identify rather than authenticate: reported only beside their secret half
_IDENTIFIER_LABELS = frozenset(("AWS access key ID",))

#: all of them in one pattern (one pass over text that may hold any).  The word boundary most
#: formats start with is tested once per position, not once per format (10x faster on long
#: lines); putting the other formats last changes no match: none of them can start where a
#: bounded one does (``hooks.``/``discord`` against ``hv.``/``hf_``/``do*_``/``dckr_``, ``-----``)
_BOUNDED = [pattern.pattern[2:] for _, pattern in KNOWN_TOKENS if pattern.pattern.startswith(r"\b")]
_UNBOUNDED = [pattern.pattern for _, pattern in KNOWN_TOKENS if not pattern.pattern.startswith(r"\b")]
ANY_TOKEN = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in _BOUNDED) + ")|"
                       + "|".join(f"(?:{p})" for p in _UNBOUNDED))

_FILLER_RUNS = ("0123456", "12345", "234567", "abcdef", "bcdefg", "abc123", "qwerty", "asdfgh", "xxxx", "XXXX")


def _fake_token(text: str, example: bool = False) -> bool:
    """A token-shaped value nobody issued: documentation examples, elisions, ``xxxx``; in an
    example file also filler runs (``123456``, ``abcdef``) that show a shape."""
    upper = text.upper()
    if "EXAMPLE" in upper or "..." in text or "\u2026" in text or "XXXX" in upper or len(set(text[-16:])) < 3:
        return True
    return example and any(run in text for run in _FILLER_RUNS)


_NOT_BASE64_RE = re.compile(r"[^A-Za-z0-9+/=]+")


def find_token(text: str, *, identifiers: bool = True, example: bool = False) -> tuple[str, str] | None:
    """(label, matched text) of the first real-looking known credential format in ``text``.

    Documentation examples (``AKIAIOSFODNN7EXAMPLE``), elided and filler values are not
    tokens; a private key whose body is elided (``...``) or made up is not one either.
    ``identifiers=False`` skips formats that identify rather than authenticate.
    """
    if not text or not _may_hold_token(text) or ANY_TOKEN.search(text) is None:
        return None
    for label, pattern in KNOWN_TOKENS:
        if not identifiers and label in _IDENTIFIER_LABELS:
            continue
        for match in pattern.finditer(text):
            found = match.group(0)
            if label == "private key":
                body = text[match.end():match.end() + 4000]
                end = body.find("-----END")
                body = body[:end] if end >= 0 else body
                lower = body[:200].lower()
                if "..." in lower or "\u2026" in lower or "xxxx" in lower or "example" in lower or "redacted" in lower:
                    continue
                if len(_NOT_BASE64_RE.sub("", body.replace("\\n", ""))) < 40:
                    continue  # a stub (`MIIEpAIBAAKCAQEA`): the shortest real key body is longer
                return label, found
            if not _fake_token(found, example):
                return label, found
    return None


def token_kind(text: str, *, identifiers: bool = True) -> str | None:
    """The label of the first real-looking known credential format in ``text``, if any."""
    found = find_token(text, identifiers=identifiers)
    return found[0] if found else None


# ============================================================================ references and placeholders

#: prefixes of values a secret store or the platform resolves: Vault, vals (ref+), AWS ARNs,
#: GCP resource names, Berglas, 1Password, Azure Key Vault, Doppler, Infisical, Bitwarden
_REFERENCE_PREFIXES = (
    "vault:", "ref+", "arn:", "projects/", "sm://", "berglas://", "op://", "gcp-secret://", "azure-keyvault://",
    "akv://", "keyvault:", "secretsmanager:", "ssm:", "aws-secretsmanager:", "aws-ssm:", "doppler://",
    "infisical://", "bws://", "secret://", "secretref:", "k8s-secret:", "env:", "file:", "kms:",
)
#: YAML tags applications give a scalar that is read from elsewhere when the file is loaded:
#: the environment (recyclarr ``!env_var``, pyyaml-env-tag ``!ENV``, ``!env``, ``!environ``),
#: a secrets file (Home Assistant and ESPHome ``!secret``), another file (``!include``), a
#: CloudFormation parameter, resource or export (``!Ref``, ``!GetAtt``, ``!ImportValue``,
#: ``!FindInMap``), a GitLab CI job (``!reference``); lower-cased. ``!Sub`` is left out: its
#: text is judged as it stands (``${Param}`` is a reference by itself, a literal is a literal)
_REFERENCE_TAGS = frozenset(("!env_var", "!env", "!environ", "!secret", "!include", "!ref", "!getatt",
                             "!importvalue", "!findinmap", "!reference"))
#: tags whose scalar is ciphertext (Ansible Vault's ``!vault |``)
_ENCRYPTED_TAGS = frozenset(("!vault",))
#: a YAML tag written at the start of a value read as text (an embedded YAML config read line
#: by line): ``!env_var SONARR_API_KEY``, ``!secret db_password``, ``!vault |``
_TAG_TEXT_RE = re.compile(r"^(![A-Za-z][A-Za-z_]{0,30})(?:[ \t]|$)")
_ENCRYPTED_MARKERS = ("ENC[", "$ANSIBLE_VAULT;", "-----BEGIN AGE ENCRYPTED", "-----BEGIN PGP MESSAGE", "sops:")
_TEMPLATE_MARKERS = ("${{", "{{", "{%", "#{", "<%", "[[")
#: ``$(VAR)`` (Kubernetes) or ``$(command args)`` (shell); ``$(`` inside a random string is not one
_SUBSTITUTION_RE = re.compile(r"\$\((?:[A-Za-z_][A-Za-z0-9_.\-]{0,100}\)|[a-z][\w./\-]{0,100}[ \t][^)]{0,500}\))")
_BACKTICK_RE = re.compile(r"`[a-z][\w./\-]{0,100}(?:[ \t][^`]{0,500})?`")
_DEPLOY_MARKER_RE = re.compile(r"^(?:__[A-Za-z0-9_.\-]{1,100}__|@@[A-Za-z0-9_.\-]{1,100}@@|%[A-Za-z_][A-Za-z0-9_]{0,100}%|#\{[^}]{1,100}\}#?)$")
_STAND_IN_NAME_RE = re.compile(r"^[A-Z][A-Z0-9]{0,60}(?:_[A-Z0-9]{1,60}){1,12}$")
_PATH_RE = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\)|^[\w.\-]{1,100}(?:/[\w.\-]{1,100}){1,20}\.(?:txt|key|pem|json|crt|p12|pfx|jks|keystore|der|asc|gpg|env|conf|cfg|yaml|yml)$")
#: a path of lower-case names with no leading slash (``shared/logging/es_pass``,
#: ``elasticsearch/logging/apm_secret``, ``prod/db/password``): a secret store's name for a value
_STORE_NAME_RE = re.compile(r"^[a-z][a-z0-9_.\-]{0,80}(?:/[a-z][a-z0-9_.\-]{0,80}){1,12}$")
#: ``BW-GHAPP-ID,BW-GHAPP-KEY``, ``DOCKER_USER, DOCKER_PASSWORD``: two or more upper-case names (words
#: joined by ``-`` or ``_``) separated by commas: the names of secrets or settings, not a value
_NAME_LIST_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+(?:\s*,\s*[A-Z][A-Z0-9]*(?:[-_][A-Z0-9]+)+){1,30}\s*,?$")
#: ``anthropic:api-key``, ``ci/aws:accessKey``: a store (or a path in one) and the name of a key in it,
#: the lookup a secret-fetching action is handed (Grafana's get-vault-secrets, Google's
#: get-secretmanager-secrets); the key part must itself be a secret's *name*
#: code that reads a value from somewhere else, written where a configuration line is expected (a
#: script in a ConfigMap, a settings module): ``os.environ["KEY"]``, ``os.environ.get("T", "")``,
#: ``getenv("P")``, ``ENV.fetch("S")``, ``config("app.key")``, ``Deno.env.get("X")``: a call or an
#: index whose first argument is a quoted name (or, after a dotted callee, a bare name), then
#: attributes or calls
_QUOTED_NAME = r"""(?:"[A-Za-z_][\w.:/\-]{0,100}"|'[A-Za-z_][\w.:/\-]{0,100}')"""
_QUOTED_ANY = r"""(?:"[^"\n]{0,200}"|'[^'\n]{0,200}')"""
_CODE_READ_RE = re.compile(
    r"^[A-Za-z_$][\w$]{0,60}(?P<dotted>(?:\.[A-Za-z_$][\w$]{0,60}){0,6})"
    r"(?:\[\s{0,4}(?P<key>" + _QUOTED_NAME + r")\s{0,4}\]"
    r"|\(\s{0,4}(?:(?P<first>" + _QUOTED_NAME + r")(?P<rest>(?:\s{0,4},\s{0,4}(?:" + _QUOTED_ANY
    + r"|[\w.\-]{1,60}))*)|(?P<bare>[A-Za-z_][\w.]{0,60}))?\s{0,4}\))"
    r"(?:\.[A-Za-z_]\w{0,60}(?:\(\s{0,4}\))?){0,4}$"
)
_QUOTED_RE = re.compile(_QUOTED_ANY)
#: the shape of a variable's or a setting's name: OPENAI_API_KEY, app.key, db/password
_NAME_SHAPED_RE = re.compile(r"^(?:[A-Z][A-Z0-9_]{0,100}|[a-z][a-z0-9_.:/\-]{0,100})$")
#: an attribute of the environment object of a language (``process.env.API_KEY``)
_ENV_ATTRIBUTE_RE = re.compile(r"^(?:process\.env|import\.meta\.env|Deno\.env|os\.environ|Bun\.env)\.[A-Za-z_]\w{0,100}$")


def _code_read(text: str) -> list[str] | None:
    """When ``text`` is code reading a value from the environment or a settings store (not a
    literal), the literal defaults it passes (``os.environ.get("K", "default")``); else None."""
    if _ENV_ATTRIBUTE_RE.match(text):
        return []
    match = _CODE_READ_RE.match(text)
    if match is None:
        return None
    if match.group("bare") is not None and not match.group("dotted"):
        return None  # Pass(word) is a value; os.getenv(NAME) is a read
    named = (match.group("key") or match.group("first") or "")[1:-1]
    if named and not _NAME_SHAPED_RE.match(named) and random_looking(named):
        return None  # wrap("aB3dE5fG7hJ9kL1m"): a literal handed to a function, not a name looked up
    return [quoted[1:-1] for quoted in _QUOTED_RE.findall(match.group("rest") or "")]


_STORE_KEY_RE = re.compile(r"^([a-z][a-z0-9_.\-]{0,80}(?:/[a-z][a-z0-9_.\-]{0,80}){0,12}):([A-Za-z][A-Za-z0-9_.\-]{0,80})$")
#: ``ANTHROPIC_API_KEY=anthropic:api-key``: one assignment written as a value (one line of a
#: ``NAME=value`` list); its value is judged under its own name
_ASSIGNMENT_RE = re.compile(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=(\S.*)$")
_HOST_RE = re.compile(r"^[a-z][a-z0-9\-]{0,62}(?:\.[a-z][a-z0-9\-]{0,62}){1,10}$")
_NUMBER_RE = re.compile(r"^[+-]?\d{1,40}(?:\.\d{1,20})?(?:ms|[smhdwy])?$")

#: values that switch a feature off or are not a value at all
_SENTINELS = frozenset((
    "", "invalid", "disabled", "disable", "none", "null", "nil", "false", "true", "yes", "no", "on", "off", "0",
    "1", "-1", "-", "n/a", "na", "unset", "undefined", "empty", "noop", "no-op", "skip", "read", "write",
    "read-all", "write-all", "required", "optional", "auto", "enabled", "enable", "inherit", "~", "nothing",
    "notused", "not-used", "unused", "''", '""', "[]", "{}", "off-", "not_set", "notset", "not-set", "unknown",
))
#: substrings of a value that asks to be filled in (never a value anyone runs with on purpose)
_PLACEHOLDER_PARTS = (
    "your-", "your_", "your ", "yourpass", "yoursecret", "yourtoken", "yourkey", "replace", "insert", "enter-",
    "enter_", "enter ", "put-", "put_", "put ", "fill-in", "fill_in", "fillme", "fill-me", "placeholder",
    "example", "sample", "dummy", "fake", "redacted", "notasecret", "not-a-secret", "not_a_secret",
    "not-a-real", "not_a_real", "notreal", "todo", "fixme", "tbd", "xxxx", "****", "...", "\u2026",
    "-here", "_here", " here", "goes-here", "set-me", "set_me", "setme", "generate", "openssl rand",
    "random-string", "random_string", "randomstring", "some-random", "some_random", "somerandom",
    "secret-key-here", "to-be-set", "to_be_set", "tobeset", "must-be-set", "please", "override",
    "change-this", "change_this", "changethis", "change-it", "change_it",
)
#: well-known default credentials: vendor defaults, the most common weak passwords, and the
#: words every quick start uses (reported as weak in deployed files, placeholders in examples)
WEAK_DEFAULTS = frozenset((
    "admin", "administrator", "root", "toor", "postgres", "postgresql", "pgsql", "mysql", "mariadb", "mongo",
    "mongodb", "redis", "rabbitmq", "rabbit", "guest", "user", "users", "test", "tester", "testing", "demo",
    "dev", "development", "local", "localhost", "default", "password", "passwd", "pass", "pwd", "secret",
    "supersecret", "topsecret", "changeme", "changeit", "letmein", "welcome", "qwerty", "abc123", "iloveyou",
    "monkey", "dragon", "master", "login", "access", "sa", "oracle", "minioadmin", "minio", "elastic",
    "elasticsearch", "kibana", "grafana", "keycloak", "gitlab", "jenkins", "nextcloud", "wordpress", "odoo",
    "airflow", "superset", "metabase", "sonar", "sonarqube", "app", "application", "db", "database", "docker",
    "kubernetes", "k8s", "hunter2", "foobar", "foo", "bar", "baz", "key", "token", "apikey", "api_key",
    "mysecret", "mypassword", "secretpassword", "supersecretpassword", "adminpassword", "dbpassword",
    "rootpassword", "s3cr3t", "passw0rd", "p4ssw0rd", "p4ssword", "pa55word", "123456", "1234567",
    "12345678", "123456789", "1234567890", "1234", "12345", "000000", "111111", "123123", "654321",
    "insecure", "unsafe", "notsecure", "unsecure", "devpassword", "devsecret", "testpassword", "testsecret",
    "example", "sample", "default_password", "defaultpassword", "secret_key", "secretkey", "jwtsecret",
    "jwt_secret", "pleasechangeme", "change_me", "change-me", "change_this", "change-this", "changethis",
    "changemeplease", "changeme123", "admin123", "root123", "pass123", "password1", "password123",
    "secret123", "test123", "user123", "guest123", "postgres123", "mysql123", "qwerty123", "welcome1",
))
_WEAK_BASE_WORDS = (
    "password", "passwd", "secret", "admin", "changeme", "change", "default", "qwerty", "letmein", "welcome",
    "postgres", "mysql", "insecure", "unsafe", "dev", "test", "demo", "local", "root", "guest", "pass",
    "master", "super",
)
_WEAK_COUNTER_RE = re.compile(r"^([a-z]{2,30})[-_.@#!]?\d{1,6}[!.#@$]{0,3}$")
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "5": "s", "7": "t", "!": ""})
_WORDY_RE = re.compile(r"^[a-z]{2,30}\d{0,4}(?:[-_. ](?:[a-z]{2,30}\d{0,4}|[a-z]|\d{1,4})){0,20}$")
_WORD_RUN_RE = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{3,}(?![a-z])")
#: lower-case words ending in a dotted version of any length (``ndk-cache-23.1.7779620``,
#: ``node-modules-v18.20.4``): a name and the release it is for, such as a cache key, not generated
_VERSIONED_WORDS_RE = re.compile(r"^(?:[a-z]{2,30}\d{0,4}[-_.]){1,10}v?\d{1,10}(?:\.\d{1,10}){1,4}$")


def _entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    n = len(text)
    return -sum(k / n * math.log2(k / n) for k in counts.values())


def _classes(text: str) -> int:
    return (any(c.islower() for c in text) + any(c.isupper() for c in text) + any(c.isdigit() for c in text)
            + any(not c.isalnum() for c in text))


#: ``changeRunnerAuthToken``, ``changePassword``, ``replaceWithYourKey``: a verb asking for a
#: value, glued in camel case to what to put there (``changeme`` itself stays a weak default)
_CAMEL_INSTRUCTION_RE = re.compile(r"^(?:change|replace|set|insert|enter|put)(?:[A-Z][a-z]{1,30}){1,8}$")


def is_placeholder(text: str) -> bool:
    """A value that asks to be filled in: ``<your-key>``, ``your-token-here``, ``xxxx``, ``HF_TOKEN``,
    ``changeRunnerAuthToken``."""
    value = text.strip()
    if not value:
        return True
    lower = value.lower()
    if ("<" in value and ">" in value) or (value[0] == "[" and value[-1] == "]"):
        return True
    if _CAMEL_INSTRUCTION_RE.match(value):
        return True
    if any(part in lower for part in _PLACEHOLDER_PARTS):
        return True
    if _STAND_IN_NAME_RE.match(value) and value.lower().replace("_", "") not in WEAK_DEFAULTS:
        return True  # a SCREAMING_SNAKE name standing in for the value (HF_TOKEN, INSERT_CLUSTER_TOKEN)
    return len(set(lower)) == 1 and len(lower) >= 3  # xxx, ***, ---, 000


#: places whose values are used as written (not examples, not text shown to a user)
_DEPLOYED_PLACES = frozenset(("compose", "dockerfile", "workflow", "k8s", "configmap", "k8s-secret", "env", "shell",
                              "argv", "helm"))
#: words of a placeholder that asks a person to replace it (a value that still works if nobody does)
_INSTRUCTION_PARTS = (
    "replace", "change-this", "change_this", "changethis", "change-it", "your-", "your_", "insert", "enter-",
    "enter_", "put-", "put_", "fill-in", "fill_in", "fillme", "fill-me", "set-me", "set_me", "setme", "generate",
    "please", "-here", "_here", "todo", "fixme", "tbd", "must-be-set", "to-be-set", "to_be_set", "override",
    "random-string", "random_string", "some-random", "some_random",
)


#: qualifiers of KEY for keys the service itself signs or encrypts with (not one it presents elsewhere)
_OWN_KEY_QUALIFIERS = frozenset(("SECRET", "SIGNING", "SIGN", "ENCRYPTION", "ENC", "CRYPT", "CRYPTO", "MASTER", "SESSION",
                                 "JWT", "HMAC", "COOKIE", "CSRF", "APP", "DECRYPTION", "UNSEAL", "PRIVATE"))


def _verified_with(name: str | None) -> bool:
    """A secret the service checks others against or signs with (a password, SECRET_KEY,
    JWT_SECRET, a salt): its placeholder becomes the real secret; a placeholder API key or
    token for another service only fails to log in there."""
    if not name or secret_name_strength(name) != 2:
        return False
    words = name_words(name)
    while words and words[-1].isdigit():
        words.pop()
    if "_".join(words) in _SECRET_NAMES or _is_password_name(name):
        return True
    last = words[-1] if words else ""
    if last in ("SECRET", "SECRETS", "SALT", "PEPPER", "PASSPHRASE") or last.endswith("SECRET"):
        return True
    return last in ("KEY", "KEYS") and len(words) > 1 and words[-2] in _OWN_KEY_QUALIFIERS


def _asks_to_be_replaced(text: str) -> bool:
    """A placeholder written as words that still work as a value (``replace-me-with-a-random-string``,
    ``your-password``), not a shape nobody would run with (``<key>``, ``xxxx``, ``HF_TOKEN``, ``...``)."""
    lower = text.lower()
    if "<" in text or "..." in text or "xxxx" in lower or "***" in text or _STAND_IN_NAME_RE.match(text):
        return False
    if any(word in lower for word in ("example", "sample", "dummy", "fake", "redacted", "notasecret", "not-a-")):
        return False
    return bool(_CAMEL_INSTRUCTION_RE.match(text)) or any(part in lower for part in _INSTRUCTION_PARTS)


def asks_to_be_replaced(text: str) -> bool:
    """A placeholder that still works as a value if nobody replaces it (``changeRunnerAuthToken``,
    ``replace-me``): where a service of the project checks it, it is the credential every install
    shares until replaced."""
    return is_placeholder(text) and _asks_to_be_replaced(text.strip())


def is_sentinel(text: str) -> bool:
    """A value that switches a feature off or is not a value: empty, ``disabled``, ``none``, ``invalid``."""
    return text.strip().strip("\"'").lower() in _SENTINELS


def weak_default(text: str) -> bool:
    """A well-known default credential (``postgres``, ``admin``, ``changeme``, ``password123``,
    ``P@ssw0rd``, ``secret2024``), whatever its case."""
    lower = text.strip().lower()
    if lower in WEAK_DEFAULTS:
        return True
    plain = lower.translate(_LEET)
    if plain in WEAK_DEFAULTS:
        return True
    for candidate in (lower, plain):
        counter = _WEAK_COUNTER_RE.match(candidate)
        if counter and counter.group(1) in WEAK_DEFAULTS:
            return True
    squashed = plain.replace("-", "").replace("_", "").replace(".", "")
    return squashed in WEAK_DEFAULTS


def random_looking(text: str) -> bool:
    """Does the value look generated (a key, a token, a random password) rather than chosen?"""
    value = text.strip()
    n = len(value)
    if n < 8 or value.isdigit() or _WORDY_RE.match(value) or _VERSIONED_WORDS_RE.match(value):
        return False
    lower = value.lower()
    plain = lower.translate(_LEET)
    if any(run in value for run in _FILLER_RUNS) or any(word in plain for word in _WEAK_BASE_WORDS if len(word) >= 5):
        return False
    words = sum(len(m.group(0)) for m in _WORD_RUN_RE.finditer(value) if len(m.group(0)) >= 4)
    if words / n >= 0.6:
        return False  # mostly words: SuperSecretPassword, MyCompanyDbPass
    classes = _classes(value)
    entropy = _entropy(value)
    if len(set(value)) < 5:
        return False
    if classes >= 3 and entropy >= 2.5:
        return True
    if classes >= 2 and n >= 12 and entropy >= 3.0:
        return True
    return n >= 20 and entropy >= 3.0


# -- ${VAR:-default} ------------------------------------------------------------

_NAME_START = re.compile(r"[A-Za-z_]")


def resolve(text: str, _depth: int = 0) -> tuple[str | None, bool]:
    """(value, from_default): the literal a value stands for when no variable is set.

    ``${VAR:-d}``/``${VAR-d}``/``${VAR:=d}``/``${VAR=d}`` become their default (nested
    defaults too), ``$$`` a ``$``; ``${VAR}``, ``$VAR``, ``${VAR:?err}`` and ``${VAR:+alt}``
    make the value unknown (None).  A single linear pass, at most 10 levels deep.
    """
    if "$" not in text:
        return text, False
    out: list[str] = []
    used_default = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c != "$":
            j = text.find("$", i)
            j = n if j < 0 else j
            out.append(text[i:j])
            i = j
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "{":
            j = _brace_end(text, i + 2)
            if j < 0:
                return None, False  # unterminated
            name, op, rest = _expansion(text[i + 2:j - 1])
            if not name or op not in (":-", ":=", "-", "="):
                return None, False
            if _depth >= 10:
                return None, False
            default, _ = resolve(rest, _depth + 1)
            if default is None:
                return None, False
            out.append(default)
            used_default = True
            i = j
        elif nxt and (_NAME_START.match(nxt) or nxt.isdigit() or nxt in "@*#?!-"):
            return None, False
        else:
            out.append("$")
            i += 1
    return "".join(out), used_default


def _brace_end(text: str, j: int) -> int:
    """The index just past the ``}`` closing a ``${`` whose body starts at ``j``, or -1."""
    depth, n = 1, len(text)
    while j < n and depth:
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
        j += 1
    return -1 if depth else j


def _expansion(inner: str) -> tuple[str, str, str]:
    """(name, operator, operand) of the body of ``${...}``; the name is empty when the body
    does not start with one (``${#VAR}``, ``${!ref}``)."""
    k = 0
    while k < len(inner) and (inner[k].isalnum() or inner[k] == "_"):
        k += 1
    op = inner[k:k + 2] if inner[k:k + 2] in (":-", ":=", ":?", ":+") else inner[k:k + 1]
    return inner[:k], op, inner[k + len(op):]


def fallbacks(text: str) -> Iterator[tuple[str, str]]:
    """(name, expansion) of each outermost ``${NAME:-default}`` (also ``-``, ``:=``, ``=``) in
    ``text``: the expansion as written, for :func:`classify` to judge by its default
    (``classify(name, expansion)``), as everywhere else.  Linear in the text."""
    i = text.find("${")
    while i >= 0:
        j = _brace_end(text, i + 2)
        if j < 0:
            return
        name, op, _rest = _expansion(text[i + 2:j - 1])
        if name and not name[0].isdigit() and op in (":-", ":=", "-", "="):
            yield name, text[i:j]
        i = text.find("${", j)


# -- URLs ----------------------------------------------------------------------

#: ``scheme://user:password@``; the user may be empty (``redis://:pw@host``), documentation
#: brackets are not part of the password (``redis://[:password]@host``)
_URL_CRED_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]{0,30}://\[?([^:/@\s\[]{0,200}):([^@/\s]{1,500}?)\]?@")


def url_credentials(text: str) -> tuple[str, str] | None:
    """(user, password) written in a URL's userinfo, or None."""
    if "://" not in text or "@" not in text:
        return None
    match = _URL_CRED_RE.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


# ============================================================================ verdicts

_SECRET_KINDS = frozenset(("token", "random", "weak"))
#: a longer value is a document (a file, a certificate bundle), searched for tokens only
_VALUE_CAP = 4096


@dataclass(frozen=True)
class SecretVerdict:
    """What a name/value pair is.

    ``kind`` is ``token`` (a known credential format), ``random`` (a random-looking
    literal) or ``weak`` (a guessable literal, ``well_known`` when it is a published default)
    for secrets; for everything else it says why not: ``empty``, ``sentinel``, ``reference``,
    ``encrypted``, ``path``, ``placeholder``, ``public``, ``identifier``, ``setting``,
    ``document`` or ``name`` (the name does not hold a secret).
    """

    kind: str
    #: a short human label: "GitHub token", "random-looking value", "well-known default password"
    label: str = ""
    #: the secret part of the value (the password of a URL, the default of ``${VAR:-d}``)
    value: str = ""
    #: the secret sits in a URL's userinfo
    in_url: bool = False
    #: the value is the default of a ``${VAR:-default}``
    default: bool = False
    #: a published default as it is (``postgres``, ``admin``, ``changeme``): safe to name in a
    #: message; variants (``P@ssw0rd2024``) are weak too but never named
    well_known: bool = False
    #: ``password`` when it logs in to a service (DB_PASSWORD, a URL's password, ``sshpass -p``):
    #: only someone who can reach that service can use it; ``key`` otherwise (signing and
    #: encryption keys, API keys and tokens: usable from anywhere)
    purpose: str = "key"

    @property
    def is_secret(self) -> bool:
        return self.kind in _SECRET_KINDS

    @property
    def placeholder(self) -> bool:
        """A placeholder that works as written until someone replaces it (``replace-me``)."""
        return self.label.startswith("placeholder")

    def __bool__(self) -> bool:
        return self.is_secret

    def severity(self, *, exposed: bool | None = None) -> Severity:
        """The severity rule (README, "Secrets"): what the value is and who can reach what it opens.

        ``exposed``: the service it opens is reachable from outside its host (True), verified
        not to be (False), or not known from this file (None).

        ============  ================  =============  ===============  ==========
        kind          purpose           exposed        not exposed      unknown
        ============  ================  =============  ===============  ==========
        token         any               critical       critical         critical
        random        key               critical       critical         critical
        random        encryption        high           high             high
        random        client            medium         medium           medium
        random        password          critical       medium           high
        weak          signing           critical       medium           medium
        weak          other             high           medium           medium
        placeholder   any               high           low              medium
        ============  ================  =============  ===============  ==========

        (placeholder: a value that asks to be replaced, used as written when nobody does;
        client: an OAuth/OIDC login client's secret (:func:`login_client_secret`), which opens nobody's
        account without a user logging in through a redirect URI the identity provider accepts;
        encryption: a key that only encrypts what the application stores or hands out, such as
        ``ENCRYPTION_KEY`` or Laravel's ``APP_KEY``: using it takes a copy of the data, a cookie
        or a signed link first, unlike a signing key that forges logins by itself)
        """
        from ..api import Severity

        if self.kind == "random" and self.purpose == "encryption":
            return Severity.HIGH
        if self.kind == "random" and self.purpose == "client":
            return Severity.MEDIUM  # a login client's secret opens nobody's account by itself
        if self.kind == "token" or (self.kind == "random" and (self.purpose == "key" or exposed)):
            return Severity.CRITICAL
        if self.kind == "random":
            return Severity.MEDIUM if exposed is False else Severity.HIGH
        if self.kind == "weak" and self.placeholder:
            # "replace before deploy": a published service accepting it is high; unpublished, low
            return Severity.HIGH if exposed else (Severity.LOW if exposed is False else Severity.MEDIUM)
        if self.kind == "weak" and self.purpose == "signing" and exposed:
            # a guessable key that signs users' tokens on a reachable service: anyone forges a login
            return Severity.CRITICAL
        if self.kind == "weak":
            return Severity.HIGH if exposed else Severity.MEDIUM
        return Severity.INFO

    def describe(self) -> str:
        """A phrase for a message: 'a GitHub token', 'a random-looking literal secret',
        "the well-known default 'postgres'", 'a guessable literal password'."""
        where = " in a URL" if self.in_url else ""
        if self.kind == "token":
            return f"a {self.label}{where}"
        if self.kind == "random" and self.purpose == "client":
            return f"a random-looking OAuth client secret{where} (it logs nobody in by itself)"
        if self.kind == "random":
            return f"a random-looking literal {'password' if self.purpose == 'password' else 'secret'}{where}"
        if self.well_known:
            return f"the well-known default {self.value!r}{where}"
        if self.label.startswith("variant"):
            return f"a variant of a well-known default password{where}"
        if self.label.startswith("placeholder"):
            return f"a placeholder that is used as the real value when nobody replaces it{where}"
        return f"a guessable literal value{where}"

    def evidence(self, name: str) -> str:
        """``NAME=<redacted>`` (``NAME: password <redacted>`` for a URL), never the value."""
        if self.kind == "token" and not self.in_url:
            return f"{name}: {self.label} {redact(self.value)}"
        if self.in_url:
            return f"{name}: URL password {redact(self.value)}"
        return f"{name}={redact(self.value)}"


_NOT_A_NAME = SecretVerdict("name")


def classify_value(value: object, *, where: str = "argv") -> SecretVerdict:
    """:func:`classify` for a value known to be a secret by where it sits (a Secret's data,
    the value of ``sshpass -p``): every literal counts, whatever a name would say."""
    return classify(None, value, where=where if where in _NAMELESS_PLACES else "argv")


#: what a comment beside a value says when it disowns the value as a secret: ``This is not a secret secret
#: key``, ``it isn't used anywhere``, ``a dummy key``, ``deliberately public``, ``can only be used in local
#: testing``, ``not a real password``
_DISOWNS = re.compile(
    r"\b(?:is|it's|its|are|this)\s+(?:not|n't)\s+(?:a\s+|an\s+)?(?:real\s+|actual\s+|really\s+a\s+)?secret\b"
    r"|\bnot\s+a\s+(?:real\s+|actual\s+)?secret\b|\bisn't\s+a\s+(?:real\s+)?secret\b"
    r"|\b(?:isn't|is\s+not|aren't|are\s+not|not|never)\s+used\s+(?:anywhere|at\s+all|for\s+anything)\b|\bunused\b"
    r"|\b(?:dummy|fake|throwaway|throw-away|bogus)\b"
    r"|\b(?:deliberately|intentionally|purposely|knowingly)\s+public\b|\bpublicly\s+known\b"
    r"|\bonly\b[^.;]{0,40}?\blocal\s+(?:testing|tests|development|dev)\b|\blocal\s+(?:testing|development)\s+only\b"
    r"|\bnot\s+a\s+real\s+(?:key|password|token|credential)\b|\bno\s+security\s+(?:leak|issue|risk)\b")
#: what keeps a comment from disowning: it asks for the value to be replaced, or denies the word
_STILL_MEANT = re.compile(r"\b(?:change|replace|rotate|override|overwrite)\b|\bnot\s+(?:a\s+)?(?:dummy|fake|unused)\b")


def disowned(comment: str | None) -> str | None:
    """The words of a comment beside a value that say the value is not a secret (``This is not a secret
    secret key``, ``it isn't used anywhere``, ``deliberately public and tied to http://app.test``), or None;
    a comment that also asks to change or replace it (``dummy value: replace before deploying``) says nothing."""
    if not comment:
        return None
    lowered = comment[:2000].lower()
    found = _DISOWNS.search(lowered)
    if found is None or _STILL_MEANT.search(lowered):
        return None
    return found.group(0)


def classify(name: str | None, value: object, *, where: str = "text", interpolate: bool = True,
             under: str | None = None, beside: Iterable[object] | None = None,
             comment: str | None = None) -> SecretVerdict:
    """What ``name=value`` holds, the same answer in every domain (see the module docstring).

    ``where`` names the place (one of :data:`WHERE`); only example files (sample values are
    placeholders) and nameless places (``k8s-secret``, ``argv``: every literal is a secret)
    change the verdict.  ``interpolate=False`` reads ``$`` literally (a single-quoted value
    of an env file).  ``under``: the key of the map that holds ``name`` (YAML), when there is
    one: under a key that names Secret references (:func:`names_secret_refs`), a value written
    ``<secret>`` or ``<secret>/<key>`` is a reference (``envFromSecret: {TOKEN: app/TOKEN}``).
    ``beside``: the other keys of the map that holds ``name``, when there is one: an access key
    next to its secret half or a Secret reference (``{accessKey: u, existingSecret: s}``,
    ``{accessKey: u, secretKey: k}``) is the identifier of the pair (:func:`pairs_with_secret`).
    ``comment``: the comment beside the value (the lines right above it and its own): one that disowns
    it (:func:`disowned`) makes a literal no secret (``declared``), unless it is a credential of a
    provider's format other than a private key (a live token stays one whatever a comment says).
    """
    if where not in WHERE:
        raise ValueError(f"unknown place {where!r}")
    if beside is not None and pairs_with_secret(name, beside):
        return SecretVerdict("identifier", "access key ID: its secret is the key beside it")
    if value is None or isinstance(value, bool):
        return SecretVerdict("sentinel" if isinstance(value, bool) else "empty")
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return SecretVerdict("document")  # a mapping or a list: not one value
    if under is not None and names_secret_refs(under) and _SECRET_REF_RE.match(_strip_quotes(value.strip())):
        return SecretVerdict("reference", "Secret reference (<secret>/<key>)")
    tagged = yaml_tag_verdict(getattr(value, "tag", None))
    if tagged is not None:
        return tagged
    verdict = _classify(name, value, where, 0, interpolate=interpolate)
    if verdict.is_secret and comment and (verdict.kind != "token" or "private key" in verdict.label.lower()):
        words = disowned(comment)
        if words is not None:
            return SecretVerdict("declared", f"the comment beside it says so ({words!r})")
    if verdict.is_secret and verdict.kind != "token" and login_client_secret(name, beside):
        verdict = replace(verdict, purpose="client")
    elif verdict.is_secret and (verdict.in_url or where == "argv" or _is_password_name(name)):
        verdict = replace(verdict, purpose="password")
    elif verdict.kind == "random" and verdict.purpose == "key" and encrypts_only(name):
        verdict = replace(verdict, purpose="encryption")
    elif verdict.kind == "weak" and verdict.purpose == "key" and signs_tokens(name):
        verdict = replace(verdict, purpose="signing")
    return verdict


def signs_tokens(name: str | None) -> bool:
    """Does the name say the key signs the tokens or sessions users hold (``JWT_SECRET``,
    ``GOTRUE_JWT_SECRET``, ``TOKEN_SIGNING_KEY``, ``SESSION_SECRET``, ``COOKIE_SECRET``)? Whoever
    knows it forges any user's login, the administrator's included."""
    if not name:
        return False
    words = name_words(name)
    if not words or words[-1] not in ("SECRET", "KEY", "SECRETS"):
        return False
    return bool(set(words[:-1]) & {"JWT", "SIGNING", "SIGN", "SESSION", "COOKIE"})


#: a framework's master key that encrypts (not signs) what the application hands out and stores:
#: Laravel's ``APP_KEY`` (encrypted cookies and fields; sessions stay on the server)
_FRAMEWORK_ENCRYPTION_KEYS = frozenset(("APP_KEY",))


def encrypts_only(name: str | None) -> bool:
    """Does the name say the key only encrypts data (``ENCRYPTION_KEY``, ``DB_ENCRYPT_SECRET``,
    Laravel's ``APP_KEY``), not that it signs sessions or tokens (``SESSION_ENCRYPTION_KEY``,
    ``JWT_SECRET``) or authenticates anything (``SECRET_KEY`` signs Django's sessions)?"""
    from .exposure import AT_REST_WORDS, SESSION_WORDS

    if not name:
        return False
    words = name_words(name)
    if "_".join(words) in _FRAMEWORK_ENCRYPTION_KEYS:
        return True
    found = set(words)
    return bool(found & AT_REST_WORDS) and not found & (SESSION_WORDS | {"SIGNING", "SIGN", "HMAC", "API"})


_PASSWORD_WORDS = frozenset(("PASSWORD", "PASSWORDS", "PASSWD", "PASS", "PWD", "PASSPHRASE", "PASSCODE", "HTPASSWD"))


#: a Kubernetes Secret name (DNS-1123 subdomain), optionally followed by ``/<key in it>``
_SECRET_REF_RE = re.compile(r"^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?(?:/[-._A-Za-z0-9]{1,253})?$")
#: keys of a map whose entries name Secrets rather than hold values: how they end, normalised
#: (``envFromSecret``, ``*SecretName``, ``secretRef``, ``secretKeyRef``, ``valueFrom``...)
_SECRET_REF_ENDS = ("fromsecret", "fromsecrets", "secretname", "secretnames", "secretref", "secretrefs",
                    "secretkeyref", "secretkeyrefs", "valuefrom", "envfromsecrets")


def yaml_tag_verdict(tag: str | None) -> SecretVerdict | None:
    """The verdict a scalar's YAML tag gives by itself: a reference (``!env_var``, ``!secret``,
    ``!Ref``...) or ciphertext (``!vault``); None for any other tag (``!!str`` is a literal)."""
    if not tag or not tag.startswith("!"):
        return None
    lower = tag[:40].lower()
    if lower in _ENCRYPTED_TAGS:
        return SecretVerdict("encrypted", f"YAML tag {tag[:40]} (ciphertext)")
    if lower in _REFERENCE_TAGS:
        return SecretVerdict("reference", f"YAML tag {tag[:40]} (read from elsewhere when loaded)")
    return None


#: last words of a name that is the ID half of an access-key pair (MinIO's accessKey, S3's ACCESS_KEY)
_ACCESS_ID_ENDS = (["ACCESS", "KEY"], ["ACCESS", "KEY", "ID"], ["ACCESSKEY"], ["ACCESSKEY", "ID"])


def pairs_with_secret(name: str | None, beside: Iterable[object]) -> bool:
    """``name`` is the access key *ID* of a pair whose secret is one of the keys ``beside`` it:
    ``{accessKey: velero, existingSecret: users, existingSecretKey: veleroPassword}`` (MinIO
    chart users), ``{access_key: x, secret_key: y}``. An access key is the user-name half of
    the pair (AWS and MinIO document it so); only a name that says SECRET ACCESS KEY holds the
    secret. String tests over at most 50 sibling keys."""
    if not name:
        return False
    words = name_words(name)
    if not any(words[-len(end):] == end for end in _ACCESS_ID_ENDS) or "SECRET" in words:
        return False
    for other in list(beside)[:50]:
        key = str(other)
        if key == name:
            continue
        other_words = name_words(key)
        if names_secret_refs(key) or "EXISTING" in other_words:
            return True
        if "SECRET" in other_words and other_words[-1] in ("KEY", "SECRET", "SECRETKEY") or (
                _is_password_name(key)):
            return True
    return False


def names_secret_refs(key: str | None) -> bool:
    """``key`` holds Secret references (``envFromSecret``, ``existingSecret``, ``secretName``,
    ``adminSecretRef``, ``valueFrom``), not secret values (string tests, no pattern)."""
    if not key:
        return False
    norm = "".join(c for c in str(key)[:_NAME_CAP].lower() if c.isalnum())
    return norm.startswith("existingsecret") or norm.endswith(_SECRET_REF_ENDS)


#: words before SECRET that name an OAuth/OIDC login client's secret (``OIDC_CLIENT_SECRET``,
#: ``OAUTH2_PROXY_CLIENT_SECRET``, ``CONSUMER_SECRET``, ``WIKIMEDIA_OAUTH2_SECRET``)
_LOGIN_CLIENT_WORDS = frozenset(("OIDC", "OAUTH", "OAUTH1", "OAUTH2", "CONSUMER", "SSO"))
#: keys beside a ``client-secret`` that make it a login client's (oauth2-proxy's cookie secret, a
#: redirect URL, an issuer): a service principal's client secret (``AZURE_CLIENT_SECRET``) has none
_LOGIN_CLIENT_BESIDE = frozenset(("COOKIE", "REDIRECT", "CALLBACK", "ISSUER"))


def login_client_secret(name: str | None, beside: Iterable[object] | None = None) -> bool:
    """Is ``name`` the secret of an OAuth/OIDC *login* client: one that only trades a user's
    authorisation code at the identity provider for that user's token (oauth2-proxy's
    ``client-secret``, ``OIDC_CLIENT_SECRET``, ``clientSecret`` beside ``cookieSecret`` or a redirect
    URL)? Its holder still needs a user to log in through a redirect URI the provider accepts, so it
    opens nobody's account by itself; a service principal's (``AZURE_CLIENT_SECRET``: client
    credentials, the application's own access) is not one."""
    if not name:
        return False
    words = name_words(name)
    while words and words[-1].isdigit():
        words.pop()
    if len(words) < 2 or words[-1] not in ("SECRET", "SECRETS"):
        return False
    if _LOGIN_CLIENT_WORDS.intersection(words[:-1]):
        return True
    if words[-2] != "CLIENT" or beside is None:
        return False
    for other in list(beside)[:50]:
        if str(other) != name and _LOGIN_CLIENT_BESIDE.intersection(name_words(str(other))):
            return True
    return False


def _is_password_name(name: str | None) -> bool:
    """DB_PASSWORD, PGPASSWORD, redis.pass: a login to a service (not a signing key or a token)."""
    if not name:
        return False
    words = name_words(name)
    while words and words[-1].isdigit():
        words.pop()
    return bool(words) and (words[-1] in _PASSWORD_WORDS or words[-1].endswith(("PASSWORD", "PASSWD")))


_BASE64_RE = re.compile(r"^(?:[A-Za-z0-9+/]{4}){1,16}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
_PRINTABLE_WORD_RE = re.compile(r"^[\x21-\x7e]{3,48}$")


def _base64_word(text: str) -> str | None:
    """The text ``text`` is base64 of, when that is a placeholder, a sentinel or a well-known
    default word (``Y2hhbmdlbWU=`` -> changeme, ``PHBhc3N3b3JkPg==`` -> <password>); None for
    anything else (random bytes, a real key, a value that is not base64). A value written base64
    where it is not decoded again (a generator literal, Helm values, an env var) was encoded
    from a stand-in: nobody encodes a real secret to make it look like a word."""
    if len(text) < 8 or not _BASE64_RE.match(text):
        return None
    try:
        plain = base64.b64decode(text, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    plain = plain.strip()
    if not _PRINTABLE_WORD_RE.match(plain):
        return None
    if is_sentinel(plain) or is_placeholder(plain) or weak_default(plain):
        return plain
    return None


def _names_a_key(store: str, key: str) -> bool:
    """``anthropic:api-key``, ``ci/aws:accessKey``: the name of a key in a store, not a
    ``user:password`` pair (``admin:password``, ``myapp:secret``: a one-word well-known default
    after the colon is a guessable value)."""
    if not is_secret_name(key) or weak_default(store):
        return False
    several_words = any(c in key for c in "-_.") or (key[:1].islower() and any(c.isupper() for c in key))
    return several_words or not weak_default(key)


#: one SSH public key, after the ``user:`` GCE metadata puts before it (``ssh-keys = "ubuntu:ssh-rsa AAAA..."``)
_SSH_PUBLIC_KEY_RE = re.compile(
    r"(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}:)?(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d{3}"
    r"|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/]")


def _strip_quotes(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _classify(name: str | None, raw: str, where: str, depth: int, from_default: bool = False,
              interpolate: bool = True) -> SecretVerdict:
    stripped = raw.strip()
    if stripped.startswith("!") and depth == 0:  # unquoted: a YAML tag read as text
        match = _TAG_TEXT_RE.match(stripped)
        tagged = yaml_tag_verdict(match.group(1)) if match else None
        if tagged is not None:
            return tagged
    text = _strip_quotes(stripped).strip()
    example = where in _EXAMPLE_PLACES
    if not text:
        return SecretVerdict("empty")
    # 1. a known credential format is a secret whatever the name
    token = find_token(text, identifiers=False, example=example)
    if token is not None:
        return SecretVerdict("token", token[0], token[1] if token[0] != "private key" else text, default=from_default)
    if "\n" in text or len(text) > _VALUE_CAP:
        if "-----BEGIN" in text and "PRIVATE KEY" not in text:
            return SecretVerdict("public", "certificate or public key")
        return SecretVerdict("document", "a whole file")
    # 2. public material
    lower = text.lower()
    if _SSH_PUBLIC_KEY_RE.match(text):
        return SecretVerdict("public", "SSH public key")
    if lower.startswith(("ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-", "ssh-dss ", "sk-ssh-", "sk-ecdsa-", "age1",
                         "pk_live_", "pk_test_", "-----begin certificate", "-----begin public key")):
        return SecretVerdict("public", "public key")
    if token_kind(text) is not None:
        return SecretVerdict("identifier", "AWS access key ID (the secret access key is the secret)")
    # 3. references
    if text.startswith(_ENCRYPTED_MARKERS):
        return SecretVerdict("encrypted")
    if any(marker in text for marker in _TEMPLATE_MARKERS) or _DEPLOY_MARKER_RE.match(text):
        return SecretVerdict("reference")
    if interpolate and (("$(" in text and _SUBSTITUTION_RE.search(text)) or ("`" in text and _BACKTICK_RE.search(text))):
        return SecretVerdict("reference")  # $(VAR) (Kubernetes), $(command), `command`
    if lower.startswith(_REFERENCE_PREFIXES):
        return SecretVerdict("reference", "secret-store reference")
    if "$" in text and (interpolate or "${" in text):  # '${VAR}' in single quotes is still a template
        resolved, used_default = resolve(text)
        if resolved is None:
            return SecretVerdict("reference")
        if resolved != text and depth < 3:
            return _classify(name, resolved, where, depth + 1, from_default or used_default)
    if len(text) >= 2 and text[0] + text[-1] in ("()", "[]", "{}"):
        return SecretVerdict("document", "a list or a map")  # a shell array, a flow sequence, JSON
    if _PATH_RE.match(text):
        return SecretVerdict("path")
    if _STORE_NAME_RE.match(text) and not all(weak_default(part) for part in text.split("/")):
        # shared/logging/es_pass: the name of a secret in a store (AWS Secrets Manager, SSM, Vault
        # paths), read by whatever the name is handed to; admin/admin is a weak pair, not a name
        return SecretVerdict("reference", "secret-store name (a path of names)")
    read = _code_read(text) if ("(" in text or "[" in text or ".env." in text or ".environ." in text) else None
    if read is not None:  # os.environ.get("TOKEN", "default"): what the code falls back to, if anything
        for default in read:
            inner = _classify(name, default, where, depth + 1, True, interpolate) if depth < 3 else None
            if inner is not None and inner.is_secret:
                return inner
        return SecretVerdict("reference", "code reading the value from elsewhere")
    if _NAME_LIST_RE.match(text) and all(sum(c.isdigit() for c in part) <= 2 for part in text.split(",")):
        # BW-GHAPP-ID,BW-GHAPP-KEY: the names of secrets a step fetches from a store (a key vault
        # action's `secrets:` input), not their values
        return SecretVerdict("name", "a list of secret names")
    store_key = _STORE_KEY_RE.match(text)
    if store_key and _names_a_key(store_key.group(1), store_key.group(2)):
        return SecretVerdict("reference", "secret-store key name (store:key)")
    assignment = _ASSIGNMENT_RE.match(text) if depth < 3 else None
    if assignment is not None:  # NAME=value: what the value is, under its own name
        return _classify(assignment.group(1), assignment.group(2), where, depth + 1, from_default, interpolate)
    # 4. a password in a URL: any name
    creds = url_credentials(text)
    if creds is not None:
        inner = _classify("password", creds[1], where, depth + 1, from_default)
        if inner.is_secret:
            return SecretVerdict(inner.kind, inner.label, inner.value, True, from_default, inner.well_known)
        return inner
    if "://" in text:
        return SecretVerdict("setting", "a URL without credentials")
    # 5. sentinels and placeholders
    if is_sentinel(text):
        return SecretVerdict("sentinel", "switches the feature off")
    if is_placeholder(text):
        if (where in _DEPLOYED_PLACES and _asks_to_be_replaced(text)
                and (where in _NAMELESS_PLACES or _verified_with(name))):
            # `APP_SECRET: replace-me-with-a-random-string` in a compose file is the secret every
            # install runs with until someone replaces it: a weak default, not a placeholder
            return SecretVerdict("weak", "placeholder used as the real value", text, default=from_default)
        return SecretVerdict("placeholder")
    decoded = _base64_word(text)
    if decoded is not None:  # Y2hhbmdlbWU= is base64 of 'changeme': the encoding hides a stand-in
        return SecretVerdict("placeholder", "base64 of a placeholder or well-known default word")
    # 6. literals: only under a secret name (or where every value is one, unless the name
    # says what the value is for: a Secret's ``username``, ``host``, ``KMS_KEY_ID``)
    nameless = where in _NAMELESS_PLACES and not says_not_secret(name)
    strength = 2 if nameless else secret_name_strength(name)
    if strength == 0:
        return _NOT_A_NAME
    if _NUMBER_RE.match(text) and not weak_default(text):
        return SecretVerdict("setting", "a number or a duration")
    if _HOST_RE.match(text):
        return SecretVerdict("setting", "a host name")
    if random_looking(text):
        return SecretVerdict("random", "random-looking value", text, default=from_default)
    if strength == 1:
        return SecretVerdict("setting", "not random enough for a weak secret name")
    if example:
        return SecretVerdict("placeholder", "a sample value in an example file")
    if lower in WEAK_DEFAULTS or (name is not None and lower in {w.lower() for w in name_words(name)}):
        return SecretVerdict("weak", "well-known default", text, default=from_default, well_known=True)
    if weak_default(text):
        return SecretVerdict("weak", "variant of a well-known default", text, default=from_default)
    return SecretVerdict("weak", "guessable value", text, default=from_default)


# ============================================================================ command lines

#: environment variables that hand a password to a client program
PASSWORD_ENV = frozenset(("PGPASSWORD", "MYSQL_PWD", "SSHPASS", "REDISCLI_AUTH", "MONGO_PASSWORD", "RCLONE_CONFIG_PASS",
                          "RESTIC_PASSWORD", "BORG_PASSPHRASE", "VAULT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"))
_MYSQL = frozenset(("mysql", "mysqldump", "mariadb", "mariadb-dump", "mysqladmin", "mysqlpump", "mysqlimport", "mysqlcheck"))
_MONGO = frozenset(("mongodump", "mongorestore", "mongosh", "mongo", "mongoexport", "mongoimport"))
_LOGIN_PROGRAMS = frozenset(("docker", "podman", "helm", "nerdctl", "buildah", "skopeo", "oras", "crane"))
#: programs whose command lines may carry a password (for wrappers and commands kept in variables)
PASSWORD_PROGRAMS = _MYSQL | _MONGO | _LOGIN_PROGRAMS | frozenset(("sshpass", "redis-cli", "curl", "openssl", "htpasswd",
                                                                    "kubeadm", "cloudflared", "vault", "psql", "pg_dump"))
#: long options named like a secret that take no value or a file, not the secret
_VALUELESS_OPTIONS = frozenset(("password-stdin", "with-token", "token-stdin", "ask-password", "prompt-password"))


def argv_secrets(program: str, argv: Sequence[str]) -> list[tuple[str, int, str]]:
    """(how, index, value) for each word of ``argv`` (``argv[0]`` is the program) that passes
    a password or token on the command line.

    ``sshpass -p X``/``-pX``, ``mysql -pX`` (glued: a separate ``-p`` prompts),
    ``redis-cli -a X``, ``docker/podman/helm login|add -p X``, ``mongo* -p X``, ``curl -u
    user:X``, ``openssl -passin pass:X``, ``helm --set db.password=X`` and any long option
    named like a secret (``--password X``, ``--token=X``, ``--client-secret X``).
    ``docker run -p`` publishes a port and ``docker build --secret id=x`` names a secret:
    neither is reported.  The caller decides whether the value is a literal
    (:func:`classify_value`).
    """
    name = program.rsplit("/", 1)[-1]
    out: list[tuple[str, int, str]] = []
    verbs = [a for a in argv[1:4] if not a.startswith("-")]
    login = name in _LOGIN_PROGRAMS and bool({"login", "add"} & set(verbs))
    n = len(argv)
    i = 1
    while i < n:
        word = argv[i]
        nxt = argv[i + 1] if i + 1 < n else None
        if word == "--":
            break
        if name == "sshpass" and word == "-p" and nxt is not None:
            out.append(("sshpass -p", i + 1, nxt))
        elif name == "sshpass" and word.startswith("-p") and len(word) > 2:
            out.append(("sshpass -p", i, word[2:]))
        elif name in _MYSQL and word.startswith("-p") and len(word) > 2 and not word.startswith("--"):
            out.append((f"{name} -p", i, word[2:]))
        elif name == "redis-cli" and word == "-a" and nxt is not None:
            out.append(("redis-cli -a", i + 1, nxt))
        elif word == "-p" and nxt is not None and (login or name in _MONGO):
            verb = " ".join(v for v in verbs[:2] if v in ("login", "add", "registry", "repo"))
            out.append((f"{name} {verb} -p" if login else f"{name} -p", i + 1, nxt))
        elif name == "curl" and word in ("-u", "--user") and nxt is not None and ":" in nxt:
            out.append(("curl -u", i + 1, nxt.split(":", 1)[1]))
        elif name == "openssl" and word in ("-passin", "-passout", "-pass", "-k") and nxt is not None:
            if nxt.startswith("pass:"):
                out.append((f"openssl {word}", i + 1, nxt[5:]))
        elif word in ("--set", "--set-string") and nxt is not None and "=" in nxt:
            key, _, value = nxt.partition("=")
            if secret_name_strength(key.rsplit(".", 1)[-1]) == 2:
                out.append((f"{name} {word} {key}", i + 1, value))
        elif word.startswith("--") and len(word) > 3:
            option, eq, glued = word[2:].partition("=")
            if option.lower() in _VALUELESS_OPTIONS or secret_name_strength(option) != 2:
                i += 1
                continue
            if option.lower() == "secret" and name in _LOGIN_PROGRAMS | {"docker", "buildx"}:
                i += 1
                continue  # docker build --secret id=npm,src=... names a secret mount
            if eq:
                out.append((f"{name} --{option}", i, glued))
            elif nxt is not None and not nxt.startswith("-"):
                out.append((f"{name} --{option}", i + 1, nxt))
        i += 1
    return out


# ============================================================================ redaction

SECRET_MASK = "****"


def redact(value: object) -> str:
    """A redacted form of a secret: enough to recognise it, never the value.

    Keeps the first two characters of values of 12 characters or more (enough to tell
    two secrets apart, too little to guess from) and always says how long the value
    was, e.g. ``su****** (16 chars)``; shorter values are masked entirely.
    """
    text = "" if value is None else str(value)
    if not text:
        return "(empty)"
    if len(text) < 12:
        return f"{SECRET_MASK} ({len(text)} chars)"
    return f"{text[:2]}{'*' * 6} ({len(text)} chars)"


def _short(value: str) -> str:
    return redact(value).split(" ")[0]


#: URL userinfo passwords anywhere in a text (bounded: linear on any input)
_URL_CREDENTIALS = re.compile(r"(?<![A-Za-z0-9+.\-])(?P<head>[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^\s:/@'\"]{0,200}:)(?P<secret>[^\s@/'\"]{1,500})(?=@)")
_JWT = re.compile(r"(?<![\w-])eyJ[\w-]{10,4000}\.eyJ[\w-]{10,8000}\.[\w-]{10,2000}")
_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
#: a ``name = value`` / ``name: value`` / ``"name": "value"`` assignment; the name must start a word
_ASSIGNMENT = re.compile(
    r"(?<![\w.\-])(?P<key>[A-Za-z_][\w.\-]{0,99})(?P<sep>[\"']?[ \t]{0,8}(?::|=)[ \t]{0,8})"
    r"(?:\"(?P<dq>[^\"\r\n]{1,1000})\"?|'(?P<sq>[^'\r\n]{1,1000})'?|(?P<bare>[^\s\"',;}\])]{1,1000}))"
)
#: words of a command line with their spans (quotes kept; a quote runs at most 1,000 characters)
_SHELL_WORD = re.compile(r"\"[^\"\n]{0,1000}\"|'[^'\n]{0,1000}'|[^\s\"']{1,1000}[\"']?")
#: what :func:`_mask_options` can act on: a long option, or a password program's name somewhere in
#: the line (a word is only ever one of these when the line holds its text)
_OPTION_HINT = re.compile("--|" + "|".join(re.escape(name) for name in sorted(PASSWORD_PROGRAMS, key=len, reverse=True)))


#: the levels of a GitHub Actions ``permissions:`` scope
_PERMISSION_LEVELS = frozenset(("read", "write", "none"))


@lru_cache(maxsize=4096)
def _maskable(name: str, value: str) -> bool:
    """Should the value of ``name`` be hidden in text shown to a user?"""
    if value.startswith("#") or secret_name_strength(name) == 0:
        return False  # `token: # comment` holds nothing
    if name.lower() == "id-token" and (value.split() or [""])[0].lower().strip("`.,;)\"'") in _PERMISSION_LEVELS:
        return False  # a workflow's `permissions: {id-token: write}`: a scope and its level
    verdict = classify(name, value, where="text")
    return verdict.is_secret or verdict.kind in ("placeholder", "setting", "name", "document")


def _yaml_value_end(line: str, start: int, end: int) -> int:
    """Where a bare ``key: value`` runs to: YAML values go on past spaces (``password: two
    words``) up to a comment, a flow separator or the end of the line (1,000 characters at most)."""
    stop = min(len(line), start + 1000)
    for mark in (" #", "\t#", ",", "}", "]"):
        at = line.find(mark, end, stop)
        if at >= 0:
            stop = at
    return max(end, start + len(line[start:stop].rstrip()))


def _mask_assignments(line: str) -> str:
    if "=" not in line and ":" not in line:
        return line
    out: list[str] = []
    last = 0
    for match in _ASSIGNMENT.finditer(line):
        if match.start() < last:
            continue
        key = match.group("key")
        if match.group("dq") is not None:
            start, end = match.span("dq")
        elif match.group("sq") is not None:
            start, end = match.span("sq")
        else:
            start, end = match.span("bare")
            if ":" in match.group("sep") and "=" not in match.group("sep"):
                end = _yaml_value_end(line, start, end)
        value = line[start:end]
        if SECRET_MASK in value or not _maskable(key.rsplit(".", 1)[-1] if "." in key else key, value):
            continue
        out.append(line[last:start])
        out.append(_short(value))
        last = end
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


def _mask_options(line: str, _depth: int = 0) -> str:
    """Hide the values of password options (``docker login -p X``, ``mysql -pX``, ``--token X``),
    also in a command kept in a quoted string (``SSH="sshpass -p X ssh host"``, ``bash -c '...'``)."""
    if "-" not in line or _OPTION_HINT.search(line) is None:  # no option it could hide (the common line)
        return line
    words = [(m.start(), m.end(), m.group(0)) for m in _SHELL_WORD.finditer(line)]
    hits: list[tuple[int, int, str]] = []

    def take(first: int, program: str, argv: list[str]) -> None:
        for _, index, value in argv_secrets(program, argv):
            start, _, raw = words[first + index]
            if not value or SECRET_MASK in value or not classify_value(value).is_secret:
                continue
            offset = raw.find(value)
            if offset >= 0:
                hits.append((start + offset, start + offset + len(value), _short(value)))

    in_program = 0  # words left in the current password program's command line
    for i, (wstart, _, word) in enumerate(words):
        bare = word.strip("\"'")
        if _depth == 0 and word[:1] in "\"'" and " -" in bare:
            inner = _mask_options(bare, 1)
            if inner != bare:
                hits.append((wstart + 1, wstart + 1 + len(bare), inner))
            continue
        if bare in ("|", "||", "&&", ";", "&"):
            in_program = 0
            continue
        program = bare.rsplit("/", 1)[-1]
        if program in PASSWORD_PROGRAMS:
            argv = [program]
            for _, _, w in words[i + 1:i + 40]:
                w = w.strip("\"'")
                if w in ("|", "||", "&&", ";", "&") or w.rsplit("/", 1)[-1] in PASSWORD_PROGRAMS:
                    break
                argv.append(w)
            in_program = len(argv)
            take(i, program, argv)
        elif in_program:
            in_program -= 1
        elif bare.startswith("--") and len(bare) > 3:  # any program: --password X, --token=X
            nxt = words[i + 1][2].strip("\"'") if i + 1 < len(words) else None
            take(i - 1, "", ["", bare] + ([nxt] if nxt is not None else []))
    if not hits:
        return line
    out: list[str] = []
    last = 0
    for start, end, shown in sorted(set(hits)):
        if start < last:
            continue
        out.append(line[last:start])
        out.append(shown)
        last = end
    out.append(line[last:])
    return "".join(out)


def _scrub_tokens(text: str) -> str:
    if "://" in text and "@" in text:
        text = _URL_CREDENTIALS.sub(
            lambda m: m.group("head") + (m.group("secret") if not classify_value(m.group("secret")).is_secret
                                         else _short(m.group("secret"))), text)
    if _may_hold_token(text) and ANY_TOKEN.search(text):
        text = ANY_TOKEN.sub(lambda m: m.group(0) if "PRIVATE KEY" in m.group(0) else redact(m.group(0)), text)
    if "eyJ" in text:
        text = _JWT.sub(lambda m: redact(m.group(0)), text)
    return text


@lru_cache(maxsize=8192)  # findings repeat their lines (the same message for every file): 8,475 calls, 3,181 lines
def scrub_line(line: str) -> str:
    """One line made safe to display: known tokens, URL passwords, JWTs, password options
    and the values of secret-named assignments masked; references (``${VAR}``, ``$(cmd)``,
    ``{{ x }}``) and names of secrets (``secretName: tls``) stay as they are."""
    if not line:
        return line
    line = _scrub_tokens(line)
    line = _mask_options(line)
    return _mask_assignments(line)


def scrub_lines(lines: Sequence[str], start: int = 0, stop: int | None = None) -> list[str]:
    """Lines ``start:stop`` of a file made safe to display, reading the file from its start
    so a private key's body lines are hidden even when its BEGIN line is not shown."""
    stop = len(lines) if stop is None else min(stop, len(lines))
    out: list[str] = []
    in_key = False
    for index in range(0, stop):
        line = lines[index]
        if in_key:
            end = _KEY_END.search(line)
            if end is None:
                if index >= start:
                    indent = len(line) - len(line.lstrip())
                    out.append(line[:indent] + "(private key line redacted)" if line.strip() else line)
                continue
            in_key = False
            if index >= start:
                out.append(line[:end.start()].rstrip()[:0] + scrub_line(line[end.start():]))
            continue
        begin = _KEY_BEGIN.search(line)
        if begin is not None and _KEY_END.search(line, begin.end()) is None:
            in_key = True
        if index >= start:
            if begin is not None:
                end = _KEY_END.search(line, begin.end())
                tail = line[end.start():] if end else ""
                out.append(scrub_line(line[:begin.end()]) + (" (redacted) " + tail if end else " (redacted)"))
            else:
                out.append(scrub_line(line))
    return out


def scrub(text: str | None) -> str | None:
    """Redact credentials left in a message or evidence: every line through
    :func:`scrub_lines` (tokens, URL passwords, key blocks, password options, secret-named
    assignments).  Checks redact what they know to be secret; this catches what slips
    through, so nothing a finding carries to the screen, a report or SARIF shows a
    credential in full."""
    if not text:
        return text
    if "\n" not in text:
        begin = _KEY_BEGIN.search(text)
        if begin is not None:
            return scrub_line(text[:begin.start()]) + "-----BEGIN PRIVATE KEY----- (redacted)"
        return scrub_line(text)
    return "\n".join(scrub_lines(text.split("\n")))


# ============================================================================ files of settings

_CONFIG_LINE = re.compile(
    r"^[ \t]{0,200}[-[{(,]?[ \t]{0,8}[\"']?(?P<key>[A-Za-z_][\w.\-]{0,99})[\"']?[ \t]{0,8}[:=][ \t]{0,8}(?P<value>[^\r\n]{0,1000})"
)


def find_credentials(text: str, *, where: str = "text") -> Iterator[tuple[int, str, SecretVerdict]]:
    """(line number, key, verdict) for each secret a configuration file written inside a
    value holds (``application.properties``, ``config.yaml``, an INI file in a Secret):
    one ``key: value``/``key=value`` per line, any of those formats; private keys and
    URL passwords on any line."""
    for number, line in enumerate(text.splitlines(), 1):
        if "-----BEGIN" in line and _KEY_BEGIN.search(line):
            yield number, "private key", SecretVerdict("token", "private key", line.strip())
            continue
        match = _CONFIG_LINE.match(line)
        if match is None:
            creds = url_credentials(line.strip().strip("\"'")) if "://" in line else None
            if creds is not None:
                verdict = classify("url", line.strip().strip("\"'"), where=where)
                if verdict.is_secret:
                    yield number, "url", verdict
            continue
        value = match.group("value").strip()
        for cut in (" #", "\t#", " //"):
            at = value.find(cut)
            if at >= 0:
                value = value[:at].rstrip()
        value = value.rstrip(",;").strip()
        key = match.group("key")
        verdict = classify(key.rsplit(".", 1)[-1] if "." in key else key, value, where=where)
        if verdict.is_secret:
            yield number, key, verdict


_CREDENTIAL_KEY_RE = re.compile(r"pass|secret|token|key|credential|auth|private|dsn|url|uri", re.IGNORECASE)


def most_secret_first(keys: list[str]) -> list[int]:
    """Indexes of ``keys`` with credential-like names (password, token, url...) first.

    Evidence shows one redacted value: a password says more than the user name beside it.
    """
    return sorted(range(len(keys)), key=lambda i: (secret_name_strength(keys[i]) == 0
                                                   and not _CREDENTIAL_KEY_RE.search(keys[i][:200]), i))


def iter_secret_assignments(items: Iterable[tuple[str, object]], *, where: str) -> Iterator[tuple[str, SecretVerdict]]:
    """(name, verdict) for each secret among ``(name, value)`` pairs."""
    for name, value in items:
        verdict = classify(name, value, where=where)
        if verdict.is_secret:
            yield name, verdict
