"""RDS instances and clusters: engine families and which instances belong to a cluster."""

from __future__ import annotations

from .template import Resource, TemplateModel
from .values import ABSENT, TOKEN_OPEN, Branch

DB_INSTANCE = "AWS::RDS::DBInstance"
DB_CLUSTER = "AWS::RDS::DBCluster"


def engines(model: TemplateModel, res: Resource, unknown: bool = False) -> list[Branch]:
    """The engine per scenario, lower-cased: one Branch per `Fn::If` branch and per parameter value
    that the rule's policy judges (`Engine: !Ref Engine` is the Default, or each allowed value), with
    the parameter's value in the scenario, so that `IsPostgres: !Equals [!Ref Engine, postgres]` is
    true only with the postgres value. An engine that cannot be known is left out, or with `unknown`
    kept as None."""
    out = []
    for br in model.prop(res, "Engine"):
        value = br.value
        name = value.lower() if isinstance(value, str) and TOKEN_OPEN not in value else None
        if name is None and not unknown:
            continue
        out.append(Branch(name, br.conditions, br.path, br.params))
    return out


def standalone(model: TemplateModel, db: Resource, unknown: bool = False) -> list[Branch]:
    """The scenarios in which a DB instance is not a member of a DB cluster (no DBClusterIdentifier, an
    engine that is not Aurora); a member's storage, backups and encryption are the cluster's. Each
    Branch's value is the engine there (None for one that cannot be known, kept with `unknown`)."""
    unclustered = [b for b in model.prop(db, "DBClusterIdentifier") if b.value is ABSENT]
    out = []
    for (eng, _), scenario in model.combine(engines(model, db, unknown), unclustered):
        if eng.value is not None and eng.value.startswith("aurora"):
            continue
        out.append(scenario)
    return out


def in_cluster(model: TemplateModel, db: Resource) -> bool:
    """An instance that belongs to a DB cluster in every scenario (Aurora, or Multi-AZ DB clusters)."""
    return not standalone(model, db, unknown=True)


RESTORE_KEYS = ("SourceDBInstanceIdentifier", "SourceDBClusterIdentifier", "DBSnapshotIdentifier",
                "DBClusterSnapshotIdentifier", "SnapshotIdentifier", "SourceDbiResourceId", "RestoreTime",
                "UseLatestRestorableTime", "RestoreType", "SourceRegion")


def is_replica_or_restore(db: Resource) -> bool:
    """Read replicas and restores take storage settings from their source (in some scenario)."""
    return any(k in db.props for k in RESTORE_KEYS)


def within_all(model: TemplateModel, *scopes: list[Branch]) -> list[Branch]:
    """The scenarios in which one scenario of each list holds (e.g. a standalone and a fresh instance)."""
    return [scenario for _, scenario in model.combine(*scopes)]


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


def single_member(model: TemplateModel, instances: list[Resource], where: Branch):
    """(instance, scenario) for each scenario within `where` in which that instance is the only one of
    `instances` (a cluster's members) that exists: its own Condition holds and each other's does not."""
    for only in instances:
        here = model.together(where, model.exists(only))
        if here is None:
            continue
        others = [other for other in instances if other is not only]
        if any(not other.condition for other in others):
            continue
        absent = [[Branch(None, ((other.condition, False),))] for other in others]
        for _, scenario in model.combine([here], *absent):
            yield only, scenario
            break
