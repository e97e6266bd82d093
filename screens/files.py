"""Files: the audited files as a tree, with per-file finding counts and worst severity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Tree
from textual.widgets.tree import TreeNode

from ..checks.api import Severity
from ..messages import ShowFindings
from ..widgets.style import SEVERITY_SHORT, data_text, severity_styles

if TYPE_CHECKING:  # pragma: no cover
    from ..app import AuditApp

REPO_LEVEL = "."


class FilesScreen(Screen):
    """Where the findings are: a tree of the audited files."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="Back to the findings"),
        Binding("enter", "show_file", "Show findings", tooltip="Show the findings of the selected file"),
        Binding("x", "toggle_clean", "Hide clean files", tooltip="Show or hide files without findings"),
    ]

    app: AuditApp

    def __init__(self) -> None:
        super().__init__()
        self.show_clean = False

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Label("", id="files-title", classes="pane-title")
        # a str label would be read as markup: every label is a Text of the (escaped) name
        yield Tree[str](data_text(self.app.root.name), id="files")
        yield Footer()

    def on_mount(self) -> None:
        self.rebuild()
        self.query_one(Tree).focus()

    def rebuild(self) -> None:
        tree = self.query_one(Tree)
        tree.clear()
        counts: dict[str, int] = {}
        worst: dict[str, Severity] = {}
        for finding in self.app.findings.values():
            if self.app.status_of(finding) != "open":
                continue
            path = finding.path or REPO_LEVEL
            keys = [path]
            if path != REPO_LEVEL:
                parts = path.split("/")
                keys += ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
            for key in keys:
                counts[key] = counts.get(key, 0) + 1
                if key not in worst or finding.severity > worst[key]:
                    worst[key] = finding.severity
        files = sorted(set(self.app.files) | {p for p in counts if not p.endswith("/") and p != REPO_LEVEL})
        if not self.show_clean:
            files = [f for f in files if f in counts]
        styles = severity_styles(self.app.current_theme)

        def label(name: str, key: str) -> Text:
            text = data_text(name)
            if key in counts:
                text.append(f"  {counts[key]} open", style="bold")
                text.append(" · worst ", style="dim")
                text.append(SEVERITY_SHORT[worst[key]], style=styles[worst[key]])
            else:
                text.append("  ✓", style="dim")
            return text

        dirs: dict[str, TreeNode[str]] = {"": tree.root}
        if REPO_LEVEL in counts:
            tree.root.add_leaf(label("(repository-wide)", REPO_LEVEL), data=REPO_LEVEL)
        for path in files:
            parts = path.split("/")
            parent = tree.root
            for depth in range(1, len(parts)):
                key = "/".join(parts[:depth]) + "/"
                node = dirs.get(key)
                if node is None:
                    node = parent.add(label(parts[depth - 1] + "/", key), data=key, expand=key in counts)
                    dirs[key] = node
                parent = node
            parent.add_leaf(label(parts[-1], path), data=path)
        tree.root.expand()
        total = len(self.app.files)
        with_findings = sum(1 for p in counts if not p.endswith("/"))
        self.query_one("#files-title", Label).update(Text(
            f"{total} audited files, {with_findings} with open findings"
            + ("" if self.show_clean else " (x shows clean files too)")
        ))

    def theme_changed(self) -> None:
        self._rebuild_in_place()

    def state_changed(self) -> None:
        self._rebuild_in_place()  # open counts follow triage

    def findings_changed(self) -> None:
        self._rebuild_in_place()  # a save or a scan changed the counts

    def _rebuild_in_place(self) -> None:
        tree = self.query_one(Tree)
        line = tree.cursor_line
        self.rebuild()
        self.call_after_refresh(lambda: setattr(tree, "cursor_line", min(line, max(tree.last_line, 0))))

    def action_toggle_clean(self) -> None:
        self.show_clean = not self.show_clean
        self.rebuild()

    def action_show_file(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is not None:
            self._select(node.data)

    @on(Tree.NodeSelected)
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        if not event.node.allow_expand:
            self._select(event.node.data)

    def _select(self, path: str | None) -> None:
        if not path or path.endswith("/"):
            return
        label = "repository-wide findings" if path == REPO_LEVEL else f"file: {path}"
        self.post_message(ShowFindings(label=label, path=path))
