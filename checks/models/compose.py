"""docker-compose files as typed services, volumes, ports and environments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .base import Fact, FileKind, ParsedFile
from .images import ImageRef, parse_image
from .yamlnodes import YamlDoc, YList, YMap


@dataclass(frozen=True)
class EnvVar:
    """One environment variable of a service, with where it was written."""

    name: str
    value: str | None  # None when only the name is given (passed through from the host)
    line: int
    end_line: int
    ypath: tuple


@dataclass(frozen=True)
class VolumeMount:
    source: str
    target: str
    read_only: bool
    line: int
    end_line: int
    ypath: tuple

    @property
    def is_bind(self) -> bool:
        return self.source.startswith(("/", ".", "~", "$"))


@dataclass(frozen=True)
class PortMapping:
    raw: str
    host_ip: str | None
    published: str | None
    target: str
    line: int
    end_line: int
    ypath: tuple

    @property
    def all_interfaces(self) -> bool:
        """Published on every interface of the host (0.0.0.0 / ::)."""
        return self.published is not None and self.host_ip in (None, "", "0.0.0.0", "::", "[::]")


@dataclass(eq=False)
class Service:
    name: str
    node: YMap
    compose: "ComposeFile"

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def end_line(self) -> int:
        return self.node.end_line

    @property
    def ypath(self) -> tuple:
        return self.node.ypath

    @property
    def resource(self) -> str:
        return f"service/{self.name}"

    @property
    def image(self) -> str | None:
        value = self.node.get("image")
        return None if value is None else str(value)

    @property
    def image_ref(self) -> ImageRef | None:
        return parse_image(self.image) if self.image else None

    @property
    def builds(self) -> bool:
        return "build" in self.node

    def environment(self) -> list[EnvVar]:
        env = self.node.get("environment")
        out: list[EnvVar] = []
        if isinstance(env, YMap):
            for key, value in env.items():
                line = env.key_line(key)
                out.append(EnvVar(str(key), None if value is None else str(value), line, line, env.ypath + (key,)))
        elif isinstance(env, YList):
            for index, item in enumerate(env):
                if not isinstance(item, str):
                    continue
                name, eq, value = item.partition("=")
                line = env.item_line(index)
                out.append(EnvVar(name.strip(), value if eq else None, line, line, env.ypath + (name.strip(),)))
        return out

    def volumes(self) -> list[VolumeMount]:
        vols = self.node.list("volumes")
        out: list[VolumeMount] = []
        for index, item in enumerate(vols):
            line = vols.item_line(index)
            ypath = vols.ypath + (index,)
            if isinstance(item, str):
                parts = item.split(":")
                if len(parts) == 1:
                    out.append(VolumeMount("", parts[0], False, line, line, ypath))
                    continue
                mode = parts[2] if len(parts) > 2 else ""
                out.append(VolumeMount(parts[0], parts[1], "ro" in mode.split(","), line, line, ypath))
            elif isinstance(item, YMap):
                out.append(VolumeMount(str(item.get("source") or ""), str(item.get("target") or ""),
                                       item.get("read_only") is True, item.line, item.end_line, ypath))
        return out

    def ports(self) -> list[PortMapping]:
        ports = self.node.list("ports")
        out: list[PortMapping] = []
        for index, item in enumerate(ports):
            line = ports.item_line(index)
            ypath = ports.ypath + (index,)
            if isinstance(item, YMap):
                published = item.get("published")
                out.append(PortMapping(str(dict(item)), item.get("host_ip"),
                                       None if published is None else str(published),
                                       str(item.get("target")), item.line, item.end_line, ypath))
                continue
            raw = str(item)
            text = raw.split("/", 1)[0]
            host_ip = None
            if text.startswith("["):  # [::1]:8080:80
                end = text.find("]")
                host_ip, text = text[1:end], text[end + 2:]
            parts = text.split(":")
            if len(parts) == 1:
                out.append(PortMapping(raw, None, None, parts[0], line, line, ypath))
            elif len(parts) == 2:
                out.append(PortMapping(raw, None, parts[0], parts[1], line, line, ypath))
            else:
                host = host_ip if host_ip is not None else ":".join(parts[:-2])
                out.append(PortMapping(raw, host, parts[-2], parts[-1], line, line, ypath))
        return out


@dataclass(eq=False)
class ComposeFile:
    path: str
    doc: YMap

    @property
    def line(self) -> int:
        return self.doc.line

    @property
    def end_line(self) -> int:
        return self.doc.end_line

    @property
    def ypath(self) -> tuple:
        return self.doc.ypath

    @property
    def services(self) -> list[Service]:
        return [Service(str(name), node, self) for name, node in self.doc.map("services").items() if isinstance(node, YMap)]

    def service_items(self) -> Iterator[tuple[str, YMap]]:
        for name, node in self.doc.map("services").items():
            if isinstance(node, YMap):
                yield str(name), node


def parse(path: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(path, FileKind.COMPOSE)
    for doc in docs:
        if not isinstance(doc.data, YMap):
            continue
        compose = ComposeFile(path, doc.data)
        parsed.units.append(compose)
        for service in compose.services:
            parsed.facts.append(Fact(
                "compose:service", service.name, service.line, service.ypath,
                Fact.pack(image=service.image, build=service.builds,
                          env=sorted(v.name for v in service.environment())),
            ))
    return parsed


