"""The fixer's round trip: an edit changes only its own lines; comments, key order, quoting,
indentation, flow style, anchors, short-form tags, JSON layout and line endings stay as written."""

from __future__ import annotations

import difflib
import json
import random

import pytest
import yaml as pyyaml

from corpus import CORPUS, corpus_rows
from cfn_lint_bestpractices.fixes import Append, Remove, Set
from cfn_lint_bestpractices.fixes.document import Document, EditRefused

YAML_TEXT = """\
# A stack with every kind of YAML the fixer must keep
AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  IsProd: !Equals [!Ref Env, prod]   # a trailing comment
Parameters:
  Env: {Type: String, Default: dev}
  Size: {Type: Number, Default: 5}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '${AWS::StackName}-jobs'
      Tags: &tags
        - Key: team
          Value: 'payments'    # quoted on purpose
      DelaySeconds: !If [IsProd, 0, 5]
      MaximumMessageSize: !Ref Size
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: Queue
    Properties:
      Tags: *tags
      BucketEncryption:
        ServerSideEncryptionConfiguration:
        - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: !GetAtt Key.Arn}
"""


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_no_edit_is_the_file_byte_for_byte():
    assert Document(YAML_TEXT, "yaml").render() == YAML_TEXT


def test_a_new_key_adds_one_line_and_keeps_everything_else():
    doc = Document(YAML_TEXT, "yaml")
    doc.apply(Set(("Resources", "Bucket", "Properties", "BucketEncryption", "ServerSideEncryptionConfiguration", 0,
                   "BucketKeyEnabled"), True))
    out = doc.render()
    removed, added = changed_lines(YAML_TEXT, out)
    assert removed == []
    assert added == ["          BucketKeyEnabled: true"]
    # comments, quotes, anchors and short tags are still there
    for kept in ("# a trailing comment", "'payments'    # quoted on purpose", "&tags", "*tags", "!GetAtt Key.Arn",
                 "!Sub '${AWS::StackName}-jobs'", "{Type: String, Default: dev}"):
        assert kept in out


def test_an_edit_inside_an_fn_if_branch_changes_only_that_branch():
    doc = Document(YAML_TEXT, "yaml")
    doc.apply(Set(("Resources", "Queue", "Properties", "DelaySeconds", "Fn::If", 2), 0))
    removed, added = changed_lines(YAML_TEXT, doc.render())
    assert removed == ["      DelaySeconds: !If [IsProd, 0, 5]"]
    assert added == ["      DelaySeconds: !If [IsProd, 0, 0]"]


def test_a_no_value_branch_becomes_the_value_in_short_form():
    text = YAML_TEXT.replace("DelaySeconds: !If [IsProd, 0, 5]", "DelaySeconds: !If [IsProd, 0, !Ref AWS::NoValue]")
    doc = Document(text, "yaml")
    doc.apply(Set(("Resources", "Queue", "Properties", "DelaySeconds", "Fn::If", 1), {"Ref": "AWS::NoValue"}))
    removed, added = changed_lines(text, doc.render())
    assert added == ["      DelaySeconds: !If [IsProd, !Ref AWS::NoValue, !Ref AWS::NoValue]"]


def test_a_value_from_a_parameter_is_never_overwritten():
    doc = Document(YAML_TEXT, "yaml")
    with pytest.raises(EditRefused, match="comes from 'Size'"):
        doc.apply(Set(("Resources", "Queue", "Properties", "MaximumMessageSize"), 262144))
    with pytest.raises(EditRefused, match="computed"):
        doc.apply(Set(("Resources", "Queue", "Properties", "QueueName"), "jobs"))
    assert doc.render() == YAML_TEXT


def test_a_fix_never_removes_a_resource_or_a_statement():
    doc = Document(YAML_TEXT, "yaml")
    with pytest.raises(EditRefused):
        doc.apply(Remove(("Resources", "Bucket")))
    with pytest.raises(EditRefused):
        doc.apply(Remove(("Resources", "P", "Properties", "PolicyDocument", "Statement", 0)))
    with pytest.raises(EditRefused):
        doc.apply(Remove(("Resources", "P", "Properties", "PolicyDocument", "Statement")))


def test_append_turns_one_item_into_a_list_and_is_idempotent():
    doc = Document(YAML_TEXT, "yaml")
    doc.apply(Append(("Resources", "Bucket", "DependsOn"), "Attachment"))
    doc.apply(Append(("Resources", "Bucket", "DependsOn"), "Attachment"))
    doc.apply(Append(("Resources", "Bucket", "DependsOn"), "Queue"))
    data = pyyaml.safe_load(doc.render().replace("!", "x-"))
    assert data["Resources"]["Bucket"]["DependsOn"] == ["Queue", "Attachment"]


def test_remove_takes_the_key_out_and_nothing_else():
    text = YAML_TEXT.replace("      DelaySeconds: !If [IsProd, 0, 5]\n", "      FifoQueue: false\n")
    doc = Document(text, "yaml")
    doc.apply(Remove(("Resources", "Queue", "Properties", "FifoQueue")))
    removed, added = changed_lines(text, doc.render())
    assert removed == ["      FifoQueue: false"] and added == []


def test_crlf_line_endings_are_kept():
    text = YAML_TEXT.replace("\n", "\r\n")
    doc = Document(text, "yaml")
    doc.apply(Set(("Resources", "Queue", "Properties", "VisibilityTimeout"), 180))
    out = doc.render()
    assert out.count("\r\n") == out.count("\n") == text.count("\r\n") + 1
    assert "      VisibilityTimeout: 180\r\n" in out


def test_globals_value_is_fixed_in_globals():
    text = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 30   # every function
    ReservedConcurrentExecutions: 5
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(e, c): pass"
"""
    doc = Document(text, "yaml")
    # cfn-lint merges Globals into the function: the finding's path is the function's
    doc.apply(Set(("Resources", "Worker", "Properties", "Timeout"), 60))
    doc.apply(Set(("Resources", "Worker", "Properties", "MemorySize"), 512))
    removed, added = changed_lines(text, doc.render())
    assert removed == ["    Timeout: 30   # every function"]
    assert added == ["    Timeout: 60   # every function", "      MemorySize: 512"]


JSON_TEXT = """{
    "Resources": {
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "Tags": [{"Key": "a", "Value": "b"}],
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {
                            "ServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms"
                            }
                        }
                    ]
                }
            }
        }
    }
}
"""


def test_json_keeps_its_indentation_order_and_inline_lists():
    doc = Document(JSON_TEXT, "json")
    doc.apply(Set(("Resources", "Bucket", "Properties", "BucketEncryption", "ServerSideEncryptionConfiguration", 0,
                   "BucketKeyEnabled"), True))
    out = doc.render()
    removed, added = changed_lines(JSON_TEXT, out)
    assert removed == ["                            }"]
    assert added == ["                            },", '                            "BucketKeyEnabled": true']
    assert '"Tags": [{"Key": "a", "Value": "b"}],' in out
    assert json.loads(out)["Resources"]["Bucket"]["Properties"]["BucketEncryption"][
        "ServerSideEncryptionConfiguration"][0]["BucketKeyEnabled"] is True


def _sample_corpus(kind_fmt: str, n: int) -> list:
    rows = [r for r in corpus_rows(("real",)) if r["format"] == kind_fmt and r["parse_ok"] == "1"]
    random.Random(7).shuffle(rows)
    return rows[:n]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_on_real_templates_a_new_property_changes_no_existing_line(fmt):
    """On real templates nobody here wrote: a key added to each resource's Properties adds lines and
    removes none (except, in JSON, the comma that a new last key needs), and reads back as intended."""
    checked = 0
    for row in _sample_corpus(fmt, 120):
        path = CORPUS / row["local_path"]
        try:
            doc = Document.read(str(path))
        except Exception:  # noqa: BLE001 - a file the round-trip library cannot read is left alone by the fixer
            continue
        resources = doc.data.get("Resources") if isinstance(doc.data, dict) else None
        if not isinstance(resources, dict):
            continue
        targets = [name for name, body in resources.items()
                   if isinstance(body, dict) and isinstance(body.get("Properties"), dict)][:3]
        if not targets:
            continue
        for name in targets:
            doc.apply(Set(("Resources", name, "Properties", "ZzFixProbe"), True))
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        out = doc.render().replace("\r\n", "\n")
        removed, added = changed_lines(text, out)
        if fmt == "yaml":
            # only an empty flow mapping (`Properties: {}`) may change, to hold the new key
            assert all(line.rstrip().endswith("{}") for line in removed), f"{row['local_path']}: changed {removed[:3]}"
        else:
            # a new last key puts a comma after the line before it; an empty {} opens up
            assert all(line + "," in added or line.rstrip(",").endswith("{}") for line in removed), \
                f"{row['local_path']}: changed {removed[:3]}"
        assert sum("ZzFixProbe" in line for line in added) == len(targets), row["local_path"]
        checked += 1
    assert checked >= 60


def test_compact_json_keeps_one_resource_per_line():
    text = ('{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": false, "DelaySeconds": 5}},\n'
            '    "B": {"Type": "AWS::S3::Bucket", "DependsOn": "Q", "Properties": {}}\n  }\n}\n')
    doc = Document(text, "json")
    doc.apply(Remove(("Resources", "Q", "Properties", "FifoQueue")))
    doc.apply(Set(("Resources", "B", "Properties", "BucketEncryption"), {"ServerSideEncryptionConfiguration": [
        {"BucketKeyEnabled": True}]}))
    doc.apply(Append(("Resources", "B", "DependsOn"), "Z"))
    assert doc.render().splitlines()[2:4] == [
        '    "Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}},',
        '    "B": {"Type": "AWS::S3::Bucket", "DependsOn": ["Q", "Z"], "Properties": {"BucketEncryption": '
        '{"ServerSideEncryptionConfiguration": [{"BucketKeyEnabled": true}]}}}']


def test_a_set_never_replaces_a_resource_or_a_section():
    doc = Document(YAML_TEXT, "yaml")
    for path in [("Resources", "Bucket"), ("Resources",), ("Parameters", "Env")]:
        with pytest.raises(EditRefused):
            doc.apply(Set(path, "ip"))
    doc.apply(Set(("Resources", "BucketPolicy"), {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {
        "Ref": "Bucket"}}}))
    assert "  BucketPolicy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Bucket\n" in doc.render()


def test_a_node_shared_through_an_anchor_is_not_edited():
    doc = Document(YAML_TEXT, "yaml")
    with pytest.raises(EditRefused, match="anchor &tags"):
        doc.apply(Append(("Resources", "Bucket", "Properties", "Tags"), {"Key": "x", "Value": "y"}))
    with pytest.raises(EditRefused, match="anchor &tags"):
        doc.apply(Set(("Resources", "Bucket", "Properties", "Tags", 0, "Value"), "x"))


def test_a_key_added_at_the_end_goes_before_the_next_resources_comment():
    text = ("Resources:\n  Route:\n    Type: AWS::EC2::Route\n    Properties:\n      GatewayId: !Ref Gw   # eol\n"
            "  # the attachment\n  Attach:\n    Type: AWS::EC2::VPCGatewayAttachment\n")
    doc = Document(text, "yaml")
    doc.apply(Append(("Resources", "Route", "DependsOn"), "Attach"))
    assert doc.render() == text.replace("# eol\n", "# eol\n    DependsOn:\n    - Attach\n")


def test_values_from_cfn_lint_nodes_are_written_as_plain_yaml():
    from cfnlint.decode.node import str_node

    doc = Document(YAML_TEXT, "yaml")
    doc.apply(Append(("Resources", "Bucket", "DependsOn"), str_node("Key", (0, 0), (0, 3))))
    assert "    - Key\n" in doc.render()
