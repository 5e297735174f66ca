"""E9703: a public NAT gateway that cannot reach the internet itself."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.network import (SUBNET, igw_route_scenarios, named_branches, routes_to_nat, subnet_associations,
                              uncovered)
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
            # a regional NAT gateway: AWS places it and its addresses, no public subnet needed
            zonal = [b for b in str_branches(model, nat, "AvailabilityMode", default="zonal") if b.value.lower() == "zonal"]
            scenarios = [both for _, both in model.combine(public, zonal)]
            if not scenarios:
                continue
            # the AllocationId's value is read in each scenario: `!If [C, !GetAtt Ip.AllocationId, !Ref AWS::NoValue]`
            # leaves the gateway without an address when C is false
            for (scenario, alloc), both in model.combine(scenarios, model.prop(nat, "AllocationId")):
                if alloc.value is ABSENT:
                    yield (nat.finding_path(alloc.path),
                           f"NAT gateway '{nat.logical_id}' is public (ConnectivityType public) but has no AllocationId"
                           f"{both.describe()}, and a public NAT gateway cannot be created without an Elastic IP. Add "
                           "AllocationId: !GetAtt <EIP>.AllocationId, or set ConnectivityType: private.")
                    break
            yield from self._placement(model, nat, scenarios)

    @staticmethod
    def _placement(model: TemplateModel, nat, scenarios):
        """In which scenario the NAT gateway's subnet has a route table (its own association: the main
        route table is not in the template) without any route to an internet gateway. An association,
        a route or a target counts only in the scenarios in which it exists."""
        for scenario in scenarios:
            for subnet, sb in named_branches(model, nat, "SubnetId", (SUBNET,)):
                need = model.together(scenario, sb) if subnet else None
                if need is None:
                    continue
                for table, ab in subnet_associations(model, subnet):
                    need_here = model.together(need, ab) if table else None
                    if need_here is None:
                        continue
                    miss = uncovered(model, need_here, igw_route_scenarios(model, table))
                    if miss is None:
                        continue
                    if routes_to_nat(model, table, nat.logical_id, miss):
                        why = (f"its own subnet '{subnet}' sends 0.0.0.0/0 back to this NAT gateway, a loop, and "
                               "has no route to an internet gateway")
                    else:
                        why = f"its subnet '{subnet}' has no route to an internet gateway (route tables: {table})"
                    yield (nat.prop_path("SubnetId"),
                           f"Public NAT gateway '{nat.logical_id}' cannot reach the internet{miss.describe()}: {why}. "
                           "Put the NAT gateway in a public subnet whose route table sends 0.0.0.0/0 to the "
                           "internet gateway.")
                    return
