"""Network addresses as the checks ask about them: is this host the machine itself?

One answer for every domain (a port bound to a hostIP, a Docker API ``-H`` flag, a URL a
script fetches, the hosts an Ansible play targets), so "local" means the same everywhere.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback", "is_private_address"]


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` or ``::1`` (brackets allowed, as in a URL: ``[::1]``).
    ``0.0.0.0`` is not: bound, it means every interface."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_private_address(host: str) -> bool:
    """An address no internet client can reach directly: RFC 1918, CGNAT (100.64.0.0/10),
    loopback, link-local, IPv6 unique-local. The documentation ranges (192.0.2.0/24,
    198.51.100.0/24, 203.0.113.0/24) are not: examples use them to stand for public addresses.
    Not an address (a name, garbage) is not private."""
    host = host.strip().strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in _PRIVATE_NETWORKS if address.version == network.version)


_PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10"))
