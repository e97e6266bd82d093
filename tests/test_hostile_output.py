"""Every output format keeps repository strings inert: no terminal control, no markup, valid UTF-8."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from auditui.checks.report.document import code_of, text_of
from auditui.checks.report.html import _inline
from auditui.cli import main

#: a privileged Pod (critical) whose name carries a terminal title change, a bell, markup,
#: a table-breaking pipe and a line that would plant an SSH key in the report
HOSTILE_POD = r'''apiVersion: v1
kind: Pod
metadata:
  name: "web\e]0;owned\a\e[2J<script>alert(1)</script><img src=x onerror=alert(2)>|x|[y](http://evil)\nssh-rsa AAAAB3Nza attacker"
  namespace: prod
spec:
  containers:
    - name: "c`b`"
      image: nginx:1.25
      securityContext: {privileged: true}
'''

#: a file name with an escape sequence, markup, a pipe, a backtick and a byte that is not UTF-8
HOSTILE_NAME = b"pod\x1b[31m<b>|`x`\xff.yaml"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / "k8s").mkdir(parents=True)
    (root / "k8s" / "pod.yaml").write_text(HOSTILE_POD)
    with open(os.path.join(os.fsencode(root / "k8s"), HOSTILE_NAME), "wb") as handle:
        handle.write(HOSTILE_POD.replace('name: "web', 'name: "api').encode())
    return root


def _output(capsys, *args: str) -> str:
    main(list(args))
    return capsys.readouterr().out


def _bytes_of(tmp_path: Path, *args: str) -> bytes:
    target = tmp_path / "out"
    code = main([*args, "--output", str(target)])
    assert code in (0, 1), code
    return target.read_bytes()


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "sarif"])
def test_scan_output_is_valid_utf8_on_stdout_and_in_a_file(hostile, tmp_path, capsys, fmt):
    data = _bytes_of(tmp_path, "scan", str(hostile), "--format", fmt, "--fail-on", "none")
    text = data.decode("utf-8")  # raises when a non-UTF-8 name leaked through
    assert "\\xff" in text or "%FF" in text
    stdout = _output(capsys, "scan", str(hostile), "--format", fmt, "--fail-on", "none")
    timing = re.compile(r"\d+\.\d+")
    assert timing.sub("N", stdout) == timing.sub("N", text)


@pytest.mark.parametrize("args", [("scan", "--format", "text"), ("scan", "--format", "markdown"),
                                  ("report",), ("report", "--format", "html")])
def test_no_control_character_reaches_text_markdown_or_html(hostile, tmp_path, args):
    text = _bytes_of(tmp_path, args[0], str(hostile), *args[1:]).decode("utf-8")
    assert "K8S" in text  # the hostile Pods were audited
    assert CONTROL.findall(text) == []
    assert "owned" in text  # shown, escaped


def _without_the_undecodable_name(root: Path) -> Path:
    os.unlink(os.path.join(os.fsencode(root / "k8s"), HOSTILE_NAME))
    return root


def test_text_output_keeps_each_finding_on_one_line(hostile, capsys):
    out = _output(capsys, "scan", str(_without_the_undecodable_name(hostile)), "--format", "text", "--fail-on", "none")
    assert "K8S" in out
    assert not [line for line in out.splitlines() if line.startswith("ssh-rsa")]


def _markdown_outside_code(markdown: str) -> str:
    return re.sub(r"(`+)(?:(?!\1).)*?\1", "", markdown)


def test_markdown_report_has_no_html_and_no_broken_table(hostile, capsys):
    md = _output(capsys, "report", str(_without_the_undecodable_name(hostile)))
    assert "K8S" in md
    plain = _markdown_outside_code(md)
    assert re.findall(r"(?<!\\)<", plain) == []  # no tag, no autolink outside code spans
    assert re.findall(r"(?<!\\)\[[^\]]*\]\(", plain) == []  # no link
    assert not [line for line in md.splitlines() if line.lstrip("|-*# 0123456789.`").startswith("ssh-rsa")]
    for table in re.findall(r"(?:^\|.*\|\n)+", md, re.M):
        rows = table.splitlines()
        cells = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(cells) == 1, rows  # a pipe in a name never adds a column


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def test_html_report_has_only_its_own_tags(hostile, capsys):
    page = _output(capsys, "report", str(hostile), "--format", "html")
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "nav", "a",
                           "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "strong"}
    assert parser.attrs <= {"lang", "charset", "name", "content", "id", "href", "class"}
    assert "&lt;script&gt;" in page


def test_sarif_uris_are_percent_encoded_and_exact(hostile, capsys):
    log = json.loads(_output(capsys, "scan", str(hostile), "--format", "sarif", "--fail-on", "none"))
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in log["runs"][0]["results"] for loc in result["locations"]}
    assert all(re.fullmatch(r"(?:[A-Za-z0-9\-._~/!$&'()*+,;=:@]|%[0-9A-F]{2})+", uri) for uri in uris), uris
    assert b"k8s/" + HOSTILE_NAME in {unquote_to_bytes(uri) for uri in uris}


def test_json_shows_an_undecodable_byte_as_an_escape(hostile, capsys):
    data = json.loads(_output(capsys, "scan", str(hostile), "--format", "json", "--fail-on", "none"))
    assert "k8s/pod\x1b[31m<b>|`x`\\xff.yaml" in {f["path"] for f in data["findings"]}


@pytest.mark.parametrize("value", ["a`b", "``", "` x", "x `", "a```b`c", "<i>`</i>"])
def test_code_spans_hold_any_text(value):
    assert _inline(code_of(value)) == "<code>" + value.replace("<", "&lt;").replace(">", "&gt;") + "</code>"


def test_text_renders_as_itself_in_html():
    raw = r"<b>x</b> **y** `z` [a](b) \ & # ! ~ _"
    assert _inline(text_of(raw)) == raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
