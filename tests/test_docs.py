"""The README stays true: every check is in its catalog, the commands it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

from auditui.checks import registry
from auditui.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_check_is_listed_in_the_readme_catalog():
    listed = set(re.findall(r"^\| ([A-Z][A-Z0-9]*\d{3}) \|", README, flags=re.M))
    assert {c.code for c in registry.ALL_CHECKS} == listed


def test_quick_start_sample_repository_exists():
    match = re.search(r"auditui (sample_repos/[\w.-]+)", README)
    assert match and (Path(__file__).resolve().parent.parent / match.group(1)).is_dir()


def test_subcommands_shown_in_the_readme_exist():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    blocks = "\n".join(re.findall(r"^```[^\n]*\n(.*?)^```", README, flags=re.S | re.M))
    blocks += "\n".join(re.findall(r"^    (.*)$", README, flags=re.M))  # indented code
    shown = set(re.findall(r"(?:^[ \t]*(?:\$ )?|&& )auditui ([a-z]+)\b", blocks, flags=re.M)) - {"sample_repos"}
    assert shown <= set(subparsers.choices), shown - set(subparsers.choices)


def test_the_readme_ci_workflow_passes_auditui_itself(tmp_path):
    from auditui.checks.engine import Engine

    start = README.index("# .github/workflows/auditui.yml")
    block = README[start:README.index("```", start)]
    target = tmp_path / ".github" / "workflows" / "auditui.yml"
    target.parent.mkdir(parents=True)
    target.write_text(block)
    engine = Engine(tmp_path)
    engine.scan()
    assert engine.check_errors == []
    assert [f"{f.code} {f.message}" for f in engine.findings] == []
