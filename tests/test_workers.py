"""A cold scan on several processors ends exactly as in one (checks/workers.py, Engine.scan(jobs=...))."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from auditui.checks import engine as engine_module
from auditui.checks import workers
from auditui.checks.engine import Engine

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


@pytest.fixture(autouse=True)
def _alone():
    """Workers fork only from a process with one thread: a thread another test left running
    would make these tests pass without forking anything."""
    import threading

    if threading.active_count() > 1:
        pytest.skip(f"{threading.active_count() - 1} other thread(s) running in this test process")

ROOT = Path(__file__).resolve().parent.parent


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:  # this process has no child at all
        return True
    return False


@pytest.mark.parametrize("jobs", [1, 2, 3, 5])
def test_results_come_back_in_the_order_of_the_items(jobs):
    items = list(range(23))
    assert workers.fork_map(lambda n: (n, n * n), items, jobs) == [(n, n * n) for n in items]
    assert _no_child_left()


def test_the_work_is_shared_between_processes():
    pids = workers.fork_map(lambda _: os.getpid(), list(range(8)), 2)
    assert pids[0::2] == [os.getpid()] * 4  # share 0: this process
    assert len(set(pids[1::2])) == 1 and pids[1] != os.getpid()  # share 1: one child


def test_a_failing_child_leaves_its_share_to_the_caller():
    parent = os.getpid()

    def only_here(n: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("a worker fails")
        return n + 1

    assert workers.fork_map(only_here, list(range(10)), 3) == list(range(1, 11))
    assert _no_child_left()


def test_a_result_that_does_not_pickle_is_computed_by_the_caller():
    results = workers.fork_map(lambda n: (lambda: n), list(range(6)), 2)  # a lambda cannot be pickled
    assert [make() for make in results] == list(range(6))


def test_no_fork_while_another_thread_runs():
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not workers.available()
        assert workers.fork_map(lambda _: os.getpid(), list(range(4)), 2) == [os.getpid()] * 4
    finally:
        release.set()
        other.join()
    assert workers.available()


def test_the_pickling_hooks_bring_back_the_callers_own_objects():
    class Token:
        def __init__(self, name: str) -> None:
            self.name = name

    mine = {"a": Token("a"), "b": Token("b")}
    results = workers.fork_map(lambda key: [mine[key], key], ["a", "b", "a", "b"], 2,
                               shared=(Token, lambda token: token.name, lambda name: mine[name]))
    assert [pair[0] is mine[pair[1]] for pair in results] == [True] * 4


def _state(engine: Engine) -> dict:
    """Everything a scan leaves behind that later steps (update(), reports) read."""
    return {
        "findings": [dict(vars(f)) for f in engine.findings],
        "notices": [vars(n) for n in engine.all_notices()],
        "records": {rel: (r.kind, r.size, r.digest, r.lines, [vars(f) for f in r.base],
                          [vars(m) for m in r.markers], r.used, [vars(n) for n in r.notices + r.errors])
                    for rel, r in engine.records.items()},
        "facts": dict(engine.index._by_file),
        "reads": dict(engine._reads),
        "readers": {path: sorted(readers) for path, readers in engine._readers.items()},
    }


@pytest.mark.parametrize("tree", ["tests/fixtures", "sample_repos/shop-compose", "sample_repos/platform-k8s"])
def test_a_parallel_scan_equals_a_scan_in_one_process(tree, monkeypatch):
    monkeypatch.setattr(engine_module, "PARALLEL_MIN_FILES", 1)
    one = Engine(ROOT / tree)
    one.scan()
    two = Engine(ROOT / tree)
    two.scan(jobs=3)
    assert _state(two) == _state(one)
    assert _no_child_left()


def test_updates_after_a_parallel_scan_equal_those_after_a_scan_in_one_process(tmp_path, monkeypatch):
    """What a parallel scan records (reads, readers, facts) drives later updates the same way."""
    monkeypatch.setattr(engine_module, "PARALLEL_MIN_FILES", 1)
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "sample_repos" / "shop-compose", repo)
    one, two = Engine(repo), Engine(repo)
    one.scan()
    two.scan(jobs=2)
    env = repo / ".env"
    env.write_text(env.read_text() + "\nEXTRA_PASSWORD=Xk9vQ2mLp7Rt\n")  # read by the compose files
    added = [sorted(f.fingerprint for f in engine.update([env]).added) for engine in (one, two)]
    assert added[0] and added[0] == added[1]
    assert _state(two) == _state(one)


def test_a_scan_that_can_be_cancelled_stays_in_one_process(monkeypatch):
    monkeypatch.setattr(engine_module, "PARALLEL_MIN_FILES", 1)
    calls = []
    monkeypatch.setattr(workers, "fork_map", lambda *a, **k: calls.append(a) or [])
    Engine(ROOT / "sample_repos" / "platform-k8s").scan(cancelled=lambda: False, jobs=2)
    assert calls == []  # the app's scans can be cancelled between files: never forked


def test_a_small_repository_stays_in_one_process(monkeypatch):
    calls = []
    monkeypatch.setattr(workers, "fork_map", lambda *a, **k: calls.append(a) or [])
    Engine(ROOT / "sample_repos" / "platform-k8s").scan(jobs=2)  # fewer files than PARALLEL_MIN_FILES
    assert calls == []
