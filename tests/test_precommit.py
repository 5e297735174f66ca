"""The pre-commit hooks, run by the real pre-commit against this repository (`pre-commit try-repo`),
in a throwaway git repository the way a user's repository would use them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("user-repo")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")))
    env.pop("VIRTUAL_ENV", None)
    (repo / "templates").mkdir()
    (repo / "templates" / "bad.yaml").write_text((FIXTURES / "W9801" / "bad.yaml").read_text())
    (repo / "templates" / "good.yaml").write_text((FIXTURES / "W9801" / "good.yaml").read_text())
    (repo / "notes.md").write_text("not a template\n")
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "."], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "templates"], cwd=repo, check=True)
    return repo, env


def try_repo(user_repo, hook: str, *args: str) -> subprocess.CompletedProcess:
    repo, env = user_repo
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), hook, *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)


def test_hook_fails_on_a_bad_template(user_repo):
    proc = try_repo(user_repo, "cfn-lint-bestpractices", "--files", "templates/bad.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "W9801" in proc.stdout and "templates/bad.yaml:4:3" in proc.stdout


def test_hook_passes_on_a_good_template(user_repo):
    proc = try_repo(user_repo, "cfn-lint-bestpractices", "--files", "templates/good.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_skips_files_that_are_not_templates(user_repo):
    proc = try_repo(user_repo, "cfn-lint-bestpractices", "--files", "notes.md")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no files to check" in proc.stdout


@pytest.mark.parametrize("named,code", [("templates/good.yaml", 0), ("templates/*.yaml", 1)])
def test_cfnlintrc_hook_lints_what_cfnlintrc_names(user_repo, named, code):
    repo, _ = user_repo
    (repo / ".cfnlintrc").write_text(f"templates:\n  - {named}\n")
    try:
        proc = try_repo(user_repo, "cfn-lint-bestpractices-cfnlintrc", "--all-files")
    finally:
        (repo / ".cfnlintrc").unlink()
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert ("templates/bad.yaml:4:3" in proc.stdout) == bool(code)
