#!/usr/bin/env python3
"""Benchmark: stock cfn-lint against cfn-lint with the pack, on the same corpus files, in one run.

Each file is linted twice in this process, once by each configuration, alternating which goes first
so that caches and machine noise fall on both alike. Prints the wall-time and CPU-time ratios (median of
the passes), the median per-file ratio, the peak-memory ratio (a fresh process per configuration
linting all the files), and the pack's own time per rule (each rule run alone on the already-built
template). Not a test: the machine is shared, so read medians and ratios, not seconds.

    python benchmarks/bench_corpus.py                     # the corpus's `real` templates
    python benchmarks/bench_corpus.py --kinds real,fixture --limit 500
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import tempfile
import statistics
import sys
import time
from pathlib import Path

from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode
from cfnlint.runner.cli import Runner
from cfnlint.runner.template.runner import run_template_by_file_path
from cfnlint.template.template import Template

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus import CORPUS, corpus_rows  # noqa: E402

from cfn_lint_bestpractices.rules import ALL_RULES  # noqa: E402


class Linter:
    """One cfn-lint configuration with its rules loaded once, as one `cfn-lint` run over many files."""

    def __init__(self, with_pack: bool) -> None:
        args = ["--append-rules", "cfn_lint_bestpractices.rules"] if with_pack else []
        self.config = ConfigMixIn(args)
        self.rules = Runner(self.config).rules

    def seconds(self, path: Path) -> float:
        start = time.perf_counter()
        list(run_template_by_file_path(str(path), self.config, self.rules, False))
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


def child(kind: str, list_file: str) -> int:
    """Lint the listed files with one configuration in this fresh process; print the peak RSS (KiB)."""
    logging.disable(logging.CRITICAL)
    linter = Linter(kind == "pack")
    for line in Path(list_file).read_text().splitlines():
        linter.seconds(Path(line))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return 0


def peak_memory(paths: list[Path], repeat: int) -> dict[str, list[int]]:
    """Peak RSS of a process that lints all the files, stock against pack, each run `repeat` times."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(map(str, paths)))
    peaks: dict[str, list[int]] = {"stock": [], "pack": []}
    for rep in range(repeat):
        for kind in (("stock", "pack") if rep % 2 == 0 else ("pack", "stock")):
            out = subprocess.run([sys.executable, __file__, "--child", kind, handle.name],
                                 capture_output=True, text=True, check=True).stdout
            peaks[kind].append(int(out.strip().splitlines()[-1]))
    os.unlink(handle.name)
    return peaks


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2], sys.argv[3])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="real", help="comma-separated corpus kinds (real, real-rendered, fixture, fixture-bad)")
    parser.add_argument("--limit", type=int, default=0, help="lint only the first N files")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the files; the median pass counts")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)

    rows = [r for r in corpus_rows(tuple(args.kinds.split(","))) if not r.get("dup_of")]
    if args.limit:
        rows = rows[: args.limit]
    paths = [CORPUS / r["local_path"] for r in rows]
    linters = {"stock": Linter(False), "pack": Linter(True)}
    usable = []
    for path in paths:  # warm both up (schemas load lazily) and drop what cfn-lint itself cannot lint
        try:
            linters["stock"].seconds(path)
            linters["pack"].seconds(path)
            usable.append(path)
        except Exception:
            pass
    passes = []
    file_ratios: dict[Path, list[float]] = {p: [] for p in usable}
    for rep in range(args.repeat):
        wall = {"stock": 0.0, "pack": 0.0}
        cpu = {"stock": 0.0, "pack": 0.0}
        for i, path in enumerate(usable):
            # alternate which configuration goes first, per file and per pass
            order = ("stock", "pack") if (i + rep) % 2 else ("pack", "stock")
            took = {}
            for name in order:
                c0 = time.process_time()
                took[name] = linters[name].seconds(path)
                cpu[name] += time.process_time() - c0
                wall[name] += took[name]
            file_ratios[path].append(took["pack"] / took["stock"] if took["stock"] else 1.0)
        passes.append((wall, cpu))
        print(f"pass {rep + 1}: stock {wall['stock']:.2f} s, pack {wall['pack']:.2f} s, "
              f"ratio {wall['pack'] / wall['stock']:.3f} (cpu {cpu['pack'] / cpu['stock']:.3f})", flush=True)

    per_rule: dict[str, float] = {}
    rules = [cls() for cls in ALL_RULES]
    for path in usable:
        for rid, sec in rule_seconds(path, rules).items():
            per_rule[rid] = per_rule.get(rid, 0.0) + sec
    wall_ratio = statistics.median(w["pack"] / w["stock"] for w, _ in passes)
    cpu_ratio = statistics.median(c["pack"] / c["stock"] for _, c in passes)
    stock_median = statistics.median(w["stock"] for w, _ in passes)
    peaks = peak_memory(usable, args.repeat)
    own = sum(per_rule.values())
    print(f"files: {len(usable)} linted, {len(paths) - len(usable)} skipped (cfn-lint itself failed)")
    print(f"wall-time ratio, median of {len(passes)} passes: {wall_ratio:.3f}   (target <= 1.05)")
    print(f"cpu-time ratio, median of {len(passes)} passes:  {cpu_ratio:.3f}")
    print(f"median per-file ratio: {statistics.median(statistics.median(r) for r in file_ratios.values()):.3f}")
    stock_peak, pack_peak = statistics.median(peaks["stock"]), statistics.median(peaks["pack"])
    print(f"peak memory (RSS): stock {stock_peak / 1024:.0f} MiB, pack {pack_peak / 1024:.0f} MiB, "
          f"ratio {pack_peak / stock_peak:.3f}   (target <= 1.10)")
    print(f"pack's own time: {own:.2f} s per pass ({100 * own / stock_median:.2f}% of stock's {stock_median:.2f} s)")
    for rid, sec in sorted(per_rule.items(), key=lambda kv: -kv[1]):
        print(f"  {rid:8s} {sec * 1000:9.1f} ms  ({sec * 1000 / max(len(usable), 1):.3f} ms per file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
