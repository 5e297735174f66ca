"""The pack never raises, whatever shape a property has: each fixture template is mutated node by
node (values replaced by null, strings, lists, maps, intrinsics of the wrong shape, conditions with
AWS::NoValue, imports) and linted in strict mode."""

from __future__ import annotations

import json

import pytest
from cfnlint.decode import decode, decode_str
from cfnlint.template.template import Template

from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import FIXTURES

ODD_VALUES = [
    None, "text", 7, True, [], [None], {}, ["a", {"b": 1}],
    {"Ref": "AWS::NoValue"}, {"Ref": 5}, {"Ref": "Nowhere"},
    {"Fn::If": ["Cond", None, {"Ref": "AWS::NoValue"}]}, {"Fn::If": "broken"},
    {"Fn::GetAtt": 5}, {"Fn::GetAtt": ["Nowhere", "Arn"]}, {"Fn::Sub": 5}, {"Fn::Sub": ["${x}", "notamap"]},
    {"Fn::Join": [",", "notalist"]}, {"Fn::Join": 3}, {"Fn::Select": ["x", []]}, {"Fn::Select": [9, ["a"]]},
    {"Fn::FindInMap": ["M", "a"]}, {"Fn::Split": [",", {"Ref": "AWS::Region"}]}, {"Fn::ImportValue": "x"},
    "{{resolve:ssm:/x}}", {"Fn::Base64": "x"}, "1024", -1, 1e99,
]

# With 300 fixtures (14,000 positions) every eighth position still gets each odd value about 1,800 times.
STRIDE = 8
# The positions mutated, in all: the suite's time budget (CI keeps to 15 minutes), shared by every
# fixture (spread evenly over each), so that adding rules and fixtures does not add minutes. Each
# fixture gets at most 60, at least 12, and a large template (more than 1,000 positions) 12.
TOTAL_POSITIONS = 6_600
MAX_POSITIONS_LARGE = 12

# The synthesized CDK app (fixtures/cdk-app) is real input like the corpus: its snapshots and the scenario
# meta-test lint it; mutating it costs minutes in cfn-lint's own condition solver (its region condition).
TEMPLATES = sorted(p for p in FIXTURES.glob("*/*") if p.suffix in (".yaml", ".json") and p.parent.name != "cdk-app")
MAX_POSITIONS = min(60, max(12, TOTAL_POSITIONS // max(1, len(TEMPLATES))))


def _paths(node, path=()):
    """Every position inside the resources' properties (and the resources themselves)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + (key,)
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield path + (i,)
            yield from _paths(value, path + (i,))


def _replace(template, path, value):
    copy = json.loads(json.dumps(template))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


def _run(template: dict):
    parsed, errors = decode_str(json.dumps(template, ensure_ascii=False))
    if errors:  # cfn-lint reports a template it cannot parse itself; the pack is never reached
        return
    cfn = Template("mutant.json", parsed, ["us-east-1"])
    try:
        if cfn.transform():
            return
    except Exception:  # cfn-lint's own transform rejecting the mutant is not ours
        return
    for cls in ALL_RULES:
        list(cls().matchall("mutant.json", cfn))


@pytest.mark.parametrize("fixture", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_mutations_never_raise(fixture):
    parsed, errors = decode(str(fixture))
    assert not errors
    template = json.loads(json.dumps(parsed))
    paths = [("Resources",) + p for p in _paths(template.get("Resources", {}))]
    paths += [("Globals",) + p for p in _paths(template.get("Globals", {}))]
    budget = MAX_POSITIONS_LARGE if len(paths) > 1000 else MAX_POSITIONS
    if len(paths) > budget:
        step = len(paths) / budget
        paths = [paths[int(k * step)] for k in range(budget)]
    # Each position gets an eighth of the odd values, rotating, so that every value is tried at every
    # eighth position: the whole cross product grows with rules x fixtures x nodes and would not fit
    # the suite's time budget, while the rotation still puts each shape everywhere in the template.
    for i, path in enumerate(paths):
        for value in ODD_VALUES[i % STRIDE::STRIDE]:
            try:
                _run(_replace(template, path, value))
            except Exception as err:
                raise AssertionError(f"{fixture.name}: {path} = {value!r}: {err!r}") from err
