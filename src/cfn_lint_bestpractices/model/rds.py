"""RDS instances and clusters: engine families and which instances belong to a cluster."""

from __future__ import annotations

from .template import Resource, TemplateModel
from .values import ABSENT, Branch

DB_INSTANCE = "AWS::RDS::DBInstance"
DB_CLUSTER = "AWS::RDS::DBCluster"


def engine(model: TemplateModel, res: Resource) -> str | None:
    value = model.resolver.one(res.props.get("Engine"))
    return value.lower() if isinstance(value, str) and "⟦" not in value else None


def in_cluster(model: TemplateModel, db: Resource) -> bool:
    """An instance that belongs to a DB cluster (Aurora, or Multi-AZ DB clusters): its storage, backups
    and encryption are the cluster's."""
    if "DBClusterIdentifier" in db.props:
        return True
    name = engine(model, db)
    return bool(name and name.startswith("aurora"))


RESTORE_KEYS = ("SourceDBInstanceIdentifier", "SourceDBClusterIdentifier", "DBSnapshotIdentifier",
                "DBClusterSnapshotIdentifier", "SnapshotIdentifier", "SourceDbiResourceId", "RestoreTime",
                "UseLatestRestorableTime", "RestoreType", "SourceRegion")


def is_replica_or_restore(db: Resource) -> bool:
    """Read replicas and restores take storage settings from their source (in some scenario)."""
    return any(k in db.props for k in RESTORE_KEYS)


def fresh_scenarios(model: TemplateModel, db: Resource) -> list[Branch]:
    """The scenarios in which a database is created empty, not as a replica or a restore (an optional
    `DBSnapshotIdentifier: !If [HasSnapshot, ..., !Ref AWS::NoValue]` leaves one)."""
    keys = [k for k in RESTORE_KEYS if k in db.props]
    if not keys:
        return [model.exists(db)]
    lists = [[b for b in model.prop(db, k) if b.value is ABSENT] for k in keys]
    return [scenario for _, scenario in model.combine(*lists)]


def cluster_members(model: TemplateModel) -> tuple[dict[str, list[Resource]], bool]:
    """cluster -> its in-template instances, and whether some instance names a cluster we cannot resolve."""
    out: dict[str, list[Resource]] = {}
    unresolved = False
    for db in model.of_type(DB_INSTANCE):
        if "DBClusterIdentifier" not in db.props:
            continue
        cluster = model.lookup_node(db.props["DBClusterIdentifier"], (DB_CLUSTER,))
        if cluster:
            out.setdefault(cluster, []).append(db)
        else:
            unresolved = True
    return out, unresolved
