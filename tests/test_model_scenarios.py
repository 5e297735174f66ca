"""Unit tests of the model's scenarios and identity: what can happen is cfn-lint's solver's answer,
and a resource is known however its name is built."""

from __future__ import annotations

import yaml

from cfn_lint_bestpractices.model import TemplateModel
from cfn_lint_bestpractices.model.s3 import s3_notifications
from cfn_lint_bestpractices.model.values import Branch, zone_label


class _Loader(yaml.SafeLoader):
    pass


def _tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else ("Condition" if suffix == "Condition" else "Fn::" + suffix)
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        return {name: value.split(".", 1) if name == "Fn::GetAtt" else value}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}


_Loader.add_multi_constructor("!", _tag)


def model_of(text: str) -> TemplateModel:
    return TemplateModel(yaml.load(text, Loader=_Loader))


HEAD = """
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Fifo: {Type: String, Default: "false", AllowedValues: ["true", "false"]}
  Only: {Type: String, Default: "true", AllowedValues: ["true"]}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  IsProd: !Equals [!Ref Env, prod]
  IsNotProd: !Not [!Condition IsProd]
  IsFifo: !Equals [!Ref Fifo, "true"]
  ProdFifo: !And [!Condition IsProd, !Condition IsFifo]
  DevOrFifo: !Or [!Condition IsDev, !Condition IsFifo]
  IsOnly: !Equals [!Ref Only, "true"]
  IsNonProd: !Equals [!Ref Env, dev]
Rules:
  ProdNeedsFifo:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Equals [!Ref Fifo, "true"]
"""


def test_the_solver_decides_what_can_happen():
    m = model_of(HEAD + "Resources: {}\n")
    assert not m.possible((("IsDev", True), ("IsProd", True)))  # two Equals on one parameter
    assert not m.possible((("IsDev", False), ("IsProd", False)))  # they cover its allowed values
    assert not m.possible((("IsNotProd", True), ("IsProd", True)))  # Not
    assert not m.possible((("IsFifo", False), ("ProdFifo", True)))  # And
    assert not m.possible((("IsOnly", False),))  # a single allowed value
    assert not m.possible((("IsFifo", False), ("IsProd", True)))  # a Rules assertion forbids it
    assert m.possible((("IsFifo", True), ("IsProd", True)))
    assert not m.possible((("IsFifo", False),), (("Fifo", "true"),))  # a parameter value decides its Equals
    assert m.possible((("Unknown", True),))  # a name the solver does not know is not impossible


def test_values_of_two_properties_combine_only_where_possible():
    m = model_of(HEAD + """
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: !If [IsFifo, true, !Ref AWS::NoValue]
      DelaySeconds: !Ref Fifo
""")
    q = m.resources["Queue"]
    m.every_value = True
    combos = [(a.value, b.value) for (a, b), _ in m.combine(m.prop(q, "FifoQueue"), m.prop(q, "DelaySeconds"))]
    assert sorted(combos, key=str) == sorted([(True, "true"), (m.prop(q, "FifoQueue")[1].value, "false")], key=str)
    m.every_value = False  # warnings: the parameter at its Default only
    combos = [(a.value, b.value) for (a, b), _ in m.combine(m.prop(q, "FifoQueue"), m.prop(q, "DelaySeconds"))]
    assert len(combos) == 1 and combos[0][1] == "false"


def test_a_conditional_resource_exists_only_in_its_conditions_scenarios():
    m = model_of(HEAD + """
Resources:
  Green:
    Type: AWS::Lambda::Function
    Condition: IsProd
    Properties: {ReservedConcurrentExecutions: 600}
  Blue:
    Type: AWS::Lambda::Function
    Condition: IsNotProd
    Properties: {ReservedConcurrentExecutions: 600}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {FunctionName: !Ref Green}
""")
    green = m.prop(m.resources["Green"], "ReservedConcurrentExecutions")
    assert [b.conditions for b in green] == [(("IsProd", True),)]
    assert m.largest_sum([m.ints(m.resources[f], "ReservedConcurrentExecutions") for f in ("Green", "Blue")], 900) is None
    ref = m.prop(m.resources["Mapping"], "FunctionName")
    assert ref[0].conditions == (("IsProd", True),)  # a reference to it holds where it exists


def test_resources_are_known_however_their_names_are_built():
    m = model_of("""
Parameters:
  Name: {Type: String}
Conditions:
  HasName: !Not [!Equals [!Ref Name, ""]]
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${AWS::StackName}-jobs"}
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !If [HasName, !Ref Name, !Ref AWS::NoValue]}
""")
    arn = m.attribute("Jobs", "Arn")
    assert m.lookup(arn, ("AWS::SQS::Queue",)) == "Jobs"
    literal = m.branches({"Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${AWS::StackName}-jobs"})[0].value
    assert m.lookup(literal, ("AWS::SQS::Queue",)) == "Jobs"
    assert m.lookup(m.attribute("Bucket", "Arn"), ("AWS::S3::Bucket",)) == "Bucket"  # optional name


def test_selects_of_get_azs_are_zones():
    m = model_of("""
Resources:
  A: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Select [0, !GetAZs ""]}}
  B: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Select [0, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}}
  C: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Select [1, !GetAZs ""]}}
  D: {Type: AWS::EC2::Subnet, Properties: {AvailabilityZone: !Ref Zone}}
""")
    assert m.zone_of("A") == m.zone_of("B") != m.zone_of("C")
    assert m.zone_of("D") is None
    assert zone_label(m.zone_of("A")) == "!Select [0, !GetAZs ''] in us-east-1"


def test_cdk_bucket_notifications_read_like_the_buckets_own():
    m = model_of("""
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Fn: {Type: AWS::Lambda::Function}
  Notifications:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:handler
      BucketName: !Ref Bucket
      NotificationConfiguration:
        LambdaFunctionConfigurations:
          - Events: [s3:ObjectCreated:*]
            LambdaFunctionArn: !GetAtt Fn.Arn
            Filter: {Key: {FilterRules: [{Name: suffix, Value: .png}]}}
      Managed: true
""")
    (note,) = s3_notifications(m)
    assert (note.bucket, note.kind, note.cdk) == ("Bucket", "lambda", True)
    assert note.dest_path == ("Resources", "Notifications", "Properties", "NotificationConfiguration",
                              "LambdaFunctionConfigurations", 0, "LambdaFunctionArn")
    assert note.rules == [{"Name": "suffix", "Value": ".png"}]


def test_together_refuses_two_values_of_one_parameter():
    m = model_of(HEAD + "Resources: {}\n")
    assert m.together(Branch(1, (), (), (("Env", "dev"),)), Branch(2, (), (), (("Env", "prod"),))) is None
    assert m.together(Branch(1, (("IsProd", True),)), Branch(2, (), (), (("Env", "dev"),))) is None
    both = m.together(Branch(1, (("IsProd", True),)), Branch(2, (), (), (("Fifo", "true"),)))
    assert both is not None and both.describe() == " when condition 'IsProd' is true and parameter 'Fifo' is 'true'"


def test_an_if_on_an_undeclared_condition_is_unknown():
    # stock E1028 reports the condition; no scenario decides the branch, so no finding may name it
    model = model_of("""
Conditions:
  IsFifo: !Equals [!Ref "AWS::Region", eu-west-1]
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: !If [IsFifo, !If [Undeclared, true, !Ref "AWS::NoValue"], true]
""")
    q = model.resources["Q"]
    values = sorted((b.conditions, repr(b.value)) for b in model.prop(q, "FifoQueue"))
    assert values == [((("IsFifo", False),), "True"), ((("IsFifo", True),), "UNKNOWN")]
