"""W9704: a gateway VPC endpoint that no route table uses."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.network import endpoint_service
from ...model.props import list_branches, str_branches

from .._base import BestPracticeRule


class GatewayEndpointRoutes(BestPracticeRule):
    id = "W9704"
    shortdesc = "Gateway VPC endpoint without route tables"
    description = (
        "A gateway VPC endpoint (S3 or DynamoDB, VpcEndpointType Gateway, the default) works only through the "
        "routes it adds to the route tables listed in RouteTableIds. Without route tables it carries no "
        "traffic, and subnets that rely on it cannot reach the service."
    )
    tags = ["vpc", "vpc-endpoint", "networking"]
    resource_types = ("AWS::EC2::VPCEndpoint",)

    def findings(self, model: TemplateModel):
        for ep in model.of_type("AWS::EC2::VPCEndpoint"):
            kinds = str_branches(model, ep, "VpcEndpointType", default="Gateway")
            if not any(k.value.lower() == "gateway" for k in kinds):
                continue
            service = endpoint_service(model, ep) or "the service"
            for (br, kind), both in model.combine(list_branches(model, ep, "RouteTableIds"), kinds):
                if br.value or kind.value.lower() != "gateway":
                    continue
                yield (br.path,
                       f"Gateway VPC endpoint '{ep.logical_id}' for {service} has no RouteTableIds{both.describe()}: "
                       "a gateway endpoint works only through routes in the route tables it is given, so no "
                       "traffic uses it. List the route tables of the subnets that call the service in RouteTableIds.")
