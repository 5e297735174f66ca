"""The pack's work grows linearly with the template: counted, not timed (the machine is shared).
The number of values the resolver evaluates and of resource look-ups, for the same kind of template
at 10 times the size, must be about 10 times as many; a rule that compared every resource with every
other would multiply them by 100. Timings are in benchmarks/bench_scaling.py."""

from __future__ import annotations

import json
import sys

from cfnlint.decode import decode_str
from cfnlint.template.template import Template

from cfn_lint_bestpractices.model import template as model_template
from cfn_lint_bestpractices.model import values
from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import synthetic_template  # noqa: E402


def work(size: int, monkeypatch) -> tuple[int, int]:
    counts = {"branches": 0, "lookup": 0}
    real_branches = values.Resolver._branches
    real_lookup = model_template.TemplateModel.lookup

    def branches(self, *a, **k):
        counts["branches"] += 1
        return real_branches(self, *a, **k)

    def lookup(self, *a, **k):
        counts["lookup"] += 1
        return real_lookup(self, *a, **k)

    monkeypatch.setattr(values.Resolver, "_branches", branches)
    monkeypatch.setattr(model_template.TemplateModel, "lookup", lookup)
    parsed, _ = decode_str(json.dumps(synthetic_template(size)))
    cfn = Template("synthetic.json", parsed, ["us-east-1"])
    findings = sum(len(list(cls().matchall("synthetic.json", cfn))) for cls in ALL_RULES)
    monkeypatch.undo()
    assert findings > size / 4  # the rules really ran on the wiring
    return counts["branches"], counts["lookup"]


def test_work_grows_linearly(monkeypatch):
    small = work(200, monkeypatch)
    large = work(2000, monkeypatch)
    for s, l in zip(small, large):
        assert l <= 11 * s, (small, large)
