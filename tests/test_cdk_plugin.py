"""The CDK validation plugin for Python apps (cfn_lint_bestpractices.cdk).

The mapping from findings to violations is checked on the examples the npm plugin is checked on
(integrations/cdk/test/vectors.json). The real synths install the `cdk` extra's requirements (the AWS CDK
for Python, about 250 MB and 20 s) into a folder of their own, once per run, instead of adding them to the
`test` extra that every CI run installs up front; the app (tests/cdk-python-app/app.py) runs with this
Python, so the plugin lints with the pack of this checkout, in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from cfn_lint_bestpractices import cdk
from helpers import FIXTURES, ROOT

VECTORS = json.loads((ROOT / "integrations" / "cdk" / "test" / "vectors.json").read_text(encoding="utf-8"))
APP = ROOT / "tests" / "cdk-python-app" / "app.py"
TEMPLATE = FIXTURES / "cdk-app" / "OrdersServerless.template.json"


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_maps_findings_as_the_npm_plugin_does(case):
    options = case["options"]
    got = cdk.to_report(case["matches"], select=options.get("select"),
                        include_stock_findings=options.get("includeStockFindings", False),
                        fail_on=options.get("failOn", "error"), cwd=VECTORS["cwd"], stack_paths=VECTORS["stackPaths"])
    assert got == case["expected"]


def test_arguments_are_the_npm_plugins():
    # the same list as integrations/cdk/test/command.test.js expects of the npm plugin
    args = cdk.pack_args(["/app/a.json", "/app/b.json"], pack_only=True, ignore=["W9804"], select=["W95", "I9723"],
                         configure={"W9501": {"exempt_functions": ["Legacy.*", "Batch,Jobs"]},
                                    "E9502": {"account_limit": 3000}, "W9604": {"check_topics": False}},
                         baseline="base.json", regions=["eu-west-1"], extra_args=["--include-experimental"])
    assert args == [
        "--format", "json", "--pack-only", "--ignore-checks", "W9804", "--include-checks", "W95", "I9723",
        "-x", 'W9501:exempt_functions=["Legacy.*", "Batch,Jobs"]', "-x", "E9502:account_limit=3000",
        "-x", "W9604:check_topics=false", "--baseline", "base.json", "--regions", "eu-west-1",
        "--include-experimental", "--", "/app/a.json", "/app/b.json"]
    assert "--regions" not in cdk.pack_args(["a.json"], regions=None)
    given = cdk.pack_args(["a.json"], regions=["eu-west-1"], extra_args=["--regions", "us-west-2"])
    assert given.count("--regions") == 1 and given[given.index("--regions") + 1] == "us-west-2"
    assert cdk.one_region(["eu-west-1", "eu-west-1"]) == ["eu-west-1"]
    assert cdk.one_region(["eu-west-1", "us-east-1"]) is None and cdk.one_region(["eu-west-1", None]) is None


def test_lints_in_process_and_through_a_command_alike():
    inside = cdk.run_pack([str(TEMPLATE)], pack_only=True)
    report = cdk.to_report(inside)
    ids = {v["ruleName"] for v in report["violations"]}
    assert "W9804" in ids and all(i[1] == "9" for i in ids), ids
    table = next(v for v in report["violations"] if v["ruleName"] == "W9804")
    assert table["violatingResources"] == [{"resourceLogicalId": "OrdersTable315BB997",
                                           "templatePath": str(TEMPLATE), "locations": []}]
    assert table["fix"] == cdk.page_hint("W9804") == "the rule's page: cfn-lint-bestpractices rule W9804"
    outside = cdk.run_pack([str(TEMPLATE)], pack_only=True, command=[sys.executable, "-m", "cfn_lint_bestpractices"])
    assert cdk.to_report(outside) == report


def test_options_the_pack_refuses_are_an_error_in_its_own_words():
    with pytest.raises(ValueError, match="refused its options: .*rule W9604 has no option 'bogus'"):
        cdk.run_pack([str(TEMPLATE)], configure={"W9604": {"bogus": 1}})


def test_a_missing_command_says_how_to_install_the_pack():
    with pytest.raises(cdk.PackMissing, match=r"`/nonexistent/bin/cfn-lint-bestpractices` \(not found\).*"
                                              r"pip install cfn-lint-bestpractices"):
        cdk.run_pack([str(TEMPLATE)], command=["/nonexistent/bin/cfn-lint-bestpractices"])


def test_without_the_cdk_the_import_names_the_extra():
    code = ("import sys; sys.modules['aws_cdk'] = None\n"
            "from cfn_lint_bestpractices.cdk import BestPracticesPlugin")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "needs the AWS CDK for Python: pip install 'cfn-lint-bestpractices[cdk]'" in proc.stderr


# ---- real synths with the AWS CDK for Python ---------------------------------------------------------

@pytest.fixture(scope="module")
def cdk_site(tmp_path_factory) -> Path:
    """The `cdk` extra's requirements, installed into a folder the apps put on their PYTHONPATH."""
    site = tmp_path_factory.mktemp("aws-cdk-python")
    extra = [r.split(";")[0] for r in metadata.requires("cfn-lint-bestpractices") or [] if 'extra == "cdk"' in r]
    assert extra, "pyproject.toml declares the cdk extra (and this checkout is installed: pip install -e .)"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check",
                           "--target", str(site), *extra], capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return site


def _synth(site: Path, out: Path, settings: dict) -> tuple[int, str, dict]:
    env = {**os.environ, "PYTHONPATH": str(site), "CDK_OUTDIR": str(out), "CDK_VALIDATION": "false",
           "SHOP_TEST": json.dumps(settings)}
    proc = subprocess.run([sys.executable, str(APP)], capture_output=True, text=True, env=env, timeout=900,
                          check=False)
    report_file = out / "validation-report.json"
    assert report_file.is_file(), proc.stderr[-3000:]
    report = json.loads(report_file.read_text(encoding="utf-8"))
    ours = next((r for r in report["pluginReports"] if r["pluginName"] == "cfn-lint-bestpractices"), None)
    assert ours is not None, report
    return proc.returncode, proc.stderr, ours


def _found(violations: list) -> list:
    return sorted([v["ruleName"], c["constructPath"], (c.get("cloudFormationResource") or {}).get("propertyPaths", [])]
                  for v in violations for c in v["violatingConstructs"])


def test_python_app_weak_references_findings_at_construct_paths(cdk_site, tmp_path):
    code, stderr, ours = _synth(cdk_site, tmp_path, {"refs": "weak"})
    assert '"Fn::GetStackOutput"' in (tmp_path / "ShopApi.template.json").read_text(encoding="utf-8")
    assert code != 0, "an error finding fails the synth"
    assert ours["conclusion"] == "failure"
    # the stacks are linted as one application: Worker's event source in ShopApi reads ShopData's queue, so
    # Worker is an SQS consumer without a concurrency cap (W9501) and Orders a queue whose Lambda consumer
    # has no dead-letter queue to fall back on (W9602), each reported in its own stack
    assert _found(ours["violations"]) == [
        ["E9502", "ShopApi/Batch/Resource", ["Properties.ReservedConcurrentExecutions"]],
        ["W9501", "ShopApi/Worker/Resource", []],
        ["W9505", "ShopApi/Jobs/Resource", ["Properties.VisibilityTimeout"]],
        ["W9602", "ShopApi/Jobs/Resource", []],
        ["W9602", "ShopData/Orders/Resource", []],
        ["W9804", "ShopData/OrdersTable/Resource", []],
    ]
    budget = next(v for v in ours["violations"] if v["ruleName"] == "E9502")
    assert budget["severity"] == "error" and budget["suggestedFix"] == cdk.page_hint("E9502")
    assert budget["violatingConstructs"][0]["constructFqn"] == "aws-cdk-lib.aws_lambda.CfnFunction"
    assert "ShopApi/Batch/Resource (Batch14E90808)" in stderr
    assert "Acknowledge with 'cfn-lint-bestpractices::E9502'" in stderr


def test_python_app_strong_references_acknowledged_selected_failing_on_warnings(cdk_site, tmp_path):
    code, stderr, ours = _synth(cdk_site, tmp_path, {
        "refs": "strong",
        "props": {"select": ["W9804", "E95"], "fail_on": "warning"},
        "acks": [{"path": "ShopApi/Batch", "id": "cfn-lint-bestpractices::E9502", "reason": "a dedicated account"},
                 {"path": "ShopData/Orders", "id": "cfn-lint-bestpractices::W9804", "reason": "not the table"}],
    })
    assert '"Fn::ImportValue"' in (tmp_path / "ShopApi.template.json").read_text(encoding="utf-8")
    assert code != 0, "a warning fails the synth with fail_on='warning'"
    assert ours["conclusion"] == "failure"
    assert _found(ours["violations"]) == [["W9804", "ShopData/OrdersTable/Resource", []]]
    assert [(v["ruleName"], v["acknowledgedAt"], v["reason"]) for v in ours["suppressedViolations"]] == [
        ("E9502", "ShopApi/Batch", "a dedicated account")]


def test_python_plugin_without_the_pack_says_how_to_install_it(cdk_site):
    script = """
import json, sys
from cfn_lint_bestpractices.cdk import BestPracticesPlugin, PackMissing

class Context:
    template_paths = [sys.argv[1]]
    stack_templates = []

missing = BestPracticesPlugin(command="/nonexistent/bin/cfn-lint-bestpractices")
report = missing.validate(Context())
print(json.dumps({"success": report.success, "violations": len(report.violations),
                  "name": missing.name, "version": missing.version}))
try:
    BestPracticesPlugin(command=["/nonexistent/bin/cfn-lint-bestpractices"], fail_if_missing=True).validate(Context())
except PackMissing as err:
    print("raised:", err)
try:
    BestPracticesPlugin(fail_on="warnings")
except ValueError as err:
    print("refused:", err)
"""
    proc = subprocess.run([sys.executable, "-c", script, str(TEMPLATE)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(cdk_site)}, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert json.loads(lines[0]) == {"success": True, "violations": 0, "name": "cfn-lint-bestpractices",
                                    "version": cdk.__version__}
    said = [line for line in proc.stderr.splitlines() if "cfn-lint-bestpractices" in line]
    assert len(said) == 1 and "(not found)" in said[0] and "pip install cfn-lint-bestpractices" in said[0], said
    assert lines[1].startswith("raised: cannot run the pack's command") and "pip install cfn-lint-bestpractices" in lines[1]
    assert lines[2] == "refused: fail_on takes 'error', 'warning', 'info' or 'none', not 'warnings'"
