"""TF004: a Kubernetes cluster whose API server answers the whole internet."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..facts import RepoIndex
from ..models.terraform_eval import Node, as_list, known
from ..models.terraform_eval import scope as scope_of
from ..models.topics import TF_FILE
from .shared import Hit, has_resources, is_true, is_world, report

CHECK = Check(
    code="TF004",
    name="public-cluster-endpoint",
    title="Kubernetes API server is open to the internet",
    severity=Severity.MEDIUM,
    category=Category.NETWORK_POLICY,
    rationale=(
        "EKS clusters have a public API endpoint open to 0.0.0.0/0 unless `endpoint_public_access = "
        "false` or `public_access_cidrs` narrows it; GKE clusters accept any address without master "
        "authorized networks or a private endpoint; AKS clusters without authorized IP ranges or a "
        "private cluster do too. The API still asks for credentials, but every leaked kubeconfig, "
        "token or cloud credential and every API server vulnerability is then usable from anywhere."
    ),
    remediation=(
        "EKS: set `public_access_cidrs` in `vpc_config` to the CI and office ranges, or "
        "`endpoint_public_access = false` with `endpoint_private_access = true` and reach it through "
        "a VPN or bastion.",
        "GKE: add `master_authorized_networks_config` with the ranges that need it, or a private "
        "endpoint (`private_cluster_config { enable_private_endpoint = true }`).",
        "AKS: set `api_server_access_profile { authorized_ip_ranges = [...] }` or "
        "`private_cluster_enabled = true`.",
    ),
    effort="2h",
    references=(
        "https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html",
        "https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks",
        "https://learn.microsoft.com/en-us/azure/aks/api-server-authorized-ip-ranges",
    ),
    peers=("checkov CKV_AWS_38", "checkov CKV_AWS_39", "checkov CKV_GCP_20", "checkov CKV_AZURE_6",
           "tfsec aws-eks-no-public-cluster-access-to-cidr", "trivy AVD-AWS-0040", "trivy AVD-AWS-0041",
           "trivy AVD-GCP-0053", "trivy AVD-AZU-0041"),
)


@CHECK.on_each(TF_FILE)
def public_cluster_endpoint(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    if not has_resources(fact):
        return
    scope = scope_of(index, path)
    for resource in scope.resources("aws_eks_cluster", "google_container_cluster", "azurerm_kubernetes_cluster"):
        judge = {"aws_eks_cluster": _eks, "google_container_cluster": _gke,
                 "azurerm_kubernetes_cluster": _aks}[resource.type]
        hits = [hit for node in resource.instances for hit in [judge(node)] if hit is not None]
        if hits:
            finding = report(CHECK, scope, resource, hits, f"the API server is reachable from any address: {hits[0].detail}")
            if finding is not None:
                yield finding


def _eks(node: Node) -> Hit | None:
    vpc = node.block_node("vpc_config")
    if vpc is None:
        return None
    public = vpc.get("endpoint_public_access", True)
    if not is_true(public):
        return None
    cidrs = vpc.get("public_access_cidrs")
    if cidrs is None:
        return Hit(node, "endpoint_public_access with no public_access_cidrs (defaults to 0.0.0.0/0)",
                   "endpoint_public_access" if vpc.has("endpoint_public_access") else None, block=vpc.block)
    items = as_list(cidrs)
    if items is not None and any(is_world(c) for c in items):
        return Hit(node, "public_access_cidrs includes 0.0.0.0/0", "public_access_cidrs", block=vpc.block)
    return None


def _gke(node: Node) -> Hit | None:
    private = node.block_node("private_cluster_config")
    if private is not None:
        endpoint = private.get("enable_private_endpoint")
        if is_true(endpoint) or not known(endpoint):
            return None
    authorized = node.block_node("master_authorized_networks_config")
    if authorized is None:
        if node.has("master_authorized_networks_config") or any(b.type == "dynamic" for b in node.block.blocks):
            return None  # written another way (an attribute, a dynamic block that may be empty)
        return Hit(node, "no master_authorized_networks_config and no private endpoint", None)
    for block in authorized.blocks("cidr_blocks"):
        if is_world(block.get("cidr_block")):
            return Hit(node, "master authorized networks include 0.0.0.0/0", "cidr_block", block=block.block)
    return None


def _aks(node: Node) -> Hit | None:
    private = node.get("private_cluster_enabled")
    if is_true(private) or not known(private):
        return None
    profile = node.block_node("api_server_access_profile")
    ranges = profile.get("authorized_ip_ranges") if profile is not None else None
    if ranges is None:
        ranges = node.get("api_server_authorized_ip_ranges")
    if ranges is None:
        if profile is not None and profile.has("subnet_id"):
            return None  # API server VNet integration
        return Hit(node, "no authorized_ip_ranges and not a private cluster", None)
    items = as_list(ranges)
    if items is not None and (not items or any(is_world(r) for r in items)):
        return Hit(node, "authorized_ip_ranges includes 0.0.0.0/0", None)
    return None
