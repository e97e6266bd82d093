"""The env-file model, the example naming rules, the secret heuristics and source env reads."""

from __future__ import annotations

import random

import pytest

from auditui.checks.models.envfile import example_base, is_example_name, parse, parse_entries
from auditui.checks.models.secrets import classify
from auditui.checks.models.source import env_reads


def test_dotenv_syntax():
    text = (
        "# comment\n"
        "export A=\"quoted # kept\"  # dropped\n"
        "B='single $X'\n"
        "C=unquoted value # dropped\n"
        "D=\n"
        "E=${OTHER}\n"
        "F=\"multi\n"
        "line\"\n"
        "G = spaced\n"
        "not an assignment\n"
        "H=#hash\n"
        "I= # only a comment\n"
    )
    got = {e.key: (e.value, e.line, e.end_line) for e in parse_entries(text)}
    assert got == {
        "A": ("quoted # kept", 2, 2),
        "B": ("single $X", 3, 3),
        "C": ("unquoted value", 4, 4),
        "D": ("", 5, 5),
        "E": ("${OTHER}", 6, 6),
        "F": ("multi\nline", 7, 8),
        "G": ("spaced", 9, 9),
        "H": ("#hash", 11, 11),
        "I": ("", 12, 12),
    }


@pytest.mark.parametrize(("name", "example", "base"), [
    (".env", False, ".env"),
    (".env.production", False, ".env.production"),
    (".env.example", True, ".env"),
    (".env.sample", True, ".env"),
    (".env.local.example", True, ".env.local"),
    ("prod.env.template", True, "prod.env"),
    ("example.env", True, ".env"),
    (".env.dist", True, ".env"),
])
def test_example_names(name, example, base):
    assert is_example_name(name) is example
    if example:
        assert example_base(name) == base


def test_facts_mark_examples_and_first_assignment():
    parsed = parse("cfg/.env.example", "A=1\nB=\nA=2\n")
    assert [(f.key, f.line, f.data.example) for f in parsed.facts] == [("A", 1, True), ("B", 2, True)]


# the secret heuristics live in the secrets model (tests/test_secrets_model.py); here: what an
# env file's values are judged as (where="env")

@pytest.mark.parametrize(("key", "value", "kind"), [
    ("POSTGRES_PASSWORD", "Sup3rS3cretPassw0rd!", "weak"),
    ("JWT_SECRET", "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "random"),
    ("ANYTHING", "sk_live_51HxQd2LkP9v8ZrT4mW7nB3cY6", "token"),
    ("DATABASE_URL", "postgres://u:Xk29pLm4Qw8z@db/app", "random"),
    # a weak or well-known default used as the real value (issue 12): weak, not a placeholder
    ("POSTGRES_PASSWORD", "changeme", "weak"), ("DB_PASSWORD", "postgres", "weak"),
    ("SESSION_SECRET", "dev-secret-not-for-prod", "weak"),
])
def test_env_secrets(key, value, kind):
    assert classify(key, value, where="env").kind == kind


@pytest.mark.parametrize(("key", "value"), [
    ("JWT_SECRET", ""), ("API_KEY", "<your-key>"), ("TOKEN", "${TOKEN}"),
    ("SECRET_KEY_LENGTH", "32"), ("JWT_ALGORITHM", "HS256"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("DATABASE_URL", "postgres://u:${PW}@db/app"), ("DEBUG", "Tru3-ish-V4lue"), ("SMTP_PASSWORD", "xxxxxxxx"),
    ("API_KEY", "${API_KEY:-invalid}"), ("AWS_ACCESS_KEY_ID", "AKIAZ3MBQ7VRT5NKP2XD"),  # an identifier alone
])
def test_env_not_secrets(key, value):
    assert not classify(key, value, where="env").is_secret


def test_source_env_reads():
    reads = env_reads(
        'import os\nA = os.environ["A"]\nB = os.getenv("B", "d")\n'
        'const c = process.env.C || "x"; const d = process.env["D"];\n'
        'x := os.Getenv("E")\nENV.fetch("F") { "g" }\n'
    )
    assert reads == [("A", 2, False), ("B", 3, True), ("C", 4, True), ("D", 4, False), ("E", 5, False), ("F", 6, True)]
    assert env_reads("print('no markers here')") == []


def test_garbage_never_raises():
    rng = random.Random(3)
    alphabet = "AB_=\"'`#\\ \n$"
    for _ in range(300):
        parse("g.env", "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))))
        env_reads("process.env" + "".join(rng.choice(alphabet + "[]().") for _ in range(60)))


# -- ENV004: a committed password follows what it opens (as CMP013 does in compose files) -----

def _env004(engine) -> dict[tuple[str, int], object]:
    return {(f.path, f.line): f for f in engine.findings if f.code == "ENV004"}


def test_committed_password_severity_follows_the_compose_services_that_load_it():
    from pathlib import Path

    from helpers import pedantic
    from auditui.checks.api import Severity
    from auditui.checks.engine import Engine

    root = Path(__file__).parent / "fixtures" / "env" / "committed-env-secret" / "bad-deployed"
    engine = Engine(root, pedantic())
    engine.scan()
    found = {key: f.severity for key, f in _env004(engine).items()}
    assert found == {
        ("env/app.env", 2): Severity.MEDIUM,     # DB_PASSWORD: the file's Postgres publishes nothing
        ("env/app.env", 3): Severity.MEDIUM,     # REDIS_PASSWORD: nor does its cache
        ("env/app.env", 5): Severity.CRITICAL,   # a signing key, wherever it is deployed
        ("env/app.env", 7): Severity.CRITICAL,   # ADMIN_PASSWORD of the app published on every interface
        ("env/app.env", 9): Severity.HIGH,       # APP_KEY encrypts, it does not sign: high even published
        ("env/postgres.env", 1): Severity.MEDIUM,
        ("env/cache.env", 1): Severity.MEDIUM,
        ("public/.env", 1): Severity.CRITICAL,   # .env interpolated into a published database
        ("unused.env", 2): Severity.HIGH,        # nothing here loads it: reach unknown
    }
    message = _env004(engine)[("env/postgres.env", 1)].message
    assert "publishes no port beyond this host" in message and "docker-compose.yml service 'postgres'" in message


def test_publishing_the_store_raises_its_committed_password(tmp_path):
    import shutil
    from pathlib import Path

    from helpers import pedantic
    from auditui.checks.api import Severity
    from auditui.checks.engine import Engine

    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "env" / "committed-env-secret" / "bad-deployed", root)
    engine = Engine(root, pedantic())
    engine.scan()
    assert _env004(engine)[("env/postgres.env", 1)].severity == Severity.MEDIUM
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    image: postgres:16.4\n",
                                                   "    image: postgres:16.4\n    ports: ['5432:5432']\n"))
    engine.update(["docker-compose.yml"])
    found = _env004(engine)
    assert found[("env/postgres.env", 1)].severity == Severity.CRITICAL
    assert found[("env/app.env", 2)].severity == Severity.CRITICAL  # DB_PASSWORD opens that store


# -- ENV004: a secret follows the port it guards; placeholders are "replace before deploy" (issue 12) --

def test_placeholder_token_follows_the_port_it_guards(tmp_path):
    import shutil
    from pathlib import Path

    from helpers import pedantic
    from auditui.checks.api import Severity
    from auditui.checks.engine import Engine

    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "env" / "committed-env-secret" / "bad-placeholder", root)
    engine = Engine(root, pedantic())
    engine.scan()
    found = {f.line: f for f in _env004(engine).values()}
    assert {line: f.severity for line, f in found.items()} == {
        2: Severity.LOW,      # the broker port it guards (5679) is not published, only the UI's 5678
        3: Severity.MEDIUM,   # an at-rest encryption key opens no port
    }
    token = found[2].message
    assert "it guards app:5679 (APP_RUNNERS_TASK_BROKER_URI in service 'runner')" in token
    assert "not published beyond this host (only 5678:5678 is)" in token and "placeholder" in token
    assert "opens no port" in found[3].message
    # publish the broker port: the placeholder is now a working token on every interface
    compose = root / "docker-compose.yml"
    compose.write_text(compose.read_text().replace('ports: ["5678:5678"]', 'ports: ["5678:5678", "5679:5679"]'))
    engine.update(["docker-compose.yml"])
    found = {f.line: f for f in _env004(engine).values()}
    assert found[2].severity == Severity.HIGH and "which is published beyond this host" in found[2].message
    assert found[3].severity == Severity.MEDIUM


def test_a_secret_of_an_app_behind_a_published_proxy_does_not_say_nothing_is_published(tmp_path):
    from helpers import pedantic, write
    from auditui.checks.api import Severity
    from auditui.checks.engine import Engine

    write(tmp_path, "docker-compose.yml", """\
services:
  app:
    image: registry.example.com/billing/app:5.10.1
    env_file: [.env]
  nginx:
    image: nginx:1.27-alpine
    ports: ["80:80"]
    depends_on: [app]
""")
    write(tmp_path, ".env", "ADMIN_PASSWORD=changeme!\n")
    engine = Engine(tmp_path, pedantic())
    engine.scan()
    finding = _env004(engine)[(".env", 1)]
    assert finding.severity == Severity.MEDIUM
    assert "publishes no port beyond this host" not in finding.message
    assert "the published service 'nginx' depends on it" in finding.message


@pytest.mark.parametrize(("value", "kind"), [
    ("changeRunnerAuthToken", "placeholder"),    # a token for a service: a placeholder by itself
    ("changeme", "weak"),                        # the well-known default stays a weak value
    ("changePassword", "weak"),                  # a password placeholder works as written
])
def test_camel_case_instruction_placeholders(value, kind):
    name = "RUNNERS_AUTH_TOKEN" if "Token" in value else "POSTGRES_PASSWORD"
    assert classify(name, value, where="env").kind == kind


def test_framework_debug_in_production_follows_what_serves_the_app():
    from pathlib import Path

    from helpers import pedantic
    from auditui.checks.api import Severity
    from auditui.checks.engine import Engine

    root = Path(__file__).parent / "fixtures" / "env" / "framework-debug-in-production" / "bad-deployed"
    engine = Engine(root, pedantic())
    engine.scan()
    found = {(f.path, f.line): f for f in engine.findings if f.code == "ENV007"}
    assert {key: f.severity for key, f in found.items()} == {
        (".env", 4): Severity.HIGH,              # served through the published nginx that depends on app
        ("django/web.env", 2): Severity.MEDIUM,  # only `expose:`: nothing published serves it
    }
    assert "the published service 'nginx' depends on it" in found[(".env", 4)].message
    assert "APP_ENV=production" in found[(".env", 4)].message
    assert "DJANGO_SETTINGS_MODULE=shop.settings.production" in found[("django/web.env", 2)].message


def test_framework_debug_written_in_compose_environment():
    from pathlib import Path

    from helpers import pedantic
    from auditui.checks.api import Severity
    from auditui.checks.engine import Engine

    root = Path(__file__).parent / "fixtures" / "env" / "framework-debug-in-production" / "bad-compose"
    engine = Engine(root, pedantic())
    engine.scan()
    found = {f.resource: f for f in engine.findings if f.code == "ENV007"}
    assert {key: f.severity for key, f in found.items()} == {
        "service/web": Severity.HIGH,       # publishes 8000 on every interface
        "service/worker": Severity.MEDIUM,  # publishes nothing, nothing published depends on it
    }
    assert "DJANGO_SETTINGS_MODULE=shop.settings.production" in found["service/web"].message


@pytest.mark.parametrize("value", ["setKx9Ab", "changeQ3x7Lp", "putAb12Cd"])
def test_random_values_that_start_with_a_verb_are_not_placeholders(value):
    assert classify("RUNNERS_AUTH_TOKEN", value, where="env").kind != "placeholder"


# -- a template the compose reads as .env (held-out set 8: AppFlowy Cloud's deploy.env) ---------

@pytest.mark.parametrize(("change", "severity"), [
    (None, "high"),                                            # copied to .env, routed by nginx: reachable
    (("deploy.env", "deploy.env.example"), "none"),            # an example file keeps no secrets
    (("# Copy this file to .env and change the values as needed\n", ""), "medium"),  # not said: not linked
    (("location /auth/ { proxy_pass http://auth:9999; }", "location / { root /srv; }"), "medium"),  # static site
])
def test_an_env_template_the_compose_runs_with_is_judged_by_the_routes_to_its_services(tmp_path, change, severity):
    import shutil
    from pathlib import Path

    from helpers import pedantic
    from auditui.checks.engine import Engine

    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixtures" / "env" / "committed-env-secret" / "bad-template-routed", root)
    if change is not None and change[0] == "deploy.env":
        (root / "deploy.env").rename(root / change[1])
    elif change is not None:
        for path in (root / "deploy.env", root / "nginx" / "nginx.conf"):
            path.write_text(path.read_text().replace(*change))
    engine = Engine(root, pedantic())
    engine.scan()
    found = _env004(engine)
    if severity == "none":
        assert not found
        return
    assert len(found) == 3
    if severity == "high":
        # a guessable key that signs the routed auth service's tokens forges any login: critical
        assert {key: f.severity.label for key, f in found.items()} == {
            ("deploy.env", 3): "high", ("deploy.env", 4): "critical", ("deploy.env", 5): "high"}
        assert all("the reverse proxy 'nginx' routes /auth/ on its published port 80 to 'auth' port 9999"
                   in f.message for f in found.values())
        assert any("deploy.env, which says to copy it to .env" in n.message for n in engine.all_notices())
    else:
        assert {f.severity.label for f in found.values()} == {severity}  # unreachable or unknown: medium


@pytest.mark.parametrize(("name", "signs"), [
    ("JWT_SECRET", True), ("GOTRUE_JWT_SECRET", True), ("TOKEN_SIGNING_KEY", True), ("SESSION_SECRET", True),
    ("COOKIE_SECRET", True), ("JWT_EXPIRY", False), ("API_KEY", False), ("SECRET_KEY", False),
    ("SESSION_ENCRYPTION_KEY_ID", False), ("ADMIN_PASSWORD", False),
])
def test_a_guessable_signing_key_is_critical_only_where_its_service_is_reachable(name, signs):
    from auditui.checks.api import Severity
    from auditui.checks.models.secrets import signs_tokens

    assert signs_tokens(name) is signs
    verdict = classify(name, "hello456", where="env")
    if verdict.kind != "weak":  # JWT_EXPIRY: no secret at all
        assert not signs and not verdict.is_secret
        return
    assert (verdict.severity(exposed=True) == Severity.CRITICAL) is signs
    assert verdict.severity(exposed=False) == Severity.MEDIUM and verdict.severity(exposed=None) == Severity.MEDIUM
