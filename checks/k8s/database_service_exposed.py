from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Pos, Severity
from ..facts import RepoIndex
from ..kustomize import same_namespace
from ..models.images import is_database_image
from ..models.k8s.objects import WORKLOAD_KINDS

CHECK = Check(
    code="K8S080",
    name="database-service-exposed",
    title=(
        "Database exposed outside the cluster by a LoadBalancer or NodePort Service (medium when "
        "the load balancer asks only for private addresses, by `loadBalancerIP` or a MetalLB, Cilium LB-IPAM or kube-vip annotation: not "
        "internet-facing)"
    ),
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "A Service of type LoadBalancer gives the database a public address (unless the cloud is "
        "told to make it internal, or it asks for a private address, as MetalLB or kube-vip on a "
        "LAN: then it is reported at medium); a NodePort or externalIPs opens it on every node. The "
        "database's login is then all that stands between it and anyone who can reach the "
        "address, and exposed databases are scanned for and brute-forced within hours. "
        "Applications in the cluster only need a ClusterIP Service."
    ),
    remediation=(
        "Make the Service `type: ClusterIP` (the default) and let applications reach the "
        "database through it.",
        "For access from outside the cluster (a migration, a BI tool), use `kubectl port-forward`, "
        "a bastion or a VPN, or an internal load balancer (the cloud's internal annotation) "
        "restricted with `loadBalancerSourceRanges`.",
    ),
    effort="1h",
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
        "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
    ),
    peers=("kube-linter exposed-services",),
)

#: well-known ports of data stores, by number and by the names charts give them
DATABASE_PORTS = {
    5432: "PostgreSQL", 3306: "MySQL", 27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch",
    9042: "Cassandra", 1433: "SQL Server", 5984: "CouchDB", 11211: "Memcached", 26257: "CockroachDB",
    7687: "Neo4j", 8123: "ClickHouse", 9000: "ClickHouse", 2379: "etcd",
}
DATABASE_PORT_NAMES = {
    "postgres": "PostgreSQL", "postgresql": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB",
    "mongodb": "MongoDB", "mongo": "MongoDB", "redis": "Redis", "tcp-redis": "Redis",
    "tcp-postgresql": "PostgreSQL", "tcp-mysql": "MySQL", "tcp-mongodb": "MongoDB",
}


#: stores whose API is commonly served to clients outside the cluster on purpose
_SERVED_PUBLICLY = ("minio",)


def _stores(index: RepoIndex) -> list[tuple]:
    """(namespace, pod labels, database images, Kind/name) of every workload running a database."""
    out = []
    for kind in WORKLOAD_KINDS:
        for _, fact in index.k8s(kind):
            images = [str(i) for i in fact.data.servers or ()
                      if is_database_image(str(i)) and not is_database_image(str(i), _SERVED_PUBLICLY)]
            labels = dict(fact.data.pod_labels or ())
            if images and labels:
                out.append((fact.data.namespace, labels, images, f"{kind}/{fact.data.name}"))
    return out


def _by_port(ports) -> str | None:
    for port, target, name in ports or ():
        for value in (port, target):
            if isinstance(value, int) and not isinstance(value, bool) and value in DATABASE_PORTS:
                # 9000 is as often MinIO, PHP-FPM or a web app: only a name says ClickHouse
                if value != 9000:
                    return DATABASE_PORTS[value]
        for value in (name, target):
            label = DATABASE_PORT_NAMES.get(str(value).lower())
            if label is not None:
                return label
    return None


@CHECK.on_each("k8s:Service")
def database_service_exposed(path: str, fact, index: RepoIndex) -> Iterator[Finding]:
    exposure = fact.data.exposure
    if exposure is None or fact.data.internal_lb or fact.data.source_ranges:
        return  # ClusterIP, an internal load balancer, or one restricted to known sources
    selector = dict(fact.data.selector or ())
    what = None
    if selector:
        ns = fact.data.namespace
        for wns, labels, images, workload in index.derived("K8S080:stores", tuple(f"k8s:{k}" for k in WORKLOAD_KINDS),
                                                            _stores):
            if same_namespace(ns, wns) and all(labels.get(k) == v for k, v in selector.items()):
                what = f"{workload} ({images[0]})"
                break
    if what is None:
        store = _by_port(fact.data.ports)
        if store is None:
            return
        what = f"the {store} port"
    name = fact.data.name
    private_ip = fact.data.lb_private_ip if exposure == "LoadBalancer" else None
    severity = Severity.HIGH if exposure == "LoadBalancer" and not private_ip else Severity.MEDIUM
    if private_ip:  # MetalLB/kube-vip on a LAN: reachable from that network, not the internet
        reach = (f"a load balancer on the private address {private_ip} (not internet-facing, but "
                 "open to everything on that network)")
    else:
        reach = "a public load balancer" if exposure == "LoadBalancer" else (
            "a port on every node" if exposure == "NodePort" else "external IPs")
    line = fact.data.exposure_line or fact.line
    yield CHECK.finding(
        Pos(line, line, tuple(fact.data.exposure_ypath or fact.ypath), path=path),
        resource=f"Service/{name}", severity=severity,
        message=f"Service/{name} exposes {what} through {reach}",
        evidence=f"type: {exposure}" if exposure != "externalIPs" else "externalIPs: [...]",
    )
