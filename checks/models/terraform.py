"""Terraform files: ``.tf`` and ``.tfvars`` read into positioned blocks, and the facts they give.

A file is read by the one HCL reader (:mod:`.hcl`).  What one file cannot answer (a
variable's default lives in ``variables.tf``, its value in a ``.tfvars`` file or in the
caller of a module) is answered by :mod:`.terraform_eval`, which assembles a module from the
``tf:file`` facts of its directory; the checks ask it.  This module emits:

* ``tf:file`` (every file): the blocks and attributes themselves;
* ``tf:var`` (variable files): each value on its own, so a change re-runs only what read it;
* ``tf:module`` (every ``module`` block): where the module's code comes from; a local
  source names its directory, so callers and callees meet in the index;
* ``tf:resource`` for resources an inventory lists (data stores, buckets, clusters,
  registries, DNS, logging, backups, secrets, network edges) with a category;
* ``tf:backend`` for each ``backend``/``cloud`` block (where state lives);
* ``tf:terragrunt`` for each ``terragrunt.hcl`` that deploys a module of the repository
  (its ``terraform.source``); the inputs it gives are not read, and each such file says so;
* ``install`` for each ``helm_release``: a chart Terraform installs counts like one a
  HelmRelease installs (monitoring or backups provided, see ``scope.py``).

A file that does not parse gives a problem at the line where it stops parsing (AUD001) and
what was read around it still counts.  Files encrypted with git-crypt are a notice.
"""

from __future__ import annotations

import posixpath
import re

from .base import Fact, FileKind, ParsedFile, Problem
from .components import component_names
from .hcl import Attr, Block, Expr, read
from .topics import (
    INSTALL,
    TF_BACKEND,
    TF_FILE,
    TF_MODULE_CALL,
    TF_RESOURCE,
    TF_TERRAGRUNT,
    TF_VAR,
    InstallData,
    TfBackendData,
    TfFileData,
    TfModuleCallData,
    TfResourceData,
    TfTerragruntData,
    TfVarData,
)

TERRAFORM = FileKind.define("terraform")
TERRAGRUNT = FileKind.define("terragrunt")
#: the file that makes a directory a Terragrunt unit (or, with no ``terraform`` block, holds
#: what the units below it include)
TERRAGRUNT_FILE = "terragrunt.hcl"

#: file name endings Terraform (and OpenTofu) reads
TF_SUFFIXES = (".tf", ".tofu")
VARS_SUFFIXES = (".tfvars",)


#: the dependency lock file ``terraform init`` writes beside a root module
LOCK_FILE = ".terraform.lock.hcl"


def is_terraform_name(rel: str) -> bool:
    lower = rel.lower()
    return lower.endswith(TF_SUFFIXES + VARS_SUFFIXES) or posixpath.basename(lower) == LOCK_FILE


def is_terragrunt_name(rel: str) -> bool:
    return posixpath.basename(rel).lower() == TERRAGRUNT_FILE


def is_lock_file(rel: str) -> bool:
    return posixpath.basename(rel) == LOCK_FILE


def is_vars_file(rel: str) -> bool:
    return rel.lower().endswith(VARS_SUFFIXES)


def is_auto_vars(rel: str) -> bool:
    """Variable files Terraform loads by itself: ``terraform.tfvars`` and ``*.auto.tfvars``."""
    name = posixpath.basename(rel).lower()
    return name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def dir_of(rel: str) -> str:
    return posixpath.dirname(rel) or "."


# -- module sources ---------------------------------------------------------------------------

_REGISTRY_RE = re.compile(r"^(?:[\w.-]+\.[a-z]{2,}/)?[\w-]+/[\w-]+/[\w-]+(?://.*)?$")
_GIT_HOSTS = ("github.com/", "bitbucket.org/", "gitlab.com/")


def source_origin(source: str) -> str:
    """Where a module source points: local, registry, git, http, s3, gcs or other."""
    text = source.strip()
    if text.startswith(("./", "../")) or text in (".", ".."):
        return "local"
    if text.startswith(("git::", "git@")) or text.startswith(_GIT_HOSTS) or ".git" in text.split("?")[0]:
        return "git"
    if text.startswith(("s3::",)) or ".s3.amazonaws.com/" in text or ".s3-" in text.split("/")[0]:
        return "s3"
    if text.startswith("gcs::") or text.startswith("https://www.googleapis.com/storage/"):
        return "gcs"
    if text.startswith(("hg::",)):
        return "other"
    if text.startswith(("http://", "https://")):
        return "http"
    if _REGISTRY_RE.match(text):
        return "registry"
    return "other"


def local_target(directory: str, source: str) -> str | None:
    """The repository directory a local module source names (None when it leaves the repository)."""
    base = "" if directory == "." else directory
    target = posixpath.normpath(posixpath.join(base, source.strip()))
    if target == ".." or target.startswith("../") or target.startswith("/"):
        return None
    return target or "."


# -- inventory ------------------------------------------------------------------------------

#: resource type -> (category, engine): what an inventory lists
INVENTORY: dict[str, tuple[str, str]] = {
    # data stores (engine: the attribute ``engine`` overrides when literal)
    "aws_db_instance": ("datastore", "rds"), "aws_rds_cluster": ("datastore", "aurora"),
    "aws_dynamodb_table": ("datastore", "dynamodb"), "aws_docdb_cluster": ("datastore", "documentdb"),
    "aws_neptune_cluster": ("datastore", "neptune"), "aws_redshift_cluster": ("datastore", "redshift"),
    "aws_elasticache_cluster": ("cache", "elasticache"), "aws_elasticache_replication_group": ("cache", "elasticache"),
    "aws_elasticache_serverless_cache": ("cache", "elasticache"), "aws_memorydb_cluster": ("datastore", "memorydb"),
    "aws_opensearch_domain": ("search", "opensearch"), "aws_elasticsearch_domain": ("search", "elasticsearch"),
    "aws_msk_cluster": ("queue", "kafka"), "aws_mq_broker": ("queue", "mq"), "aws_sqs_queue": ("queue", "sqs"),
    "aws_sns_topic": ("queue", "sns"), "aws_kinesis_stream": ("queue", "kinesis"),
    "aws_efs_file_system": ("storage", "efs"), "aws_ebs_volume": ("storage", "ebs"),
    "google_sql_database_instance": ("datastore", "cloudsql"), "google_alloydb_cluster": ("datastore", "alloydb"),
    "google_spanner_instance": ("datastore", "spanner"), "google_bigtable_instance": ("datastore", "bigtable"),
    "google_firestore_database": ("datastore", "firestore"), "google_redis_instance": ("cache", "memorystore"),
    "google_bigquery_dataset": ("datastore", "bigquery"), "google_pubsub_topic": ("queue", "pubsub"),
    "google_filestore_instance": ("storage", "filestore"),
    "azurerm_postgresql_server": ("datastore", "postgres"), "azurerm_postgresql_flexible_server": ("datastore", "postgres"),
    "azurerm_mysql_server": ("datastore", "mysql"), "azurerm_mysql_flexible_server": ("datastore", "mysql"),
    "azurerm_mariadb_server": ("datastore", "mariadb"), "azurerm_mssql_server": ("datastore", "sqlserver"),
    "azurerm_mssql_database": ("datastore", "sqlserver"), "azurerm_cosmosdb_account": ("datastore", "cosmosdb"),
    "azurerm_redis_cache": ("cache", "redis"), "azurerm_servicebus_namespace": ("queue", "servicebus"),
    "azurerm_eventhub_namespace": ("queue", "eventhub"),
    "digitalocean_database_cluster": ("datastore", "managed-database"), "mongodbatlas_cluster": ("datastore", "mongodb"),
    "mongodbatlas_advanced_cluster": ("datastore", "mongodb"),
    # object storage
    "aws_s3_bucket": ("bucket", "s3"), "google_storage_bucket": ("bucket", "gcs"),
    "azurerm_storage_account": ("bucket", "azure-storage"), "azurerm_storage_container": ("bucket", "azure-blob"),
    "digitalocean_spaces_bucket": ("bucket", "spaces"),
    # clusters and runtimes
    "aws_eks_cluster": ("cluster", "eks"), "aws_ecs_cluster": ("cluster", "ecs"),
    "google_container_cluster": ("cluster", "gke"), "azurerm_kubernetes_cluster": ("cluster", "aks"),
    "digitalocean_kubernetes_cluster": ("cluster", "doks"),
    # registries
    "aws_ecr_repository": ("registry", "ecr"), "google_artifact_registry_repository": ("registry", "artifact-registry"),
    "google_container_registry": ("registry", "gcr"), "azurerm_container_registry": ("registry", "acr"),
    "digitalocean_container_registry": ("registry", "docr"),
    # DNS and the edge
    "aws_route53_zone": ("dns", "route53"), "google_dns_managed_zone": ("dns", "cloud-dns"),
    "azurerm_dns_zone": ("dns", "azure-dns"), "cloudflare_zone": ("dns", "cloudflare"),
    "aws_cloudfront_distribution": ("edge", "cloudfront"), "aws_lb": ("edge", "elb"), "aws_alb": ("edge", "elb"),
    "aws_elb": ("edge", "elb"), "aws_api_gateway_rest_api": ("edge", "api-gateway"),
    "aws_apigatewayv2_api": ("edge", "api-gateway"), "aws_wafv2_web_acl": ("edge", "waf"),
    "aws_vpc": ("network", "vpc"), "google_compute_network": ("network", "vpc"),
    "azurerm_virtual_network": ("network", "vnet"), "aws_acm_certificate": ("tls", "acm"),
    "google_compute_managed_ssl_certificate": ("tls", "google-managed"),
    # logging and monitoring
    "aws_cloudtrail": ("logging", "cloudtrail"), "aws_flow_log": ("logging", "flow-logs"),
    "aws_cloudwatch_log_group": ("logging", "cloudwatch-logs"), "google_logging_project_sink": ("logging", "log-sink"),
    "azurerm_log_analytics_workspace": ("logging", "log-analytics"),
    "azurerm_monitor_diagnostic_setting": ("logging", "diagnostic-setting"),
    "azurerm_network_watcher_flow_log": ("logging", "flow-logs"),
    "aws_cloudwatch_metric_alarm": ("alerting", "cloudwatch-alarm"),
    "google_monitoring_alert_policy": ("alerting", "cloud-monitoring"),
    "azurerm_monitor_metric_alert": ("alerting", "azure-monitor"), "datadog_monitor": ("alerting", "datadog"),
    # backups
    "aws_backup_plan": ("backup", "aws-backup"), "aws_backup_selection": ("backup", "aws-backup"),
    "google_gke_backup_backup_plan": ("backup", "backup-for-gke"),
    "google_backup_dr_backup_plan": ("backup", "backup-dr"),
    "azurerm_backup_policy_vm": ("backup", "azure-backup"),
    "azurerm_data_protection_backup_policy_postgresql": ("backup", "azure-backup"),
    "azurerm_data_protection_backup_policy_disk": ("backup", "azure-backup"),
    "azurerm_data_protection_backup_policy_blob_storage": ("backup", "azure-backup"),
    "azurerm_data_protection_backup_policy_kubernetes_cluster": ("backup", "azure-backup"),
    # secrets management
    "aws_secretsmanager_secret": ("secrets", "secrets-manager"), "aws_ssm_parameter": ("secrets", "ssm"),
    "aws_kms_key": ("secrets", "kms"), "google_secret_manager_secret": ("secrets", "secret-manager"),
    "google_kms_crypto_key": ("secrets", "cloud-kms"), "azurerm_key_vault": ("secrets", "key-vault"),
}


# -- providers: what auditui's rules read ------------------------------------------------------

#: providers whose resources the Terraform rules read (not every type: the types a rule names)
RULED_PROVIDERS = frozenset({"aws", "google", "azurerm"})
#: providers of which the rules read only some types: provider -> the types read
PARTLY_RULED: dict[str, frozenset[str]] = {
    "hcloud": frozenset({"hcloud_firewall"}), "digitalocean": frozenset({"digitalocean_firewall"}),
}
#: providers whose resources are read by another model (``helm_release``: an install, see scope.py)
READ_ELSEWHERE = frozenset({"helm"})
#: providers whose resources create no infrastructure to audit: values, files, timing, checks
UTILITY_PROVIDERS = frozenset({
    "random", "null", "local", "tls", "time", "template", "archive", "external", "http", "cloudinit",
    "terraform", "assert", "semvers", "utils", "validation",
})
#: providers that run infrastructure (servers, clusters, networks, firewalls, load balancers,
#: databases): resources of these that no rule reads are a blind spot for exposure, data stores
#: and backups, not only an unread detail.  Names for messages.
INFRA_PROVIDERS: dict[str, str] = {
    "hcloud": "Hetzner Cloud", "digitalocean": "DigitalOcean", "linode": "Linode", "vultr": "Vultr",
    "oci": "Oracle Cloud", "alicloud": "Alibaba Cloud", "openstack": "OpenStack", "scaleway": "Scaleway",
    "exoscale": "Exoscale", "upcloud": "UpCloud", "ovh": "OVHcloud", "ibm": "IBM Cloud",
    "tencentcloud": "Tencent Cloud", "huaweicloud": "Huawei Cloud", "yandex": "Yandex Cloud",
    "equinix": "Equinix", "metal": "Equinix Metal", "vsphere": "VMware vSphere", "proxmox": "Proxmox",
    "libvirt": "libvirt", "civo": "Civo", "ionoscloud": "IONOS Cloud", "stackit": "STACKIT",
    "outscale": "Outscale", "cloudstack": "CloudStack", "nutanix": "Nutanix", "awscc": "AWS Cloud Control",
    "azapi": "Azure AzAPI", "kubernetes": "Kubernetes", "kubectl": "Kubernetes (kubectl)", "docker": "Docker",
    "nomad": "Nomad", "cloudflare": "Cloudflare", "fastly": "Fastly", "akamai": "Akamai", "heroku": "Heroku",
    "fly": "Fly.io", "render": "Render", "railway": "Railway", "vercel": "Vercel", "netlify": "Netlify",
    "mongodbatlas": "MongoDB Atlas", "ec": "Elastic Cloud", "confluent": "Confluent Cloud",
    "postgresql": "PostgreSQL", "mysql": "MySQL",
}


#: providers whose resources are objects inside a service that runs elsewhere (roles and databases
#: of an existing server) or edge configuration: named in notices, no blind spot for an area
_OBJECT_PROVIDERS = frozenset({"postgresql", "mysql", "cloudflare", "fastly", "akamai", "vercel", "netlify"})
#: orchestrators: only resources that run or expose something are a blind spot (not namespaces,
#: service accounts, secrets or volumes)
_ORCHESTRATORS = frozenset({"kubernetes", "kubectl", "docker", "nomad"})
_RUNNING_WORDS = ("deployment", "stateful_set", "daemon_set", "daemonset", "cron_job", "job", "pod", "service",
                  "ingress", "manifest", "container", "replication_controller", "yaml")


def hides_infrastructure(resource_type: str) -> bool:
    """Could an unread resource of this type hold what an area looks for (a server, an entry
    point, a database, a backup job)?  Hosting providers' resources: yes; an orchestrator's only
    when it runs or exposes something (``kubernetes_deployment``, ``kubectl_manifest``); objects
    inside a service run elsewhere (``postgresql_role``) and edge settings: no."""
    provider = provider_of(resource_type)
    if provider not in INFRA_PROVIDERS or provider in _OBJECT_PROVIDERS:
        return False
    if provider in _ORCHESTRATORS:
        rest = resource_type.split("_", 1)[1] if "_" in resource_type else ""
        return any(word in rest for word in _RUNNING_WORDS) and not rest.startswith("service_account")
    return True


def provider_of(resource_type: str) -> str:
    """The provider a resource type belongs to, by Terraform's naming (``hcloud_server``: hcloud)."""
    return resource_type.split("_", 1)[0]


def provider_label(provider: str) -> str:
    name = INFRA_PROVIDERS.get(provider)
    return f"{name} ({provider})" if name else f"provider {provider}"


def unaudited(blocks) -> dict[str, list[str]]:
    """Resource types (one entry per resource block) no Terraform rule reads, by provider, in
    file order: providers with no rules at all, and the unread types of those partly read.
    Utility providers (random, null, tls...) have nothing to audit and are left out."""
    out: dict[str, list[str]] = {}
    for block in blocks or ():
        if block.type != "resource" or len(block.labels) < 2:
            continue
        type_ = block.labels[0]
        provider = provider_of(type_)
        if provider in RULED_PROVIDERS or provider in READ_ELSEWHERE or provider in UTILITY_PROVIDERS:
            continue
        if type_ in PARTLY_RULED.get(provider, ()):
            continue
        out.setdefault(provider, []).append(type_)
    return out


def unaudited_notice(provider: str, types: list[str]) -> str:
    """"Hetzner Cloud (hcloud): 3 resources not audited (hcloud_server x2, hcloud_network): ..."."""
    counts: dict[str, int] = {}
    for type_ in types:
        counts[type_] = counts.get(type_, 0) + 1
    shown = [f"{t} x{n}" if n > 1 else t for t, n in counts.items()]
    listed = ", ".join(shown[:4]) + (f" and {len(shown) - 4} more types" if len(shown) > 4 else "")
    count = f"{len(types)} resource{'s' if len(types) != 1 else ''}"
    read = PARTLY_RULED.get(provider)
    why = (f"auditui's rules read only {', '.join(sorted(read))} of this provider" if read
           else "auditui has no rules for this provider")
    return f"{provider_label(provider)}: {count} not audited ({listed}); {why}, so nothing is claimed about them"


def _literal(block: Block, name: str) -> str | None:
    attr = block.attr(name)
    if attr is None or attr.expr.kind != "lit" or not isinstance(attr.expr.value, str):
        return None
    return attr.expr.value


def _string(attr: Attr | None) -> str | None:
    if attr is None or attr.expr.kind != "lit" or not isinstance(attr.expr.value, (str, int, float)):
        return None
    return str(attr.expr.value)


# -- parsing ---------------------------------------------------------------------------------

def parse(path: str, text: str) -> ParsedFile:
    """One Terraform or variable file (never raises)."""
    parsed = ParsedFile(path, TERRAFORM)
    if text.startswith("\x00GITCRYPT") or "\x00GITCRYPT\x00" in text[:64]:
        parsed.notices.append("encrypted with git-crypt; not read")
        return parsed
    if is_lock_file(path):
        # pins the providers of its directory; its blocks are not configuration
        parsed.facts.append(Fact(TF_FILE, path, 1, (), TfFileData(dir=dir_of(path), vars=False, lock=True)))
        return parsed
    hcl = read(text)
    for line, message in hcl.errors[:5]:
        parsed.problems.append(Problem(message, line))
    directory = dir_of(path)
    vars_file = is_vars_file(path)
    if vars_file:
        parsed.facts.append(Fact(TF_FILE, path, 1, (), TfFileData(dir=directory, vars=True, attrs=hcl.attrs, blocks=())))
        # each value on its own: a module's checks read only the values they use (see terraform_eval)
        last = {attr.name: attr for attr in hcl.attrs}  # the last assignment of a name wins
        for name, attr in last.items():
            parsed.facts.append(Fact(TF_VAR, f"{path}#{name}", attr.line, (name,), TfVarData(name=name, attr=attr)))
        return parsed
    root = False
    for block in hcl.blocks:
        if block.type == "terraform":
            for inner in block.blocks:
                if inner.type in ("backend", "cloud"):
                    root = True
                    kind = inner.label if inner.type == "backend" else "cloud"
                    parsed.facts.append(Fact(TF_BACKEND, path, inner.line, ("terraform", inner.type),
                                             TfBackendData(type=kind, dir=directory, line=inner.line)))
        elif block.type == "provider" and block.attrs:
            root = True
        elif block.type == "module" and block.labels:
            parsed.facts.append(_module_fact(path, directory, block, parsed))
        elif block.type == "resource" and len(block.labels) >= 2:
            fact = _resource_fact(path, directory, block)
            if fact is not None:
                parsed.facts.append(fact)
            if block.labels[0] == "helm_release":
                install = _helm_release(path, block)
                if install is not None:
                    parsed.facts.append(install)
    for provider, types in unaudited(hcl.blocks).items():
        parsed.notices.append(unaudited_notice(provider, types))
    parsed.facts.insert(0, Fact(TF_FILE, path, 1, (), TfFileData(
        dir=directory, vars=False, blocks=hcl.blocks, attrs=hcl.attrs, root=root or None)))
    return parsed


def parse_terragrunt(path: str, text: str) -> ParsedFile:
    """A ``terragrunt.hcl`` (never raises): the module of the repository it deploys, if any.

    Terragrunt's own language (``include``, ``dependency`` outputs, ``find_in_parent_folders``,
    ``read_terragrunt_config``) is not evaluated, so the inputs a unit gives its module are not
    read: the module is judged on its defaults, at most medium, and both this file's notice and
    the module's findings say so (never "a caller outside the repository").
    """
    parsed = ParsedFile(path, TERRAGRUNT)
    hcl = read(text)
    for line, message in hcl.errors[:5]:
        parsed.problems.append(Problem(message, line))
    directory = dir_of(path)
    block = next((b for b in hcl.blocks if b.type == "terraform"), None)
    if block is None:
        parsed.notices.append("terragrunt: configuration the units below this folder include (remote state, "
                              "generated files, common inputs); not read")
        return parsed
    attr = block.attr("source")
    source = _string(attr)
    if source is None:
        if attr is not None:
            parsed.notices.append("terragrunt: terraform.source is not a literal; the module it deploys and the "
                                  "inputs it gives are not read")
        return parsed
    # ``../modules//vpc``: the part after ``//`` is a folder of what is before it
    target = local_target(directory, source.replace("//", "/")) if source_origin(source) == "local" else None
    if target is None:
        parsed.notices.append(f"terragrunt: deploys {source!r}, outside the repository; not read "
                              "(its resources are not audited)")
        return parsed
    parsed.facts.append(Fact(TF_TERRAGRUNT, path, None, ("terraform", "source"),
                             TfTerragruntData(dir=directory, source=source, target=target)))
    parsed.notices.append(f"terragrunt: deploys module {target}, but the inputs it gives are not read; "
                          f"findings in {target} judge the module's defaults, at most medium")
    return parsed


def _module_fact(path: str, directory: str, block: Block, parsed: ParsedFile) -> Fact:
    name = block.labels[0]
    source = _string(block.attr("source"))
    version = _string(block.attr("version"))
    origin = source_origin(source) if source is not None else None
    target = local_target(directory, source) if origin == "local" and source is not None else None
    if source is not None and origin != "local":
        parsed.notices.append(f"module.{name}: source {source!r} is outside the repository; not read "
                              "(its resources are not audited)")
    elif source is None and block.has("source"):
        parsed.notices.append(f"module.{name}: source is not a literal; not read")
    # no line in the fact: callers are looked up by every module's checks, and a line that moves
    # with edits above the block would make each edit re-run them all (the caller's file has it)
    return Fact(TF_MODULE_CALL, f"{path}#{name}", None, ("module", name), TfModuleCallData(
        name=name, source=source, version=version, target=target, origin=origin))


def _resource_fact(path: str, directory: str, block: Block) -> Fact | None:
    type_, name = block.labels[0], block.labels[1]
    entry = INVENTORY.get(type_)
    if entry is None:
        return None
    category, engine = entry
    literal_engine = _literal(block, "engine") or _literal(block, "database_version") or _literal(block, "engine_version")
    if type_ in ("aws_db_instance", "aws_rds_cluster", "aws_elasticache_cluster", "aws_elasticache_replication_group",
                 "google_sql_database_instance") and literal_engine:
        engine = literal_engine.lower()
    target = None
    if type_ == "aws_flow_log":
        target = "?"
        attr = block.attr("vpc_id")
        for ref in attr.expr.references() if attr is not None else ():
            if len(ref) >= 2 and ref[0] == "aws_vpc" and isinstance(ref[1], str):
                target = f"aws_vpc.{ref[1]}"
    return Fact(TF_RESOURCE, f"{path}#{type_}.{name}", block.line, ("resource", type_, name), TfResourceData(
        type=type_, name=name, category=category, engine=engine, dir=directory, provider=type_.split("_", 1)[0],
        target=target))


def _helm_release(path: str, block: Block) -> Fact | None:
    chart = _literal(block, "chart")
    if not chart:
        return None
    repo = _literal(block, "repository")
    names = component_names(chart) or (chart,)
    return Fact(INSTALL, f"{path}#resource.helm_release.{block.labels[1]}", block.line,
                ("resource", "helm_release", block.labels[1]),
                InstallData(via="terraform", names=names, chart=chart, repo=repo, version=_literal(block, "version"),
                            has_version=block.has("version"), release=_literal(block, "name"),
                            namespace=_literal(block, "namespace"), field="chart"))


__all__ = [
    "TERRAFORM", "TERRAGRUNT", "parse", "parse_terragrunt", "is_terragrunt_name", "is_terraform_name", "is_lock_file", "LOCK_FILE", "is_vars_file", "is_auto_vars", "dir_of", "source_origin",
    "local_target", "INVENTORY", "Block", "Attr", "Expr", "RULED_PROVIDERS", "PARTLY_RULED", "INFRA_PROVIDERS",
    "provider_of", "provider_label", "unaudited", "unaudited_notice", "hides_infrastructure",
]
