"""Every template of ../shared/corpus, linted with the pack in strict mode: no rule may raise."""

from __future__ import annotations

import collections

from corpus import CORPUS, corpus_rows, lint_with_pack
from cfn_lint_bestpractices.rules import ALL_RULES


def test_corpus_is_present():
    assert (CORPUS / "manifest.tsv").is_file(), f"the corpus is expected at {CORPUS} (set CORPUS_DIR)"


def test_no_rule_raises_on_any_corpus_template():
    rules = [cls() for cls in ALL_RULES]
    crashes = []
    reached = 0
    per_rule = collections.Counter()
    for row in corpus_rows():
        path = CORPUS / row["local_path"]
        try:
            matches, note = lint_with_pack(path, rules)
        except Exception as err:  # noqa: BLE001 - the point is to collect them all
            crashes.append(f"{row['local_path']}: {type(err).__name__}: {err}")
            continue
        if note is None:
            reached += 1
        for m in matches:
            per_rule[m.rule.id] += 1
    assert not crashes, "\n".join(crashes[:20])
    # the sweep must really have linted the corpus, not skipped it
    assert reached > 3500
    assert sum(per_rule.values()) > 1500, per_rule
