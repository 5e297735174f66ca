"""The pre-commit hooks, run by the real pre-commit against this repository (`pre-commit try-repo`),
in a throwaway git repository the way a user's repository would use them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


@pytest.fixture(scope="module")
def pack_repo(tmp_path_factory):
    """This checkout as pre-commit sees a hook repository: a git repository at a commit, made from
    the checkout's files as they are now (committed or not), like `pre-commit try-repo` does."""
    pack = tmp_path_factory.mktemp("pack-repo")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (pack / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, pack / name)
    git = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]
    subprocess.run(git + ["init", "-q"], cwd=pack, check=True)
    subprocess.run(git + ["add", "."], cwd=pack, check=True)
    subprocess.run(git + ["commit", "-qm", "pack"], cwd=pack, check=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=pack, capture_output=True, text=True,
                         check=True).stdout.strip()
    return pack, rev


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory, pack_repo):
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
    write_config(repo, pack_repo)
    return repo, env


def write_config(repo: Path, pack_repo, hooks: list | None = None) -> None:
    """The user's .pre-commit-config.yaml naming this checkout's hooks at one commit, so that every
    test runs the same hook environment (pre-commit builds it once per commit, as for a user)."""
    pack, rev = pack_repo
    hooks = hooks or [{"id": "cfn-lint-bestpractices"}, {"id": "cfn-lint-bestpractices-cfnlintrc"}]
    (repo / ".pre-commit-config.yaml").write_text(json.dumps({"repos": [{"repo": str(pack), "rev": rev,
                                                                          "hooks": hooks}]}))


def try_repo(user_repo, hook: str, *args: str) -> subprocess.CompletedProcess:
    """`pre-commit run HOOK ...` in the user's repository (what `pre-commit try-repo` does, without
    building a new hook environment for each call)."""
    repo, env = user_repo
    return subprocess.run([str(PRE_COMMIT), "run", hook, *args], cwd=repo, env=env,
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


def test_hook_skips_json_and_yaml_that_are_not_templates(user_repo):
    repo, _ = user_repo
    (repo / "package.json").write_text('{"name": "app", "version": "1.0.0"}\n')
    (repo / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    try:
        proc = try_repo(user_repo, "cfn-lint-bestpractices", "--verbose", "--files", "package.json", "docker-compose.yml",
                        "templates/good.yaml")
    finally:
        (repo / "package.json").unlink()
        (repo / "docker-compose.yml").unlink()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "E1001" not in proc.stdout
    assert "skipped 2 files that are not CloudFormation or SAM templates" in proc.stdout


@pytest.mark.parametrize("alias,args,code", [
    ("plain", [], 1),
    ("ignoring", ["--ignore-checks", "W9801"], 0),
    ("configured", ["--ignore-checks", "W9801", "-x", "E9502:account_limit=lots"], 1),
])
def test_hook_args_are_options_not_file_names(user_repo, pack_repo, alias, args, code):
    """`args:` in the user's .pre-commit-config.yaml, run by the real `pre-commit run`."""
    repo, env = user_repo
    pack, rev = pack_repo
    hooks = [{"id": "cfn-lint-bestpractices", "alias": a, "args": x} for a, x, _ in [
        ("plain", [], 0), ("ignoring", ["--ignore-checks", "W9801"], 0),
        ("configured", ["--ignore-checks", "W9801", "-x", "E9502:account_limit=lots"], 0)]]
    write_config(repo, pack_repo, hooks)
    try:
        proc = subprocess.run([str(PRE_COMMIT), "run", alias, "--files", "templates/bad.yaml"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    finally:
        write_config(repo, pack_repo)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "could not be processed" not in proc.stdout
    if alias == "plain":
        assert "W9801" in proc.stdout and "templates/bad.yaml:4:3" in proc.stdout
    if alias == "configured":
        # the option is checked before linting: one usage error naming the rule and the option
        assert "E9502:account_limit takes a whole number, not 'lots'" in proc.stdout
        assert "templates/bad.yaml" not in proc.stdout


def test_cfnlintrc_hook_without_a_cfnlintrc_is_a_clear_failure(user_repo):
    """A repository without .cfnlintrc: the hook used to read standard input and report E1001 at None:1:1."""
    repo, _ = user_repo
    assert not (repo / ".cfnlintrc").exists()
    proc = try_repo(user_repo, "cfn-lint-bestpractices-cfnlintrc", "--all-files")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no templates given" in proc.stdout and "under `templates:` in .cfnlintrc" in proc.stdout
    assert "E1001" not in proc.stdout and "None:1:1" not in proc.stdout


def test_the_readme_install_lines_name_refs_that_exist():
    """The README's `pip install 'git+file:///path/to/cfn-lint-bestpractices@main'`, pointed at this
    checkout's repository: pip clones it at that ref, which must exist (pip's install from a path is what the
    action test's install step runs). No line names a release tag, since none exists yet."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme[readme.index("## Set up on a fresh machine"):readme.index("## Use")]
    line = next(l for l in setup.splitlines() if "git+file://" in l)
    url = re.search(r"'git\+file://(/path/to/cfn-lint-bestpractices)@(\w+)'", line)
    assert url, line
    # the branch, here or (in a clone of another branch) as the origin's
    found = subprocess.run(["git", "ls-remote", "--exit-code", ROOT.as_uri(), url.group(2)],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert "@v0.1.0" not in readme.replace("`@v0.1.0` form", "") and "rev: v0" not in readme
