"""Benchmark the shell reader where it used to be slow (medians, not a test).

    python benchmarks/bench_shell.py            # all cases, 3 runs each
    python benchmarks/bench_shell.py --runs 5

Each case is a generated repository with one file, scanned by a fresh ``Engine`` in this
process (parse + every check), so the figure is what a user waits for that file:

* ``script-5k``: a 5,000-line bash script mixing functions, conditions, loops, pipelines,
  heredocs, substitutions and quoting (what ops repositories hold);
* ``dockerfile-20k``: a Dockerfile with 20,000 stages, each with a two-line RUN (1.7 MB, under
  the 2 MiB file cap; each RUN used to be tokenised nine times, once per check that asked);
* ``workflow-expr``: a workflow whose ``run:`` line holds 50,000 unterminated ``${{ ``
  (masking used to restart its search at every one).

Targets on the 2-core reference machine: script-5k < 1 s, dockerfile-20k < 10 s,
workflow-expr < 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

_BLOCK = r'''
deploy_{n}() {{
  local target="${{1:?target}}" tag
  tag="$(git rev-parse --short HEAD | tr -d '\n')"
  if [ -z "${{DEPLOY_HOST:-}}" ]; then
    echo "no host" >&2; return 1
  fi
  for f in "$BUILD_DIR"/*.tar.gz; do
    scp -o BatchMode=yes "$f" "deploy@$DEPLOY_HOST:/srv/releases/$tag/" || exit 1
  done
  ssh deploy@"$DEPLOY_HOST" <<EOF
cd /srv/app && ln -sfn /srv/releases/$tag current
systemctl restart app
EOF
  X="$(echo 'a"b' | sed -e 's/"/\\"/g')"
  case "$target" in
    prod|production) pg_dump -Fc app | gzip > "/var/backups/app-$(date +%F).dump.gz" ;;
    *) curl -fsS "https://$target.example/health" | jq -r '.status' ;;
  esac
  while read -r line; do printf '%s\n' "${{line#prefix}}"; done < <(ls -1 /srv/releases)
}}
'''


def _script(lines: int) -> str:
    out = ["#!/usr/bin/env bash", "set -euo pipefail"]
    n = 0
    while len("\n".join(out).splitlines()) < lines:
        out.append(_BLOCK.format(n=n))
        n += 1
    return "\n".join("\n".join(out).splitlines()[:lines]) + "\n"


def _dockerfile(stages: int) -> str:
    parts = []
    for i in range(stages):
        parts.append(f"FROM alpine AS s{i}\nRUN apk add curl && curl -fsS https://x/{i} | tar -xz \\\n && chmod 755 /t\n")
    return "".join(parts)


def _workflow(count: int) -> str:
    return ("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "
            + "${{ " * count + "\n")


CASES = {
    "script-5k": ("ops/deploy.sh", lambda: _script(5000)),
    "dockerfile-20k": ("Dockerfile", lambda: _dockerfile(20000)),
    "workflow-expr": (".github/workflows/x.yml", lambda: _workflow(50000)),
}


def run(name: str, runs: int) -> float:
    from auditui.checks.engine import Engine

    rel, make = CASES[name]
    text = make()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for _ in range(runs):
            start = time.perf_counter()
            Engine(tmp).scan()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("cases", nargs="*", default=list(CASES))
    args = parser.parse_args(argv)
    for name in args.cases:
        print(f"{name:16s} {run(name, args.runs):8.2f} s (median of {args.runs})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
