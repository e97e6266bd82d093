"""Cold scan of the shared k8s corpus: auditui against checkov, same files, same run (not a test).

    python benchmarks/bench_vs_checkov.py --checkov /tmp/p/ck/bin/checkov --runs 3

Each round runs both command lines once, alternating, each in a fresh process writing
JSON to a pipe that is thrown away:

    auditui scan DIR -f json --fail-on none --no-progress
    checkov -d DIR --framework kubernetes --skip-download --quiet --compact -o json

Both are timed whole (start-up and imports included), as wall time and as the child's
CPU time (user + system, steadier on a shared machine; the CPU of the worker processes a scan
forks, ``--jobs``, is counted: they are waited for).  auditui runs with its bytecode
cached, as an installed copy does: ``PYTHONDONTWRITEBYTECODE`` is dropped for it and the
cache goes to a temporary ``PYTHONPYCACHEPREFIX`` (never into the source tree); one
warm-up run of each tool is not counted.  checkov is installed apart from auditui (see
../shared/PEERS.md); without it only auditui's figures are printed.

Target (issue 11): auditui at least 20x faster than checkov.  Prints one JSON line with
the medians, both ratios and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def default_corpus() -> Path | None:
    """``shared/corpora/k8s`` beside the project or beside one of its parents (a worktree
    lives deeper than the main checkout), else ``/work/shared/corpora/k8s``; None if none exists."""
    for base in (PROJECT, *PROJECT.parents):
        candidate = base / "shared" / "corpora" / "k8s"
        if candidate.is_dir():
            return candidate
    fallback = Path("/work/shared/corpora/k8s")
    return fallback if fallback.is_dir() else None


def count_files(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path))


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``argv``; its output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkov", default=os.environ.get("CHECKOV") or shutil.which("checkov"),
                        help="the checkov executable (default: $CHECKOV, else checkov on PATH)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (medians are reported)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="pass --jobs N to auditui (default: its own choice, one process on a busy machine)")
    parser.add_argument("path", nargs="?", help="directory to scan (default: the shared k8s corpus)")
    args = parser.parse_args()
    if args.path is None:
        corpus = default_corpus()
        if corpus is None:
            parser.error("no shared/corpora/k8s found beside the project or its parents: name the directory")
        args.path = str(corpus)
    if not Path(args.path).is_dir():
        parser.error(f"{args.path}: no such directory (timing an empty scan would mean nothing)")
    files = count_files(Path(args.path))
    if not files:
        parser.error(f"{args.path}: holds no files (timing an empty scan would mean nothing)")
    auditui = [sys.executable, "-m", "auditui", "scan", args.path, "-f", "json", "--fail-on", "none", "--no-progress"]
    if args.jobs is not None:
        auditui += ["--jobs", str(args.jobs)]
    checkov = None
    if args.checkov:
        checkov = [args.checkov, "-d", args.path, "--framework", "kubernetes", "--skip-download", "--quiet",
                   "--compact", "-o", "json"]
    with tempfile.TemporaryDirectory(prefix="auditui-pyc-") as pyc:
        ours = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        ours["PYTHONPYCACHEPREFIX"] = pyc
        timed(auditui, ours)  # warm-up: bytecode cache and the OS file cache
        if checkov:
            timed(checkov, dict(os.environ))
        a_wall, a_cpu, c_wall, c_cpu = [], [], [], []
        for _ in range(args.runs):
            wall, cpu = timed(auditui, ours)
            a_wall.append(wall)
            a_cpu.append(cpu)
            if checkov:
                wall, cpu = timed(checkov, dict(os.environ))
                c_wall.append(wall)
                c_cpu.append(cpu)
    row: dict = {
        "path": args.path,
        "files": files,
        "runs": args.runs,
        "jobs": args.jobs,
        "auditui_wall_s": round(statistics.median(a_wall), 3),
        "auditui_cpu_s": round(statistics.median(a_cpu), 3),
    }
    if checkov:
        row["checkov_wall_s"] = round(statistics.median(c_wall), 3)
        row["checkov_cpu_s"] = round(statistics.median(c_cpu), 3)
        row["ratio_wall"] = round(row["checkov_wall_s"] / row["auditui_wall_s"], 1)
        row["ratio_cpu"] = round(row["checkov_cpu_s"] / row["auditui_cpu_s"], 1)
    row["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
