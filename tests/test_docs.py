"""The README's rule table is the rules' own: regenerate it with `cfn-lint-bestpractices rules --markdown`.
Each rule page's heading, severity and resource types are checked against the rule class."""

from __future__ import annotations

import re

import pytest

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
    assert "cfn-lint --append-rules=cfn_lint_bestpractices.rules --include-checks I -- examples/all-rules.yaml" \
        in README  # run as written by tests/test_cli.py


def test_vscode_setting_is_documented():
    assert '"cfnLint.appendRules": ["cfn_lint_bestpractices.rules"]' in README


# --- each rule page's heading and header line come from the rule class -------------------------------

SEVERITY = {"E": "error", "W": "warning", "I": "informational"}
CFN_TYPE = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")


def _page(rule_id: str) -> str:
    return (ROOT / "rules" / f"{rule_id}.md").read_text(encoding="utf-8")


def _header(page: str) -> str:
    """The paragraph that starts with **Severity:**, joined into one line."""
    match = re.search(r"^\*\*Severity:\*\*.*?(?=\n\n)", page, re.S | re.M)
    assert match, "no **Severity:** line"
    return " ".join(match.group(0).split())


@pytest.mark.parametrize("cls", ALL_RULES, ids=lambda c: c.id)
def test_page_heading_is_the_rules_id_and_shortdesc(cls):
    assert _page(cls.id).splitlines()[0] == f"# {cls.id}: {cls.shortdesc}"


@pytest.mark.parametrize("cls", ALL_RULES, ids=lambda c: c.id)
def test_page_severity_is_the_rules(cls):
    severity = re.match(r"\*\*Severity:\*\* (\w+) ·", _header(_page(cls.id)))
    assert severity, "the header line starts with **Severity:** <severity> ·"
    assert severity.group(1) == SEVERITY[cls.id[0]] == cls().severity


@pytest.mark.parametrize("cls", ALL_RULES, ids=lambda c: c.id)
def test_page_resource_types_are_the_rules(cls):
    """`resource_types` is the rule's own (not inherited), names real types once each, and the page's
    **Resource types:** list is exactly it, in the same order."""
    types = cls.__dict__.get("resource_types")
    assert isinstance(types, tuple) and types, "the rule class sets resource_types = (...)"
    assert all(CFN_TYPE.match(t) for t in types) and len(set(types)) == len(types)
    listed = re.search(r"\*\*Resource types:\*\* (.*)$", _header(_page(cls.id)))
    assert listed, "the header line has **Resource types:**"
    assert tuple(re.findall(r"`([^`]+)`", listed.group(1))) == types
