"""Node agents: programs whose job is the host they run on, and the host access that job takes.

One model for every domain. A node agent exports the host's metrics (node-exporter, cAdvisor,
smartctl-exporter), wires its network (CNI plugins, kube-proxy, a BGP routing daemon), attaches
its volumes (CSI node plugins), ships its logs, watches or profiles its kernel (Falco, Tetragon,
eBPF profilers) or exposes its devices. Upstream ships these with host namespaces, mounts of
``/``, ``/proc``, ``/sys`` or the kernel's tracing filesystems and, for some, privileged: that
access is what the agent is for, and the host-access checks grade it by what it adds beyond the
agent's job, saying which agent it is and why it needs it.

This module holds what is true of an agent whatever runs it: the families, the names that
recognise them and what each family's documented deployment takes. Where an agent can run:

- Kubernetes (:mod:`.k8s.node_agents`): a DaemonSet or a static pod of a known family (never a
  Deployment), plus what only Kubernetes shows (the CSI registration shape, node maintenance);
- compose (:func:`service_agent`): a service whose image is a known family. A compose project
  runs on one host, so a node-exporter service *is* that host's agent.

The same question, "does this service's job take this host access?", has a second answer for
services whose job *acts on* the host rather than watching or serving it (:data:`HOST_FUNCTIONS`,
:func:`host_function`, compose only): a DHCP or PXE boot server must hear the LAN's broadcasts (the
host's network, NET_ADMIN/NET_RAW), a host firewall manager (fail2ban, a mail stack's netfilter
banner) rewrites the host's packet filter, keepalived moves a virtual IP by VRRP, a VPN endpoint
creates interfaces and routes, and Collabora Online builds a chroot jail per document with
SYS_ADMIN.  They are one model with the agents (one :class:`Family` record, one name matcher) but
graded apart: an agent's documented access is low (medium for a capability close to root), while
a host function's is a true grant of control over the host's network or kernel that whoever takes
the container also gets, so it stays medium ("by design for ..."), and a service compose builds
from source counts by its service name (``dnsmasq: {build: ./dnsmasq}``), which an agent never does.
A companion of a function (``fail2ban-exporter``, ``wg-easy-ui``) is not the function.

Host functions also cover services whose job is the host's *container runtime* (the socket is the
product, :func:`drives_runtime`): container managers, CI runners, function executors, sandbox runners
(by the setting that turns on sibling-container sandboxing, ``SANDBOXED_COMPILES``), game-server
daemons, container deployers, updaters and schedulers, socket proxies; Docker-in-Docker (whose job
takes privileged); tunnel connectors and LAN device hubs on the host network; and privileges a
service takes for its own isolation (Collabora's jails, Chromium's sandbox). CMP001 grades the
socket of a runtime driver high (critical on a floating image tag: the socket is still root on
the host), never lower, except a socket proxy whose allowlist keeps writes off (medium).

Recognition is by name only and deliberately narrow: an image's name (its last path part, or its
repository for names with a ``/``) equal to a family name or holding it as a dash-separated part
(``prometheus-node-exporter``, ``opentelemetry-collector-ebpf-profiler``, ``aio-collabora``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compose import Service

# -- host access a family's job takes (keys of Family.needs) ---------------------------------

HOST_NETWORK = "host-network"
HOST_PID = "host-pid"
PRIVILEGED = "privileged"
#: the container runtime's API socket (never below medium: the socket is root on the host)
RUNTIME_SOCKET = "runtime-socket"
#: bind mounts of the container runtime's state (``/var/lib/docker/containers``: its containers' logs)
RUNTIME_STATE = "runtime-state"
#: bind mounts of the kernel's tracing and BPF filesystems
KERNEL_TRACING = "kernel-tracing"
#: host paths a ``KERNEL_TRACING`` need covers (and their subtrees)
KERNEL_TRACING_PATHS = ("/sys/kernel/debug", "/sys/kernel/tracing", "/sys/kernel/security", "/sys/fs/bpf")

#: how a message names each kind of access (capabilities are named as they are)
ACCESS_NAMES = {HOST_NETWORK: "host networking", HOST_PID: "the host's PID namespace", PRIVILEGED: "privileged",
                RUNTIME_SOCKET: "the runtime socket", KERNEL_TRACING: "debugfs and tracefs",
                RUNTIME_STATE: "the runtime's state directory"}

#: capabilities each close to root on the host: a family needing one is still medium
BROAD_CAPABILITIES = frozenset(("ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH",
                                "SYS_BOOT"))


@dataclass(frozen=True, eq=False)
class Family:
    """A family of node agents: its names, what it does and the host access its job takes."""

    #: image, container or label names that recognise it
    names: tuple[str, ...]
    #: what it does for the host, e.g. "node metrics (node-exporter)"
    role: str
    #: what a message calls it, e.g. "node-exporter", "an eBPF profiler"
    agent: str
    #: its upstream manifests run it privileged
    privileged: bool
    #: host access its documented deployment takes -> why its job needs it
    needs: dict[str, str] = field(default_factory=dict)
    #: what to keep in mind once it has that access
    advice: str = ""
    #: its job only reads the host and serves what it read (a metrics exporter): little attack
    #: surface, so host access beyond its job on a pinned image is an over-grant, not an open door
    reads_only: bool = False

    def why(self, access: str) -> str | None:
        """Why the job needs ``access`` (a ``needs`` key or a capability name), or None."""
        return self.needs.get(access)


_NETWORK_CAPS = {"NET_ADMIN": "to program the host's routes and interfaces",
                 "NET_RAW": "to send and receive routing protocol packets",
                 "NET_BIND_SERVICE": "to listen on the BGP port (179)"}

FAMILIES: tuple[Family, ...] = (
    Family(("cadvisor",), "container metrics (cAdvisor)", "cAdvisor", True,
           {PRIVILEGED: "to read /dev/kmsg and every container's cgroups",
            RUNTIME_SOCKET: "to name the containers it measures"},
           "make sure its image is pinned and it is the only privileged service"),
    Family(("smartctl-exporter",), "disk health metrics (smartctl-exporter)", "smartctl-exporter", True,
           {PRIVILEGED: "to send SMART ioctls to the host's raw disks",
            "SYS_RAWIO": "to send SMART ioctls to the host's raw disks",
            "SYS_ADMIN": "to send NVMe admin commands to the host's disks"},
           "listing the disks under `devices:` with SYS_RAWIO is tighter; keep its port off untrusted networks"),
    # host monitors with a web UI or a hub: their socket is an optional container view (CMP001 keeps
    # it critical, a socket proxy serves it), their host namespaces are their job
    Family(("beszel-agent", "glances"), "host monitoring (Beszel agent, Glances)", "a host monitoring agent", False,
           {HOST_NETWORK: "to report the host's network interfaces",
            HOST_PID: "to list the host's processes"},
           "keep its web UI behind authentication and off untrusted networks", reads_only=True),
    Family(("netdata",), "host monitoring (Netdata)", "Netdata", False,
           {HOST_NETWORK: "to report the host's network interfaces",
            HOST_PID: "to list the host's processes",
            "SYS_PTRACE": "to read every process's resource use (apps.plugin)",
            "SYS_ADMIN": "for its eBPF collectors"},
           "keep its dashboard behind authentication and off untrusted networks", reads_only=True),
    Family(("cloudflare-ddns", "ddclient", "ddns-updater", "inadyn", "ddns-go"), "dynamic DNS (it publishes the "
           "host's addresses)", "a dynamic DNS updater", False,
           {HOST_NETWORK: "to see the host's own addresses (an IPv6 address has no NAT to ask through)"},
           "keep it unprivileged (a non-root user, capabilities dropped)", reads_only=True),
    Family(("node-exporter", "windows-exporter", "dcgm-exporter", "process-exporter"), "node metrics (node-exporter)",
           "node-exporter", False,
           {HOST_NETWORK: "to report the host's network interfaces",
            HOST_PID: "to report the host's processes",
            "SYS_TIME": "for its timex collector"},
           "keep its port off untrusted networks", reads_only=True),
    # ahead of the CNI family: kube-router is both, and matches there as before
    Family(("frr", "frrouting", "bird", "bird2", "gobgp", "gobgpd", "exabgp"),
           "BGP routing daemon (FRRouting, BIRD, GoBGP)", "a BGP routing daemon", False,
           {HOST_NETWORK: "to install the routes it learns into the host's routing table",
            "SYS_ADMIN": "for network namespaces and VRFs (zebra)",
            **_NETWORK_CAPS},
           "keep its peers to the addresses you configure"),
    Family(("calico-node", "calico/node", "cilium", "cilium-agent", "flannel", "kube-flannel", "kube-proxy", "aws-node",
            "amazon-k8s-cni", "kube-router", "multus", "multus-cni", "weave-kube", "antrea-agent", "kube-ovn-cni",
            "canal", "istio-cni", "install-cni", "linkerd-cni"),
           "node networking (CNI plugin or kube-proxy)", "a CNI plugin or kube-proxy", True),
    # Istio ambient's per-node proxy: it enters every pod's network namespace to redirect its traffic
    Family(("ztunnel",), "service mesh node proxy (Istio ambient ztunnel)", "ztunnel", False,
           {"SYS_ADMIN": "to enter the pods' network namespaces",
            "NET_ADMIN": "to redirect the pods' traffic into itself",
            "NET_RAW": "for transparent proxying"},
           "it carries every pod's traffic on the node: pin its image"),
    # ahead of the shipping family: "opentelemetry-collector-ebpf-profiler" is a profiler
    Family(("ebpf-profiler", "parca-agent", "beyla", "pyroscope-ebpf"),
           "eBPF profiler", "an eBPF profiler", True,
           {PRIVILEGED: "to load eBPF programs into the host's kernel",
            HOST_PID: "to see every process it profiles",
            KERNEL_TRACING: "to attach its probes",
            RUNTIME_SOCKET: "to name the containers it profiles",
            "SYS_ADMIN": "to load eBPF programs", "BPF": "to load eBPF programs",
            "PERFMON": "to sample every process", "SYS_PTRACE": "to read other processes' memory maps",
            "SYS_RESOURCE": "to lock memory for its maps"},
           "it sees every process on the host: pin its image and keep it to hosts you profile"),
    Family(("fluent-bit", "fluentbit", "fluentd", "promtail", "vector", "filebeat", "metricbeat", "auditbeat",
            "otel-collector", "opentelemetry-collector", "opentelemetry-collector-contrib", "otelcol",
            "otelcol-contrib", "grafana-agent", "alloy", "datadog-agent", "datadoghq/agent", "datadog/agent"),
           "log and telemetry shipping", "a log or telemetry shipper", False),
    Family(("falco", "tetragon", "tracee"), "runtime security sensor", "a runtime security sensor", True,
           {PRIVILEGED: "to load its kernel module or eBPF probes",
            HOST_PID: "to see every process it watches",
            KERNEL_TRACING: "to attach its probes"},
           "pin its image: it sees every process on the host"),
    Family(("device-plugin", "nvidia-device-plugin", "k8s-device-plugin", "nvidia-driver"),
           "device or GPU plugin", "a device plugin", True),
    Family(("node-feature-discovery", "gpu-feature-discovery"), "node feature discovery", "node feature discovery", False),
    Family(("node-problem-detector",), "node health (node-problem-detector)", "node-problem-detector", True),
    Family(("kured",), "node reboot daemon (kured)", "kured", True),
    Family(("node-local-dns", "k8s-dns-node-cache"), "node-local DNS cache", "a node-local DNS cache", False),
    Family(("csi", "node-driver-registrar", "csi-node-driver-registrar", "longhorn-manager", "local-path-provisioner",
            "openebs", "node-disk-manager"),
           "storage (CSI node plugin or volume provisioner)", "a CSI node plugin", True),
)


def normal(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def matches(name: str, token: str) -> bool:
    """``name`` (normalised) is ``token`` or holds it as a dash-separated part; a token with a
    ``/`` matches a repository ending in it."""
    if "/" in token:
        return name == token or name.endswith("/" + token)
    return name == token or name.startswith(token + "-") or name.endswith("-" + token) or f"-{token}-" in name


def family_of(candidates: list[tuple[str, str]], families: tuple[Family, ...] = FAMILIES) -> tuple[Family, str] | None:
    """The first family (of ``families``: the node agents unless told) any (normalised name, where it
    came from) names, with that ``where``."""
    for family in families:
        for name, where in candidates:
            if any(matches(name, token) for token in family.names):
                return family, where
    return None


def network_tokens() -> tuple[str, ...]:
    """Names of the node networking family (CNI plugins, kube-proxy)."""
    return next(f.names for f in FAMILIES if f.role.startswith("node networking"))


# -- compose ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAgent:
    """A compose service that is a node agent of a known family."""

    family: Family
    #: how it was recognised, e.g. "image 'quay.io/prometheus/node-exporter'"
    signal: str

    def needs(self, access: str) -> bool:
        return access in self.family.needs

    def reason(self, access: str) -> str:
        """The clause a lowered finding ends with: what the agent is and why it needs ``access``."""
        what = ACCESS_NAMES.get(access, access)
        text = (f"by design for {self.family.agent} ({self.signal}), a node agent: "
                f"it needs {what} {self.family.why(access) or 'for its job'}")
        return text + (f"; {self.family.advice}" if self.family.advice else "")


    def over_grant_on(self, pinned: bool) -> bool:
        """Access beyond the job of a pinned, read-only agent whose upstream runs unprivileged is an
        over-grant to remove (medium), not what makes a service dangerous (node-exporter privileged)."""
        return pinned and self.family.reads_only and not self.family.privileged

    def over_grant(self, access: str) -> str:
        """The clause for access the agent's family does not take (its upstream runs without it)."""
        what = ACCESS_NAMES.get(access, access)
        return (f"which {self.family.agent} ({self.signal}), a node agent, does not need: its upstream runs it "
                f"without {what}; an over-grant on a pinned agent that only reads the host, remove it")


def service_agent(service: Service) -> ServiceAgent | None:
    """The node agent a compose service is (by its image's name), or None.

    A service compose builds from source is named by nothing auditui can trust (its name is
    the project's choice), so it is never an agent here.
    """
    if service.builds:
        return None
    ref = service.resolved_image_ref
    if ref is None:
        return None
    candidates = [(normal(ref.repository), f"image {ref.repository!r}"),
                  (normal(ref.repository.rsplit("/", 1)[-1]), f"image {ref.repository!r}")]
    found = family_of(candidates)
    if found is None or not found[0].needs:
        return None
    return ServiceAgent(found[0], found[1])


# -- host functions (compose): services whose job acts on the host ---------------------------

_NETWORK_JOB = dict.fromkeys((HOST_NETWORK, "NET_ADMIN", "NET_RAW", "NET_BROADCAST"), "for its job on the host's network")

#: services whose job acts on the host (see the module docstring): ``role`` is what they do for it
HOST_FUNCTIONS: tuple[Family, ...] = (
    Family(("dnsmasq", "kea", "kea-dhcp4", "kea-dhcp6", "isc-dhcp-server", "dhcpd", "pixiecore", "netbootxyz"),
           "a DHCP or PXE boot server (it must hear the LAN's broadcasts)", "a DHCP or PXE boot server", False,
           _NETWORK_JOB),
    Family(("netfilter", "fail2ban", "crowdsec-firewall-bouncer", "cs-firewall-bouncer"),
           "a host firewall manager (it rewrites the host's packet filter)", "a host firewall manager", False,
           _NETWORK_JOB),
    Family(("keepalived",), "a virtual IP failover daemon (VRRP)", "a virtual IP failover daemon", False, _NETWORK_JOB),
    Family(("netbird",), "a VPN endpoint (it creates interfaces and routes; NetBird's eBPF datapath)", "a VPN endpoint",
           False, {**_NETWORK_JOB, "SYS_ADMIN": "for its eBPF datapath", "SYS_RESOURCE": "to lock memory for its eBPF maps"}),
    Family(("wireguard", "wg-easy", "tailscale", "openvpn", "openvpn-as", "zerotier", "zerotier-one"),
           "a VPN endpoint (it creates interfaces and routes)", "a VPN endpoint", False, _NETWORK_JOB),
    Family(("cloudflared", "cloudflare/cloudflared", "frpc", "rathole", "ngrok/ngrok", "fosrl/newt"),
           "a tunnel connector (it carries the host's services out through an outbound tunnel)", "a tunnel connector",
           False, {HOST_NETWORK: "to reach the services it tunnels on the host's own ports"}),
    Family(("esphome", "home-assistant", "homeassistant", "homebridge", "scrypted", "python-matter-server",
            "matter-server", "avahi", "mdns-repeater"),
           "a LAN device hub (it discovers devices by mDNS/SSDP broadcasts)", "a LAN device hub", False,
           {HOST_NETWORK: "to hear the LAN's multicast discovery"}),
    Family(("collabora", "collabora-code", "collabora-online", "collabora/code"),
           "Collabora Online (a chroot jail per document)", "Collabora Online", False,
           dict.fromkeys(("SYS_ADMIN", "SYS_CHROOT", "MKNOD", "FOWNER", "CHOWN"), "for its per-document jails")),
    # a browser's own isolation: Chromium's sandbox needs user namespaces, which Docker's seccomp
    # profile allows only with SYS_ADMIN (the alternative is --no-sandbox)
    Family(("browserless", "chrome", "chromium", "headless-shell", "sockpuppetbrowser", "puppeteer", "playwright"),
           "a headless browser (Chromium's sandbox needs user namespaces)", "a headless browser", False,
           {"SYS_ADMIN": "for Chromium's sandbox"}),
    Family(("anythingllm",), "AnythingLLM (its bundled Chromium scraper's sandbox)", "AnythingLLM", False,
           {"SYS_ADMIN": "for its Chromium scraper's sandbox"}),
    # -- services whose job is driving the container runtime (the socket is the product) --
    Family(("portainer", "portainer/agent", "dockge", "yacht", "komodo-periphery", "dokploy", "caprover"),
           "a container manager (managing the host's containers is its job)", "a container manager", False,
           {RUNTIME_SOCKET: "to manage the host's containers"}),
    Family(("act-runner", "gitea/runner", "forgejo/runner", "forgejo-runner", "gitlab-runner", "woodpecker-agent",
            "drone-runner-docker", "github-runner", "actions-runner", "buildkite-agent"),
           "a CI runner (it starts each job as a container)", "a CI runner", False,
           {RUNTIME_SOCKET: "to start each CI job as a container"}),
    Family(("openruntimes/executor", "open-runtimes/executor", "open-runtimes/orchestrator",
            "open-runtimes/orchestrator/orchestrator", "fnproject/fnserver", "faasd"),
           "a function executor (it runs each function as a container)", "a function executor", False,
           {RUNTIME_SOCKET: "to run each function as a container"}),
    Family(("pterodactyl/wings", "pelican-dev/wings", "wings"),
           "a game-server daemon (it runs each game server as a container)", "a game-server daemon", False,
           {RUNTIME_SOCKET: "to run each game server as a container",
            RUNTIME_STATE: "to read its game servers' container logs"}),
    Family(("coder/coder",), "a development environment platform (it runs each workspace as a container)",
           "a workspace platform", False, {RUNTIME_SOCKET: "to run each workspace as a container"}),
    Family(("doco-cd", "nextcloud/all-in-one", "autobase/console-api"),
           "a deployer of containers (it creates and updates the stack's containers)", "a container deployer", False,
           {RUNTIME_SOCKET: "to create and update the containers it deploys"}),
    Family(("watchtower", "ouroboros", "ofelia", "chadburn"),
           "a container updater or job scheduler (it recreates containers or runs jobs in them)",
           "a container updater or scheduler", False, {RUNTIME_SOCKET: "to recreate containers or run jobs in them"}),
    Family(("docker-socket-proxy", "socket-proxy"),
           "a Docker socket proxy (it filters the runtime API for the services behind it)", "a socket proxy", False,
           {RUNTIME_SOCKET: "to filter the API for the services behind it"}),
)
#: a service that runs each of its users' jobs (a LaTeX compile, a code run) in a sibling container of
#: its own through the socket, recognised by the setting that turns that on (Overleaf's
#: ``SANDBOXED_COMPILES``): the sandbox keeps users' code out of the service itself
SANDBOX_RUNNER = Family(("sandboxed-jobs",), "a sandbox runner (it runs each user's job in a container of its own, "
                        "out of the service itself)", "a sandbox runner", False,
                        {RUNTIME_SOCKET: "to run each user's job in a sibling container"})
#: settings that turn sibling-container sandboxing on (a truthy value)
_SANDBOX_SETTING_RE = re.compile(r"SIBLING|SANDBOX\w*(?:COMPIL|CONTAINER|RUNNER|EXEC|JOB|BUILD)", re.IGNORECASE)
_TRUTHY = frozenset(("true", "1", "yes", "on", "enabled"))


def _sandbox_setting(service: Service) -> str | None:
    """The ``environment:`` setting that makes the service run its users' jobs in sibling containers."""
    for var in service.environment():
        value = str(var.value if var.value is not None else "").strip().strip("'\"").lower()
        if value in _TRUTHY and _SANDBOX_SETTING_RE.search(var.name):
            return f"{var.name}={value}"
    return None


#: Docker-in-Docker: the ``docker`` image's ``dind`` tags, or an image named for it
DIND = Family(("dind", "docker-dind"), "a Docker-in-Docker daemon (it runs its own Docker for CI jobs or builds)",
              "a Docker-in-Docker daemon", True,
              {PRIVILEGED: "to run its own Docker daemon (Docker-in-Docker)"})
#: name endings of a function's companions (its exporter, its web UI), which are not the function
_COMPANIONS = ("-exporter", "-ui", "-web", "-admin", "-dashboard")


@dataclass(frozen=True)
class HostFunction:
    """A compose service whose job acts on the host, and how auditui recognised it."""

    family: Family
    #: how it was recognised, e.g. "image 'linuxserver/wireguard'"
    signal: str

    def needs(self, access: str) -> bool:
        return access in self.family.needs

    def reason(self) -> str:
        """The phrase a lowered finding ends with."""
        return f"by design for {self.family.role}, recognised by {self.signal}"


def host_function(service: Service) -> HostFunction | None:
    """The host function a compose service performs (by its image's name, or by its service name
    when compose builds it), or None."""
    ref = service.resolved_image_ref
    if ref is not None:
        candidates = [(normal(ref.repository), f"image {ref.repository!r}"),
                      (normal(ref.repository.rsplit("/", 1)[-1]), f"image {ref.repository!r}")]
    elif service.builds:
        candidates = [(normal(service.name), f"the name of the service compose builds ({service.name!r})")]
    else:
        candidates = []
    if candidates and candidates[-1][0].endswith(_COMPANIONS):
        return None  # a companion of the function, not the function
    if ref is not None and (normal(ref.repository) in ("docker", "library/docker") and "dind" in (ref.tag or "").lower()
                            or family_of(candidates, (DIND,)) is not None):
        return HostFunction(DIND, f"image {ref.raw!r}")
    found = family_of(candidates, HOST_FUNCTIONS) if candidates else None
    if found is not None:
        return HostFunction(*found)
    setting = _sandbox_setting(service)  # any image: the setting says what the socket is for
    return HostFunction(SANDBOX_RUNNER, f"its setting {setting}") if setting is not None else None


def drives_runtime(function: HostFunction | None) -> bool:
    """The service's job is driving the container runtime (the socket is the product)."""
    return function is not None and function.needs(RUNTIME_SOCKET)


def kernel_tracing_path(path: str) -> bool:
    """A host path of the kernel's tracing or BPF filesystems."""
    norm = "/" + path.strip().strip("/")
    return any(norm == root or norm.startswith(root + "/") for root in KERNEL_TRACING_PATHS)


__all__ = ["BROAD_CAPABILITIES", "DIND", "FAMILIES", "HOST_FUNCTIONS", "HOST_NETWORK", "HOST_PID", "KERNEL_TRACING",
           "PRIVILEGED", "RUNTIME_SOCKET", "RUNTIME_STATE", "Family", "HostFunction", "ServiceAgent", "drives_runtime",
           "family_of", "host_function",
           "kernel_tracing_path", "matches", "network_tokens", "normal", "service_agent"]
