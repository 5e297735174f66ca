"""W9807: an RDS database with no standby in another Availability Zone."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.props import bool_branches, str_branches
from ...model import ABSENT
from ...model.rds import DB_CLUSTER, DB_INSTANCE, cluster_members, engines, single_member, standalone
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
            if self.exempt(db.logical_id):
                continue
            # per scenario: not in a cluster, not a read replica, an engine that offers Multi-AZ (an
            # `Engine` parameter's value decides the conditions that compare it)
            primary = [b for b in model.prop(db, "SourceDBInstanceIdentifier") if b.value is ABSENT]
            scopes = [b for b in standalone(model, db)
                      if b.value != "sqlserver-ex" and not b.value.startswith("custom-")]
            for (br, eng, _), both in model.combine(bool_branches(model, db, "MultiAZ", default=False), scopes, primary):
                if br.value is False and not self.non_production(model, both):
                    yield (br.path,
                           f"DB instance '{db.logical_id}' ({eng.value}) runs in one Availability Zone (MultiAZ "
                           f"{'not set' if 'MultiAZ' not in db.props else 'false'}{both.describe()}): an instance or "
                           "zone failure takes the database down. Set MultiAZ: true for a synchronous standby in "
                           "another zone.")
                    break
        members, unresolved = cluster_members(model)
        if unresolved:
            return
        for cluster in model.of_type(DB_CLUSTER):
            if self.exempt(cluster.logical_id):
                continue
            instances = members.get(cluster.logical_id, [])
            aurora = [e for e in engines(model, cluster) if e.value.startswith("aurora")]
            provisioned = [b for b in str_branches(model, cluster, "EngineMode", default="provisioned")
                           if b.value == "provisioned"]
            found = next(((only, scenario) for _, both in model.combine(aurora, provisioned)
                          for only, scenario in single_member(model, instances, both)
                          if not self.non_production(model, scenario)), None)
            if found is None:
                continue
            only, scenario = found
            yield (cluster.path,
                   f"Aurora cluster '{cluster.logical_id}' has one DB instance ('{only.logical_id}')"
                   f"{scenario.describe()}: when it fails there is no replica to fail over to. Add a second "
                   "instance in another Availability Zone.")

