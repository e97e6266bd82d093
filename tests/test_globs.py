"""Ignore files and globs a repository writes are matched in linear time, and bad lines are notices.

The slow cases run in a child process with a CPU-time limit: on a regression they fail (the
previous matcher took > 120 s for ``**********b``) instead of holding up the suite, and a busy
machine does not fail them (CPU seconds, not wall-clock ones; speed is for benchmarks).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import textwrap

import pytest

from auditui.checks import globs
from auditui.cli import main

from helpers import POD, write

#: CPU seconds the child may use: the linear matcher takes well under one; the old one minutes
CPU_LIMIT = 30
#: wall-clock seconds, only so that a child that never ends cannot hold up the suite
HANG_GUARD = 900

DEEP = "/".join(["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"] * 3) + "/" + "a" * 60 + ".yaml"


def _limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))  # SIGXCPU past it


def _in_child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=HANG_GUARD, preexec_fn=_limit_cpu)


@pytest.mark.parametrize("line", [
    "**********b",  # 12 bytes: > 120 s through a backtracking translation
    "*a*a*a*a*a*a*a*a*a*b",  # no run of stars to collapse: still polynomial with backtracking
    "**/" * 12 + "b",
])
def test_a_gitignore_line_built_to_backtrack_does_not_stall_the_scan(tmp_path, line):
    write(tmp_path, ".gitignore", line + "\n")
    write(tmp_path, DEEP, POD)
    done = _in_child(f"""
        import sys
        from auditui.cli import main
        sys.exit(main(["scan", {str(tmp_path)!r}, "--format", "json", "--fail-on", "none"]))
    """)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["files"] == 1


def test_a_dockerignore_built_to_backtrack_is_linear():
    done = _in_child(f"""
        from auditui.checks.models.dockerfile import ignore_patterns, is_ignored
        patterns = ignore_patterns({"**/" * 12 + "x"!r} + "\\n" + {"*a" * 12 + "b"!r})
        assert not is_ignored({"a/" * 40 + "y"!r}, patterns)
        assert not is_ignored({"a" * 5000!r}, patterns)
        assert is_ignored("a/b/x", patterns)
    """)
    assert done.returncode == 0, done.stderr


def test_exclude_and_per_path_ignores_built_to_backtrack_are_linear(tmp_path):
    write(tmp_path, ".auditui/config.toml", """\
        exclude = ["**********b", "*a*a*a*a*a*a*a*a*a*b"]
        [per-path-ignores]
        "**********c" = ["*"]
    """)
    write(tmp_path, DEEP, POD)
    done = _in_child(f"""
        import sys
        from auditui.cli import main
        sys.exit(main(["scan", {str(tmp_path)!r}, "--format", "json", "--fail-on", "none"]))
    """)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"], "the Pod's finding is neither excluded nor suppressed"


def test_a_line_pathspec_refuses_is_a_notice_and_the_rest_applies(tmp_path, capsys):
    write(tmp_path, ".gitignore", "foo\\\n!\nsecret/\n")
    write(tmp_path, "k8s/pod.yaml", POD)
    write(tmp_path, "secret/pod.yaml", POD)
    code = main(["scan", str(tmp_path), "--format", "json", "--fail-on", "none"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {f["path"] for f in data["findings"]} - {"."} == {"k8s/pod.yaml"}  # secret/ still ignored
    notes = [(n["path"], n["message"]) for n in data["notices"] if n["path"] == ".gitignore"]
    assert notes == [
        (".gitignore", "line 1: 'foo\\\\' is not a valid pattern; ignored (git ignores it too)"),
        (".gitignore", "line 2: '!' is not a valid pattern; ignored (git ignores it too)"),
    ]


def test_a_nested_gitignore_with_a_bad_line_is_a_notice_too(tmp_path, capsys):
    write(tmp_path, "app/.gitignore", "gen/\nbad\\\n")
    write(tmp_path, "app/gen/pod.yaml", POD)
    write(tmp_path, "app/pod.yaml", POD)
    main(["scan", str(tmp_path), "--format", "json", "--fail-on", "none"])
    data = json.loads(capsys.readouterr().out)
    assert {f["path"] for f in data["findings"]} - {"."} == {"app/pod.yaml"}
    assert [n["path"] for n in data["notices"]] == ["app/.gitignore"]


def test_an_invalid_exclude_in_the_configuration_names_the_key(tmp_path, capsys):
    write(tmp_path, ".auditui/config.toml", 'exclude = ["ok/", "foo\\\\"]\n')
    assert main(["config", str(tmp_path)]) == 2
    assert "'exclude': 'foo\\\\' is not a valid pattern" in capsys.readouterr().err


def test_an_invalid_per_path_ignore_names_the_key(tmp_path, capsys):
    write(tmp_path, ".auditui/config.toml", '[per-path-ignores]\n"!" = ["*"]\n')
    assert main(["config", str(tmp_path)]) == 2
    assert "'per-path-ignores': '!' is not a valid pattern" in capsys.readouterr().err


def test_matching_is_linear_time():
    assert globs.LINEAR, "google-re2 is a dependency: without it ignore files can stall a scan"


@pytest.mark.parametrize("pattern, path, expected", [
    ("***/b", "b", True),  # git reads any run of stars between slashes as **
    ("***/b", "x/y/b", True),
    ("a/***/b", "a/b", True),
    ("a***b", "axb", True),
    ("a***b", "a/b", False),  # not between slashes: a plain * that stops at /
    ("\\***", "*x", True),  # an escaped star stays a literal one
    ("\\***", "x", False),
])
def test_runs_of_stars_mean_what_git_means(pattern, path, expected):
    assert globs.gitignore_spec([pattern]).match(path) is expected


def test_file_names_that_are_not_utf8_are_matched():
    spec = globs.gitignore_spec(["*.log", "x\udcffy"])
    assert spec.match("a\udcff.log")
    assert not spec.match("a\udcff.yaml")
    assert globs.linear_regex("^a.*$").match("a\udcff")


def test_an_invalid_regex_matches_nothing_quietly(capfd):
    assert globs.linear_regex("[z-a]").match("b") is None
    assert capfd.readouterr().err == ""  # RE2 logs nothing
