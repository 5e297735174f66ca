#!/usr/bin/env python3
"""`cfn-lint-bestpractices --jobs N` against one process, on the corpus, as a user runs it (one
command over all the files). Runs alternate between the settings; medians are reported.

    python benchmarks/bench_jobs.py [--kinds real] [--jobs 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus import CORPUS, corpus_rows  # noqa: E402

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="real")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = [str(CORPUS / r["local_path"]) for r in corpus_rows(tuple(args.kinds.split(","))) if not r.get("dup_of")]
    times: dict[int, list[float]] = {1: [], args.jobs: []}
    outputs = {}
    for rep in range(args.repeat):
        for jobs in ((1, args.jobs) if rep % 2 == 0 else (args.jobs, 1)):
            start = time.perf_counter()
            proc = subprocess.run([str(COMMAND), "--jobs", str(jobs), "--format", "parseable", "--", *files],
                                  capture_output=True, text=True)
            times[jobs].append(time.perf_counter() - start)
            outputs[jobs] = proc.stdout
    one, many = statistics.median(times[1]), statistics.median(times[args.jobs])
    print(f"files: {len(files)}")
    print(f"--jobs 1: {one:.1f} s   --jobs {args.jobs}: {many:.1f} s   speed-up {one / many:.2f}x (median of {args.repeat})")
    print(f"identical output: {outputs[1] == outputs[args.jobs]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
