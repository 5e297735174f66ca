"""W9818: more readers on one DynamoDB stream than its shards serve without throttling."""

from __future__ import annotations

from collections import defaultdict

from ...model import ABSENT, Branch, TemplateModel, as_bool
from .._base import BestPracticeRule

TABLE = "AWS::DynamoDB::Table"
MAPPING = "AWS::Lambda::EventSourceMapping"
PIPE = "AWS::Pipes::Pipe"


class DynamoDbStreamConsumerLimit(BestPracticeRule):
    id = "W9818"
    shortdesc = "More than two readers on one DynamoDB stream"
    description = (
        "DynamoDB Streams serves at most two processes reading the same shard at the same time; more are "
        "throttled. Each Lambda event source mapping (plain, or a SAM DynamoDB event) and each EventBridge "
        "pipe on a table's stream is one such reader on every shard. A third reader slows or stalls them all; "
        "fan out from one consumer (a pipe or function that publishes to SNS or EventBridge), or stream the "
        "table to Kinesis Data Streams (KinesisStreamSpecification), which allows more consumers."
    )
    tags = ["dynamodb", "streams", "lambda", "throttling"]
    resource_types = (TABLE,)
    options = {
        "max_readers": {
            "default": 2, "type": "integer",
            "description": "Readers per stream shard that DynamoDB Streams serves without throttling",
        },
    }

    def _tables(self, model: TemplateModel, branches, where: Branch):
        """(table, scenario) for each branch of a stream ARN that names an in-template table's stream."""
        for br in branches:
            for base, attr in model.attributes_named(br.value):
                if attr == "StreamArn" and model.resources[base].type == TABLE:
                    both = model.together(br, where)
                    if both is not None:
                        yield base, both

    def _enabled(self, model: TemplateModel, node, base: tuple, where: Branch) -> list[Branch]:
        out = []
        for br in model.get(node, "Enabled"):
            flag = True if br.value is ABSENT else as_bool(br.value)
            if flag is False:
                continue
            both = model.together(Branch(None, br.conditions, base + br.path, br.params), where)
            if both is not None:
                out.append(both)
        return out

    def findings(self, model: TemplateModel):
        tables = model.of_type(TABLE)
        if not tables:
            return
        readers: dict[str, list[tuple[str, list[Branch]]]] = defaultdict(list)
        for esm in model.of_type(MAPPING):
            for on in self._enabled(model, esm.props, esm.prop_path(), model.exists(esm)):
                for table, scenario in self._tables(model, model.get(esm.props, "EventSourceArn"), on):
                    readers[table].append((f"event source mapping '{esm.logical_id}'", [scenario]))
        for fn, name, etype, props, base in model.sam_events:
            if etype != "DynamoDB" or not isinstance(props, dict):
                continue
            for on in self._enabled(model, props, base, model.exists(fn)):
                for table, scenario in self._tables(model, model.get(props, "Stream"), on):
                    readers[table].append((f"SAM event '{name}' of '{fn.logical_id}'", [scenario]))
        for pipe in model.of_type(PIPE):
            desired = [b for b in model.prop(pipe, "DesiredState") if b.value != "STOPPED"]
            for on in desired:
                for table, scenario in self._tables(model, model.get(pipe.props, "Source"), on):
                    readers[table].append((f"pipe '{pipe.logical_id}'", [scenario]))
        limit = int(self.config.get("max_readers") or 2)
        for table in tables:
            found = readers.get(table.logical_id)
            if not found or len(found) <= limit:
                continue
            parts = [[Branch(1, s.conditions, s.path, s.params) for s in scenarios] for _, scenarios in found]
            hit = model.largest_sum(parts, above=limit)
            if hit is None:
                continue
            chosen, scenario = hit
            names = [label for (label, scenarios), part in zip(found, parts) if any(c is b for b in part for c in chosen)]
            where = table.prop_path("StreamSpecification") if "StreamSpecification" in table.props else table.path
            yield (where,
                   f"The stream of table '{table.logical_id}' has {len(chosen)} readers ({', '.join(names)})"
                   f"{scenario.describe()}: DynamoDB Streams throttles when more than {limit} processes read the "
                   "same shard at the same time, so every consumer falls behind. Keep at most "
                   f"{limit} readers: fan out from one consumer (to SNS, SQS or EventBridge), or stream the table "
                   "to Kinesis Data Streams with KinesisStreamSpecification.")
