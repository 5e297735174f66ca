#!/usr/bin/env python3
"""The pack's findings on corpus templates, per rule: the figures a change of the rules is judged by.

    python benchmarks/corpus_findings.py --out before.json              # the `real` templates
    python benchmarks/corpus_findings.py --out after.json --diff before.json

Writes every finding (rule, file, line, message) as JSON and prints the count per rule; with --diff it
prints, per rule, the findings that appeared and disappeared against an earlier run. Not a test.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from corpus import CORPUS, corpus_rows, lint_with_pack  # noqa: E402


def collect(kinds: tuple[str, ...]) -> list[dict]:
    out = []
    for row in corpus_rows(kinds):
        if row.get("dup_of"):
            continue
        path = CORPUS / row["local_path"]
        matches, _ = lint_with_pack(path)
        for m in matches:
            out.append({"rule": m.rule.id, "file": row["local_path"], "line": m.linenumber, "message": m.message})
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kinds", default="real")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--diff", type=Path)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    findings = collect(tuple(args.kinds.split(",")))
    if args.out:
        args.out.write_text(json.dumps(findings, indent=1) + "\n")
    counts = Counter(f["rule"] for f in findings)
    files = {r: len({f["file"] for f in findings if f["rule"] == r}) for r in counts}
    before = json.loads(args.diff.read_text()) if args.diff else None
    old = Counter(f["rule"] for f in before) if before is not None else Counter()
    for rule in sorted(set(counts) | set(old), key=lambda r: r[1:]):
        extra = f"  (before {old[rule]})" if before is not None else ""
        print(f"{rule}\t{counts[rule]}\t{files.get(rule, 0)} files{extra}")
    print(f"total\t{sum(counts.values())}")
    if before is not None:
        # quotes do not count: a message that only quotes a value differently is the same finding
        key = lambda f: (f["rule"], f["file"], f["message"].replace("'", ""))  # noqa: E731
        now, then = Counter(map(key, findings)), Counter(map(key, before))
        for label, diff in (("gone", then - now), ("new", now - then)):
            for (rule, file, message), n in sorted(diff.items()):
                print(f"{label}\t{rule}\t{file}\t{message}" + (f" (x{n})" if n > 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
