"""W9507: a Kinesis or DynamoDB stream mapping that retries a failing batch until the record expires."""

from __future__ import annotations

from ...model import ABSENT, TemplateModel
from ...model.invocation import invocations
from ...model.values import as_int, capitalized
from .._base import BestPracticeRule

_NAMES = {"kinesis": "Kinesis", "dynamodb": "DynamoDB"}
_RETENTION = {"kinesis": "the stream's retention period (24 hours by default, up to 365 days)",
              "dynamodb": "it leaves the stream after 24 hours"}


def _unbounded(branches):
    """Branches where the limit is absent or -1 (infinite); unknown values are left out."""
    return [b for b in branches if b.value is ABSENT or as_int(b.value) == -1]


class StreamErrorHandling(BestPracticeRule):
    id = "W9507"
    shortdesc = "Stream event source without failure handling"
    description = (
        "A Kinesis or DynamoDB stream mapping (plain or SAM) with no on-failure destination, "
        "MaximumRetryAttempts absent or -1 and MaximumRecordAgeInSeconds absent or -1 retries a failing batch "
        "until its records expire, and the shard makes no progress meanwhile."
    )
    tags = ["lambda", "kinesis", "dynamodb", "streams", "serverless"]
    resource_types = ("AWS::Lambda::EventSourceMapping", "AWS::Serverless::Function")

    def findings(self, model: TemplateModel):
        seen = set()
        for mapping in invocations(model).mappings:
            if mapping.kind not in ("kinesis", "dynamodb"):
                continue
            dest = [b for b in model.get(mapping.props, "DestinationConfig", "OnFailure", "Destination") if b.value is ABSENT]
            retries = _unbounded(model.get(mapping.props, "MaximumRetryAttempts"))
            age = _unbounded(model.get(mapping.props, "MaximumRecordAgeInSeconds"))
            for _, both in model.combine([mapping.scenario], dest, retries, age):
                key = (mapping.label, both.conditions, both.params)
                if key in seen:
                    break
                seen.add(key)
                yield (mapping.resource.finding_path(mapping.path),
                       f"{capitalized(mapping.label)} reads a {_NAMES[mapping.kind]} stream with "
                       f"no on-failure destination and no limit on retries or record age{both.describe()}: one "
                       f"record that keeps failing blocks its shard until {_RETENTION[mapping.kind]}. Set "
                       "MaximumRetryAttempts or MaximumRecordAgeInSeconds, add DestinationConfig.OnFailure, and "
                       "consider BisectBatchOnFunctionError.")
                break
