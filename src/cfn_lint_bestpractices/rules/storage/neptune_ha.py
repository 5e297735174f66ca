"""W9819: a Neptune cluster with a single DB instance, or whose bulk loader cannot reach Amazon S3."""

from __future__ import annotations

from ...model import Branch, TemplateModel
from ...model.network import endpoint_covers
from ...model.rds import single_member
from .._base import EnvironmentDependentRule

CLUSTER = "AWS::Neptune::DBCluster"
INSTANCE = "AWS::Neptune::DBInstance"
SUBNET_GROUP = "AWS::Neptune::DBSubnetGroup"
SUBNET = "AWS::EC2::Subnet"
ENDPOINT = "AWS::EC2::VPCEndpoint"


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
        for endpoint in model.of_type(ENDPOINT):
            if model.vpc_of(endpoint) is None:
                return None  # an endpoint in a VPC we cannot tell
        for named in model.prop(cluster, "DBSubnetGroupName"):
            where = model.together(named, scope)
            group = model.lookup(named.value, (SUBNET_GROUP,)) if where is not None else None
            if group is None:
                continue  # the default subnet group, or one the template does not show
            for listed in model.lists(model.resources[group], "SubnetIds"):
                inner = model.together(listed, where)
                if inner is None:
                    continue
                found = self._uncovered(model, listed.value, inner)
                if found:
                    return found
        return None

    @staticmethod
    def _uncovered(model: TemplateModel, items: list, where: Branch):
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
        endpoints = model.vpc_endpoints.get(vpc, [])
        absent = []  # per conditional endpoint that serves a subnet: the scenario in which it does not exist
        for subnet in subnets:
            tables = model.subnet_route_tables.get(subnet, [])
            if not tables:
                return None  # the main route table, which the template does not show
            for endpoint in endpoints:
                covered = endpoint_covers(model, endpoint, "s3", tables)
                if covered is None:
                    return None
                if covered:
                    if not endpoint.condition:
                        return None
                    absent.append([Branch(None, ((endpoint.condition, False),))])
        for _, scenario in model.combine([where], *absent):
            return vpc, sorted(set(subnets)), scenario
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
