"""Development-only hosts (localhost, *.local, *.docker.internal) in manifest values."""

from __future__ import annotations

import re
from typing import Any

from ..base import Fact
from ..topics import WORKLOAD_DEVHOST, WorkloadDevhostData
from ..yamlnodes import YList, YMap

_HOST_TOKEN_RE = re.compile(r"(?<![\w.-])[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*")


_LOOPBACK_RE = re.compile(r"^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$")


_BIND_WORD_RE = re.compile(r"bind|listen", re.IGNORECASE)


_USERINFO_RE = re.compile(r"//[^/@\s]+@")


def dev_hosts(text: str) -> list[tuple[str, str]]:
    """(host, category) for each development-only host in ``text``.

    Categories: ``loopback`` (localhost, 127.x), ``docker`` (``*.docker.internal``),
    ``mdns`` (``*.local`` but not the cluster's ``*.cluster.local``) and ``dev``
    (``*.localhost``).  Tokens that are part of a path (``/opt/app.local``) are skipped.
    """
    found: list[tuple[str, str]] = []
    for match in _HOST_TOKEN_RE.finditer(text):
        start = match.start()
        if start and text[start - 1] == "/" and text[max(0, start - 3):start] != "://":
            continue
        host = match.group(0).rstrip("-").lower()
        if _LOOPBACK_RE.match(host):
            category = "loopback"
        elif host.endswith(".docker.internal"):
            category = "docker"
        elif host.endswith(".localhost"):
            category = "dev"
        elif host.endswith(".local") and host != "cluster.local" and not host.endswith(".cluster.local"):
            category = "mdns"
        else:
            continue
        found.append((host, category))
    return found


def _connection_like(value: str, host: str) -> bool:
    """The value names a host to connect to (a URL, ``host:port`` or the bare host)."""
    text = value.strip().lower()
    if "://" in text or "@" + host in text:
        return True
    return bool(re.fullmatch(re.escape(host) + r"(:\d+)?(/\S*)?", text))


def _value_line(at: YMap | YList, key: Any, value: str, host: str) -> int:
    """The line of ``host`` inside the value at ``at[key]`` (block scalars span lines)."""
    if isinstance(at, YList):
        return at.item_line(key)
    line = at.key_line(key)
    first, last = at.value_span(key)
    if last > first and first == line:  # a block scalar: its text starts below the key
        lines = value.splitlines()
        offset = next((i for i, text in enumerate(lines) if host in text.lower()), 0)
        return min(line + 1 + offset, last)
    return first


def devhost_facts(owner: str, resource: str, where: str, value: Any, at: YMap | YList, key: Any,
                   shared_loopback: bool, bind_key: str = "") -> list[Fact]:
    if not isinstance(value, str) or not value.strip():
        return []
    facts = []
    multiline = "\n" in value.strip()
    for host, category in dev_hosts(value):
        snippet = next((t.strip() for t in value.splitlines() if host in t.lower()), value.strip())
        facts.append(Fact(
            WORKLOAD_DEVHOST, f"{owner}#{'/'.join(map(str, at.ypath + (key,)))}#{host}",
            _value_line(at, key, value, host), at.ypath + (key,),
            WorkloadDevhostData(host=host, category=category, where=where, resource=resource,
                      snippet=_USERINFO_RE.sub("//", snippet)[:120],
                      multiline=multiline, shared_loopback=shared_loopback,
                      bind=bool(_BIND_WORD_RE.search(bind_key)),
                      connection=_connection_like(value, host)),
        ))
    return facts

