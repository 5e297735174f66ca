"""W9816: a provisioned global secondary index with less write capacity than its table."""

from __future__ import annotations

from ...fixes import Fix, NoFix, Set
from ...model import Branch, TemplateModel, as_int
from ...model.app_autoscaling import dynamodb_target_resources, dynamodb_targets
from .._base import BestPracticeRule

TABLE = "AWS::DynamoDB::Table"


class DynamoDbGsiWriteCapacity(BestPracticeRule):
    id = "W9816"
    shortdesc = "DynamoDB GSI with less write capacity than its table"
    description = (
        "Every write to a table is also written to each global secondary index that projects the item. In "
        "provisioned mode, a GSI with fewer write capacity units than its table is throttled first, and GSI "
        "write throttling makes the table's writes fail too. AWS advises GSI WriteCapacityUnits equal to or "
        "above the table's. Indexes or tables under Application Auto Scaling are not judged."
    )
    tags = ["dynamodb", "capacity", "throttling"]
    resource_types = ("AWS::DynamoDB::Table",)
    fixable = "unsafe"

    def findings(self, model: TemplateModel):
        tables = model.of_type(TABLE)
        if not tables:
            return
        scaled, unresolved = dynamodb_targets(model)
        if unresolved:
            return
        found = dynamodb_target_resources(model)
        for table in tables:
            billing = model.strings(table, "BillingMode", default="PROVISIONED")
            table_wcu = model.ints(table, "ProvisionedThroughput", "WriteCapacityUnits")
            for gsi in model.entries(table, "GlobalSecondaryIndexes"):
                # the index name is read as one value: a name chosen by an Fn::If cannot be matched to the
                # scalable target that names it, so it stays silent
                name = model.one(gsi.value.get("IndexName"))
                if not isinstance(name, str):
                    continue
                # write capacity under auto scaling (the table's or the index's) is not judged; a scalable
                # target with its own Condition scales only where it exists
                unscaled = []
                for key in ((table.logical_id, None), (table.logical_id, name), (table.logical_id, "*")):
                    for kinds, target in found.get(key, []):
                        if "write" in kinds:
                            unscaled.append([Branch(None, ((target.condition, False),))] if target.condition else [])
                if any(not option for option in unscaled):
                    continue
                gsi_wcu = model.within(gsi, "ProvisionedThroughput", "WriteCapacityUnits")
                gsi_wcu = [Branch(as_int(b.value), b.conditions, b.path, b.params) for b in gsi_wcu
                           if as_int(b.value) is not None]
                for (mode, twcu, gwcu, *_), both in model.combine(billing, table_wcu, gsi_wcu, *unscaled):
                    if mode.value != "PROVISIONED" or gwcu.value >= twcu.value:
                        continue
                    index_wcu = gwcu.value
                    if gwcu.params or twcu.params:
                        fix = NoFix("the capacity comes from a parameter")
                    else:
                        fix = Fix(f"set the index's WriteCapacityUnits to {twcu.value}",
                                  [Set(gwcu.path, twcu.value)],
                                  unsafe="raises the index's provisioned write capacity, and its cost")
                    yield (gwcu.path,
                           f"Global secondary index '{name}' of table '{table.logical_id}' has WriteCapacityUnits "
                           f"{index_wcu}, below the table's {twcu.value}{both.describe()}: writes that fill the table's "
                           "capacity throttle on the index, and index write throttling fails the table's writes too. "
                           f"Give the index at least {twcu.value} write capacity units (or put both under auto "
                           "scaling, or use PAY_PER_REQUEST).", fix)
                    break
