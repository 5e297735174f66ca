"""W9515: a function outside any VPC wired to a database or cache that only a VPC can reach."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.values import as_bool
from .._base import BestPracticeRule

# Always inside a VPC, never reachable from the internet.
_VPC_ONLY = {
    "AWS::RDS::DBProxy": "an RDS Proxy", "AWS::RDS::DBProxyEndpoint": "an RDS Proxy endpoint",
    "AWS::ElastiCache::CacheCluster": "an ElastiCache cluster", "AWS::ElastiCache::ReplicationGroup": "an ElastiCache replication group",
    "AWS::ElastiCache::ServerlessCache": "an ElastiCache serverless cache", "AWS::MemoryDB::Cluster": "a MemoryDB cluster",
    "AWS::Neptune::DBCluster": "a Neptune cluster", "AWS::Neptune::DBInstance": "a Neptune instance",
    "AWS::DocDB::DBCluster": "a DocumentDB cluster", "AWS::DocDB::DBInstance": "a DocumentDB instance",
}


def _private_rds(model: TemplateModel, res) -> bool:
    """An RDS instance (or Aurora cluster) that the template makes private beyond doubt:
    PubliclyAccessible false, for a cluster on every instance of it in the template."""
    if res.type == "AWS::RDS::DBInstance":
        values = [b.value for b in model.prop(res, "PubliclyAccessible")]
        return all(as_bool(v) is False for v in values)
    if res.type == "AWS::RDS::DBCluster":
        if "PubliclyAccessible" in res.props:  # Multi-AZ DB clusters
            return all(as_bool(b.value) is False for b in model.prop(res, "PubliclyAccessible"))
        members = [i for i in model.of_type("AWS::RDS::DBInstance")
                   if model.lookup_node(i.props.get("DBClusterIdentifier"), ("AWS::RDS::DBCluster",)) == res.logical_id]
        return bool(members) and all(_private_rds(model, i) for i in members)
    return False


class PrivateDatabaseNeedsVpc(BestPracticeRule):
    id = "W9515"
    shortdesc = "Function outside a VPC uses a database endpoint only reachable in a VPC"
    description = (
        "A function without VpcConfig cannot reach resources inside a VPC. An environment variable that passes "
        "it the endpoint of an RDS Proxy, ElastiCache, MemoryDB, Neptune or DocumentDB resource, or of an RDS "
        "instance or cluster that is not publicly accessible, points at something it cannot connect to."
    )
    tags = ["lambda", "vpc", "rds", "database"]
    resource_types = ("AWS::Lambda::Function", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        for fn in model.functions:
            vpc = model.prop(fn.resource, "VpcConfig")
            if any(b.value is not ABSENT for b in vpc):
                continue
            for var in model.prop(fn.resource, "Environment", "Variables"):
                if not isinstance(var.value, dict):
                    continue
                for name, node in var.value.items():
                    for br in model.branches(node):
                        hit = self._endpoint(model, br.value)
                        if hit:
                            res, what = hit
                            yield (var.path + (name,) + br.path,
                                   f"Function '{fn.logical_id}' has no VpcConfig but its environment variable {name} "
                                   f"passes it the endpoint of {what} '{res}'{br.describe()}, which is only reachable from inside "
                                   "its VPC: the function's connections time out. Add VpcConfig with subnets that "
                                   "can reach the database and a security group it admits.")
                            break

    @staticmethod
    def _endpoint(model: TemplateModel, value):
        if not isinstance(value, str):
            return None
        for base, attr in model.attributes_named(value):
            res = model.resources[base]
            if "Endpoint" not in attr and "Address" not in attr:
                continue
            if res.type in _VPC_ONLY:
                return base, _VPC_ONLY[res.type]
            if res.type in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster") and _private_rds(model, res):
                return base, "a private RDS database"
        return None
