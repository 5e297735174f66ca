#!/usr/bin/env python3
"""Benchmark: linting templates as one application against linting each file alone.

The application's cost is what the run adds to the same files linted alone: finding the application
(cloud assemblies, nested-stack families, the templates that import or export), one summary per
template, and the wider models of the rules that relate resources. Each template is parsed once either
way. Two inputs:

- the corpus's `real` templates, all in one run (the command's run: one application for every file);
- a synthesized cloud assembly of many stacks, made of the shop app's real CDK output (its network,
  data and web stacks once, and many copies of its messaging and serverless stacks, each serverless copy
  with its nested stack, reading the network's subnets, the data stack's keys and its messaging copy's
  queues through Fn::GetStackOutput): a hub and spokes, the shape where wide models see the most.

Passes alternate which mode goes first; the ratio of the median CPU times is what counts (the machine is
shared). Not a test.

    python benchmarks/bench_applications.py                      # corpus `real`, and an app of 47 stacks
    python benchmarks/bench_applications.py --limit 200 --services 10 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cfnlint.config import ConfigMixIn
from cfnlint.runner.cli import Runner
from cfnlint.runner.template.runner import run_template_by_file_path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus import CORPUS, corpus_rows  # noqa: E402

from cfn_lint_bestpractices import app_run  # noqa: E402
from cfn_lint_bestpractices.model import locate  # noqa: E402


class Linter:
    def __init__(self) -> None:
        self.config = ConfigMixIn(["--append-rules", "cfn_lint_bestpractices.rules"])
        self.rules = Runner(self.config).rules

    def alone(self, files: list[str]) -> int:
        locate.use_run(None)
        locate.lint_alone(True)
        try:
            return sum(len(list(run_template_by_file_path(f, self.config, self.rules, False))) for f in files)
        finally:
            locate.lint_alone(False)

    def application(self, files: list[str]) -> int:
        locate.clear()
        to_lint = app_run.prepare(files, err=_Null())
        try:
            return sum(len(app_run.lint_file(f, self.config, self.rules, False)) for f in to_lint)
        finally:
            locate.use_run(None)


class _Null:
    def write(self, _text: str) -> None:
        pass


def measure(linter: Linter, files: list[str], repeat: int, label: str) -> None:
    cpu: dict[str, list[float]] = {"alone": [], "application": []}
    counts: dict[str, int] = {}
    for rep in range(repeat):
        for mode in (("alone", "application") if rep % 2 == 0 else ("application", "alone")):
            start = time.process_time()
            counts[mode] = getattr(linter, mode)(files)
            cpu[mode].append(time.process_time() - start)
        print(f"  pass {rep + 1}: alone {cpu['alone'][-1]:.2f} s, application {cpu['application'][-1]:.2f} s",
              flush=True)
    alone, app = statistics.median(cpu["alone"]), statistics.median(cpu["application"])
    print(f"{label}: {len(files)} templates; median CPU alone {alone:.2f} s, as one application {app:.2f} s, "
          f"ratio {app / alone:.3f}; findings alone {counts['alone']}, as one application {counts['application']}")


# -- a synthesized cloud assembly -------------------------------------------------------------------
SHOP = ROOT / "fixtures" / "applications" / "shop-weak"
SPOKES = ("ShopMessaging", "ShopServerless")  # copied per service; they read the shared stacks


def synthesized_app(folder: Path, services: int) -> list[str]:
    """A cloud assembly of many stacks made of the shop app's synthesized templates (real CDK output):
    the network, data and web stacks once, and `services` copies of the messaging and serverless stacks
    (with the serverless stack's nested stack), each copy reading the one network stack's subnets and
    the data stack's keys, and its own messaging copy's queues, through Fn::GetStackOutput. A hub and
    spokes: the shape where a wide model sees most."""
    manifest = json.loads((SHOP / "manifest.json").read_text())
    artifacts = {k: v for k, v in manifest["artifacts"].items() if v.get("type") == "aws:cloudformation:stack"}
    files = []
    for name, artifact in artifacts.items():
        template = artifact["properties"]["templateFile"]
        copies = range(services) if name in SPOKES else [None]
        for i in copies:
            text = (SHOP / template).read_text()
            nested = sorted(p.name for p in SHOP.glob(f"{name}*.nested.template.json"))
            suffix = "" if i in (None, 0) else str(i)
            for spoke in SPOKES:
                text = text.replace(spoke, spoke + suffix) if i not in (None, 0) else text
            out = template.replace(name, name + suffix)
            (folder / out).write_text(text)
            files.append(out)
            for child in nested:
                child_text = (SHOP / child).read_text()
                for spoke in SPOKES:
                    child_text = child_text.replace(spoke, spoke + suffix) if suffix else child_text
                (folder / child.replace(name, name + suffix)).write_text(child_text)
                files.append(child.replace(name, name + suffix))
            if i not in (None, 0):
                copy = json.loads(json.dumps(artifact).replace(name, name + suffix))
                manifest["artifacts"][name + suffix] = copy
    for extra in SHOP.glob("ShopData*.nested.template.json"):
        if extra.name not in files:
            (folder / extra.name).write_text(extra.read_text())
            files.append(extra.name)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return sorted(str(folder / f) for f in dict.fromkeys(files))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N corpus templates")
    parser.add_argument("--services", type=int, default=14, help="copies of the messaging and serverless stacks")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    linter = Linter()
    with tempfile.TemporaryDirectory() as tmp:
        files = synthesized_app(Path(tmp), args.services)
        linter.alone(files[:2])  # load the schemas before anything is timed
        measure(linter, files, args.repeat, f"synthesized cloud assembly ({len(files)} templates)")
    if not args.skip_corpus:
        rows = [r for r in corpus_rows(("real",)) if not r.get("dup_of")]
        if args.limit:
            rows = rows[: args.limit]
        usable = []
        for row in rows:  # warm up (schemas load lazily) and drop what cfn-lint itself cannot lint
            path = str(CORPUS / row["local_path"])
            try:
                linter.alone([path])
                usable.append(path)
            except Exception:  # pylint: disable=broad-except
                pass
        measure(linter, usable, args.repeat, "corpus real")
    return 0


if __name__ == "__main__":
    sys.exit(main())
