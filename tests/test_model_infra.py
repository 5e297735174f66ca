"""Unit tests of the model pieces the network, container and database rules share: settings with
defaults per branch, internet gateway attachments and routes, ECS launch types, RDS clusters."""

from __future__ import annotations

from cfn_lint_bestpractices.model import TemplateModel
from cfn_lint_bestpractices.model.ecs import service_on_fargate, task_only_fargate, task_uses_awsvpc
from cfn_lint_bestpractices.model.network import default_route_targets, route_gateway, tables_reach_igw
from cfn_lint_bestpractices.model.props import bool_branches, list_branches, str_branches
from cfn_lint_bestpractices.model.rds import cluster_members, in_cluster, is_replica_or_restore

COND = {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}


def make(resources: dict, parameters: dict | None = None) -> TemplateModel:
    return TemplateModel({"Parameters": parameters or {}, "Conditions": COND, "Resources": resources})


def test_bool_branches_fill_the_default_and_follow_conditions_and_parameters():
    model = make({
        "A": {"Type": "AWS::RDS::DBInstance", "Properties": {}},
        "B": {"Type": "AWS::RDS::DBInstance", "Properties": {"MultiAZ": {"Fn::If": ["IsProd", True, "false"]}}},
        "C": {"Type": "AWS::RDS::DBInstance", "Properties": {"MultiAZ": {"Ref": "Ha"}}},
        "D": {"Type": "AWS::RDS::DBInstance", "Properties": {"MultiAZ": {"Ref": "Unknown"}}},
    }, {"Ha": {"Type": "String", "Default": "false", "AllowedValues": ["true", "false"]}, "Unknown": {"Type": "String"}})
    a = bool_branches(model, model.resources["A"], "MultiAZ", default=False)
    assert [(b.value, b.path) for b in a] == [(False, ("Resources", "A"))]  # absent: the resource is the line
    b = bool_branches(model, model.resources["B"], "MultiAZ", default=False)
    assert [(x.value, x.conditions) for x in b] == [(True, (("IsProd", True),)), (False, (("IsProd", False),))]
    c = bool_branches(model, model.resources["C"], "MultiAZ")
    assert [(x.value, x.params) for x in c] == [(False, (("Ha", "false"),))]  # warnings: the Default
    model.every_value = True  # errors: every allowed value
    c = bool_branches(model, model.resources["C"], "MultiAZ")
    assert [(x.value, x.params) for x in c] == [(False, (("Ha", "false"),)), (True, (("Ha", "true"),))]
    assert bool_branches(model, model.resources["D"], "MultiAZ", default=False) == []  # unknown: silent


def test_list_and_string_branches():
    model = make({
        "Asg": {"Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {"VPCZoneIdentifier": {"Fn::If": ["IsProd", ["a", "b", {"Ref": "AWS::NoValue"}], {"Ref": "Nets"}]}}},
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {}},
    }, {"Nets": {"Type": "CommaDelimitedList", "Default": "x"}})
    lists = list_branches(model, model.resources["Asg"], "VPCZoneIdentifier")
    assert [(b.value, b.conditions, b.params) for b in lists] == [
        (["a", "b"], (("IsProd", True),), ()),
        (["x"], (("IsProd", False),), (("Nets", "x"),)),
    ]
    assert [b.value for b in list_branches(model, model.resources["Lb"], "Subnets")] == [[]]
    assert [b.value for b in str_branches(model, model.resources["Lb"], "Type", default="application")] == ["application"]


NETWORK = {
    "Vpc": {"Type": "AWS::EC2::VPC"},
    "Igw": {"Type": "AWS::EC2::InternetGateway"},
    "Att": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}}},
    "Public": {"Type": "AWS::EC2::RouteTable"},
    "Private": {"Type": "AWS::EC2::RouteTable"},
    "Odd": {"Type": "AWS::EC2::RouteTable"},
    "ToIgw": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Ref": "Public"}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Igw"}}},
    "ToNat": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Ref": "Private"}, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": {"Ref": "Nat"}}},
    "ToParam": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Ref": "Odd"}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "Gw"}}},
    "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": "subnet-1"}},
}


def test_internet_gateway_relations():
    model = make(NETWORK, {"Gw": {"Type": "String"}})
    attachments, unresolved = model.igw_attachments
    assert [a.logical_id for a in attachments["Igw"]] == ["Att"] and not unresolved
    assert route_gateway(model, model.resources["ToIgw"]) == "Igw"
    assert route_gateway(model, model.resources["ToNat"]) == ""
    assert route_gateway(model, model.resources["ToParam"]) is None
    assert tables_reach_igw(model, ["Public"]) is True
    assert tables_reach_igw(model, ["Private"]) is False
    assert tables_reach_igw(model, ["Odd"]) is None  # a gateway we cannot know
    assert [(r.logical_id, nat) for r, nat in default_route_targets(model, ["Private"])] == [("ToNat", "Nat")]
    assert default_route_targets(model, ["Odd"]) is None


def test_an_attachment_to_an_unknown_gateway_makes_every_gateway_possibly_attached():
    model = make({"Igw": {"Type": "AWS::EC2::InternetGateway"},
                  "Att": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"InternetGatewayId": {"Fn::ImportValue": "x"}}}})
    assert model.igw_attachments[1] is True


def test_ecs_launch_types():
    model = make({
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"NetworkMode": "awsvpc", "RequiresCompatibilities": ["FARGATE"]}},
        "Both": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"RequiresCompatibilities": ["EC2", "FARGATE"]}},
        "Fargate": {"Type": "AWS::ECS::Service", "Properties": {"LaunchType": "FARGATE"}},
        "Spot": {"Type": "AWS::ECS::Service", "Properties": {"CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT"}]}},
        "Mixed": {"Type": "AWS::ECS::Service", "Properties": {"CapacityProviderStrategy": [{"CapacityProvider": "FARGATE"}, {"CapacityProvider": {"Ref": "Cp"}}]}},
        "Ec2": {"Type": "AWS::ECS::Service", "Properties": {"LaunchType": "EC2"}},
        "Default": {"Type": "AWS::ECS::Service", "Properties": {}},
    }, {"Cp": {"Type": "String"}})
    r = model.resources
    assert task_only_fargate(model, r["Task"]) and task_uses_awsvpc(model, r["Task"])
    assert not task_only_fargate(model, r["Both"]) and not task_uses_awsvpc(model, r["Both"])
    assert service_on_fargate(model, r["Fargate"]) is True
    assert service_on_fargate(model, r["Spot"]) is True
    assert service_on_fargate(model, r["Mixed"]) is None
    assert service_on_fargate(model, r["Ec2"]) is False
    assert service_on_fargate(model, r["Default"]) is None  # the cluster's default strategy decides


def test_rds_clusters_replicas_and_restores():
    model = make({
        "Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql"}},
        "Writer": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": "Cluster"}}},
        "Loose": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "aurora-postgresql"}},
        "Plain": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres"}},
        "Replica": {"Type": "AWS::RDS::DBInstance", "Properties": {"SourceDBInstanceIdentifier": {"Ref": "Plain"}}},
    })
    members, unresolved = cluster_members(model)
    assert [m.logical_id for m in members["Cluster"]] == ["Writer"] and not unresolved
    r = model.resources
    assert in_cluster(model, r["Writer"]) and in_cluster(model, r["Loose"]) and not in_cluster(model, r["Plain"])
    assert is_replica_or_restore(r["Replica"]) and not is_replica_or_restore(r["Plain"])
