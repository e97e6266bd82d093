"""Adding a domain is adding one folder and registering it (tests/toydomain is the example)."""

from __future__ import annotations

import importlib

import pytest

from auditui.checks import filetypes, registry
from auditui.checks.engine import Engine
from auditui.checks.parse import comments_of, kind_by_name


@pytest.fixture
def toy(monkeypatch):
    """Register the toy domain for one test, as one line in registry.DOMAINS would."""
    module = importlib.import_module("toydomain")
    monkeypatch.setitem(registry.DOMAINS, "toy", module)
    registry.refresh()
    yield module
    monkeypatch.undo()
    registry.refresh()


MAIN_TF = """\
// a toy Terraform-like file
resource "x" "a" {
  insecure = true
}
resource "x" "b" {
  // auditui: ignore[TOY001] lab network, reviewed
  insecure = true
}
resource "x" "c" {
  insecure = true /* auditui: ignore[toy-insecure-setting] throwaway sandbox */ other = 1
}
resource "x" "d" {
  # auditui: ignore[TOY001]
  insecure = true
}
"""


def test_a_registered_domain_reads_its_files_and_its_comments(toy, tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.toy").write_text(MAIN_TF, encoding="utf-8")
    (tmp_path / "infra" / "prod.toyvars").write_text("insecure = false\n", encoding="utf-8")
    engine = Engine(tmp_path)
    findings = [f for f in engine.scan() if f.path == "infra/main.toy"]

    model_kind = toy.FILE_TYPES[0].kind
    assert engine.records["infra/main.toy"].kind is model_kind
    assert engine.records["infra/prod.toyvars"].kind is model_kind
    by_line = {f.line: f for f in findings if f.code == "TOY001"}
    assert sorted(by_line) == [3, 7, 10, 14]
    assert by_line[3].suppressed_by is None
    assert "lab network, reviewed" in (by_line[7].suppressed_by or "")  # // comment on the line above
    assert "throwaway sandbox" in (by_line[10].suppressed_by or "")  # /* */ at the end of the line
    assert "other = 1" not in by_line[10].suppressed_by  # the reason stops at */
    assert by_line[14].suppressed_by is not None  # # comments too
    assert [f.line for f in findings if f.code == "AUD002"] == [13]  # ... and the marker gives no reason
    assert engine.index.has("toy:file")


def test_the_registry_is_restored_without_the_domain(tmp_path):
    (tmp_path / "main.toy").write_text("insecure = true\n", encoding="utf-8")
    (tmp_path / "main.tf").write_text("insecure = true\n", encoding="utf-8")
    assert "toy" not in registry.DOMAINS
    assert kind_by_name("main.toy") is None
    assert kind_by_name("main.tf").value == "terraform"  # the real Terraform domain
    engine = Engine(tmp_path)
    assert not [f for f in engine.scan() if f.code.startswith("TOY")]
    assert engine.index.has("iac")  # still a Terraform file for the repository checks


def test_file_types_declare_their_comment_syntax(toy):
    assert comments_of(kind_by_name("infra/main.toy")).line == ("//", "#")
    assert comments_of(kind_by_name("deploy.yaml")).line == ("#",)  # YAML: nothing claims it by name
    assert comments_of(kind_by_name("Dockerfile")).line == ("#",)
    assert filetypes.table().by_name("Dockerfile").name == "dockerfile"


def test_every_domain_file_type_is_well_formed():
    names = [t.name for t in registry.FILE_TYPES]
    assert len(names) == len(set(names))
    for ftype in registry.FILE_TYPES:
        assert ftype.by_name or ftype.by_content or ftype.by_path_hint or ftype.by_head, ftype.name
