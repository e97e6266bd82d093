"""Network addresses as the checks ask about them: is this host the machine itself?

One answer for every domain (a port bound to a hostIP, a Docker API ``-H`` flag, a URL a
script fetches, the hosts an Ansible play targets), so "local" means the same everywhere.
"""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback"]


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
