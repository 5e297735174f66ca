"""Unit tests of the template model: value resolution, naming, relations."""

from __future__ import annotations

import pytest

from cfn_lint_bestpractices.model import ABSENT, UNKNOWN, TemplateModel
from cfn_lint_bestpractices.model.template import arn_resource_name
from cfn_lint_bestpractices.model.values import token

TEMPLATE = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
        "NoDefault": {"Type": "String"},
        "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-1,subnet-2"},
        "Ssm": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/my/param"},
    },
    "Mappings": {"Sizes": {"dev": {"Cap": 5}, "prod": {"Cap": 50}}},
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {
        "Named": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-jobs"}}},
        "Generated": {"Type": "AWS::SQS::Queue"},
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "acme-data"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Vpc": {"Type": "AWS::EC2::VPC"},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Rt": {"Type": "AWS::EC2::RouteTable"},
        "Assoc": {"Type": "AWS::EC2::SubnetRouteTableAssociation",
                  "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Rt"}}},
        "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Role": "arn:aws:iam::1:role/x"}},
    },
}


@pytest.fixture()
def model():
    return TemplateModel(TEMPLATE, "us-east-1")


def values(branches):
    return [b.value for b in branches]


def test_scalars_and_pseudo_parameters(model):
    assert values(model.branches("x")) == ["x"]
    assert values(model.branches({"Ref": "AWS::Partition"})) == ["aws"]
    assert values(model.branches({"Ref": "AWS::Region"})) == [token("AWS::Region")]
    assert values(model.branches({"Ref": "AWS::NoValue"})) == [ABSENT]
    assert TemplateModel(TEMPLATE, "cn-north-1").branches({"Ref": "AWS::Partition"})[0].value == "aws-cn"


def test_parameters(model):
    assert values(model.branches({"Ref": "Env"})) == ["dev"]
    assert values(model.branches({"Ref": "Env"}, every_param_value=True)) == ["dev", "prod"]
    assert values(model.branches({"Ref": "NoDefault"})) == [UNKNOWN]
    assert values(model.branches({"Ref": "Subnets"})) == [["subnet-1", "subnet-2"]]
    assert values(model.branches({"Ref": "Ssm"})) == [UNKNOWN]
    assert model.branches({"Ref": "Env"}, every_param_value=True)[1].describe() == " when parameter 'Env' is 'prod'"


def test_unknowns(model):
    for node in ({"Fn::ImportValue": "x"}, "{{resolve:ssm:/a/b}}", {"Fn::GetAZs": ""}, {"Ref": "Missing"},
                 {"Fn::GetAtt": ["Missing", "Arn"]}, {"Fn::Sub": "${NoDefault}-x"}):
        assert values(model.branches(node)) == [UNKNOWN], node


def test_if_branches_carry_conditions_and_paths(model):
    brs = model.branches({"Fn::If": ["IsProd", 50, {"Ref": "AWS::NoValue"}]})
    assert [(b.value, b.conditions, b.path) for b in brs] == [
        (50, (("IsProd", True),), ("Fn::If", 1)),
        (ABSENT, (("IsProd", False),), ("Fn::If", 2)),
    ]
    assert brs[1].describe() == " when condition 'IsProd' is false"


def test_contradictory_conditions_are_dropped(model):
    node = {"Fn::If": ["IsProd", {"Fn::If": ["IsProd", "a", "b"]}, "c"]}
    assert values(model.branches(node)) == ["a", "c"]


def test_sub_join_select_split_findinmap(model):
    assert values(model.branches({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"})) == ["arn:aws:s3:::acme-data/*"]
    assert values(model.branches({"Fn::Sub": ["${x}-${!Literal}", {"x": "v"}]})) == ["v-${Literal}"]
    assert values(model.branches({"Fn::Join": ["-", ["a", {"Ref": "Env"}, {"Ref": "AWS::NoValue"}]]})) == ["a-dev"]
    assert values(model.branches({"Fn::Select": [1, ["a", "b"]]})) == ["b"]
    assert values(model.branches({"Fn::Select": [0, {"Fn::GetAZs": ""}]})) == [token("AZ#us-east-1#0")]
    assert values(model.branches({"Fn::Split": [",", "a,b"]})) == [["a", "b"]]
    assert values(model.branches({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Cap"]})) == [5]
    assert values(model.branches({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Cap"]}, every_param_value=True)) == [5, 50]
    assert values(model.branches({"Fn::Join": ["", [{"Fn::If": ["IsProd", "p", "d"]}, "x"]]})) == ["px", "dx"]


def test_resource_references_render_names_and_arns(model):
    assert model.attribute("Bucket", "Arn") == "arn:aws:s3:::acme-data"
    assert model.attribute("Named", "QueueName") == token("AWS::StackName") + "-jobs"
    assert model.attribute("Generated", "Arn") == f"arn:aws:sqs:{token('AWS::Region')}:{token('AWS::AccountId')}:{token('Generated')}"
    assert model.attribute("Topic", "Ref").startswith("arn:aws:sns:")
    assert model.attribute("Vpc", "Ref") == token("Vpc")
    assert model.attribute("Vpc", "CidrBlock") == token("Vpc.CidrBlock")


def test_lookup_by_token_name_arn_and_url(model):
    queue = ("AWS::SQS::Queue",)
    assert model.lookup(model.attribute("Generated", "Arn"), queue) == "Generated"
    assert model.lookup(model.attribute("Named", "Ref"), queue) == "Named"
    assert model.lookup("arn:aws:s3:::acme-data/*", ("AWS::S3::Bucket",)) == "Bucket"
    assert model.lookup("acme-data", ("AWS::S3::Bucket",)) == "Bucket"
    assert model.lookup("arn:aws:sqs:us-east-1:123456789012:other", queue) is None
    assert model.lookup(model.attribute("Generated", "Arn"), ("AWS::SNS::Topic",)) is None
    assert model.lookup(UNKNOWN, queue) is None


def test_arn_resource_name():
    assert arn_resource_name("arn:aws:sqs:us-east-1:1:q.fifo") == "q.fifo"
    assert arn_resource_name("arn:aws:s3:::b/key/*") == "b"
    assert arn_resource_name("arn:aws:lambda:us-east-1:1:function:f:live") == "f"
    assert arn_resource_name("https://sqs.us-east-1.amazonaws.com/1/q") == "q"
    assert arn_resource_name("arn:bad") == "arn:bad"


def test_relations(model):
    assert model.subnet_route_tables == {"Subnet": ["Rt"]}
    assert model.vpc_of(model.resources["Subnet"]) == "Vpc"
    assert [f.logical_id for f in model.functions] == ["Fn"]
    assert ("Assoc", ("Resources", "Assoc", "Properties", "SubnetId")) in model.references["Subnet"]


def test_get_follows_if_and_reports_odd_shapes(model):
    node = {"VpcConfig": {"Fn::If": ["IsProd", {"SubnetIds": ["a"]}, {"Ref": "AWS::NoValue"}]}}
    brs = model.get(node, "VpcConfig", "SubnetIds")
    assert [(b.value, b.path) for b in brs] == [(["a"], ("VpcConfig", "Fn::If", 1, "SubnetIds")),
                                                (ABSENT, ("VpcConfig", "Fn::If", 2))]
    assert values(model.get({"VpcConfig": "oops"}, "VpcConfig", "SubnetIds")) == [UNKNOWN]
    assert values(model.get({"L": [1]}, "L", 5)) == [ABSENT]


def test_branch_explosion_is_unknown(model):
    node = {"Fn::Join": ["", [{"Fn::If": [f"C{i}", "a", "b"]} for i in range(8)]]}
    assert values(model.branches(node)) == [UNKNOWN]


def test_model_survives_any_shape():
    for template in (None, [], {"Resources": None}, {"Resources": {"A": None, "B": {"Type": 5}, 7: {}}},
                     {"Resources": {"A": {"Type": "AWS::SQS::Queue", "Properties": ["x"]}}}):
        model = TemplateModel(template)
        assert model.functions == []
        assert model.nacl_entries == {}


def test_elements_flattens_lists_and_keeps_conditions(model):
    node = {"Fn::If": ["IsProd", ["a", {"Fn::If": ["IsProd", "b", "c"]}, {"Ref": "AWS::NoValue"}], "d"]}
    got = [(b.value, b.conditions) for b in model.elements(node)]
    assert got == [("a", (("IsProd", True),)), ("b", (("IsProd", True),)), ("d", (("IsProd", False),))]
