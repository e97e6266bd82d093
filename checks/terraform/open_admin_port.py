"""TF003: a firewall rule that lets the whole internet reach SSH, RDP or a database port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.hcl import Block
from ..models.terraform_attach import attachments, describe
from ..models.terraform_eval import Node, Partial, Resource, Scope, Unknown, as_list, instances, known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, describe_ports, has_resources, is_world, port_ranges, ports_in, report

CHECK = Check(
    code="TF003",
    name="open-admin-port",
    title="Firewall opens SSH, RDP or a database port to the internet",
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "A security group, VPC firewall, network security group or cloud firewall rule allows 0.0.0.0/0 (or ::/0, "
        "`*`, `Internet`) on a remote administration port (SSH, RDP, WinRM, VNC) or a data store "
        "port (PostgreSQL, MySQL, Redis, MongoDB, Elasticsearch, the Kubernetes API...). These ports "
        "are scanned continuously; one weak or leaked credential, or one unpatched daemon, is then "
        "enough to get in. A rule open on every port includes all of them. For AWS, what the "
        "security group is attached to in its module decides whether anyone on the internet can "
        "connect: a group attached only to resources with private addresses (interface VPC "
        "endpoints, ElastiCache, EFS mount targets, Lambda, internal load balancers, databases "
        "with `publicly_accessible = false`, instances with `associate_public_ip_address = "
        "false`) is low; a group attached to nothing the module shows, or handed to another module, "
        "keeps the check's severity and the message says the attachment was not seen. Hetzner Cloud "
        "(`hcloud_firewall` rules with `direction = \"in\"`, `source_ips`, `port`) and DigitalOcean "
        "(`digitalocean_firewall` `inbound_rule` blocks, `source_addresses`, `port_range`) firewalls "
        "are read the same way, rules built in locals, `for` expressions and `dynamic` blocks "
        "included; when the open source list is a variable's default, the message names it. A Hetzner "
        "firewall the module applies only through servers' `firewall_ids` that leave it out in a "
        "configuration, or a DigitalOcean firewall naming no Droplet and no tag, guards nothing there. A rule that "
        "opens SSH and no other sensitive port is medium: cloud images (AWS key pairs, GCE metadata "
        "keys and OS Login, Azure Linux VMs) log in with keys and refuse passwords by default, so "
        "what the world reaches is the daemon, not a password prompt; bastions and build agents "
        "are often open on purpose. RDP, VNC, WinRM, databases, container and cluster APIs and "
        "rules open on every port stay high."
    ),
    remediation=(
        "Limit the rule's source to the addresses that need it: the application's security group, "
        "the VPN or office range, a bastion.",
        "For administration, prefer a path with no open port: AWS SSM Session Manager, GCP IAP TCP "
        "forwarding, Azure Bastion.",
        "Keep data stores in private subnets with no route from the internet.",
    ),
    effort="1h",
    references=(
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://cloud.google.com/iap/docs/using-tcp-forwarding",
        "https://learn.microsoft.com/en-us/azure/bastion/bastion-overview",
        "https://registry.terraform.io/providers/hetznercloud/hcloud/latest/docs/resources/firewall",
        "https://registry.terraform.io/providers/digitalocean/digitalocean/latest/docs/resources/firewall",
    ),
    peers=("checkov CKV_AWS_24", "checkov CKV_AWS_25", "checkov CKV_AWS_260", "checkov CKV_GCP_2",
           "checkov CKV_GCP_3", "checkov CKV_AZURE_9", "checkov CKV_AZURE_10",
           "tfsec aws-ec2-no-public-ingress-sgr", "trivy AVD-AWS-0107", "trivy AVD-GCP-0027", "trivy AVD-AZU-0047"),
)

_TCP = ("tcp", "6", "-1", "all", "*", "any")


def _tcp(protocol: Any) -> bool | None:
    if protocol is None:
        return True
    if not known(protocol):
        return None
    return str(protocol).strip().lower() in _TCP


def _world(*sources: Any) -> str | None:
    for source in sources:
        for item in as_list(source) or ():
            if is_world(item):
                return str(item)
    return None


@CHECK.on_each(TF_FILE)
def open_admin_port(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    for resource in scope.resources("aws_security_group", "aws_security_group_rule",
                                    "aws_vpc_security_group_ingress_rule", "google_compute_firewall",
                                    "azurerm_network_security_rule", "azurerm_network_security_group",
                                    "hcloud_firewall", "digitalocean_firewall"):
        hits: list[Hit] = []
        for node in resource.instances:
            if resource.type == "hcloud_firewall" and _hcloud_detached(scope, resource, node):
                continue
            if resource.type == "digitalocean_firewall" and _do_detached(node):
                continue
            hits.extend(_hits(resource.type, node))
        if hits:
            details = list(dict.fromkeys(h.detail for h in hits))
            rules = "; ".join(details[:3]) + (f" and {len(details) - 3} more rules" if len(details) > 3 else "")
            severity, message = _reach(scope, resource, rules)
            if severity is None and _ssh_only(hits):
                severity = Severity.MEDIUM
                message += ("; SSH only: cloud images log in with keys, not passwords, so the open port exposes the "
                            "daemon, not a password prompt (IAP, SSM or an allowlist would close it)")
            finding = report(CHECK, scope, resource, hits, message, severity=severity)
            if finding is not None:
                yield finding


_AWS_RULES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")


def _ports(found: list[tuple[int, str]]) -> tuple[int, ...]:
    return tuple(sorted({port for port, _ in found}))


def _ssh_only(hits: list[Hit]) -> bool:
    """Every rule opens SSH and no other sensitive port: key-based logins by default on cloud images."""
    return bool(hits) and all(hit.ports == (22,) for hit in hits)


def _group(scope: Scope, resource: Resource) -> tuple[str, str] | None:
    """The security group of this module a rule belongs to (None: not an AWS group, or one
    defined elsewhere: a variable, a data source, another module)."""
    if resource.type == "aws_security_group":
        return resource.type, resource.name
    attr = resource.block.attr("security_group_id")
    for path in attr.expr.references() if attr is not None else ():
        if len(path) >= 2 and path[0] == "aws_security_group" and isinstance(path[1], str) \
                and scope.module.resource("aws_security_group", path[1]) is not None:
            return "aws_security_group", path[1]
    return None


def _reach(scope: Scope, resource: Resource, rules: str) -> tuple[Severity | None, str]:
    """The severity and message of an AWS rule open to the world, from what its group guards.

    Attached only to resources with private addresses (interface endpoints, caches, internal
    load balancers...): low, nobody on the internet can connect whatever the rule says.
    Attached to nothing this module shows, or handed on to a module or an output: the check's
    severity, and the message says the attachment was not seen."""
    if resource.type not in ("aws_security_group", *_AWS_RULES):
        return None, f"{rules} open to the internet"
    group = _group(scope, resource)
    if group is None:
        return None, (f"{rules} open to the internet (the rule's security group is not defined in this module: "
                      "what it is attached to was not seen)")
    module = scope.module
    found = attachments(module.resources, module.calls, module.outputs, module.locals, group)
    name = f"{group[0]}.{group[1]}"
    if found.private_only:
        return Severity.LOW, (f"{rules} allowed, but {name} is attached only to resources with private addresses: "
                              f"{describe(found)}; not reachable from the internet (a rule to narrow, not an open port)")
    public = [t for t in found.targets if t.exposure == "public"]
    if public:
        return None, f"{rules} open to the internet ({name} is attached to {', '.join(t.address for t in public[:3])})"
    if not found.seen:
        return None, (f"{rules} open to the internet if {name} is attached to a public resource: no attachment "
                      "of it was seen in this module")
    where = found.elsewhere[:3] + [t.address for t in found.targets if t.exposure == "unknown"][:3]
    return None, (f"{rules} open to the internet if what {name} guards has a public address "
                  f"(attached or handed on through {', '.join(where)}: not followed)")


def _hits(type_: str, node: Node) -> list[Hit]:
    if type_ == "aws_security_group":
        return [hit for rule in node.blocks("ingress") for hit in _aws_rule(node, rule, rule.block)]
    if type_ == "aws_security_group_rule":
        if node.get("type") != "ingress":
            return []
        return _aws_rule(node, node, None)
    if type_ == "aws_vpc_security_group_ingress_rule":
        source = _world(node.get("cidr_ipv4"), node.get("cidr_ipv6"))
        if source is None or not _tcp(node.get("ip_protocol")):
            return []
        protocol = str(node.get("ip_protocol"))
        found = [(0, "all ports")] if protocol == "-1" else ports_in(node.get("from_port"), node.get("to_port"))
        attr = "cidr_ipv4" if node.has("cidr_ipv4") and is_world(node.get("cidr_ipv4")) else "cidr_ipv6"
        return [Hit(node, f"{describe_ports(found)} from {source}", attr, ports=_ports(found))] if found else []
    if type_ == "google_compute_firewall":
        return _gcp(node)
    if type_ == "azurerm_network_security_rule":
        return _azure_rule(node, node, None)
    if type_ == "hcloud_firewall":
        return [hit for rule in node.blocks("rule")
                for hit in _cloud_rule(node, rule, "direction", "source_ips", "port")]
    if type_ == "digitalocean_firewall":
        return [hit for rule in node.blocks("inbound_rule")
                for hit in _cloud_rule(node, rule, None, "source_addresses", "port_range")]
    return [hit for rule in node.blocks("security_rule") for hit in _azure_rule(node, rule, rule.block)]


def _aws_rule(node: Node, rule: Node, block) -> list[Hit]:
    source = _world(rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks"))
    if source is None or not _tcp(rule.get("protocol")):
        return []
    protocol = str(rule.get("protocol")).strip().lower()
    found = [(0, "all ports")] if protocol in ("-1", "all") else ports_in(rule.get("from_port"), rule.get("to_port"))
    if not found:
        return []
    attr = "cidr_blocks" if _world(rule.get("cidr_blocks")) else "ipv6_cidr_blocks"
    return [Hit(node, f"{describe_ports(found)} from {source}", attr, block=block, ports=_ports(found))]


def _gcp(node: Node) -> list[Hit]:
    direction = node.get("direction", "INGRESS")
    if not isinstance(direction, str) or direction.upper() != "INGRESS" or node.get("disabled") is True:
        return []
    source = _world(node.get("source_ranges"))
    if source is None:
        return []
    found: list[tuple[int, str]] = []
    for allow in node.blocks("allow"):
        protocol = allow.get("protocol")
        if not _tcp(protocol):
            continue
        if not allow.has("ports"):
            found = [(0, "all ports")]
            break
        ranges = port_ranges(allow.get("ports"))
        for low, high in ranges or ():
            found.extend(ports_in(low, high) or ())
    if not found:
        return []
    return [Hit(node, f"{describe_ports(found)} from {source}", "source_ranges", ports=_ports(found))]


def _azure_rule(node: Node, rule: Node, block) -> list[Hit]:
    direction, access = rule.get("direction"), rule.get("access")
    if not isinstance(direction, str) or direction.lower() != "inbound":
        return []
    if not isinstance(access, str) or access.lower() != "allow" or not _tcp(rule.get("protocol")):
        return []
    source = _world(rule.get("source_address_prefix"), rule.get("source_address_prefixes"))
    if source is None:
        return []
    found: list[tuple[int, str]] = []
    for spec in (rule.get("destination_port_range"), rule.get("destination_port_ranges")):
        if spec is None:
            continue
        for low, high in port_ranges(spec) or ():
            found.extend(ports_in(low, high) or ())
    if not found:
        return []
    attr = "source_address_prefix" if rule.has("source_address_prefix") else "source_address_prefixes"
    return [Hit(node, f"{describe_ports(found)} from {source}", attr, block=block, ports=_ports(found))]


def _cloud_rule(node: Node, rule: Node, direction_attr: str | None, sources_attr: str, port_attr: str) -> list[Hit]:
    """A Hetzner Cloud ``rule`` (``direction = "in"``) or a DigitalOcean ``inbound_rule``: TCP from
    ``source_ips``/``source_addresses`` on ``port``/``port_range`` (``"22"``, ``"80-85"``,
    ``"any"``/``"all"``/``"1-65535"``: every port).  The message names the variable a world-open
    source list or port comes from (a default a caller outside the repository keeps unless it sets it)."""
    if direction_attr is not None:
        direction = rule.get(direction_attr)
        if not isinstance(direction, str) or direction.lower() != "in":
            return []
    protocol = rule.get("protocol")
    if protocol is None or _tcp(protocol) is not True:
        return []
    sources = rule.get(sources_attr)
    source = _world(sources)
    if source is None:
        return []
    port = rule.get(port_attr)
    if isinstance(port, str) and port.strip().lower() in ("any", "all"):
        found: list[tuple[int, str]] = [(0, "all ports")]
    else:
        found = []
        for low, high in port_ranges(port) or ():
            found.extend(ports_in(low, high) or ())
    if not found:
        return []
    origin = rule.evaluator.origin_of(sources) or rule.where(sources_attr)
    return [Hit(node, f"{describe_ports(found)} from {source}", sources_attr, block=rule.block,
                ports=_ports(found), origin=origin)]


#: where a Hetzner Cloud firewall is applied: a server's ``firewall_ids``, an attachment's ``firewall_id``
_HCLOUD_APPLY = {"hcloud_server": "firewall_ids", "hcloud_firewall_attachment": "firewall_id"}


def _hcloud_detached(scope: Scope, resource: Resource, node: Node) -> bool:
    """The firewall applies to nothing under this configuration: it has no ``apply_to`` block, the
    module names it only in servers' ``firewall_ids`` and attachments' ``firewall_id``, and each of
    those evaluates here to a fully known list that leaves it out (``var.open_api ? [fw.id] : []``
    with ``open_api = false``).  Named anywhere else (a module call, an output, a local, another
    attribute), in a value not fully known, or nowhere: it may be applied, so it is not detached."""
    if resource.block.blocks_of("apply_to") or resource.block.blocks_of("dynamic"):
        return False
    prefix = f"hcloud_firewall.{resource.name}."
    group = ("hcloud_firewall", resource.name)
    module = scope.module

    def names(expr) -> bool:
        return any(len(p) >= 2 and p[0] == group[0] and p[1] == group[1] for p in expr.references())

    uses: list[tuple[str, Block, str]] = []
    for path, block in module.resources:
        if block is resource.block:
            continue
        attr_name = _HCLOUD_APPLY.get(block.labels[0])
        for attr in block.attrs:
            if names(attr.expr):
                if attr.name != attr_name:
                    return False
                uses.append((path, block, attr_name))
        if any(names(a.expr) for inner in block.blocks for a in inner.attrs):
            return False
    for _name, (_path, call) in module.calls.items():
        if any(names(a.expr) for a in call.attrs):
            return False
    if any(names(a.expr) for _path, out in module.outputs for a in out.attrs):
        return False
    if any(names(attr.expr) for _path, attr in module.locals.values()):
        return False
    if not uses:
        return False
    for path, block, attr_name in uses:
        for inst in instances(block, path, node.evaluator):
            value = inst.get(attr_name)
            items = value if isinstance(value, list) else [value]
            if isinstance(value, Partial):
                return False
            for item in items:
                if isinstance(item, Unknown) and not (item.why.startswith("hcloud_firewall.")
                                                      and not item.why.startswith(prefix)):
                    return False  # this firewall, or something not known
    return True


def _do_detached(node: Node) -> bool:
    """A DigitalOcean firewall applies to the Droplets its ``droplet_ids`` and ``tags`` name:
    with both unset or known to be empty, to none."""
    for attr in ("droplet_ids", "tags"):
        value = node.get(attr)
        if value is None:
            continue
        if not isinstance(value, list) or value:
            return False
    return True
