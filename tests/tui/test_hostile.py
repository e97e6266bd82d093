"""Hostile strings: names, paths, notes and reasons are data on every screen.

The repository holds markup (``[/]`` closes a tag that was never opened: Rich raises
``MarkupError``; ``[bold red]`` and ``[link=...]`` restyle or plant links) and terminal
control sequences (``ESC[2J`` clears the screen, OSC 0 retitles the window, BEL) in a
directory name, a file name, a compose service name and Kubernetes object and
container names; the user types the same into the filter, the triage forms and notes.
Every screen, modal, toast and the files tree is drawn and read back: nothing crashes,
no control byte reaches the terminal, and the strings show literally (escaped).
"""

from __future__ import annotations

import html
import io
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from auditui.app import AuditApp
from rich.console import Console
from textual.widgets import Input, Static
from tui_helpers import CHECKS, scanned, wait_for

TODAY = date(2030, 1, 10)
ESC_NAME = "e\x1b[2Jvil"  # a file name that clears the screen
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

COMPOSE = """services:
  "c[/]\\e[2J":
    image: "nginx:latest"
    environment:
      DB_PASSWORD: "[bold red]x[/]supersecretvalue1"
"""

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: "a[/]\\e]0;pwned\\a[link=http://evil]z"
spec:
  template:
    spec:
      containers:
        - name: "web[/]"
          image: "x:1"
          imagePullPolicy: Never
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "[red]r\x1b]0;title\x07"  # the header shows the folder's name
    (root / "k8s" / "x[").mkdir(parents=True)
    (root / "docker-compose.yml").write_text(COMPOSE)
    (root / "k8s" / "x[" / "]z.yaml").write_text(MANIFEST)  # the path k8s/x[/]z.yaml
    (root / "k8s" / f"{ESC_NAME}.yaml").write_text(MANIFEST.replace("web[/]", "web2"))
    return root


def screen_text(app: AuditApp) -> str:
    """What the terminal would show (the screenshot's text), control characters included."""
    svg = app.export_screenshot()
    text = html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)))
    return text.replace("\xa0", " ")


def detail_text(app: AuditApp) -> str:
    body = app.findings_screen.query_one("#detail-body", Static)
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(getattr(body, "content", None) or body.renderable)
    return console.file.getvalue()


def assert_inert(app: AuditApp, where: str) -> str:
    text = screen_text(app)
    bad = CONTROL.findall(text.replace("\n", ""))
    assert not bad, f"{where}: control characters reach the screen: {bad!r}"
    return text


async def test_hostile_strings_on_every_screen(hostile: Path):
    app = AuditApp(hostile, watch=False, checks=CHECKS, today=TODAY)
    async with app.run_test(size=(160, 40)) as pilot:
        await scanned(pilot)
        table = app.findings_screen.table
        assert "[red]r\\x1b]0;title\\x07" in assert_inert(app, "header")
        assert {f.code for f in app.findings.values()} >= {"K8S020", "TUI001", "TUI002"}
        # every finding, selected in turn: the list and the detail pane
        for fingerprint in list(table.visible_fingerprints):
            table.select_fingerprint(fingerprint)
            await pilot.pause()
            text = assert_inert(app, f"finding {app.findings[fingerprint].location}")
        k8s = [f for f in app.findings.values() if f.code == "K8S020"]
        assert {f.path for f in k8s} == {"k8s/x[/]z.yaml", f"k8s/{ESC_NAME}.yaml"}
        table.select_fingerprint(next(f.fingerprint for f in k8s if f.path == "k8s/x[/]z.yaml"))
        await pilot.pause()
        text = assert_inert(app, "the k8s finding")
        assert "k8s/x[/]z.yaml:11" in text  # the path shows as it is, line number included
        assert "[link=http://evil]z" in text  # not a link: the literal text
        assert "\\x1b]0;pwned" in text  # the OSC shown escaped
        # the filter box takes markup as text
        await pilot.press("slash", *"[/]")
        await pilot.pause()
        assert_inert(app, "filter")
        await pilot.press("enter", "escape")

        # triage with hostile reasons and notes
        target = next(f for f in k8s if f.path == "k8s/x[/]z.yaml")
        table.select_fingerprint(target.fingerprint)
        await pilot.press("a", *"[/] ok [bold red]x[/]")
        assert_inert(app, "accept modal")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.status_of(target) == "accepted", what="the accept")
        await pilot.press("t", "t", "t", "t")  # status: all
        table.select_fingerprint(target.fingerprint)
        await pilot.press("n", *"see ticket [/] ok", "enter")
        await wait_for(pilot, lambda: app.entry_of(target) is not None and app.entry_of(target).notes, what="the note")
        await pilot.pause()
        assert_inert(app, "detail with a hostile note")
        text = detail_text(app)
        assert "see ticket [/] ok" in text and "[/] ok [bold red]x[/]" in text
        # a defer form whose date is markup: the error quotes it as text
        other = next(f for f in k8s if f is not target)
        table.select_fingerprint(other.fingerprint)
        await pilot.press("d")
        modal = app.screen
        modal.query_one("#until", Input).value = "[/]\x1b[2J"  # as a paste would bring it
        modal.query_one("#reason", Input).value = "x"
        modal.query_one("#reason", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        text = assert_inert(app, "defer modal error")
        assert "not a date: '[/][2J'" in text  # the box dropped the ESC; the error quotes the rest
        assert modal.query_one("#until", Input).value == "[/][2J"
        await pilot.press("escape")

        # toasts: a new file with a hostile name, reported by the live update
        new_file = hostile / "k8s" / "x[" / "n[" / "]\x1b[2J.yaml"  # k8s/x[/n[/]ESC[2J.yaml
        new_file.parent.mkdir()
        new_file.write_text(MANIFEST.replace("web[/]", "web3"))
        app._pending.add(str(new_file))
        app._kick()
        await wait_for(pilot, lambda: any("n[/]" in str(n.message) for n in app._notifications), what="the toast")
        await pilot.pause()
        assert_inert(app, "toast")

        # the other screens
        for key in ("c", "f", "x", "i", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            text = assert_inert(app, f"screen after {key!r}")
            if key == "i":  # the inventory lists the workloads by name: shown literally
                assert "Deployment a[/]\\x1b]0;pwned\\x07[link=http://evil]z" in text
        await pilot.press("escape")
        await pilot.press("f")
        await pilot.pause()
        text = assert_inert(app, "files tree")
        assert "\\x1b[2Jvil.yaml" in text
        await pilot.press("escape")
        # resolved triage: the triaged file goes away
        (hostile / "k8s" / "x[" / "]z.yaml").unlink()
        first = app.timings["scan_done"]
        await pilot.press("r")
        await wait_for(pilot, lambda: app.timings["scan_done"] != first and not app._busy, what="the rescan")
        await pilot.press("R")
        await pilot.pause()
        text = assert_inert(app, "resolved triage")
        assert "k8s/x[/]z.yaml" in text
        await pilot.press("escape")
        # the export
        await pilot.press("e")
        await wait_for(pilot, lambda: any("Report written" in str(n.message) for n in app._notifications),
                       what="the export")
        assert_inert(app, "export toast")
    state = tomllib.loads((hostile / ".auditui" / "state.toml").read_text())
    notes = [n["text"] for e in state["findings"].values() for n in e.get("notes", [])]
    assert notes == ["see ticket [/] ok"]
    # the next start shows the saved note again without crashing
    again = AuditApp(hostile, watch=False, checks=CHECKS, today=TODAY)
    async with again.run_test(size=(120, 36)) as pilot:
        await scanned(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert_inert(again, "restart")
