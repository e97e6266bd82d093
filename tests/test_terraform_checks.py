"""Issue 9's acceptance for the Terraform domain, on two small repositories.

``fixtures/terraform/acceptance-exposed``: a public bucket, SSH open to the world and a public,
unencrypted RDS instance with a literal password and backups off: each at its line, the
database's exposure critical because its password is in the repository.  The hardened module
(``fixtures/hardened/terraform-aws``) is covered by ``test_hardened.py``.
"""

from __future__ import annotations

from pathlib import Path

from auditui.checks.api import Severity
from auditui.checks.engine import Engine
from fixture_harness import actual_markers, expected_markers

FIXTURES = Path(__file__).parent / "fixtures"


def test_an_exposed_repository_gets_each_problem_at_its_line():
    root = FIXTURES / "terraform" / "acceptance-exposed"
    engine = Engine(root)
    engine.scan()
    assert engine.check_errors == []
    expected = expected_markers(root)
    assert actual_markers(engine, {code for code, _, _ in expected}) == expected
    by_code = {f.code: f for f in engine.findings if f.code.startswith("TF")}
    assert by_code["TF002"].severity == Severity.CRITICAL  # public, and the password is in the repository
    assert by_code["TF005"].severity == Severity.CRITICAL  # a random-looking password for a public database
    assert by_code["TF003"].severity == Severity.MEDIUM  # SSH only: key logins on cloud images
    assert by_code["TF007"].severity == Severity.MEDIUM  # at-rest encryption guards disk copies, not the network path
    assert "Xk9vQ2mLp7RtZs4W" not in by_code["TF005"].evidence + by_code["TF005"].message


def test_the_same_problems_only_in_a_staging_configuration_are_medium_at_most(tmp_path):
    module = tmp_path / "modules" / "db"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'variable "public" {\n  default = false\n}\n'
        'resource "aws_db_instance" "this" {\n  storage_encrypted = true\n  publicly_accessible = var.public\n}\n')
    for env, public in (("staging", "true"), ("production", "false")):
        root = tmp_path / "envs" / env
        root.mkdir(parents=True)
        (root / "main.tf").write_text(f'module "db" {{\n  source = "../../modules/db"\n  public = {public}\n}}\n')
    engine = Engine(tmp_path)
    engine.scan()
    found = [f for f in engine.findings if f.code == "TF002"]
    assert len(found) == 1 and found[0].severity == Severity.MEDIUM
    assert "staging" in found[0].message


def test_a_backup_plan_in_terraform_counts_as_backups_for_absence_checks(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16.3\n    volumes: [data:/var/lib/postgresql/data]\n"
        "volumes:\n  data: {}\n")
    engine = Engine(tmp_path)
    assert [f.code for f in engine.scan() if f.code == "REPO003"] == ["REPO003"]
    (tmp_path / "backup.tf").write_text(
        'resource "aws_backup_plan" "nightly" {\n  name = "nightly"\n}\n')
    engine = Engine(tmp_path)
    assert [f.code for f in engine.scan() if f.code == "REPO003"] == []


# -- TF003: what the security group is attached to (HELDOUT2 exposure-target-private) ----------


def _tf003(root: Path) -> dict[str, object]:
    engine = Engine(root)
    engine.scan()
    assert engine.check_errors == []
    return {f.resource: f for f in engine.findings if f.code == "TF003"}


def test_tf003_severity_follows_what_the_group_is_attached_to():
    found = _tf003(FIXTURES / "terraform" / "open-admin-port" / "bad-attachments")
    # a public instance, an internet-facing load balancer: the check's severity, and which resource
    # (the instance's group opens SSH only: medium, and it says why)
    assert found["aws_security_group.web"].severity == Severity.MEDIUM
    assert "attached to aws_instance.web" in found["aws_security_group.web"].message
    assert "SSH only" in found["aws_security_group.web"].message
    assert found["aws_vpc_security_group_ingress_rule.lb_all"].severity == Severity.HIGH
    assert "aws_lb.front" in found["aws_vpc_security_group_ingress_rule.lb_all"].message
    # handed to a module, or attached to nothing seen: kept, and the message says it was not seen
    assert found["aws_security_group.handed"].severity == Severity.HIGH
    assert "module.app" in found["aws_security_group.handed"].message
    assert found["aws_security_group.orphan"].severity == Severity.HIGH  # a source of another rule is no attachment
    assert "no attachment of it was seen" in found["aws_security_group.orphan"].message
    # only interface endpoints (in another file of the module, for_each): low, and why
    endpoints = found["aws_security_group.endpoints"]
    assert endpoints.severity == Severity.LOW
    assert "attached only to resources with private addresses" in endpoints.message
    assert "interface VPC endpoint (aws_vpc_endpoint.endpoints)" in endpoints.message


def test_tf003_group_attached_only_to_private_resources_is_low():
    found = _tf003(FIXTURES / "terraform" / "open-admin-port" / "bad-private-attachments")
    assert {name: f.severity for name, f in found.items()} == {
        "aws_security_group.private": Severity.LOW, "aws_security_group_rule.private_ssh": Severity.LOW}
    message = found["aws_security_group.private"].message
    for what in ("interface VPC endpoint", "ElastiCache cluster", "load balancer", "database instance", "Lambda function"):
        assert what in message


def test_tf003_one_public_target_among_private_ones_keeps_the_severity(tmp_path):
    text = (FIXTURES / "terraform" / "open-admin-port" / "bad-private-attachments" / "endpoints" / "security.tf").read_text()
    (tmp_path / "main.tf").write_text(text.replace("publicly_accessible    = false", "publicly_accessible    = true"))
    found = _tf003(tmp_path)
    assert found["aws_security_group.private"].severity == Severity.HIGH
    assert "attached to aws_db_instance.db" in found["aws_security_group.private"].message


# -- TF002: a public endpoint behind an allowlist (HELDOUT6 allowlist-not-read) ----------------


def test_tf002_reads_the_allowlist_of_the_instances_security_groups():
    engine = Engine(FIXTURES / "terraform" / "public-database" / "bad-allowlist")
    engine.scan()
    assert engine.check_errors == []
    found = {f.resource: f for f in engine.findings if f.code == "TF002"}
    allowlisted = found["aws_db_instance.allowlisted"]
    assert allowlisted.severity == Severity.MEDIUM
    for source in ("security group data.aws_security_group.bastion", "144.76.186.39/32", "159.69.58.186/32",
                   "10.0.0.0/8 (private)"):
        assert source in allowlisted.message
    # a wide public range, a world rule added by a rule resource, a group or a CIDR not known: kept high
    for name in ("wide", "later", "unknown_group", "unknown_cidr"):
        assert found[f"aws_db_instance.{name}"].severity == Severity.HIGH, name
        assert "anyone on the internet" in found[f"aws_db_instance.{name}"].message


def test_tf003_ssh_alone_is_medium_ssh_with_another_sensitive_port_stays_high(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "ssh" {\n'
        '  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n    ipv6_cidr_blocks = ["::/0"]\n  }\n}\n'
        'resource "aws_security_group" "ssh_rdp" {\n'
        '  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n'
        '  ingress {\n    from_port = 3389\n    to_port = 3389\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
        'resource "aws_instance" "a" {\n  vpc_security_group_ids = [aws_security_group.ssh.id, aws_security_group.ssh_rdp.id]\n'
        '  associate_public_ip_address = true\n}\n'
        'resource "google_compute_firewall" "agents" {\n  name = "agents"\n  network = "crater"\n'
        '  allow {\n    protocol = "tcp"\n    ports = [22, 4343]\n  }\n  source_ranges = ["0.0.0.0/0"]\n}\n'
        'resource "google_compute_firewall" "all" {\n  name = "all"\n  network = "crater"\n'
        '  allow {\n    protocol = "tcp"\n  }\n  source_ranges = ["0.0.0.0/0"]\n}\n')
    found = _tf003(tmp_path)
    assert {name: f.severity for name, f in found.items()} == {
        "aws_security_group.ssh": Severity.MEDIUM, "aws_security_group.ssh_rdp": Severity.HIGH,
        "google_compute_firewall.agents": Severity.MEDIUM, "google_compute_firewall.all": Severity.HIGH}


# -- TF001: a policy that publishes objects by key (HELDOUT6 by-design-required) ---------------


def test_tf001_a_policy_granting_only_object_reads_is_medium_listing_or_writes_stay_high():
    engine = Engine(FIXTURES / "terraform" / "public-bucket" / "bad-aws")
    engine.scan()
    assert engine.check_errors == []
    found = {f.resource: f for f in engine.findings if f.code == "TF001"}
    logs = found["aws_s3_bucket_policy.logs"]  # s3:GetObject on logs/*, public access block off
    assert logs.severity == Severity.MEDIUM
    assert "only s3:GetObject on its objects" in logs.message
    # the same object-read policy on a bucket whose ACL is public-read-write: not a download bucket, high
    assert found["aws_s3_bucket_policy.exports"].severity == Severity.HIGH
    assert found["aws_s3_bucket.data"].severity == Severity.HIGH  # a public-read ACL lists every object


def test_tf001_a_read_only_bucket_whose_name_or_tags_say_it_publishes_is_medium():
    engine = Engine(FIXTURES / "terraform" / "public-bucket" / "bad-aws")
    engine.scan()
    found = {f.resource: f for f in engine.findings if f.code == "TF001"}
    mirrors = found["aws_s3_bucket.ci_mirrors"]  # "acme-ci-mirrors", public-read
    assert mirrors.severity == Severity.MEDIUM and "'mirrors'" in mirrors.message
    assert found["aws_s3_bucket_acl.artifacts"].severity == Severity.MEDIUM  # Purpose = "release downloads"
    assert found["aws_s3_bucket.releases"].severity == Severity.HIGH  # anyone may write
    assert found["aws_s3_bucket.data"].severity == Severity.HIGH  # "acme-customer-data": no such purpose


# -- TF003: Hetzner Cloud and DigitalOcean firewalls (HELDOUT7 kube-hetzner) -----------------------

def test_cloud_firewalls_are_graded_like_security_groups_and_name_the_variable():
    engine = Engine(FIXTURES / "terraform" / "open-admin-port" / "bad-cloud-firewalls")
    engine.scan()
    assert engine.check_errors == []
    found = {f.resource: f for f in engine.findings if f.code == "TF003"}
    cluster = found["hcloud_firewall.cluster"]
    # the API server next to SSH: high; both rules come from variables' defaults, and the message says so
    assert cluster.severity == Severity.HIGH
    assert "Kubernetes API (6443)" in cluster.message and "SSH (22)" in cluster.message
    assert "var.ssh_source defaults to it in variables.tf:3" in cluster.message
    assert "var.api_source defaults to it in variables.tf:8" in cluster.message
    # a database rule behind a condition that is not known, and an outbound one, are not claimed
    assert "PostgreSQL" not in cluster.message
    assert found["hcloud_firewall.bastion"].severity == Severity.MEDIUM  # SSH only
    assert found["hcloud_firewall.debug"].severity == Severity.HIGH and "all ports" in found["hcloud_firewall.debug"].message
    assert "PostgreSQL (5432)" in found["digitalocean_firewall.db"].message


def test_a_cloud_firewall_in_a_module_only_a_caller_sets_is_medium_and_says_so(tmp_path):
    module = tmp_path / "modules" / "cluster"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(
        'variable "api_source" {\n  default = ["0.0.0.0/0"]\n}\n'
        'resource "hcloud_firewall" "k3s" {\n  rule {\n    direction = "in"\n    protocol = "tcp"\n'
        '    port = "6443"\n    source_ips = var.api_source\n  }\n}\n')
    examples = tmp_path / "examples" / "basic"
    examples.mkdir(parents=True)
    (examples / "main.tf").write_text('module "cluster" {\n  source = "../../modules/cluster"\n}\n')
    engine = Engine(tmp_path)
    engine.scan()
    finding = next(f for f in engine.findings if f.code == "TF003")
    assert finding.severity == Severity.MEDIUM
    assert "the defaults of module modules/cluster" in finding.message
    assert "var.api_source defaults to it in modules/cluster/main.tf:2" in finding.message


def test_a_hetzner_firewall_is_judged_where_a_server_applies_it(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "api_open" {\n  default = false\n}\n'
        'resource "hcloud_firewall" "api" {\n  rule {\n    direction = "in"\n    protocol = "tcp"\n'
        '    port = "6443"\n    source_ips = ["0.0.0.0/0"]\n  }\n}\n'
        'resource "hcloud_server" "gw" {\n  firewall_ids = var.api_open ? [hcloud_firewall.api.id] : []\n}\n')
    engine = Engine(tmp_path)
    engine.scan()
    assert not [f for f in engine.findings if f.code == "TF003"]  # applied to nothing by default
    (tmp_path / "terraform.tfvars").write_text("api_open = true\n")
    engine = Engine(tmp_path)
    engine.scan()
    finding = next(f for f in engine.findings if f.code == "TF003")
    assert finding.severity == Severity.HIGH and "Kubernetes API (6443)" in finding.message
