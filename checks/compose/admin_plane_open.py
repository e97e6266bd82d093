"""CMP023: an admin plane or service is left open to anyone who reaches it."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.compose import ComposeFile, PortMapping, Service
from ..models.datastore import shell_words
from ..models.open_planes import OpenPlane, open_planes

CHECK = Check(
    code="CMP023",
    name="admin-plane-open",
    title="Admin plane or service left open without a login",
    severity=Severity.HIGH,
    category=Category.NETWORK_POLICY,
    rationale=(
        "Some settings switch a product's own login off: Traefik's `--api.insecure`, Grafana's anonymous "
        "access with the Editor or Admin role, Jupyter with an empty token, a Docker daemon on "
        "`tcp://0.0.0.0:2375` without TLS, Kibana 7's `XPACK_SECURITY_ENABLED=false`, OpenSearch Dashboards' "
        "`DISABLE_SECURITY_DASHBOARDS_PLUGIN`, CORS that lets every origin call with credentials. Some admin "
        "ports have no login at all (Envoy 9901, Consul 8500, Prometheus 9090, Alertmanager 9093, etcd "
        "2379, Kibana given no Elasticsearch credentials at all). Whoever reaches the port gets the plane. Severity follows exposure: published on every "
        "host interface (Docker's rules bypass ufw) it is what the product allows (critical for a Docker "
        "API or a notebook, high for an admin API); reachable only from the host or the compose network "
        "it is low; an admin port that is not published is not reported."
    ),
    remediation=(
        "Turn the product's login back on (remove `--api.insecure`, set `GF_AUTH_ANONYMOUS_ENABLED=false` "
        "or the Viewer role, set a Jupyter token or password, enable TLS with `--tlsverify` on the Docker daemon).",
        "Do not publish admin ports: let the reverse proxy route to them with its own authentication "
        "(basic auth, forward auth, an SSO middleware).",
        "If the host needs the port, bind it to loopback (`127.0.0.1:8080:8080`) and reach it over SSH or a VPN.",
    ),
    effort="30m",
    references=(
        "https://doc.traefik.io/traefik/operations/api/#insecure",
        "https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/grafana/#anonymous-authentication",
        "https://jupyter-server.readthedocs.io/en/latest/operators/security.html",
        "https://docs.docker.com/engine/security/protect-access/",
        "https://www.envoyproxy.io/docs/envoy/latest/operations/admin",
    ),
    peers=("kics Docker Daemon Socket Exposed",),
)

_SEVERITY = {"critical": Severity.CRITICAL, "high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW}


def _port(text: str | None) -> int | None:
    head = str(text or "").strip().split("/", 1)[0].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _reach(service: Service, plane: OpenPlane) -> tuple[str, PortMapping | None]:
    """(``all``, ``local`` or ``none``, the port entry that publishes the plane)."""
    if str(service.lookup("network_mode")[0] or "").strip() == "host":
        return "all", None
    best: tuple[str, PortMapping | None] = ("none", None)
    for port in service.ports():
        if plane.ports and _port(port.target) not in plane.ports:
            continue
        if port.bound_to_all_interfaces:
            return "all", port
        best = ("local", port)
    return best


@CHECK.on(ComposeFile)
def admin_plane_open(compose: ComposeFile) -> Iterator[Finding]:
    for service in compose.services:
        env = {var.name: var.value for var in service.container_env()}
        words = shell_words(service.command_words("entrypoint") + service.command_words("command"))
        # absences are only read when the whole environment is known (no env_file it could not read)
        complete = not service.lookup("env_file")[0] or bool(compose.env_files.get(service.name))
        mounts = [volume.target for volume in service.volumes()] if complete else None
        for plane in open_planes(service.resolved_image_ref, env, words, mounts):
            if plane.kind == "store":
                continue  # a data store's own authentication is CMP021's
            reach, port = _reach(service, plane)
            if not plane.by_setting and reach != "all":
                continue  # an admin port nobody outside the host reaches
            severity = _SEVERITY[plane.impact] if reach == "all" else Severity.LOW
            where = ("on the host network" if port is None else
                     f"published on every interface ({port.raw})") if reach == "all" else (
                f"published on {port.host_ip} only" if port is not None else "not published: reachable from the "
                "containers of its networks")
            message = f"service {service.name!r}: {plane.product} is open, {plane.what}; {where}"
            evidence = plane.setting + (f"; ports: {port.raw}" if port is not None else "")
            if plane.via == "env":
                var = next((v for v in service.container_env() if v.name == plane.name), None)
                if var is not None and var.container is not None:
                    yield CHECK.finding(var, resource=service.resource, message=message, evidence=evidence,
                                        severity=severity)
                    continue
            if plane.via == "arg":
                key = "command" if plane.name in service.command_words("command") or any(
                    plane.name in w for w in service.command_words("command")) else "entrypoint"
                value, owner = service.lookup(key)
                if owner is not None:
                    yield CHECK.finding(owner, key, resource=service.resource, message=message, evidence=evidence,
                                        severity=severity)
                    continue
            if port is not None:
                yield CHECK.finding(port.container, port.index, resource=service.resource, message=message,
                                    evidence=evidence, severity=severity)
            else:
                yield CHECK.finding(service.node, "image" if "image" in service.node else None,
                                    resource=service.resource, message=message, evidence=evidence, severity=severity)
