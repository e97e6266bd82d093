"""Live-loop latency of the TUI: write a manifest on disk -> the findings table shows it.

    python benchmarks/bench_live.py [--files 2000] [--runs 30]

Generates a corpus with ../shared/bench/make_corpus.py into a temporary directory,
runs the app headless (real watcher, real engine, real DataTable), then repeatedly
adds and removes ``imagePullPolicy: Never`` in one manifest and measures the time
from the write until the K8S020 row appears in (or leaves) the table.  Also measures
the time to first paint in a fresh process (before the scan completes) and the time
until the table is complete (every row in, painted).
Reports medians and p95.  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/bench/make_corpus.py")

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: bench-live
  namespace: bench
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/bench/app:1.0.0
{policy}"""

FIRST_PAINT = r"""
import sys, time
t0 = float(sys.argv[2])
from auditui.app import AuditApp
import asyncio

async def main():
    app = AuditApp(sys.argv[1], watch=False)
    async with app.run_test(size=(160, 48)) as pilot:
        while "first_paint" not in app.timings:
            await pilot.pause(0.005)
        paint = app.timings["first_paint"]
        scanned = app.scanned_once
        while not app.scanned_once:
            await pilot.pause(0.02)
        # the table is complete (every row in, none queued) and painted
        table = app.findings_screen.table
        while table.filling:
            await pilot.pause(0.01)
        await pilot._wait_for_screen()
        complete = time.perf_counter()
        offset = time.time() - t0
        print(paint - complete + offset, scanned, app.timings["scan_done"] - complete + offset, len(app.findings),
              offset, app.engine.last_scan_seconds)

asyncio.run(main())
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def first_paint(root: Path, runs: int) -> tuple[list[float], list[float], int, list[float], list[float]]:
    paints, scans, completes, engines = [], [], [], []
    count = 0
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT, str(root), repr(start)],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        paints.append(float(out[0]))
        scans.append(float(out[2]))
        count = int(out[3])
        completes.append(float(out[4]))
        engines.append(float(out[5]))
        if out[1] == "True":
            print("  note: the scan finished before the first paint", file=sys.stderr)
    return paints, scans, count, completes, engines


async def live_latency(root: Path, runs: int) -> list[float]:
    from auditui.app import AuditApp

    target = root / "deploy" / "bench-live.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(MANIFEST.format(policy=""))
    app = AuditApp(root, watch=True)
    latencies: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        while not (app.scanned_once and app.watching and not app._busy):
            await pilot.pause(0.02)
        await pilot.pause(0.3)
        table = app.findings_screen.table
        from auditui.checks.api import fingerprint_of  # noqa: F401  (the row key is the fingerprint)

        known: list[str] = []

        def shown() -> bool:
            # O(1) once the fingerprint is known, so polling does not slow the app down
            if known:
                return known[0] in table.rows
            for key in list(table.rows):
                finding = app.findings.get(key.value)
                if finding is not None and finding.code == "K8S020" and finding.path == "deploy/bench-live.yaml":
                    known.append(key.value)
                    return True
            return False

        for run in range(runs):
            want = run % 2 == 0
            body = MANIFEST.format(policy="          imagePullPolicy: Never\n" if want else "")
            start = time.perf_counter()
            target.write_text(body)
            deadline = start + 5
            while shown() != want:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"run {run}: the table did not follow the write within 5 s")
                await asyncio.sleep(0.002)
            in_table = time.perf_counter() - start
            # "on screen": every widget of the screen has processed its pending messages and
            # the compositor has rendered the update (what Pilot.pause does, minus its
            # wait for the whole process to go idle, which would count the score update,
            # the watcher and the garbage collector too)
            await pilot._wait_for_screen()
            app.screen._on_timer_update()
            latencies.append(time.perf_counter() - start)
            if os.environ.get("BENCH_DEBUG"):
                print(f"  run {run}: in table {1000 * in_table:.0f} ms, painted {1000 * latencies[-1]:.0f} ms",
                      file=sys.stderr)
            await pilot.pause(0.15)  # let the editor-like write settle before the next one
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="auditui-bench-live-") as tmp:
        root = Path(tmp) / "corpus"
        subprocess.run([sys.executable, str(CORPUS), "--files", str(args.files), "--out", str(root)],
                       check=True, capture_output=True)
        paints, scans, count, completes, engines = first_paint(root, args.paint_runs)
        latencies = asyncio.run(live_latency(root, args.runs))
    result = {
        "files": args.files,
        "findings": count,
        "first_paint_median_s": round(statistics.median(paints), 3),
        "scan_done_median_s": round(statistics.median(scans), 3),
        # start -> every row in the table and painted; the engine's own scan time beside it
        "table_complete_median_s": round(statistics.median(completes), 3),
        "engine_scan_in_app_median_s": round(statistics.median(engines), 3),
        "write_to_screen_median_ms": round(1000 * statistics.median(latencies), 1),
        "write_to_screen_p95_ms": round(1000 * percentile(latencies, 95), 1),
        "write_to_screen_max_ms": round(1000 * max(latencies), 1),
        "runs": len(latencies),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
