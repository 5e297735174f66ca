"""Where traffic from a subnet can go: default routes and VPC endpoints."""

from __future__ import annotations

from .iam import endpoint_names
from .template import Resource, TemplateModel
from .values import UNKNOWN

# Route targets that carry a subnet's traffic on beyond the VPC (NAT gateway or instance, transit
# gateway, peering, Gateway Load Balancer endpoint, and the rarer kinds): egress we take as working.
EGRESS_TARGETS = ("NatGatewayId", "InstanceId", "NetworkInterfaceId", "TransitGatewayId",
                  "VpcPeeringConnectionId", "VpcEndpointId", "CarrierGatewayId", "LocalGatewayId",
                  "CoreNetworkArn")

EGRESS, IGW_ONLY, NO_DEFAULT, UNKNOWN_ROUTE = "egress", "igw-only", "no-default-route", "unknown"


def _route_kind(model: TemplateModel, route: Resource) -> str | None:
    """The kind of a route if it is a default IPv4 route, None if it is another route."""
    props = route.props
    if "DestinationCidrBlock" not in props:
        return None
    dest = model.resolver.one(props["DestinationCidrBlock"])
    if dest is UNKNOWN or not isinstance(dest, str):
        return UNKNOWN_ROUTE
    if dest.strip() != "0.0.0.0/0":
        return None
    if any(k in props for k in EGRESS_TARGETS):
        return EGRESS
    if "GatewayId" in props:
        gw = model.resolver.one(props["GatewayId"])
        if model.lookup(gw, ("AWS::EC2::InternetGateway",)):
            return IGW_ONLY
        if isinstance(gw, str) and gw.startswith("igw-"):
            return IGW_ONLY
        return UNKNOWN_ROUTE  # a virtual private gateway, a parameter: cannot judge
    return UNKNOWN_ROUTE


def subnet_egress(model: TemplateModel, subnet_id: str) -> tuple[str, list[str]]:
    """(kind, route tables) for a subnet: EGRESS, IGW_ONLY, NO_DEFAULT or UNKNOWN_ROUTE."""
    tables = model.subnet_route_tables.get(subnet_id, [])
    if not tables:
        return UNKNOWN_ROUTE, []  # the VPC's main route table, which the template does not show
    kinds = set()
    for table in tables:
        for route in model.routes.get(table, []):
            kind = _route_kind(model, route)
            if kind:
                kinds.add(kind)
    if EGRESS in kinds or UNKNOWN_ROUTE in kinds:
        return (EGRESS if EGRESS in kinds else UNKNOWN_ROUTE), tables
    if IGW_ONLY in kinds:
        return IGW_ONLY, tables
    return NO_DEFAULT, tables


def endpoint_service(model: TemplateModel, endpoint: Resource) -> str | None:
    """'s3' for com.amazonaws.<region>.s3, 'ecr.api' for ...ecr.api; None when unknown."""
    name = model.resolver.string(endpoint.props.get("ServiceName"))
    if not name:
        return None
    parts = name.split(".")
    if len(parts) >= 4 and parts[0] in ("com", "cn") and parts[1].startswith("amazonaws"):
        return ".".join(parts[3:])
    return None


def endpoint_covers(model: TemplateModel, endpoint: Resource, service: str, route_tables: list[str]) -> bool | None:
    """Whether the endpoint lets a subnet with these route tables reach `service` (None: unknown)."""
    svc = endpoint_service(model, endpoint)
    if svc is None:
        return None
    if svc not in endpoint_names(service):
        return False
    etype = model.resolver.one(endpoint.props.get("VpcEndpointType", "Gateway"))
    if not isinstance(etype, str):
        return None
    if etype.lower() == "gateway":
        tables = model.branches(endpoint.props.get("RouteTableIds"))
        for br in tables:
            if not isinstance(br.value, list):
                return None
            for node in br.value:
                table = model.lookup_node(node, ("AWS::EC2::RouteTable",))
                if table is None and model.resolver.one(node) is UNKNOWN:
                    return None
                if table in route_tables:
                    return True
        return False
    # Interface endpoints serve the whole VPC (we do not judge private DNS or zones).
    return True



IGW = "AWS::EC2::InternetGateway"
AUTO_SCALING_GROUP = "AWS::AutoScaling::AutoScalingGroup"


def route_gateway(model: TemplateModel, route: Resource) -> str | None:
    """What a route sends its traffic to, as far as internet gateways go: the IGW's logical id (or
    "external" for a literal igw- id), "" for any other target, None when it cannot be known."""
    props = route.props
    if "GatewayId" not in props:
        return "" if any(k in props for k in EGRESS_TARGETS) else None
    value = model.resolver.one(props["GatewayId"])
    if not isinstance(value, str):
        return None
    igw = model.lookup(value, (IGW,))
    if igw:
        return igw
    if value.startswith("igw-"):
        return "external"
    if value.startswith("vgw-") or model.lookup(value, ("AWS::EC2::VPNGateway",)):
        return ""
    return None


def tables_reach_igw(model: TemplateModel, tables: list[str]) -> bool | None:
    """Whether any route of these route tables goes to an internet gateway (True), none does and every
    route is known (False), or some route cannot be read (None)."""
    unknown = False
    for table in tables:
        for route in model.routes.get(table, []):
            target = route_gateway(model, route)
            if target:
                return True
            if target is None:
                unknown = True
    return None if unknown else False


def default_route_targets(model: TemplateModel, tables: list[str]) -> list[tuple[Resource, str]] | None:
    """(route, NAT gateway logical id) for the IPv4 default routes of these tables that go to an
    in-template NAT gateway; None when some default route cannot be read."""
    out = []
    for table in tables:
        for route in model.routes.get(table, []):
            kind = _route_kind(model, route)
            if kind == UNKNOWN_ROUTE:
                return None
            if kind == EGRESS and "NatGatewayId" in route.props:
                nat = model.lookup_node(route.props["NatGatewayId"], ("AWS::EC2::NatGateway",))
                if nat:
                    out.append((route, nat))
    return out
