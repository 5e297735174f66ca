"""W9702: an internet gateway that is not attached, a route that races its attachment, and public IPs in
subnets that cannot reach an internet gateway."""

from __future__ import annotations

from ...fixes import Append, Fix, NoFix
from ...model import TemplateModel
from ...model.network import (IGW, igw_route_scenarios, named_branches, route_targets, subnet_associations,
                              uncovered)
from ...model.props import bool_branches
from .._base import BestPracticeRule


class InternetGatewayRouting(BestPracticeRule):
    id = "W9702"
    shortdesc = "Internet gateway not attached, or used before its attachment"
    description = (
        "An internet gateway carries traffic only once an AWS::EC2::VPCGatewayAttachment attaches it to the "
        "VPC; a route through it must be created after that attachment (DependsOn), or it can fail with "
        "'route table and network gateway belong to different networks'. A subnet that gives instances "
        "public IP addresses needs a route to an internet gateway, or the addresses are useless."
    )
    tags = ["vpc", "internet-gateway", "networking"]
    resource_types = ("AWS::EC2::InternetGateway", "AWS::EC2::Route", "AWS::EC2::Subnet")
    fixable = "safe"

    def findings(self, model: TemplateModel):
        attachments, unresolved = model.igw_attachments
        # per scenario: an attachment attaches its gateway only where it exists and its InternetGatewayId
        # (per branch) names that gateway
        attached: dict = {}
        unknown = False  # some attachment names a gateway we cannot tell: it may be any of them
        for att in model.of_type("AWS::EC2::VPCGatewayAttachment"):
            if "InternetGatewayId" in att.props:
                for igw, where in named_branches(model, att, "InternetGatewayId", (IGW,)):
                    if igw:
                        attached.setdefault(igw, []).append(where)
                    elif igw is None:
                        unknown = True
        for igw in model.of_type(IGW):
            if unknown:
                break
            miss = uncovered(model, model.exists(igw), attached.get(igw.logical_id, []))
            if miss is not None:
                yield (igw.path,
                       f"Internet gateway '{igw.logical_id}' is never attached to a VPC{miss.describe()}: no "
                       "AWS::EC2::VPCGatewayAttachment names it, so routes through it fail and nothing reaches "
                       "the internet. Add a VPCGatewayAttachment with the VpcId and this InternetGatewayId.")
        for route in model.of_type("AWS::EC2::Route"):
            # the gateway per branch of GatewayId (a target that is AWS::NoValue in a branch is none there)
            found = [(t, where) for t, where in route_targets(model, route) if t and t in attachments]
            if not found:
                continue
            igw, where = found[0]
            atts = attachments.get(igw or "", [])
            if not atts or any(model.created_after(route.logical_id, a.logical_id) for a in atts):
                continue
            # the race happens where the route goes through the gateway and an attachment of it exists
            race = next((b for a in atts for b in [model.together(where, model.exists(a))] if b is not None), None)
            if race is None:
                continue
            where = race
            names = " or ".join(f"'{a.logical_id}'" for a in atts)
            if len(atts) > 1:
                fix = NoFix(f"internet gateway '{igw}' has several attachments: the route may need any of them")
            elif atts[0].condition and atts[0].condition != route.condition:
                fix = NoFix(f"attachment '{atts[0].logical_id}' exists only when condition '{atts[0].condition}' "
                            "is true, and a DependsOn on it fails when it is not created")
            else:
                fix = Fix(f"add DependsOn: {atts[0].logical_id}", [Append(route.path + ("DependsOn",), str(atts[0].logical_id))])
            yield (route.path,
                   f"Route '{route.logical_id}' goes through internet gateway '{igw}' but is not created after "
                   f"its attachment {names}{where.describe()}: CloudFormation may create the route first, and it fails because the "
                   f"gateway is not yet attached to the VPC. Add DependsOn: {atts[0].logical_id} to the route.", fix)
        for subnet in model.of_type("AWS::EC2::Subnet"):
            # per scenario: the subnet's association (its own Condition, its RouteTableId per branch) and the
            # routes of that table that exist there; the main route table (no association) is not judged,
            # nor is a route whose target cannot be read
            for br in bool_branches(model, subnet, "MapPublicIpOnLaunch"):
                if br.value is not True:
                    continue
                miss = None
                for table, where in subnet_associations(model, subnet.logical_id):
                    need = model.together(br, where) if table else None
                    miss = uncovered(model, need, igw_route_scenarios(model, table)) if need is not None else None
                    if miss is not None:
                        break
                if miss is None:
                    continue
                yield (br.path,
                       f"Subnet '{subnet.logical_id}' gives instances a public IP address (MapPublicIpOnLaunch: "
                       f"true) but its route table ({table}) has no route to an internet gateway{miss.describe()}, "
                       "so the address is useless. Add a 0.0.0.0/0 route to the internet gateway, or set "
                       "MapPublicIpOnLaunch to false for a private subnet.")
                break
