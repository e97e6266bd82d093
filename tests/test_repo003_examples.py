"""REPO003 on what a repository is and what a store holds: variants of one compose example are one
finding; an application's repository that deploys nothing ships its compose files as examples for its
users (medium); an analytics or statistics store holds derived data (medium); a deployment bundle's
system of record keeps the high."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import pedantic, write
from auditui.checks.api import Severity
from auditui.checks.engine import Engine

FIXTURES = Path(__file__).parent / "fixtures" / "repo" / "compose-database-without-backup"

STACK = """\
services:
  db:
    image: docker.io/library/%s
    volumes: [dbdata:/var/lib/data]
  web:
    image: ghcr.io/acme/notes:2.1.0
    depends_on: [db]
volumes:
  dbdata:
"""


def repo003(root: Path) -> dict[tuple[str, str], object]:
    engine = Engine(root, pedantic())
    engine.scan()
    assert engine.check_errors == []
    return {(f.path, f.resource): f for f in engine.findings if f.code == "REPO003"}


def test_variants_of_one_example_are_one_finding_per_database_kind():
    found = repo003(FIXTURES / "bad-example-variants")
    assert sorted(found) == [("docker/compose/docker-compose.mariadb.yml", "service/db"),
                             ("docker/compose/docker-compose.postgres.yml", "service/db")]
    postgres = found[("docker/compose/docker-compose.postgres.yml", "service/db")]
    assert "2 variants of the same example" in postgres.message
    assert "docker-compose.postgres-tika.yml" in postgres.message
    assert "docker-compose.portainer.yml" in postgres.message
    assert "1 variant of the same example: docker/compose/docker-compose.mariadb-tika.yml" in found[
        ("docker/compose/docker-compose.mariadb.yml", "service/db")].message
    # a deployment bundle (no application source): the system of record keeps its severity
    assert {f.severity for f in found.values()} == {Severity.HIGH}


def _application(root: Path, files: int) -> None:
    for index in range(files):
        write(root, f"src/notes/mod{index}.py", f"VALUE = {index}\n")


def test_an_application_repository_ships_its_compose_file_as_an_example(tmp_path):
    _application(tmp_path, 220)
    write(tmp_path, "docker-compose.yml", STACK % "postgres:17")
    found = repo003(tmp_path)[("docker-compose.yml", "service/db")]
    assert found.severity is Severity.MEDIUM
    assert "ships this compose file as an example for its users" in found.message
    assert "needs a backup of this database" in found.message


@pytest.mark.parametrize("case", ["few sources", "deploy script"])
def test_a_repository_that_deploys_its_compose_file_keeps_the_high(tmp_path, case):
    _application(tmp_path, 20 if case == "few sources" else 220)
    if case == "deploy script":
        write(tmp_path, "scripts/deploy.sh", "#!/bin/sh\nset -eu\nssh prod 'cd /srv/notes && docker compose up -d'\n")
    write(tmp_path, "docker-compose.yml", STACK % "postgres:17")
    assert repo003(tmp_path)[("docker-compose.yml", "service/db")].severity is Severity.HIGH


@pytest.mark.parametrize(("path", "image", "words"), [
    ("docker-compose.yml", "clickhouse/clickhouse-server:25.3", "analytics or event store"),
    ("rtcstats/mongodb/mongodb.yml", "mongo:7", "a store for statistics ('rtcstats')"),
])
def test_a_store_of_derived_data_is_lower_than_the_system_of_record(tmp_path, path, image, words):
    write(tmp_path, path, (STACK % "postgres:17").replace("docker.io/library/postgres:17", image))
    found = repo003(tmp_path)[(path, "service/db")]
    assert found.severity is Severity.MEDIUM
    assert words in found.message
