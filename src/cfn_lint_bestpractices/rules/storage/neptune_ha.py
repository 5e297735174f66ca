"""W9819: a Neptune cluster with a single DB instance."""

from __future__ import annotations

from ...model import TemplateModel
from .._base import EnvironmentDependentRule

CLUSTER = "AWS::Neptune::DBCluster"
INSTANCE = "AWS::Neptune::DBInstance"


class NeptuneHighAvailability(EnvironmentDependentRule):
    id = "W9819"
    shortdesc = "Neptune cluster with one DB instance"
    description = (
        "A Neptune cluster whose only instance is the primary has no read replica to promote: when the "
        "instance or its Availability Zone fails, Neptune recreates the primary, which takes longer than a "
        "failover to a replica in another zone. Add a second DB instance to the cluster. An environment "
        "choice: see exempt_resources and production_conditions."
    )
    tags = ["neptune", "availability"]
    resource_types = (CLUSTER,)

    def findings(self, model: TemplateModel):
        clusters = model.of_type(CLUSTER)
        if not clusters:
            return
        by_name = {}
        for cluster in clusters:
            name = model.one(cluster.props.get("DBClusterIdentifier"))
            if isinstance(name, str) and "\u27e6" not in name:
                by_name[name.lower()] = cluster.logical_id
        members: dict[str, list] = {}
        for db in model.of_type(INSTANCE):
            node = db.props.get("DBClusterIdentifier")
            target = model.lookup_node(node, (CLUSTER,))
            if target is None:
                value = model.one(node)
                if not isinstance(value, str) or "\u27e6" in value:
                    return  # an instance of a cluster we cannot tell: any cluster may have it
                target = by_name.get(value.lower())
            if target:
                members.setdefault(target, []).append(db)
        for cluster in clusters:
            if self.exempt(cluster.logical_id):
                continue
            instances = members.get(cluster.logical_id, [])
            if len(instances) != 1 or instances[0].condition:
                continue  # none here (added elsewhere), several, or one that exists only in some stacks
            if self.non_production(model, model.exists(cluster)):
                continue
            yield (cluster.path,
                   f"Neptune cluster '{cluster.logical_id}' has one DB instance ('{instances[0].logical_id}'): "
                   "when it fails there is no read replica to fail over to, and the cluster is down until the "
                   "primary is recreated. Add a second AWS::Neptune::DBInstance with this DBClusterIdentifier "
                   "(Neptune places replicas in other Availability Zones of the subnet group).")
