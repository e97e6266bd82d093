"""The live app's speed: save to screen, first results, a complete list, and the list model.

    python benchmarks/bench_live.py [--files 2000] [--runs 30] [--paint-runs 5] [--model-findings 50000]
    python benchmarks/bench_live.py --files 20000 --paint-runs 3 --runs 0 --model-findings 0

Generates a corpus with ../shared/bench/make_corpus.py into a temporary directory and:

* runs the app headless in fresh processes: time to first paint, to the first results on
  screen, to the end of the scan, and until the list is complete and painted;
* runs it with the real watcher and repeatedly adds and removes ``imagePullPolicy: Never``
  in one manifest: the time from the write until the K8S020 row appears in (or leaves)
  the list and the list is painted (median, p95, max), and until the app has settled
  (the checklist and score, recomputed after the paint, included);
* times the list model (``auditui.findings_model``, no Textual) on ``--model-findings``
  findings made from the corpus's own findings: regroup, severity / status / text filter,
  sort, each first time (an order never built) and again; the text index the list reads
  in idle steps, and a first text filter typed before those steps ran.

Also prints a calibration (``sum(range(10**7))``): the machine is shared, and its speed
varies by 3x or more with the load; compare figures with the calibration beside them.
Reports medians.  A benchmark, not a test.
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
        table = app.findings_screen.table
        while not table.row_count and not app.scanned_once:
            await pilot.pause(0.005)
        first_rows = time.perf_counter()
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
              offset, app.engine.last_scan_seconds, first_rows - complete + offset)

asyncio.run(main())
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def first_paint(root: Path, runs: int) -> tuple[list[float], list[float], int, list[float], list[float], list[float]]:
    paints, scans, completes, engines, firsts = [], [], [], [], []
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
        firsts.append(float(out[6]))
        if out[1] == "True":
            print("  note: the scan finished before the first paint", file=sys.stderr)
    return paints, scans, count, completes, engines, firsts


async def live_latency(root: Path, runs: int) -> tuple[list[float], list[float]]:
    from auditui.app import AuditApp

    target = root / "deploy" / "bench-live.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(MANIFEST.format(policy=""))
    app = AuditApp(root, watch=True)
    latencies: list[float] = []
    settled: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        while not (app.scanned_once and app.watching and not app._busy):
            await pilot.pause(0.02)
        await pilot.pause(0.3)
        table = app.findings_screen.table
        model = table.model
        known: list[str] = []

        def shown() -> bool:
            # O(1) once the fingerprint is known, so polling does not slow the app down
            if known:
                return model.index_of(known[0]) is not None
            for key, finding in list(app.findings.items()):
                if finding.code == "K8S020" and finding.path == "deploy/bench-live.yaml":
                    if model.index_of(key) is not None:
                        known.append(key)
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
            # "on screen": the list has drawn its lines from the rows that hold the change
            # (the compositor writes them to the terminal in the same pass)
            version = model.version
            while table.painted_version < version:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"run {run}: the list was not painted within 5 s")
                await asyncio.sleep(0.002)
            latencies.append(time.perf_counter() - start)
            # "settled": every widget has processed its pending messages (the checklist and
            # score, recomputed after the paint, included) and the compositor has rendered
            # (what Pilot.pause does, minus its wait for the whole process to go idle)
            await pilot._wait_for_screen()
            app.screen._on_timer_update()
            settled.append(time.perf_counter() - start)
            if os.environ.get("BENCH_DEBUG"):
                print(f"  run {run}: in table {1000 * in_table:.0f} ms, painted {1000 * latencies[-1]:.0f} ms, "
                      f"settled {1000 * settled[-1]:.0f} ms", file=sys.stderr)
            await pilot.pause(0.15)  # let the editor-like write settle before the next one
    return latencies, settled


def calibration() -> float:
    start = time.perf_counter()
    sum(range(10**7))
    return time.perf_counter() - start


def model_timings(root: Path, count: int) -> dict[str, float]:
    """The list model on ``count`` findings: the corpus's findings, copied under new paths until there are enough."""
    import dataclasses

    from auditui.checks.api import Severity, fingerprint_of
    from auditui.checks.engine import Engine
    from auditui.findings_model import FindingsModel

    engine = Engine(root)
    engine.scan()
    real = engine.findings
    findings = {}
    copy = 0
    while len(findings) < count:
        for f in real:
            path = f"copy{copy}/{f.path}"
            clone = dataclasses.replace(f, path=path, fingerprint=fingerprint_of(f.code, path, f.resource, f.symbol))
            findings[clone.fingerprint] = clone
            if len(findings) >= count:
                break
        copy += 1
    statuses = {fp: ("accepted" if i % 17 == 0 else "open") for i, fp in enumerate(findings)}
    order = [f.fingerprint for f in sorted(findings.values(), key=lambda f: f.sort_key())]
    model = FindingsModel(status_of=lambda f: statuses[f.fingerprint])
    times: dict[str, float] = {}

    def timed(name: str, change) -> None:
        start = time.perf_counter()
        change()
        model.rebuild()
        times[name] = round(1000 * (time.perf_counter() - start), 1)

    timed("load_and_first_rows_ms", lambda: model.set_findings(findings, order))
    timed("rebuild_unchanged_ms", lambda: None)
    # what the list reads ahead while the app is idle (in steps of 2,000 findings, a few ms
    # each): the words a text filter searches
    start = time.perf_counter()
    steps = 0
    while not model.prepare(2000):
        steps += 1
    times["text_index_in_idle_steps_total_ms"] = round(1000 * (time.perf_counter() - start), 1)
    times["text_index_idle_steps"] = steps + 1
    for mode in ("file", "category", "none", "severity"):
        timed(f"group_{mode}_first_ms", lambda mode=mode: setattr(model, "group_mode", mode))
    for mode in ("file", "category", "none", "severity"):
        timed(f"group_{mode}_again_ms", lambda mode=mode: setattr(model, "group_mode", mode))
    for mode in ("file", "code", "severity"):
        timed(f"sort_{mode}_first_ms", lambda mode=mode: setattr(model, "sort_mode", mode))
    timed("sort_file_again_ms", lambda: setattr(model, "sort_mode", "file"))
    timed("sort_severity_again_ms", lambda: setattr(model, "sort_mode", "severity"))
    timed("severity_filter_high_ms", lambda: setattr(model.filters, "min_severity", Severity.HIGH))
    timed("severity_filter_off_ms", lambda: setattr(model.filters, "min_severity", None))
    timed("status_filter_all_ms", lambda: setattr(model.filters, "status", "all"))
    timed("status_filter_open_ms", lambda: setattr(model.filters, "status", "open"))
    for text in ("c", "co", "con", "container"):
        timed(f"text_filter_{text}_ms", lambda text=text: setattr(model.filters, "text", text))
    timed("text_filter_cleared_ms", lambda: setattr(model.filters, "text", ""))
    # a text filter typed before the idle steps ran (the words read at the keystroke)
    cold = FindingsModel(status_of=lambda f: statuses[f.fingerprint])
    cold.set_findings(findings, order)
    cold.rebuild()
    start = time.perf_counter()
    cold.filters.text = "c"
    cold.rebuild()
    times["text_filter_c_before_idle_index_ms"] = round(1000 * (time.perf_counter() - start), 1)
    times["findings"] = len(findings)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30, help="saves timed (0: no save-to-screen timing)")
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--model-findings", type=int, default=50_000)
    parser.add_argument("--skip-app", action="store_true", help="only the model timings")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    calibrate = [calibration() for _ in range(3)]
    with tempfile.TemporaryDirectory(prefix="auditui-bench-live-") as tmp:
        root = Path(tmp) / "corpus"
        subprocess.run([sys.executable, str(CORPUS), "--files", str(args.files), "--out", str(root)],
                       check=True, capture_output=True)
        result: dict = {"files": args.files, "cpus": os.cpu_count(),
                        "calibration_sum_range_1e7_s": round(min(calibrate), 3)}
        if not args.skip_app:
            paints, scans, count, completes, engines, firsts = first_paint(root, args.paint_runs)
            result.update({
                "findings": count,
                "first_paint_median_s": round(statistics.median(paints), 3),
                "first_results_on_screen_median_s": round(statistics.median(firsts), 3),
                "scan_done_median_s": round(statistics.median(scans), 3),
                # start -> every row in the list and painted; the engine's own scan time beside it
                "list_complete_median_s": round(statistics.median(completes), 3),
                "engine_scan_in_app_median_s": round(statistics.median(engines), 3),
            })
        if not args.skip_app and args.runs:
            latencies, settled = asyncio.run(live_latency(root, args.runs))
            result.update({
                "write_to_screen_median_ms": round(1000 * statistics.median(latencies), 1),
                "write_to_screen_p95_ms": round(1000 * percentile(latencies, 95), 1),
                "write_to_screen_max_ms": round(1000 * max(latencies), 1),
                "write_to_settled_median_ms": round(1000 * statistics.median(settled), 1),
                "write_to_settled_p95_ms": round(1000 * percentile(settled, 95), 1),
                "runs": len(latencies),
            })
        if args.model_findings:
            result["model"] = model_timings(root, args.model_findings)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            if isinstance(value, dict):
                for sub, figure in value.items():
                    print(f"  model {sub:30} {figure}")
            else:
                print(f"{key:34} {value}")


if __name__ == "__main__":
    main()
