"""The README's rule table is the rules' own: regenerate it with `cfn-lint-bestpractices rules --markdown`."""

from __future__ import annotations

import re

from cfn_lint_bestpractices.cli import rules_table
from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_matches_the_rules():
    block = re.search(r"<!-- rules:start[^>]*-->\n(.*?)\n<!-- rules:end -->", README, re.S)
    assert block, "README lost its rules:start/rules:end markers"
    assert block.group(1).strip() == rules_table()


def test_every_rule_is_in_the_table_and_links_its_page():
    for cls in ALL_RULES:
        assert f"[{cls.id}](rules/{cls.id}.md)" in rules_table()


def test_readme_set_up_commands_are_the_ones_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = ci.strip().splitlines()[-1]
    assert f"\n{test_command}\n" in README
    assert "cfn-lint --append-rules=cfn_lint_bestpractices.rules -- examples/all-rules.yaml" in README


def test_vscode_setting_is_documented():
    assert '"cfnLint.appendRules": ["cfn_lint_bestpractices.rules"]' in README
