"""What an AWS security group is attached to, as far as its module shows.

A rule that allows ``0.0.0.0/0`` says who may connect; whether anyone on the internet can is
decided by what the group is attached to.  A group attached only to interface VPC endpoints,
an ElastiCache cluster or an internal load balancer guards private addresses: the rule is
sloppy, not an open door.  :func:`attachments` reads the module the group is defined in (every
resource of the directory, not only the file) and answers with :class:`Attachments`:

* ``targets``: each resource that attaches the group (``vpc_security_group_ids``,
  ``security_group_ids``, ``security_groups``...), with whether it has a public address:
  ``private`` (always private: interface endpoints, caches, mount targets, Lambda ENIs; or
  private as configured: ``internal = true`` load balancers, ``publicly_accessible = false``
  databases, ``associate_public_ip_address = false`` instances), ``public`` (configured with a
  public address) or ``unknown`` (decided elsewhere: an instance's subnet, an expression);
* ``elsewhere``: places that hand the group on where this module cannot follow it (a module
  call, an output, a local): the group may be attached there.

Only references in attributes that attach a group count; a group named as the *source* of
another group's rule (``security_groups`` inside an ``ingress`` block,
``source_security_group_id``) is not attached by that.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .hcl import Attr, Block, Expr

__all__ = ["Target", "Attachments", "attachments", "describe"]

#: attributes (at any nesting level) through which a resource attaches security groups
_ATTACH_ATTRS = frozenset({
    "vpc_security_group_ids", "security_group_ids", "security_groups", "security_group_id",
})
#: resources whose references to a group are rules about traffic, never attachments
_RULE_TYPES = frozenset({
    "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule", "aws_default_security_group",
})
#: resources that only ever have private addresses (their network interfaces get none public)
ALWAYS_PRIVATE = {
    "aws_vpc_endpoint": "interface VPC endpoint",
    "aws_elasticache_cluster": "ElastiCache cluster",
    "aws_elasticache_replication_group": "ElastiCache replication group",
    "aws_elasticache_serverless_cache": "ElastiCache serverless cache",
    "aws_memorydb_cluster": "MemoryDB cluster",
    "aws_efs_mount_target": "EFS mount target",
    "aws_fsx_lustre_file_system": "FSx file system",
    "aws_fsx_windows_file_system": "FSx file system",
    "aws_fsx_ontap_file_system": "FSx file system",
    "aws_lambda_function": "Lambda function",
    "aws_docdb_cluster": "DocumentDB cluster",
    "aws_neptune_cluster": "Neptune cluster",
    "aws_route53_resolver_endpoint": "Route 53 resolver endpoint",
}
#: resources whose exposure one boolean attribute decides: (attribute, value meaning private,
#: value when unset (None: decided elsewhere), what it is)
_BY_FLAG: dict[str, tuple[str, bool, bool | None, str]] = {
    "aws_lb": ("internal", True, False, "load balancer"),
    "aws_alb": ("internal", True, False, "load balancer"),
    "aws_elb": ("internal", True, False, "classic load balancer"),
    "aws_db_instance": ("publicly_accessible", False, True, "database instance"),
    "aws_rds_cluster_instance": ("publicly_accessible", False, True, "database instance"),
    "aws_redshift_cluster": ("publicly_accessible", False, None, "Redshift cluster"),
    "aws_mq_broker": ("publicly_accessible", False, True, "MQ broker"),
    "aws_dms_replication_instance": ("publicly_accessible", False, None, "DMS replication instance"),
    "aws_instance": ("associate_public_ip_address", False, None, "EC2 instance"),
}


@dataclass(frozen=True)
class Target:
    """One resource that attaches the group."""

    address: str
    what: str
    #: "private", "public" or "unknown"
    exposure: str


@dataclass
class Attachments:
    targets: list[Target] = field(default_factory=list)
    #: where the group is handed on and not followed ("module.app", "output.sg_id", "local.ids")
    elsewhere: list[str] = field(default_factory=list)

    @property
    def private_only(self) -> bool:
        """Attached, and only to resources with private addresses, and handed nowhere else."""
        return bool(self.targets) and not self.elsewhere and all(t.exposure == "private" for t in self.targets)

    @property
    def seen(self) -> bool:
        return bool(self.targets or self.elsewhere)


def _names_group(expr: Expr, group: tuple[str, str]) -> bool:
    return any(len(p) >= 2 and p[0] == group[0] and p[1] == group[1] for p in expr.references())


def _attrs(block: Block, depth: int = 0) -> Iterator[Attr]:
    """Every attribute of a block and of its nested blocks."""
    yield from block.attrs
    if depth < 4:
        for inner in block.blocks:
            yield from _attrs(inner, depth + 1)


def _flag(block: Block, name: str) -> bool | None:
    attr = block.attr(name)
    if attr is None:
        return None
    value = attr.expr.value if attr.expr.kind == "lit" else None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _exposure(block: Block) -> tuple[str, str]:
    type_ = block.labels[0]
    if type_ in ALWAYS_PRIVATE:
        if type_ == "aws_vpc_endpoint":
            kind = block.attr("vpc_endpoint_type")
            if kind is not None and kind.expr.kind == "lit" and str(kind.expr.value).lower() == "gateway":
                return "unknown", "gateway VPC endpoint"
        return "private", ALWAYS_PRIVATE[type_]
    rule = _BY_FLAG.get(type_)
    if rule is None:
        return "unknown", type_
    attr, private_value, default, what = rule
    value = _flag(block, attr)
    if value is None and block.has(attr):
        return "unknown", what  # an expression: decided per configuration
    if value is None:
        value = default
    if value is None:
        return "unknown", what
    return ("private" if value == private_value else "public"), what


def attachments(resources: list[tuple[str, Block]], calls: dict[str, tuple[str, Block]],
                outputs: list[tuple[str, Block]], locals_: dict[str, tuple[str, Attr]],
                group: tuple[str, str]) -> Attachments:
    """What the group ``(type, name)`` is attached to among a module's resources, and where the
    module hands it on (module calls, outputs, locals)."""
    found = Attachments()
    for _path, block in resources:
        type_ = block.labels[0]
        if type_ in _RULE_TYPES or len(block.labels) < 2:
            continue
        attached = any(a.name in _ATTACH_ATTRS and _names_group(a.expr, group) for a in _attrs(block))
        if attached:
            exposure, what = _exposure(block)
            found.targets.append(Target(f"{type_}.{block.labels[1]}", what, exposure))
        elif any(_names_group(a.expr, group) for a in _attrs(block)):
            # named in an attribute this model does not know: it may attach it
            found.elsewhere.append(f"{type_}.{block.labels[1]}")
    for name, (_path, block) in sorted(calls.items()):
        if any(_names_group(a.expr, group) for a in _attrs(block)):
            found.elsewhere.append(f"module.{name}")
    for _path, block in outputs:
        if any(_names_group(a.expr, group) for a in _attrs(block)):
            found.elsewhere.append(f"output.{block.label}")
    for name, (_path, attr) in sorted(locals_.items()):
        if _names_group(attr.expr, group):
            found.elsewhere.append(f"local.{name}")
    return found


def describe(found: Attachments, limit: int = 3) -> str:
    """The targets of a group, for a message (``3 interface VPC endpoints (aws_vpc_endpoint.endpoints)``)."""
    kinds: dict[str, list[str]] = {}
    for target in found.targets:
        kinds.setdefault(target.what, []).append(target.address)
    parts = [f"{what} ({', '.join(addresses[:limit])}{' ...' if len(addresses) > limit else ''})"
             for what, addresses in kinds.items()]
    return "; ".join(parts)
