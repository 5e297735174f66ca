"""`cfn-lint-bestpractices fix` as a new user meets it (issue 23): new lines where a reader expects them,
the file's quoting, a file that cannot be written, an !If whose branches need different values, a
refused fix that leaves the file as it was, a --diff that `git apply` takes, --select of a rule that
does not exist, and a summary of counts by reason."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cfn_lint_bestpractices import cli
from cfn_lint_bestpractices.fixes import Fix, Set
from cfn_lint_bestpractices.fixes.command import Fixer
from test_fix_command import _Runner

COMMAND = Path(sys.executable).parent / "cfn-lint-bestpractices"


def run(capsys, *args):
    code = cli.main(["fix", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


GAPS = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Uploads:
    Type: AWS::SQS::Queue
  UploadsPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Uploads]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: s3.amazonaws.com }
            Action: sqs:SendMessage
            Resource: !GetAtt Uploads.Arn
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        QueueConfigurations:
          - Event: s3:ObjectCreated:*
            Queue: !GetAtt Uploads.Arn

  # The key of the archive bucket,
  # rotated every year
  Key:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" }
            Action: kms:*
            Resource: "*"
  Archive:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt Key.Arn

  # the worker's logs
  WorkerLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /aws/lambda/worker
      Tags:
        - Key: team
          Value: jobs

# what the stack gives
Outputs:
  Bucket:
    Value: !Ref Bucket
"""


def test_new_lines_go_after_the_mapping_before_the_next_entrys_blank_lines_and_comments(capsys, tmp_path):
    """Item 1: a key added at the end of a resource that ends in a block list, of a list item that ends
    in a mapping, of a Properties that ends in a list: right after the last line, before the blank
    line and the comment block that lead the next resource (or the next section)."""
    path = tmp_path / "gaps.yaml"
    path.write_text(GAPS)
    code, out, _ = run(capsys, "--unsafe", "--select", "E9606,W9802,W9520", "--", str(path))
    assert "Fixed 3 findings in 1 file" in out
    expected = GAPS.replace(
        "            Queue: !GetAtt Uploads.Arn\n\n  # The key",
        "            Queue: !GetAtt Uploads.Arn\n    DependsOn:\n      - UploadsPolicy\n\n  # The key").replace(
        "              KMSMasterKeyID: !GetAtt Key.Arn\n\n",
        "              KMSMasterKeyID: !GetAtt Key.Arn\n            BucketKeyEnabled: true\n\n").replace(
        "          Value: jobs\n\n# what",
        "          Value: jobs\n      RetentionInDays: 365\n\n# what")
    assert path.read_text() == expected


ROLE_DOUBLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: "AWS::IAM::Role"
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: "Allow"
            Principal: { Service: "lambda.amazonaws.com" }
            Action: "sts:AssumeRole"
"""


@pytest.mark.parametrize("quote", ['"', "'"])
def test_version_goes_first_in_the_files_quotes_and_the_summary_says_what_is_written(capsys, tmp_path, quote):
    """Item 2: W9822 writes Version before Statement, quoted as the file quotes, and the summary line
    shows the same text."""
    path = tmp_path / "role.yaml"
    path.write_text(ROLE_DOUBLE.replace('"', quote))
    code, out, _ = run(capsys, "--show-fixes", "--", str(path))
    written = f"Version: {quote}2012-10-17{quote}"
    assert f"      AssumeRolePolicyDocument:\n        {written}\n        Statement:\n" in path.read_text()
    assert f"fixed W9822 at 6:7: add {written}" in out
    assert path.read_text().count("\n") == ROLE_DOUBLE.count("\n") + 1


def test_version_goes_first_in_json(capsys, tmp_path):
    path = tmp_path / "role.json"
    path.write_text(json.dumps({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}}}}}, indent=2) + "\n")
    run(capsys, "--", str(path))
    doc = json.loads(path.read_text())["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"]
    assert list(doc) == ["Version", "Statement"] and doc["Version"] == "2012-10-17"


BUCKET = """\
Resources:
  Key:
    Type: AWS::KMS::Key
  Store:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt Key.Arn
"""


def test_a_file_that_cannot_be_written_is_named_and_fails_the_run(tmp_path):
    """Item 3, as a user runs it: a read-only file and an immutable one (where the filesystem has the
    flag; else the read-only file alone) are reported on stderr by name, their findings stay, the exit
    code has 1 added, and the other file is fixed."""
    readonly, writable, immutable = tmp_path / "readonly.yaml", tmp_path / "writable.yaml", tmp_path / "immutable.yaml"
    for path in (readonly, writable, immutable):
        path.write_text(BUCKET)
    readonly.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    locked = subprocess.run(["chattr", "+i", str(immutable)], capture_output=True).returncode == 0
    try:
        proc = subprocess.run([str(COMMAND), "fix", "--select", "W9802", "--", str(readonly), str(writable)]
                              + ([str(immutable)] if locked else []), capture_output=True, text=True, timeout=600)
    finally:
        readonly.chmod(0o644)
        if locked:
            subprocess.run(["chattr", "-i", str(immutable)], check=True)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert f"could not write {readonly}: the file is read-only" in proc.stderr
    assert readonly.read_text() == BUCKET
    assert "BucketKeyEnabled: true" in writable.read_text()
    assert proc.returncode & 1 and proc.returncode & 4  # the failure, and the warnings left
    unwritten = 2 if locked else 1
    assert "Fixed 1 finding in 1 file; left " in proc.stdout and f" {unwritten} file not written" in proc.stdout
    if locked:
        assert f"could not write {immutable}: Operation not permitted (PermissionError)" in proc.stderr
        assert immutable.read_text() == BUCKET


def test_a_directory_in_the_way_costs_only_its_file(capsys, tmp_path, monkeypatch):
    """Item 3: the template is replaced by a directory while its fixed text is being proven (after it
    was read, before it is written)."""
    gone, kept = tmp_path / "gone.yaml", tmp_path / "kept.yaml"
    gone.write_text(BUCKET)
    kept.write_text(BUCKET)
    original = cli.IsolatingRunner.lint_file
    linted = []

    def lint_then_move(self, filename):
        found = original(self, filename)
        linted.append(filename)
        if linted[:1] == [str(gone)] and len(linted) == 2:  # the proof of gone.yaml's fixed text
            gone.unlink()
            gone.mkdir()
        return found

    monkeypatch.setattr(cli.IsolatingRunner, "lint_file", lint_then_move)
    code, out, err = run(capsys, "--select", "W9802", "--", str(gone), str(kept))
    assert f"could not write {gone}: " in err and "IsADirectoryError" in err
    assert code & 1
    assert "BucketKeyEnabled: true" in kept.read_text()


QUEUES = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: !If [IsProd, 1209600, 3600]
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt JobsDlq.Arn
        maxReceiveCount: 5
  JobsDlq:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: !If [IsProd, 345600, 600]
"""


def test_each_branch_of_an_if_gets_the_value_of_its_own_scenario(capsys, tmp_path):
    """Item 5: both branches of the dead-letter queue's retention are too short, each against the
    source's retention in its own scenario (14 days in prod, 1 hour in dev): each gets its own value,
    never the same value written into both. A warning judges a condition at the parameter's Default
    (dev), so the rule is asked to judge every allowed value, prod included."""
    path = tmp_path / "queues.yaml"
    path.write_text(QUEUES)
    every = ["--configure-rule", "W9603:every_allowed_value=true"]
    code, out, _ = run(capsys, *every, "--", str(path))
    assert path.read_text() == QUEUES.replace("!If [IsProd, 345600, 600]", "!If [IsProd, 1209600, 7200]")
    assert "Fixed 1 finding in 1 file" in out
    # and the result holds in both scenarios: the rule finds nothing in either
    for env in ("prod", "dev"):
        code, out, _ = run(capsys, "--show-fixes", *every, "--parameter-values", f"Env={env}", "--", str(path))
        assert "W9603" not in out


COMMENTED = """\
# Queues of the jobs service
Resources:

  # the queue
  Queue:
    Type: AWS::SQS::Queue    # standard
    Properties:
      DelaySeconds: 5

      # keep messages four days
      MessageRetentionPeriod: 345600
  Other:   # another
    Type: AWS::SQS::Queue
"""


def test_a_refused_fix_leaves_the_file_as_it_was_and_the_kept_fix_touches_only_its_line(tmp_path):
    """Item 5a(a): when the re-lint refuses one fix, the document comes back from the original text
    (never from a copy of the parsed one, which loses comments and blank lines)."""
    path = tmp_path / "q.yaml"
    path.write_text(COMMENTED)
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
    assert path.read_text() == COMMENTED.replace(
        "      MessageRetentionPeriod: 345600\n", "      MessageRetentionPeriod: 345600\n      MaximumMessageSize: 1024\n")
    # every fix refused: byte for byte
    path.write_text(COMMENTED)
    result = Fixer(_Runner(lambda t: [("W9991", "delay", bad)] + ([] if "DelaySeconds: 5" in t else [
        ("E3012", "new", None)]))).fix_file(str(path), write=True)
    assert not result.fixed and path.read_text() == COMMENTED


def test_diff_of_a_file_without_a_final_newline_is_taken_by_git_apply(capsys, tmp_path, monkeypatch):
    """Item 5a(c): the last line is touched and has no newline; `git apply` takes the diff, which marks
    it as git does."""
    text = ROLE_DOUBLE.rstrip("\n") + "\n  Store:\n    Type: AWS::S3::Bucket\n    Properties:\n" \
        "      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n" \
        "          - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}"
    (tmp_path / "t.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--diff", "--", "t.yaml")
    assert "\\ No newline at end of file\n" in out
    assert (tmp_path / "t.yaml").read_text() == text
    (tmp_path / "fix.patch").write_text(out)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True, capture_output=True)
    patched = (tmp_path / "t.yaml").read_text()
    assert patched.endswith("BucketKeyEnabled: true") and 'Version: "2012-10-17"' in patched


def test_select_of_a_rule_that_does_not_exist_is_a_usage_error(capsys, tmp_path):
    """Item 6: like -x, an id or prefix that names no rule (of the pack, nor of cfn-lint) is refused
    before anything is linted; one that names a cfn-lint rule is fine."""
    path = tmp_path / "t.yaml"
    path.write_text(BUCKET)
    code, out, err = run(capsys, "--select", "X1234", "--", str(path))
    assert code == 1 and "--select: no rule 'X1234'" in err and out == ""
    code, _, err = run(capsys, "--select", "W9802,W98999", "--", str(path))
    assert code == 1 and "'W98999'" in err and "W9802'" not in err
    assert path.read_text() == BUCKET
    code, out, _ = run(capsys, "--select", "E3", "--", str(path))  # cfn-lint's E3xxx: nothing to fix here
    assert code != 1 and "Fixed 0 findings" in out


def test_the_summary_counts_by_reason_and_lists_on_request(capsys, tmp_path):
    """Item 7: one line of counts by reason by default, each finding with --show-fixes."""
    for i in range(2):
        (tmp_path / f"s{i}.yaml").write_text(GAPS)
    code, out, _ = run(capsys, "--", str(tmp_path / "s*.yaml"))
    assert out.splitlines() == [
        "Fixed 4 findings in 2 files; left 8: 6 unsafe (apply with --unsafe), 2 no single right answer. "
        "(--show-fixes lists each one)"]
    for i in range(2):
        (tmp_path / f"s{i}.yaml").write_text(GAPS)
    code, out, _ = run(capsys, "--show-fixes", "--", str(tmp_path / "s*.yaml"))
    assert out.count(": fixed 2, left 4\n") == 2
    assert out.count("  fixed E9606 at 22:13: add DependsOn: UploadsPolicy\n") == 2
    assert len(re.findall(r"\n  left W9520 at \d+:3: unsafe: CloudWatch Logs deletes", out)) == 2
    assert out.splitlines()[-1] == "Fixed 4 findings in 2 files; left 8: 6 unsafe (apply with --unsafe), 2 no single right answer."
