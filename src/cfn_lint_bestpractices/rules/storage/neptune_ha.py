"""W9819: a Neptune cluster with a single DB instance, or whose bulk loader cannot reach Amazon S3."""

from __future__ import annotations

from ...model import ABSENT, Branch, TemplateModel
from ...model.iam import endpoint_names
from ...model.network import service_of_name
from ...model.rds import single_member
from .._base import EnvironmentDependentRule

CLUSTER = "AWS::Neptune::DBCluster"
INSTANCE = "AWS::Neptune::DBInstance"
SUBNET_GROUP = "AWS::Neptune::DBSubnetGroup"
SUBNET = "AWS::EC2::Subnet"
ENDPOINT = "AWS::EC2::VPCEndpoint"


def _serving(model: TemplateModel, endpoint, tables: list[str]) -> list[Branch] | None:
    """The scenarios in which the endpoint serves a subnet with these route tables: a Gateway endpoint
    whose RouteTableIds (read per branch) name one of them, an Interface endpoint always; None when
    that cannot be told."""
    etype = model.one(endpoint.props.get("VpcEndpointType", "Gateway"))
    if not isinstance(etype, str):
        return None
    if etype.lower() != "gateway":
        return [Branch(None)]  # an Interface endpoint serves the whole VPC
    out = []
    for listed in model.prop(endpoint, "RouteTableIds"):
        if listed.value is ABSENT:
            continue
        if not isinstance(listed.value, list):
            return None
        for item in listed.value:
            for br in model.branches(item):
                if br.value is ABSENT:
                    continue
                table = model.lookup(br.value, ("AWS::EC2::RouteTable",)) if isinstance(br.value, str) else None
                if table is None and not (isinstance(br.value, str) and br.value.startswith("rtb-")):
                    return None  # a route table we cannot tell
                both = model.together(br, listed)
                if table in tables and both is not None:
                    out.append(both)
    return out


class NeptuneHighAvailability(EnvironmentDependentRule):
    id = "W9819"
    shortdesc = "Neptune cluster with one DB instance, or no S3 endpoint for its loader"
    description = (
        "A Neptune cluster whose only instance is the primary has no read replica to promote: when the "
        "instance or its Availability Zone fails, Neptune recreates the primary, which takes longer than a "
        "failover to a replica in another zone. Add a second DB instance to the cluster. A cluster with "
        "AssociatedRoles (the IAM role the bulk loader uses to read Amazon S3) in subnets of an in-template VPC "
        "that has no S3 VPC endpoint routed for those subnets cannot load: the Neptune loader reaches S3 only "
        "through a VPC endpoint. The single-instance check is an environment choice: see exempt_resources and "
        "production_conditions."
    )
    tags = ["neptune", "availability"]
    resource_types = (CLUSTER,)

    def _loader_without_endpoint(self, model: TemplateModel, cluster, scope: Branch):
        """(VPC, subnets, scenario) for a scenario within `scope` in which the cluster's subnets are in an
        in-template VPC with no S3 VPC endpoint that serves their route tables; None when that cannot be
        told or an endpoint serves them. The subnet group is read per branch, and a subnet group or an
        endpoint with its own Condition counts only where it exists (the resolver puts a resource's
        Condition on the branches that name it)."""
        # per endpoint, the scenarios in which it is an S3 endpoint in an in-template VPC: it exists (its
        # Condition), its VpcId names the VPC and its ServiceName is S3's, both read per branch
        endpoint_vpcs = []
        for endpoint in model.of_type(ENDPOINT):
            vpcs = []
            for br, scenario in model.combine(model.prop(endpoint, "VpcId"), model.prop(endpoint, "ServiceName")):
                vpc_id, name = br[0].value, br[1].value
                if vpc_id is ABSENT or name is ABSENT:
                    continue  # no VPC or no service in this scenario: it serves no subnet there
                vpc = model.lookup(vpc_id, ("AWS::EC2::VPC",))
                service = service_of_name(name)
                if vpc is None or service is None:
                    return None  # an endpoint in a VPC, or for a service, we cannot tell
                if service in endpoint_names("s3"):
                    vpcs.append(Branch(vpc, scenario.conditions, scenario.path, scenario.params))
            endpoint_vpcs.append((endpoint, vpcs))
        for named in model.prop(cluster, "DBSubnetGroupName"):
            where = model.together(named, scope)
            group = model.lookup(named.value, (SUBNET_GROUP,)) if where is not None else None
            if group is None:
                continue  # the default subnet group, or one the template does not show
            for listed in model.lists(model.resources[group], "SubnetIds"):
                inner = model.together(listed, where)
                if inner is None:
                    continue
                found = self._uncovered(model, listed.value, inner, endpoint_vpcs)
                if found:
                    return found
        return None

    @staticmethod
    def _uncovered(model: TemplateModel, items: list, where: Branch, endpoint_vpcs: list):
        subnets = []
        for item in items:
            subnet = model.lookup(item, (SUBNET,)) if isinstance(item, str) else None
            if subnet is None:
                return None
            subnets.append(subnet)
        if not subnets:
            return None
        vpcs = {model.vpc_of(model.resources[s]) for s in subnets}
        if len(vpcs) != 1 or None in vpcs:
            return None
        vpc = vpcs.pop()
        # the scenarios in which some endpoint serves each subnet: the endpoint exists (its Condition),
        # its VpcId (read per branch) is this VPC, and its route tables are the subnet's
        for subnet in subnets:
            tables = model.subnet_route_tables.get(subnet, [])
            if not tables:
                return None  # the main route table, which the template does not show
            grants = []
            for endpoint, in_vpcs in endpoint_vpcs:
                mine = [br for br in in_vpcs if br.value == vpc]
                if not mine:
                    continue
                serving = _serving(model, endpoint, tables)
                if serving is None:
                    return None
                grants.extend(scenario for _, scenario in model.combine(mine, serving))
            missing = model.uncovered(where, grants)
            if missing is not None:
                return vpc, sorted(set(subnets)), missing
        return None

    def findings(self, model: TemplateModel):
        clusters = model.of_type(CLUSTER)
        if not clusters:
            return
        by_name = {}
        for cluster in clusters:
            name = model.one(cluster.props.get("DBClusterIdentifier"))
            if isinstance(name, str) and "\u27e6" not in name:
                by_name[name.lower()] = cluster.logical_id
        # cluster names and instances' DBClusterIdentifier are read as one value: one chosen by an Fn::If
        # makes the instance's cluster unknown (`unresolved`), and the single-instance check stays silent
        members: dict[str, list] = {}
        unresolved = False
        for db in model.of_type(INSTANCE):
            node = db.props.get("DBClusterIdentifier")
            target = model.lookup_node(node, (CLUSTER,))
            if target is None:
                value = model.one(node)
                if not isinstance(value, str) or "\u27e6" in value:
                    unresolved = True  # an instance of a cluster we cannot tell: any cluster may have it
                    continue
                target = by_name.get(value.lower())
            if target:
                members.setdefault(target, []).append(db)
        for cluster in clusters:
            for roles in model.lists(cluster, "AssociatedRoles"):
                if not roles.value:
                    continue
                found = self._loader_without_endpoint(model, cluster, roles)
                if found:
                    vpc, subnets, scenario = found
                    yield (cluster.prop_path("AssociatedRoles"),
                           f"Neptune cluster '{cluster.logical_id}' has AssociatedRoles for loading from Amazon S3, "
                           f"but VPC '{vpc}' has no S3 VPC endpoint routed for its subnets ({', '.join(subnets)})"
                           f"{scenario.describe()}: the Neptune bulk loader reaches S3 only through a VPC endpoint, "
                           "so loads fail with 'Unable to connect to S3 endpoint'. Add an AWS::EC2::VPCEndpoint for "
                           "com.amazonaws.<region>.s3 (Gateway) with the route tables of these subnets.")
                    break
        for cluster in clusters:
            if unresolved or self.exempt(cluster.logical_id):
                continue
            instances = members.get(cluster.logical_id, [])
            # an instance with its own Condition counts only where it exists
            found = next(((only, scenario) for only, scenario in single_member(model, instances, model.exists(cluster))
                          if not self.non_production(model, scenario)), None)
            if found is None:
                continue
            only, scenario = found
            yield (cluster.path,
                   f"Neptune cluster '{cluster.logical_id}' has one DB instance ('{only.logical_id}'){scenario.describe()}: "
                   "when it fails there is no read replica to fail over to, and the cluster is down until Neptune "
                   "recreates the primary (typically within 10 minutes; promoting a replica typically takes under "
                   "120 seconds). Add a second AWS::Neptune::DBInstance with this DBClusterIdentifier, "
                   "in another Availability Zone.")
