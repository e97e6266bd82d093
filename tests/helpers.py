"""Small things several test modules share."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SAMPLES: list[Path] = []

#: a Pod with one finding (K8S020 imagePullPolicy: Never) and nothing else serious
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod}
spec:
  containers:
    - name: c
      image: registry.example.com/app:1.0.0
      imagePullPolicy: Never
"""


def write(root: Path, rel: str, text: str) -> Path:
    """Write ``text`` (dedented) at ``root/rel``, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def clean_copy(source: Path, target: Path) -> Path:
    """Copy a repository without its ``.auditui/`` (triage a user left there must not sway a test)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".auditui"), symlinks=True)
    return target


def sample_repos() -> Path:
    """A copy of ``sample_repos/`` made once per run, without any ``.auditui/`` folder.

    The README invites users to triage in the samples; the tests read this copy, so a
    state file left in a sample never changes what they see.
    """
    if not _SAMPLES:
        folder = Path(tempfile.mkdtemp(prefix="auditui-samples-"))
        atexit.register(shutil.rmtree, folder, True)
        _SAMPLES.append(clean_copy(ROOT / "sample_repos", folder / "sample_repos"))
    return _SAMPLES[0]


def pedantic(**settings):
    """A configuration that shows every finding on its own (the default ``regular`` persona rolls
    hardening items up and hides information-only findings): for tests of the checks themselves."""
    from auditui.checks.config import Config

    return Config(persona="pedantic", **settings)


# -- growth, not wall-clock budgets ---------------------------------------------------------
#
# Speed targets are measured by benchmarks; a unit test only asks whether work grows
# linearly.  It compares the CPU time of this process (others on a busy machine do not
# count) for an input and one ``factor`` times longer, best of ``repeats``, and stops any
# run that goes past a CPU cap (a regression fails in seconds, never stalls the suite).

#: CPU seconds under which the larger input is not judged: nothing that fast is catastrophic,
#: and the smaller run would be too short to compare with
GROWTH_FLOOR = 0.05
#: CPU seconds one measurement may take before it counts as a failure
GROWTH_CAP = 20.0


class CpuCapExceeded(Exception):
    pass


def _cpu_seconds(func, arg, repeats: int) -> float:
    import signal
    import time

    def stop(signum, frame):
        raise CpuCapExceeded

    previous = signal.signal(signal.SIGVTALRM, stop)
    best = float("inf")
    try:
        for _ in range(repeats):
            signal.setitimer(signal.ITIMER_VIRTUAL, GROWTH_CAP)
            start = time.process_time()
            func(arg)
            best = min(best, time.process_time() - start)
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)
    return best


def assert_linear(func, make, size: int, what: str, *, factor: int = 4, limit: float = 9.0,
                  repeats: int = 2) -> None:
    """``func(make(size * factor))`` costs less than ``limit`` times ``func(make(size))``
    (linear: ``factor``; quadratic: ``factor`` squared), judged only above :data:`GROWTH_FLOOR`."""
    try:
        small = _cpu_seconds(func, make(size), repeats)
        big = _cpu_seconds(func, make(size * factor), repeats)
    except CpuCapExceeded:
        raise AssertionError(f"{what}: over {GROWTH_CAP:.0f} CPU seconds on {size * factor} characters "
                             "(worse than linear, or far too slow)") from None
    if big < GROWTH_FLOOR:
        return
    ratio = big / max(small, 1e-6)
    assert ratio < limit, (f"{what}: {small:.3f}s on {size} characters, {big:.3f}s on {size * factor} "
                           f"({ratio:.1f}x for {factor}x the input: worse than linear)")
