"""Every compiled regular expression of ``auditui.checks``, and inputs built to make it backtrack.

Shared by ``tests/test_redos.py`` (CI, 10-20 KB inputs) and ``benchmarks/redos.py`` (larger).
Patterns are discovered, not listed: every ``re.Pattern`` held by a module global (or in a
tuple, list, set or dict at module level) of any module under ``auditui.checks``.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import pkgutil
import re
import time
from typing import Iterator

import auditui.checks


def patterns() -> list[tuple[str, re.Pattern]]:
    """(``module:NAME``, pattern) for every compiled pattern, deduplicated, in a stable order."""
    found: dict[tuple[str, int], tuple[str, re.Pattern]] = {}
    for info in sorted(pkgutil.walk_packages(auditui.checks.__path__, "auditui.checks."), key=lambda i: i.name):
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - an optional module that does not import here
            continue
        for name, value in sorted(vars(module).items()):
            for index, item in enumerate(_patterns_in(value)):
                key = (item.pattern if isinstance(item.pattern, str) else repr(item.pattern), item.flags)
                label = f"{info.name.removeprefix('auditui.checks.')}:{name}" + (f"[{index}]" if index else "")
                found.setdefault(key, (label, item))
    return sorted(found.values(), key=lambda pair: pair[0])


def _patterns_in(value) -> Iterator[re.Pattern]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            if isinstance(item, re.Pattern):
                yield item
            elif isinstance(item, tuple):
                yield from (x for x in item if isinstance(x, re.Pattern))
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, re.Pattern):
                yield item


#: wall-clock seconds (per second of CPU budget) a worker may stay silent before it is killed
HANG_GUARD = 30

_WORD = re.compile(r"[A-Za-z0-9_]{2,}")
_BASE = " \t\n\r/-_.=:$@{}()[]\"'`\\,;|&*+?!#%~<>aA0zZ9"


def adversarial(pattern: re.Pattern, size: int, thorough: bool = True) -> Iterator[tuple[str, str]]:
    """(description, text) inputs of about ``size`` characters built from the pattern itself:
    runs of each character and word it mentions, alternations of pairs of them, each with a
    tail that fails to match (where backtracking patterns try every split).  ``thorough=False``
    keeps a smaller set (the CI run)."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    base = _BASE if thorough else " \t\n/a0"
    chars = sorted(set(ch for ch in source if ch.isprintable()) | set(base))
    words = sorted(set(_WORD.findall(source)))[:30 if thorough else 8]
    tails = ("", "\x00", "!", "\n")
    for ch in chars:
        for tail in tails[:2 if thorough else 1]:
            yield f"{ch!r}*n{tail!r}", ch * size + tail
    for word in words:
        unit = word + " "
        yield f"({word!r} )*n!", unit * (size // len(unit)) + "\x00"
        yield f"{word!r}*n!", word * (size // len(word)) + "\x00"
        for sep in ("=", ":", "/", "-", "$", "{") if thorough else ("=", "/"):
            unit = word + sep
            yield f"({word!r}{sep})*n", unit * (size // len(unit)) + "\x00"
    specials = [ch for ch in chars if not ch.isalnum()]
    for first in specials:
        for second in ("a", " ", "0", "\t") if thorough else ("a", " "):
            unit = first + second
            yield f"({first!r}{second!r})*n", unit * (size // 2) + "\x00"
    for pad in (" ", "a", "\t") if thorough else (" ",):
        for word in words[:10]:
            yield f"{word!r} + {pad!r}*n", word + pad * size + "\x00"


class _OverBudget(Exception):
    pass


def _over_budget(signum, frame):
    raise _OverBudget


def _worker(jobs, results, size: int, thorough: bool, budget: float) -> None:
    """Runs each pattern on its inputs with ``budget`` CPU seconds for all of them (a virtual
    timer: time spent waiting for a busy machine's CPU does not count; ``re`` checks for
    signals while it matches, so a backtracking search is stopped)."""
    import signal

    signal.signal(signal.SIGVTALRM, _over_budget)
    by_label = dict(patterns())
    while True:
        label = jobs.get()
        if label is None:
            return
        pattern = by_label[label]
        worst, worst_input, description = 0.0, "", ""
        signal.setitimer(signal.ITIMER_VIRTUAL, budget)
        try:
            for description, text in adversarial(pattern, size, thorough):
                if isinstance(pattern.pattern, bytes):
                    text = text.encode("utf-8", "surrogatepass")
                results.put(("start", label, description))
                start = time.process_time()
                pattern.search(text)
                elapsed = time.process_time() - start
                if elapsed > worst:
                    worst, worst_input = elapsed, description
        except _OverBudget:
            results.put(("over", label, description))
            continue
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        results.put(("done", label, (worst, worst_input)))


def probe(size: int, budget: float, only: str = "", thorough: bool = True,
          skip: frozenset[str] = frozenset()) -> tuple[list, list]:
    """Run every pattern (whose label contains ``only``, not in ``skip``) on its inputs in a
    worker process; returns (offenders: (label, input) over ``budget`` CPU seconds for all its
    inputs, timings: (worst CPU seconds, label, input) of the others, slowest first).  A worker
    silent for :data:`HANG_GUARD` wall-clock seconds per budget second is killed (a match
    that never checks for signals), and its pattern counted as an offender."""
    labels = [label for label, _ in patterns() if only in label and label not in skip]
    offenders, timings = [], []
    ctx = mp.get_context("fork")
    pending = list(labels)
    while pending:
        jobs, results = ctx.Queue(), ctx.Queue()
        worker = ctx.Process(target=_worker, args=(jobs, results, size, thorough, budget), daemon=True)
        worker.start()
        for label in pending:
            jobs.put(label)
        jobs.put(None)
        current, heard = None, time.monotonic()
        while True:
            try:
                kind, label, detail = results.get(timeout=0.2)
                heard = time.monotonic()
            except Exception:  # noqa: BLE001 - queue.Empty
                kind = None
            if kind == "start":
                current = (label, detail)
            elif kind in ("done", "over"):
                if kind == "done":
                    timings.append((detail[0], label, detail[1]))
                else:
                    offenders.append((label, detail))
                pending.remove(label)
                current = None
            if current is not None and time.monotonic() - heard > budget * HANG_GUARD:
                worker.kill()
                worker.join()
                offenders.append((current[0], current[1]))
                pending.remove(current[0])
                break
            if not pending or (kind is None and not worker.is_alive()):
                break
        worker.join(timeout=1)
    return offenders, sorted(timings, reverse=True)
