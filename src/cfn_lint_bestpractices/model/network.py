"""Where traffic from a subnet can go: default routes and VPC endpoints."""

from __future__ import annotations

from .iam import endpoint_names
from .template import Resource, TemplateModel
from .values import ABSENT, UNKNOWN, Branch, zone_label

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
    # each target key's value is read per branch (a key whose value is AWS::NoValue is no target); a route
    # whose kind differs between branches is not judged here (UNKNOWN_ROUTE)
    kinds = set()
    gateways = model.prop(route, "GatewayId")
    others = [model.prop(route, k) for k in EGRESS_TARGETS if k in props]
    for chosen, _ in model.combine(gateways, *others):
        if any(b.value is not ABSENT for b in chosen[1:]):
            kinds.add(EGRESS)
            continue
        gw = chosen[0].value
        if isinstance(gw, str) and (model.lookup(gw, ("AWS::EC2::InternetGateway",)) or gw.startswith("igw-")):
            kinds.add(IGW_ONLY)
        else:
            kinds.add(UNKNOWN_ROUTE)  # a virtual private gateway, a parameter, no target: cannot judge
    if not kinds:
        return None  # the route exists in no scenario that can happen
    return kinds.pop() if len(kinds) == 1 else UNKNOWN_ROUTE


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
    return service_of_name(model.resolver.string(endpoint.props.get("ServiceName")))


def service_of_name(name) -> str | None:
    """'s3' for the endpoint service name com.amazonaws.<region>.s3; None when unknown."""
    if not isinstance(name, str) or not name:
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


# -- per scenario: what exists and what it names in each branch ------------------------------------
SUBNET = "AWS::EC2::Subnet"
ROUTE_TABLE = "AWS::EC2::RouteTable"
NAT_GATEWAY = "AWS::EC2::NatGateway"


def uncovered(model: TemplateModel, need: Branch, grants: list[Branch]) -> Branch | None:
    """`TemplateModel.uncovered`: a scenario within `need` in which none of `grants` holds, or None."""
    return model.uncovered(need, grants)


def named_branches(model: TemplateModel, res: Resource, key: str, types: tuple) -> list[tuple[str | None, Branch]]:
    """(what the property names, scenario) per branch of a reference property, in the scenarios in which
    `res` exists: the in-template resource's logical id, "" where the property is absent (AWS::NoValue),
    None where it names something else or cannot be known."""
    out = []
    for br in model.prop(res, key):
        if br.value is ABSENT:
            out.append(("", br))
        else:
            out.append((model.lookup(br.value, types) if br.value is not UNKNOWN else None, br))
    return out


def subnet_associations(model: TemplateModel, subnet_id: str) -> list[tuple[str | None, Branch]]:
    """(route table, scenario) for each SubnetRouteTableAssociation of the subnet, per branch of its
    SubnetId and RouteTableId and where the association exists; the table is None when unknown."""
    out = []
    for assoc in model.of_type("AWS::EC2::SubnetRouteTableAssociation"):
        for subnet, sb in named_branches(model, assoc, "SubnetId", (SUBNET,)):
            if subnet != subnet_id:
                continue
            for table, tb in named_branches(model, assoc, "RouteTableId", (ROUTE_TABLE,)):
                both = model.together(sb, tb)
                if both is not None:
                    out.append((table or None, both))
    return out


def table_routes(model: TemplateModel, table_id: str) -> list[tuple[Resource, Branch]]:
    """(route, scenario) for the routes of a route table, per branch of their RouteTableId, where the
    route exists."""
    out = []
    for route in model.of_type("AWS::EC2::Route"):
        for table, br in named_branches(model, route, "RouteTableId", (ROUTE_TABLE,)):
            if table == table_id:
                out.append((route, br))
    return out


def route_targets(model: TemplateModel, route: Resource) -> list[tuple[str | None, Branch]]:
    """What a route sends its traffic to in each scenario in which it exists, as far as internet gateways
    go: the internet gateway's logical id (or "external" for a literal igw- id), "" for another target,
    None when it cannot be known. A target key whose value is AWS::NoValue is no target."""
    gateways = model.prop(route, "GatewayId")
    others = [model.prop(route, k) for k in EGRESS_TARGETS if k in route.props]
    out = []
    for chosen, scenario in model.combine(gateways, *others):
        value = chosen[0].value
        if value is ABSENT:
            other = any(b.value is not ABSENT for b in chosen[1:])
            out.append(("" if other else None, scenario))
            continue
        if not isinstance(value, str):
            out.append((None, scenario))
            continue
        igw = model.lookup(value, (IGW,))
        if igw:
            out.append((igw, scenario))
        elif value.startswith("igw-"):
            out.append(("external", scenario))
        elif value.startswith("vgw-") or model.lookup(value, ("AWS::EC2::VPNGateway",)):
            out.append(("", scenario))
        else:
            out.append((None, scenario))
    return out


def igw_route_scenarios(model: TemplateModel, table_id: str) -> list[Branch]:
    """The scenarios in which some route of the table goes (or may go: a target that cannot be read)
    to an internet gateway."""
    out = []
    for route, rb in table_routes(model, table_id):
        for target, tb in route_targets(model, route):
            if target == "":
                continue
            both = model.together(rb, tb)
            if both is not None:
                out.append(both)
    return out


def routes_to_nat(model: TemplateModel, table_id: str, nat_id: str, where: Branch) -> bool:
    """Whether some route of the table sends traffic to this NAT gateway in the scenario `where`."""
    for route, rb in table_routes(model, table_id):
        for nat, nb in named_branches(model, route, "NatGatewayId", (NAT_GATEWAY,)):
            if nat == nat_id and model.together(where, rb, nb) is not None:
                return True
    return False


def public_scenarios(model: TemplateModel, subnet_id: str) -> list[Branch]:
    """The scenarios in which a subnet is public: its own route table (an association that exists there)
    has a 0.0.0.0/0 route, existing there, whose target is an internet gateway."""
    out = []
    for table, where in subnet_associations(model, subnet_id):
        if not table:
            continue
        for route, rb in table_routes(model, table):
            for dest in model.prop(route, "DestinationCidrBlock"):
                if not (isinstance(dest.value, str) and dest.value.strip() == "0.0.0.0/0"):
                    continue
                for target, tb in route_targets(model, route):
                    if target:  # an internet gateway of the template, or a literal igw- id
                        both = model.together(where, rb, dest, tb)
                        if both is not None:
                            out.append(both)
    return out


def one_zone(model: TemplateModel, res: Resource, key: str):
    """(list branch, what the entries are, scenario) where a list of two or more subnets (`key` of `res`:
    Subnets, SubnetMappings, VPCZoneIdentifier) written in the template holds, in some scenario, subnets
    of a single Availability Zone, or a single subnet once its `AWS::NoValue` entries are dropped. Each entry and each subnet's zone is read per branch, and a
    subnet counts only where it exists."""
    for lst in model.prop(res, key):
        if not isinstance(lst.value, list) or len(lst.value) < 2 or lst.params:
            continue
        per_item = []
        for index, item in enumerate(lst.value):
            refs = model.get(item, "SubnetId") if key == "SubnetMappings" else model.branches(item)
            zones = []
            for ref in refs:
                if ref.value is ABSENT:
                    zones.append(Branch(ABSENT, ref.conditions, (), ref.params))
                    continue
                subnet = model.lookup(ref.value, (SUBNET,)) if ref.value is not UNKNOWN else None
                if not subnet:
                    zones.append(Branch(None, ref.conditions, (), ref.params))
                    continue
                for zone in model.zones_of(subnet):
                    both = model.together(ref, zone)
                    if both is not None:
                        zones.append(Branch((subnet, zone.value), both.conditions, (), both.params))
            per_item.append(zones)
        for chosen, scenario in model.combine([lst], *per_item):
            entries = [c.value for c in chosen[1:] if c.value is not ABSENT]
            if len(entries) == 1:
                yield lst, "one entry", scenario
                break
            if len(entries) > 1 and all(e is not None and e[1] is not None for e in entries) \
                    and len({e[1] for e in entries}) == 1:
                names = ", ".join(dict.fromkeys(e[0] for e in entries))
                yield lst, f"only subnets of one Availability Zone ({zone_label(entries[0][1])}: {names})", scenario
                break
