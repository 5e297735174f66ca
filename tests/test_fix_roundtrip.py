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


# ---- issue 23: the file's quoting, the place of new lines, restores, mixed indentation --------------

def test_new_strings_follow_the_files_quoting():
    """A string that YAML must quote (a date, a word read as a boolean) gets the file's own quote; in a
    file that quotes most of its strings, every new string does."""
    double = 'Resources:\n  Q:\n    Type: "AWS::SQS::Queue"\n    Properties:\n      QueueName: "jobs"\n'
    single = double.replace('"', "'")
    plain = double.replace('"', "")
    for text, quote in ((double, '"'), (single, "'")):
        doc = Document(text, "yaml")
        doc.apply(Set(("Resources", "Q", "Properties", "Day"), "2012-10-17"))
        doc.apply(Set(("Resources", "Q", "Properties", "Flag"), "true"))
        doc.apply(Set(("Resources", "Q", "Properties", "Name"), "orders"))
        assert doc.render() == text + f"      Day: {quote}2012-10-17{quote}\n      Flag: {quote}true{quote}\n" \
                                      f"      Name: {quote}orders{quote}\n"
        assert doc.written("2012-10-17") == f"{quote}2012-10-17{quote}"
    doc = Document(plain, "yaml")
    doc.apply(Set(("Resources", "Q", "Properties", "Day"), "2012-10-17"))
    doc.apply(Set(("Resources", "Q", "Properties", "Switch"), "on"))  # a YAML 1.1 boolean for cfn-lint
    doc.apply(Set(("Resources", "Q", "Properties", "Name"), "orders"))
    assert doc.render() == plain + "      Day: '2012-10-17'\n      Switch: 'on'\n      Name: orders\n"


def test_a_restore_comes_back_to_the_users_text_byte_for_byte():
    """A restore reads the original text again: comments and blank lines are all there."""
    text = ("# head\nResources:\n\n  # the queue\n  Q:   # eol\n    Type: AWS::SQS::Queue\n\n    Properties:\n"
            "      # delay\n      DelaySeconds: 5\n\n\n  B:\n    Type: AWS::S3::Bucket\n")
    doc = Document(text, "yaml")
    state = doc.snapshot()
    doc.apply(Set(("Resources", "Q", "Properties", "DelaySeconds"), 0))
    kept = doc.snapshot()
    doc.apply(Set(("Resources", "B", "Properties", "X"), 1))
    doc.restore(kept)
    assert doc.render() == text.replace("DelaySeconds: 5", "DelaySeconds: 0")
    doc.restore(state)
    assert doc.render() == text
    with pytest.raises(EditRefused):  # a refused edit that created a mapping on its way
        doc.apply(Set(("Resources", "B", "Properties", "Tags", 0, "Key"), "x"))
    doc.restore(state)
    assert doc.render() == text


POLICIES = """\
Conditions:
  IsProd: !Equals [!Ref AWS::Region, us-east-1]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
        - Effect: Allow
          Principal: {Service: lambda.amazonaws.com}
          Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: '*'

        - !If
          - IsProd
          - PolicyName: write
            PolicyDocument:
              Statement:
                  - Effect: Allow
                    Action:
                    - s3:PutObject
                    Resource: '*'
          - !Ref AWS::NoValue
   
  Next:
    Type: AWS::SQS::Queue
"""


def test_version_inside_the_last_if_of_a_policies_list_touches_only_its_line():
    """Item 5a(b): the list items around it, their mixed indentation, the blank line and the
    whitespace-only line stay as written."""
    doc = Document(POLICIES, "yaml")
    doc.apply(Set(("Resources", "Role", "Properties", "Policies", 1, "Fn::If", 1, "PolicyDocument", "Version"),
                  "2012-10-17", first=True))
    assert doc.render() == POLICIES.replace("            PolicyDocument:\n              Statement:",
                                            "            PolicyDocument:\n              Version: '2012-10-17'\n"
                                            "              Statement:")


def test_a_file_that_mixes_list_indentation_gets_each_edit_at_the_indentation_of_its_place():
    """Item 5a(d): one list's dashes indented, another's not; a new item, a new key and a key added
    first in a list item each land where their siblings are."""
    text = """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Tags:
      - Key: team
        Value: jobs
      BucketEncryption:
        ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault:
                  SSEAlgorithm: aws:kms
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
      - Statement:
        - Effect: Allow
          Action: s3:GetObject
          Resource: '*'
"""
    doc = Document(text, "yaml")
    doc.apply(Append(("Resources", "Bucket", "Properties", "Tags"), {"Key": "env", "Value": "prod"}))
    doc.apply(Set(("Resources", "Bucket", "Properties", "BucketEncryption", "ServerSideEncryptionConfiguration", 0,
                   "BucketKeyEnabled"), True))
    doc.apply(Set(("Resources", "Fn", "Properties", "Policies", 0, "Version"), "2012-10-17", first=True))
    assert doc.render() == text.replace(
        "        Value: jobs\n", "        Value: jobs\n      - Key: env\n        Value: prod\n").replace(
        "                  SSEAlgorithm: aws:kms\n",
        "                  SSEAlgorithm: aws:kms\n              BucketKeyEnabled: true\n").replace(
        "      - Statement:\n", "      - Version: '2012-10-17'\n        Statement:\n")


def test_a_key_added_after_a_block_scalar_keeps_the_scalars_lines():
    """Lines of a `|` block that look like blank lines or comments are the string's: new keys go after
    them, and before the blank line and the comment that lead the next resource."""
    text = ("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        ZipFile: |\n"
            "          def handler(event, context):\n\n              # nothing to do\n              return None\n\n"
            "  # the next one\n  Next:\n    Type: AWS::SQS::Queue\n")
    doc = Document(text, "yaml")
    doc.apply(Set(("Resources", "Fn", "Properties", "Timeout"), 30))
    assert doc.render() == text.replace("return None\n\n", "return None\n      Timeout: 30\n\n")


@pytest.mark.parametrize("written", ["{ Port: 80, Protocol: HTTP }", "{Port: 80 , Protocol: HTTP}",
                                     "{Port: 80, Names: [ a, b ]}"])
def test_a_key_added_to_a_spaced_flow_mapping_replaces_its_line(written):
    """A flow collection written with spaces inside its brackets (`{ Port: 80 }`) is the same line as
    the rendering's `{Port: 80}`: the edited line replaces it, and no second key appears."""
    text = ("Resources:\n  Targets:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n"
            f"    Properties: {written}\n"
            "  Other:\n    Type: AWS::SNS::Topic\n")
    doc = Document(text, "yaml")
    doc.apply(Set(("Resources", "Targets", "Properties", "TargetType"), "ip"))
    out = doc.render()
    assert out.count("Properties:") == 1, out
    assert pyyaml.safe_load(out)["Resources"]["Targets"]["Properties"]["TargetType"] == "ip"
    assert out.splitlines()[-2:] == ["  Other:", "    Type: AWS::SNS::Topic"]
