"""A generated hostile repository through every command, and a seeded mutation fuzzer.

The classes of issue 10: links out of the repository (file, folder, the report name,
``.git/HEAD`` and an audited file to ``/dev/zero``), FIFOs, a 3 MB file, a YAML alias
bomb, control characters and markup in file names and resource names, a name that is not
UTF-8, odd line breaks, a UTF-16 manifest, backtracking bait in ``.gitignore`` and
``.dockerignore``, 120 folders of nesting, a hostile state file, and secrets planted in
known token formats.  ``benchmarks/fuzz.py`` runs thousands of mutations.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hostile_corpus import CONTROL, PLANTED, build_hostile_repo, fuzz, snapshot

#: CPU seconds one scan of the hostile repository may take (it holds a 3 MB file, bombs and bait)
COMMAND_BUDGET = 60
FUZZ_CASES = 120
FUZZ_SEED = 20261204


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root = base / "repo"
    canary = build_hostile_repo(root, base / "home")
    return root, canary


COMMANDS = [
    ("scan", "--format", "text"), ("scan", "--format", "json"), ("scan", "--format", "sarif"),
    ("report",), ("report", "--format", "html"), ("prune", "--dry-run"),
]


def _run(args: list[str]) -> subprocess.CompletedProcess:
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)); "
            "from auditui.cli import main; sys.exit(main(sys.argv[1:]))")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, timeout=COMMAND_BUDGET * 3)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_on_the_hostile_repository(hostile, command):
    root, canary = hostile
    before, canary_text = snapshot(root), canary.read_bytes()
    done = _run([command[0], str(root), *command[1:], *(["--fail-on", "none"] if command[0] == "scan" else [])])
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, err
    assert "Traceback" not in err and "internal error" not in err
    out = done.stdout.decode("utf-8")  # valid UTF-8, whatever the names
    if command[0] in ("scan", "report") and "json" not in command and "sarif" not in command:
        assert CONTROL.findall(out) == []
    leaked = [name for name, secret in PLANTED.items() if secret in out]
    assert leaked == []
    assert snapshot(root) == before  # nothing written in the repository (outside .auditui/)
    assert canary.read_bytes() == canary_text
    assert sorted(p.name for p in canary.parent.iterdir()) == ["canary.toml"]
    if "json" in command:
        data = json.loads(out)
        notes = {n["path"]: n["message"] for n in data["notices"]}
        assert "k8s/big.yaml" in notes and "k8s/pipe.yaml" in notes and "link-out.yaml" in notes
        assert ".gitignore" in notes  # the invalid lines, named
        assert data["findings"], "the hostile repository was audited"


def test_a_state_file_with_a_deep_array_in_a_table_does_not_stop_the_scan(tmp_path):
    state = tmp_path / ".auditui" / "state.toml"
    state.parent.mkdir()
    text = b"version = 1\n[findings.abc]\nx = " + b"[" * 2000 + b"]" * 2000 + b"\n"
    state.write_bytes(text)
    for command in (["scan", str(tmp_path), "--format", "json"], ["report", str(tmp_path)]):
        done = _run(command)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 0, err
        assert "Traceback" not in err and "internal error" not in err
        assert "nested too deeply" in err and "read-only" in err  # says why triage is off
    done = _run(["prune", str(tmp_path)])  # a write refused with the reason, never a rewrite
    assert done.returncode == 2 and b"nested too deeply" in done.stderr and b"Traceback" not in done.stderr
    assert state.read_bytes() == text  # the user's file is kept as it was
    assert sorted(p.name for p in state.parent.iterdir()) == ["state.toml"]


def test_a_config_file_nested_too_deeply_is_a_clear_error(tmp_path):
    (tmp_path / ".auditui").mkdir()
    (tmp_path / ".auditui" / "config.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n")
    done = _run(["scan", str(tmp_path)])
    assert done.returncode == 2
    assert b"config.toml: invalid TOML: values nested too deeply" in done.stderr
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr


def test_mutation_fuzz():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as workdir:
        outcome = fuzz(Path(workdir), FUZZ_CASES, FUZZ_SEED, budget=2.0, render_every=10)
    assert outcome.cases == FUZZ_CASES
    assert outcome.problems() == {}
