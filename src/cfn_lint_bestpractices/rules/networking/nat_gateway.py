"""E9703: a public NAT gateway that cannot reach the internet itself."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.network import default_route_targets, tables_reach_igw
from ...model.props import str_branches
from .._base import BestPracticeRule


class NatGatewayPlacement(BestPracticeRule):
    id = "E9703"
    shortdesc = "Public NAT gateway without an Elastic IP or outside a public subnet"
    description = (
        "A public NAT gateway (ConnectivityType public, the default) needs an Elastic IP allocation "
        "(AllocationId) and must sit in a public subnet, one whose route table sends traffic to an internet "
        "gateway; otherwise the private subnets that route to it reach nothing."
    )
    tags = ["vpc", "nat-gateway", "networking"]
    resource_types = ("AWS::EC2::NatGateway",)

    def findings(self, model: TemplateModel):
        for nat in model.of_type("AWS::EC2::NatGateway"):
            public = [br for br in str_branches(model, nat, "ConnectivityType", default="public") if br.value == "public"]
            if not public:
                continue
            if any(b.value.lower() != "zonal" for b in str_branches(model, nat, "AvailabilityMode", default="zonal")):
                continue  # a regional NAT gateway: AWS places it and its addresses, no public subnet needed
            if "AllocationId" not in nat.props:
                yield (nat.path,
                       f"NAT gateway '{nat.logical_id}' is public (ConnectivityType public{public[0].describe()}) but has "
                       "no AllocationId, and a public NAT gateway cannot be created without an Elastic IP. Add "
                       "AllocationId: !GetAtt <EIP>.AllocationId, or set ConnectivityType: private.")
            subnet = model.lookup_node(nat.props.get("SubnetId"), ("AWS::EC2::Subnet",))
            tables = model.subnet_route_tables.get(subnet or "", [])
            if not tables or tables_reach_igw(model, tables) is not False:
                continue
            loops = default_route_targets(model, tables) or []
            if any(target == nat.logical_id for _, target in loops):
                why = (f"its own subnet '{subnet}' sends 0.0.0.0/0 back to this NAT gateway, a loop, and has no "
                       "route to an internet gateway")
            else:
                why = f"its subnet '{subnet}' has no route to an internet gateway (route tables: {', '.join(tables)})"
            yield (nat.prop_path("SubnetId"),
                   f"Public NAT gateway '{nat.logical_id}' cannot reach the internet: {why}. Put the NAT gateway in "
                   "a public subnet whose route table sends 0.0.0.0/0 to the internet gateway.")
