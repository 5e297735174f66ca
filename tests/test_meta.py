"""The pack's own rules about its rules: ids, severities, pages, fixtures, registration."""

from __future__ import annotations

import inspect
import re

import pytest
from cfnlint.helpers import create_rules

import cfn_lint_bestpractices.rules as pack
from cfn_lint_bestpractices import links
from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import FIXTURES, RULE_PAGES, fixture_config, lint, pack_findings

AREAS = {"95": "compute", "96": "messaging", "97": "networking", "98": "storage"}
RULES = [cls() for cls in ALL_RULES]

# Rules about resources that SAM has no form of (network ACLs, VPCs, load balancers, ECS, RDS, S3
# settings): their fixtures are plain CloudFormation. The rest need a SAM fixture.
NO_SAM_FORM = {"E9518", "E9612", "E9618", "W9701", "W9702", "E9703", "W9704", "W9705", "W9706", "E9707",
               "W9708", "W9709", "I9710", "E9711", "E9712", "E9713", "E9714", "E9715", "W9718", "W9719",
               "I9723", "W9724", "W9725", "W9726", "W9727", "E9728", "W9729", "W9730", "W9731", "W9802",
               "E9803", "W9804", "I9805", "E9806", "W9807", "E9808", "W9809", "I9810", "W9811", "W9812",
               "E9813", "W9814", "W9816", "E9817", "W9819", "I9824"}


def test_ids_unique_and_in_block():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rid in ids:
        assert re.fullmatch(r"[EWI](9[5-8]\d\d)", rid), rid


def test_cfn_lint_registers_every_rule_from_the_module():
    """--append-rules=cfn_lint_bestpractices.rules imports the module and instantiates each rule
    class found at its top level: exactly the pack's rules, nothing else."""
    found = sorted(r.id for r in create_rules(pack))
    assert found == sorted(r.id for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_lives_in_its_area(rule):
    module = inspect.getmodule(type(rule)).__name__
    assert f".rules.{AREAS[rule.id[1:3]]}." in module


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata(rule):
    assert rule.shortdesc and rule.description and rule.tags
    assert rule.source_url == links.page_url(rule.id)  # the one place (tests/test_links.py)
    assert (RULE_PAGES / f"{rule.id}.md").is_file(), f"rules/{rule.id}.md is missing"
    for name, option in rule.config_definition.items():
        assert option.get("description"), f"{rule.id}:{name} has no description"
        assert name in (RULE_PAGES / f"{rule.id}.md").read_text(), f"{rule.id}:{name} is not on its page"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_the_fixtures_it_needs(rule):
    folder = FIXTURES / rule.id
    files = [p for p in folder.iterdir() if p.is_file()]
    texts = {p.name: p.read_text() for p in files}
    assert any(n.startswith("bad") for n in texts), "a bad fixture"
    assert any(n.startswith("good") for n in texts), "a good fixture"
    assert any(n.endswith(".json") for n in texts), "a JSON fixture"
    assert any("!If" in t or "Fn::If" in t for t in texts.values()), "an Fn::If case"
    assert any("Parameters" in t for t in texts.values()), "a parameter case"
    if rule.id not in NO_SAM_FORM:
        assert any("AWS::Serverless-2016-10-31" in t for t in texts.values()), "a SAM fixture"


@pytest.mark.parametrize("key", sorted(fixture_config()), ids=str)
def test_configured_fixtures_differ_without_their_configuration(key):
    """Each option's fixture is linted with the option set; without it the result must change,
    which proves the option is read."""
    template = FIXTURES / key
    rule_id = key.split("/")[0]
    configured = [f for f in pack_findings(lint(template, fixture_config()[key])) if f["rule"] == rule_id]
    default = [f for f in pack_findings(lint(template)) if f["rule"] == rule_id]
    assert configured != default
