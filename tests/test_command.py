"""The `cfn-lint-bestpractices` command: lint with the pack, per-file isolation, rule pages."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cfn_lint_bestpractices.cli import main
from cfn_lint_bestpractices.rules import ALL_RULES
from corpus import CORPUS
from helpers import ROOT

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"
CRASHERS = [CORPUS / line.strip() for line in (CORPUS / "cfn-lint-crashers.txt").read_text().splitlines() if line.strip()]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_command_is_installed():
    assert COMMAND.exists()


def test_lints_with_the_pack_without_the_append_pitfall():
    # no --append-rules, no "--": the template is not swallowed; the README's form of the command
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`.venv/bin/cfn-lint-bestpractices --include-checks I examples/all-rules.yaml`" in readme
    proc = run("--format", "json", "--include-checks", "I", "examples/all-rules.yaml")
    ids = {f["Rule"]["Id"] for f in json.loads(proc.stdout)}
    assert {cls.id for cls in ALL_RULES} <= ids
    assert proc.returncode == 14


def test_pack_already_appended_in_cfnlintrc_is_not_loaded_twice(tmp_path):
    (tmp_path / ".cfnlintrc").write_text("append_rules:\n  - cfn_lint_bestpractices.rules\n")
    (tmp_path / "t.yaml").write_text((ROOT / "examples" / "all-rules.yaml").read_text())
    proc = run("--format", "json", "t.yaml", cwd=tmp_path)
    assert proc.returncode == 6, proc.stderr
    assert "W9801" in {f["Rule"]["Id"] for f in json.loads(proc.stdout)}


@pytest.mark.parametrize("crasher", CRASHERS, ids=lambda p: p.parent.name)
def test_a_template_cfn_lint_dies_on_costs_only_that_template(crasher):
    proc = run("--format", "json", "--", str(crasher), "examples/all-rules.yaml")
    findings = json.loads(proc.stdout)
    assert "Traceback" not in proc.stdout + proc.stderr
    crash = [f for f in findings if f["Filename"] == str(crasher)]
    assert len(crash) == 1 and crash[0]["Rule"]["Id"] == "E0000"
    assert "cfn-lint failed on this template" in crash[0]["Message"]
    others = {f["Rule"]["Id"] for f in findings if f["Filename"] == "examples/all-rules.yaml"}
    assert {cls.id for cls in ALL_RULES if cls.id[0] != "I"} <= others
    assert proc.returncode == 6


def test_stock_cfn_lint_loses_everything_on_those_templates():
    """Why the isolation exists: plain cfn-lint, same files, prints a traceback and no findings."""
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    proc = subprocess.run([str(cfn_lint), "--append-rules=cfn_lint_bestpractices.rules", "--format", "json", "--",
                           str(CRASHERS[0]), "examples/all-rules.yaml"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_rules_lists_every_rule(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == sorted(cls.id for cls in ALL_RULES)
    assert all(line.split()[1] in ("error", "warning", "informational") for line in out)


def test_rule_prints_its_page(capsys):
    assert main(["rule", "w9501"]) == 0
    assert capsys.readouterr().out.startswith("# W9501: ")


@pytest.mark.parametrize("args", [["rule", "W0000"], ["rule"]])
def test_rule_errors_are_one_line(capsys, args):
    assert main(args) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("target", ["does/not/exist.yaml", "fixtures", "empty-dir", "empty-dir/*.yaml"])
def test_missing_path_or_directory_is_a_clear_error(tmp_path, target):
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "fixtures").mkdir()
    proc = run(target, cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert target in proc.stdout + proc.stderr


# --- usage errors before anything is linted, the closing summary, `rules` (issue 23) ---------------------

BAD = (ROOT / "fixtures" / "W9801" / "bad.yaml").read_text()


def here(capsys, monkeypatch, cwd: Path, *args: str) -> tuple[int, str, str]:
    """The command in this process (cheaper than a new one), in `cwd`: exit code, stdout, stderr."""
    monkeypatch.chdir(cwd)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_no_templates_is_a_usage_error_not_a_read_of_standard_input(capsys, monkeypatch, tmp_path):
    """No arguments and no .cfnlintrc: cfn-lint would read standard input and report E1001 at None:1:1."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("Resources: {}\n"))
    code, out, err = here(capsys, monkeypatch, tmp_path)
    assert code == 1 and out == "", out + err
    assert "no templates given" in err and "`-` reads one template from standard input" in err
    assert "E1001" not in err and len(err.splitlines()) == 1
    assert sys.stdin.read() == "Resources: {}\n"  # not read


def test_options_that_do_not_lint_need_no_template(capsys, monkeypatch, tmp_path):
    code, out, err = here(capsys, monkeypatch, tmp_path, "--list-rules")
    assert code == 0 and "W9501" in out and "no templates" not in err


def test_standard_input_when_asked_with_a_dash(tmp_path):
    proc = subprocess.run([str(COMMAND), "--format", "parseable", "-"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, input=BAD)
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout.startswith("-:4:3:4:7:W9801:"), proc.stdout


def test_globs_swallowed_by_ignore_templates_are_named(capsys, monkeypatch, tmp_path):
    (tmp_path / "t.json").write_text('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}')
    code, out, err = here(capsys, monkeypatch, tmp_path, "--ignore-templates", "node_modules/**", "**/*.json")
    assert code == 1 and out == ""
    assert "--ignore-templates took every word after it: 'node_modules/**' '**/*.json'" in err
    assert "--ignore-templates 'node_modules/**' -- '**/*.json'" in err
    # and the suggested command works
    code, out, err = here(capsys, monkeypatch, tmp_path, "--format", "parseable", "--ignore-templates",
                          "node_modules/**", "--", "**/*.json")
    assert code == 4 and out.startswith("t.json:"), err


@pytest.mark.parametrize("args,says", [
    (["fxi", "t.yaml"], "unknown command 'fxi'; did you mean `cfn-lint-bestpractices fix`?"),
    (["rlues"], "did you mean `cfn-lint-bestpractices rules`?"),
    (["--format", "json", "rules"], "'rules' is a command: put it first"),
])
def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(capsys, monkeypatch, tmp_path, args, says):
    (tmp_path / "t.yaml").write_text(BAD)
    code, out, err = here(capsys, monkeypatch, tmp_path, *args)
    assert code == 1 and out == "" and says in err, err
    assert len(err.splitlines()) == 1


def test_a_file_named_like_a_command_is_still_a_template(capsys, monkeypatch, tmp_path):
    (tmp_path / "fxi").write_text(BAD)  # it exists: a template, whatever its name
    code, out, _ = here(capsys, monkeypatch, tmp_path, "--format", "parseable", "fxi")
    assert code == 4 and out.startswith("fxi:4:3")
    code, out, err = here(capsys, monkeypatch, tmp_path, "lambda.yaml")  # a template suffix: not a command
    assert "unknown command" not in err and "Template file not found: lambda.yaml" in out


def test_rules_filters_by_prefix_with_a_header_and_footer_on_stderr(capsys):
    assert main(["rules", "w95", "E96"]) == 0
    captured = capsys.readouterr()
    ids = [line.split()[0] for line in captured.out.splitlines()]
    assert ids == sorted(c.id for c in ALL_RULES if c.id.startswith(("W95", "E96")))
    header, footer = captured.err.splitlines()
    assert header.startswith("cfn-lint-bestpractices ") and f"{len(ids)} of {len(ALL_RULES)} rules" in header
    assert f"cfn-lint-bestpractices rule {ids[0]}" in footer and "--include-checks I" in footer


@pytest.mark.parametrize("args,says", [(["rules", "--bogus"], "no option '--bogus'"),
                                       (["rules", "X12"], "no rule id starts with 'X12'")])
def test_rules_with_a_bad_argument_is_a_usage_error(capsys, args, says):
    assert main(args) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and says in captured.err


@pytest.mark.parametrize("option,target,says", [
    ("--sarif-file", "missing/out.sarif", "no folder"),
    ("--output-file", "missing/out.txt", "no folder"),
    ("--output-file", "folder", "that is a folder"),
    ("--sarif-file", "a-file/out.sarif", "no folder"),
])
def test_a_destination_that_cannot_be_written_is_refused_before_linting(capsys, monkeypatch, tmp_path, option,
                                                                        target, says):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "t.yaml").write_text(BAD)
    code, out, err = here(capsys, monkeypatch, tmp_path, option, target, "t.yaml")
    assert code == 1 and out == "" and f"{option} {target}: {says}" in err, err
    assert "Linted" not in err  # nothing was linted


def test_a_destination_in_an_immutable_folder_is_refused(capsys, monkeypatch, tmp_path):
    """Where the file system allows it (chattr +i), a folder even root cannot write in."""
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "t.yaml").write_text(BAD)
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        locked.chmod(0o500)  # no chattr here: a read-only folder (refused unless the tests run as root)
        if os.access(locked, os.W_OK):
            locked.chmod(0o700)
            pytest.fail("neither an immutable nor a read-only folder can be made here")
    try:
        code, out, err = here(capsys, monkeypatch, tmp_path, "--sarif-file", "locked/out.sarif", "t.yaml")
    finally:
        subprocess.run(["chattr", "-i", str(locked)], capture_output=True)
        locked.chmod(0o700)
    assert code == 1 and out == "" and "--sarif-file locked/out.sarif: cannot write in" in err, err
    assert list(locked.iterdir()) == []


def test_build_graph_without_the_graph_extra_names_it_and_leaves_no_file(capsys, monkeypatch, tmp_path):
    """pydot made unimportable whatever this environment holds."""
    monkeypatch.setitem(sys.modules, "pydot", None)
    (tmp_path / "t.yaml").write_text(BAD)
    code, out, err = here(capsys, monkeypatch, tmp_path, "--build-graph", "t.yaml")
    assert code == 1 and out == "", out + err
    assert "pip install 'cfn-lint-bestpractices[graph]'" in err and "ERROR" not in err
    assert not (tmp_path / "t.yaml.dot").exists()


def test_text_formats_end_with_a_summary_on_stderr_and_machine_formats_do_not(capsys, monkeypatch, tmp_path):
    (tmp_path / "t.yaml").write_text(BAD)
    (tmp_path / "clean.yaml").write_text((ROOT / "fixtures" / "W9801" / "good.yaml").read_text())
    code, out, err = here(capsys, monkeypatch, tmp_path, "t.yaml", "clean.yaml")
    assert code == 4 and "W9801" in out and "Linted" not in out
    summary, hint = err.splitlines()[-2:]
    assert re.fullmatch(r"Linted 2 templates in \d+\.\d s: 3 warnings; 3 with an automatic fix "
                        r"\(`cfn-lint-bestpractices fix`\)\.", summary), summary
    assert hint == "Read a rule's page: cfn-lint-bestpractices rule W9801"
    # workers send back whether a finding has a fix: the same summary
    workers = here(capsys, monkeypatch, tmp_path, "--jobs", "2", "t.yaml", "clean.yaml")[2].splitlines()[-2]
    assert re.sub(r" in \d+\.\d s", "", workers) == re.sub(r" in \d+\.\d s", "", summary)
    for fmt in ("json", "parseable"):
        code, out, err = here(capsys, monkeypatch, tmp_path, "--format", fmt, "t.yaml")
        assert code == 4 and "Linted" not in out + err and "rule W9801" not in out + err, fmt
        if fmt == "json":
            assert len(json.loads(out)) == 3
