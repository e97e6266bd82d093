"""Terraform modules as the repository shows them: configurations, variables, evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditui.checks.engine import Engine
from auditui.checks.models import terraform_eval as tfe
from auditui.checks.models.hcl import read


def _repo(tmp_path: Path, files: dict[str, str]) -> Engine:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    engine = Engine(tmp_path)
    engine.scan()
    return engine


def _values(engine: Engine, path: str, resource: str, attr: str) -> dict[str, object]:
    scope = tfe.scope(engine.index, path)
    type_, name = resource.split(".")
    out = {}
    for res in scope.resources(type_):
        if res.name != name:
            continue
        for node in res.instances:
            key = node.config.label + (f"[{node.key}]" if node.key is not None else "")
            out[key] = node.get(attr)
    return out


def _eval(text: str, **inputs):
    expr = read(f"a = {text}\n").attrs[0].expr
    config = tfe.Config("test", inputs={k: (lambda v=v: v) for k, v in inputs.items()})
    module = tfe.Module(".")
    return tfe.Evaluator(module, config).eval(expr, {})


@pytest.mark.parametrize(("text", "value"), [
    ('"a-${var.x}-b"', "a-1-b"), ("var.m.k", "v"), ('lookup(var.m, "k", "d")', "v"), ('lookup(var.m, "z", "d")', "d"),
    ("merge(var.m, { z = 1 })", {"k": "v", "z": 1}), ('concat(["a"], ["b"])', ["a", "b"]),
    ('coalesce("", null, "c")', "c"), ('format("%s-%d", "a", 2)', "a-2"), ("var.x == 1 ? true : false", True),
    ("!var.flag", False), ("var.x + 2", 3), ('try(var.missing, "fallback")', "fallback"),
    ('join(",", ["a", "b"])', "a,b"), ('lower("ABC")', "abc"), ("length(var.m)", 1), ("var.x > 0 && var.flag", True),
])
def test_the_evaluator_computes_what_is_fixed(text, value):
    assert _eval(text, x=1, m={"k": "v"}, flag=True) == value


@pytest.mark.parametrize("text", [
    "aws_s3_bucket.b.arn", "data.aws_caller_identity.current.account_id", "module.vpc.id", "var.undeclared",
    '"${aws_s3_bucket.b.arn}/*"', "file(\"x\")", "[for s in var.l : s]", "var.u ? 1 : 2", "each.value",
])
def test_what_the_repository_does_not_fix_is_unknown(text):
    value = _eval(text, u=tfe.Unknown("u"))
    assert isinstance(value, tfe.Unknown)


def test_jsonencode_keeps_a_partly_known_document():
    value = _eval('jsonencode({ Statement = [{ Principal = "*", Resource = "${aws_s3_bucket.b.arn}/*" }] })')
    assert isinstance(value, tfe.Encoded)
    statement = value.value["Statement"][0]
    assert statement["Principal"] == "*" and isinstance(statement["Resource"], tfe.Unknown)


def test_variable_defaults_tfvars_and_optional_type_defaults(tmp_path):
    engine = _repo(tmp_path, {
        "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n'
                   'resource "aws_db_instance" "db" {\n  multi_az = var.multi_az\n  storage_encrypted = var.enc\n'
                   '  backup_retention_period = var.settings.retention\n}\n',
        "variables.tf": 'variable "multi_az" {\n  default = false\n}\nvariable "enc" {\n  default = true\n}\n'
                        'variable "settings" {\n  type = object({ retention = optional(number, 7) })\n  default = {}\n}\n',
        "terraform.tfvars": "multi_az = true\n",
    })
    assert _values(engine, "main.tf", "aws_db_instance.db", "multi_az") == {"terraform.tfvars": True}
    assert _values(engine, "main.tf", "aws_db_instance.db", "storage_encrypted") == {"terraform.tfvars": True}
    assert _values(engine, "main.tf", "aws_db_instance.db", "backup_retention_period") == {"terraform.tfvars": 7}


def test_a_root_module_is_judged_under_each_variable_file_named_after_it(tmp_path):
    engine = _repo(tmp_path, {
        "deployments/rds/main.tf": 'terraform {\n  cloud {}\n}\nresource "aws_db_instance" "db" {\n  multi_az = var.multi_az\n}\n',
        "deployments/rds/variables.tf": 'variable "multi_az" {\n  default = false\n}\n',
        "variables/production/rds.tfvars": "multi_az = true\n",
        "variables/staging/rds.tfvars": "multi_az = false\n",
        "variables/staging/other.tfvars": "unrelated = 1\n",
    })
    scope = tfe.scope(engine.index, "deployments/rds/main.tf")
    assert {c.label: c.production for c in scope.configs} == {
        "variables/production/rds.tfvars": True, "variables/staging/rds.tfvars": False}
    assert _values(engine, "deployments/rds/main.tf", "aws_db_instance.db", "multi_az") == {
        "variables/production/rds.tfvars": True, "variables/staging/rds.tfvars": False}


def test_a_local_module_takes_its_inputs_from_each_caller(tmp_path):
    engine = _repo(tmp_path, {
        "modules/db/main.tf": 'resource "aws_db_instance" "db" {\n  publicly_accessible = var.public\n'
                              '  identifier = "${var.name}-db"\n}\n'
                              'variable "public" {\n  default = false\n}\nvariable "name" {}\n',
        "envs/prod/main.tf": 'locals {\n  expose = true\n}\nmodule "db" {\n  source = "../../modules/db"\n'
                             '  public = local.expose\n  name = "orders"\n}\n',
        "examples/basic/main.tf": 'module "db" {\n  source = "../../modules/db"\n  name = "demo"\n}\n',
    })
    values = _values(engine, "modules/db/main.tf", "aws_db_instance.db", "publicly_accessible")
    assert values == {"module.db in envs/prod/main.tf": True, "module.db in examples/basic/main.tf": False}
    names = _values(engine, "modules/db/main.tf", "aws_db_instance.db", "identifier")
    assert names["module.db in envs/prod/main.tf"] == "orders-db"
    scope = tfe.scope(engine.index, "modules/db/main.tf")
    production = {c.label: c.production for c in scope.configs}
    assert production == {"module.db in envs/prod/main.tf": True, "module.db in examples/basic/main.tf": False}


def test_a_module_only_examples_call_is_also_judged_on_its_defaults(tmp_path):
    engine = _repo(tmp_path, {
        "main.tf": 'resource "aws_db_instance" "db" {\n  publicly_accessible = var.public\n}\n'
                   'variable "public" {\n  default = true\n}\n',
        "examples/complete/main.tf": 'module "db" {\n  source = "../../"\n  public = false\n}\n',
    })
    values = _values(engine, "main.tf", "aws_db_instance.db", "publicly_accessible")
    assert values == {"module.db in examples/complete/main.tf": False, "the defaults of module .": True}
    scope = tfe.scope(engine.index, "main.tf")
    assert [c.deployment for c in scope.configs] == [True, False]


def test_count_zero_removes_a_resource_and_for_each_expands_instances(tmp_path):
    engine = _repo(tmp_path, {
        "main.tf": 'resource "aws_s3_bucket" "off" {\n  count = var.create ? 1 : 0\n  acl = "public-read"\n}\n'
                   'resource "aws_db_instance" "db" {\n  for_each = var.dbs\n  multi_az = each.value.ha\n}\n'
                   'variable "create" {\n  default = false\n}\n'
                   'variable "dbs" {\n  default = { a = { ha = true }, b = { ha = false } }\n}\n',
    })
    assert _values(engine, "main.tf", "aws_s3_bucket.off", "acl") == {}
    assert _values(engine, "main.tf", "aws_db_instance.db", "multi_az") == {".[a]": True, ".[b]": False}


def test_dynamic_blocks_expand_when_their_collection_is_known(tmp_path):
    engine = _repo(tmp_path, {
        "main.tf": 'resource "aws_security_group" "sg" {\n  dynamic "ingress" {\n    for_each = var.rules\n'
                   '    content {\n      from_port = ingress.value.port\n      cidr_blocks = ingress.value.cidrs\n    }\n  }\n}\n'
                   'variable "rules" {\n  default = [{ port = 22, cidrs = ["0.0.0.0/0"] }, { port = 443, cidrs = ["10.0.0.0/8"] }]\n}\n',
    })
    scope = tfe.scope(engine.index, "main.tf")
    (res,) = list(scope.resources("aws_security_group"))
    rules = res.instances[0].blocks("ingress")
    assert [(r.get("from_port"), r.get("cidr_blocks")) for r in rules] == [(22, ["0.0.0.0/0"]), (443, ["10.0.0.0/8"])]


@pytest.mark.parametrize(("path", "production"), [
    ("envs/prod/main.tf", True), ("terraform/variables/staging/rds.tfvars", False), ("examples/basic", False),
    ("live/production/us-east-1/db", True), ("live/dev/db", False), ("infra/main.tf", True),
    ("tests/fixtures/x.tfvars", False), ("environments/integration.tfvars", False),
])
def test_environments_come_from_where_a_configuration_is(path, production):
    assert tfe.environment_of(path).production is production


def _fingerprints(engine: Engine) -> set[tuple[str, str, int | None, str]]:
    return {(f.code, f.path or ".", f.line, f.severity.name) for f in engine.findings if f.code.startswith("TF")}


def test_a_variable_file_edit_re_runs_only_what_read_the_changed_value(tmp_path):
    """Issue 9: saving a .tfvars re-judged every module of every root it configures (~300 ms on
    the bench corpus). A value is read on its own: what did not read it keeps its results, and
    what did is re-judged to the same findings as a fresh scan (a new value, a new name, a gone one)."""
    files = {
        "envs/production/main.tf": (
            'terraform {\n  backend "s3" {\n    bucket = "s"\n    dynamodb_table = "l"\n    encrypt = true\n  }\n}\n'
            'variable "multi_az" {}\nvariable "acl" {}\n'
            'module "db" {\n  source   = "../../modules/db"\n  multi_az = var.multi_az\n}\n'
            'module "files" {\n  source = "../../modules/files"\n  acl    = var.acl\n}\n'),
        "envs/production/terraform.tfvars": 'multi_az = true\nacl = "private"\n',
        "modules/db/main.tf": (
            'variable "multi_az" {}\nresource "aws_db_instance" "db" {\n  engine = "postgres"\n'
            '  multi_az = var.multi_az\n  storage_encrypted = true\n  backup_retention_period = 7\n'
            '  deletion_protection = true\n}\n'),
        "modules/files/main.tf": (
            'variable "acl" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
            'resource "aws_s3_bucket_acl" "b" {\n  bucket = aws_s3_bucket.b.id\n  acl = var.acl\n}\n'),
    }
    engine = _repo(tmp_path, files)
    assert not {c for c, p, _, _ in _fingerprints(engine) if p.startswith("modules/")}
    bucket_group = engine._each_results["TF001"][("tf:file", "modules/files/main.tf")][0]
    tfvars = tmp_path / "envs/production/terraform.tfvars"
    for text in ('multi_az = false\nacl = "private"\n',             # a value the bucket never reads
                 'multi_az = false\nacl = "public-read"\n',         # a value it reads
                 'multi_az = false\nacl = "public-read"\nx = 1\n',  # a new name
                 'acl = "private"\n'):                               # a name gone
        tfvars.write_text(text, encoding="utf-8")
        engine.update([tfvars])
        fresh = Engine(tmp_path)
        fresh.scan()
        assert _fingerprints(engine) == _fingerprints(fresh), text
        if text.startswith('multi_az = false\nacl = "private"'):
            assert ("TF011", "modules/db/main.tf") in {(c, p) for c, p, _, _ in _fingerprints(engine)}
            # the bucket's check read acl only: it was not re-run
            assert engine._each_results["TF001"][("tf:file", "modules/files/main.tf")][0] is bucket_group
        if "public-read" in text:
            assert ("TF001", "modules/files/main.tf") in {(c, p) for c, p, _, _ in _fingerprints(engine)}


_TG_MODULE = ('resource "aws_db_instance" "db" {\n  engine = "postgres"\n  publicly_accessible = true\n'
              '  storage_encrypted = true\n  backup_retention_period = 7\n  deletion_protection = true\n'
              '  multi_az = true\n}\n')


def test_a_module_terragrunt_deploys_is_judged_on_its_defaults_and_says_why(tmp_path):
    """Terragrunt units are in the repository: the module is not 'for a caller outside the
    repository'; its units' inputs are not read, so it is at most medium, and every unit says so."""
    engine = _repo(tmp_path, {
        "modules/db/main.tf": _TG_MODULE,
        "live/prod/db/terragrunt.hcl": ('terraform {\n  source = "../../../modules//db"\n}\n'
                                        'include {\n  path = find_in_parent_folders()\n}\n'
                                        'inputs = {\n  name = "db"\n}\n'),
        "live/terragrunt.hcl": 'remote_state {\n  backend = "s3"\n}\n',
        "live/prod/cdn/terragrunt.hcl": 'terraform {\n  source = "git::https://github.com/acme/modules.git//cdn?ref=v1"\n}\n',
        "live/prod/app/terragrunt.hcl": 'terraform {\n  source = "${get_repo_root()}/modules//app"\n}\n',
    })
    assert engine.check_errors == []
    public = [f for f in engine.findings if f.code == "TF002"]
    assert len(public) == 1 and public[0].severity.name == "MEDIUM"
    assert "a terragrunt.hcl (live/prod/db/terragrunt.hcl) deploys with inputs auditui does not read" in public[0].message
    assert "outside the repository" not in public[0].message
    notices = {n.path: n.message for n in engine.all_notices()}
    assert "deploys module modules/db, but the inputs it gives are not read" in notices["live/prod/db/terragrunt.hcl"]
    assert "outside the repository; not read" in notices["live/prod/cdn/terragrunt.hcl"]
    assert "not a literal" in notices["live/prod/app/terragrunt.hcl"]
    assert "the units below this folder include" in notices["live/terragrunt.hcl"]


def test_a_terragrunt_unit_added_or_removed_re_judges_the_module(tmp_path):
    engine = _repo(tmp_path, {"modules/db/main.tf": _TG_MODULE})
    unit = tmp_path / "live/prod/db/terragrunt.hcl"

    def message() -> str:
        return next(f.message for f in engine.findings if f.code == "TF002")

    assert "caller outside the repository" in message()
    unit.parent.mkdir(parents=True)
    unit.write_text('terraform {\n  source = "../../../modules//db"\n}\n', encoding="utf-8")
    engine.update([unit])
    assert "terragrunt.hcl (live/prod/db/terragrunt.hcl)" in message()
    unit.unlink()
    engine.update([unit])
    assert "caller outside the repository" in message()
    fresh = Engine(tmp_path)
    fresh.scan()
    assert _fingerprints(engine) == _fingerprints(fresh)


@pytest.mark.parametrize(("text", "value"), [
    ("[for s in var.l : upper(s)]", ["A", "B"]),
    ('[for i, s in var.l : "${i}-${s}" if s != "a"]', ["1-b"]),
    ("{for s in var.l : s => length(s)}", {"a": 1, "b": 1}),
    ("{for k, v in var.m : v => k...}", {"v": ["k", "z"]}),
    # a map is iterated in key order, as Terraform does
    ("[for k, v in var.m : k]", ["k", "z"]),
    ("values({for r in var.rules : r.name => r.port})", [22, 80]),
])
def test_for_expressions_over_known_collections(text, value):
    rules = [{"name": "ssh", "port": 22}, {"name": "web", "port": 80}]
    assert _eval(text, l=["a", "b"], m={"z": "v", "k": "v"}, rules=rules) == value


def test_a_list_not_fully_known_keeps_what_it_certainly_holds():
    # the branch behind an unknown condition may or may not be there; the rest certainly is
    value = _eval('concat(["a"], var.u ? ["b"] : [], ["c"])', u=tfe.Unknown("u"))
    assert isinstance(value, tfe.Partial) and not tfe.known(value) and value.value == ["a", "c"]
    assert _eval('length(concat(["a"], var.u))', u=tfe.Unknown("u")) is not None
    assert not tfe.known(_eval('length(concat(["a"], var.u))', u=tfe.Unknown("u")))
    # through a for expression, values() and lookup()
    rules = _eval('values({for r in concat(var.base, var.u) : r.name => r})',
                  base=[{"name": "ssh", "port": 22}], u=tfe.Unknown("u"))
    assert isinstance(rules, tfe.Partial) and rules.value == [{"name": "ssh", "port": 22}]
    assert _eval('lookup(merge({a = 1}, var.u, {b = 2}), "b")', u=tfe.Unknown("u")) == 2
    # an entry a later map not fully known may replace is not certain
    merged = _eval('merge({a = 1}, var.u)', u=tfe.Unknown("u"))
    assert isinstance(merged, tfe.Partial) and merged.value == {}
    # an item whose condition is not known is left out, and the result says it may hold more
    kept = _eval('[for s in var.l : s if s != var.u]', l=["a"], u=tfe.Unknown("u"))
    assert isinstance(kept, tfe.Partial) and kept.value == []


def test_a_dynamic_block_over_a_partial_list_expands_the_certain_items_and_one_unknown(tmp_path):
    engine = _repo(tmp_path, {"main.tf": '''
variable "extra" {}
locals {
  rules = concat([{ port = 22 }], var.extra)
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = local.rules
    content {
      from_port = ingress.value.port
    }
  }
}
'''})
    scope = tfe.scope(engine.index, "main.tf")
    node = next(scope.resources("aws_security_group")).instances[0]
    ports = [rule.get("from_port") for rule in node.blocks("ingress")]
    assert ports[0] == 22 and len(ports) == 2 and not tfe.known(ports[1])


def test_origin_of_names_the_variable_a_list_came_from_unchanged(tmp_path):
    engine = _repo(tmp_path, {"main.tf": '''
variable "sources" {
  default = ["0.0.0.0/0"]
}
locals {
  rules = { for r in [{ name = "ssh", cidrs = var.sources }] : r.name => r }
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = local.rules
    content {
      cidr_blocks = ingress.value.cidrs
      other       = ["0.0.0.0/0"]
    }
  }
}
'''})
    scope = tfe.scope(engine.index, "main.tf")
    rule = next(scope.resources("aws_security_group")).instances[0].blocks("ingress")[0]
    assert rule.evaluator.origin_of(rule.get("cidr_blocks")) == ["var.sources defaults to it in main.tf:3"]
    assert rule.evaluator.origin_of(rule.get("other")) == []  # an equal list written elsewhere is not it
