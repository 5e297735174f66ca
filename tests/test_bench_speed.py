"""The speed benchmark runs (a smoke run: a few templates, one pass): every configuration of
benchmarks/bench_speed.py works, and it finds --pack-only's findings equal to the pack's findings of
the run with the pack and a warm-cache run's output equal to an uncached one's. The figures are read
from a full run by hand (README, "Speed"), never asserted here."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT


def test_the_benchmark_runs_every_configuration():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_speed.py"), "--smoke", "--limit", "3"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = proc.stdout.split("configuration", 1)[1]
    for name in ("stock cfn-lint", "cfn-lint + pack", "--pack-only", "warm cache", "warm cache --pack-only"):
        assert f"\n{name} " in table
    assert "identical to the pack's findings of the run with the pack: True" in proc.stdout
    assert "warm-cache output identical to an uncached run's: True" in proc.stdout
