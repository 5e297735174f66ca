"""Property-based fuzzing (hypothesis): fixture templates mutated the way real templates are odd,
linted by every rule in strict mode. The example budget is fixed and derandomised so CI is
repeatable and quick; set FUZZ_EXAMPLES=5000 to search longer by hand. A crash found here becomes a
fixture under fixtures/_fuzz/ (it is then linted by the snapshot and robustness tests too)."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfnlint.decode import decode
from helpers import FIXTURES
from test_robustness import _paths, _replace, _run

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
TEMPLATES = sorted(p for p in FIXTURES.glob("*/*") if p.suffix in (".yaml", ".json"))
PARSED = []
for _path in TEMPLATES:
    _tpl, _errors = decode(str(_path))
    PARSED.append(json.loads(json.dumps(_tpl)))

names = st.sampled_from(["Vpc", "Subnet", "Queue", "Dlq", "Bucket", "Function", "Role", "Acl", "Nowhere", "Env",
                         "AWS::Region", "AWS::NoValue", "AWS::AccountId", "IsProd"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-2, 70000), st.text(max_size=12),
                    st.sampled_from(["true", "false", "-1", "6", "0.0.0.0/0", "::/0", "arn:aws:sqs:us-east-1:1:q.fifo",
                                     "10.0.0.0/33", "{{resolve:ssm:/a}}", "*", "s3:*", "Deny", "allow"]))


def intrinsics(children):
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, names),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, names, st.sampled_from(["Arn", "QueueName", "x"])),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, names, children, st.just({"Ref": "AWS::NoValue"}) | children),
        st.builds(lambda s: {"Fn::Sub": s}, st.sampled_from(["${Queue.Arn}/*", "arn:${AWS::Partition}:s3:::${Bucket}",
                                                             "${", "${Nowhere}", "plain"])),
        st.builds(lambda v: {"Fn::ImportValue": v}, scalars),
        st.builds(lambda d, xs: {"Fn::Join": [d, xs]}, st.sampled_from(["", ":", 5]), st.lists(children, max_size=4) | children),
        st.builds(lambda i, xs: {"Fn::Select": [i, xs]}, st.integers(-1, 3) | scalars, st.lists(children, max_size=3) | children),
        st.builds(lambda xs: {"Fn::FindInMap": xs}, st.lists(children, max_size=4)),
    )


values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, min_size=200, max_size=300),  # very long lists
        st.dictionaries(st.sampled_from(["Type", "Properties", "Arn", "Statement", "SubnetIds", "From", "To"]),
                        children, max_size=3),
        intrinsics(children),
    ),
    max_leaves=12,
)


@st.composite
def mutants(draw):
    template = PARSED[draw(st.integers(0, len(PARSED) - 1))]
    paths = [("Resources",) + p for p in _paths(template.get("Resources", {}))]
    for _ in range(draw(st.integers(1, 4))):
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["value", "unknown-type", "swap-shape", "number-as-string"]))
        node = template
        for key in path:
            node = node[key]
        if kind == "unknown-type" and len(path) == 2 and isinstance(node, dict):
            value = dict(node, Type=draw(st.sampled_from(["Custom::Thing", "AWS::Made::Up", "", 7])))
        elif kind == "swap-shape":
            value = [node] if isinstance(node, dict) else ({"Item": node} if isinstance(node, list) else [node])
        elif kind == "number-as-string" and isinstance(node, (int, float)) and not isinstance(node, bool):
            value = str(node)
        else:
            value = draw(values)
        template = _replace(template, path, value)
        paths = [("Resources",) + p for p in _paths(template.get("Resources", {}))]
    return template


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(mutants())
def test_every_rule_survives_every_mutation(template):
    _run(template)
