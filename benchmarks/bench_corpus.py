#!/usr/bin/env python3
"""Benchmark: stock cfn-lint against cfn-lint with the pack, on the same corpus files, in one run.

Each file is linted twice in this process, once by each configuration, alternating which goes first
so that caches and machine noise fall on both alike. Prints total wall time of each, the ratio, the
median per-file ratio, and the pack's own time per rule (measured by running each rule alone on the
already-built template). Not a test: the machine is shared, so read medians and ratios, not seconds.

    python benchmarks/bench_corpus.py                     # the corpus's `real` templates
    python benchmarks/bench_corpus.py --kinds real,fixture --limit 500
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode
from cfnlint.runner.cli import Runner
from cfnlint.template.template import Template

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus import CORPUS, corpus_rows  # noqa: E402

from cfn_lint_bestpractices.rules import ALL_RULES  # noqa: E402


def lint_seconds(path: Path, with_pack: bool) -> float:
    args = (["--append-rules", "cfn_lint_bestpractices.rules"] if with_pack else []) + ["--", str(path)]
    start = time.perf_counter()
    list(Runner(ConfigMixIn(args)).run())
    return time.perf_counter() - start


def rule_seconds(path: Path, rules) -> dict[str, float]:
    """The pack's own cost on one file: the shared model is built by whichever rule runs first, so
    the model's cost is reported on its own line and each rule's time comes after it."""
    template, errors = decode(str(path))
    out = {}
    if errors or not isinstance(template, dict):
        return out
    cfn = Template(str(path), template, ["us-east-1"])
    if cfn.transform():
        return out
    from cfn_lint_bestpractices.model import get_model

    start = time.perf_counter()
    get_model(cfn)
    out["(model)"] = time.perf_counter() - start
    for rule in rules:
        start = time.perf_counter()
        list(rule.matchall(str(path), cfn))
        out[rule.id] = time.perf_counter() - start
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="real", help="comma-separated corpus kinds (real, real-rendered, fixture, fixture-bad)")
    parser.add_argument("--limit", type=int, default=0, help="lint only the first N files")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)

    rows = [r for r in corpus_rows(tuple(args.kinds.split(","))) if not r.get("dup_of")]
    if args.limit:
        rows = rows[: args.limit]
    stock_total = pack_total = 0.0
    ratios = []
    per_rule: dict[str, float] = {}
    skipped = 0
    rules = [cls() for cls in ALL_RULES]
    for i, row in enumerate(rows):
        path = CORPUS / row["local_path"]
        try:
            if i % 2:
                pack, stock = lint_seconds(path, True), lint_seconds(path, False)
            else:
                stock, pack = lint_seconds(path, False), lint_seconds(path, True)
        except Exception:  # cfn-lint itself dies on a few templates; both sides skip them
            skipped += 1
            continue
        stock_total += stock
        pack_total += pack
        ratios.append(pack / stock if stock else 1.0)
        for rid, sec in rule_seconds(path, rules).items():
            per_rule[rid] = per_rule.get(rid, 0.0) + sec

    own = sum(per_rule.values())
    print(f"files: {len(ratios)} linted, {skipped} skipped (cfn-lint itself failed)")
    print(f"stock cfn-lint:      {stock_total:8.2f} s")
    print(f"cfn-lint + pack:     {pack_total:8.2f} s")
    print(f"wall-time ratio:     {pack_total / stock_total:8.3f}   (target <= 1.10)")
    print(f"median file ratio:   {statistics.median(ratios):8.3f}")
    print(f"pack's own time:     {own:8.2f} s  ({100 * own / stock_total:.1f}% of stock)")
    for rid, sec in sorted(per_rule.items(), key=lambda kv: -kv[1]):
        print(f"  {rid:8s} {sec * 1000:9.1f} ms  ({sec * 1000 / max(len(ratios), 1):.3f} ms per file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
