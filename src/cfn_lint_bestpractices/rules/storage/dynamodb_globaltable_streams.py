"""E9817: a multi-Region eventually consistent global table without StreamSpecification."""

from __future__ import annotations

from ...fixes import NoFix
from ...model import ABSENT, UNKNOWN, TemplateModel
from .._base import BestPracticeRule

GLOBAL_TABLE = "AWS::DynamoDB::GlobalTable"


class DynamoDbGlobalTableStreams(BestPracticeRule):
    id = "E9817"
    shortdesc = "Global table with several replicas and no StreamSpecification"
    description = (
        "An AWS::DynamoDB::GlobalTable in multi-Region eventual consistency (MREC, the default) with more than "
        "one entry in Replicas must have a StreamSpecification: CloudFormation requires it, because MREC "
        "replication is built on DynamoDB Streams. Any StreamViewType is accepted. Multi-Region strong "
        "consistency (MultiRegionConsistency: STRONG) needs no stream."
    )
    tags = ["dynamodb", "global-tables", "streams"]
    resource_types = (GLOBAL_TABLE,)

    def _replica_counts(self, model: TemplateModel, table):
        """(number of replicas, scenario) per scenario of the Replicas list; None when unknown."""
        for br in model.prop(table, "Replicas"):
            if not isinstance(br.value, list):
                continue
            items = [model.branches(item) for item in br.value]
            if any(not b for b in items):
                continue
            for chosen, scenario in model.combine([br], *items):
                values = [c.value for c in chosen[1:]]
                if any(v is UNKNOWN for v in values):
                    continue
                yield sum(1 for v in values if v is not ABSENT), scenario

    def findings(self, model: TemplateModel):
        for table in model.of_type(GLOBAL_TABLE):
            consistency = model.strings(table, "MultiRegionConsistency", default="EVENTUAL")
            stream = [b for b in model.prop(table, "StreamSpecification") if b.value is ABSENT]
            if not stream:
                continue
            for count, scenario in self._replica_counts(model, table):
                if count < 2:
                    continue
                found = None
                for (mode, spec), both in model.combine(consistency, stream):
                    both = model.together(both, scenario)
                    if mode.value == "EVENTUAL" and both is not None:
                        found = both
                        break
                if found is None:
                    continue
                yield (table.path,
                       f"Global table '{table.logical_id}' has {count} replicas in multi-Region eventual consistency "
                       f"and no StreamSpecification{found.describe()}: CloudFormation requires a stream for an MREC "
                       "global table with more than one replica, so the deployment fails. Add StreamSpecification "
                       "with a StreamViewType (NEW_AND_OLD_IMAGES if consumers need both images), or set "
                       "MultiRegionConsistency: STRONG.",
                       NoFix("the StreamViewType depends on what the stream's consumers read"))
                break
