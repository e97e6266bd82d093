"""What GitOps objects install: Flux, Argo CD and Kustomize, read for the repository.

Flux ``HelmRelease``/``HelmChart``/``GitRepository``/``OCIRepository``/``HelmRepository``/
``Kustomization``, Argo CD ``Application``/``ApplicationSet`` and Kustomize's remote
``resources`` and ``helmCharts`` all pull content from outside the files auditui reads.
This module turns them into facts:

* ``install`` - a third-party component (a chart, a remote base, a release manifest) the
  repository installs: the names it is known by, its version and where it is declared;
* ``gitops:source`` - a Flux source (Git, OCI or Helm repository) and the reference it tracks;
* ``gitops:sync`` - a path a GitOps controller applies (a Flux Kustomization, an Argo CD
  Application's Git source), with its target namespace;

and inline Helm values into :class:`~.helm.HelmValues` units, audited like values files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .base import Fact, ParsedFile
from .components import component_names, is_remote
from .helm import HelmValues, embedded_values, single_instance_facts
from .topics import (
    GITOPS_PLACEHOLDER_SECRET,
    GITOPS_SOURCE,
    GITOPS_SYNC,
    INSTALL,
    KUSTOMIZE_IMAGE,
    RUNNER_SCALE_SET,
    GitopsPlaceholderSecretData,
    GitopsSourceData,
    GitopsSyncData,
    InstallData,
    KustomizeImageData,
    RunnerScaleSetData,
)
from .yamlnodes import YList, YMap

FLUX_HELM = "helm.toolkit.fluxcd.io/"
FLUX_SOURCE = "source.toolkit.fluxcd.io/"
FLUX_KUSTOMIZE = "kustomize.toolkit.fluxcd.io/"
ARGO = "argoproj.io/"
SOURCE_KINDS = ("GitRepository", "OCIRepository", "HelmRepository", "Bucket")


def _key(path: str, ypath: tuple) -> str:
    return f"{path}#{'/'.join(map(str, ypath))}"


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (YMap, YList, bool)):
        return None
    text = str(value).strip()
    return text or None


def _with_single_instances(found: tuple[list[Fact], list[HelmValues]]) -> tuple[list[Fact], list[HelmValues]]:
    """Inline values tell the repository what a values file would (HELM007's single instances)."""
    facts, values = found
    return facts + [fact for inline in values for fact in single_instance_facts(inline)], values


def object_extras(obj) -> tuple[list[Fact], list[HelmValues]]:
    """Facts and inline values of one Kubernetes object (a K8sObject)."""
    api, kind = obj.api_version, obj.kind
    if api.startswith(FLUX_HELM) and kind == "HelmRelease":
        return _with_single_instances(_helm_release(obj))
    if api.startswith(FLUX_SOURCE):
        if kind == "HelmChart":
            return _flux_helm_chart(obj), []
        if kind in SOURCE_KINDS:
            return _flux_source(obj), []
    if api.startswith(FLUX_KUSTOMIZE) and kind == "Kustomization":
        return _flux_kustomization(obj), []
    if api.startswith(ARGO) and kind in ("Application", "ApplicationSet"):
        return _with_single_instances(_argo(obj))
    if kind == "Secret" and api == "v1":
        return _placeholder_secret(obj), []
    if api.startswith(ARC) and kind == "AutoscalingRunnerSet":
        return _runner_set(obj, [_text(obj.spec.get("runnerScaleSetName")) or obj.name]), []
    if api.startswith(ARC_LEGACY) and kind in ("RunnerDeployment", "RunnerSet"):
        spec = obj.spec
        labels = spec.list("labels") if kind == "RunnerSet" else spec.map("template").map("spec").list("labels")
        return _runner_set(obj, [_text(label) for label in labels]), []
    return [], []


# -- GitHub Actions runners the repository runs (GHA012) ----------------------------------------

ARC = "actions.github.com/"
ARC_LEGACY = "actions.summerwind.dev/"
#: the Actions Runner Controller chart of one runner scale set
SCALE_SET_CHART = "gha-runner-scale-set"
_SUBSTITUTED_RE = re.compile(r"\$\{[^{}]*\}|\{\{.*?\}\}")


def runner_pattern(name: str | None) -> str | None:
    """A runner name with what is filled in later (``${CLUSTER}``, ``{{ .Values.x }}``) as ``*``;
    None when nothing literal is left."""
    if not name:
        return None
    pattern = re.sub(r"\*+", "*", _SUBSTITUTED_RE.sub("*", name.strip()))
    return pattern if pattern.replace("*", "").strip("-_.") else None


def _runner_set(obj, names: list[str | None], ypath: tuple | None = None, line: int | None = None) -> list[Fact]:
    patterns = tuple(dict.fromkeys(p for p in map(runner_pattern, names) if p))
    if not patterns:
        return []
    ypath = tuple(obj.ypath) if ypath is None else ypath
    return [Fact(RUNNER_SCALE_SET, _key(obj.path, ypath), line or obj.line, ypath, RunnerScaleSetData(
        names=patterns, resource=f"{obj.kind}/{obj.name}"))]


def _scale_set_release(obj, chart: str | None, values: YMap | None, release: str | None,
                       ypath: tuple, line: int) -> list[Fact]:
    """A release of the ``gha-runner-scale-set`` chart: its scale set is named by
    ``runnerScaleSetName``, else by the release's name."""
    if not chart or chart.rstrip("/").rsplit("/", 1)[-1] != SCALE_SET_CHART:
        return []
    name = _text(values.get("runnerScaleSetName")) if isinstance(values, YMap) else None
    return _runner_set(obj, [name or release], ypath, line)


# -- Secret "templates" -----------------------------------------------------------------------

_PLACEHOLDER_RE = re.compile(
    r"^(<[^<>]*>|\[[^\[\]]*\]|(change|replace|update|fill|set)[-_ .]?(me|this|it)|todo|fixme|tbd|xxx+|x{3,}|\*{3,}|"
    r"placeholder|dummy|example|sample|secret[-_ ]?here|password[-_ ]?here|your[-_ .][\w .-]+|"
    r"(insert|enter|put)[-_ .][\w .-]+|redacted|none|null|undefined|empty)$",
    re.IGNORECASE,
)


def placeholder_value(value) -> bool | None:
    """True for a stand-in (``<password>``, ``CHANGEME``, ``""``), False for a real-looking value,
    None for a value something fills in before it reaches the cluster (Flux ``${VAR}``
    substitution, a template, a SOPS-encrypted value)."""
    if value is None:
        return True
    if isinstance(value, (YMap, YList, bool)):
        return False
    text = str(value).strip()
    if not text:
        return True
    if text.startswith("ENC[") or "${" in text or "{{" in text or "$(" in text:
        return None
    return bool(_PLACEHOLDER_RE.match(text))


def _decoded(value) -> str | None:
    import base64
    import binascii

    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _placeholder_secret(obj) -> list[Fact]:
    """A Secret whose every value is a stand-in: a template someone meant to fill in."""
    if "sops" in obj.doc or obj.doc.get("immutable") is True:
        return []
    annotations = {str(k): str(v) for k, v in obj.annotations.items()}
    if annotations.get("config.kubernetes.io/local-config") == "true":
        return []
    if str(obj.doc.get("type") or "") == "kubernetes.io/service-account-token" or any(
            word in key for key in annotations for word in ("replicat", "reflector", "sealedsecrets")):
        return []  # filled by a controller (token controller, replicator, reflector)
    keys, line, verdicts = [], None, []
    for field_name, decode in (("stringData", False), ("data", True)):
        section = obj.doc.get(field_name)
        if not isinstance(section, YMap):
            continue
        for key, value in section.items():
            text = _decoded(value) if decode and value not in (None, "") else value
            if decode and value not in (None, "") and text is None:
                return []  # not base64: cannot judge
            verdict = placeholder_value(text)
            if verdict is None:
                return []
            verdicts.append(verdict)
            keys.append(str(key))
            line = line or section.key_line(key)
    if not verdicts or not all(verdicts):
        return []
    return [Fact(GITOPS_PLACEHOLDER_SECRET, f"{obj.path}#{obj.doc_index}/{obj.name}", obj.line, obj.ypath,
                 GitopsPlaceholderSecretData(name=obj.name, namespace=obj.namespace, keys=tuple(keys[:6]), value_line=line,
                           reconcile=annotations.get("kustomize.toolkit.fluxcd.io/reconcile"),
                           argo=annotations.get("argocd.argoproj.io/compare-options")
                           or annotations.get("argocd.argoproj.io/sync-options")))]


# -- Flux ---------------------------------------------------------------------------------------

def _ref(node: YMap, default_kind: str) -> tuple[str, str | None, str] | None:
    if not isinstance(node, YMap) or node.get("name") is None:
        return None
    return (str(node.get("kind") or default_kind), _text(node.get("namespace")), str(node.get("name")))


def _helm_release(obj) -> tuple[list[Fact], list[HelmValues]]:
    spec = obj.spec
    chart_spec = spec.map("chart").map("spec")
    chart = _text(chart_spec.get("chart"))
    chart_ref = _ref(spec.map("chartRef"), "OCIRepository")
    source = _ref(chart_spec.map("sourceRef"), "HelmRepository")
    version = chart_spec.get("version")
    names = component_names(chart) if chart and not chart.startswith((".", "/")) else ()
    if chart_ref is not None:
        ypath, line = tuple(spec.ypath) + ("chartRef",), spec.key_line("chartRef")
    else:
        ypath = tuple(chart_spec.ypath)
        line = spec.map("chart").key_line("spec") if "chart" in spec else obj.line
    facts = [Fact(INSTALL, _key(obj.path, ypath), line, ypath, InstallData(
        via="HelmRelease", names=names, chart=chart, release=obj.name, namespace=obj.namespace,
        version=_text(version), has_version="version" in chart_spec,
        version_line=chart_spec.key_line("version") if "version" in chart_spec else line,
        chart_ref=chart_ref, source_ref=source,
        local=bool(chart) and source is not None and source[0] in ("GitRepository", "Bucket"),
        hint=obj.name))]
    values = []
    inline = spec.get("values")
    facts += _scale_set_release(obj, chart or (chart_ref[2] if chart_ref else None),
                                inline if isinstance(inline, YMap) else None,
                                _text(spec.get("releaseName")) or obj.name, ypath, line)
    if isinstance(inline, YMap) and inline:
        values.append(HelmValues(obj.path, inline, f"HelmRelease/{obj.name}", chart=chart,
                                 resource=f"HelmRelease/{obj.name}", inline=True))
    return facts, values


def _flux_helm_chart(obj) -> list[Fact]:
    spec = obj.spec
    chart = _text(spec.get("chart"))
    source = _ref(spec.map("sourceRef"), "HelmRepository")
    ypath = tuple(spec.ypath)
    return [Fact(INSTALL, _key(obj.path, ypath), obj.line, ypath, InstallData(
        via="HelmChart", names=component_names(chart) if chart else (), chart=chart, release=obj.name,
        namespace=obj.namespace, version=_text(spec.get("version")), has_version="version" in spec,
        version_line=spec.key_line("version") if "version" in spec else obj.line, source_ref=source,
        local=source is not None and source[0] in ("GitRepository", "Bucket"), hint=obj.name))]


def _flux_source(obj) -> list[Fact]:
    spec = obj.spec
    url = _text(spec.get("url")) or _text(spec.get("bucketName"))
    ref = spec.map("ref")
    ref_kind = ref_value = None
    for key in ("commit", "digest", "semver", "tag", "name", "branch"):
        if _text(ref.get(key)) is not None:
            ref_kind, ref_value = key, _text(ref.get(key))
            break
    ref_line = ref.key_line(ref_kind) if ref_kind else (
        spec.key_line("ref") if "ref" in spec else obj.doc.key_line("spec") if "spec" in obj.doc else obj.line)
    layer = spec.map("layerSelector").get("mediaType")
    return [Fact(GITOPS_SOURCE, f"{obj.kind}/{obj.namespace or ''}/{obj.name}", obj.line, obj.ypath, GitopsSourceData(
        kind=obj.kind, name=obj.name, namespace=obj.namespace, url=url,
        names=component_names(url) if url and obj.kind != "HelmRepository" else (),
        ref_kind=ref_kind, ref=ref_value, ref_line=ref_line,
        ref_ypath=tuple(ref.ypath) + ((ref_kind,) if ref_kind else ()),
        helm_chart=bool(layer) and "helm" in str(layer).lower() or None,
        oci=obj.kind == "OCIRepository" or str(spec.get("type") or "") == "oci" or None))]


def _flux_kustomization(obj) -> list[Fact]:
    spec = obj.spec
    source = _ref(spec.map("sourceRef"), "GitRepository")
    path = _text(spec.get("path")) or "./"
    return [Fact(GITOPS_SYNC, _key(obj.path, tuple(obj.ypath)), obj.line, obj.ypath, GitopsSyncData(
        controller="flux", kind="Kustomization", name=obj.name, namespace=obj.namespace, path=path,
        source_ref=source, target_namespace=_text(spec.get("targetNamespace")),
        substitute=tuple((str(k), str(v)) for k, v in spec.map("postBuild").map("substitute").items()
                         if isinstance(k, str) and isinstance(v, (str, int, float))) or None,
        has_path="path" in spec,
        names=component_names(obj.name) + (component_names(source[2]) if source else ()),
        path_line=spec.key_line("path") if "path" in spec else obj.line))]


# -- Argo CD ------------------------------------------------------------------------------------

def _argo_sources(spec: YMap) -> Iterator[YMap]:
    if isinstance(spec.get("source"), YMap):
        yield spec.map("source")
    for _, item in spec.list("sources").maps():
        yield item


def _argo(obj) -> tuple[list[Fact], list[HelmValues]]:
    spec = obj.spec
    via = obj.kind
    if obj.kind == "ApplicationSet":
        spec = spec.map("template").map("spec")
    destination = spec.map("destination")
    namespace = _text(destination.get("namespace"))
    facts: list[Fact] = []
    values: list[HelmValues] = []
    for source in _argo_sources(spec):
        repo = _text(source.get("repoURL"))
        chart = _text(source.get("chart"))
        revision = source.get("targetRevision")
        rev_line = source.key_line("targetRevision") if "targetRevision" in source else source.line
        ypath = tuple(source.ypath)
        if chart:
            names = component_names(chart) + (component_names(repo) if repo and repo.startswith("oci://") else ())
            facts.append(Fact(INSTALL, _key(obj.path, ypath), source.line, ypath, InstallData(
                via=via, names=names, chart=chart, release=obj.name, namespace=namespace,
                version=_text(revision), has_version="targetRevision" in source, version_line=rev_line,
                repo=repo, hint=obj.name)))
        elif repo and ("path" in source or source.get("ref") is None):  # not a `ref:` source of value files
            facts.append(Fact(GITOPS_SYNC, _key(obj.path, ypath), source.line, ypath, GitopsSyncData(
                controller="argo", kind=via, name=obj.name, namespace=obj.namespace, repo=repo,
                path=_text(source.get("path")) or ".", revision=_text(revision),
                has_revision="targetRevision" in source, revision_line=rev_line,
                revision_ypath=ypath + ("targetRevision",), target_namespace=namespace,
                names=component_names(repo) if repo else ())))
        helm = source.map("helm")
        inline = helm.get("valuesObject")
        label = f"{via}/{obj.name}"
        if chart:
            facts += _scale_set_release(obj, chart, inline if isinstance(inline, YMap) else None,
                                        _text(helm.get("releaseName")) or obj.name, ypath, source.line)
        if isinstance(inline, YMap) and inline:
            values.append(HelmValues(obj.path, inline, label, chart=chart, resource=label, inline=True))
        text = helm.get("values")
        if isinstance(text, str) and "values" in helm:
            first, _ = helm.value_span("values")
            start = first + 1 if first == helm.key_line("values") else first  # a block scalar starts below its key
            parsed = embedded_values(text, start) if "{{" not in text else None
            if parsed is not None:
                values.append(HelmValues(obj.path, parsed, label, chart=chart,
                                         prefix=tuple(helm.ypath) + ("values",), resource=label, inline=True))
        elif isinstance(text, YMap) and text:  # some write a mapping where Argo CD wants a string
            values.append(HelmValues(obj.path, text, label, chart=chart, resource=label, inline=True))
    return facts, values


# -- Kustomize ----------------------------------------------------------------------------------

def kustomization_extras(k) -> tuple[list[Fact], list[HelmValues]]:
    """Remote resources and ``helmCharts`` of a Kustomize kustomization."""
    facts: list[Fact] = []
    values: list[HelmValues] = []
    for field_name in ("resources", "bases", "components"):
        seq = k.doc.list(field_name)
        for index, entry in enumerate(seq):
            if not isinstance(entry, str) or not is_remote(entry):
                continue
            ypath = tuple(seq.ypath) + (index,)
            facts.append(Fact(INSTALL, _key(k.path, ypath), seq.item_line(index), ypath, InstallData(
                via="kustomize", names=component_names(entry), url=entry.strip(), field=field_name)))
    images = k.doc.list("images")
    for index, item in images.maps():
        if item.get("name") is None:
            continue
        facts.append(Fact(KUSTOMIZE_IMAGE, _key(k.path, tuple(item.ypath)), images.item_line(index), tuple(item.ypath),
                          KustomizeImageData(name=str(item.get("name")), new_name=_text(item.get("newName")),
                                    new_tag=_text(item.get("newTag")), digest=_text(item.get("digest")),
                                    tag_line=item.key_line("newTag") if "newTag" in item else images.item_line(index))))
    seq = k.doc.list("helmCharts")
    for index, item in seq.maps():
        chart = _text(item.get("name"))
        ypath = tuple(item.ypath)
        facts.append(Fact(INSTALL, _key(k.path, ypath), seq.item_line(index), ypath, InstallData(
            via="kustomize helmCharts", names=component_names(chart) if chart else (), chart=chart,
            release=_text(item.get("releaseName")) or chart, namespace=_text(item.get("namespace")),
            version=_text(item.get("version")), has_version="version" in item,
            version_line=item.key_line("version") if "version" in item else seq.item_line(index),
            repo=_text(item.get("repo")))))
        inline = item.get("valuesInline")
        if isinstance(inline, YMap) and inline:
            label = f"helmCharts/{chart}"
            values.append(HelmValues(k.path, inline, "kustomization helmCharts", chart=chart, resource=label,
                                     inline=True))
    return facts, values


def extend(parsed: ParsedFile, facts_and_values: tuple[list[Fact], list[HelmValues]]) -> None:
    facts, values = _with_single_instances(facts_and_values)
    parsed.facts.extend(facts)
    parsed.units.extend(values)
    remote = [str(f.data.url) for f in facts if f.topic == "install" and f.data.via == "kustomize"]
    charts = [str(f.data.chart) for f in facts if f.topic == "install" and f.data.via == "kustomize helmCharts"]
    if remote:  # the scope notice: what this kustomization builds that auditui does not read
        shown = ", ".join(remote[:3]) + (f" and {len(remote) - 3} more" if len(remote) > 3 else "")
        parsed.notices.append(f"{len(remote)} remote resource(s) not read, so not audited: {shown}")
    if charts:
        parsed.notices.append(f"helmCharts not rendered, so not audited (their inline values are): {', '.join(charts[:5])}")


_RENDERED_ELSEWHERE = ("HelmRelease", "HelmChart", "Application", "ApplicationSet")


def unrendered_releases_notice(facts: list[Fact]) -> str | None:
    """The scope notice for a file of chart releases (Flux ``HelmRelease``/``HelmChart``, Argo CD
    Applications with a ``chart:``): the charts' templates are not rendered, so what they create
    is not audited; only the inline values are.  ``None`` when the file releases no chart."""
    labels = []
    for fact in facts:
        data = fact.data
        if fact.topic != INSTALL or data.via not in _RENDERED_ELSEWHERE:
            continue
        if data.via in ("Application", "ApplicationSet") and not data.chart:
            continue
        label = f"{data.via}/{data.release}" if data.release else str(data.via)
        if label not in labels:
            labels.append(label)
    if not labels:
        return None
    shown = ", ".join(labels[:3]) + (f" and {len(labels) - 3} more" if len(labels) > 3 else "")
    return (f"chart templates not rendered, so the objects they create are not audited "
            f"(inline values are): {shown}")


# -- install scripts --------------------------------------------------------------------------

_HELM_VALUE_OPTIONS = frozenset(("-f", "--values", "--set", "--set-string", "--set-file", "--version", "-n",
                                 "--namespace", "--repo", "--kube-context", "--kubeconfig", "--timeout",
                                 "--post-renderer", "--username", "--password", "--ca-file", "--cert-file",
                                 "--key-file", "--description", "--history-max", "--registry-config"))


def script_installs(script) -> list[Fact]:
    """``helm install/upgrade``, ``kubectl apply|create -f <url>`` and ``-k <url>`` in a script."""
    facts: list[Fact] = []
    for command, seg in script.segments():
        argv = seg.argv
        if seg.name == "helm" and len(argv) > 2 and argv[1] in ("install", "upgrade"):
            positional, version, skip = [], None, False
            for i, word in enumerate(argv[2:], 2):
                if skip:
                    skip = False
                    continue
                if word in _HELM_VALUE_OPTIONS:
                    if word == "--version" and i + 1 < len(argv):
                        version = argv[i + 1]
                    skip = True
                    continue
                if word.startswith("--version="):
                    version = word.split("=", 1)[1]
                if word.startswith("-"):
                    continue
                positional.append(word)
            if argv[1] == "install" and len(positional) == 1:
                positional = ["", positional[0]]  # helm install --generate-name CHART
            if len(positional) < 2:
                continue
            release, chart = positional[0], positional[1]
            if chart.startswith((".", "/")) or "$" in chart:
                continue  # a chart in the repository (read as such) or a variable
            ypath = command.ypath + ("helm",)
            facts.append(Fact(INSTALL, _key(script.path, ypath), command.line, ypath, InstallData(
                via="script", names=component_names(chart), chart=chart, release=release or None,
                version=version, has_version=version is not None, version_line=command.line)))
        elif seg.name in ("kubectl", "oc") and len(argv) > 2 and argv[1] in ("apply", "create", "replace"):
            for i, word in enumerate(argv):
                url = None
                if word in ("-f", "--filename", "-k", "--kustomize") and i + 1 < len(argv):
                    url = argv[i + 1]
                elif word.startswith(("--filename=", "--kustomize=")):
                    url = word.split("=", 1)[1]
                if url and is_remote(url) and "$" not in url:
                    ypath = command.ypath + ("kubectl", i)
                    facts.append(Fact(INSTALL, _key(script.path, ypath), command.line, ypath, InstallData(
                        via="script", names=component_names(url), url=url)))
    return facts
