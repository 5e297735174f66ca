"""The fixer on the corpus's `real` templates (written by others): every fixable finding is fixed or
left with a reason, the proof holds for each file (fixed findings gone, no new finding of any rule,
stock cfn-lint's included), and fixing again changes nothing. FIX_SWEEP_REPORT=file writes the
figures (per rule: fixed, left and why)."""

from __future__ import annotations

import collections
import json
import os
import shutil

from corpus import CORPUS, corpus_rows, lint_with_pack
from helpers import lint
from cfn_lint_bestpractices.fixes import Fix
from cfn_lint_bestpractices.fixes.command import Fixer
from cfn_lint_bestpractices.rules import ALL_RULES

FIXABLE_RULES = [cls() for cls in ALL_RULES if cls.fixable]


class _Runner:
    def lint_file(self, path):
        return lint(path)


def _key(m):
    return (m.rule.id, m.message)


def test_fixer_sweep_over_real_templates(tmp_path):
    candidates = []
    for row in corpus_rows(("real",)):
        path = CORPUS / row["local_path"]
        matches, note = lint_with_pack(path, FIXABLE_RULES)
        if note is None and any(isinstance(getattr(m, "fix", None), Fix) for m in matches):
            candidates.append(row["local_path"])
    assert candidates, "no real template has a fixable finding: the sweep would test nothing"
    fixer = Fixer(_Runner(), unsafe=True)
    fixed = collections.Counter()
    left = collections.defaultdict(collections.Counter)
    problems = []
    for i, name in enumerate(candidates):
        copy = tmp_path / str(i) / os.path.basename(name)
        copy.parent.mkdir()
        shutil.copyfile(CORPUS / name, copy)
        result = fixer.fix_file(str(copy), write=True)
        before = collections.Counter(_key(m) for m in result.before)
        after = collections.Counter(_key(m) for m in result.remaining)
        if after - before:
            problems.append(f"{name}: new findings {sorted(after - before)[:2]}")
        for m, _fix, _reason in result.fixed:
            fixed[m.rule.id] += 1
            if after[_key(m)] >= before[_key(m)]:
                problems.append(f"{name}: {m.rule.id} still reported after its fix")
        for m, why in result.left:
            if isinstance(getattr(m, "fix", None), Fix):
                left[m.rule.id][why[:100]] += 1
        # idempotent: only the pack's rules offer fixes, so the pack alone says whether any is left
        text = copy.read_bytes()
        again, _ = lint_with_pack(copy, FIXABLE_RULES)
        offered = [m for m in again if isinstance(getattr(m, "fix", None), Fix)]
        if offered and fixer.fix_file(str(copy), write=True).fixed:
            problems.append(f"{name}: a second run fixed more")
        if copy.read_bytes() != text and not offered:
            problems.append(f"{name}: changed by a run with nothing to fix")
    if os.environ.get("FIX_SWEEP_REPORT"):
        with open(os.environ["FIX_SWEEP_REPORT"], "w", encoding="utf-8") as handle:
            json.dump({"files": len(candidates), "fixed": fixed, "left": left}, handle, indent=1, sort_keys=True)
    assert not problems, "\n".join(problems[:20])
    assert sum(fixed.values()) > 0
