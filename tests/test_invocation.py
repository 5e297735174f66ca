"""Unit tests of the invocation model: how a function is named, who invokes it, which permission
covers which invoker, and creation order."""

from __future__ import annotations

import pytest

from cfn_lint_bestpractices.model import TemplateModel
from cfn_lint_bestpractices.model.invocation import Target, function_target, invocations, principal_service
from cfn_lint_bestpractices.model.values import token
from helpers import FIXTURES, lint

FN = {"Type": "AWS::Lambda::Function", "Properties": {}}
TEMPLATE = {
    "Resources": {
        "Fn": FN,
        "Named": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "named-fn"}},
        "Sam": {"Type": "AWS::Serverless::Function", "Properties": {"AutoPublishAlias": "live"}},
        "Alias": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"}, "Name": "prod"}},
        "Version": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}}},
        "Bucket": {"Type": "AWS::S3::Bucket", "DependsOn": "Perm",
                   "Properties": {"NotificationConfiguration": {"LambdaConfigurations": [
                       {"Event": "s3:ObjectCreated:*", "Function": {"Fn::GetAtt": ["Fn", "Arn"]}}]}}},
        "Perm": {"Type": "AWS::Lambda::Permission",
                 "Properties": {"FunctionName": {"Ref": "Fn"}, "Principal": "s3.amazonaws.com",
                                "Action": "lambda:InvokeFunction"}},
        "Rule": {"Type": "AWS::Events::Rule",
                 "Properties": {"Targets": [{"Id": "a", "Arn": {"Ref": "Alias"}}]}},
    }
}


@pytest.fixture(scope="module")
def model():
    return TemplateModel(TEMPLATE)


@pytest.mark.parametrize("node,expected", [
    ({"Ref": "Fn"}, Target("Fn")),
    ({"Fn::GetAtt": ["Fn", "Arn"]}, Target("Fn")),
    ({"Fn::Sub": "${Fn.Arn}:blue"}, Target("Fn", "blue")),
    ({"Fn::Sub": "${Fn.Arn}:$LATEST"}, Target("Fn")),
    ({"Ref": "Alias"}, Target("Fn", "prod", "Alias")),
    ({"Ref": "Version"}, Target("Fn", token("Version"), "Version")),
    ({"Ref": "Sam.Alias"}, Target("Sam", "live")),
    ({"Ref": "Sam.Version"}, Target("Sam", token("Sam.Version"))),
    ("named-fn", Target("Named")),
    ("arn:aws:lambda:us-east-1:123456789012:function:named-fn:7", Target("Named", "7")),
    ("arn:aws:lambda:us-east-1:123456789012:function:elsewhere", None),
    ({"Fn::ImportValue": "x"}, None),
    ({"Ref": "Bucket"}, None),
])
def test_function_target(model, node, expected):
    assert function_target(model, model.resolver.one(node)) == expected


@pytest.mark.parametrize("principal,service", [
    ("s3.amazonaws.com", "s3"), ("logs.eu-west-1.amazonaws.com", "logs"),
    ({"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}, "logs"), ("123456789012", None), ("*", None),
])
def test_principal_service(model, principal, service):
    assert principal_service(model.resolver.one(principal)) == service


def test_invokers_and_their_permissions(model):
    graph = invocations(model)
    by_source = {inv.source.logical_id: inv for inv in graph.invocations}
    s3, rule = by_source["Bucket"], by_source["Rule"]
    assert (s3.service, s3.target, s3.asynchronous, s3.needs_order) == ("s3", Target("Fn"), True, True)
    assert rule.target == Target("Fn", "prod", "Alias")
    known, grant = graph.permission_for(s3)
    assert known and grant.resource.logical_id == "Perm"
    # the permission is on the unqualified function: it does not cover the alias the rule invokes
    assert graph.permission_for(rule) == (True, None)


def test_creation_order(model):
    assert model.created_after("Bucket", "Perm")  # DependsOn
    assert model.created_after("Alias", "Fn")  # Ref
    assert not model.created_after("Perm", "Bucket")


def test_unreadable_permission_might_be_the_one():
    template = {"Resources": dict(TEMPLATE["Resources"], Other={
        "Type": "AWS::Lambda::Permission",
        "Properties": {"FunctionName": {"Fn::ImportValue": "fn"}, "Principal": "events.amazonaws.com"}})}
    model = TemplateModel(template)
    rule = next(inv for inv in invocations(model).invocations if inv.source.logical_id == "Rule")
    assert invocations(model).permission_for(rule) == (False, None)


def test_e9504_leaves_direct_pairs_to_stock_e3505():
    """One problem, one finding: where stock E3505 reports the pair, E9504 does not; where E3505 cannot
    see it (SAM event), E9504 does."""
    good = {m.rule.id for m in lint(FIXTURES / "E9504" / "good.yaml")}
    assert "E3505" in good and "E9504" not in good
    sam = {m.rule.id for m in lint(FIXTURES / "E9504" / "bad-sam.yaml")}
    assert "E9504" in sam and "E3505" not in sam
