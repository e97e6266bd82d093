"""Compose services whose job needs a piece of host access: what that job needs.

Some services exist to act on the host's network or to sandbox their own workers, and their
upstream documentation ships the access that job takes: a DHCP or PXE boot server must hear
the LAN's broadcasts (the host's network, NET_ADMIN/NET_RAW), a host firewall manager
(fail2ban, a mail stack's netfilter banner) rewrites the host's packet filter, keepalived moves
a virtual IP by VRRP, a VPN endpoint creates interfaces and routes, and Collabora Online builds
a chroot jail per document with SYS_ADMIN. For those, the host access checks (CMP003
host-network-mode, CMP018 dangerous-capability-added) say "by design for ..." and report
it at medium: a true grant of host access, to keep isolated, that no release stops for. What
the job does not need (SYS_ADMIN on a DHCP server, privileged: true anywhere) is judged as
for any service; this is the compose counterpart of :mod:`.k8s.node_agents`.

Recognition is deliberately narrow: the image's name (its last path part, or a dash-separated
part of it: ``ghcr.io/mailcow/netfilter``, ``linuxserver/wireguard``, ``collabora/code``, ``aio-collabora``) or, for a
service compose builds from source, the service's name (``dnsmasq: {build: ./dnsmasq}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compose import Service

#: access a family's documented setup takes: "host-network" and capability names
HOST_NETWORK = "host-network"
_NETWORK_JOB = frozenset((HOST_NETWORK, "NET_ADMIN", "NET_RAW", "NET_BROADCAST"))

#: (names, what the service does for the host, the access that job needs)
FAMILIES: tuple[tuple[tuple[str, ...], str, frozenset[str]], ...] = (
    (("dnsmasq", "kea", "kea-dhcp4", "kea-dhcp6", "isc-dhcp-server", "dhcpd", "pixiecore", "netbootxyz"),
     "a DHCP or PXE boot server (it must hear the LAN's broadcasts)", _NETWORK_JOB),
    (("netfilter", "fail2ban", "crowdsec-firewall-bouncer", "cs-firewall-bouncer"),
     "a host firewall manager (it rewrites the host's packet filter)", _NETWORK_JOB),
    (("keepalived",), "a virtual IP failover daemon (VRRP)", _NETWORK_JOB),
    (("wireguard", "wg-easy", "tailscale", "openvpn", "openvpn-as", "netbird", "zerotier", "zerotier-one"),
     "a VPN endpoint (it creates interfaces and routes)", _NETWORK_JOB),
    (("collabora", "collabora-code", "collabora-online"), "Collabora Online (a chroot jail per document)",
     frozenset(("SYS_ADMIN", "SYS_CHROOT", "MKNOD", "FOWNER", "CHOWN"))),
)


@dataclass(frozen=True)
class HostFunction:
    """What the service does for the host and how auditui recognised it."""

    role: str
    signal: str
    needs: frozenset[str]

    def reason(self) -> str:
        """The phrase a lowered finding ends with."""
        return f"by design for {self.role}, recognised by {self.signal}"


def _matches(name: str, names: tuple[str, ...]) -> bool:
    name = name.lower()
    if name.endswith(("-exporter", "_exporter", "-ui", "-web", "-admin", "-dashboard")):
        return False  # a companion of the function, not the function
    return name in names or any(part in names for part in name.split("-"))


def host_function(service: Service) -> HostFunction | None:
    """The host function a compose service performs (see the module), or None."""
    ref = service.resolved_image_ref
    for names, role, needs in FAMILIES:
        if ref is not None:
            repository = ref.repository.lower()
            last = repository.rsplit("/", 1)[-1]
            # Collabora's own image is "collabora/code": "code" alone names nothing
            if _matches(last, names) or (names[0] == "collabora" and repository.endswith("collabora/code")):
                return HostFunction(role, f"image {ref.repository!r}", needs)
        elif service.builds and _matches(service.name, names):
            return HostFunction(role, f"the name of the service compose builds ({service.name!r})", needs)
    return None
