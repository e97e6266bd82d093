"""Terraform resources of a provider no rule reads are a notice, and the inventory and the
readiness checklist say they were not verified, never "nothing is exposed"."""

from __future__ import annotations

from pathlib import Path

from auditui.checks import inventory
from auditui.checks.configfile import load
from auditui.checks.engine import Engine
from auditui.checks.inventory import Maturity
from auditui.checks.models.hcl import read
from auditui.checks.models.terraform import PARTLY_RULED, unaudited
from auditui.checks.readiness import production_checklist

HCLOUD = '''
resource "hcloud_server" "node" {
  name        = "node-1"
  server_type = "cx22"
  image       = "ubuntu-24.04"
}

resource "hcloud_server" "node2" {
  name = "node-2"
}

resource "hcloud_load_balancer" "lb" {
  load_balancer_type = "lb11"
}

resource "random_password" "p" {
  length = 24
}

resource "null_resource" "wait" {}

resource "linode_instance" "web" {
  label = "web"
}
'''

AWS_ONLY = '''
resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "helm_release" "ingress" {
  name  = "ingress"
  chart = "ingress-nginx"
}
'''


def _scan(root: Path, files: dict[str, str]) -> Engine:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    engine = Engine(root, load(root, None))
    engine.scan()
    assert engine.check_errors == []
    return engine


def test_unaudited_groups_resource_types_by_provider_and_skips_utilities():
    found = unaudited(read(HCLOUD).blocks)
    assert found == {"hcloud": ["hcloud_server", "hcloud_server", "hcloud_load_balancer"],
                     "linode": ["linode_instance"]}
    assert unaudited(read(AWS_ONLY).blocks) == {}


def test_partly_ruled_types_are_read_types_and_not_listed():
    for provider, types in PARTLY_RULED.items():
        for type_ in types:
            assert type_.startswith(provider + "_")
            text = f'resource "{type_}" "x" {{}}\nresource "{provider}_other_thing" "y" {{}}\n'
            assert unaudited(read(text).blocks) == {provider: [f"{provider}_other_thing"]}


def test_each_unaudited_provider_is_a_notice_with_its_count(tmp_path):
    engine = _scan(tmp_path, {"infra/main.tf": HCLOUD, "aws/main.tf": AWS_ONLY})
    notices = [n for n in engine.all_notices() if n.path == "infra/main.tf"]
    messages = sorted(n.message for n in notices)
    assert len(messages) == 2
    hcloud = next(m for m in messages if m.startswith("Hetzner Cloud (hcloud)"))
    assert "3 resources not audited" in hcloud and "hcloud_server x2" in hcloud
    assert "random" not in hcloud and "null_resource" not in hcloud
    linode = next(m for m in messages if m.startswith("Linode (linode)"))
    assert "1 resource not audited" in linode and "no rules for this provider" in linode
    # a tree of providers auditui reads (and utilities, and a Helm release read as an install) is quiet
    assert not [n for n in engine.all_notices() if n.path == "aws/main.tf"]


def test_inventory_and_checklist_do_not_claim_nothing_is_exposed(tmp_path):
    engine = _scan(tmp_path, {"main.tf": HCLOUD})
    checklist = production_checklist(engine.findings, engine.index)
    inv = inventory.build(engine.index, engine.context_of, checklist)
    ingress = inv.area("ingress")
    assert ingress.maturity is Maturity.NOT_VERIFIED
    assert "nothing is exposed" not in ingress.why
    assert "3 Hetzner Cloud resources (hcloud_*, not audited)" in ingress.why
    by_id = {item.area.id: item for item in checklist}
    for area in ("network-policy", "tls", "database-ha", "backup-dr"):
        assert "not verified for 3 Hetzner Cloud resources" in by_id[area].summary, area
    assert "not verified" not in by_id["rbac"].summary


def test_examples_do_not_make_an_area_unverified(tmp_path):
    engine = _scan(tmp_path, {"examples/hetzner/main.tf": HCLOUD, "main.tf": AWS_ONLY})
    checklist = production_checklist(engine.findings, engine.index)
    inv = inventory.build(engine.index, engine.context_of, checklist)
    assert "Hetzner" not in inv.area("ingress").why
    assert all("not verified" not in item.summary for item in checklist)
    # the example's file still says what was not audited
    assert any(n.path == "examples/hetzner/main.tf" for n in engine.all_notices())


def test_only_resources_that_could_hold_infrastructure_make_an_area_unverified(tmp_path):
    from auditui.checks.models.terraform import hides_infrastructure

    assert hides_infrastructure("hcloud_server") and hides_infrastructure("kubernetes_deployment")
    assert hides_infrastructure("kubectl_manifest") and hides_infrastructure("kubernetes_cron_job_v1")
    for type_ in ("kubernetes_namespace", "kubernetes_service_account", "kubernetes_secret",
                  "postgresql_role", "cloudflare_record", "auth0_client"):
        assert not hides_infrastructure(type_), type_
    engine = _scan(tmp_path, {"main.tf": 'resource "kubernetes_namespace" "ns" {}\n'
                                         'resource "postgresql_database" "db" {}\n'})
    checklist = production_checklist(engine.findings, engine.index)
    assert all("not verified" not in item.summary for item in checklist)
    # still a notice each: nothing about them was audited
    assert len([n for n in engine.all_notices() if n.path == "main.tf"]) == 2
