"""The one HCL reader: positions, expressions as small trees, templates, heredocs, errors."""

from __future__ import annotations

import pytest

from auditui.checks.models import hcl


def _attr(text: str, name: str = "a") -> hcl.Attr:
    found = hcl.read(text)
    attr = next(a for a in found.attrs if a.name == name)
    return attr


def test_blocks_keep_type_labels_attributes_nested_blocks_and_lines():
    text = (
        '# a comment\n'
        'resource "aws_s3_bucket" "b" {\n'
        '  bucket = "data"\n'
        '  versioning {\n'
        '    enabled = true\n'
        '  }\n'
        '}\n'
        'terraform {\n'
        '  backend "s3" {}\n'
        '}\n'
    )
    found = hcl.read(text)
    assert found.errors == []
    resource, terraform = found.blocks
    assert (resource.type, resource.labels, resource.line, resource.end_line) == ("resource", ("aws_s3_bucket", "b"), 2, 7)
    assert resource.attr("bucket").expr == hcl.Expr("lit", "data", line=3)
    assert resource.attr("bucket").line == 3
    versioning = resource.block("versioning")
    assert (versioning.line, versioning.end_line) == (4, 6)
    assert versioning.attr("enabled").expr.value is True
    assert terraform.blocks[0].type == "backend" and terraform.blocks[0].labels == ("s3",)


@pytest.mark.parametrize(("source", "value"), [
    ('"x"', "x"), ("1", 1), ("1.5e3", 1500.0), ("true", True), ("false", False), ("null", None),
    ('"esc\\"aped\\n"', 'esc"aped\n'), ('"$${literal}"', "${literal}"), ('"\\u00e9"', "\u00e9"), ('""', ""),
])
def test_literals_become_python_values(source, value):
    expr = _attr(f"a = {source}\n").expr
    assert expr.kind == "lit" and expr.value == value and type(expr.value) is type(value)


def test_references_keep_their_path_with_literal_indexes():
    assert _attr("a = var.db.password\n").expr.value == ("var", "db", "password")
    assert _attr("a = local.x[0].y\n").expr.value == ("local", "x", 0, "y")
    assert _attr('a = var.m["k"]\n').expr.value == ("var", "m", "k")
    assert _attr("a = var.m[var.k]\n").expr.value == ("var", "m", None)  # an index that is not literal
    assert _attr("a = aws_s3_bucket.b[*].id\n").expr.value == ("aws_s3_bucket", "b", "*", "id")
    assert _attr("a = x.0\n").expr.value == ("x", 0)  # the legacy index form


def test_templates_keep_literal_and_interpolated_parts():
    expr = _attr('a = "arn:${var.p}:s3:::${local.b}/*"\n').expr
    assert expr.kind == "tpl"
    assert expr.parts[0] == "arn:" and expr.parts[1].value == ("var", "p") and expr.parts[-1] == "/*"
    directive = _attr('a = "%{ if var.x }yes%{ endif }"\n').expr
    assert any(isinstance(p, hcl.Expr) and p.kind == "unknown" for p in directive.parts)


def test_heredocs_keep_their_text_and_strip_indentation_with_dash():
    plain = _attr('a = <<EOT\n{"Version": "2012-10-17"}\nEOT\n').expr
    assert plain == hcl.Expr("lit", '{"Version": "2012-10-17"}\n', line=1)
    indented = _attr("a = <<-EOT\n    first\n      second\n    EOT\n").expr
    assert indented.value == "first\n  second\n"
    templated = _attr("a = <<EOT\nhello ${var.name}\nEOT\n").expr
    assert templated.kind == "tpl" and templated.parts[0] == "hello "


def test_collections_calls_conditionals_and_operators():
    obj = _attr('a = { Name = "x", "k" = 1, (var.key) = 2 }\n').expr
    keys = [k for k, _ in obj.parts]
    assert keys[0] == hcl.Expr("lit", "Name", line=1) and keys[1].value == "k" and keys[2].kind == "ref"
    assert _attr('a = ["0.0.0.0/0", var.cidr]\n').expr.kind == "tuple"
    call = _attr("a = jsonencode({ Statement = [] })\n").expr
    assert call.kind == "call" and call.value == "jsonencode" and call.parts[0].kind == "object"
    assert _attr("a = concat(var.a...)\n").expr.expand is True
    cond = _attr("a = var.n > 0 ? 1 : 0\n").expr
    assert cond.kind == "cond" and cond.parts[0].kind == "op" and cond.parts[0].value == ">"
    assert cond.parts[0].parts[0].value == ("var", "n")  # a traversal inside an operation
    assert _attr("a = !var.x\n").expr == hcl.Expr("op", "!", (hcl.Expr("ref", ("var", "x"), line=1),), 1)
    each = _attr("a = [for s in var.l : s]\n").expr
    assert each.kind == "for" and each.value == (("s",), "tuple", False)
    assert each.parts[0].value == ("var", "l") and each.parts[1] is None and each.parts[3] is None
    grouped = _attr('a = {for k, v in var.m : v.zone => k... if k != "x"}\n').expr
    assert grouped.value == (("k", "v"), "object", True)
    assert grouped.parts[1].value == ("v", "zone") and grouped.parts[3].kind == "op"


def test_multi_line_attributes_span_their_lines_and_keep_a_capped_source():
    found = hcl.read('a = jsonencode({\n  k = 1\n})\nb = "' + "x" * 1000 + '"\n')
    a, b = found.attrs
    assert (a.line, a.end_line) == (1, 3) and a.text.startswith("jsonencode({")
    assert len(b.text) == hcl.SOURCE_CAP


def test_syntax_errors_are_reported_with_their_line_and_the_rest_is_read():
    found = hcl.read('resource "a" "b" {\n  x = 1\n}\nbroken = {\nresource "c" "d" {\n  y = 2\n}\n')
    assert found.errors and all(isinstance(line, int) and line >= 1 for line, _ in found.errors)
    assert found.blocks[0].labels == ("a", "b")


@pytest.mark.parametrize("text", [
    "", "\x00\x01\x02", "{{{{", "a = \n", 'resource "x" {', "a = <<EOT\nno end", "a = " + "[" * 500,
    "a = " + "(" * 300 + "1" + ")" * 300, "\ufeffa = 1\n", "a = \"\\ud800\"\n", "a = 1\r\nb = 2\r\n",
])
def test_any_input_gives_a_model_never_an_exception(text):
    found = hcl.read(text)
    assert isinstance(found.blocks, tuple) and isinstance(found.errors, list)


def test_nesting_past_the_limit_is_cut_and_reported():
    deep = "a = " + "[" * (hcl.MAX_DEPTH + 20) + "1" + "]" * (hcl.MAX_DEPTH + 20) + "\n"
    found = hcl.read(deep)
    assert any("nested more than" in message for _, message in found.errors)


def test_the_model_is_frozen_and_compares_by_value():
    one = hcl.read('resource "a" "b" { x = [1, "y"] }\n')
    two = hcl.read('resource "a" "b" { x = [1, "y"] }\n')
    assert one.blocks == two.blocks and hash(one.blocks) == hash(two.blocks)
