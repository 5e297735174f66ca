"""`cfn-lint-bestpractices fix`: in place or --diff, --select, --unsafe, the proof, the summary,
the exit code, and bad input that costs only its own file."""

from __future__ import annotations

import shutil

import pytest
from cfnlint.rules import CloudFormationLintRule, Match, RuleMatch

from helpers import FIXTURES
from cfn_lint_bestpractices import cli
from cfn_lint_bestpractices.fixes import Fix, Set
from cfn_lint_bestpractices.fixes.command import Fixer

BUCKET = FIXTURES / "W9802" / "bad-plain.yaml"


def run(capsys, *args):
    code = cli.main(["fix", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def bucket(tmp_path):
    path = tmp_path / "stack.yaml"
    shutil.copyfile(BUCKET, path)
    return path


def test_diff_prints_the_change_and_writes_nothing(capsys, bucket):
    before = bucket.read_bytes()
    code, out, err = run(capsys, "--diff", "--", str(bucket))
    assert bucket.read_bytes() == before
    assert out.startswith(f"--- {bucket}\n+++ {bucket}\n")
    assert "+            BucketKeyEnabled: true" in out
    # by default one line of counts by reason; under --diff "would" everywhere
    assert err.splitlines()[-1].startswith("Would fix 2 findings in 1 file; would leave ")
    assert "from a parameter" in err and "W9802" not in err
    # what is left (W9801's findings, the parameter-driven W9802) is what the exit code says: warnings
    assert code == 4
    code, _, err = run(capsys, "--diff", "--show-fixes", "--", str(bucket))
    assert "would fix W9802 at 26:13" in err and "would leave W9802" in err and "comes from 'BucketKey'" in err
    assert f"{bucket}: would fix 2, would leave " in err
    assert " fixed" not in err and " left" not in err


def test_fix_writes_in_place_and_a_second_run_changes_nothing(capsys, bucket):
    code, out, _ = run(capsys, "--", str(bucket))
    fixed = bucket.read_text()
    assert "Fixed 2 findings in 1 file" in out
    assert fixed.count("BucketKeyEnabled: true") == 1 and "!If [Cheap, true, true]" in fixed
    assert fixed.splitlines()[0] == BUCKET.read_text().splitlines()[0]
    code2, out2, _ = run(capsys, "--", str(bucket))
    assert bucket.read_text() == fixed
    assert "Fixed 0 findings in 0 files" in out2
    assert code2 == code == 4


def test_select_fixes_only_the_rules_named(capsys, bucket):
    before = bucket.read_bytes()
    code, out, _ = run(capsys, "--select", "W9801", "--show-fixes", "--", str(bucket))
    assert bucket.read_bytes() == before
    assert "left W9802 at 26:13: not selected" in out
    code, out, _ = run(capsys, "--select=W98", "--", str(bucket))
    assert bucket.read_bytes() != before


def test_crlf_file_keeps_its_line_endings(capsys, tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes(BUCKET.read_bytes().replace(b"\n", b"\r\n"))
    run(capsys, "--", str(path))
    data = path.read_bytes()
    assert b"BucketKeyEnabled: true\r\n" in data and data.count(b"\n") == data.count(b"\r\n")


def test_a_bad_file_costs_only_itself(capsys, tmp_path, bucket):
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  A: [unclosed\n")
    code, out, err = run(capsys, "--", str(broken), str(bucket))
    assert "Traceback" not in out + err
    assert f"{broken}: not parsed" in out
    assert "Fixed 2 findings in 1 file" in out
    assert code == 6  # the parse error, and the warnings left in the other file


def test_usage_errors(capsys, bucket):
    assert run(capsys, "--select")[0] == 1
    code, _, err = run(capsys, "--select")
    assert "--select needs rule ids" in err
    code, _, err = run(capsys)
    assert code == 1 and "no templates" in err
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--unsafe" in out


# ---- the proof and the safety, with rules made for the test ------------------------------------

class _Rule(CloudFormationLintRule):
    id = "W9990"
    shortdesc = "test rule"
    description = "test rule"


class _Runner:
    """Lints by calling `judge(text)`, which returns [(rule id, message, fix)]."""

    def __init__(self, judge):
        self.judge = judge

    def lint_file(self, path):
        text = open(path, encoding="utf-8").read()
        out = []
        for rule_id, message, fix in self.judge(text):
            rule = type("R", (_Rule,), {"id": rule_id})()
            found = RuleMatch(["Resources"], message, fix=fix)
            out.append(Match.create(message=message, filename=path, rule=rule, linenumber=1, rulematch_obj=found))
        return out


QUEUE = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 5\n"
GROUP = ("Resources:\n  Group:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n"
         "      Port: 80\n      TargetType: instance\n")


def test_a_fix_that_adds_a_finding_is_not_written(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(QUEUE)
    fix = Fix("set DelaySeconds: 0", [Set(("Resources", "Queue", "Properties", "DelaySeconds"), 0)])

    def judge(text):
        if "DelaySeconds: 5" in text:
            return [("W9990", "delay is 5", fix)]
        return [("E3012", "a new problem", None)]  # what the edit would cause

    result = Fixer(_Runner(judge)).fix_file(str(path), write=True)
    assert path.read_text() == QUEUE
    assert not result.fixed
    assert "fix not applied: it would add a finding: E3012 a new problem" in [why for _, why, _ in result.left]


def test_a_fix_whose_finding_stays_is_not_written(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(QUEUE)
    fix = Fix("set DelaySeconds: 0", [Set(("Resources", "Queue", "Properties", "DelaySeconds"), 0)])
    result = Fixer(_Runner(lambda text: [("W9990", "delay", fix)])).fix_file(str(path), write=True)
    assert path.read_text() == QUEUE
    assert "still reported" in result.left[-1][1]


def test_one_bad_fix_does_not_stop_the_good_ones(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(QUEUE)
    good = Fix("set MaximumMessageSize", [Set(("Resources", "Queue", "Properties", "MaximumMessageSize"), 1024)])
    bad = Fix("set DelaySeconds: 0", [Set(("Resources", "Queue", "Properties", "DelaySeconds"), 0)])

    def judge(text):
        found = []
        if "MaximumMessageSize" not in text:
            found.append(("W9990", "size", good))
        if "DelaySeconds: 5" in text:
            found.append(("W9991", "delay", bad))
        else:
            found.append(("E3012", "new", None))
        return found

    result = Fixer(_Runner(judge)).fix_file(str(path), write=True)
    assert [f.title for _, f, _ in result.fixed] == ["set MaximumMessageSize"]
    assert "MaximumMessageSize: 1024" in path.read_text() and "DelaySeconds: 5" in path.read_text()


def test_a_create_only_property_makes_the_fix_unsafe(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(GROUP)
    fix = Fix("set TargetType: ip", [Set(("Resources", "Group", "Properties", "TargetType"), "ip")])

    def judge(text):
        return [("E9990", "instance target", fix)] if "TargetType: instance" in text else []

    safe = Fixer(_Runner(judge)).fix_file(str(path), write=True)
    assert path.read_text() == GROUP
    assert safe.left[0][1] == "unsafe: replaces Group (apply with --unsafe)"
    unsafe = Fixer(_Runner(judge), unsafe=True).fix_file(str(path), write=True)
    assert "TargetType: ip" in path.read_text()
    assert unsafe.fixed[0][2] == "replaces Group"
    assert unsafe.diff.startswith("# E9990 set TargetType: ip: unsafe, replaces Group\n--- ")


def test_a_rule_can_call_its_fix_unsafe(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(QUEUE)
    fix = Fix("set DelaySeconds: 0", [Set(("Resources", "Queue", "Properties", "DelaySeconds"), 0)],
              unsafe="consumers see messages sooner")
    result = Fixer(_Runner(lambda t: [("W9990", "d", fix)] if "5" in t else [])).fix_file(str(path), write=True)
    assert path.read_text() == QUEUE and "consumers see messages sooner" in result.left[0][1]
