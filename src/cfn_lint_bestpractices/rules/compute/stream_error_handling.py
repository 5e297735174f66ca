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


def _bounded(branches):
    """Branches where the limit is set to a bound (or to a value that cannot be known)."""
    return [b for b in branches if b.value is not ABSENT and as_int(b.value) != -1]


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
            dest = model.get(mapping.props, "DestinationConfig", "OnFailure", "Destination")
            retries = model.get(mapping.props, "MaximumRetryAttempts")
            age = model.get(mapping.props, "MaximumRecordAgeInSeconds")
            # a scenario in which each is absent or -1 (naming the parameter values that make it so)...
            both = next((b for _, b in model.combine([mapping.scenario], [b for b in dest if b.value is ABSENT],
                                                     _unbounded(retries), _unbounded(age))), None)
            if both is None:
                # ...or in which none is set: a value naming a resource with a Condition holds only where
                # that resource exists (an unknown value counts as a limit)
                limits = [b for b in dest if b.value is not ABSENT] + _bounded(retries) + _bounded(age)
                both = model.uncovered(mapping.scenario, limits)
            if both is not None:
                key = (mapping.label, both.conditions, both.params)
                if key in seen:
                    continue
                seen.add(key)
                yield (mapping.resource.finding_path(mapping.path),
                       f"{capitalized(mapping.label)} reads a {_NAMES[mapping.kind]} stream with "
                       f"no on-failure destination and no limit on retries or record age{both.describe()}: one "
                       f"record that keeps failing blocks its shard until {_RETENTION[mapping.kind]}. Set "
                       "MaximumRetryAttempts or MaximumRecordAgeInSeconds, add DestinationConfig.OnFailure, and "
                       "consider BisectBatchOnFunctionError.")
