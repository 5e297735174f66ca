"""Which files the command lints: globs expanded by the command, files that are not templates skipped,
a glob that matches nothing only a notice, and --changed-since with real git."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cfn_lint_bestpractices.discovery import discover, looks_like_template
from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
BAD = (ROOT / "fixtures" / "W9801" / "bad.yaml").read_text()
GOOD = (ROOT / "fixtures" / "W9801" / "good.yaml").read_text()
# the templates of the repository below; each has findings
TEMPLATES = {"template.yaml", "templates/app.yaml", "templates/nested/deep.yaml", "templates/sam.yaml",
             "templates/stack.json"}
GIT = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def linted(proc: subprocess.CompletedProcess) -> set[str]:
    return {f["Filename"] for f in json.loads(proc.stdout or "[]")}


def here(capsys, monkeypatch, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """The command in this process (cheaper than a new one), in `cwd`, as a CompletedProcess."""
    from cfn_lint_bestpractices.cli import main

    monkeypatch.chdir(cwd)
    code = main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


@pytest.fixture()
def repo(tmp_path):
    (tmp_path / "templates" / "nested").mkdir(parents=True)
    (tmp_path / "template.yaml").write_text(BAD)
    (tmp_path / "templates" / "app.yaml").write_text(BAD)
    (tmp_path / "templates" / "nested" / "deep.yaml").write_text(BAD)
    (tmp_path / "templates" / "stack.json").write_text(json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}))
    (tmp_path / "templates" / "sam.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties:\n      Runtime: python3.12\n      Handler: a.h\n      InlineCode: x\n"
        "      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /, Method: get}\n")
    (tmp_path / "package.json").write_text('{"name": "app", "version": "1.0.0"}\n')
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n    deploy:\n      resources: {}\n")
    return tmp_path


@pytest.mark.parametrize("text,is_template", [
    ("AWSTemplateFormatVersion: '2010-09-09'\n", True),
    ("# a comment\nResources:\n  A:\n    Type: AWS::SNS::Topic\n", True),
    ("Transform: AWS::Serverless-2016-10-31\n", True),
    ('"Resources": {}\n', True),
    ('{"AWSTemplateFormatVersion": "2010-09-09"}', True),
    ('{"Resources": {"A": ', True),  # broken JSON that means to be a template: cfn-lint says what is wrong
    ('{"name": "x", "dependencies": {"Resources": "1"}}', False),
    ("services:\n  web:\n    Resources: x\n", False),
    ("", False),
    ("[1, 2]", False),
])
def test_looks_like_template(tmp_path, text, is_template):
    (tmp_path / "f").write_text(text)
    assert looks_like_template(str(tmp_path / "f")) is is_template


def test_globs_find_root_and_nested_templates_and_skip_the_rest(repo):
    proc = run(repo, "--format", "json", "--", "**/*.yaml", "**/*.yml", "**/*.json")
    assert linted(proc) == TEMPLATES
    assert "E1001" not in proc.stdout
    notices = [line for line in proc.stderr.splitlines() if "skipped" in line]
    assert len(notices) == 1 and "skipped 2 files" in notices[0], proc.stderr
    assert proc.returncode == 4


def test_overlapping_globs_lint_a_file_once(repo):
    proc = run(repo, "--format", "json", "--", "**/*.yaml", "templates/*.yaml")
    once = run(repo, "--format", "json", "--", "**/*.yaml")
    assert proc.stdout == once.stdout and linted(proc) == TEMPLATES - {"templates/stack.json"}


def test_a_file_named_explicitly_is_linted_as_cfn_lint_would(repo):
    proc = run(repo, "--format", "json", "--", "package.json", "templates/app.yaml")
    assert {f["Rule"]["Id"] for f in json.loads(proc.stdout) if f["Filename"] == "package.json"} == {"E1001"}
    assert "templates/app.yaml" in linted(proc)
    assert proc.returncode == 6


def test_skip_non_templates_applies_to_named_files(repo):
    proc = run(repo, "--format", "json", "--skip-non-templates", "--", "package.json", "templates/app.yaml")
    assert linted(proc) == {"templates/app.yaml"} and "skipped 1 file " in proc.stderr


def test_a_glob_that_matches_nothing_is_a_notice(repo):
    proc = run(repo, "--format", "json", "--", "**/*.template", "stacks/*.yaml", "templates/app.yaml")
    assert linted(proc) == {"templates/app.yaml"}
    assert "no files match '**/*.template'" in proc.stderr and "no files match 'stacks/*.yaml'" in proc.stderr
    assert "E0003" not in proc.stdout and proc.returncode == 4


def test_nothing_but_non_templates_is_an_empty_report(repo, tmp_path):
    proc = run(repo, "--format", "sarif", "--output-file", "out.sarif", "--", "*.json", "*.yml")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((repo / "out.sarif").read_text())["runs"][0]["results"] == []


def test_no_file_anywhere_is_a_usage_error(repo):
    proc = run(repo, "--", "nowhere/**/*.yaml")
    assert proc.returncode == 1 and "nowhere/**/*.yaml" in proc.stderr


def test_globs_from_cfnlintrc_and_ignore_templates(repo):
    (repo / ".cfnlintrc").write_text("templates:\n  - '**/*.yaml'\n  - '**/*.json'\nignore_templates:\n"
                                     "  - templates/nested/*\n")
    proc = run(repo, "--format", "json")
    assert linted(proc) == TEMPLATES - {"templates/nested/deep.yaml"}


def test_discover_keeps_cfn_lint_order(repo, monkeypatch):
    monkeypatch.chdir(repo)
    found = discover(["templates/**/*.yaml", "template.yaml"], [])
    assert found.files == sorted(found.files) == ["template.yaml", "templates/app.yaml",
                                                  "templates/nested/deep.yaml", "templates/sam.yaml"]


@pytest.fixture()
def git_repo(repo):
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "start"], ["tag", "base"]):
        subprocess.run(GIT + args, cwd=repo, check=True)
    return repo


def test_changed_since_lints_what_differs_from_the_ref(git_repo):
    repo = git_repo
    (repo / "templates" / "committed.yaml").write_text(BAD)          # committed after the ref
    subprocess.run(GIT + ["add", "."], cwd=repo, check=True)
    subprocess.run(GIT + ["commit", "-qm", "more"], cwd=repo, check=True)
    (repo / "templates" / "app.yaml").write_text(BAD + "# unstaged\n")  # unstaged change
    (repo / "template.yaml").write_text(BAD + "# staged\n")             # staged change
    subprocess.run(GIT + ["add", "template.yaml"], cwd=repo, check=True)
    (repo / "templates" / "new.yaml").write_text(BAD)                 # untracked
    (repo / "package.json").write_text('{"name": "changed"}\n')       # changed, not a template
    proc = run(repo, "--format", "json", "--changed-since", "base", "--", "**/*.yaml", "**/*.json")
    assert linted(proc) == {"template.yaml", "templates/app.yaml", "templates/committed.yaml", "templates/new.yaml"}
    assert "templates/nested/deep.yaml" not in proc.stdout
    assert proc.returncode == 4
    # from a sub-folder, with paths relative to it
    sub = run(repo / "templates", "--format", "json", "--changed-since", "base", "--", "**/*.yaml")
    assert linted(sub) == {"app.yaml", "committed.yaml", "new.yaml"}


def test_changed_since_with_nothing_changed_passes(git_repo):
    proc = run(git_repo, "--format", "json", "--changed-since", "HEAD", "--", "**/*.yaml")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
    assert "unchanged since HEAD" in proc.stderr


@pytest.mark.parametrize("ref", ["no-such-ref", "--"])
def test_changed_since_a_bad_ref_is_a_usage_error(git_repo, ref):
    args = ["--changed-since", ref, "--", "**/*.yaml"] if ref != "--" else ["--changed-since"]
    proc = run(git_repo, *args)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "--changed-since" in proc.stderr and "Traceback" not in proc.stderr


def test_changed_since_outside_git_is_a_usage_error(repo):
    proc = run(repo, "--changed-since", "main", "--", "**/*.yaml")
    assert proc.returncode == 1 and "--changed-since" in proc.stderr and "Traceback" not in proc.stderr


# --- globs and what git ignores (issue 23) ------------------------------------------------------------

@pytest.fixture()
def ignoring_repo(repo):
    """The repository with what a real one holds beside its templates: node_modules/ and a CDK cdk.out/
    (both in .gitignore), a file excluded by .git/info/exclude, and a tracked file that .gitignore
    matches (tracked files are never ignored)."""
    (repo / "node_modules" / "pkg").mkdir(parents=True)
    (repo / "node_modules" / "pkg" / "package.json").write_text('{"name": "pkg"}\n')
    (repo / "node_modules" / "pkg" / "stack.yaml").write_text(BAD)  # a template, but a dependency's
    (repo / "cdk.out").mkdir()
    (repo / "cdk.out" / "App.template.json").write_text(json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}))
    (repo / "scratch.yaml").write_text(BAD)
    (repo / "templates" / "kept.generated.yaml").write_text(BAD)
    (repo / ".gitignore").write_text("node_modules/\ncdk.out/\n*.generated.yaml\n")
    subprocess.run(GIT + ["init", "-q"], cwd=repo, check=True)
    (repo / ".git" / "info" / "exclude").write_text("scratch.yaml\n")
    subprocess.run(GIT + ["add", "."], cwd=repo, check=True)
    subprocess.run(GIT + ["add", "-f", "templates/kept.generated.yaml"], cwd=repo, check=True)
    subprocess.run(GIT + ["commit", "-qm", "start"], cwd=repo, check=True)
    return repo


def test_globs_leave_out_what_git_ignores(ignoring_repo, capsys, monkeypatch):
    repo = ignoring_repo
    proc = run(repo, "--format", "json", "--", "**/*.yaml", "**/*.json")
    assert linted(proc) == TEMPLATES | {"templates/kept.generated.yaml"}, proc.stderr
    assert "node_modules" not in proc.stderr and "cdk.out" not in proc.stderr  # not read, not even skipped
    # named paths are always linted; --no-respect-gitignore lets the globs find everything
    named = here(capsys, monkeypatch, repo, "--format", "json", "--", "cdk.out/App.template.json", "scratch.yaml")
    assert linted(named) == {"cdk.out/App.template.json", "scratch.yaml"}


def test_a_glob_that_finds_only_ignored_files_says_so(ignoring_repo, capsys, monkeypatch):
    proc = here(capsys, monkeypatch, ignoring_repo, "--", "cdk.out/*.json", "node_modules/**/*.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no files match 'cdk.out/*.json' but 1 that git ignores" in proc.stderr
    assert "--no-respect-gitignore" in proc.stderr
    # --no-respect-gitignore lets the globs find them
    everything = here(capsys, monkeypatch, ignoring_repo, "--format", "json", "--no-respect-gitignore", "--",
                      "cdk.out/*.json", "node_modules/**/*.yaml")
    assert linted(everything) == {"cdk.out/App.template.json", "node_modules/pkg/stack.yaml"}


def test_git_ignored_asks_git_once_and_keeps_paths_outside_the_work_tree(ignoring_repo, tmp_path_factory,
                                                                         monkeypatch):
    from cfn_lint_bestpractices import discovery

    outside = tmp_path_factory.mktemp("outside") / "t.yaml"
    outside.write_text(BAD)
    calls = []
    real = subprocess.run

    def counting(cmd, *args, **kwargs):
        calls.append(cmd[:2])
        return real(cmd, *args, **kwargs)

    monkeypatch.setattr(discovery.subprocess, "run", counting)
    paths = ["node_modules/pkg/stack.yaml", "scratch.yaml", "templates/app.yaml", "templates/kept.generated.yaml",
             str(outside)]
    assert discovery.git_ignored(paths, cwd=str(ignoring_repo)) == {"node_modules/pkg/stack.yaml", "scratch.yaml"}
    assert calls.count(["git", "check-ignore"]) == 1
    # outside a git work tree nothing is ignored, and git is not asked to check anything
    calls.clear()
    assert discovery.git_ignored([str(outside)], cwd=str(outside.parent)) == set()
    assert ["git", "check-ignore"] not in calls


def test_outside_git_globs_find_everything(repo, capsys, monkeypatch):
    (repo / "node_modules").mkdir()
    (repo / "node_modules" / "stack.yaml").write_text(BAD)
    (repo / ".gitignore").write_text("node_modules/\n")  # no repository: the file means nothing
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(repo.parent))
    proc = here(capsys, monkeypatch, repo, "--format", "json", "--", "**/*.yaml")
    assert "node_modules/stack.yaml" in linted(proc)
