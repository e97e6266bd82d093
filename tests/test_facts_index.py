"""The facts index: typed facts, and a recording view that records every question."""

from __future__ import annotations

import inspect

import pytest

from auditui.checks.engine import Engine
from auditui.checks.facts import MAINTENANCE, RecordingIndex, RepoIndex
from auditui.checks.models.base import Fact, FileKind
from auditui.checks.models.topics import WORKLOAD_IMAGE, K8sObjectData, WorkloadImageData

from helpers import write


def _questions() -> list[str]:
    return sorted(name for name, member in inspect.getmembers(RepoIndex)
                  if (callable(member) and not name.startswith("_") and name not in MAINTENANCE) or name == "__len__")


#: how to ask each question once (a new question of RepoIndex needs a line here)
CALLS = {
    "facts": lambda ix: list(ix.facts("k8s:Deployment")),
    "has": lambda ix: ix.has("k8s:Deployment"),
    "count": lambda ix: ix.count("k8s:Deployment"),
    "k8s": lambda ix: list(ix.k8s("Deployment")),
    "topics": lambda ix: ix.topics("k8s:"),
    "files": lambda ix: ix.files(FileKind.KUBERNETES),
    "has_kind": lambda ix: ix.has_kind(FileKind.KUBERNETES),
    "paths_with": lambda ix: ix.paths_with("k8s:Deployment"),
    "sample": lambda ix: ix.sample("k8s:Deployment", 1),
    "facts_in": lambda ix: ix.facts_in("k8s:Deployment", "a.yaml"),
    "derived": lambda ix: ix.derived("test:names", ("k8s:Deployment",), lambda index: 1),
    "count_where": lambda ix: ix.count_where("test:any", ("k8s:",), lambda path, fact: True),
    "kind_of": lambda ix: ix.kind_of("a.yaml"),
    "file_facts": lambda ix: ix.file_facts("a.yaml"),
    "disk_file": lambda ix: ix.disk_file("secret.txt"),
    "keys_in": lambda ix: ix.keys_in("k8s:Deployment", "a.yaml"),
    "fact_in": lambda ix: ix.fact_in("k8s:Deployment", "a.yaml", "/web"),
    "__len__": lambda ix: len(ix),
}


def test_every_question_of_the_index_is_recorded():
    index = RepoIndex()
    index.set_file("a.yaml", FileKind.KUBERNETES,
                   [Fact("k8s:Deployment", "/web", 1, (), K8sObjectData(name="web"))])
    empty = RecordingIndex(index).signature()
    assert set(_questions()) == set(CALLS), "give every RepoIndex question a line in CALLS"
    for name in _questions():
        assert name in vars(RecordingIndex), f"RecordingIndex does not override {name}: it would go unrecorded"
        view = RecordingIndex(index)
        CALLS[name](view)
        assert view.signature() != empty, f"RecordingIndex.{name} records nothing"
    assert not hasattr(RecordingIndex, "__getattr__")


def test_a_view_is_read_only():
    view = RecordingIndex(RepoIndex())
    with pytest.raises(TypeError):
        view.set_file("a.yaml", FileKind.KUBERNETES, [])


def test_facts_are_typed_and_compare_by_value():
    a = Fact(WORKLOAD_IMAGE, "ns/Deployment/web/app", 3, (), WorkloadImageData(image="nginx:1.27", resource="x"))
    b = Fact(WORKLOAD_IMAGE, "ns/Deployment/web/app", 3, (), WorkloadImageData(image="nginx:1.27", resource="x"))
    assert a == b and hash(a) == hash(b)
    assert a.data.image == "nginx:1.27" and a.data.patch is None
    with pytest.raises(AttributeError):
        a.data.imgae  # noqa: B018 - a misspelt field fails loudly
    with pytest.raises(AttributeError):
        a.get("image")  # the old string reads are gone
    labels = K8sObjectData(labels={"b": "2", "a": "1"}, images=["x", "y"])
    assert labels.labels == (("a", "1"), ("b", "2")) and labels.images == ("x", "y")  # frozen, hashable
    hash(labels)


def test_fact_data_behaves_as_a_frozen_dataclass():
    """fact_data writes equality, hashing, repr and the refusal to assign once for every topic:
    they must behave as dataclass(frozen=True) would have generated them."""
    import dataclasses

    a = WorkloadImageData(image="nginx:1.27", resource="x")
    assert a == WorkloadImageData(resource="x", image="nginx:1.27")
    assert a != WorkloadImageData(image="nginx:1.28", resource="x")
    assert a != K8sObjectData() and WorkloadImageData() != K8sObjectData()  # another class never equals
    assert (a == "x") is False and a.__eq__("x") is NotImplemented
    assert hash(a) == hash(tuple(getattr(a, f.name) for f in dataclasses.fields(a)))
    assert len({a, WorkloadImageData(image="nginx:1.27", resource="x")}) == 1
    shown = ", ".join(f"{f.name}={getattr(a, f.name)!r}" for f in dataclasses.fields(a))
    assert repr(a) == f"WorkloadImageData({shown})" and "image='nginx:1.27'" in shown
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'image'"):
        a.image = "evil"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
        a.other = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'image'"):
        del a.image  # type: ignore[misc]
    assert dataclasses.is_dataclass(a) and dataclasses.replace(a, image="y").image == "y"
    assert a.image == "nginx:1.27"


def test_a_check_that_stats_a_file_reruns_when_it_goes(tmp_path):
    write(tmp_path, "deploy/kustomization.yaml", """\
        resources: [app.yaml]
        secretGenerator:
          - name: db
            files: [password.txt]
        """)
    write(tmp_path, "deploy/password.txt", "hunter2-but-longer\n")
    engine = Engine(tmp_path)
    codes = lambda: [f.code for f in engine.findings if f.code == "K8S061"]  # noqa: E731
    engine.scan()
    assert codes() == ["K8S061"]
    (tmp_path / "deploy/password.txt").unlink()
    delta = engine.update([tmp_path / "deploy/password.txt"])
    assert codes() == [] and [f.code for f in delta.removed] == ["K8S061"]
    write(tmp_path, "deploy/password.txt", "back again\n")
    engine.update([tmp_path / "deploy/password.txt"])
    assert codes() == ["K8S061"]


def _all_facts(root):
    engine = Engine(root)
    engine.scan()
    for path in engine.index.files():
        yield from engine.index.file_facts(path)


def test_every_fact_holds_its_topics_dataclass(fixtures_dir):
    from pathlib import Path

    from auditui.checks.models.topics import schema_of

    roots = [Path(__file__).resolve().parent.parent / "sample_repos", fixtures_dir]
    seen = set()
    for root in roots:
        for fact in _all_facts(root):
            schema = schema_of(fact.topic)
            assert schema is not None, f"topic {fact.topic!r} is not defined in models/topics.py"
            assert type(fact.data) is schema, f"{fact.topic} holds {type(fact.data).__name__}, not {schema.__name__}"
            seen.add(fact.topic.split(":")[0])
    assert {"k8s", "workload", "compose", "docker", "shell", "env", "helm"} <= seen


def test_contributing_lists_every_topic():
    from pathlib import Path

    from auditui.checks.models.topics import markdown_table

    text = (Path(__file__).resolve().parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert markdown_table() in text, "regenerate the table: python -m auditui.checks.models.topics"


def test_keyed_reads_depend_on_their_keys_only():
    """A view that read some keys of a file (``keys_in``/``fact_in``) depends on those facts and on
    the set of keys, not on every edit of the file; ``file_facts`` still depends on everything."""
    index = RepoIndex()

    def facts(a: str, b: str, *extra: str) -> list[Fact]:
        return [Fact("tf:var", f"x.tfvars#{n}", i + 1, (n,), WorkloadImageData(image=v))
                for i, (n, v) in enumerate([("a", a), ("b", b)] + [(e, "1") for e in extra])]

    index.set_file("x.tfvars", FileKind.YAML, facts("1", "2"))
    keyed = RecordingIndex(index)
    assert keyed.keys_in("tf:var", "x.tfvars") == ("x.tfvars#a", "x.tfvars#b")
    assert keyed.fact_in("tf:var", "x.tfvars", "x.tfvars#a")[0].data.image == "1"
    whole = RecordingIndex(index)
    whole.file_facts("x.tfvars")
    dirty = index.set_file("x.tfvars", FileKind.YAML, facts("1", "3"))   # only b changed
    assert "fact:tf:var:x.tfvars#b" in dirty and "fact:tf:var:x.tfvars#a" not in dirty
    assert not keyed.depends_on(dirty) and whole.depends_on(dirty)
    dirty = index.set_file("x.tfvars", FileKind.YAML, facts("5", "3"))   # a changed
    assert keyed.depends_on(dirty)
    dirty = index.set_file("x.tfvars", FileKind.YAML, facts("5", "3", "c"))  # a new key
    assert "keys:tf:var:x.tfvars" in dirty and keyed.depends_on(dirty)
    dirty = index.remove_file("x.tfvars")
    assert {"fact:tf:var:x.tfvars#a", "keys:tf:var:x.tfvars"} <= dirty
