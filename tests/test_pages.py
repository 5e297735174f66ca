"""Each rule page's examples are linted: `bad` must raise the rule; `good` and `suppressed` must be clean
under every rule of the pack and every error-level rule of stock cfn-lint, so that a user who copies an
example gets no finding at all. So the documentation cannot drift from the code."""

from __future__ import annotations

import re

import pytest

from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import PACK_IDS, RULE_PAGES, lint, pack_findings

BLOCK = re.compile(r"^```(yaml|json) (bad|good|suppressed)\n(.*?)^```", re.S | re.M)
CASES = []
for cls in ALL_RULES:
    page = RULE_PAGES / f"{cls.id}.md"
    if page.exists():
        for i, (lang, kind, body) in enumerate(BLOCK.findall(page.read_text(encoding="utf-8"))):
            CASES.append((cls.id, kind, lang, body, i))


@pytest.mark.parametrize("rule_id", [cls.id for cls in ALL_RULES])
def test_page_has_every_kind_of_example(rule_id):
    kinds = {kind for rid, kind, *_ in CASES if rid == rule_id}
    assert kinds == {"bad", "good", "suppressed"}


@pytest.mark.parametrize("rule_id,kind,lang,body,index", CASES, ids=[f"{c[0]}-{c[1]}-{c[4]}" for c in CASES])
def test_page_example(tmp_path, rule_id, kind, lang, body, index):
    template = tmp_path / f"example.{lang}"
    template.write_text(body, encoding="utf-8")
    matches = lint(template)
    ids = [m.rule.id for m in matches]
    assert "E0002" not in ids
    if kind == "bad":
        assert rule_id in ids
    else:
        # not only the page's own rule: any finding of the pack, or a stock cfn-lint error, makes the
        # example one a user cannot copy as it stands
        others = [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in matches
                  if m.rule.id in PACK_IDS or m.rule.id.startswith("E")]
        assert others == []


SUPPRESSION = re.compile(r"^[ \t]*Metadata:\n[ \t]*cfn-lint:\n[ \t]*config:\n[ \t]*ignore_checks: \[[A-Z0-9, ]+\]\n", re.M)


@pytest.mark.parametrize("rule_id,kind,lang,body,index", [c for c in CASES if c[1] == "suppressed"],
                         ids=[f"{c[0]}-{c[4]}" for c in CASES if c[1] == "suppressed"])
def test_suppressed_example_fires_without_its_suppression(tmp_path, rule_id, kind, lang, body, index):
    """The suppression example must show a real finding being silenced, not a good template."""
    unsuppressed, count = SUPPRESSION.subn("", body)
    assert count == 1
    template = tmp_path / f"example.{lang}"
    template.write_text(unsuppressed, encoding="utf-8")
    assert rule_id in [f["rule"] for f in pack_findings(lint(template))]

