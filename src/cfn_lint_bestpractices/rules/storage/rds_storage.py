"""I9805 and E9806: RDS storage autoscaling off, and a ceiling that cannot work."""

from __future__ import annotations

from ...fixes import NoFix
from ...model import TemplateModel
from ...model.lambda_config import int_branches
from ...model import ABSENT
from ...model.rds import DB_INSTANCE, fresh_scenarios, standalone

from .._base import BestPracticeRule


class RdsStorageAutoscalingOff(BestPracticeRule):
    id = "I9805"
    shortdesc = "RDS instance without storage autoscaling"
    description = (
        "An RDS instance (not Aurora, whose cluster storage grows by itself) with AllocatedStorage and no "
        "MaxAllocatedStorage has storage autoscaling off: when the disk fills, writes stop until someone "
        "resizes it."
    )
    tags = ["rds", "storage"]
    resource_types = ("AWS::RDS::DBInstance",)

    def findings(self, model: TemplateModel):
        for db in model.of_type(DB_INSTANCE):
            # per scenario: not a cluster member (Aurora storage grows by itself), not a replica or a
            # restore, no MaxAllocatedStorage
            uncapped = [b for b in model.prop(db, "MaxAllocatedStorage") if b.value is ABSENT]
            scopes = [standalone(model, db, unknown=True), fresh_scenarios(model, db), uncapped]
            for (br, *_), both in model.combine(int_branches(model, db, "AllocatedStorage"), *scopes):
                yield (br.path,
                       f"DB instance '{db.logical_id}' has {br.value} GiB of storage{both.describe()} and no "
                       "MaxAllocatedStorage, so storage autoscaling is off and a full disk stops writes. Set "
                       "MaxAllocatedStorage to the most storage you will pay for (at least 10% above AllocatedStorage).",
                       NoFix("the ceiling is the most storage you will pay for: a choice"))
                break


class RdsStorageCeiling(BestPracticeRule):
    id = "E9806"
    shortdesc = "RDS MaxAllocatedStorage not above AllocatedStorage"
    description = (
        "Storage autoscaling needs a ceiling above the allocated storage: RDS rejects a MaxAllocatedStorage "
        "that is not at least 10% larger than AllocatedStorage ('Invalid max storage size for engine')."
    )
    tags = ["rds", "storage"]
    resource_types = ("AWS::RDS::DBInstance",)

    def findings(self, model: TemplateModel):
        for db in model.of_type(DB_INSTANCE):
            ceilings = int_branches(model, db, "MaxAllocatedStorage")
            if not ceilings:
                continue
            for (ceiling, allocated), merged in model.combine(ceilings, int_branches(model, db, "AllocatedStorage")):
                if ceiling.value * 10 >= allocated.value * 11:
                    continue
                yield (ceiling.path,
                       f"DB instance '{db.logical_id}' sets MaxAllocatedStorage {ceiling.value} GiB with AllocatedStorage "
                       f"{allocated.value} GiB{merged.describe()}: RDS rejects a ceiling less than 10% above the "
                       "allocated storage, so the stack fails. Raise MaxAllocatedStorage, or remove it to turn "
                       "autoscaling off.",
                       NoFix("raising the ceiling (by how much: the most storage you will pay for) or removing it "
                             "is a choice"))
