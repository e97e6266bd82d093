"""The GitOps graph (models/k8s/gitops_graph.py): one model that reachability ("is this file
deployed?") and environments ("which environments deploy it?") both ask."""

from __future__ import annotations

from pathlib import Path

from helpers import write
from auditui.checks.engine import Engine
from auditui.checks.models.k8s import environments, reachability
from auditui.checks.models.k8s.gitops_graph import (
    Budget,
    GitopsGraph,
    closure,
    retired_folder,
    substitute,
    unreferenced,
)

FLUX = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  path: {path}
  sourceRef: {{kind: GitRepository, name: flux-system}}
{extra}"""

APP = """\
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}}}
data: {{a: b}}
"""


def _graph(root: Path) -> tuple[Engine, GitopsGraph]:
    engine = Engine(root)
    engine.scan()
    return engine, GitopsGraph.of(engine.index)


def _fleet(root: Path) -> None:
    """clusters/<env> bootstraps itself with ENV set (postBuild values); its apps sync syncs apps/${ENV}."""
    for env in ("prod", "dev"):
        write(root, f"clusters/{env}/flux.yaml", FLUX.format(
            name="flux-system", path=f"./clusters/{env}", extra=f"  postBuild: {{substitute: {{ENV: {env}}}}}\n"))
        write(root, f"clusters/{env}/apps.yaml", FLUX.format(name="apps", path="./apps/${ENV}", extra=""))
        write(root, f"apps/{env}/kustomization.yaml", "resources: [../base, extra.yaml]\n")
        write(root, f"apps/{env}/extra.yaml", APP.format(name=f"extra-{env}"))
    write(root, "apps/base/kustomization.yaml", "resources: [app.yaml]\n")
    write(root, "apps/base/app.yaml", APP.format(name="app"))


def test_the_graph_as_written_follows_kustomizations_and_syncs_and_reports_templated_paths(tmp_path):
    _fleet(tmp_path)
    _, graph = _graph(tmp_path)
    edges, followed = graph.written()
    assert edges["apps/prod/kustomization.yaml"] == {"apps/base/kustomization.yaml", "apps/prod/extra.yaml"}
    assert edges["apps/base/kustomization.yaml"] == {"apps/base/app.yaml"}
    # a sync path resolves against the root and every folder above its file; a folder without a
    # kustomization means every file below it
    assert edges["clusters/prod/flux.yaml"] == {"clusters/prod/flux.yaml", "clusters/prod/apps.yaml"}
    assert followed["clusters/prod/apps.yaml"] == [("Kustomization apps", "its path is templated")]
    assert "clusters/prod/apps.yaml" not in edges  # not followed as written


def test_a_walk_carries_each_syncs_values_to_what_its_build_holds(tmp_path):
    _fleet(tmp_path)
    _, graph = _graph(tmp_path)
    budget = Budget()
    prod = graph.walk("clusters/prod/flux.yaml", budget)
    dev = graph.walk("clusters/dev/flux.yaml", budget)
    assert prod.unresolved() is None and dev.unresolved() is None
    assert "apps/prod/extra.yaml" in prod.files and "apps/dev/extra.yaml" not in prod.files
    assert "apps/dev/extra.yaml" in dev.files and "apps/base/app.yaml" in dev.files
    assert budget.left < 200_000
    # walked from the templated sync alone (no values), nothing resolves and the walk says why
    alone = graph.walk("apps/base/kustomization.yaml", Budget())
    assert alone.files == {"apps/base/kustomization.yaml", "apps/base/app.yaml"}


def test_both_questions_ask_the_same_graph(tmp_path):
    _fleet(tmp_path)
    write(tmp_path, "apps/.archive/kustomization.yaml", "resources: [old.yaml]\n")
    write(tmp_path, "apps/.archive/old.yaml", APP.format(name="old"))
    engine, graph = _graph(tmp_path)
    assert GitopsGraph.of(engine.index) is graph  # built once until its topics change
    found = environments.environments(engine.index)
    assert found.roots == {"clusters/dev/flux.yaml": "dev", "clusters/prod/flux.yaml": "prod"}
    assert found.reached_by["apps/dev/extra.yaml"] == {"clusters/dev/flux.yaml"}
    assert environments.nonproduction_only(found, "apps/dev/extra.yaml") is not None
    assert environments.nonproduction_only(found, "apps/base/app.yaml") is None
    # as written, the templated sync cannot be followed: reachability claims nothing but retired folders
    reach = reachability.reachability(engine.index)
    assert reach.unresolved is not None and "templated" in reach.unresolved


def test_every_document_of_a_kustomization_file_counts(tmp_path):
    write(tmp_path, "deploy/kustomization.yaml", "resources: [a.yaml]\n---\nresources: [b.yaml]\npatches: [{path: p.yaml}]\n")
    for name in ("a", "b", "p"):
        write(tmp_path, f"deploy/{name}.yaml", APP.format(name=name))
    _, graph = _graph(tmp_path)
    listing = graph.kustomizations["deploy/kustomization.yaml"]
    assert listing.listed == ("deploy/a.yaml", "deploy/b.yaml")
    assert listing.reads == ("deploy/p.yaml",)
    assert graph.patches == {"deploy/p.yaml"}


def test_a_templated_or_remote_kustomization_entry(tmp_path):
    write(tmp_path, "deploy/kustomization.yaml",
          "resources:\n  - https://github.com/org/repo//base?ref=v1\n  - ./${CLUSTER}/app.yaml\n  - a.yaml\n")
    write(tmp_path, "deploy/a.yaml", APP.format(name="a"))
    _, graph = _graph(tmp_path)
    listing = graph.kustomizations["deploy/kustomization.yaml"]
    assert listing.listed == ("deploy/a.yaml",)  # a remote base holds none of the repository's files
    assert listing.blocked is not None and "${CLUSTER}" in listing.blocked


def test_graph_helpers():
    assert substitute("./apps/${ENV}/${CLUSTER:-00}/${X}", {"ENV": "prod"}) == "./apps/prod/00/${X}"
    edges = {"a": {"b"}, "b": {"a", "c"}, "d": {"c"}}
    assert closure(["a"], edges) == {"a", "b", "c"}
    # a and b point at each other only (one cycle): both are entries; c is pointed at from outside
    assert set(unreferenced(["a", "b", "c", "d"], edges)) == {"a", "b", "d"}
    assert retired_folder("apps/.archive/x/app.yaml") == ".archive"
    assert retired_folder("charts/app/templates/deprecated/x.yaml", frozenset({"charts/app"})) is None
