"""The secrets model: names, values, verdicts, command-line passwords, redaction, linear time."""

from __future__ import annotations

import re

import pytest

from auditui.checks.api import Severity
from auditui.checks.models import secrets
from auditui.checks.models.secrets import (
    argv_secrets, classify, classify_value, find_credentials, is_secret_name, redact, resolve, scrub,
    scrub_line, scrub_lines,
)
from helpers import assert_linear

# -- names -----------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "PGPASSWORD", "DB_PASSWORD", "DB_PASS", "MYSQL_PWD", "SIGNING_KEY", "API_KEY", "apiKey", "x-api-key",
    "clientSecret", "spring.datasource.password", "JWT_SECRET", "SECRET_KEY_BASE", "AWS_SECRET_ACCESS_KEY",
    "GITHUB_TOKEN", "APP_KEY", "RABBITMQ_ERLANG_COOKIE", "PASSWORD_2", "db-password", "SSH_PRIVATE_KEY",
    "MAILGUN_KEY",  # a weak name: only a random-looking value counts
    "ANALYTICS_DB_PASSWORD", "PLAUSIBLE_ANALYTICS_API_KEY", "GTM_API_TOKEN",  # analytics services have secrets too
    "passwordSSH", "PASSWORD_ADMIN", "password_root", "passwd-rcon",  # a password named after its login
])
def test_secret_names(name):
    assert is_secret_name(name)


@pytest.mark.parametrize("name", [
    # names that describe a secret rather than hold it (issue 12 item 11)
    "DB_PASSWORD_FILE", "SECRET_NAME", "DB_SECRET_REF", "AWS_ACCESS_KEY_ID", "KMS_KEY_ID", "SSH_KEY_NAME",
    "VAPID_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_API_KEY", "SUPABASE_ANON_KEY", "RECAPTCHA_SITE_KEY",
    "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "ARM_SUBSCRIPTION_ID", "AWS_ACCOUNT_ID", "TOKEN_TTL",
    "PASSWORD_MIN_LENGTH", "JWT_ALGORITHM", "USE_TOKEN", "WEBHOOK_URL", "SECRETS_DIR", "PWD", "OLDPWD",
    "secretName", "tokenSecretRef", "KEY_VAULT_NAME", "CACHE_KEY", "PARTITION_KEY", "prefix-key", "restore-keys", "ADMIN_PASSWORD_HASH",
    "password-stdin", "SECRET_ROTATION", "TOKEN_ENDPOINT", "POSTGRES_USER", "passwordKey", "auth.existingSecret", "POSTGRES_DB",
    "GPG_KEY", "GOOGLE_TAG_MANAGER_AUTH", "GTM_AUTH", "ANALYTICS_KEY", "GOOGLE_ANALYTICS_AUTH",
    "password_policy", "PASSWORD_SSH_ENABLED", "passwordAuthentication", "PASSWORD_HISTORY",  # settings about a password
])
def test_not_secret_names(name):
    assert not is_secret_name(name)


# -- values ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "kind"), [
    ("PGPASSWORD", "Xk9vQ2mLp7Rt", "random"),
    ("JWT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "random"),
    ("DB_PASS", "postgres", "weak"),
    ("ADMIN_PASSWORD", "admin", "weak"),
    ("JWT_SECRET", "supersecret", "weak"),
    ("DB_PASSWORD", "changeme", "weak"),
    ("DB_PASSWORD", "password123", "weak"),
    ("MYSQL_ROOT_PASSWORD", "P@ssw0rd2024!", "weak"),
    ("DB_PASSWORD", "crivo_password", "weak"),
    ("POSTGRES_PASSWORD", 123456, "weak"),  # an unquoted YAML number
    ("DB_PASSWORD", "${DB_PASSWORD:-postgres}", "weak"),  # the default is what runs when unset
    ("API_KEY", "${API_KEY:-Xk9vQ2mLp7Rt}", "random"),
    ("ANYTHING", "ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE", "token"),
    ("DATABASE_URL", "postgres://app:Xk29pLm4Qw8z@db:5432/app", "random"),
    ("DATABASE_URL", "postgres://postgres:postgres@db/app", "weak"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzKEYz", "random"),
    ("MAILGUN_KEY", "3ax6xnjp29jd6fds4gc373sgvjxteol0", "random"),
    # not secrets: sentinels, references, placeholders, paths, identifiers, public material
    ("API_KEY", "${API_KEY:-invalid}", "sentinel"),
    ("API_KEY", "disabled", "sentinel"),
    ("API_KEY", "none", "sentinel"),
    ("API_KEY", "false", "sentinel"),
    ("API_KEY", "", "empty"),
    ("DB_PASSWORD", "${DB_PASSWORD}", "reference"),
    ("DB_PASSWORD", "${DB_PASSWORD:?set it}", "reference"),
    ("DB_PASSWORD", "$(DB_PASSWORD)", "reference"),
    ("DB_PASSWORD", "${{ secrets.DB_PASSWORD }}", "reference"),
    ("DB_PASSWORD", "{{ .Values.db.password }}", "reference"),
    ("DB_PASSWORD", "#{DbPassword}#", "reference"),
    ("DB_PASSWORD", "sm://project/db-password", "reference"),
    ("DB_PASSWORD", "op://vault/db/password", "reference"),
    ("DB_PASSWORD", "vault:secret/data/db#password", "reference"),
    ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", "reference"),
    ("DB_PASSWORD", "ENC[AES256_GCM,data:abc,iv:def]", "encrypted"),
    ("DB_PASSWORD", "/run/secrets/db_password", "path"),
    ("API_KEY", "<your-api-key>", "placeholder"),
    ("API_KEY", "your-api-key-here", "placeholder"),  # another service's key: a placeholder only fails there
    ("APP_SECRET", "replace-me-with-a-random-string", "weak"),  # the app signs with it until replaced
    ("ADMIN_PASSWORD", "your-password", "weak"),
    ("HF_TOKEN", "HF_TOKEN", "placeholder"),
    ("SMTP_PASSWORD", "xxxxxxxx", "placeholder"),
    ("AWS_ACCESS_KEY_ID", "AKIAZ3MBQ7VRT5NKP2XD", "identifier"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "placeholder"),
    ("SSH_KEY", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", "public"),
    ("STRIPE_KEY", "pk_live_51HxQd2LkP9v8ZrT4mW7nB3cY6", "public"),
    # GCE metadata ssh-keys: a login name before the public key
    ("ssh-keys", "ubuntu:ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCdGoRV9XPamZwqCMr4uk1oHWPnknzwOOSjuRBnu", "public"),
    ("SSH_KEY", "deploy:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", "public"),
    ("prefix-key", "v2025.09-rust", "name"),  # Swatinem/rust-cache's cache-key prefix
    ("key", "ndk-cache-23.1.7779620", "setting"),  # words and a release: actions/cache's key (sweep7)
    ("TOKEN_TTL", "3600s", "name"),
    ("AZURE_CLIENT_ID", "0f8fad5b-d9cb-469f-a165-70867728950e", "name"),
    ("CACHE_KEY", "users-v2", "name"),
    ("MAILGUN_KEY", "mailgun", "setting"),  # weak name, not random: not reported
    ("VALID_KEYS", '("archive-max-files" "keep-git-dir")', "document"),  # a bash array of setting names (dokku)
])
def test_verdicts(name, value, kind):
    verdict = classify(name, value, where="compose")
    assert verdict.kind == kind, verdict
    assert verdict.is_secret == (kind in ("token", "random", "weak"))


def test_example_files_show_shapes_not_secrets():
    assert classify("DB_PASSWORD", "postgres", where="env-example").kind == "placeholder"
    assert classify("DB_PASSWORD", "changeme", where="env-example").kind == "placeholder"
    assert classify("JWT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", where="env-example").kind == "random"


def test_samples_keep_placeholders_and_literals():
    # a placeholder the service signs with runs as the shared key in a compose file that runs...
    assert classify("APP_SECRET", "replace-me-with-a-random-string", where="compose").kind == "weak"
    assert classify("SESSION_SECRET", "change-this-secret", where="compose").kind == "weak"
    # ...and asks to be replaced in a sample (examples/, *.example.yml)
    assert classify("APP_SECRET", "replace-me-with-a-random-string", where="sample").kind == "placeholder"
    assert classify("SESSION_SECRET", "change-this-secret", where="sample").kind == "placeholder"
    # a copied sample runs with its literals: they still count there
    assert classify("DB_PASSWORD", "postgres", where="sample").kind == "weak"
    assert classify("JWT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", where="sample").kind == "random"


def test_single_quoted_values_are_literal():
    # a random Django key written in single quotes: `$(` in it is no command substitution
    key = "k(q)7WmPzR$(_x8N2v5j(HTaLbQrrsw14y3GcJdPe%2KB#u!9FH@+Z3Yp7Q"
    verdict = classify("SECRET_KEY", key, where="env", interpolate=False)
    assert verdict.kind == "random" and verdict.severity() == Severity.CRITICAL
    assert classify("SECRET_KEY", "$(cat /run/secrets/django_key)", where="env").kind == "reference"
    assert classify("SECRET_KEY", "'${SECRET_KEY}'", where="env", interpolate=False).kind == "reference"


def test_nameless_places_count_every_literal():
    assert classify("config", "Xk9vQ2mLp7Rt", where="compose").kind == "name"
    assert classify("config", "Xk9vQ2mLp7Rt", where="k8s-secret").kind == "random"
    # ...unless the name says what the value is for
    assert classify("username", "Xk9vQ2mLp7Rt", where="k8s-secret").kind == "name"
    assert classify("KMS_KEY_ID", "Xk9vQ2mLp7Rt", where="k8s-secret").kind == "name"
    assert classify_value("hunter2").kind == "weak"
    assert classify_value("$PASSWORD").kind == "reference"


def test_unknown_place_is_a_programming_error():
    with pytest.raises(ValueError):
        classify("A", "b", where="elsewhere")


def test_severity_follows_value_and_exposure():
    password = classify("DB_PASSWORD", "Xk9vQ2mLp7Rt")
    key = classify("SECRET_KEY", "Xk9vQ2mLp7Rt")
    weak = classify("DB_PASSWORD", "postgres")
    token = classify("X", "ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE")
    assert password.purpose == "password" and key.purpose == "key"
    # a key or a token works from anywhere: critical whoever can reach the service
    assert key.severity() == key.severity(exposed=False) == token.severity(exposed=False) == Severity.CRITICAL
    # a password only opens what it logs in to
    assert password.severity(exposed=True) == Severity.CRITICAL
    assert password.severity() == Severity.HIGH
    assert password.severity(exposed=False) == Severity.MEDIUM
    assert weak.severity() == weak.severity(exposed=False) == Severity.MEDIUM
    assert weak.severity(exposed=True) == Severity.HIGH


def test_well_known_defaults_are_named_variants_never():
    assert "'postgres'" in classify("DB_PASSWORD", "postgres").describe()
    variant = classify("DB_PASSWORD", "Sup3rS3cretPassw0rd!")
    assert variant.kind == "weak" and "Sup3r" not in variant.describe()


def test_evidence_never_holds_the_value():
    for value in ("Xk9vQ2mLp7Rt", "postgres://app:Xk29pLm4Qw8z@db/app", "ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE"):
        verdict = classify("DB_PASSWORD", value)
        assert verdict.is_secret
        assert verdict.value not in verdict.evidence("DB_PASSWORD")


def test_resolve_defaults():
    assert resolve("${A:-${B:-x}}") == ("x", True)
    assert resolve("a$$b") == ("a$b", False)
    assert resolve("${A}")[0] is None
    assert resolve("pre-${A:-x}-post") == ("pre-x-post", True)
    assert resolve("${A:+x}")[0] is None


# -- command lines -----------------------------------------------------------------

@pytest.mark.parametrize(("argv", "value"), [
    ("sshpass -p s3cretXYZ ssh host", "s3cretXYZ"),
    ("sshpass -ps3cretXYZ ssh host", "s3cretXYZ"),
    ("mysql -uroot -pXk9vQ2mLp7Rt db", "Xk9vQ2mLp7Rt"),
    ("redis-cli -a Xk9vQ2mLp7Rt ping", "Xk9vQ2mLp7Rt"),
    ("docker login -u ci -p Xk9vQ2mLp7Rt registry", "Xk9vQ2mLp7Rt"),
    ("helm repo add --password Xk9vQ2mLp7Rt x https://x", "Xk9vQ2mLp7Rt"),
    ("curl -u admin:Xk9vQ2mLp7Rt https://x", "Xk9vQ2mLp7Rt"),
    ("kubeadm join --token abcdef.0123456789abcdef 10.0.0.1:6443", "abcdef.0123456789abcdef"),
    ("cloudflared tunnel run --token=Xk9vQ2mLp7Rt", "Xk9vQ2mLp7Rt"),
    ("helm upgrade app ./chart --set db.password=Xk9vQ2mLp7Rt", "Xk9vQ2mLp7Rt"),
    ("openssl rsa -passin pass:Xk9vQ2mLp7Rt -in k", "Xk9vQ2mLp7Rt"),
])
def test_password_options(argv, value):
    words = argv.split()
    assert [v for _, _, v in argv_secrets(words[0], words)] == [value]


@pytest.mark.parametrize("argv", [
    "docker run -p 8080:80 nginx", "docker commit -p abc snap", "mysql -u root -p db",
    "docker build --secret id=npm,src=/tmp/npmrc .", "gh auth login --with-token",
    "docker login --password-stdin -u ci", "ssh-keygen --token-file x",
])
def test_not_password_options(argv):
    words = argv.split()
    assert argv_secrets(words[0], words) == []


# -- redaction -----------------------------------------------------------------------

@pytest.mark.parametrize(("line", "secret"), [
    ("  POSTGRES_PASSWORD: hunter2hunter2", "hunter2hunter2"),
    ("DB_PASS: two words here", "two words here"),
    ("MYSQL_PWD=Xk9vQ2mLp7Rt", "Xk9vQ2mLp7Rt"),
    ('{"clientSecret": "Xk9vQ2mLp7Rt"}', "Xk9vQ2mLp7Rt"),
    ("docker login -u ci -p Xk9vQ2mLp7Rt registry", "Xk9vQ2mLp7Rt"),
    ("sshpass -p 'Vt7#qLw2Zr9x' ssh deploy@host", "Vt7#qLw2Zr9x"),
    ("redis-cli -a Xk9vQ2mLp7Rt ping", "Xk9vQ2mLp7Rt"),
    ("mysql -uroot -pXk9vQ2mLp7Rt db", "Xk9vQ2mLp7Rt"),
    ('SSH="sshpass -p Wq83nVz1Lk0p ssh ops@batch"', "Wq83nVz1Lk0p"),
    ("psql postgres://app:Xk29pLm4Qw8z@db/app", "Xk29pLm4Qw8z"),
    ("token ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE", "ghp_4fG7hJ2kL9mN3pQ6rS8tU1vW5xY0zA2bC4dE"),
    ("--from-literal=password=Xk9vQ2mLp7Rt", "Xk9vQ2mLp7Rt"),
])
def test_scrub_masks(line, secret):
    assert secret not in scrub_line(line)
    assert secret not in (scrub(line) or "")


@pytest.mark.parametrize("line", [
    "DB_PASSWORD=${DB_PASSWORD}", "secretName: orders-api-tls", "POSTGRES_PASSWORD_FILE: /run/secrets/db",
    "permissions: {id-token: write, contents: read}", "docker run -d -p 8080:80 nginx:1.27",
    "password: ${{ secrets.REGISTRY_PASSWORD }}", "AWS_ACCESS_KEY_ID: ${{ vars.KEY_ID }}",
    "image: nginx:1.27", "TOKEN_TTL=3600",
])
def test_scrub_leaves_references_and_names(line):
    assert scrub_line(line) == line


def test_private_key_bodies_are_hidden_every_line():
    text = ("run: |\n  cat > key <<EOF\n  -----BEGIN OPENSSH PRIVATE KEY-----\n  b3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n"
            "  QyNTUxOQAAACDjKqp5Fc65tEnRulDqKi\n  -----END OPENSSH PRIVATE KEY-----\n  EOF\n  chmod 600 key")
    out = scrub(text) or ""
    assert "b3BlbnNz" not in out and "QyNTUxOQ" not in out
    assert "chmod 600 key" in out and "BEGIN OPENSSH PRIVATE KEY" in out
    lines = text.split("\n")
    shown = scrub_lines(lines, 3, 6)  # a window that starts inside the key
    assert len(shown) == 3 and not any("b3Bl" in s or "QyNT" in s for s in shown)


def test_redact_shape():
    assert redact("") == "(empty)"
    assert redact("short") == "**** (5 chars)"
    assert redact("supersecretpassword") == "su****** (19 chars)"


def test_credentials_inside_a_config_file():
    text = "server:\n  port: 8080\ndb:\n  password: Xk9vQ2mLp7Rt\n  user: app\napi.token = ${TOKEN}\n"
    found = [(line, key) for line, key, _ in find_credentials(text)]
    assert found == [(4, "password")]


# -- linear time ---------------------------------------------------------------------
# growth in CPU time, not a wall-clock budget (speed is measured by benchmarks/redos.py)

def _patterns():
    for name, value in vars(secrets).items():
        if isinstance(value, re.Pattern):
            yield name, value
    for label, pattern in secrets.KNOWN_TOKENS:
        yield label, pattern


def _pieces(pattern: re.Pattern) -> list[str]:
    """What makes backtracking matchers blow up when repeated: runs of what the pattern's own
    literals and classes accept, almost-matches, separators without values."""
    # ANY_TOKEN is the union of the catalogue, each member tested on its own literals
    pieces = set(re.findall(r"[A-Za-z0-9_]{2,}", pattern.pattern)) if pattern is not secrets.ANY_TOKEN else set()
    pieces |= {"a", "A", "0", " ", "-", ".", "=", ":", "/", "@", "\"", "'", "$", "{", "}", "\\", "\t",
               "password", "token:", "a=", "a:", "${", "$(", "{{", "://", "sk-", "eyJ", "-----BEGIN ",
               "PRIVATE KEY", "AKIA", " -p ", "x=\"", "key: ", "a.b", "a:b@", "\"password\": \""}
    return sorted(pieces)


def _repeat(piece: str, size: int) -> str:
    """``piece`` repeated to ``size`` characters, then a tail that fails to match."""
    return (piece * (size // len(piece) + 1))[:size] + "\n!"


@pytest.mark.parametrize(("name", "pattern"), list(_patterns()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_pattern_is_linear(name, pattern):
    def run(text):
        for _ in pattern.finditer(text):
            pass
        pattern.match(text)

    for piece in _pieces(pattern):
        assert_linear(run, lambda size: _repeat(piece, size), 10_000, f"{name} on {piece!r} repeated")


@pytest.mark.parametrize("func", [
    lambda t: scrub(t), lambda t: scrub_line(t), lambda t: classify("DB_PASSWORD", t),
    lambda t: list(find_credentials(t)), lambda t: resolve(t), lambda t: is_secret_name(t),
])
def test_public_functions_are_linear(func):
    pieces = ["password", "password: ", "a=", "${", "${A:-", "$(", "{{", "://a:", "@", "-----BEGIN ",
              "sk-", "eyJ", " -p x", "docker login -p ", "\"", "'", "a.b.", "x" * 50 + " ", "# token: "]
    for piece in pieces:
        assert_linear(func, lambda size: _repeat(piece, size), 25_000, f"{piece!r} repeated")


@pytest.mark.parametrize(("text", "kind"), [
    ("!env_var SONARR_API_KEY", "reference"),   # recyclarr
    ("!ENV ${RADARR_API_KEY}", "reference"),    # pyyaml-env-tag
    ("!secret mqtt_password", "reference"),     # Home Assistant, ESPHome
    ("!Ref DbMasterPassword", "reference"),     # CloudFormation
    ("!vault |", "encrypted"),                  # Ansible Vault
])
def test_a_yaml_tag_read_as_text_is_a_reference(text, kind):
    assert classify("api_key", text, where="configmap").kind == kind


def test_a_quoted_or_unknown_tag_is_still_judged_as_a_literal():
    assert classify("api_key", '"!env_var Xk9vQ2mLp7RtZ8wq"').is_secret  # quoted: a string starting with "!"
    assert classify("api_key", "!mytag Xk9vQ2mLp7RtZ8wqB4nH").kind != "reference"


def test_a_tagged_scalar_carries_its_verdict_into_every_domain():
    from auditui.checks.models.yamlnodes import load_documents

    [doc] = load_documents("password: !secret db_password\ntoken: !!str Xk9vQ2mLp7RtZ8wqB4nH\n")
    assert classify("password", doc.data["password"]).kind == "reference"
    assert classify("token", doc.data["token"]).is_secret


def test_embedded_yaml_keeps_untagged_literals_beside_tagged_ones():
    text = "a:\n  api_key: !env_var A_KEY\nb:\n  api_key: 8f7e6d5c4b3a29180f1e2d3c4b5a6978\n"
    assert [(line, key) for line, key, _ in find_credentials(text, where="configmap")] == [(4, "api_key")]


@pytest.mark.parametrize(("value", "kind"), [
    ("Y2hhbmdlbWU=", "placeholder"),          # base64('changeme'): a 1Password generator's stand-in
    ("cGFzc3dvcmQ=", "placeholder"),          # base64('password')
    ("cmVwbGFjZS1tZQ==", "placeholder"),      # base64('replace-me')
    ("PHlvdXItdG9rZW4+", "placeholder"),      # base64('<your-token>')
    ("c2VjcmV0LVhrOXZRMm1McDdSdA==", "random"),  # base64 of a random-looking value: still a secret
    ("Xk9vQ2mLp7RtZ8wq", "random"),           # valid base64 but decodes to bytes, not a word
])
def test_base64_of_a_placeholder_is_a_placeholder(value, kind):
    # values written base64 where nothing decodes them again (a secretGenerator literal, Helm
    # values): the encoding hid a stand-in word, it does not make it random (held-out set 5)
    assert classify("token", value, where="k8s-secret").kind == kind
    assert classify("api_token", value, where="helm").kind == kind


def test_an_access_key_beside_its_secret_is_the_identifier():
    # MinIO chart users: the access key is the user name, the password comes from existingSecret
    user = ["accessKey", "existingSecret", "existingSecretKey", "policy"]
    assert classify("accessKey", "nbg1-c01-velero", where="helm", beside=user).kind == "identifier"
    assert classify("access_key", "Xk9vQ2mLp7RtZ8wq", where="helm", beside=["access_key", "secret_key"]).kind \
        == "identifier"
    # alone, or beside keys that hold no secret, it is judged as before; the secret half never is an ID
    assert classify("accessKey", "nbg1-c01-velero", where="helm", beside=["accessKey", "policy"]).is_secret
    assert classify("secretKey", "Xk9vQ2mLp7RtZ8wq", where="helm", beside=["accessKey", "secretKey"]).is_secret
    assert classify("secretAccessKey", "Xk9vQ2mLp7RtZ8wq", where="helm",
                    beside=["secretAccessKey", "existingSecret"]).is_secret


@pytest.mark.parametrize(("value", "kind"), [
    ("shared/logging/es_pass", "reference"),            # AWS Secrets Manager names (wellcome, set 5)
    ("elasticsearch/logging/apm_secret", "reference"),
    ("prod/db/password", "reference"),
    ("admin/admin", "weak"),                            # a pair of defaults, not a name
    ("Xk9/vQ2+mLp7/RtZ8wq", "random"),                  # base64 with slashes: still a secret
    ("anthropic:api-key", "reference"),                 # store:key lookups (grafana get-vault-secrets)
    ("relyance:API_KEY", "reference"),
    ("ci/aws:accessKey", "reference"),
    ("ANTHROPIC_API_KEY=anthropic:api-key", "reference"),  # one NAME=lookup line
    ("DB_PASSWORD=Xk9vQ2mLp7RtZ8wq", "random"),         # one NAME=value line: the value is the secret
    ("LOG_LEVEL=debug", "name"),                        # a setting under its own name
    ("admin:password", "weak"),                         # a user:password pair of defaults
    ("myapp:secret", "weak"),                           # a one-word default after the colon is a value
    ("BW-GHAPP-ID,BW-GHAPP-KEY", "name"),               # names a key vault action fetches (bitwarden)
    ("DOCKER_USERNAME, DOCKER_PASSWORD", "name"),
    ("XK9V-QM2L-P7RT,ZQ8W-XK29-PLM4", "random"),        # key-shaped parts with digits in every word
])
def test_a_secret_store_name_is_a_reference(value, kind):
    assert classify("ES_PASS", value, where="text").kind == kind


@pytest.mark.parametrize(("value", "kind"), [
    ("Harbor12345", "weak"),        # a product name and 12345: harbor-helm's documented admin default
    ("not-a-secure-key", "weak"),   # words with a one-letter word between them
    ("Xk9vQ2mLp7Rt", "random"),
    ("nbg1-c01-velero", "random"),  # a one-letter part with digits is not a word
])
def test_words_and_counting_digits_are_guessable_not_random(value, kind):
    assert classify("secretKey", value, where="helm").kind == kind


@pytest.mark.parametrize(("comment", "disowns"), [
    ("This is not a secret secret key. It's baked into the simple-cfssl image", True),
    ("This might look like a proper private key, but it isn't used anywhere.", True),
    ("The default value is deliberately public and tied to `http://toolhub.test/`", True),
    ("which can only be used in local testing", True),
    ("a dummy service account", True),
    ("not a real password", True),
    ("the API key of the billing service", False),
    ("dummy value: replace it before deploying", False),  # asks to be replaced: used as written until then
    ("This is not a dummy: the live signing key", False),
    ("rotate this key every 90 days; it is not used anywhere else", False),
    ("", False),
])
def test_a_comment_beside_a_value_may_disown_it(comment, disowns):
    assert (secrets.disowned(comment) is not None) is disowns
    verdict = secrets.classify("SIGNING_KEY", "4b9e2d7a1c8f3e6b0a5d9c2e7f1b4a8d", where="helm", comment=comment)
    assert verdict.is_secret is not disowns
    # a live token of a provider's format stays one whatever a comment says
    assert secrets.classify("STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", comment=comment).is_secret


@pytest.mark.parametrize(("value", "kind"), [
    # code reading a value from the environment or a settings store, written where a setting is
    # expected (a script in a ConfigMap): a reference, not a literal (held-out set 8)
    ('os.environ["OPENAI_API_KEY"]', "reference"),
    ('os.environ.get("GITHUB_TOKEN", "")', "reference"),
    ("os.getenv('WEBHOOK_SECRET')", "reference"),
    ("os.getenv(SECRET_NAME)", "reference"),
    ("process.env.API_KEY", "reference"),
    ('ENV.fetch("SECRET_KEY_BASE")', "reference"),
    ('config("app.key")', "reference"),
    ('os.environ["API_KEY"].strip()', "reference"),
    # a literal default is what runs when the variable is unset: judged as the value
    ('os.environ.get("API_KEY", "Xk9vQ2mLp7RtZ8wqB4nHc6Vd")', "random"),
    # a random literal handed to a function, and a bare word in parentheses, are values
    ('wrap("aB3dE5fG7hJ9kL1mQ2")', "random"),
    ("Xk9(vQ2mLp7RtZ8wqB4)", "random"),
])
def test_code_that_reads_a_value_is_a_reference(value, kind):
    assert classify("API_KEY", value, where="text").kind == kind


@pytest.mark.parametrize(("name", "beside", "login"), [
    ("OIDC_CLIENT_SECRET", None, True),
    ("OAUTH2_PROXY_CLIENT_SECRET", None, True),
    ("WIKIMEDIA_OAUTH2_SECRET", None, True),
    ("client-secret", ["client-id", "client-secret", "cookie-secret"], True),  # oauth2-proxy's
    ("clientSecret", ["clientID", "clientSecret", "redirectURL"], True),
    ("AZURE_CLIENT_SECRET", None, False),  # a service principal: the application's own access
    ("client-secret", ["client-id", "tenant-id"], False),
    ("COOKIE_SECRET", None, False),
])
def test_a_login_clients_secret_is_medium(name, beside, login):
    assert secrets.login_client_secret(name, beside) is login
    verdict = secrets.classify(name, "9f8e7d6c5b4a39281706f5e4d3c2b1a0", where="k8s-secret", beside=beside)
    assert verdict.severity() == (Severity.MEDIUM if login else Severity.CRITICAL)
