"""W9809: RDS, DocumentDB and Neptune storage without encryption, and RDS with automated backups off."""

from __future__ import annotations

from ...model import TemplateModel
from ...model.lambda_config import int_branches
from ...model.props import bool_branches
from ...model.rds import DB_CLUSTER, DB_INSTANCE, engines, fresh_scenarios, standalone, within_all
from .._base import BestPracticeRule

CLUSTERS = (DB_CLUSTER, "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")


class RdsEncryptionAndBackups(BestPracticeRule):
    id = "W9809"
    shortdesc = "Database storage unencrypted or automated backups off"
    description = (
        "RDS DB instances, DocumentDB and Neptune clusters and RDS Multi-AZ DB clusters store data unencrypted "
        "unless StorageEncrypted is true, and encryption can only be chosen when the database is created (later "
        "it takes a snapshot copy and a restore). Aurora clusters are not reported: Aurora encrypts every cluster "
        "created since 2026-02-18. BackupRetentionPeriod 0 turns off automated backups and point-in-time restore. "
        "Replicas and restores inherit these settings and are not read."
    )
    tags = ["rds", "encryption", "backup"]
    resource_types = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster")

    def findings(self, model: TemplateModel):
        for db in model.of_type(DB_INSTANCE):
            # the scenarios in which the instance holds its own data: not a cluster member (an `Engine`
            # parameter's value is judged with the conditions that compare it), not RDS Custom (always
            # encrypted), and created empty: replicas and restores inherit these settings
            own = [b for b in standalone(model, db, unknown=True) if not (b.value or "").startswith("custom-")]
            fresh = within_all(model, own, fresh_scenarios(model, db))
            if not fresh:
                continue
            yield from self._encryption(model, db, "DB instance", fresh)
            for br in int_branches(model, db, "BackupRetentionPeriod"):
                br = next((b for b in (model.together(br, f) for f in fresh) if b is not None), None)
                if br is not None and br.value == 0:
                    yield (br.path,
                           f"DB instance '{db.logical_id}' has BackupRetentionPeriod 0{br.describe()}: automated backups "
                           "and point-in-time restore are off. Keep backups for at least 7 days.")
                    break
        for cluster in model.of_type(*CLUSTERS):
            fresh = fresh_scenarios(model, cluster)
            if cluster.type == DB_CLUSTER:
                # per scenario of the engine: Aurora encrypts every cluster created since 2026-02-18 (an
                # AWS owned key by default), and an engine that cannot be known may be Aurora; Aurora
                # Serverless v1 (EngineMode serverless) is Aurora too
                others = [e for e in engines(model, cluster) if not e.value.startswith("aurora")]
                fresh = within_all(model, others, fresh)
            if fresh:
                yield from self._encryption(model, cluster, "DB cluster", fresh)

    @staticmethod
    def _encryption(model: TemplateModel, res, what: str, fresh: list):
        for br in bool_branches(model, res, "StorageEncrypted", default=False):
            br = next((b for b in (model.together(br, f) for f in fresh) if b is not None), None)
            if br is not None and br.value is False:
                yield (br.path,
                       f"{what} '{res.logical_id}' is created with unencrypted storage (StorageEncrypted "
                       f"{'not set' if 'StorageEncrypted' not in res.props else 'false'}{br.describe()}); encryption "
                       "cannot be turned on later without a snapshot copy and restore. Set StorageEncrypted: true "
                       "(and KmsKeyId for a customer managed key).")
                break
