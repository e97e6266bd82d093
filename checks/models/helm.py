"""Helm charts and Helm values, wherever a repository keeps them.

* :class:`HelmChart` is a ``Chart.yaml`` (or a Helm 2 ``requirements.yaml``): its name,
  versions and dependencies.  Dependencies are charts auditui does not read: each becomes
  an ``install`` fact (see :mod:`.components`).
* :class:`HelmValues` is one set of values: a values file (``values.yaml``,
  ``values-prod.yaml``, ``prod.values.yaml``...) or values written inline in a Flux
  ``HelmRelease`` (``spec.values``), an Argo CD ``Application`` (``helm.valuesObject``,
  ``helm.values`` as a string) or a Kustomize ``helmCharts`` entry (``valuesInline``).
  The values checks read them all the same way; the chart they configure is named when
  the document says it.

Chart schemas differ, so values are read by the conventions almost every chart follows
(``image: {repository, tag}``, ``ingress: {enabled, hosts, tls}``,
``persistence: {enabled}``, ``resources``, ``securityContext``), and a subchart's values
sit under its name (``postgresql:``).  Templates are not rendered (see the scope notices).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..api import Pos
from .base import AtDoc, Fact, FileKind, ParsedFile
from .components import component_names
from .topics import (
    HELM_CHART,
    HELM_REQUIREMENTS,
    HELM_SINGLE_INSTANCE,
    HELM_VALUES,
    INSTALL,
    HelmChartData,
    HelmRequirementsData,
    HelmSingleInstanceData,
    HelmValuesData,
    InstallData,
)
from .yamlnodes import YamlDoc, YList, YMap, comment_near, load_documents_partial

#: ``values`` as a whole word of a name's stem (searched: a fixed-length window, linear)
_VALUES_WORD_RE = re.compile(r"(?:^|[._-])values(?:[._-]|$)", re.IGNORECASE)
CHART_NAMES = ("Chart.yaml", "Chart.yml")


def is_values_name(rel: str) -> bool:
    """``values.yaml``, ``values-prod.yaml``, ``values.prod.yml``, ``prod-values.yaml``..."""
    name = rel.rsplit("/", 1)[-1]
    name = name[:-1] if name.endswith("\n") else name
    lower = name.lower()
    if "\n" in name or lower.startswith("values.schema"):
        return False
    stem = name[:-5] if lower.endswith(".yaml") else name[:-4] if lower.endswith(".yml") else None
    return stem is not None and _VALUES_WORD_RE.search(stem) is not None


def is_chart_name(rel: str) -> bool:
    return rel.rsplit("/", 1)[-1] in CHART_NAMES


def is_requirements_doc(data: Any) -> bool:
    """A Helm 2 ``requirements.yaml``: ``dependencies`` of charts with a repository."""
    if not isinstance(data, YMap) or "apiVersion" in data or "kind" in data:
        return False
    deps = data.get("dependencies")
    if not isinstance(deps, YList) or not deps:
        return False
    return all(isinstance(d, YMap) and "name" in d for d in deps) and any(
        isinstance(d, YMap) and "repository" in d for d in deps)


def chart_dir(path: str) -> str:
    return posixpath.dirname(path)


# -- charts ------------------------------------------------------------------------------

@dataclass(eq=False)
class ChartDependency:
    node: YMap
    deps: YList
    index: int

    @property
    def name(self) -> str:
        return str(self.node.get("name") or "")

    @property
    def version(self) -> Any:
        return self.node.get("version")

    @property
    def repository(self) -> str:
        value = self.node.get("repository")
        return "" if value is None else str(value)

    @property
    def alias(self) -> str | None:
        value = self.node.get("alias")
        return None if value is None else str(value)

    @property
    def local(self) -> bool:
        """A chart kept in the repository (``file://../common``), read like any other."""
        return self.repository.startswith("file://")

    @property
    def line(self) -> int:
        return self.deps.item_line(self.index)

    @property
    def version_line(self) -> int:
        return self.node.key_line("version") if "version" in self.node else self.line

    @property
    def ypath(self) -> tuple:
        return tuple(self.deps.ypath) + (self.index,)


@dataclass(eq=False)
class HelmChart(AtDoc):
    """A chart's ``Chart.yaml`` (or ``requirements.yaml``, which only lists dependencies)."""

    path: str
    doc: YMap
    requirements: bool = False

    @property
    def name(self) -> str:
        value = self.doc.get("name")
        return posixpath.basename(chart_dir(self.path)) if value is None else str(value)

    @property
    def directory(self) -> str:
        return chart_dir(self.path)

    @property
    def library(self) -> bool:
        return str(self.doc.get("type") or "application").lower() == "library"

    @property
    def dependencies(self) -> list[ChartDependency]:
        deps = self.doc.list("dependencies")
        return [ChartDependency(node, deps, index) for index, node in deps.maps()]


def parse_chart(rel: str, docs: list[YamlDoc], requirements: bool = False) -> ParsedFile:
    parsed = ParsedFile(rel, FileKind.HELM_CHART)
    doc = next((d.data for d in docs if isinstance(d.data, YMap)), None)
    if doc is None:
        parsed.notices.append("Helm chart file without a mapping; not audited")
        return parsed
    chart = HelmChart(rel, doc, requirements)
    parsed.units.append(chart)
    parsed.facts.extend(chart_facts(chart))
    if not requirements:
        parsed.notices.append(
            f"Helm chart {chart.name!r}: its templates are not rendered, so the objects they create are "
            f"not audited (its values files and Chart.yaml are)")
    return parsed


def chart_facts(chart: HelmChart) -> list[Fact]:
    deps = []
    facts: list[Fact] = []
    for dep in chart.dependencies:
        version = dep.version
        deps.append((dep.name, None if version is None else str(version), dep.repository, dep.alias,
                     dep.version_line, dep.ypath))
        if dep.local or not dep.name:
            continue
        names = component_names(dep.name) + tuple(n for n in component_names(dep.repository)
                                                   if dep.repository.startswith("oci://"))
        facts.append(Fact(INSTALL, f"{chart.path}#{'/'.join(map(str, dep.ypath))}", dep.line, dep.ypath,
                          InstallData(via="Chart.yaml" if not chart.requirements else "requirements.yaml",
                                    names=names, chart=dep.name, version=None if version is None else str(version),
                                    repo=dep.repository or None, release=chart.name)))
    if chart.requirements:
        facts.append(Fact(HELM_REQUIREMENTS, chart.directory, chart.line, chart.ypath,
                          HelmRequirementsData(deps=tuple(deps), path=chart.path)))
        return facts
    app_version = chart.doc.get("appVersion")
    facts.append(Fact(HELM_CHART, chart.directory, chart.line, chart.ypath, HelmChartData(
        name=chart.name, path=chart.path, version=None if chart.doc.get("version") is None else str(chart.doc.get("version")),
        app_version=None if app_version in (None, "") else str(app_version),
        library=chart.library or None, deps=tuple(deps) or None,
        api=str(chart.doc.get("apiVersion") or ""))))
    return facts


# -- values ------------------------------------------------------------------------------

@dataclass(eq=False)
class HelmValues:
    """One set of Helm values: a file, or values written inline in a GitOps object."""

    path: str
    root: YMap
    #: what holds them: "values file", "HelmRelease/x", "Application/x", "kustomization helmCharts"
    origin: str
    #: the chart they configure, when the document names it (inline values); None for files
    chart: str | None = None
    #: symbolic path before the root's own (values parsed from a string inside a document)
    prefix: tuple = ()
    #: the object or file they belong to, for findings' ``resource``
    resource: str = ""
    inline: bool = False
    extra: dict = field(default_factory=dict)
    #: the values file's text (files only): where :meth:`comment_near` reads comments
    source: str = field(default="", repr=False, compare=False)

    def comment_near(self, line: int | None) -> str:
        """The comment beside a line of the values file (the lines right above it and its own)."""
        return comment_near(self.source, line) if self.source and line else ""

    @property
    def line(self) -> int:
        return self.root.line

    @property
    def end_line(self) -> int:
        return self.root.end_line

    @property
    def ypath(self) -> tuple:
        return self.prefix + tuple(self.root.ypath)

    @property
    def chart_testing(self) -> bool:
        """A chart-testing values file (``<chart>/ci/*-values.yaml``): installed by ``ct`` in CI
        to test the chart, never deployed."""
        parts = self.path.split("/")
        return not self.inline and len(parts) >= 2 and parts[-2] == "ci"

    @property
    def chart_defaults(self) -> bool:
        """A chart's own ``values.yaml``: defaults that the values a release is deployed with may override."""
        return not self.inline and self.path.rsplit("/", 1)[-1].lower() in ("values.yaml", "values.yml")

    def pos(self, node: YMap | YList, key: Any = None) -> Pos:
        """Where ``node[key]`` is (the node itself without a key), as a finding position."""
        ypath = self.prefix + tuple(node.ypath)
        if key is None:
            return Pos(node.line, node.line, ypath)
        if isinstance(node, YMap):
            line = node.key_line(key)
            end = node.value_span(key)[1] if key in node else line
            return Pos(line, max(line, end), ypath + (key,))
        line = node.item_line(key)
        return Pos(line, line, ypath + (key,))

    def dotted(self, node: YMap | YList, key: Any = None) -> str:
        """``controller.image.tag``: the values path of ``node[key]`` relative to the root."""
        root = tuple(self.root.ypath)
        rel = tuple(node.ypath)[len(root):] + (() if key is None else (key,))
        return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in rel) or "(root)"


def parse_values(rel: str, docs: list[YamlDoc]) -> ParsedFile:
    parsed = ParsedFile(rel, FileKind.HELM_VALUES)
    for doc in docs:
        if isinstance(doc.data, YMap):
            values = HelmValues(rel, doc.data, "values file", resource=f"values/{posixpath.basename(rel)}",
                                source=doc.source)
            parsed.units.append(values)
            parsed.facts.extend(values_facts(values))
            parsed.facts.extend(single_instance_facts(values))
            break  # Helm reads the first document of a values file
    return parsed


def embedded_values(text: str, line: int) -> YMap | None:
    """Values written as a YAML string (Argo CD ``helm.values: |``), positioned in the file.

    ``line`` is the file line of the string's first line; blank lines are prepended so the
    parsed nodes carry file lines.  None when the text is not a YAML mapping.
    """
    if not isinstance(text, str) or not text.strip() or line < 1:
        return None
    docs, error = load_documents_partial("\n" * (line - 1) + text)
    if error is not None or not docs or not isinstance(docs[0].data, YMap):
        return None
    return docs[0].data


# -- what values say, by the conventions charts share ------------------------------------------

@dataclass(frozen=True)
class ValuesImage:
    node: YMap | None       # the image mapping, or the mapping holding an image string
    key: str                # "tag" (mapping form) or the key holding the string
    image: str              # repository[:tag], as shown in messages
    tag: str | None         # None: unset (the chart's default); "" : empty
    digest: bool
    parent: YMap | None = None


def _scalar(value: Any) -> bool:
    return value is not None and not isinstance(value, (YMap, YList, dict, list))


def walk(node: Any, depth: int = 0) -> Iterator[YMap]:
    """Every mapping under ``node`` (itself first), lists included; bounded depth."""
    if depth > 40:
        return
    if isinstance(node, YMap):
        yield node
        for value in node.values():
            if isinstance(value, (YMap, YList)):
                yield from walk(value, depth + 1)
    elif isinstance(node, YList):
        for value in node:
            if isinstance(value, (YMap, YList)):
                yield from walk(value, depth + 1)


def _off(mapping: Any) -> bool:
    """``enabled: false`` (or ``enable: false``, as some charts spell it)."""
    if not isinstance(mapping, YMap):
        return False
    return any(mapping.get(key) is False or str(mapping.get(key)).lower() == "false"
               for key in ("enabled", "enable") if key in mapping)


def disabled(root: YMap, node: YMap | YList) -> bool:
    """Is ``node`` inside a section turned off (``postgresql: {enabled: false, ...}``)?"""
    rel = tuple(node.ypath)[len(tuple(root.ypath)):]
    here: Any = root
    for part in rel:
        if _off(here):
            return True
        try:
            here = here[part]
        except (KeyError, IndexError, TypeError):
            return False
    return _off(here)


_IMAGE_KEY_RE = re.compile(r"(^|[a-z])image$", re.IGNORECASE)


def values_images(root: YMap) -> Iterator[ValuesImage]:
    """Images set in values: ``image: {repository, tag, digest}`` and ``image: repo:tag`` strings."""
    from .images import parse_image  # local import: images has no dependency on this module

    for mapping in walk(root):
        repo = mapping.get("repository")
        if isinstance(repo, str) and ("tag" in mapping or "digest" in mapping or "registry" in mapping):
            registry = mapping.get("registry")
            tag = mapping.get("tag")
            tag_text = None if tag is None else str(tag)
            digest = bool(mapping.get("digest")) or "@sha256:" in repo or (tag_text is not None and "@sha256:" in tag_text)
            full = f"{registry}/{repo}" if isinstance(registry, str) and registry else repo
            yield ValuesImage(mapping, "tag", f"{full}:{tag_text}" if tag_text else full, tag_text, digest)
            continue
        for key, value in mapping.items():
            if not isinstance(value, str) or not _IMAGE_KEY_RE.search(str(key)) or not value.strip():
                continue
            text = value.strip()
            if " " in text or "{{" in text or "$" in text or ("/" not in text and ":" not in text):
                continue  # not an image reference (a policy word, a template)
            ref = parse_image(text)
            yield ValuesImage(mapping, str(key), text, ref.tag if ref.tag is not None else None,
                              ref.digest is not None, parent=mapping)


def values_facts(values: HelmValues) -> list[Fact]:
    """What a values file tells the repository (read by the chart-level checks)."""
    from .k8s.backups import values_inherited_label_keys  # here: models.k8s imports this module
    empty_resources: list[tuple[str, int]] = []
    set_resources: list[str] = []
    empty_security: list[tuple[str, int]] = []
    set_security: list[str] = []
    empty_tags: list[tuple[str, int, str]] = []
    for mapping in walk(values.root):
        for key in ("resources", "securityContext", "podSecurityContext", "containerSecurityContext"):
            if key not in mapping:
                continue
            value = mapping.get(key)
            dotted = values.dotted(mapping, key)
            empty = value is None or (isinstance(value, YMap) and not value)
            if key == "resources":
                if empty:
                    empty_resources.append((dotted, mapping.key_line(key)))
                else:
                    set_resources.append(dotted)
            elif isinstance(value, YMap) and "enabled" in value and len(value) == 1:
                continue  # bitnami's `securityContext: {enabled: false}` style toggles
            elif empty:
                empty_security.append((dotted, mapping.key_line(key)))
            else:
                set_security.append(dotted)
    for image in values_images(values.root):
        if image.tag == "" and not image.digest and image.node is not None:
            empty_tags.append((image.image, image.node.key_line(image.key), values.dotted(image.node, image.key)))
    return [Fact(HELM_VALUES, values.path, values.line, values.ypath, HelmValuesData(
        dir=chart_dir(values.path),
        empty_resources=tuple(empty_resources) or None, set_resources=tuple(set_resources) or None,
        empty_security=tuple(empty_security) or None, set_security=tuple(set_security) or None,
        empty_tags=tuple(empty_tags) or None,
        inherited_labels=values_inherited_label_keys(values.root)))]


def database_chart(name: str | None) -> str | None:
    """The data store a chart (or a subchart key such as ``postgresql:``) runs, when it holds
    data nothing else can rebuild (a database or object store; see :mod:`.datastore`)."""
    from .datastore import SYSTEMS_OF_RECORD, engine_of, role_of  # local: datastore imports images only

    if not name or "{{" in name:
        return None
    for candidate in component_names(name):
        engine = engine_of(candidate)
        if engine is not None and role_of(engine) in SYSTEMS_OF_RECORD:
            return engine
    return None


def database_sections(values: HelmValues) -> Iterator[tuple[str, YMap]]:
    """(chart, mapping) for each part of the values that configures a database chart.

    The whole values when they belong to a database chart, and each top-level subchart
    section named after one (``postgresql:``) that is not turned off (``enabled: false``).
    """
    if database_chart(values.chart):
        yield str(values.chart), values.root
        return
    for key, value in values.root.items():
        if database_chart(str(key)) and isinstance(value, YMap) and value:
            if value.get("enabled") is False or str(value.get("enabled")).lower() == "false":
                continue
            yield str(key), value


def _workload_names(values: HelmValues, section: YMap, key: str | None) -> tuple[str, ...]:
    """The names the chart may give the database's workload, by Helm's naming conventions:
    ``fullnameOverride``, else the release (a HelmRelease's or Application's name) and
    ``<release>-<chart>``; a subchart section (``postgresql:``) adds ``-<section>`` or its own
    ``fullnameOverride``."""
    bases: list[str] = []
    override = values.root.get("fullnameOverride")
    if isinstance(override, str) and override.strip() and "{{" not in override:
        bases.append(override.strip())
    elif values.inline and "/" in values.resource:
        release = values.resource.split("/", 1)[1]
        bases.append(release)
        if values.chart and values.chart not in release:
            bases.append(f"{release}-{values.chart}")
    if key is None:
        return tuple(bases)
    own = section.get("fullnameOverride")
    if isinstance(own, str) and own.strip() and "{{" not in own:
        return (own.strip(),)
    return tuple(f"{base}-{key}" for base in bases)


def single_instance_facts(values: HelmValues) -> list[Fact]:
    """Database sections these values run as one instance (``helm:single-instance``, HELM007)."""
    if values.chart_testing:
        return []  # chart-testing values (<chart>/ci/): installed by CI to test the chart, never deployed
    facts: list[Fact] = []
    for chart, section in database_sections(values):
        key = None if section is values.root else chart
        setting = None
        architecture = section.get("architecture")
        if isinstance(architecture, str) and architecture.strip().lower() == "standalone":
            setting, value = "architecture", "standalone"
        else:
            for name in ("replicaCount", "replicas"):
                count = section.get(name)
                if count == 1 and not isinstance(count, bool):
                    setting, value = name, "1"
                    break
        if setting is None:
            continue
        pos = values.pos(section, setting)
        facts.append(Fact(HELM_SINGLE_INSTANCE, f"{values.path}#{'/'.join(map(str, pos.ypath))}", pos.line,
                          tuple(pos.ypath), HelmSingleInstanceData(
                              origin=values.origin, resource=f"{values.resource}/{values.dotted(section)}",
                              chart=chart, setting=values.dotted(section, setting), value=value,
                              end_line=pos.end_line, names=_workload_names(values, section, key))))
    return facts
