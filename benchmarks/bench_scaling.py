#!/usr/bin/env python3
"""How the pack's own time grows with template size: synthetic templates of 100, 500, 1,000 and 2,000
resources, each linted by the pack alone (model and every rule) on cfn-lint's template object; the
median of several runs. Linear growth keeps the time per resource flat.

    python benchmarks/bench_scaling.py [--runs 5] [--sizes 100,500,1000,2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from cfnlint.decode import decode_str
from cfnlint.template.template import Template

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import synthetic_template  # noqa: E402

from cfn_lint_bestpractices.rules import ALL_RULES  # noqa: E402


def pack_seconds(text: str) -> tuple[float, int]:
    parsed, _ = decode_str(text)
    cfn = Template("synthetic.json", parsed, ["us-east-1"])
    rules = [cls() for cls in ALL_RULES]
    start = time.perf_counter()
    found = 0
    for rule in rules:
        found += len(list(rule.matchall("synthetic.json", cfn)))
    return time.perf_counter() - start, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,500,1000,2000")
    args = parser.parse_args()
    print(f"{'resources':>9} {'findings':>8} {'pack ms':>9} {'us/resource':>12}")
    for size in map(int, args.sizes.split(",")):
        template = synthetic_template(size)
        text = json.dumps(template)
        results = [pack_seconds(text) for _ in range(args.runs)]
        seconds = statistics.median(r[0] for r in results)
        n = len(template["Resources"])
        print(f"{n:>9} {results[0][1]:>8} {seconds * 1000:>9.1f} {seconds * 1e6 / n:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
