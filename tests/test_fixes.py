"""Per fixable rule: each bad fixture, fixed with that rule's fixes, must equal the snapshot in
fixtures/<ID>/fixed/, lint clean of the fixed findings with no new finding of any rule, and stay
the same when fixed again. Regenerate with UPDATE_SNAPSHOTS=1 and review the diff."""

from __future__ import annotations

import collections
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES, RULE_PAGES, fixture_config, lint
from cfn_lint_bestpractices.fixes import Fix
from cfn_lint_bestpractices.fixes.command import Fixer
from cfn_lint_bestpractices.rules import ALL_RULES

FIXABLE = {cls.id: cls.fixable for cls in ALL_RULES if cls.fixable}
KINDS = {"safe", "unsafe", "sometimes unsafe"}


class _Runner:
    """What the fixer needs of cfn-lint's runner: the findings of every rule for one file."""

    def __init__(self, configure_rules):
        self.configure_rules = configure_rules

    def lint_file(self, path):
        return lint(Path(path), self.configure_rules)


def _bad_fixtures():
    out = []
    for rule_id in sorted(FIXABLE):
        for p in sorted((FIXTURES / rule_id).glob("bad*")):
            if p.suffix in (".yaml", ".yml", ".json"):
                out.append(p)
    return out


def _key(m):
    return (m.rule.id, m.message)


def fix_copy(template: Path, tmp_path: Path, rule_id: str):
    copy = tmp_path / template.name
    shutil.copyfile(template, copy)
    config = fixture_config().get(f"{template.parent.name}/{template.name}")
    fixer = Fixer(_Runner(config), unsafe=True, select=[rule_id])
    return copy, config, fixer, fixer.fix_file(str(copy), write=True)


@pytest.mark.parametrize("template", _bad_fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_snapshot_and_proof(template, tmp_path):
    rule_id = template.parent.name
    copy, config, fixer, result = fix_copy(template, tmp_path, rule_id)
    fixed = copy.read_bytes()
    snap = template.parent / "fixed" / template.name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snap.parent.mkdir(exist_ok=True)
        snap.write_bytes(fixed)
    assert snap.exists(), f"no fixed snapshot for {template}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert fixed == snap.read_bytes()
    # the proof, checked here on the lints of the original and of the text written: fixed findings
    # gone, nothing new, of any rule (stock cfn-lint's included)
    before = collections.Counter(_key(m) for m in result.before)
    after = collections.Counter(_key(m) for m in result.remaining)
    assert not (after - before), f"new findings after the fix: {sorted(after - before)}"
    for m, _fix, _reason in result.fixed:
        assert after[_key(m)] < before[_key(m)], f"still reported after its fix: {m.message}"
    # a finding of this rule with a fix is either fixed or left with its reason
    left_with_fix = [why for m, why, _ in result.left if m.rule.id == rule_id and isinstance(getattr(m, "fix", None), Fix)]
    assert all(why for why in left_with_fix)
    # fixing twice changes nothing the second time
    again = fixer.fix_file(str(copy), write=True)
    assert not again.fixed and copy.read_bytes() == fixed


@pytest.mark.parametrize("rule_id", sorted(FIXABLE))
def test_fixable_rule_fixes_a_fixture_and_says_so_on_its_page(rule_id):
    assert FIXABLE[rule_id] in KINDS
    changed = [p for p in (FIXTURES / rule_id).glob("bad*")
               if (p.parent / "fixed" / p.name).exists() and (p.parent / "fixed" / p.name).read_bytes() != p.read_bytes()]
    assert changed, f"{rule_id} says it has a fix, but no bad fixture of it is changed by one"
    page = (RULE_PAGES / f"{rule_id}.md").read_text()
    assert f"**Automatic fix:** {FIXABLE[rule_id]}" in page


@pytest.mark.parametrize("cls", ALL_RULES, ids=lambda c: c.id)
def test_page_says_whether_a_fix_exists(cls):
    page = (RULE_PAGES / f"{cls.id}.md").read_text()
    found = re.search(r"\*\*Automatic fix:\*\* (safe|unsafe|sometimes unsafe|none)\b", page)
    assert found, f"rules/{cls.id}.md has no '**Automatic fix:**' line"
    assert found.group(1) == (cls.fixable or "none")


@pytest.mark.parametrize("cls", [c for c in ALL_RULES if not c.fixable], ids=lambda c: c.id)
def test_a_rule_without_a_fix_offers_none(cls):
    import inspect

    source = inspect.getsource(inspect.getmodule(cls))
    assert not re.search(r"\bFix\(", source) or cls.__name__ not in _classes_offering_fixes(source)


def _classes_offering_fixes(source: str) -> set[str]:
    # a module may hold two rules; only a class whose body builds a Fix offers one
    found, current = set(), None
    for line in source.splitlines():
        head = re.match(r"class (\w+)", line)
        if head:
            current = head.group(1)
        elif current and re.search(r"\bFix\(", line):
            found.add(current)
    return found
