"""Mutation fuzzer at scale: thousands of seeded mutations of the samples and fixtures.

    python benchmarks/fuzz.py [--cases 3000] [--seed 1] [--budget 2.0]

Each case writes a mutated sample into a repository that also holds planted secrets and a
link out of it, updates an engine incrementally and scans afresh, and checks the
properties of tests/hostile_corpus.py: no exception, CPU time under the budget, lines
inside the file, incremental == fresh, no control byte in text/Markdown, no planted
secret in any output, nothing written outside. Prints the figures; exits 1 on a problem.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_corpus import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--render-every", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        outcome = fuzz(Path(workdir), args.cases, args.seed, args.budget, args.render_every)
    print(f"{outcome.cases} cases (seed {args.seed}) in {time.perf_counter() - start:.1f}s; "
          f"slowest case {outcome.worst_seconds:.2f}s CPU")
    problems = outcome.problems()
    for name in ("tracebacks", "slow", "bad_lines", "incremental_differs", "control_bytes", "leaked",
                 "written_outside"):
        items = getattr(outcome, name)
        print(f"  {name}: {len(items)}" + (f"  e.g. {items[:3]}" if items else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
