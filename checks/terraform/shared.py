"""What several Terraform checks share: where a finding points, how the configurations a
problem appears in shape its message and severity, and the questions about AWS policies,
network rules and resource names that more than one check asks."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..api import Check, Finding, Pos, Severity
from ..models.hcl import Block
from ..models.terraform_attach import attachments
from ..models.terraform_eval import (
    Config,
    Encoded,
    Node,
    Resource,
    Scope,
    Unknown,
    as_bool,
    as_list,
    as_number,
    callers_of,
    document,
    known,
    layout,
    words_environment,
)

# -- findings ---------------------------------------------------------------------------------

@dataclass
class Hit:
    """One instance (a configuration, a ``for_each`` key) where a resource has the problem."""

    node: Node
    #: what is wrong, as a phrase (``acl = "public-read"``)
    detail: str
    #: the attribute or nested block it is about, for the position (None: the resource)
    attr: str | None = None
    #: the block holding ``attr`` when it is a nested block (an ``ingress`` rule)
    block: Block | None = None
    #: where the values came from (``var.multi_az set in prod.tfvars:3``)
    origin: list[str] = field(default_factory=list)
    #: the sensitive ports a firewall rule opens (0: every port), for checks that weigh them
    ports: tuple[int, ...] = ()


def position(resource: Resource, hit: Hit) -> Pos:
    block = hit.block or resource.block
    ypath: tuple = ("resource", resource.type, resource.name)
    if hit.block is not None and hit.block is not resource.block:
        ypath += (hit.block.type,)
    attr = block.attr(hit.attr) if hit.attr else None
    if attr is not None:
        return Pos(attr.line, attr.end_line, ypath + (attr.name,), path=resource.path)
    if hit.attr:
        ypath += (hit.attr,)
    if hit.block is not None and hit.block is not resource.block:
        return Pos(hit.block.line, hit.block.line, ypath, path=resource.path)
    return Pos(block.line, block.line, ypath, path=resource.path)


def _instance(node: Node) -> str:
    key = node.key
    if key is None or isinstance(key, Unknown):
        return ""
    return f"[{key!r}]" if isinstance(key, str) else f"[{key}]"


def _configs(hits: list[Hit]) -> list[Config]:
    out: list[Config] = []
    for hit in hits:
        if hit.node.config not in out:
            out.append(hit.node.config)
    return out


def _names(configs: list[Config], limit: int = 3) -> str:
    labels = [c.label for c in configs]
    shown = ", ".join(labels[:limit])
    return shown + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def report(
    check: Check,
    scope: Scope,
    resource: Resource,
    hits: list[Hit],
    message: str,
    *,
    evidence: str | None = None,
    severity: Severity | None = None,
    production_only: bool = False,
    symbol: tuple = (),
) -> Finding | None:
    """One finding for a resource's problem across its configurations and instances.

    Only production deployments keep the check's severity; a problem that appears only in
    non-production configurations (staging variable files, callers under ``examples/``) or
    only in a module's defaults (for callers outside the repository) is at most medium and
    says so.  ``production_only`` checks (deletion protection, multi-AZ, backups) ignore
    every configuration but production deployments.
    """
    if production_only:
        hits = [h for h in hits if h.node.config.production and not _named_non_production(h.node)
                and not _workspace_default(scope, h)]
    if not hits:
        return None
    level = severity if severity is not None else check.severity
    production = [h for h in hits if h.node.config.production]
    configs = _configs(hits)
    qualifier = ""
    if not production:
        level = min(level, Severity.MEDIUM)
        unread = list(dict.fromkeys(path for c in configs for path in c.unread_callers))
        if all(not c.deployment for c in configs) and unread:
            count = f"{len(unread)} terragrunt.hcl files" if len(unread) > 1 else "a terragrunt.hcl"
            shown = ", ".join(unread[:2]) + (f" and {len(unread) - 2} more" if len(unread) > 2 else "")
            qualifier = (f" (in {_names(configs)}, which {count} ({shown}) deploy{'' if len(unread) > 1 else 's'} "
                         "with inputs auditui does not read: at most medium)")
        elif all(not c.deployment for c in configs):
            qualifier = (f" (in {_names(configs)}: what a caller outside the repository gets unless it "
                         "sets the input)")
        else:
            qualifier = f" (only in non-production configurations: {_names(configs)})"
    elif len(scope.configs) > 1:
        qualifier = f" (in {_names([c for c in configs if c.production])})"
    keys = list(dict.fromkeys(_instance(h.node) for h in hits if _instance(h.node)))
    label = resource.address
    if keys:
        label += keys[0] + (f" and {len(keys) - 1} more instances" if len(keys) > 1 else "")
    first = hits[0]
    origin = list(dict.fromkeys(o for h in hits for o in h.origin))
    text = f"{label}: {message}{qualifier}"
    if origin:
        text += f"; {'; '.join(origin[:3])}"
    return check.finding(position(resource, first), resource=resource.address, message=text,
                         evidence=evidence if evidence is not None else first.detail, severity=level,
                         symbol=symbol)


def workspace_variables(scope: Scope) -> bool:
    """The module is applied by HCP Terraform / Terraform Enterprise (a ``cloud`` block or the
    ``remote`` backend): its workspaces set variables outside the repository."""
    for _path, block in scope.module.terraform:
        for inner in block.blocks:
            if inner.type == "cloud" or (inner.type == "backend" and inner.label == "remote"):
                return True
    return False


def _workspace_default(scope: Scope, hit: Hit) -> bool:
    """The value is only a variable's default in a module whose workspaces may set it."""
    return bool(hit.origin) and all("defaults to it" in o for o in hit.origin) and workspace_variables(scope)


def _named_non_production(node: Node) -> bool:
    """The resource's own name, identifier or environment tag says it is not production."""
    for attr in ("identifier", "name", "cluster_identifier", "identifier_prefix"):
        value = node.get(attr)
        if isinstance(value, str):
            env = words_environment(value)
            if env is not None and not env.production:
                return True
    tags = node.get("tags")
    if isinstance(tags, dict):
        for key, value in tags.items():
            if key.lower() in ("environment", "env", "stage", "tier") and isinstance(value, str):
                env = words_environment(value)
                if env is not None and not env.production:
                    return True
    return False


def origin(node: Node, *attrs: str) -> list[str]:
    out: list[str] = []
    for attr in attrs:
        out.extend(node.where(attr))
    return out


# -- values -----------------------------------------------------------------------------------

def is_true(value: Any) -> bool:
    return as_bool(value) is True


def is_false(value: Any) -> bool:
    return as_bool(value) is False


def number(value: Any) -> float | None:
    return as_number(value)


# -- networks -----------------------------------------------------------------------------------

#: ports whose exposure to the internet is an incident waiting: remote administration and data stores
ADMIN_PORTS: dict[int, str] = {22: "SSH", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 23: "Telnet", 5900: "VNC"}
DATABASE_PORTS: dict[int, str] = {
    5432: "PostgreSQL", 3306: "MySQL", 1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB", 6379: "Redis",
    9200: "Elasticsearch", 9300: "Elasticsearch", 5984: "CouchDB", 9042: "Cassandra", 11211: "Memcached",
    2379: "etcd", 8086: "InfluxDB", 7474: "Neo4j", 5672: "RabbitMQ", 9092: "Kafka", 2181: "ZooKeeper",
    26257: "CockroachDB", 8529: "ArangoDB", 28015: "RethinkDB", 6443: "Kubernetes API", 10250: "kubelet",
    2375: "Docker API", 2376: "Docker API",
}
SENSITIVE_PORTS = {**ADMIN_PORTS, **DATABASE_PORTS}
WORLD = ("0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0", "::/0")


def is_world(cidr: Any) -> bool:
    """A source that is every address: ``0.0.0.0/0``, ``::/0``, Azure's ``*``/``Internet``/``Any``."""
    if not isinstance(cidr, str):
        return False
    text = cidr.strip().lower()
    if text in ("0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0", "::"):
        return True
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return network.prefixlen == 0


def ports_in(low: Any, high: Any) -> list[tuple[int, str]] | None:
    """Sensitive ports a range covers (None when the range is not known)."""
    a, b = as_number(low), as_number(high)
    if a is None or b is None:
        return None
    a, b = int(a), int(b)
    if a in (-1, 0) and b in (-1, 0, 65535):
        return [(0, "all ports")]
    if a < 0 or b < a:
        return None
    return [(port, name) for port, name in sorted(SENSITIVE_PORTS.items()) if a <= port <= b]


def port_ranges(spec: Any) -> list[tuple[int, int]] | None:
    """``"22"``, ``"1000-2000"``, ``"*"``, ``22`` or a list of them, as (low, high) ranges."""
    items = as_list(spec) if not isinstance(spec, (int, float)) else [spec]
    if items is None:
        return None
    out: list[tuple[int, int]] = []
    for item in items:
        if isinstance(item, bool) or not known(item):
            return None
        if isinstance(item, (int, float)):
            out.append((int(item), int(item)))
            continue
        text = str(item).strip()
        if text in ("*", "0-65535", "1-65535", "all"):
            out.append((0, 65535))
            continue
        low, _, high = text.partition("-")
        try:
            out.append((int(low), int(high or low)))
        except ValueError:
            return None
    return out


def describe_ports(found: list[tuple[int, str]]) -> str:
    if any(port == 0 for port, _ in found):
        return "all ports"
    names = list(dict.fromkeys(f"{name} ({port})" for port, name in found))
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


# -- AWS policy documents -----------------------------------------------------------------------

@dataclass
class Statement:
    effect: str
    principals: list[str] | None  # None: not known; ["*"] anyone
    actions: list[str] | None
    resources: list[str] | None
    conditions: bool | None  # None: not known
    not_actions: bool = False
    line: int | None = None


def _strings(value: Any) -> list[str] | None:
    items = as_list(value)
    if items is None:
        return None
    out: list[str] = []
    for item in items:
        if not known(item):
            out.append("?")
        elif isinstance(item, str):
            out.append(item)
        else:
            return None
    return out


def _principals(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        out: list[str] = []
        for kind, ids in value.items():
            names = _strings(ids)
            if names is None:
                return None
            out.extend("*" if (kind in ("AWS", "*") and n == "*") else f"{kind}:{n}" for n in names)
        return out
    return None


def statements(value: Any) -> list[Statement] | None:
    """The statements of a policy document (``jsonencode``, a JSON string, a heredoc); None
    when the document is not known."""
    doc = document(value) if not isinstance(value, (dict, list)) else value
    if isinstance(doc, Encoded):
        doc = doc.value
    if not isinstance(doc, dict):
        return None
    raw = doc.get("Statement")
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    out: list[Statement] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        effect = item.get("Effect")
        principal = item.get("Principal", None)
        condition = item.get("Condition")
        out.append(Statement(
            effect=effect if isinstance(effect, str) else "?",
            principals=_principals(principal) if "Principal" in item else [],
            actions=_strings(item.get("Action", item.get("NotAction"))),
            resources=_strings(item.get("Resource", item.get("NotResource"))),
            conditions=(bool(condition) if known(condition) else None),
            not_actions="NotAction" in item,
        ))
    return out


def document_statements(scope: Scope, node: Node, attr: str) -> list[Statement] | None:
    """The statements of a policy attribute: a document, or ``data.aws_iam_policy_document.x.json``."""
    found = node.attr(attr)
    if found is None:
        return None
    expr = found.expr
    if expr.kind == "ref" and len(expr.value) >= 4 and expr.value[0] == "data" and expr.value[1] == "aws_iam_policy_document":
        data = scope.data_source(node.evaluator, "aws_iam_policy_document", str(expr.value[2]))
        return policy_document_statements(scope, data) if data is not None else None
    return statements(node.get(attr))


def policy_document_statements(scope: Scope, data: Node, depth: int = 0) -> list[Statement] | None:
    """The statements an ``aws_iam_policy_document`` data source writes (``statement`` blocks),
    with those of its ``source_policy_documents``/``override_policy_documents`` when known."""
    out: list[Statement] = []
    for block in data.blocks("statement"):
        effect = block.get("effect", "Allow")
        principals: list[str] | None = []
        for principal in block.blocks("principals"):
            kind = principal.get("type")
            ids = _strings(principal.get("identifiers"))
            if not isinstance(kind, str) or ids is None:
                principals = None
                break
            if principals is not None:
                principals.extend("*" if (kind in ("AWS", "*") and i == "*") else f"{kind}:{i}" for i in ids)
        conditions = bool(block.blocks("condition"))
        actions = _strings(block.get("actions")) if block.has("actions") else _strings(block.get("not_actions"))
        resources = _strings(block.get("resources")) if block.has("resources") else _strings(block.get("not_resources"))
        out.append(Statement(
            effect=effect if isinstance(effect, str) else "?", principals=principals, actions=actions,
            resources=resources, conditions=conditions, not_actions=not block.has("actions") and block.has("not_actions"),
            line=block.block.line,
        ))
    return out


def public_statement(statement: Statement) -> bool:
    """Allow to anyone (``Principal: "*"``) with no condition narrowing who."""
    return (statement.effect == "Allow" and statement.principals is not None and "*" in statement.principals
            and statement.conditions is False)


def admin_statement(statement: Statement) -> bool:
    """Allow every action on every resource."""
    return (statement.effect == "Allow" and not statement.not_actions and statement.actions is not None
            and any(a in ("*", "*:*") for a in statement.actions)
            and statement.resources is not None and "*" in statement.resources)


# -- misc -------------------------------------------------------------------------------------

def iter_hits(resources: Iterable[Resource]) -> Iterator[tuple[Resource, Node]]:
    for resource in resources:
        for node in resource.instances:
            yield resource, node


__all__ = [
    "Hit", "position", "report", "origin", "is_true", "is_false", "number", "is_world", "ports_in",
    "port_ranges", "describe_ports", "ADMIN_PORTS", "DATABASE_PORTS", "SENSITIVE_PORTS", "Statement",
    "statements", "document_statements", "policy_document_statements", "public_statement",
    "admin_statement", "iter_hits", "Unknown", "has_resources", "literal_secret_attr", "is_replica",
]


# -- files and secrets ----------------------------------------------------------------------------

def defines_account(index, scope: Scope) -> bool:
    """Is the module deployed as (part of) an account's configuration, not only published for
    others to compose?  A root (backend, HCP Terraform or provider configuration), a module with
    variable files of its own, or one an in-repository configuration calls; a bare folder of
    resources with none of these is a reusable module, and what it lacks a caller may add."""
    if scope.module.root or callers_of(index, scope.module.dir):
        return True
    return bool(layout(index).vars_by_dir.get(scope.module.dir))


def has_resources(fact) -> bool:
    """A ``.tf`` file (not a variable file) that declares at least one resource."""
    return not fact.data.vars and any(b.type == "resource" for b in fact.data.blocks or ())


def literal_secret_attr(node: Node, attr: str):
    """The secrets model's verdict on an attribute whose value the repository writes (a literal,
    a variable default, a variable file): None when it is not a secret or not known."""
    from ..models.secrets import classify

    value = node.get(attr)
    if not isinstance(value, str):
        return None
    verdict = classify(attr, value, where="text")
    return verdict if verdict.is_secret else None


def is_replica(node: Node) -> bool:
    """A read replica (RDS ``replicate_source_db``, Cloud SQL ``master_instance_name``, Aurora
    ``replication_source_identifier``, Azure ``create_mode = "Replica"``): backups, deletion
    protection and a final snapshot belong to its source."""
    if any(node.has(a) for a in ("replicate_source_db", "master_instance_name", "replication_source_identifier")):
        return True
    mode = node.get("create_mode")
    return isinstance(mode, str) and mode.lower() == "replica"


# -- what an AWS resource's security groups admit --------------------------------------------------

#: a public range at most this wide (IPv4 /24, IPv6 /56) is a named source, not "the internet"
_NARROW_PREFIX = {4: 24, 6: 56}
#: attributes of an ingress rule that name other security groups or prefix lists as its source
_GROUP_SOURCES = ("security_groups", "source_security_group_id", "referenced_security_group_id",
                  "prefix_list_ids", "source_prefix_list_id")


@dataclass(frozen=True)
class Admitted:
    """Who the security groups a resource attaches let in, as far as its module shows.

    ``complete``: every group the resource attaches is defined in the module and every source of
    every ingress rule was read (a CIDR from a variable, a group handed in from outside, a rule
    defined elsewhere leave it False).  ``open``: a rule admits every address or a wide public
    range.  ``sources``: what the rules admit, for a message (other groups, addresses)."""

    complete: bool
    open: bool
    sources: tuple[str, ...] = ()

    @property
    def allowlist(self) -> bool:
        """Only named sources (groups, single addresses, private ranges) can connect."""
        return self.complete and not self.open and bool(self.sources)

    def describe(self, limit: int = 4) -> str:
        shown = list(dict.fromkeys(self.sources))
        return ", ".join(shown[:limit]) + (f" and {len(shown) - limit} more" if len(shown) > limit else "")


def _cidr_source(value: Any) -> tuple[bool, str] | None:
    """(open, description) of one CIDR source; None when it is not known."""
    if not isinstance(value, str) or not known(value):
        return None
    if is_world(value):
        return True, value
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None
    if network.is_private:
        return False, f"{value} (private)"
    return network.prefixlen < _NARROW_PREFIX[network.version], value


def _rule_sources(rule: Node, cidr_attrs: tuple[str, ...]) -> tuple[bool, bool, list[str]]:
    """(complete, open, sources) of one ingress rule (an inline block or a rule resource)."""
    complete, open_ = True, False
    sources: list[str] = []
    for attr in cidr_attrs:
        if not rule.has(attr):
            continue
        items = as_list(rule.get(attr))
        if items is None:
            return False, open_, sources
        for item in items:
            found = _cidr_source(item)
            if found is None:
                complete = False
                continue
            open_ = open_ or found[0]
            sources.append(found[1])
    for attr in _GROUP_SOURCES:
        written = rule.attr(attr)
        if rule.has(attr) and written is not None:
            refs = [".".join(str(p) for p in path[:3] if isinstance(p, str) and p not in ("id", "arn"))
                    for path in written.expr.references()]
            sources.extend(f"security group {ref}" if "prefix" not in attr else f"prefix list {ref}"
                           for ref in refs or ["(not known)"])
    if rule.get("self") is True:
        sources.append("its own security group")
    return complete, open_, sources


def admitted(scope: Scope, node: Node, attr: str = "vpc_security_group_ids") -> Admitted:
    """Who may connect to ``node`` through the security groups its ``attr`` attaches: each group
    of the module it names (``aws_security_group.x.id``), read with its inline ``ingress`` blocks and
    the ``aws_security_group_rule`` / ``aws_vpc_security_group_ingress_rule`` resources of the module
    that name it.  Anything not seen (no groups written: the VPC's default group; a group from a
    variable, data source or another module; a group handed on to a module, an output or a local,
    where more rules may be added) leaves it incomplete."""
    found = node.attr(attr)
    if found is None:
        return Admitted(False, False)
    groups: list[tuple[str, str]] = []
    complete = True
    for expr in found.expr.walk():
        if expr.kind == "lit" and expr.value is not None:
            complete = False  # a group id written as text: not read
        elif expr.kind == "ref":
            path = expr.value
            if (len(path) >= 2 and path[0] == "aws_security_group" and isinstance(path[1], str)
                    and scope.module.resource("aws_security_group", path[1]) is not None):
                groups.append(("aws_security_group", path[1]))
            else:
                complete = False
        elif expr.kind in ("call", "cond", "get", "for", "unknown"):
            complete = False
    if not groups:
        return Admitted(False, False)
    open_, sources = False, []
    module = scope.module
    for group in dict.fromkeys(groups):
        group_node = scope.node_of(node.evaluator, group)
        handed_on = attachments(module.resources, module.calls, module.outputs, module.locals, group).elsewhere
        if group_node is None or any(h.startswith(("module.", "output.", "local.")) for h in handed_on):
            complete = False  # another module may add rules to a group handed to it
            continue
        rules = [(r, ("cidr_blocks", "ipv6_cidr_blocks")) for r in group_node.blocks("ingress")]
        rules += [(r, ("cidr_blocks", "ipv6_cidr_blocks"))
                  for r in scope.linked(node, "aws_security_group_rule", "security_group_id", group)
                  if r.get("type") == "ingress"]
        rules += [(r, ("cidr_ipv4", "cidr_ipv6"))
                  for r in scope.linked(node, "aws_vpc_security_group_ingress_rule", "security_group_id", group)]
        for rule, cidr_attrs in rules:
            rule_complete, rule_open, rule_sources = _rule_sources(rule, cidr_attrs)
            complete = complete and rule_complete
            open_ = open_ or rule_open
            sources.extend(rule_sources)
    return Admitted(complete, open_, tuple(sources))
