"""--jobs and --shard: the same findings, in the same order, as one process over all files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import CORPUS
from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "fixtures").glob("*/*.yaml"))[:24] + [
    "examples/all-rules.yaml",
    str(CORPUS / "templates" / "serverless-patterns" / "_pattern-model" / "template.yaml"),  # cfn-lint dies on it
]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args, "--", *FILES], cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def one_process():
    return {fmt: run("--format", fmt) for fmt in ("parseable", "json")}


@pytest.mark.parametrize("fmt", ["parseable", "json"])
def test_jobs_give_identical_output(one_process, fmt):
    parallel = run("--jobs", "2", "--format", fmt)
    assert parallel.stdout == one_process[fmt].stdout
    assert parallel.returncode == one_process[fmt].returncode
    assert one_process[fmt].stdout.count("cfn-lint failed on this template") == 1


def test_shards_split_the_files_between_them(one_process):
    everything = json.loads(one_process["json"].stdout)
    shards = [json.loads(run("--shard", f"{i}/3", "--format", "json").stdout) for i in (1, 2, 3)]
    files = [{f["Filename"] for f in shard} for shard in shards]
    assert not (files[0] & files[1]) and not (files[0] & files[2]) and not (files[1] & files[2])
    merged = sorted((json.dumps(f, sort_keys=True) for shard in shards for f in shard))
    assert merged == sorted(json.dumps(f, sort_keys=True) for f in everything)


def test_shard_and_jobs_combine(one_process):
    alone = run("--shard", "2/2", "--format", "json")
    both = run("--shard", "2/2", "--jobs", "2", "--format", "json")
    assert both.stdout == alone.stdout


@pytest.mark.parametrize("bad", [["--jobs", "0"], ["--jobs", "x"], ["--shard", "0/2"], ["--shard", "3/2"],
                                 ["--shard", "1"], ["--jobs"]])
def test_bad_values_are_one_clear_line(bad):
    proc = subprocess.run([str(COMMAND), *bad, "examples/all-rules.yaml"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_workers_also_work_when_not_forked(one_process):
    """Where processes are spawned (macOS, Windows, newer Pythons), each worker builds its own runner."""
    code = ("import multiprocessing as m, sys\n"
            "if __name__ == '__main__':\n"
            "    m.set_start_method('spawn')\n"
            "    from cfn_lint_bestpractices.cli import main\n"
            "    sys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", code, "--jobs", "2", "--format", "parseable", "--", *FILES],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.stdout == one_process["parseable"].stdout
