"""A cold scan on several processors: forked workers each examine a share of the files.

:func:`fork_map` runs one function over a list of items in ``jobs`` processes: the caller
and ``jobs - 1`` children forked from it, which inherit everything already imported and
built (nothing is started afresh, nothing is re-imported).  Each child returns its results
pickled through a pipe; the caller gets them back in the order of the items, so the work
ends exactly as if it had been done in one process.

Only for a caller that runs no other thread (the command line; its progress bar draws from
the scan's own thread): forking a process whose other threads hold locks is unsafe, so with
another thread running, and in the app, the work stays in one process.  Where ``os.fork``
does not exist (Windows), or when a child fails in any way (an exception, a crash, a
result that does not pickle), the caller does that share itself: a worker can make a scan
faster, never different.

The children are waited for, so their CPU time is counted in the process's own
``RUSAGE_CHILDREN`` (what ``time`` and the checkov benchmark report as CPU).
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["fork_map", "available", "cpu_count"]

T = TypeVar("T")
R = TypeVar("R")

#: what a share's result list holds before it is known
_MISSING: Any = object()


def available() -> bool:
    """Can this process fork workers?  Not without ``os.fork``, nor while another thread runs
    (a lock it holds, an import or a write half done, would stay held in the child for ever)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def cpu_count() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fork_map(func: Callable[[T], R], items: Sequence[T], jobs: int,
             shared: tuple[type, Callable[[Any], Any], Callable[[Any], Any]] | None = None,
             progress: Callable[[int], None] | None = None) -> list[R]:
    """``[func(item) for item in items]``, computed in ``jobs`` processes.

    Item ``i`` goes to share ``i % jobs`` (neighbouring files, often of one size, are spread
    over the workers); share 0 is computed here.  ``shared`` is ``(type, key_of, resolve)``
    for the objects of that exact type the results refer to that must come back as the
    caller's own (the engine's checks): a child sends ``key_of(obj)``, the caller puts
    ``resolve(key)`` in its place (only objects of that type cost a Python call to pickle).  ``progress(done)`` is called as
    items of share 0 are done, with an estimate of the items done by every process together.
    """
    jobs = max(1, min(jobs, len(items)))
    if jobs == 1 or not available():
        return [func(item) for item in items]
    results: list[Any] = [_MISSING] * len(items)
    children: list[tuple[int, int, int]] = []  # (share, pid, read end of its pipe)
    try:
        for share in range(1, jobs):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                _child(func, [items[i] for i in range(share, len(items), jobs)], write_end, shared)
            os.close(write_end)
            children.append((share, pid, read_end))
        for done, i in enumerate(range(0, len(items), jobs), 1):
            results[i] = func(items[i])
            if progress is not None:
                progress(min(done * jobs, len(items)))
        for share, pid, read_end in children:
            payload = _read_all(read_end)
            os.close(read_end)
            _, status = os.waitpid(pid, 0)
            values = _load(payload, shared) if status == 0 else None
            indices = range(share, len(items), jobs)
            if values is None or len(values) != len(indices):  # the child failed: its share is done here
                values = [func(items[i]) for i in indices]
            for i, value in zip(indices, values):
                results[i] = value
        children.clear()
    finally:
        for _, pid, read_end in children:  # interrupted: no child is left behind
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
            try:
                os.close(read_end)
            except OSError:
                pass
    return results


def _shared(key: Any) -> Any:
    """What a shared object is unpickled as: the caller's ``resolve`` takes its place (see _load)."""
    raise pickle.UnpicklingError("a shared object needs the caller's resolve")


def _child(func: Callable[[Any], Any], share: list[Any], write_end: int,
           shared: tuple[type, Callable[[Any], Any], Callable[[Any], Any]] | None) -> None:
    """Compute a share, write it pickled to ``write_end``, and leave without running the
    parent's exit handlers or flushing its buffers (``os._exit``)."""
    code = 1
    try:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        if shared is not None:
            kind, key_of = shared[0], shared[1]
            table = dict(copyreg.dispatch_table)
            table[kind] = lambda obj: (_shared, (key_of(obj),))
            pickler.dispatch_table = table
        pickler.dump([func(item) for item in share])
        view = memoryview(buffer.getbuffer())
        while view:
            written = os.write(write_end, view)
            view = view[written:]
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent does this share itself
        code = 1
    finally:
        os._exit(code)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


class _Unpickler(pickle.Unpickler):
    def __init__(self, payload: bytes, resolve: Callable[[Any], Any] | None) -> None:
        super().__init__(io.BytesIO(payload))
        self._resolve = resolve

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_shared" and self._resolve is not None:
            return self._resolve
        return super().find_class(module, name)


def _load(payload: bytes, shared: tuple[type, Callable[[Any], Any], Callable[[Any], Any]] | None) -> list[Any] | None:
    try:
        values = _Unpickler(payload, shared[2] if shared is not None else None).load()
    except Exception:  # noqa: BLE001 - a truncated or foreign payload: recomputed by the caller
        return None
    return values if isinstance(values, list) else None
