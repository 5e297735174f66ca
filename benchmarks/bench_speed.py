#!/usr/bin/env python3
"""Stock cfn-lint, cfn-lint with the pack, `--pack-only`, a warm-cache re-run and (when installed)
AWS's cloudformation-validate, each as one process over the same files, as a user runs them.

    python benchmarks/bench_speed.py                       # the corpus's `real` templates, 3 passes
    python benchmarks/bench_speed.py --kinds real,real-rendered --repeat 5
    python benchmarks/bench_speed.py --every 3             # a third of them, spread over the corpus
    python benchmarks/bench_speed.py --smoke               # 12 templates, 1 pass: what CI runs

Each configuration runs `--repeat` times, in an order that rotates from pass to pass so that machine
noise falls on all alike; the figures are the medians of the passes (wall time, and CPU time: user +
system of the process and every process it started), and each ratio is a configuration's median over
stock cfn-lint's. It also checks that `--pack-only` reports exactly the pack's findings of the run with
the pack, and measures peak memory of `--jobs 2` against stock cfn-lint (see `memory`). Not a test:
the machine is shared, so read medians and ratios, not seconds.

cloudformation-validate (`pip install cloudformation-validate`) has no
command line: a short driver builds its engine once and validates every file, in one process.
Templates that make stock cfn-lint itself crash (the corpus's cfn-lint-crashers.txt) are left out,
since one of them loses a whole stock run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus import CORPUS, corpus_rows  # noqa: E402

BIN = Path(sys.executable).parent
PACK_IDS_PREFIXES = ("E95", "W95", "I95", "E96", "W96", "I96", "E97", "W97", "I97", "E98", "W98", "I98")

VALIDATE_DRIVER = """
import sys
from cloudformation_validate import CompositeEngine
engine = CompositeEngine()
count = 0
for name in sys.argv[1:]:
    try:
        count += len(engine.validate_template(name).diagnostics)
    except Exception as err:  # a template it cannot read: counted, as cfn-lint reports one
        count += 1
print(count)
"""


def has_validate() -> bool:
    return subprocess.run([sys.executable, "-c", "import cloudformation_validate"], capture_output=True).returncode == 0


def configurations(files: list[str], cache_dir: str) -> dict[str, list[str]]:
    out = {
        "stock cfn-lint": [str(BIN / "cfn-lint"), "--format", "parseable", "--", *files],
        "cfn-lint + pack": [str(BIN / "cfn-lint"), "--append-rules=cfn_lint_bestpractices.rules", "--format",
                            "parseable", "--", *files],
        "--pack-only": [str(BIN / "cfn-lint-bestpractices"), "--pack-only", "--no-cache", "--format", "parseable",
                        "--", *files],
        "warm cache": [str(BIN / "cfn-lint-bestpractices"), "--cache-dir", cache_dir, "--format", "parseable",
                       "--", *files],
        "warm cache --pack-only": [str(BIN / "cfn-lint-bestpractices"), "--pack-only", "--cache-dir", cache_dir,
                                   "--format", "parseable", "--", *files],
    }
    if has_validate():
        out["cloudformation-validate"] = [sys.executable, "-c", VALIDATE_DRIVER, *files]
    return out


WRAPPER = ("import resource, subprocess, sys, time\n"
           "start = time.perf_counter()\n"
           "proc = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)\n"
           "wall = time.perf_counter() - start\n"
           "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "sys.stdout.write(f'{wall} {use.ru_utime + use.ru_stime} {use.ru_maxrss}\\n' + proc.stdout)\n")


def run(command: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """(wall s, cpu s, peak RSS KiB of its largest process, stdout) of one run in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "CFN_LINT_BESTPRACTICES_NO_CACHE"}
    proc = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, cwd=cwd, env=env)
    head, _, output = proc.stdout.partition("\n")
    wall, cpu, rss = head.split()
    return float(wall), float(cpu), int(rss), output


def pack_lines(parseable: str, pack_only: bool) -> list[str]:
    lines = [line for line in parseable.splitlines() if line.strip()]
    if pack_only:
        return sorted(lines)
    return sorted(line for line in lines if line.split(":")[5].startswith(PACK_IDS_PREFIXES)
                  or line.split(":")[5] in ("E0000", "E0001"))


def tree_pss(pid: int) -> int:
    """The summed proportional set size (KiB) of a process's descendants: shared pages (a forked
    worker shares the parent's) are counted once across them, not once per process as RSS counts them."""
    total = 0
    pending = _children(pid)
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
        pending += _children(current)
    return total


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return out


def memory(command: list[str], cwd: Path) -> tuple[int, int]:
    """(peak RSS of its largest process, peak summed PSS of all its processes sampled every 50 ms), KiB.
    The command runs under a small wrapper process, which reports the RSS and is left out of the PSS."""
    peak = [0]
    env = {k: v for k, v in os.environ.items() if k != "CFN_LINT_BESTPRACTICES_NO_CACHE"}
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, *command], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_pss(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=sample)
    watcher.start()
    out, _ = proc.communicate()
    watcher.join()
    return int(out.split("\n", 1)[0].split()[2]), peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="real")
    parser.add_argument("--limit", type=int, default=0, help="only the first N templates (in manifest order)")
    parser.add_argument("--every", type=int, default=1, help="only every N-th template (a spread subset)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="12 templates (or --limit), one pass, no memory runs (CI)")
    parser.add_argument("--no-memory", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.limit, args.repeat, args.no_memory = args.limit or 12, 1, True

    crashers = set((CORPUS / "cfn-lint-crashers.txt").read_text().split())
    rows = [r for r in corpus_rows(tuple(args.kinds.split(","))) if not r.get("dup_of")
            and r["local_path"] not in crashers]
    rows = rows[:: args.every]
    if args.limit:
        rows = rows[: args.limit]
    files = [r["local_path"] for r in rows]
    with tempfile.TemporaryDirectory() as cache_dir:
        commands = configurations(files, cache_dir)
        # warm the cache (both modes): these runs are the cold runs of the command, not timed
        run(commands["warm cache"], CORPUS)
        run(commands["warm cache --pack-only"], CORPUS)
        names = list(commands)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
        outputs: dict[str, str] = {}
        for rep in range(args.repeat):
            order = names[rep % len(names):] + names[: rep % len(names)]
            for name in order:
                wall, cpu, _, out = run(commands[name], CORPUS)
                times[name].append((wall, cpu))
                outputs[name] = out
                print(f"pass {rep + 1}: {name:24s} wall {wall:7.2f} s  cpu {cpu:7.2f} s", flush=True)
        same = pack_lines(outputs["cfn-lint + pack"], False) == pack_lines(outputs["--pack-only"], True)
        warm_same = outputs["warm cache"] == run(commands["warm cache"][:1] + ["--no-cache"]
                                                 + commands["warm cache"][3:], CORPUS)[3]
        memories = {}
        if not args.no_memory:
            memories["stock cfn-lint (one process)"] = memory(commands["stock cfn-lint"], CORPUS)
            jobs = [str(BIN / "cfn-lint-bestpractices"), "--no-cache", "--jobs", "2", "--format", "parseable",
                    "--", *files]
            memories["command --jobs 2"] = memory(jobs, CORPUS)
            memories["command --pack-only --jobs 2"] = memory(jobs[:1] + ["--pack-only"] + jobs[1:], CORPUS)

    stock_wall = statistics.median(w for w, _ in times["stock cfn-lint"])
    stock_cpu = statistics.median(c for _, c in times["stock cfn-lint"])
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; {len(files)} templates ({args.kinds}), "
          f"median of {args.repeat} pass{'es' if args.repeat > 1 else ''}")
    print(f"{'configuration':26s} {'wall s':>8s} {'cpu s':>8s} {'wall ratio':>11s} {'cpu ratio':>10s}")
    for name in names:
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(f"{name:26s} {wall:8.2f} {cpu:8.2f} {wall / stock_wall:11.3f} {cpu / stock_cpu:10.3f}")
    if "cloudformation-validate" not in commands:
        print("cloudformation-validate: not installed here (pip install cloudformation-validate)")
    lines = len(pack_lines(outputs["--pack-only"], True))
    print(f"--pack-only findings identical to the pack's findings of the run with the pack: {same} ({lines} findings)")
    print(f"warm-cache output identical to an uncached run's: {warm_same}")
    for name, (rss, pss) in memories.items():
        print(f"memory, {name:30s} peak RSS of its largest process {rss / 1024:7.1f} MiB, "
              f"peak PSS of all its processes {pss / 1024:7.1f} MiB")
    if memories:
        stock_rss, stock_pss = memories["stock cfn-lint (one process)"]
        for name in ("command --jobs 2", "command --pack-only --jobs 2"):
            rss, pss = memories[name]
            print(f"memory ratio, {name}: largest process {rss / stock_rss:.3f}x stock's, "
                  f"all processes (PSS) {pss / stock_pss:.3f}x")
    return 0 if same and warm_same else 1


if __name__ == "__main__":
    sys.exit(main())
