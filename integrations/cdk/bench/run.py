"""What the plugin adds to `cdk synth`: bench/app.js (five stacks) synthesized with and without it,
rounds interleaved, medians of wall and CPU seconds (CPU counts the pack's process too).

    cd integrations/cdk && npm ci && python3 bench/run.py [--rounds 5] [--bin ../../.venv/bin]

It runs the app as `cdk synth` does (node app.js with CDK_OUTDIR), CDK's own template validation on
(the default since aws-cdk-lib 2.262), and the plugin from lib/ with failOn 'none'."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
CONFIGS = {
    "cdk synth": {"BENCH_PLUGIN": "0"},
    "+ plugin": {"BENCH_PLUGIN": "1", "BENCH_PROPS": json.dumps({"failOn": "none"})},
    "+ plugin, stock findings too": {"BENCH_PLUGIN": "1",
                                     "BENCH_PROPS": json.dumps({"failOn": "none", "includeStockFindings": True})},
}


def once(env: dict, out: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["node", str(HERE / "app.js")], env={**env, "CDK_OUTDIR": out}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bin", default=str(PACKAGE.parent.parent / ".venv" / "bin"),
                        help="the folder holding cfn-lint-bestpractices")
    parser.add_argument("--command", help="the plugin's command option (another pack to measure)")
    args = parser.parse_args()
    if args.command:
        for extra in CONFIGS.values():
            if "BENCH_PROPS" in extra:
                extra["BENCH_PROPS"] = json.dumps({**json.loads(extra["BENCH_PROPS"]), "command": args.command})
    base = {**os.environ, "PATH": f"{args.bin}{os.pathsep}{os.environ['PATH']}",
            "NODE_PATH": str(PACKAGE / "node_modules"), "BENCH_PLUGIN_MODULE": str(PACKAGE / "lib" / "index.js")}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in CONFIGS}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds + 1):
            for name, extra in CONFIGS.items():
                timing = once({**base, **extra}, os.path.join(tmp, f"out{i}-{len(results[name])}"))
                if i > 0:  # the first round warms the file cache
                    results[name].append(timing)
    print(f"{'':32} {'wall s':>8} {'cpu s':>8}  (medians of {args.rounds})")
    medians = {n: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for n, r in results.items()}
    plain = medians["cdk synth"]
    for name, (wall, cpu) in medians.items():
        added = "" if name == "cdk synth" else f"  adds {wall - plain[0]:+.2f} s wall, {cpu - plain[1]:+.2f} s cpu"
        print(f"{name:32} {wall:8.2f} {cpu:8.2f}{added}")


if __name__ == "__main__":
    main()
