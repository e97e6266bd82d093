"""Compose as compose reads it: .env interpolation, env_file:, base files, and re-checks on save."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from auditui.checks.models.compose import ComposeFile
from auditui.checks.models.compose_project import EnvValue, compose_files, read_dotenv, substitute
from auditui.checks.parse import parse_text


def _env(**values) -> dict[str, EnvValue]:
    return {name: EnvValue(name, value, ".env", number) for number, (name, value) in enumerate(values.items(), 1)}


@pytest.mark.parametrize(("text", "env", "expected"), [
    # set: every form takes the value
    ("${A}", {"A": "x"}, "x"),
    ("$A", {"A": "x"}, "x"),
    ("${A:-d}", {"A": "x"}, "x"),
    ("${A-d}", {"A": "x"}, "x"),
    ("${A:?need A}", {"A": "x"}, "x"),
    ("${A:+alt}", {"A": "x"}, "alt"),
    ("${A+alt}", {"A": "x"}, "alt"),
    # set but empty: ':' forms treat it as unset
    ("${A:-d}", {"A": ""}, "d"),
    ("${A-d}", {"A": ""}, ""),
    ("${A:+alt}", {"A": ""}, ""),
    ("${A+alt}", {"A": ""}, "alt"),
    # not in .env: left as written for the defaults reader (the shell may set it)
    ("${A:-d}", {}, "${A:-d}"),
    ("${A}", {}, "${A}"),
    ("${A:?need A}", {}, "${A:?need A}"),
    # nested defaults, escapes, and a '$' inside a value stays literal
    ("${A:-${B}}", {"B": "y"}, "${A:-y}"),
    ("$${A}", {"A": "x"}, "$${A}"),
    ("${A}", {"A": "p$ss"}, "p$$ss"),
    ("${HOST:-0.0.0.0}:${PORT}:80", {"PORT": "8080"}, "${HOST:-0.0.0.0}:8080:80"),
])
def test_substitute_follows_compose_semantics(text, env, expected):
    assert substitute(text, _env(**env))[0] == expected


def test_substitute_names_variables_with_no_value_and_no_default():
    _, used, unresolved = substitute("${A}-${B:-b}-${C:?set C}-${D:+x}", _env(Z="1"))
    assert used == [] and unresolved == ["A", "C"]


def test_dotenv_values_refer_to_earlier_lines_unless_single_quoted():
    env = read_dotenv(".env", "REG=ghcr.io/acme\nIMAGE=${REG}/app:${TAG:-1.0}\nRAW='${REG}'\nLATER=${NOT_YET}\n")
    assert env["IMAGE"].value == "ghcr.io/acme/app:1.0"
    assert env["RAW"].value == "${REG}"
    assert env["LATER"].value is None  # depends on the shell: unknown, never guessed
    assert env["IMAGE"].where == ".env:2"


def test_compose_file_variable_lists_the_project_files():
    assert compose_files(_env(COMPOSE_FILE="compose.yaml:compose.prod.yaml")) == ["compose.yaml", "compose.prod.yaml"]
    assert compose_files(_env(COMPOSE_FILE="a.yml;b.yml", COMPOSE_PATH_SEPARATOR=";")) == ["a.yml", "b.yml"]
    assert compose_files(_env()) is None


def _parse(files: dict[str, str], rel: str):
    def read(path: str) -> str | None:
        return files.get(path)

    return parse_text(rel, files[rel], read=read)


def test_resolve_interpolates_the_document_and_keeps_what_was_written():
    files = {
        "deploy/.env": "TAG=latest\nDB_PASSWORD=hunter2-but-longer\n",
        "deploy/compose.yaml": "services:\n  app:\n    image: acme/app:${TAG:-1.0}\n"
                               "    environment:\n      PASSWORD: ${DB_PASSWORD}\n      MODE: ${MODE}\n",
    }
    parsed = _parse(files, "deploy/compose.yaml")
    compose = parsed.units[0]
    assert isinstance(compose, ComposeFile)
    service = compose.services[0]
    assert service.image == "acme/app:latest"
    assert compose.written(service.node, "image") == "acme/app:${TAG:-1.0}"
    assert compose.origin_note(service.node, "image") == " (TAG=latest from deploy/.env:1)"
    password = next(v for v in service.environment() if v.name == "PASSWORD")
    assert password.value == "hunter2-but-longer" and password.written == "${DB_PASSWORD}"
    # a secret's value is never shown in an origin note
    assert "hunter2" not in compose.origin_note(password.container, password.key)
    assert {"deploy/.env"} <= parsed.reads
    assert any("MODE" in notice and "deploy time" in notice for notice in parsed.notices)
    # the facts say what compose runs
    assert [f.data.image for f in parsed.facts if f.topic == "compose:service"] == ["acme/app:latest"]


def test_env_file_reaches_the_container_but_not_the_interpolation():
    files = {
        "compose.yaml": "services:\n  grafana:\n    image: grafana/grafana:11.1.0\n    env_file: [grafana.env]\n"
                        "    environment:\n      GF_SERVER_ROOT_URL: ${GF_AUTH_ANONYMOUS_ENABLED:-none}\n",
        "grafana.env": "GF_AUTH_ANONYMOUS_ENABLED=true\n",
    }
    parsed = _parse(files, "compose.yaml")
    service = parsed.units[0].services[0]
    env = {v.name: v for v in service.container_env()}
    assert env["GF_AUTH_ANONYMOUS_ENABLED"].value == "true"
    assert env["GF_AUTH_ANONYMOUS_ENABLED"].where == "grafana.env:1"
    assert env["GF_SERVER_ROOT_URL"].value == "${GF_AUTH_ANONYMOUS_ENABLED:-none}"  # env_file never interpolates
    assert "grafana.env" in parsed.reads


def test_override_and_compose_file_services_learn_their_base_image():
    files = {
        "compose.yaml": "services:\n  cache:\n    image: redis:7.2.5\n",
        "compose.override.yaml": "services:\n  cache:\n    ports: ['6379:6379']\n",
        "ops/.env": "COMPOSE_FILE=base.yml:public.yml\n",
        "ops/base.yml": "services:\n  search:\n    image: elasticsearch:8.14.1\n",
        "ops/public.yml": "services:\n  search:\n    restart: always\n    ports: ['9200:9200']\n",
    }
    override = _parse(files, "compose.override.yaml").units[0].services[0]
    assert override.resolved_image_ref.name == "redis" and not override.complete
    public = _parse(files, "ops/public.yml").units[0].services[0]
    assert public.resolved_image_ref.name == "elasticsearch"


def test_a_compose_file_read_on_its_own_is_unchanged():
    parsed = parse_text("compose.yaml", "services:\n  app:\n    image: acme/app:${TAG:-1.0}\n")
    assert parsed.units[0].services[0].image == "acme/app:${TAG:-1.0}" and not parsed.reads


def _codes(engine: Engine, code: str) -> list[str]:
    return [f"{f.path}:{f.line}" for f in engine.findings if f.code == code]


def test_editing_dotenv_rechecks_the_compose_file_beside_it(tmp_path: Path):
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: acme/app:${TAG:-1.0}\n")
    engine = Engine(tmp_path)
    engine.scan()
    assert _codes(engine, "CMP006") == []
    env = tmp_path / ".env"
    env.write_text("TAG=latest\n")  # created
    delta = engine.update([env])
    assert [f.code for f in delta.added if f.code == "CMP006"] == ["CMP006"]
    assert _codes(engine, "CMP006") == ["compose.yaml:3"]
    env.write_text("TAG=2.0.1\n")
    os.utime(env, None)
    delta = engine.update([env])
    assert [f.code for f in delta.removed if f.code == "CMP006"] == ["CMP006"]
    env.write_text("TAG=stable\n")
    engine.update([env])
    assert _codes(engine, "CMP006") == ["compose.yaml:3"]
    env.unlink()  # deleted: back to the file's own default
    engine.update([env])
    assert _codes(engine, "CMP006") == []


def test_a_git_ignored_dotenv_is_read_as_compose_reads_it(tmp_path: Path):
    (tmp_path / ".gitignore").write_text(".env\n")
    (tmp_path / ".env").write_text("TAG=latest\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: acme/app:${TAG:-1.0}\n")
    engine = Engine(tmp_path)
    engine.scan()
    assert _codes(engine, "CMP006") == ["compose.yaml:3"]
    assert not any(f.path == ".env" for f in engine.findings)  # not audited itself


def test_a_dotenv_link_out_of_the_repository_is_not_followed(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.env").write_text("TAG=latest\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".env").symlink_to(outside / "secrets.env")
    (repo / "compose.yaml").write_text("services:\n  app:\n    image: acme/app:${TAG:-1.0}\n")
    engine = Engine(repo)
    engine.scan()
    assert _codes(engine, "CMP006") == []


def test_what_the_override_file_publishes_counts_for_the_base_files_exposure(tmp_path):
    from auditui.checks.api import Severity

    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.4\n    environment:\n"
        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_HOST_AUTH_METHOD: trust\n"
        "    volumes: [pg:/var/lib/postgresql/data]\nvolumes:\n  pg: {}\n")
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=Vb3Nq8Zr2Kx6Lp9T\n")
    engine = Engine(tmp_path)
    engine.scan()

    def severities():
        return {f.code: f.severity for f in engine.findings if f.code in ("CMP021", "ENV004")}

    assert severities() == {"CMP021": Severity.MEDIUM, "ENV004": Severity.MEDIUM}
    # compose merges its override file over the base on a plain `up`: now the store is published
    (tmp_path / "compose.override.yaml").write_text('services:\n  db:\n    ports: ["5432:5432"]\n')
    engine.update(["compose.override.yaml"])
    assert severities() == {"CMP021": Severity.CRITICAL, "ENV004": Severity.CRITICAL}
    # loopback only: still not published beyond the host
    (tmp_path / "compose.override.yaml").write_text('services:\n  db:\n    ports: ["127.0.0.1:5432:5432"]\n')
    engine.update(["compose.override.yaml"])
    assert severities() == {"CMP021": Severity.MEDIUM, "ENV004": Severity.MEDIUM}


def test_an_included_file_is_read_with_its_include_entry(tmp_path: Path):
    """Compose 2.20+ ``include:``: the included file is interpolated from the entry's env_file
    (or its project_directory's .env), an override of the including project merges over its
    services, and includes outside the repository or remote are notices; editing the env file
    or the includer re-checks the included file."""
    files = {
        "compose.yaml": ("include:\n  - path: db/compose.yaml\n    env_file: conf/db.env\n"
                         "  - oci://registry.example/stack:1\n  - ../elsewhere/compose.yaml\n  - gone.yaml\n"
                         "services:\n  web:\n    image: nginx:1.27.0\n"),
        "db/compose.yaml": 'services:\n  db:\n    image: postgres:${PG:-16.4}\n    ports: ["${DB_PORT}:5432"]\n',
        "conf/db.env": "PG=latest\nDB_PORT=127.0.0.1:5432\n",
    }
    parsed = _parse(files, "db/compose.yaml")
    db = parsed.units[0].services[0]
    assert db.image == "postgres:latest" and {"compose.yaml", "conf/db.env"} <= parsed.reads
    top = _parse(files, "compose.yaml")
    notices = " ".join(top.notices)
    assert "oci://registry.example/stack:1" in notices and "remote" in notices
    assert "../elsewhere/compose.yaml" in notices and "outside the repository" in notices
    assert "gone.yaml" in notices
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    engine = Engine(tmp_path)
    engine.scan()
    assert _codes(engine, "CMP017") == [] and _codes(engine, "CMP006") == ["db/compose.yaml:3"]
    (tmp_path / "conf/db.env").write_text("PG=16.4\nDB_PORT=5432\n")
    engine.update([tmp_path / "conf/db.env"])
    assert _codes(engine, "CMP017") == ["db/compose.yaml:4"] and _codes(engine, "CMP006") == []
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27.0\n")  # no longer included
    engine.update([tmp_path / "compose.yaml"])
    assert _codes(engine, "CMP006") == [] and len(_codes(engine, "CMP017")) == 1  # ${DB_PORT} unknown: all interfaces
    # the override beside the including file merges over the included service
    (tmp_path / "compose.yaml").write_text(files["compose.yaml"])
    (tmp_path / "compose.override.yaml").write_text('services:\n  db:\n    ports: ["5433:5432"]\n')
    engine.update([tmp_path / "compose.yaml", tmp_path / "compose.override.yaml"])
    override = _parse({**files, "compose.override.yaml": 'services:\n  db:\n    ports: ["5433:5432"]\n'},
                      "compose.override.yaml").units[0].services[0]
    assert override.resolved_image_ref.name == "postgres"
