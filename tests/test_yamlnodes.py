"""The positioned YAML layer: values, positions, aliases, merges and errors, read in one pass."""

from __future__ import annotations

import pytest

from auditui.checks.models.yamlnodes import YamlBombError, YList, YMap, load_documents, load_documents_partial


def test_values_keep_their_lines_paths_and_the_authors_key_text():
    text = "on:\n  push: {}\nports:\n  - 5432:5432\n  - 80\nrun: |\n  a\n  b\nnext: 1\n"
    [doc] = load_documents(text)
    data = doc.data
    assert list(data) == ["on", "ports", "run", "next"]  # `on` stays a string
    assert data["ports"] == ["5432:5432", 80]  # base-60 stays as written
    assert data.key_line("ports") == 3 and data["ports"].item_lines == [4, 5]
    assert data.value_span("run") == (6, 8)  # a block scalar ends on its last line
    assert data["on"].ypath == ("on",) and data.map("on").map("push").ypath == ("on", "push")
    assert (doc.line, doc.end_line) == (1, 9)


def test_aliases_share_the_anchored_value_and_merges_fill_only_missing_keys():
    text = "base: &b {a: 1, b: 2}\nother: &o {c: 3}\nm:\n  <<: [*b, *o]\n  a: 9\nn: *b\n"
    [doc] = load_documents(text)
    data = doc.data
    assert data["n"] is data["base"]
    assert dict(data["m"]) == {"a": 9, "b": 2, "c": 3}
    assert data["m"].key_line("a") == 5 and data["m"].key_line("c") == 4  # merged keys point at the merge



def test_only_a_plain_or_merge_tagged_double_angle_key_merges():
    text = ('b: &b {x: 1}\nplain: {<<: *b}\nquoted: {"<<": *b}\ntagged: {!!merge <<: *b}\n'
            "str: {!!str <<: *b}\ncustom: {!m <<: *b}\n")
    [doc] = load_documents(text)
    data = doc.data
    assert dict(data["plain"]) == {"x": 1} and dict(data["tagged"]) == {"x": 1}
    assert list(data["quoted"]) == ["<<"] and list(data["str"]) == ["<<"] and list(data["custom"]) == ["<<"]
    assert data["quoted"]["<<"] is data["b"]

def test_complex_keys_duplicate_keys_and_multiple_documents():
    docs = load_documents("? [k]\n: v\na: 1\na: 2\n---\n- x\n--- \n")
    assert docs[0].data == {"['k']": "v", "a": 2}  # the last duplicate wins, as in PyYAML
    assert isinstance(docs[1].data, YList) and docs[1].data == ["x"] and docs[1].index == 1
    assert docs[2].data is None


def test_documents_before_an_error_are_kept_and_the_error_has_its_line():
    docs, error = load_documents_partial("a: 1\n---\nb: [\n")
    assert [d.data for d in docs] == [{"a": 1}]
    assert error is not None and error.line == 3


@pytest.mark.parametrize("text, message, line", [
    ("a: 1\nb: *nope\n", "found undefined alias", 2),
])
def test_alias_errors_are_yaml_errors_at_their_line(text, message, line):
    docs, error = load_documents_partial(text)
    assert docs == [] and error is not None and (error.message, error.line) == (message, line)


def test_a_redefined_anchor_replaces_the_earlier_one_as_yaml_and_helm_read_it():
    # YAML 1.1 and 1.2: "an alias node refers to the most recent node in the serialization having
    # the specified anchor. Therefore, anchors need not be unique"; PyYAML alone refuses this
    text = ("internal: {host: &host a.example}\nfirst: *host\n"
            "external: {host: &host b.example}\nsecond: *host\n"
            "outer: &m {inner: &m 1, seen: *m}\nafter: *m\n")
    docs, error = load_documents_partial(text)
    assert error is None
    data = docs[0].data
    assert (data["first"], data["second"]) == ("a.example", "b.example")
    assert data["outer"]["seen"] == 1  # the inner redefinition, while the outer map is still open
    assert data["after"] == 1  # the most recent definition, not the outer map that closed later


def test_an_alias_bomb_is_refused_without_being_expanded():
    rows = ["- &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcde", "bcdef"):
        rows.append(f"- &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    text = "ok: 1\n---\n" + "\n".join(rows) + "\n"
    docs, error = load_documents_partial(text)
    assert [d.data for d in docs] == [{"ok": 1}]
    assert isinstance(error, YamlBombError) and error.line == 3


def test_a_modest_reuse_of_anchors_is_read():
    text = "d: &d {cpu: 1}\n" + "".join(f"s{i}: *d\n" for i in range(500))
    [doc] = load_documents(text)
    assert all(doc.data[f"s{i}"] is doc.data["d"] for i in range(500))


def test_a_recursive_alias_is_read_as_a_shared_cycle():
    [doc] = load_documents("x: &x [1, *x]\n")
    seq = doc.data["x"]
    assert seq[1] is seq and isinstance(doc.data, YMap)


def test_an_application_tag_is_kept_with_the_text():
    import pickle

    from auditui.checks.models.yamlnodes import TaggedStr

    [doc] = load_documents("a: !env_var API_KEY\nb: !!str plain\nc: plain\nd: !vault |\n  $ANSIBLE_VAULT;1.1\n")
    a = doc.data["a"]
    assert isinstance(a, TaggedStr) and a == "API_KEY" and a.tag == "!env_var"
    assert type(doc.data["b"]) is str and type(doc.data["c"]) is str  # standard tags stay plain
    assert doc.data["d"].tag == "!vault"
    assert pickle.loads(pickle.dumps(a)).tag == "!env_var"  # the worker pool keeps it
