"""ReDoS probe: every compiled regex of auditui.checks against adversarial inputs.

    python benchmarks/redos.py [--size 100000] [--budget 2.0] [--filter TEXT]

Each pattern runs in a worker process that reports its CPU time per input; a pattern still
running after the budget (CPU seconds, all its inputs) is stopped and reported as an offender. Prints the offenders and
the slowest patterns; exits 1 when there is an offender.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from redos_inputs import probe  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=2.0, help="CPU seconds per pattern, all inputs")
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    start = time.perf_counter()
    offenders, timings = probe(args.size, args.budget, args.filter)
    print(f"{len(timings) + len(offenders)} patterns, inputs of {args.size} characters, "
          f"{time.perf_counter() - start:.1f}s")
    for label, description in offenders:
        print(f"OFFENDER {label}: over {args.budget}s on {description}")
    for seconds, label, description in timings[:15]:
        print(f"{seconds * 1000:9.1f} ms  {label}  ({description})")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
