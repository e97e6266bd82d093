"""Benchmark the engine: cold scans and single-file updates (medians, not a test).

    python benchmarks/bench_scan.py                 # 2k and 20k corpora + the k8s corpus
    python benchmarks/bench_scan.py --sizes 2000 --runs 3

Corpora are generated with ../shared/bench/make_corpus.py into a temporary directory
(never committed).  Each cold scan runs in a fresh subprocess so that imports and
caches are paid as a user pays them; ``update()`` is timed in-process after a scan,
after rewriting one manifest with a real change (a replica count), alternating two
contents so every update re-parses and re-checks.  Peak RSS comes from the child's
``ru_maxrss``.

Targets on the 2-core reference machine: cold scan of 2k files < 1.5 s and of the
k8s corpus < 2 s; update() of one file < 20 ms median, independent of repo size;
peak RSS < 300 MB at 20k files.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
SHARED = PROJECT.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
K8S_CORPUS = SHARED / "corpora" / "k8s"

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from auditui.checks.engine import Engine
engine = Engine(sys.argv[1])
findings = engine.scan()
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rss_mb": rss, "files": len(engine.records), "findings": len(findings)}))
"""


def cold_scan(root: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(root)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pick_manifest(root: Path) -> Path:
    from auditui.checks.engine import Engine
    from auditui.checks.models.base import FileKind

    engine = Engine(root)
    engine.scan()
    for rel, record in sorted(engine.records.items()):
        if record.kind is FileKind.KUBERNETES:
            text = (root / rel).read_text(encoding="utf-8", errors="replace")
            if "replicas:" in text:
                return root / rel
    raise SystemExit(f"no Kubernetes manifest with replicas in {root}")


def time_updates(root: Path, runs: int) -> list[float]:
    from auditui.checks.engine import Engine

    target = pick_manifest(root)
    original = target.read_text(encoding="utf-8")
    variants = [original.replace("replicas:", "replicas: 7 #", 1), original]
    engine = Engine(root)
    engine.scan()
    times = []
    try:
        for i in range(runs):
            target.write_text(variants[i % 2], encoding="utf-8")
            start = time.perf_counter()
            engine.update([target])
            times.append(time.perf_counter() - start)
    finally:
        target.write_text(original, encoding="utf-8")
    return times


def make_corpus(files: int, where: Path) -> Path:
    out = where / f"corpus-{files}"
    subprocess.run([sys.executable, str(MAKE_CORPUS), "--files", str(files), "--out", str(out)],
                   check=True, capture_output=True)
    return out


def report(label: str, scans: list[dict], updates: list[float] | None) -> dict:
    row = {
        "corpus": label,
        "files": scans[0]["files"],
        "findings": scans[0]["findings"],
        "cold_scan_median_s": round(statistics.median(s["seconds"] for s in scans), 3),
        "peak_rss_mb": round(max(s["rss_mb"] for s in scans), 1),
    }
    if updates:
        ordered = sorted(updates)
        row["update_median_ms"] = round(statistics.median(updates) * 1000, 2)
        row["update_p95_ms"] = round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2)
    print(json.dumps(row), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,20000", help="corpus sizes to generate (comma-separated)")
    parser.add_argument("--runs", type=int, default=5, help="cold scans per corpus")
    parser.add_argument("--updates", type=int, default=50, help="update() calls per corpus")
    parser.add_argument("--no-k8s", action="store_true", help="skip the real-world k8s corpus")
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT))
    rows = []
    with tempfile.TemporaryDirectory(prefix="auditui-bench-") as tmp:
        for size in [int(s) for s in args.sizes.split(",") if s]:
            root = make_corpus(size, Path(tmp))
            scans = [cold_scan(root) for _ in range(args.runs)]
            rows.append(report(f"synthetic-{size}", scans, time_updates(root, args.updates)))
        if not args.no_k8s and K8S_CORPUS.is_dir():
            scans = [cold_scan(K8S_CORPUS) for _ in range(args.runs)]
            rows.append(report("shared/corpora/k8s", scans, None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
