"""W9807: an RDS database with no standby in another Availability Zone."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.props import bool_branches, str_branches
from ...model.rds import DB_CLUSTER, DB_INSTANCE, cluster_members, engine, in_cluster, is_replica_or_restore
from .._base import EnvironmentDependentRule


class RdsMultiAz(EnvironmentDependentRule):
    id = "W9807"
    shortdesc = "RDS database without Multi-AZ"
    description = (
        "A single-AZ RDS instance has no standby: an instance or zone failure means downtime until it is "
        "replaced, and restores lose recent writes. An Aurora cluster with one instance has no failover target "
        "either. An environment choice: see exempt_resources and production_conditions."
    )
    tags = ["rds", "availability"]
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")

    def findings(self, model: TemplateModel):
        for db in model.of_type(DB_INSTANCE):
            name = engine(model, db)
            if self.exempt(db.logical_id) or in_cluster(model, db) or "SourceDBInstanceIdentifier" in db.props \
                    or name is None or name in ("sqlserver-ex",) or name.startswith("custom-"):
                continue
            for br in bool_branches(model, db, "MultiAZ", default=False):
                if br.value is False and not self.non_production(model, br):
                    yield (br.path,
                           f"DB instance '{db.logical_id}' ({name}) runs in one Availability Zone (MultiAZ "
                           f"{'not set' if 'MultiAZ' not in db.props else 'false'}{br.describe()}): an instance or zone "
                           "failure takes the database down. Set MultiAZ: true for a synchronous standby in another zone.")
                    break
        members, unresolved = cluster_members(model)
        if unresolved:
            return
        for cluster in model.of_type(DB_CLUSTER):
            name = engine(model, cluster)
            if self.exempt(cluster.logical_id) or not name or not name.startswith("aurora"):
                continue
            if any(b.value != "provisioned" for b in str_branches(model, cluster, "EngineMode", default="provisioned")):
                continue
            instances = members.get(cluster.logical_id, [])
            if len(instances) != 1 or instances[0].condition:
                continue  # a second instance, or one that exists only in some environments
            if self.test_only(model, model.exists(cluster)):
                continue
            yield (cluster.path,
                   f"Aurora cluster '{cluster.logical_id}' has one DB instance ('{instances[0].logical_id}'): when it "
                   "fails there is no replica to fail over to. Add a second instance in another Availability Zone.")
